// cli/check.ts: `n2w check`, `n2w explore` and `n2w merge-reports`. One pipeline: choose the
// configurations (the space, a slice of it, or one), run the engines on each across worker threads,
// build the report (cli/report/report.ts), write it, print a short summary with the scope explored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { ActionError, loadPostLoginAction } from '../machines/actions.js';
import pc from 'picocolors';
import { configurationSpace, DEFAULT_INTERPRETATIONS, interpretationSpace, SECOND_WEB_CLIENT_ID, twoAppSpace, type Config } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { checkBatches, checkConfigurations, explorerPremises, workerCount, type Batch, type CheckOptions, type ConfigResult } from '../check/check.js';
import { SCOPES } from '../explorer/scopes.js';
import type { ExploreProgress } from '../explorer/explore.js';
import { GOLDEN_CONFIG } from '../explorer/golden.js';
import { actionComparison, buildReport, gridMinimal, nonVacuity, type BuiltReport, type CapabilityGridResults, type NonVacuity, type ReportSections } from './report/report.js';
import { CAPABILITIES, type Capability } from '../machines/attacker.js';
import { writeReport, toJson } from './report/write.js';
import { loadClients, loadConfigFile, parseAttackerFlag, parseInterpretationFlags, readJson, type GivenConfiguration } from './input.js';
import { parseKeywordFlags } from './clients.js';
import { checkOutDir } from './read.js';
import { findFixes } from './fixes.js';
import { GOAL_PROPERTIES } from '../properties/index.js';
import type { GivenReport, SecondAppResults } from './report/report.js';
import { EXIT, InputError } from './errors.js';
import { describeConfig } from './format.js';
import { checkFindings, parseReporters, writeReporters, type ReporterName } from './reporters.js';
import { familyCost, planCost, reviser } from '../check/cost.js';
import { CheckEstimate, compact, cpuSample, DepthEstimate, formatLeft, liveProgress, machineSlowdown, othersBusy, type Left, type ProgressView } from './progress.js';
import { startSample } from './start.js';

/** Flags common to check and explore. */
export interface EngineFlags {
  config?: string;
  native?: string;
  web?: string;
  allConfigs?: boolean;
  interpret: string[];
  /** Deploy CLI keyword values, NAME=VALUE */
  keyword?: string[];
  workers: number;
  out: string;
  shard?: string;
  failOn?: 'security';
  json?: boolean;
  /** MODEL.md §10: the attacker's capabilities, comma-separated (absent: the legacy set) */
  attacker?: string;
  /** junit, sarif (repeatable or comma-separated): report.junit.xml / report.sarif beside the report */
  reporter?: string[];
}

export interface CheckFlags extends EngineFlags {
  runs: number;
  maxSteps: number;
  seed: number;
  scope: string;
  depth?: number;
  explore: boolean;
  /** MODEL.md §2: a post-login Action module, checked beside the same configurations without it */
  action?: string;
  /** MODEL.md §10: the space checked again under every set of capabilities (explorer, scope smoke) */
  capabilityGrid?: boolean;
  /** MODEL.md §2: 'all' checks the space again under every combination of the interpretation switches */
  interpretations?: string;
}

export interface ExploreFlags extends EngineFlags {
  scope: string;
  depth?: number;
}

const PARTIAL_FORMAT = 'n2w-partial/1';
interface Partial {
  format: typeof PARTIAL_FORMAT;
  shard: { index: number; count: number };
  total: number;
  options: CheckOptions;
  results: ConfigResult[];
}

// ---------------------------------------------------------------------------------------------

export async function checkCommand(flags: CheckFlags): Promise<number> {
  checkOutDir('--out', flags.out);
  reporters(flags);
  // validated even when the explorer is left out: a wrong name is a mistake whatever else is asked
  scopeName(flags.scope);
  if (flags.runs < 0) throw new InputError('--runs: expected 0 (no random engine) or more');
  if (flags.runs > 0 && flags.maxSteps < 1) throw new InputError('--max-steps: expected at least 1');
  if (!flags.explore && flags.runs === 0) throw new InputError('--no-explore with --runs 0 leaves no engine to run');
  const opts = engineOptions(flags, {
    random: flags.runs > 0 ? { runs: flags.runs, maxSteps: flags.maxSteps, seed: flags.seed } : null,
    explorer: flags.explore ? { scope: scopeName(flags.scope), depth: flags.depth === undefined ? SCOPES[flags.scope].depth : positiveDepth(flags.depth) } : null,
  });
  const action = flags.action === undefined ? null : actionModule(flags.action);
  const sel = selectConfigurations(flags, 'space');
  if (flags.capabilityGrid && sel.shard !== null) throw new InputError('--capability-grid: not with --shard (check the grid on one machine)');
  const readings = flags.interpretations ?? 'default';
  if (readings !== 'default' && readings !== 'all') throw new InputError(`--interpretations ${readings}: expected "all" (every combination of the switches) or "default"`);
  if (readings === 'all' && flags.interpret.length > 0) throw new InputError('--interpretations all with -i: every combination is checked already; choose one');
  if (readings === 'all' && (sel.shard !== null || action !== null)) throw new InputError('--interpretations all: not with --action or --shard (check the readings on one machine, without an Action)');
  return run(flags, opts, sel, action, { grid: flags.capabilityGrid === true, readings: readings === 'all' });
}

