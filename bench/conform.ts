// bench/conform.ts: steps per second of a conformance run over HTTP against the reference server
// (in this process, loopback), and the share of time spent in the model vs in the adapter + server.
// Then the concurrent mode (`n2w conform --concurrency`): race histories per second and the
// linearizability checker's time per history.
//   node dist/bench/conform.js [--runs N] [--max-steps N] [--seed S] [--config default|strict|lax] [--concurrency K] [--histories N] [--json] [--write]
// `--write` puts the figures in bench/RESULTS.md's `bench:conform` section.
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { startServer } from '../reference-server/server.js';
import { conform, makeSetting } from '../conformance/harness.js';
import { createHttpAdapter } from '../conformance/http-adapter.js';
import { KNOWN_DIVERGENCES } from '../conformance/known.js';
import { translatedPaths } from '../conformance/paths.js';
import { CONFORMANCE_CONFIGS } from '../conformance/configs.js';
import { judgeHistory, RACE_SCENARIOS, runRace, type RaceHistory } from '../conformance/races.js';
import { n, table, writeRequested, writeSection } from './results.js';

export interface BenchResult {
  config: string;
  sequences: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  modelShare: number;
  adapterShare: number;
  modelUsPerStep: number;
  httpUsPerStep: number;
}

export async function benchConformance(o: { runs?: number; maxSteps?: number; seed?: number; config?: keyof typeof CONFORMANCE_CONFIGS } = {}): Promise<BenchResult> {
  const name = o.config ?? 'default';
  const server = await startServer({ port: 0, testMode: true });
  try {
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS[name]), resolveInterpretations(), DEFAULT_POPULATION);
    const adapter = createHttpAdapter({ baseUrl: server.url, managementToken: server.managementToken });
    // warm-up (JIT, SQLite statements, sockets)
    await conform({ setting, adapter, runs: 20, seed: 99, maxSteps: 10, known: KNOWN_DIVERGENCES });
    const r = await conform({ setting, adapter, paths: translatedPaths(setting).paths, runs: o.runs ?? 1000, seed: o.seed ?? 1, maxSteps: o.maxSteps ?? 20, known: KNOWN_DIVERGENCES });
    if (r.kind !== 'conformant') throw new Error(`bench run was not conformant: ${r.kind}`);
    const seconds = r.elapsedMs / 1000;
    const busy = r.modelMs + r.adapterMs;
    return {
      config: name, sequences: r.paths.total + r.random.sequences, steps: r.steps, seconds,
      stepsPerSecond: r.steps / seconds, modelShare: r.modelMs / busy, adapterShare: r.adapterMs / busy,
      modelUsPerStep: (r.modelMs * 1000) / r.steps, httpUsPerStep: (r.adapterMs * 1000) / r.steps,
    };
  } finally {
    await server.close();
  }
}

export interface RaceBenchResult { concurrency: number; histories: number; seconds: number; historiesPerSecond: number; checkMsMedian: number; checkMsMax: number; explored: number }

