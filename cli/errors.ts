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
