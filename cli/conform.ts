// cli/conform.ts: `n2w conform` and `n2w paths --emit vitest`, as functions cli/main.ts wires in.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { configLabel, configToInput, DEFAULT_INTERPRETATIONS, INTERPRETATION_KEYS, resolveConfig, resolveInterpretations, type ConfigInput } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import { REASONS } from '../machines/observation.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { boundedMessage, EXIT, InputError } from './errors.js';
import { loadSettingFile } from './input.js';
import { checkOutDir, checkRegularFile, readJsonFile } from './read.js';
import { CONTRACT_FIELDS, contractView, loadAdapterModule, type Adapter, type ContractView } from '../conformance/adapter.js';
import { conform, describeTrace, replayTrace, type ConformReport, type NamedPath, type Trace } from '../conformance/harness.js';
import { createHttpAdapter } from '../conformance/http-adapter.js';
import { KNOWN_DIVERGENCES, type KnownDivergence } from '../conformance/known.js';
import { coveringPaths, translatedPaths } from '../conformance/paths.js';
import { coveringPaths as explorerCoveringPaths } from '../explorer/explore.js';
import { COVERING_RUNS, CONFORMANCE_DEFAULT_CONFIG, coveringSetting } from '../conformance/configs.js';
import { exercisableRules } from '../check/mutation.js';
import { RULE_PROPERTIES } from '../properties/index.js';
import { describeConfig } from './format.js';
import { renderConformanceTraceHtml } from './report/conformance-html.js';
import { describeRaces, readRaceHistory, replayRace, runRaces, type RaceFlags } from './races.js';
import { RACE_SCENARIOS } from '../conformance/races.js';
import { ConformEstimate, formatLeft, liveProgress, PlainSchedule } from './progress.js';
import { conformFindings, parseReporters, writeReporters, type ReporterName } from './reporters.js';

/** exercisableRules per configuration and readings, once per process (it runs every mutant; a run repeats configurations) */
const exercisedBy = new Map<string, ReturnType<typeof exercisableRules>>();
function exercisable(setting: Setting): ReturnType<typeof exercisableRules> {
  const key = JSON.stringify([configToInput(setting.config), setting.interpretations, setting.population]);
  let r = exercisedBy.get(key);
  if (!r) exercisedBy.set(key, (r = exercisableRules(setting)));
  return r;
}

/** The readings a setting takes other than the defaults, as `; readings A19 always, N2 true`, or nothing. */
function describeReadings(setting: Setting): string {
  const other = INTERPRETATION_KEYS.filter((k) => setting.interpretations[k] !== DEFAULT_INTERPRETATIONS[k]);
  return other.length === 0 ? '' : `; readings ${other.map((k) => `${k} ${setting.interpretations[k]}`).join(', ')}`;
}

/** The implementation under test: a server at --url, or the adapter module --adapter names. */
async function adapterFor(flags: { url?: string; adapter?: string }): Promise<Adapter> {
  if (!flags.url) return loadAdapter(flags.adapter!);
  try { new URL(flags.url); } catch { throw new InputError(`--url: not a URL: ${flags.url}`); }
  return createHttpAdapter({ baseUrl: flags.url });
}

/** The setting of a conformance run: the file's (cli/input.ts, loadSettingFile), or the default above. */
export function loadSetting(file?: string): Setting {
  return file ? loadSettingFile(file) : makeSetting(resolveConfig(CONFORMANCE_DEFAULT_CONFIG), resolveInterpretations(), DEFAULT_POPULATION);
}

/** The explorer's covering paths (explorer/explore.ts), checked and named on the model. */
export function explorerPaths(setting: Setting): NamedPath[] {
  return coveringPaths(setting, explorerCoveringPaths(setting).map((p) => p.events), 'explorer covering path').paths;
}

/** Every path a conformance run starts with: xstate/graph lifecycle paths, then the explorer's. */
export function allPaths(setting: Setting): NamedPath[] {
  return [...translatedPaths(setting).paths, ...explorerPaths(setting)];
}

/** A trace written by `n2w conform` (harness.ts, Trace), told apart from a counterexample of `n2w check` by its shape. */
export function isConformanceTrace(doc: unknown): doc is Trace {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  return (d.kind === 'divergence' || d.kind === 'error') && Array.isArray(d.steps) && !('property' in d)
    && ['modelObservations', 'implementationObservations', 'exchanges'].some((k) => k in d);
}