/** Race histories of every scenario against the clean reference server; each is then judged again alone, timed. */
export async function benchRaces(o: { concurrency?: number; histories?: number } = {}): Promise<RaceBenchResult> {
  const concurrency = o.concurrency ?? 4;
  const per = o.histories ?? 50;
  const server = await startServer({ port: 0, testMode: true });
  try {
    const adapter = createHttpAdapter({ baseUrl: server.url, managementToken: server.managementToken });
    for (const sc of RACE_SCENARIOS) await runRace(sc, { adapter, concurrency, known: KNOWN_DIVERGENCES, seed: 99, history: 0 }); // warm-up
    const all: RaceHistory[] = [];
    const t0 = performance.now();
    for (const sc of RACE_SCENARIOS) for (let h = 0; h < per; h++) all.push(await runRace(sc, { adapter, concurrency, known: KNOWN_DIVERGENCES, seed: 1, history: h }));
    const seconds = (performance.now() - t0) / 1000;
    if (all.some((h) => h.verdict.kind !== 'linearizable')) throw new Error('bench: a race history of the clean server was not linearizable');
    const times = all.map((h) => { const t = performance.now(); judgeHistory(h, KNOWN_DIVERGENCES); return performance.now() - t; }).sort((a, b) => a - b);
    return {
      concurrency, histories: all.length, seconds, historiesPerSecond: all.length / seconds, checkMsMedian: times[times.length >> 1]!, checkMsMax: times.at(-1)!,
      explored: all.reduce((k, h) => k + ('explored' in h.verdict ? h.verdict.explored : 0), 0),
    };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const r = await benchConformance({
    runs: opt('--runs') ? Number(opt('--runs')) : undefined, maxSteps: opt('--max-steps') ? Number(opt('--max-steps')) : undefined,
    seed: opt('--seed') ? Number(opt('--seed')) : undefined, config: opt('--config') as keyof typeof CONFORMANCE_CONFIGS | undefined,
  });
  const races = await benchRaces({ concurrency: opt('--concurrency') ? Number(opt('--concurrency')) : undefined, histories: opt('--histories') ? Number(opt('--histories')) : undefined });
  if (args.includes('--json')) console.log(JSON.stringify({ ...r, races }, null, 2));
  else {
    console.log(`conformance over HTTP (reference server on loopback, ${r.config} configuration)`);
    console.log(`  ${r.sequences} sequences, ${r.steps} steps in ${r.seconds.toFixed(2)} s: ${r.stepsPerSecond.toFixed(0)} steps/s`);
    console.log(`  time in the model: ${(r.modelShare * 100).toFixed(1)}% (${r.modelUsPerStep.toFixed(1)} µs/step)`);
    console.log(`  time in the adapter + server (HTTP): ${(r.adapterShare * 100).toFixed(1)}% (${r.httpUsPerStep.toFixed(0)} µs/step)`);
    console.log(`races (--concurrency ${races.concurrency}): ${races.histories} histories in ${races.seconds.toFixed(2)} s: ${races.historiesPerSecond.toFixed(0)} histories/s`);
    console.log(`  linearizability check per history: median ${races.checkMsMedian.toFixed(2)} ms, max ${races.checkMsMax.toFixed(2)} ms (${races.explored} search nodes in all)`);
  }
  if (writeRequested(args)) {
    const given = args.filter((a) => a !== '--write' && a !== '--json').join(' ');
    writeSection('conform', `npm run bench:conform -- ${given ? `${given} ` : ''}--write`, [
      `The reference server in the same process, on loopback; the \`${r.config}\` configuration of conformance/configs.ts; `
        + 'the lifecycle paths, then random sequences, with the known divergences applied; after a warm-up run.',
      '',
      table(['what', 'figure'], [
        ['sequences, steps', `${n(r.sequences)}, ${n(r.steps)} in ${r.seconds.toFixed(2)} s`],
        ['steps per second', `**${n(r.stepsPerSecond)}**`],
        ['time in the model', `${(r.modelShare * 100).toFixed(1)} % (${r.modelUsPerStep.toFixed(1)} µs a step)`],
        ['time in the adapter and server (HTTP)', `${(r.adapterShare * 100).toFixed(1)} % (${r.httpUsPerStep.toFixed(0)} µs a step)`],
        [`race histories (\`--concurrency ${races.concurrency}\`, ${RACE_SCENARIOS.length} scenarios, each with its reset and prefix)`, `${n(races.histories)} in ${races.seconds.toFixed(2)} s: **${races.historiesPerSecond.toFixed(0)} a second**`],
        ['linearizability check of one history', `median ${races.checkMsMedian.toFixed(2)} ms, max ${races.checkMsMax.toFixed(2)} ms (${n(races.explored)} search nodes in all)`],
      ]),
    ].join('\n'));
  }
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
