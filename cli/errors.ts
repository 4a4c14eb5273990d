// cli/errors.ts: the three ways a command ends badly, each with its own exit code (DEVELOPERS.md):
// bad input is 2, a failing property is 1, an internal or harness failure is 3.
import type { z } from 'zod';

export const EXIT = { ok: 0, propertyFailed: 1, badInput: 2, internal: 3 } as const;

/** The user's input is wrong: the message names the file, the field or line, and what was expected. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** `where: path.to.field: message` for each zod issue. */
export function formatZodError(where: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${where}${i.path.length ? `: ${formatPath(i.path)}` : ''}: ${i.message}`)
    .join('\n');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

/** How many problem lines of one InputError are printed; a file with hundreds of mistakes must not flood the terminal. */
export const MAX_PROBLEM_LINES = 20;
/** A single line longer than this (a zod message listing thousands of keys) is cut too. */
const MAX_LINE_CHARS = 1000;

/**
 * An InputError's message as printed: its first MAX_PROBLEM_LINES lines (one problem a line, see
 * formatZodError), then "and N more". Every place that prints an InputError goes through this.
 */
export function boundedMessage(message: string, max = MAX_PROBLEM_LINES): string {
  const lines = message.split('\n').map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}… (${l.length - MAX_LINE_CHARS} more characters)` : l));
  return lines.length <= max ? lines.join('\n') : [...lines.slice(0, max), `and ${lines.length - max} more`].join('\n');
}

/**
 * Exits once what was written to stdout and stderr has been handed on: process.exit alone drops the tail of
 * a large write to a pipe (`n2w check --json | jq` got the first 64 KB).
 */
export function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