/** Errors go to stderr (stdout is for results), or to the caller's print; at most MAX_PROBLEM_LINES problems. */
const failTo = (print?: (line: string) => void) => (line: string) => {
  const l = boundedMessage(line);
  if (print) print(l);
  else process.stderr.write(`${l}\n`);
};

/** An adapter module, checked before it is imported: importing a FIFO would wait for ever. */
async function loadAdapter(file: string): Promise<Adapter> {
  checkRegularFile(file, 'an adapter module (.ts, .js or .mjs)');
  try { return await loadAdapterModule(file); } catch (e) { throw new InputError(`--adapter ${file}: ${(e as Error).message}`); }
}

export interface ConformFlags {
  url?: string;
  adapter?: string;
  config?: string;
  runs: number;
  seed: number;
  maxSteps: number;
  out: string;
  json?: boolean;
  /** apply the named skip list of known model/implementation disagreements (default true) */
  known?: boolean;
  /** where to print (default process.stdout / stderr) */
  print?: (line: string) => void;
  /** a saved trace to run again instead of generating sequences */
  replay?: string;
  /** after the sequential run, the race scenarios with this many overlapping requests (conformance/races.ts) */
  concurrency?: number;
  /** histories per race scenario (default 25) */
  histories?: number;
  /** search nodes per history before a race is inconclusive (default 100000) */
  budget?: number;
  /** junit, sarif (repeatable or comma-separated): report.junit.xml / report.sarif in --out */
  reporter?: string[];
}

const raceFlags = (f: ConformFlags): RaceFlags => ({ concurrency: f.concurrency ?? 2, histories: f.histories ?? 25, budget: f.budget ?? 100_000, seed: f.seed, out: f.out });