/** The Action's absolute path, loaded once here so that a module that cannot be one stops the run before it starts. */
function actionModule(file: string): string {
  const abs = resolve(file);
  try { loadPostLoginAction(abs); } catch (e) {
    if (e instanceof ActionError) throw new InputError(`--action ${file}: ${e.call}: ${e.detail}`);
    throw e;
  }
  return abs;
}

export async function exploreCommand(flags: ExploreFlags): Promise<number> {
  checkOutDir('--out', flags.out);
  reporters(flags);
  const scope = SCOPES[scopeName(flags.scope)];
  const opts = engineOptions(flags, { random: null, explorer: { scope: scope.name, depth: flags.depth === undefined ? scope.depth : positiveDepth(flags.depth) } });
  return run(flags, opts, selectConfigurations(flags, flags.allConfigs ? 'space' : 'golden'));
}

export async function mergeCommand(dirs: string[], flags: { out: string; failOn?: 'security'; json?: boolean; reporter?: string[] }): Promise<number> {
  checkOutDir('--out', flags.out);
  reporters(flags);
  const partials = dirs.map((d) => {
    const file = join(d, 'partial.json');
    const p = readJson(file) as Partial;
    if (p?.format !== PARTIAL_FORMAT) throw new InputError(`${file}: format: expected "${PARTIAL_FORMAT}" (a partial report written by --shard)`);
    return { file, p };
  });
  const first = partials[0].p;
  for (const { file, p } of partials) {
    if (JSON.stringify(p.options) !== JSON.stringify(first.options)) throw new InputError(`${file}: options: this shard ran with other options than ${partials[0].file}`);
    if (p.shard.count !== first.shard.count || p.total !== first.total) throw new InputError(`${file}: shard: ${p.shard.index}/${p.shard.count} does not belong with ${first.shard.index}/${first.shard.count}`);
  }
  const seen = new Set(partials.map(({ p }) => p.shard.index));
  if (seen.size !== partials.length) throw new InputError('merge-reports: a shard is given twice');
  const missing = Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new InputError(`merge-reports: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.shard.count}`).join(', ')} missing`);
  const results = partials.flatMap(({ p }) => p.results).sort((a, b) => a.index - b.index);
  // the whole space merged: its report has the two-app check one machine's run has (shards leave it out)
  const whole = first.total === results.length;
  const secondApp = whole ? await secondAppCheck(first.options, workerCount(twoAppSpace().length)) : null;
  return finish(flags, first.options, results, whole ? 'configuration space' : 'configurations given', nonVacuity(), 0, 1, null, { secondApp });
}

// ---------------------------------------------------------------------------------------------

/** --reporter's names, checked before anything runs; a shard's partial report has no findings of its own yet. */
function reporters(flags: { reporter?: string[]; shard?: string }): ReporterName[] {
  const names = parseReporters(flags.reporter);
  if (names.length > 0 && flags.shard) throw new InputError('--reporter: not with --shard (a shard writes a partial report); give --reporter to n2w merge-reports');
  return names;
}

function engineOptions(flags: EngineFlags, engines: Pick<CheckOptions, 'random' | 'explorer'>): CheckOptions {
  return {
    interpretations: flags.interpret.length ? parseInterpretationFlags(flags.interpret) : DEFAULT_INTERPRETATIONS,
    population: flags.attacker === undefined ? DEFAULT_POPULATION : { ...DEFAULT_POPULATION, capabilities: parseAttackerFlag(flags.attacker) },
    ...engines,
  };
}

function scopeName(name: string): string {
  if (!SCOPES[name]) throw new InputError(`--scope: unknown scope "${name}"; expected one of ${Object.keys(SCOPES).join(', ')}`);
  return name;
}

function positiveDepth(d: number): number {
  if (d < 1) throw new InputError('--depth: expected at least 1');
  return d;
}

interface Selection { jobs: { index: number; config: Config }[]; total: number; source: string; one: Config | null; given: GivenConfiguration | null; shard: { index: number; count: number } | null }

/** The configurations to check: one given, or the space (or one slice of it with --shard). */
function selectConfigurations(flags: EngineFlags, fallback: 'space' | 'golden'): Selection {
  const ways = [flags.config && '--config', (flags.native || flags.web) && '--native/--web', flags.allConfigs && '--all-configs'].filter(Boolean);
  if (ways.length > 1) throw new InputError(`${ways.join(' and ')}: choose one way to give the configurations`);
  const keywords = parseKeywordFlags(flags.keyword ?? []);
  if (keywords.size > 0 && !flags.config && !flags.native && !flags.web) throw new InputError('--keyword: only for files given with --config, --native or --web');
  const given = flags.config ? loadConfigFile(flags.config, keywords)
    : flags.native || flags.web ? loadClients(flags.native, flags.web, keywords) : null;
  // one app alone is half a configuration: the other's defaults would decide every verdict (vacuously, often)
  if (!flags.config && Boolean(flags.native) !== Boolean(flags.web)) {
    const [has, lacks] = flags.native ? ['--native', '--web'] : ['--web', '--native'];
    throw new InputError(`${has} without ${lacks}: a verdict needs both apps (the native app mints, the web app redeems); give the other app's file too, or both in one --config file`);
  }
  const one: Config | null = given ? given.config : !flags.allConfigs && fallback === 'golden' ? GOLDEN_CONFIG : null;
  if (one) {
    if (flags.shard) throw new InputError('--shard: only the configuration space can be split; drop --config/--native/--web');
    return { jobs: [{ index: 0, config: one }], total: 1, source: given ? 'given configuration' : 'reference configuration', one, given, shard: null };
  }
  const space = configurationSpace().map((config, index) => ({ index, config }));
  if (!flags.shard) return { jobs: space, total: space.length, source: 'configuration space', one: null, given: null, shard: null };
  const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard ${flags.shard}: expected I/N with 1 <= I <= N, e.g. 2/4`);
  // contiguous slices, as Playwright shards: slice I holds configurations [from, to)
  const from = Math.floor(((index - 1) * space.length) / count);
  const to = Math.floor((index * space.length) / count);
  return { jobs: space.slice(from, to), total: space.length, source: `shard ${index}/${count} of the configuration space`, one: null, given: null, shard: { index, count } };
}

/** Every capability set: own-account with each subset of the others, smallest first (MODEL.md §10). */
function capabilitySets(): Capability[][] {
  const optional = CAPABILITIES.filter((c) => c !== 'own-account');
  const sets = Array.from({ length: 1 << optional.length }, (_, m) => optional.filter((_, i) => m & (1 << i)));
  return sets.sort((a, b) => a.length - b.length).map((s) => ['own-account', ...s] as Capability[]);
}

async function run(flags: EngineFlags, opts: CheckOptions, sel: Selection, action: string | null = null, more: { grid: boolean; readings: boolean } = { grid: false, readings: false }): Promise<number> {
  const grid = more.grid;
  const workers = workerCount(sel.jobs.length, flags.workers);
  const started = performance.now();
  // MODEL.md §8: over the space, what a second web app changes, queued on the same workers after the space
  // (left out beside an Action: the Action's comparison is the question then, and it doubles the work)
  const twoApp = sel.source === 'configuration space' && action === null ? secondAppBatch(opts) : null;
  // MODEL.md §2: the same configurations with the Action, on the same workers
  const withAction: Batch | null = action === null ? null : { jobs: sel.jobs.map((j) => ({ index: j.index, config: { ...j.config, postLoginAction: action } })), opts };
  if (withAction) process.stderr.write(`then the same ${sel.jobs.length} configuration${sel.jobs.length > 1 ? 's' : ''} with the post-login Action ${relative(process.cwd(), action!)}\n`);
  // MODEL.md §10: the space again for each capability set, explorer only, scope smoke
  const sets = grid ? capabilitySets() : [];
  const gridOpts: CheckOptions = { ...opts, random: null, explorer: { scope: 'smoke', depth: SCOPES.smoke.depth } };
  if (grid) process.stderr.write(`then the space under each of ${sets.length} capability sets (explorer, scope smoke)\n`);
  const plain = action === null ? sel.jobs : sel.jobs.map((j) => ({ index: j.index, config: { ...j.config, postLoginAction: null } }));
  const gridBatches: Batch[] = sets.map((s) => ({ jobs: plain, opts: { ...gridOpts, population: { ...opts.population, capabilities: s.filter((c) => c !== 'own-account') } } }));
  // MODEL.md §2: the space again under each combination of readings, explorer only, scope smoke; an
  // exploration that never read a switch serves every reading of it (config-classes.ts)
  const readings = more.readings ? interpretationSpace() : [];
  if (more.readings) process.stderr.write(`then the space under each of ${readings.length} combinations of the interpretation switches (explorer, scope smoke)\n`);
  const readingBatches: Batch[] = readings.map((i) => ({ jobs: sel.jobs, opts: { ...gridOpts, interpretations: i } }));
  const batches = [{ jobs: plain, opts }, ...(twoApp ? [twoApp.batch] : []), ...(withAction ? [withAction] : []), ...gridBatches, ...readingBatches];
  const progress = progressReporter(batches, workers);
  const running = checkBatches(batches, { workers, onResult: progress.tick, onFamily: progress.family, onExploreProgress: progress.explore });
  // while the workers check configurations, this thread shows that the rule properties can fail
  const mutants = sel.shard ? null : nonVacuity();
  const all = await running;
  progress.stop();
  const results = all[0];
  const twoResults = twoApp ? all[1] : [];
  const actionResults = withAction ? all[1 + (twoApp ? 1 : 0)] : null;
  const gridStart = 1 + (twoApp ? 1 : 0) + (withAction ? 1 : 0);
  const gridResults: CapabilityGridResults | null = grid ? { sets, results: all.slice(gridStart, gridStart + sets.length), opts: gridOpts } : null;
  const sensitivityResults = more.readings ? { readings, results: all.slice(gridStart + sets.length), opts: gridOpts } : null;
  // with an Action: each cell's configurations again with it, under the cell's set, to say which cells it closes
  if (gridResults && action !== null) {
    process.stderr.write(`then the grid's cells with the post-login Action ${relative(process.cwd(), action)}\n`);
    const cells = gridMinimal(gridResults);
    const cellBatches: Batch[] = gridBatches.map((b, k) => {
      const wanted = new Set(cells.filter((c) => c.set === k).flatMap((c) => [...c.minimal]));
      return { jobs: b.jobs.filter((_, i) => wanted.has(i)).map((j) => ({ index: j.index, config: { ...j.config, postLoginAction: action } })), opts: b.opts };
    });
    const cellProgress = progressReporter(cellBatches, workers);
    const withIt = await checkBatches(cellBatches, { workers, onResult: cellProgress.tick, onFamily: cellProgress.family, onExploreProgress: cellProgress.explore });
    cellProgress.stop();
    gridResults.action = { file: relative(process.cwd(), action) || action, results: withIt };
  }
  const secondApp: SecondAppResults | null = twoApp && { results: twoResults, opts: twoApp.batch.opts, description: twoApp.description };
  const seconds = (performance.now() - started) / 1000;
  if (sel.shard && action !== null) throw new InputError('--action with --shard: check the Action on one machine (merge-reports does not combine it)');
  if (sel.shard) {
    const partial: Partial = { format: PARTIAL_FORMAT, shard: sel.shard, total: sel.total, options: opts, results };
    mkdirSync(flags.out, { recursive: true });
    writeFileSync(join(flags.out, 'partial.json'), toJson(partial));
    process.stdout.write(`${pc.bold('n2w')}: ${sel.source}: ${results.length} configurations in ${seconds.toFixed(1)} s on ${workers} worker${workers > 1 ? 's' : ''}; `
      + `partial report ${join(flags.out, 'partial.json')}; combine the shards with n2w merge-reports DIR...\n`);
    const rules = results.some((r) => [...(r.explorer?.counterexamples ?? []), ...(r.random?.counterexamples ?? [])].some((c) => c.kind === 'rule'));
    return rules ? EXIT.propertyFailed : EXIT.ok;
  }
  // one configuration given: count the explorer's premises too, so "not exercised" speaks for both engines
  if (sel.one && results[0].explorer) {
    // a second exploration, with probes that never fail: about as long as the first
    const premises = depthProgress('counting premises', opts.explorer!.depth, (performance.now() - started) / 2);
    results[0].explorer.exercised = explorerPremises(sel.one, opts, premises.explore);
    premises.stop();
  }
  const given = sel.given ? await givenReport(sel.given, results[0], opts, workers) : null;
  return finish(flags, opts, results, sel.source, mutants!, seconds, workers, sel.one, { given, secondApp, grid: gridResults, sensitivity: sensitivityResults }, actionResults && { file: relative(process.cwd(), action!) || action!, results: actionResults });
}

