// cli/report/write.ts: writes a built report to a directory: report.json, report.md, index.html,
// machines.html and machines/*.svg, assets/report.css (the pages' one style sheet), and per
// counterexample its .json, .md and .html.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltReport, CounterexampleFile } from './report.js';
import { renderCounterexample, renderReport } from './markdown.js';
import { machineSvgFile, renderCounterexampleHtml, renderIndexHtml, renderMachinesHtml, STYLE, STYLESHEET } from './html.js';
import { machineDiagrams } from './machines.js';
import { chartOf, type Chart } from './sequence.js';
import { storyOf, type Story } from './story.js';
import { parseScenario } from '../input.js';

export const toJson = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;

/** A counterexample replayed for its pictures; `file` is where it is written (its Action paths are relative to it). */
export const storyOfFile = (ce: CounterexampleFile, file: string): Story => storyOf(parseScenario(ce, file));

export function writeReport(dir: string, built: BuiltReport): void {
  const ces = join(dir, 'counterexamples');
  const machines = join(dir, 'machines');
  mkdirSync(ces, { recursive: true });
  mkdirSync(machines, { recursive: true });
  // counterexamples of an earlier run that this one did not find must not linger
  for (const f of readdirSync(ces)) if (/\.(json|md|html)$/.test(f)) rmSync(join(ces, f));
  for (const f of readdirSync(machines)) if (f.endsWith('.svg')) rmSync(join(machines, f));
  const charts = new Map<string, Chart>();
  for (const [name, built1] of [...built.counterexamples].sort(([a], [b]) => a.localeCompare(b))) {
    // the views are drawn from the file as saved (JSON drops what is undefined), so merged shards,
    // which read it back, draw the same pages
    const json = toJson(built1);
    const ce = JSON.parse(json) as CounterexampleFile;
    const story = storyOfFile(ce, join(ces, name));
    charts.set(`counterexamples/${name}`, chartOf(story, ce.violation.step));
    writeFileSync(join(ces, name), json);
    writeFileSync(join(ces, name.replace(/\.json$/, '.md')), renderCounterexample(ce, charts.get(`counterexamples/${name}`)));
    writeFileSync(join(ces, name.replace(/\.json$/, '.html')), renderCounterexampleHtml(ce, story, name));
  }
  writeFileSync(join(dir, 'report.json'), toJson(built.report));
  writeFileSync(join(dir, 'report.md'), renderReport(built.report, charts));
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, STYLESHEET), STYLE.trimStart());
  writeFileSync(join(dir, 'index.html'), renderIndexHtml(built.report));
  const diagrams = machineDiagrams();
  writeFileSync(join(dir, 'machines.html'), renderMachinesHtml(diagrams));
  for (const d of diagrams) writeFileSync(join(machines, `${d.id}.svg`), machineSvgFile(d));
}