/** Exit codes (cli/errors.ts): 0 conformant, 1 divergence (as a failing property), 2 bad input, 3 harness error (server down, timeout). */
export async function conformCommand(flags: ConformFlags): Promise<number> {
  const print = flags.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const fail = failTo(flags.print);
  let reporters: ReporterName[];
  try {
    reporters = parseReporters(flags.reporter);
    if (reporters.length > 0 && flags.replay) throw new InputError('--reporter: not with --replay (a replay judges one saved trace again; the run that saved it writes the reports)');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    fail(`n2w conform: ${e.message}`);
    return EXIT.badInput;
  }
  if (flags.replay) return replayCommand(flags);
  if (!flags.url && !flags.adapter) { fail('n2w conform: give --url URL (an Auth0-shaped server) or --adapter FILE'); return EXIT.badInput; }
  if (flags.url && flags.adapter) { fail('n2w conform: give --url or --adapter, not both'); return EXIT.badInput; }
  for (const [k, v] of [['runs', flags.runs], ['maxSteps', flags.maxSteps]] as const) {
    if (!Number.isInteger(v) || v < 0) { fail(`n2w conform: --${k} must be a non-negative integer, got ${v}`); return EXIT.badInput; }
  }
  for (const [k, v, min] of [['concurrency', flags.concurrency, 2], ['histories', flags.histories, 1], ['budget', flags.budget, 1]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > (k === 'concurrency' ? 64 : Number.MAX_SAFE_INTEGER))) {
      fail(`n2w conform: --${k} must be an integer ${k === 'concurrency' ? 'from 2 to 64' : `of at least ${min}`}, got ${v}`);
      return EXIT.badInput;
    }
  }
  if (!Number.isInteger(flags.seed)) { fail(`n2w conform: --seed must be an integer, got ${flags.seed}`); return EXIT.badInput; }
  let setting: Setting;
  let adapter: Adapter;
  try {
    // --out only takes a trace at the end: an unusable one must fail now, not after the whole run
    checkOutDir('--out', flags.out);
    setting = loadSetting(flags.config);
    adapter = await adapterFor(flags);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    fail(`n2w conform: ${e.message}`);
    return EXIT.badInput;
  }
  const known: readonly KnownDivergence[] = flags.known === false ? [] : KNOWN_DIVERGENCES;
  // without --config, the covering configurations: together every rule property can fail under one of them
  const runs = flags.config ? [{ name: 'given', why: flags.config, setting }] : COVERING_RUNS.map((r) => ({ name: r.name, why: r.why, setting: coveringSetting(r) }));
  const label = flags.url ?? flags.adapter;
  // progress: the time left over every configuration (cli/progress.ts); on a terminal a line fitted to its
  // width with these lines above it, elsewhere (or to flags.print) plain lines at each tenth of the run,
  // every HEARTBEAT_MS and at the end of each configuration
  const estimate = new ConformEstimate(runs.length, flags.runs, flags.maxSteps || 1);
  let at = { k: 0, done: 0, total: 0 };
  const status = () => (at.total ? `${at.done}/${at.total} sequences of configuration ${at.k + 1}/${runs.length}` : `preparing configuration ${at.k + 1}/${runs.length}`);
  const live = !flags.json && !flags.print && process.stderr.isTTY ? liveProgress(() => ({ label: 'conform', fraction: estimate.fraction(), segments: [formatLeft(estimate.left()), status()] })) : null;
  const progress = (line: string) => { if (flags.json) return; if (live) live.log(line); else (flags.print ?? ((l: string) => process.stderr.write(`${l}\n`)))(line); };
  const statusLine = () => `  ${status()}; ${Math.floor(estimate.fraction() * 100)}% of the run; ${formatLeft(estimate.left())}`;
  const schedule = new PlainSchedule();
  progress(`n2w conform: ${runs.length === 1 ? 'one configuration' : `${runs.length} configurations, each with its covering paths and ${flags.runs} random sequences`} against ${label}; what each can exercise is judged by the mutants of machines/mutants (100 random sequences each)`);
  const done: { name: string; result: ConformReport['kind']; exercised: string[]; notExercised: string[]; report: ConformReport }[] = [];
  let report!: ConformReport;
  let races: Awaited<ReturnType<typeof runRaces>> | undefined;
  try {
    for (const [k, run] of runs.entries()) {
      estimate.start(k);
      at = { k, done: 0, total: 0 };
      const ex = exercisable(run.setting);
      progress(`configuration ${k + 1}/${runs.length} ${run.name} (${run.why}): ${describeConfig(run.setting.config)}${describeReadings(run.setting)}`);
      progress(`  can exercise ${ex.exercised.length} of ${ex.exercised.length + ex.not.length} rule properties${ex.not.length ? `; cannot (no defect of theirs shows under it): ${ex.not.join(', ')}` : ''}`);
      const paths = allPaths(run.setting);
      estimate.prepared(paths.reduce((n, p) => n + p.events.length, 0));
      const onProgress = (n: number, total: number, steps: number) => {
        estimate.sequence(steps, n > paths.length);
        at = { k, done: n, total };
        live?.update();
        if (n === total || (!live && schedule.due(estimate.fraction()))) progress(statusLine());
      };
      report = await conform({ setting: run.setting, adapter, paths, runs: flags.runs, seed: flags.seed, maxSteps: flags.maxSteps || 1, known, onProgress });
      done.push({ name: run.name, result: report.kind, exercised: ex.exercised, notExercised: ex.not, report });
      if (report.kind !== 'conformant') break;
    }
    if (flags.concurrency !== undefined && report.kind === 'conformant') {
      progress(`races: ${RACE_SCENARIOS.length} scenarios and one code redeemed twice, ${flags.concurrency} overlapping requests each, ${raceFlags(flags).histories} histories per scenario`);
      races = await runRaces(adapter, raceFlags(flags), known, progress);
    }
  } finally {
    live?.stop();
    await adapter.close?.().catch(() => undefined);
  }
  const covered = new Set(done.flatMap((d) => d.exercised));
  const uncovered = RULE_PROPERTIES.map((p) => p.id).filter((id) => !covered.has(id));
  let traceFile: string | undefined;
  if (report.trace) {
    await mkdir(flags.out, { recursive: true });
    traceFile = join(flags.out, `conform-${report.kind}-seed${flags.seed}.json`);
    await writeFile(traceFile, `${JSON.stringify(report.trace, null, 2)}\n`);
    // the same trace as a page: both sides' answers side by side, the first difference marked
    await writeFile(traceFile.replace(/\.json$/, '.html'), renderConformanceTraceHtml(report.trace, basename(traceFile)));
  }
  const written = writeReporters(flags.out, reporters, conformFindings({
    seed: flags.seed, maxSteps: flags.maxSteps || 1,
    configurations: runs.map((r, k) => {
      const d = done[k];
      return { name: r.name, why: r.why, label: configLabel(r.setting.config), ran: d !== undefined, ...(d ? { result: d.result, paths: d.report.paths.total, sequences: d.report.random.sequences, steps: d.report.steps } : {}) };
    }),
    ...(report.trace && traceFile ? {
      trace: {
        file: relative(flags.out, traceFile).split(sep).join('/'), path: traceFile, text: `${JSON.stringify(report.trace, null, 2)}\n`, kind: report.trace.kind, configuration: done.at(-1)!.name,
        source: report.trace.source, step: report.trace.divergence?.step ?? report.trace.error?.step ?? report.trace.steps.length,
        fields: report.trace.divergence?.fields ?? [], message: report.trace.error?.message, steps: report.trace.steps.length,
      },
    } : {}),
    ...(races ? { races: { concurrency: flags.concurrency!, code: races.code, summaries: races.summaries.map(({ failure, ...x }) => ({ ...x, ...(failure ? { failure: { history: failure.history, path: failure.file, file: relative(flags.out, failure.file).split(sep).join('/') } } : {}) })) } } : {}),
  }));
  const total = { paths: done.reduce((n, d) => n + d.report.paths.total, 0), sequences: done.reduce((n, d) => n + d.report.random.sequences, 0), steps: done.reduce((n, d) => n + d.report.steps, 0), ms: done.reduce((n, d) => n + d.report.elapsedMs, 0) };
  const ran = `${total.paths} paths + ${total.sequences} random sequences (${total.steps} steps) in ${(total.ms / 1000).toFixed(1)} s${done.length > 1 ? ` over ${done.length} configurations` : ''}`;
  if (flags.json) {
    print(JSON.stringify({
      result: report.kind, paths: report.paths, random: report.random, steps: report.steps, elapsedMs: Math.round(report.elapsedMs),
      modelMs: Math.round(report.modelMs), adapterMs: Math.round(report.adapterMs), knownCuts: report.cuts, trace: traceFile,
      configurations: done.map((d) => ({ name: d.name, result: d.result, exercised: d.exercised, notExercised: d.notExercised })),
      notExercised: uncovered,
      ...(written.length ? { reports: written } : {}),
      ...(report.trace ? { divergence: report.trace.divergence, error: report.trace.error, steps_: report.trace.steps } : {}),
      ...(races ? { races: { concurrency: flags.concurrency, result: races.exit === EXIT.ok ? 'linearizable' : races.exit === EXIT.propertyFailed ? 'not-linearizable' : 'inconclusive', scenarios: races.summaries, code: races.code } } : {}),
    }, null, 2));
  } else {
    print(`n2w conform: ran ${ran} against ${label}`);
    if (Object.keys(report.cuts).length) print(`  known divergences (DIVERGENCES.md), sequences cut before them: ${Object.entries(report.cuts).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    if (report.kind === 'conformant') {
      print(`  conformant: every observation matched the model${done.length > 1 ? ` under each of the ${done.length} configurations` : ''}`);
      print(uncovered.length === 0 ? '  every rule property could have failed under one of these configurations' : `  not exercised (no configuration run lets them fail, so "conformant" says nothing of them): ${uncovered.join(', ')}`);
    } else {
      if (done.length > 1) print(`  under configuration ${done.at(-1)!.name}`);
      print(report.kind === 'divergence'
        ? `  DIVERGENCE (${report.trace!.source.kind}${report.trace!.source.name ? ` "${report.trace!.source.name}"` : ''}; shrunk from ${report.trace!.source.originalLength} to ${report.trace!.steps.length} steps):`
        : `  HARNESS ERROR (the implementation could not be driven; trace so far kept):`);
      print(describeTrace(report.trace!).split('\n').map((l) => `    ${l}`).join('\n'));
      print(`  trace: ${traceFile} (and ${basename(traceFile!).replace(/\.json$/, '.html')} beside it, to read in a browser)`);
    }
    if (races) for (const l of describeRaces(races, flags.concurrency!)) print(l);
    if (written.length) print(`  for CI: ${written.join(', ')}`);
  }
  if (report.kind !== 'conformant') return report.kind === 'divergence' ? EXIT.propertyFailed : EXIT.internal;
  return races?.exit ?? EXIT.ok;
}

// ---------------------------------------------------------------------------------------------
// n2w paths --emit vitest

export interface PathsFlags {
  emit: 'vitest';
  out: string;
  /** the user's adapter module (default-exports an Adapter factory); default `./adapter.ts` in --out */
  adapter?: string;
  config?: string;
  /** file name of the suite (default n2w-conformance.test.ts) */
  file?: string;
  print?: (line: string) => void;
}

interface EmittedStep { event: ModelEvent; expected: ContractView; alternatives?: { known: string; expected: ContractView }[] }

/** The model's expected observations for each path (cut before a known `cut` divergence). */
export function expectedSteps(setting: Setting, path: NamedPath, known: readonly KnownDivergence[] = KNOWN_DIVERGENCES): EmittedStep[] {
  const model = createModel(setting);
  let world = model.initial;
  const out: EmittedStep[] = [];
  for (let i = 0; i < path.events.length; i++) {
    const event = path.events[i];
    if (known.some((k) => k.cut?.(setting, world, event))) break;
    const r = model.step(world, event, i + 1);
    const alternatives = known.flatMap((k) => {
      const alt = k.alternative?.({ setting, before: world, after: r.world, event, model: r.observation });
      return alt ? [{ known: k.id, expected: contractView(alt) }] : [];
    });
    out.push({ event, expected: contractView(r.observation), ...(alternatives.length ? { alternatives } : {}) });
    world = r.world;
  }
  return out;
}

export async function pathsCommand(flags: PathsFlags): Promise<number> {
  const print = flags.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const fail = failTo(flags.print);
  if (flags.emit !== 'vitest') { fail(`n2w paths: --emit ${String(flags.emit)} is not supported (vitest)`); return EXIT.badInput; }
  let given: Setting | null;
  try {
    checkOutDir('--out', flags.out);
    // the suite imports the adapter: a path to nothing is a typo (leave --adapter out for ./adapter.ts beside the suite)
    if (flags.adapter) {
      const expected = 'your adapter module (or leave --adapter out: the suite then imports ./adapter.ts beside it)';
      if (!existsSync(flags.adapter)) throw new InputError(`--adapter ${flags.adapter}: no such file; expected ${expected}`);
      checkRegularFile(flags.adapter, expected);
    }
    given = flags.config ? loadSetting(flags.config) : null;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    fail(`n2w paths: ${e.message}`);
    return EXIT.badInput;
  }
  const outDir = resolve(flags.out);
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, flags.file ?? 'n2w-conformance.test.ts');
  let importPath = './adapter.ts';
  if (flags.adapter) {
    importPath = relative(dirname(file), resolve(flags.adapter)).split('\\').join('/');
    if (!importPath.startsWith('.')) importPath = `./${importPath}`;
  }
  // without --config, the covering configurations of `n2w conform`, one describe block each
  const runs = given ? [{ name: 'given', why: flags.config!, setting: given }] : COVERING_RUNS.map((r) => ({ name: r.name, why: r.why, setting: coveringSetting(r) }));
  const configs = runs.map(({ name, why, setting }) => ({
    name, why, input: configToInput(setting.config),
    setup: { config: setting.config, interpretations: setting.interpretations, population: setting.population },
    paths: allPaths(setting).map((p) => ({ name: p.name, covers: p.covers ?? [], steps: expectedSteps(setting, p) })).filter((p) => p.steps.length > 0),
  }));
  const count = configs.reduce((n, c) => n + c.paths.length, 0);
  // The suite's `view` is its own copy of adapter.ts's contractView, as it runs without this package;
  // contract-view.test.ts checks that the two agree.
  const src = `// Generated by \`n2w paths --emit vitest\`: the model's expected observations (MODEL.md §4) for ${count} paths
// that drive every refresh token, transfer token and session through every state and transition of its
// lifecycle machine (xstate/graph), each under every cause the model knows, under ${configs.length === 1 ? 'one configuration' : `each of ${configs.length} configurations`}. Commit it; regenerate it when
// the model changes. It calls your adapter: ${importPath} must default-export a factory returning an Adapter
// ({ reset(setup), apply(event, step) -> { observation, unobserved? }, close?() }).
${configs.map((c) => `// Configuration ${c.name} (MODEL.md §2; ${c.why}): ${JSON.stringify(c.input)}`).join('\n')}
// A step passes when the contract fields match the model's, or one of the alternatives that a documented,
// known divergence allows (see the model's conformance/DIVERGENCES.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import createAdapter from '${importPath}';

const CONFIGS = ${JSON.stringify(configs.map(({ name, setup, paths }) => ({ name, setup, paths })), null, 1)};
const REASONS = ${JSON.stringify(REASONS)};
const FIELDS = ${JSON.stringify(CONTRACT_FIELDS)};

function view(o: any, unobserved: string[]) {
  const sort = (xs: string[] | undefined) => [...(xs ?? [])].sort();
  const v: Record<string, unknown> = {
    outcome: o.outcome,
    reason: o.reason !== undefined && o.reason !== null && REASONS.includes(o.reason) ? o.reason : null,
    user: o.user ?? null, session: o.session ?? null, sessionCreated: o.sessionCreated ?? null,
    issued: sort(o.issued),
    revoked: { refreshTokens: sort(o.revoked?.refreshTokens), sessions: sort(o.revoked?.sessions), transferTokens: sort(o.revoked?.transferTokens) },
    consumed: sort(o.consumed),
    expired: { sessions: sort(o.expired?.sessions), refreshTokens: sort(o.expired?.refreshTokens), transferTokens: sort(o.expired?.transferTokens) },
  };
  for (const f of FIELDS) if (unobserved.includes(f)) delete v[f];
  return v;
}

let adapter: any;
beforeAll(async () => { adapter = await createAdapter(); });
afterAll(async () => { await adapter?.close?.(); });

describe.each(CONFIGS)('n2w conformance: lifecycle paths under $name', ({ setup, paths }) => {
  for (const path of paths) {
    it(path.name, async () => {
      await adapter.reset(setup);
      for (let i = 0; i < path.steps.length; i++) {
        const step: any = path.steps[i];
        const { observation, unobserved = [] } = await adapter.apply(step.event, i + 1);
        const got = view(observation, unobserved);
        const accepted = [step.expected, ...(step.alternatives ?? []).map((a: any) => a.expected)].map((e) => view(e, unobserved));
        if (accepted.some((e) => JSON.stringify(e) === JSON.stringify(got))) continue;
        expect(got, \`step \${i + 1}: \${JSON.stringify(step.event)}\`).toEqual(accepted[0]);
      }
    });
  }
});
`;
  await writeFile(file, src);
  print(`n2w paths: wrote ${count} tests under ${configs.length === 1 ? 'one configuration' : `${configs.length} configurations (${configs.map((c) => c.name).join(', ')})`} to ${file} (adapter: ${importPath})`);
  return EXIT.ok;
}

/** `n2w conform --replay TRACE`: the saved trace's steps, on the model and the implementation again. */
async function replayCommand(flags: ConformFlags): Promise<number> {
  const print = flags.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const fail = failTo(flags.print);
  if (flags.url && flags.adapter) { fail('n2w conform --replay: give --url or --adapter, not both'); return EXIT.badInput; }
  let trace: Trace;
  let adapter: Adapter;
  try {
    const doc = readJsonFile(flags.replay!) as Record<string, unknown> | null;
    // a race history: judged again offline, and run again when a server is given
    if (doc && typeof doc === 'object' && doc.kind === 'race-history') {
      const history = readRaceHistory(flags.replay!, doc);
      const raceAdapter = flags.url || flags.adapter ? await adapterFor(flags) : null;
      try {
        return await replayRace(history, flags.known === false ? [] : KNOWN_DIVERGENCES, raceAdapter, raceFlags(flags), print);
      } finally {
        await raceAdapter?.close?.().catch(() => undefined);
      }
    }
    if (!flags.url && !flags.adapter) throw new InputError('--replay: give --url URL or --adapter FILE to replay against');
    if (doc && typeof doc === 'object' && 'property' in doc && 'steps' in doc) {
      throw new InputError(`${flags.replay}: a counterexample of n2w check (property ${String(doc.property)}), not a conformance trace; replay it on the model with n2w replay ${flags.replay}`);
    }
    trace = doc as unknown as Trace;
    if (!Array.isArray(trace?.steps) || typeof trace.config !== 'object' || trace.config === null) throw new InputError(`${flags.replay}: steps, config: expected a trace written by n2w conform`);
    adapter = await adapterFor(flags);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    fail(`n2w conform: ${e.message}`);
    return EXIT.badInput;
  }
  try {
    const r = await replayTrace(trace, adapter, flags.known === false ? [] : KNOWN_DIVERGENCES);
    const saved = trace.divergence ? `divergence at step ${trace.divergence.step} (${trace.divergence.fields.join(', ')})` : `error at step ${trace.error?.step}`;
    if (r.kind === 'divergence') {
      print(`n2w conform --replay: reproduced: divergence at step ${r.divergence.step} on ${r.divergence.fields.join(', ')} (saved: ${saved})`);
      return EXIT.propertyFailed;
    }
    if (r.kind === 'error') { fail(`n2w conform --replay: harness error at step ${r.step}: ${r.message}`); return EXIT.internal; }
    print(`n2w conform --replay: not reproduced: all ${trace.steps.length} steps now match the model (saved: ${saved})`);
    return EXIT.ok;
  } finally {
    await adapter.close?.().catch(() => undefined);
  }
}