/**
 * The two-app check (MODEL.md §8): the first web app strict, the second taking every web setting of the
 * space. In scope smoke (every goal that fails somewhere fails there, scopes.ts) and a third of the random
 * runs, so that it stays a fraction of the main check: a second app doubles every /authorize and login.
 */
function secondAppBatch(opts: CheckOptions): { batch: Batch; description: string } {
  const space = twoAppSpace();
  const two: CheckOptions = {
    ...opts,
    explorer: opts.explorer && { scope: 'smoke', depth: SCOPES.smoke.depth },
    random: opts.random && { ...opts.random, runs: Math.max(1, Math.ceil(opts.random.runs / 3)) },
  };
  process.stderr.write(`then ${space.length} configurations with a second web app (${SECOND_WEB_CLIENT_ID})\n`);
  return {
    batch: { jobs: space.map((config, index) => ({ index, config })), opts: two },
    description: `${space.length} configurations: the native app may mint, with the cascade on and no rotation; the first web app strict `
      + `(allowed_authentication_methods [cookie], enforce_device_binding ip, allow_refresh_token false, online, no minting); `
      + `a second web app, ${SECOND_WEB_CLIENT_ID}, sharing the browser's session, with each of the 96 combinations of the web app's flags.`,
  };
}

/** The two-app check alone (merge-reports of the whole space: the shards leave it out). */
async function secondAppCheck(opts: CheckOptions, workers: number): Promise<SecondAppResults> {
  const { batch, description } = secondAppBatch(opts);
  return { results: await checkConfigurations(batch.jobs, batch.opts, { workers }), opts: batch.opts, description };
}

