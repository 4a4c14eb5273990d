// cli/report/write.ts: writes a built report to a directory: report.json, report.md, counterexamples/.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltReport } from './report.js';
import { renderCounterexample, renderReport } from './markdown.js';

export const toJson = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;

export function writeReport(dir: string, built: BuiltReport): void {
  const ces = join(dir, 'counterexamples');
  mkdirSync(ces, { recursive: true });
  // counterexamples of an earlier run that this one did not find must not linger
  for (const f of readdirSync(ces)) if (f.endsWith('.json') || f.endsWith('.md')) rmSync(join(ces, f));
  writeFileSync(join(dir, 'report.json'), toJson(built.report));
  writeFileSync(join(dir, 'report.md'), renderReport(built.report));
  for (const [name, ce] of [...built.counterexamples].sort(([a], [b]) => a.localeCompare(b))) {
    writeFileSync(join(ces, name), toJson(ce));
    writeFileSync(join(ces, name.replace(/\.json$/, '.md')), renderCounterexample(ce));
  }
}
