// cli/races.ts: the race part of `n2w conform --concurrency K` (conformance/races.ts) and the replay of a
// saved history (`n2w conform --replay race-….json`): what cli/conform.ts calls.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { renderRaceHistoryHtml } from './report/conformance-html.js';
import type { Adapter } from '../conformance/adapter.js';
import type { KnownDivergence } from '../conformance/known.js';
import { formatTimeline, judgeHistory, RACE_SCENARIOS, raceHistorySchema, runCodeRace, runRace, type RaceHistory, type RaceScenario } from '../conformance/races.js';
import { EXIT, InputError } from './errors.js';

export interface RaceFlags {
  concurrency: number;
  /** histories per scenario */
  histories: number;
  /** nodes the linearizability search may visit per history (per partition) */
  budget: number;
  seed: number;
  out: string;
}

export interface RaceSummary {
  scenario: string;
  why: string;
  histories: number;
  linearizable: number;
  inconclusive: number;
  /** the first history no order explains, saved */
  failure?: { file: string; history: number; timeline: string[] };
  explored: number;
  checkMs: number;
}

/** Runs every race scenario `histories` times; stops a scenario at its first history no order explains. */
export async function runRaces(adapter: Adapter, flags: RaceFlags, known: readonly KnownDivergence[], progress: (line: string) => void, scenarios: readonly RaceScenario[] = RACE_SCENARIOS, withCode = true) {
  const summaries: RaceSummary[] = [];
  for (const sc of scenarios) {
    const s: RaceSummary = { scenario: sc.name, why: sc.why, histories: 0, linearizable: 0, inconclusive: 0, explored: 0, checkMs: 0 };
    for (let h = 0; h < flags.histories; h++) {
      const history = await runRace(sc, { adapter, concurrency: flags.concurrency, known, seed: flags.seed, history: h, budget: flags.budget });
      s.histories++;
      const v = history.verdict;
      if ('explored' in v) s.explored += v.explored;
      if (v.kind === 'linearizable') { s.linearizable++; continue; }
      if (v.kind === 'inconclusive') { s.inconclusive++; continue; }
      await mkdir(flags.out, { recursive: true });
      const file = join(flags.out, `race-${sc.name}-seed${flags.seed}-h${h}.json`);
      await writeFile(file, `${JSON.stringify(history, null, 2)}\n`);
      await writeFile(file.replace(/\.json$/, '.html'), renderRaceHistoryHtml(history, basename(file)));
      s.failure = { file, history: h, timeline: formatTimeline(history) };
      break;
    }
    summaries.push(s);
    progress(`  race ${sc.name}: ${s.histories} histories of ${flags.concurrency} overlapping requests, ${s.linearizable} linearizable${s.inconclusive ? `, ${s.inconclusive} inconclusive (search budget ${flags.budget} nodes)` : ''}${s.failure ? ', 1 NOT linearizable' : ''}`);
  }
  const code = withCode ? await runCodeRace(adapter, flags.concurrency) : { kind: 'not-offered' as const, ops: [] };
  const failed = summaries.some((s) => s.failure) || code.kind === 'not-linearizable';
  const inconclusive = summaries.some((s) => s.inconclusive > 0);
  return { summaries, code, exit: failed ? EXIT.propertyFailed : inconclusive ? EXIT.internal : EXIT.ok };
}

/** Lines for a person: per scenario what ran, and the timeline of the history no order explains. */
export function describeRaces(r: Awaited<ReturnType<typeof runRaces>>, concurrency: number): string[] {
  const lines = [`  races (${concurrency} overlapping requests per history; linearizability against the model, partitioned by refresh-token family and transfer token):`];
  for (const s of r.summaries) {
    lines.push(`    ${s.scenario}: ${s.linearizable}/${s.histories} linearizable${s.inconclusive ? `, ${s.inconclusive} inconclusive (not a pass)` : ''}: ${s.why}`);
    if (s.failure) {
      lines.push(`    NOT LINEARIZABLE: no order of these requests, one at a time, gives these answers (history ${s.failure.history}, saved to ${s.failure.file}; n2w conform --replay it):`);
      lines.push(...s.failure.timeline.map((l) => `      ${l}`));
    }
  }
  lines.push(r.code.kind === 'not-offered'
    ? '    one-code-twice: not exercised (the adapter offers no authorizationCode/redeemCode)'
    : `    one-code-twice: ${r.code.kind === 'linearizable' ? 'linearizable' : 'NOT linearizable'}: one authorization code redeemed ${concurrency} times at once, answered ${r.code.ops.map((o) => o.status || 'no answer').join(', ')} (RFC 6749 §4.1.2: one success at most)`);
  return lines;
}

/** A saved race history, read and checked: its shape is raceHistorySchema's (else exit 2 with the field). */
export function readRaceHistory(file: string, doc: unknown): RaceHistory {
  const r = raceHistorySchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}; expected a race history written by n2w conform --concurrency`);
  }
  return doc as RaceHistory;
}

/**
 * `n2w conform --replay race-….json`: the saved history judged again (the same verdict from the same file),
 * then, with --url or --adapter, the scenario run again `histories` times to see whether the race recurs.
 */
export async function replayRace(history: RaceHistory, known: readonly KnownDivergence[], adapter: Adapter | null, flags: RaceFlags, print: (l: string) => void): Promise<number> {
  const v = judgeHistory(history, known, flags.budget);
  print(`n2w conform --replay: the saved history of ${history.scenario} (${history.ops.length} overlapping requests) is ${v.kind}${'explored' in v ? ` (${v.explored} search nodes)` : ''}`);
  for (const l of formatTimeline(history)) print(`  ${l}`);
  if (!adapter) return v.kind === 'linearizable' ? EXIT.ok : v.kind === 'inconclusive' ? EXIT.internal : EXIT.propertyFailed;
  const sc = RACE_SCENARIOS.find((s) => s.name === history.scenario);
  if (!sc) throw new InputError(`scenario: ${history.scenario} is not one of ${RACE_SCENARIOS.map((s) => s.name).join(', ')}`);
  const r = await runRaces(adapter, { ...flags, concurrency: history.concurrency, seed: history.seed }, known, () => undefined, [sc], false);
  const s = r.summaries[0]!;
  print(s.failure
    ? `n2w conform --replay: reproduced against the implementation: history ${s.failure.history} of ${s.histories} is not linearizable (saved to ${s.failure.file})`
    : `n2w conform --replay: not reproduced: ${s.linearizable} of ${s.histories} new histories linearizable${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ''}`);
  return s.failure ? EXIT.propertyFailed : s.inconclusive ? EXIT.internal : EXIT.ok;
}