/** The report's view of a configuration given: its clients, and for each failing goal the nearest fixes. */
async function givenReport(g: GivenConfiguration, result: ConfigResult, opts: CheckOptions, workers: number): Promise<GivenReport> {
  const failing = GOAL_PROPERTIES.map((p) => p.id)
    .filter((id) => [...(result.explorer?.counterexamples ?? []), ...(result.random?.counterexamples ?? [])].some((c) => c.property === id));
  const name = (role: 'native' | 'web') => {
    const c = g.clients.find((x) => x.role === role)!;
    return `the ${role} app${c.name ? ` (${c.name})` : ''}`;
  };
  if (failing.length > 0) process.stderr.write(`looking for the nearest configurations where ${failing.length === 1 ? 'the failing goal holds' : `each of the ${failing.length} failing goals holds`}\n`);
  const fixes = failing.length === 0 ? [] : await findFixes(result, failing, { native: name('native'), web: name('web') },
    (configs) => checkConfigurations(configs.map((config, index) => ({ index, config })), opts, { workers }));
  return {
    clients: g.clients, tenant: g.tenant, fixes,
    tenantNote: g.tenant ? 'read from the export: these session lifetimes are the ones checked' : null,
  };
}

function finish(flags: { out: string; failOn?: 'security'; json?: boolean; reporter?: string[] }, opts: CheckOptions, results: ConfigResult[], source: string, mutants: NonVacuity, seconds: number, workers = 1, one: Config | null = null, sections: ReportSections = {}, action: { file: string; results: ConfigResult[] } | null = null): number {
  const built = buildReport(results, opts, source, mutants, flags.out, sections);
  let withBuilt: BuiltReport | null = null;
  const dir = 'with-action';
  if (action) {
    // the report with the Action in a folder of its own; this one sets its goals beside these
    withBuilt = buildReport(action.results, opts, `${source}, with the post-login Action ${action.file}`, mutants, join(flags.out, dir));
    writeReport(join(flags.out, dir), withBuilt);
    const a = actionComparison(built.report, withBuilt.report, action.file.split(sep).join('/'), dir);
    built.report.action = a;
    built.report.verdict.specRulesHold &&= a.ruleViolations === 0;
    built.report.verdict.ruleViolations += a.ruleViolations;
  }
  writeReport(flags.out, built);
  const written = writeReporters(flags.out, parseReporters(flags.reporter), checkFindings(built, { out: flags.out, failOnSecurity: flags.failOn === 'security', withAction: withBuilt, actionDir: dir }));
  const r = built.report;
  if (flags.json) process.stdout.write(toJson(r));
  else process.stdout.write(summary(built, flags.out, seconds, workers, one) + (written.length ? `for CI: ${written.join(', ')}\n` : ''));
  const goalsFail = r.verdict.goalsFailing.length > 0 && flags.failOn === 'security';
  return !r.verdict.specRulesHold || !r.verdict.everyRulePropertyCatchesItsMutants || goalsFail ? EXIT.propertyFailed : EXIT.ok;
}

