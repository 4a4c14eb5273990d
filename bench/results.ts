// bench/results.ts: how a benchmark script writes its figures into bench/RESULTS.md (`--write`). Each
// script owns one section, between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, and replaces only
// that one: the rest of the file (notes written by hand) is left as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository's root: the nearest directory above this file with a package.json (from bench/ or dist/bench/). */
function repositoryRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const RESULTS_FILE = join(repositoryRoot(), 'bench', 'RESULTS.md');

// the machine's load when the script started: the run's figures mean less when other work shared the cores
const loadAtStart = loadavg()[0];

const open = (name: string) => `<!-- bench:${name} -->`;
const close = (name: string) => `<!-- /bench:${name} -->`;

/**
 * `text` with the section `name` replaced by `body`; a section not there yet is appended at the end.
 * Markers out of order, or given twice, are an error: replacing between them would lose hand-written text.
 */
export function replaceSection(text: string, name: string, body: string): string {
  const a = text.indexOf(open(name));
  const b = text.indexOf(close(name));
  const block = `${open(name)}\n${body.trim()}\n${close(name)}`;
  if (a < 0 && b < 0) return `${text.trimEnd()}${text.trim() ? '\n\n' : ''}${block}\n`;
  if (a < 0 || b < a || text.indexOf(open(name), a + 1) >= 0 || text.indexOf(close(name), b + 1) >= 0) {
    throw new Error(`${open(name)} … ${close(name)}: the markers must appear once each, in that order`);
  }
  return text.slice(0, a) + block + text.slice(b + close(name).length);
}

/**
 * Replaces the section `name` of bench/RESULTS.md (or `file`) by `body`, after a line saying which command
 * wrote it, when, at which commit and on what machine.
 */
export function writeSection(name: string, command: string, body: string, file = RESULTS_FILE): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, replaceSection(text, name, `${machineContext(command)}\n\n${body.trim()}`));
  console.log(`\nwrote the ${name} section of ${file}`);
}

/** Whether the script was asked to write its section (`--write`). */
export const writeRequested = (argv: readonly string[] = process.argv.slice(2)): boolean => argv.includes('--write');

/** The value after `--name` on the command line, if given. */
export function option(name: string, argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Where and when a section's figures were taken, in one line, with the caveat every section needs. */
export function machineContext(command: string): string {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repositoryRoot(), encoding: 'utf8' });
  // uncommitted changes to the code measured (the bench scripts aside) mean the figures are not the commit's
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench'], { cwd: repositoryRoot(), encoding: 'utf8' });
  const commit = git.status === 0 ? ` at commit \`${git.stdout.trim()}\`${dirty.stdout.trim() ? ' with uncommitted changes' : ''}` : '';
  return `Written by \`${command}\` on ${new Date().toISOString().slice(0, 10)}${commit}: node ${process.version}, `
    + `nproc ${availableParallelism()} (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB; `
    + `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end. `
    + 'The machine is a shared virtual machine whose speed varies from one minute to the next: compare the figures '
    + 'of one run with each other (ratios), not absolute rates across runs.';
}

/** A Markdown table from a header and rows. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[], align: readonly ('l' | 'r')[] = []): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (align[i] === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** 1234567 as "1,234,567". */
export const n = (x: number): string => Math.round(x).toLocaleString('en-US');