function summary(built: BuiltReport, out: string, seconds: number, workers: number, one: Config | null): string {
  const r = built.report;
  const counterexamples = built.counterexamples.size;
  const s = r.scope;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const lines: string[] = [];
  const engines = [
    s.explorer && `explorer: every world of scope ${s.explorer.scope} up to depth ${s.explorer.depth} (${fmt(s.explorer.states)} distinct states, ${fmt(s.explorer.transitions)} transitions)`,
    s.random && `random: ${fmt(s.random.sequences)} sequences of up to ${s.random.maxSteps} steps (${fmt(s.random.steps)} steps), seed ${s.random.seed}`,
  ].filter(Boolean);
  lines.push(`${pc.bold('n2w')}: ${s.configurations} configuration${s.configurations > 1 ? 's' : ''}${one ? ` (${describeConfig(one)})` : ` (${s.source})`}; ${engines.join('; ')}`
    + (seconds > 0 ? `; ${seconds.toFixed(1)} s on ${workers} worker${workers > 1 ? 's' : ''}` : ''));
  lines.push(`attacker (MODEL.md §10): ${s.attacker.join(', ')}`);
  if (r.given) lines.push(...judgedLines(r.given));
  const rules = r.properties.filter((p) => p.kind === 'rule');
  const broken = rules.filter((p) => p.violatedIn > 0);
  const unexercised = rules.filter((p) => p.status === 'not exercised');
  lines.push(broken.length === 0
    ? `${pc.green('spec rules')}: no violation of the ${s.random ? `${rules.length - unexercised.length} rule properties exercised` : `${rules.length} rule properties`} in this scope`
    : `${pc.red('spec rules violated')}: ${broken.map((p) => `${p.id} (${p.violatedIn} configurations)`).join(', ')}`);
  if (unexercised.length > 0) lines.push(`  ${pc.yellow('not exercised')} (premise never met${s.random ? ` on ${fmt(s.random.steps)} random steps` : ''}${unexercised[0].exercised?.explorerTransitions !== undefined ? ' nor on the explorer\'s transitions' : ''}, so "no violation" says nothing): ${unexercised.map((p) => p.id).join(', ')}`);
  if (!s.random && !r.properties.some((p) => p.exercised?.explorerTransitions !== undefined)) lines.push('  how often each rule\'s premise occurred is counted on random steps (n2w check --runs N) and on one given configuration\'s exploration');
  for (const v of r.ruleViolations.slice(0, 10)) {
    const ce = built.counterexamples.get(v.counterexample.replace('counterexamples/', ''))!;
    const how = ce.foundBy.engine === 'random' ? `seed ${ce.foundBy.seed}, run ${ce.foundBy.run}, shrink path ${ce.foundBy.shrinkPath || '-'}` : `explorer, scope ${ce.foundBy.scope}`;
    lines.push(`  ${v.property} in ${v.config}: ${v.message} (${v.steps} steps; ${how}); replay: n2w replay ${out}/${v.counterexample}`);
  }
  const missed = r.nonVacuity.mutants.filter((m) => !m.caughtBy.includes(m.mainCatcher));
  lines.push(missed.length === 0
    ? `${pc.green('non-vacuity')}: each of the ${r.nonVacuity.mutants.length} mutants was caught by its rule property (${r.nonVacuity.runs} sequences each, seed ${r.nonVacuity.seed})`
    : `${pc.red('vacuous properties')}: ${missed.map((m) => `${m.mainCatcher} did not catch ${m.id}`).join(', ')}`);
  lines.push(`${pc.bold('security goals')}:`);
  for (const g of r.riskMatrix) {
    const shortest = Math.min(...g.terms.map((t) => t.steps), ...g.others.map((o) => o.steps));
    const p = r.properties.find((x) => x.id === g.goal)!;
    lines.push(g.failsIn > 0
      ? `  ${pc.yellow('fails')} ${g.goal} in ${g.failsIn}/${g.of}: ${g.condition} (shortest counterexample: ${shortest} steps)`
      : g.vacuous ? `  ${pc.yellow('holds vacuously')} ${g.goal}: ${g.vacuousBecause}`
        : p.status === 'not exercised' ? `  ${pc.yellow('not exercised')} ${g.goal}: its premise never occurred in this scope`
          : `  ${pc.green('holds')} ${g.goal}: no violation found${g.holdsVacuouslyIn > 0 ? ` (vacuously in ${g.holdsVacuouslyIn} of the ${g.of} configurations, where nothing can be minted or redeemed)` : ''}`);
    const fix = r.given?.fixes.find((f) => f.goal === g.goal);
    if (fix) lines.push(...fixLines(fix));
  }
  if (r.action) {
    const a = r.action;
    lines.push(`${pc.bold('with the post-login Action')} ${a.file}${a.explorer ? ` (explorer ${fmt(a.explorer.states)} states, raw: the Action may read ids and the clock)` : ''}:`);
    if (a.ruleViolations > 0) lines.push(`  ${pc.red('spec rules violated with the Action')}: ${a.ruleViolations}; see ${out}/${a.report}`);
    for (const g of a.goals) lines.push(`  ${g.effect === 'closes' ? pc.green(g.effect) : g.effect === 'widens' ? pc.red(g.effect) : g.effect} ${g.goal}: ${g.without.failsIn} -> ${g.with.failsIn} of ${g.with.of}${g.with.failsIn > 0 ? ` (still: ${g.condition})` : ''}`);
  }
  if (r.capabilityGrid) {
    lines.push(`${pc.bold('capability grid')} (${r.capabilityGrid.sets} sets, explorer scope smoke): the minimal sets under which each goal fails`);
    for (const c of r.capabilityGrid.cells) {
      const a = c.action ? ` [with the Action: ${c.action.effect === 'closes' ? pc.green('closes') : `${c.action.effect}, still in ${c.action.failsIn} of ${c.action.of}`}]` : '';
      lines.push(`  ${c.goal} with ${c.capabilities.filter((x) => x !== 'own-account').join(' + ') || 'own-account alone'}: ${c.condition}${a}`);
    }
    const advice = r.capabilityGrid.remediation?.[0]?.recommended[0];
    if (advice) lines.push(`  what to set per capability set: ${r.capabilityGrid.remediation!.length} distinct pieces of advice in ${out}/report.md`);
  }
  if (r.sensitivity) {
    const z = r.sensitivity;
    lines.push(`${pc.bold('interpretation sensitivity')} (${z.readings} combinations of the switches, explorer scope ${z.explorer?.scope ?? '-'}): ${z.changes.length === 0 ? 'no verdict changes with a reading' : `${z.changes.length} verdict${z.changes.length > 1 ? 's' : ''} change with a reading`}`);
    for (const c of z.changes) {
      lines.push(`  ${c.kind === 'rule' ? pc.red(c.property) : c.property} changes in ${c.changesIn} configurations (depends on ${c.dependsOn.map((d) => d.switch).join(', ')})`
        + `${c.widens ? `; fails in more when ${c.widens.condition}` : ''}${c.narrows ? `; in fewer when ${c.narrows.condition}` : ''}`);
    }
  }
  if (r.secondApp) {
    const t = r.secondApp;
    lines.push(`${pc.bold('a second web app')} (${t.configurations} configurations, first app strict${t.explorer ? `; explorer scope ${t.explorer.scope} to depth ${t.explorer.depth}, ${fmt(t.explorer.states)} states` : ''}${t.random ? `; ${fmt(t.random.sequences)} random sequences` : ''}):`);
    if (t.ruleViolations.length > 0) lines.push(`  ${pc.red('spec rules violated')}: ${[...new Set(t.ruleViolations.map((v) => v.property))].join(', ')}`);
    for (const g of t.goals) lines.push(`  ${g.undoneIn > 0 ? pc.yellow('undone') : 'kept'} ${g.goal}: ${g.verdict}`);
  }
  if (r.remediation) {
    const top = r.remediation.recommended[0];
    lines.push(top ? `${pc.bold('recommended')}: ${top.settings.map((s) => `${s.key} = ${JSON.stringify(s.value)}`).join(', ')} closes ${top.closes.join(', ')}${top.stillFailing.length ? ` (not ${top.stillFailing.join(', ')})` : ''}; ranked list in ${out}/report.md`
      : `${pc.bold('recommended')}: no flag setting closes a failing goal while Native to Web SSO works`);
  }
  const notReached = Object.entries(r.coverage.missing).filter(([, v]) => v.length > 0);
  lines.push(notReached.length === 0 ? 'coverage: every reason code, outcome row, actor state, transition and branch reached'
    : `coverage: not reached: ${notReached.map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')}`);
  for (const n of r.coverage.notes) lines.push(`  note: ${n}`);
  lines.push(`report: ${out}/report.md, ${out}/report.json, ${counterexamples} counterexamples in ${out}/counterexamples/`);
  return `${lines.join('\n')}\n`;
}

/** Who was judged: each client with its file, and the fields that took their defaults. */
function judgedLines(g: GivenReport): string[] {
  const lines = ['judged:'];
  for (const c of g.clients) {
    lines.push(c.file === null
      ? `  ${c.role}: ${pc.yellow('no client given')}: every field takes Auth0's default`
      : `  ${c.role}: ${c.name ?? '(no name)'}${c.clientId ? ` (client_id ${c.clientId})` : ''} from ${c.file}${c.where ? ` at ${c.where}` : ''} (${c.format})`);
    if (c.defaulted.length > 0) lines.push(`    defaulted (absent, so Auth0's default decides): ${c.defaulted.map((d) => `${d.field} = ${JSON.stringify(d.value)}`).join(', ')}`);
  }
  if (g.tenant) lines.push(`  tenant: session_lifetime ${g.tenant.session_lifetime ?? '-'} h, idle_session_lifetime ${g.tenant.idle_session_lifetime ?? '-'} h from ${g.tenant.file}; ${g.tenantNote}`);
  return lines;
}

function fixLines(f: GivenReport['fixes'][number]): string[] {
  if (f.options.length === 0) return [`    no configuration within reach where it holds (${f.searched})`];
  return [`    nearest configurations where it holds (${f.searched}):`,
    ...(f.onlyVacuous ? ['    none of them keeps Native to Web SSO working: it holds there only because no transfer token is minted or redeemed'] : []),
    ...f.options.map((o) => {
    const change = o.changes.map((c) => `set ${c.client}'s ${c.field} to ${c.to} (now ${c.from}): ${c.cost}`).join('; and ');
    const notes = [o.vacuous ? `holds only vacuously: ${o.vacuousBecause}` : '', o.alsoFails.length ? `but ${o.alsoFails.join(', ')} then fail${o.alsoFails.length === 1 ? 's' : ''}` : ''].filter(Boolean);
    return `    - ${change}${notes.length ? ` [${notes.join('; ')}]` : ''}`;
  })];
}

/** A lone exploration's progress under `label`: on a terminal a fitted line, elsewhere a line per level, each with the time left. */
function depthProgress(label: string, bound: number, priorMs: number): { explore: (p: ExploreProgress) => void; stop: () => void } {
  const d = new DepthEstimate(bound, priorMs);
  let at = { depth: 0, states: 0 };
  const live = process.stderr.isTTY ? liveProgress(() => ({ label, fraction: d.fraction(), segments: [formatLeft(d.left()), `depth ${at.depth}/${bound}`, `${compact(at.states)} states`] })) : null;
  return {
    explore: (p) => {
      at = p;
      d.level(p);
      if (live) live.update();
      else process.stderr.write(`${label}: depth ${p.depth}/${bound}, ${p.states.toLocaleString('en-US')} states; ${formatLeft(d.left())}\n`);
    },
    stop: () => live?.stop(),
  };
}

/**
 * Progress of the batches: the share of the expected work done (check/cost.ts, weighed by what families
 * really took) with the time left, the configurations and distinct states so far, states/s and memory; for
 * a handful of configurations checked in this thread, the explorer's depth and the time left from its
 * levels' growth. On a terminal one line fitted to its width; elsewhere plain lines (cli/progress.ts).
 */
function progressReporter(batches: readonly Batch[], workers: number): { tick: (r: ConfigResult, batch: number) => void; family: (b: number, first: number, ms: number) => void; explore: (p: ExploreProgress) => void; stop: () => void } {
  const plan = planCost(batches);
  const cores = availableParallelism();
  const measured = othersBusy(startSample, cpuSample());
  const load = measured ?? loadavg()[0];
  const slowdown = machineSlowdown(load, workers, cores, measured === null);
  const estimate = new CheckEstimate(plan, workers, undefined, slowdown);
  const configurations = plan.reduce((n, f) => n + f.size, 0);
  const started = performance.now();
  let done = 0;
  let states = 0;
  // a handful checked one by one in this thread: the running exploration's levels tell its time left
  const byDepth = workers === 1 && plan.length <= 4 && plan.every((f) => f.size === 1) && batches.every((b) => b.opts.explorer);
  let current = 0;
  let depth: DepthEstimate | null = null;
  let at = { depth: 0, states: 0 };
  const startFamily = () => {
    const f = plan[current];
    if (!f) { depth = null; return; }
    const opts = batches[f.batch].opts;
    const random = familyCost([{ config: batches[f.batch].jobs[0].config }], { ...opts, explorer: null });
    depth = new DepthEstimate(opts.explorer!.depth, familyCost([{ config: batches[f.batch].jobs[0].config }], opts) - random, random);
  };
  if (byDepth) startFamily();
  // batches of other readings: once the batch they take explorations from is done, which switches each of
  // its configurations read tells what they will explore again (check/cost.ts)
  const rev = reviser(batches);
  const bases = new Set(batches.map((_, k) => rev.base(k)).filter((base, k) => base !== k));
  const reads = new Map<number, Map<number, ReadonlySet<string>>>();
  const learnReads = (r: ConfigResult, b: number) => {
    if (!bases.has(b) || !r.explorer) return;
    let m = reads.get(b);
    if (!m) reads.set(b, (m = new Map()));
    m.set(r.index, new Set(r.explorer.interpretationsRead));
    if (m.size === batches[b].jobs.length) estimate.revise((f) => (rev.base(f.batch) === b ? rev.cost(f, (i) => m.get(i)) : null));
  };
  const rate = (n: number, ms: number) => compact((n / Math.max(1, ms)) * 1000);
  const memory = () => `${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`;
  const left = (): Left => {
    if (!byDepth) return estimate.left();
    const d = depth?.left() ?? { seconds: 0, measured: true };
    const later = plan.slice(current + 1).reduce((s, f) => s + f.ms, 0) / 1000;
    return { seconds: d.seconds + later, measured: d.measured };
  };
  const view = (): ProgressView => byDepth
    ? {
      label: 'exploring', fraction: plan.length === 1 ? depth?.fraction() ?? 1 : (current + (depth?.fraction() ?? 1)) / plan.length,
      segments: [formatLeft(left()), `depth ${at.depth}/${batches[plan[Math.min(current, plan.length - 1)].batch].opts.explorer!.depth}`, `${compact(at.states)} states`, memory()],
    }
    : {
      label: 'checking', fraction: estimate.fraction(),
      segments: [formatLeft(left()), `${done}/${configurations} configurations`, `${compact(states)} states`, `${rate(states, performance.now() - started)} states/s`, memory()],
    };
  if (!process.stderr.isTTY && !byDepth) {
    process.stderr.write(`checking ${configurations} configuration${configurations > 1 ? 's' : ''} in ${plan.length} famil${plan.length > 1 ? 'ies' : 'y'} on ${workers} worker${workers > 1 ? 's' : ''}: ${formatLeft(estimate.left()).replace(' left', '')} (from the scopes and configurations${slowdown > 1.05 ? `, and the machine's load: ${measured === null ? `load average ${load.toFixed(1)} on ${cores} cores` : `${load.toFixed(1)} of ${cores} cores busy with other work`}` : ''}; corrected as families finish)\n`);
  }
  // a lone exploration off a terminal says each level (below): a line per level is the right pace there
  const live = byDepth && !process.stderr.isTTY ? { update: () => {}, stop: () => {} } : liveProgress(view);
  return {
    tick: (r, b) => { done++; states += r.explorer?.states ?? 0; learnReads(r, b); live.update(); },
    family: (b, first, ms) => {
      estimate.familyDone(b, first, ms);
      if (byDepth) { current++; startFamily(); }
      live.update();
    },
    explore: (p) => {
      at = p;
      depth?.level(p);
      // off a terminal, one line per level of a lone exploration: few, and each may take long
      if (!process.stderr.isTTY) process.stderr.write(`explored depth ${p.depth}: ${p.states.toLocaleString('en-US')} states, ${p.transitions.toLocaleString('en-US')} transitions, ${rate(p.states, p.elapsedMs)} states/s; ${formatLeft(left())}\n`);
      else live.update();
    },
    stop: () => live.stop(),
  };
}
