// check/check.ts: checking configurations with both engines, in this thread or across worker threads.
// Per configuration: the explorer (every world of a small scope, so a shortest counterexample when there
// is one) and the random engine (longer, deeper sequences). Each configuration's random run is seeded
// from the run's seed and the configuration's label, so results depend neither on how configurations
// are split across workers nor on how they are split across machines (--shard).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { APPS, CLIENT_KEYS, CONFIG_KEYS, configLabel, dimensionKey, DIMENSIONS, type Config, type DimensionKey, type Interpretations } from '../machines/config.js';
import type { Population } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { PROPERTIES } from '../properties/index.js';
import { ActionError } from '../machines/actions.js';
import { authorizeFacts, exercised, type Property, type Relevance } from '../properties/property.js';
import { deriveSeed, runRandom, type Counterexample } from '../random/random.js';
import { coverageToJson, emptyCoverage, mergeCoverage, type Coverage, type CoverageCategory } from '../properties/coverage.js';
import { explore, type ExploreCounterexample, type ExploreProgress } from '../explorer/explore.js';
import { exploreFamily, MAX_FAMILY } from '../explorer/family.js';
import { scopeByName, withBounds } from '../explorer/scopes.js';
import { ConfigClasses, switchesRead, trackedConfig, trackedInterpretations, type Reads } from '../explorer/config-classes.js';

export interface CheckOptions {
  interpretations: Interpretations;
  population: Population;
  /** the random engine, or null to leave it out */
  random: { runs: number; maxSteps: number; seed: number } | null;
  /** the explorer: a named scope (explorer/scopes.ts) and a depth, or null to leave it out */
  explorer: { scope: string; depth: number } | null;
}

export interface ConfigResult {
  index: number;
  label: string;
  config: Config;
  /** `exercised`: per property, the random steps on which its premise held */
  random: { seed: number; sequences: number; steps: number; counterexamples: Counterexample[]; exercised: Record<string, number> } | null;
  /** `exercised`: per property, the explored transitions on which its premise held (one given configuration only: explorerPremises) */
  explorer: {
    states: number; transitions: number; maxDepth: number; complete: boolean; counterexamples: Counterexample[]; exercised?: Record<string, number>;
    /** the interpretation switches the exploration read: under readings that agree on these it runs the same */
    interpretationsRead: string[];
  } | null;
  coverage: Record<CoverageCategory, string[]>;
}

export type ExplorerPart = { result: NonNullable<ConfigResult['explorer']>; coverage: Record<CoverageCategory, string[]> };
/** An exploration run for a configuration, with the configuration fields and interpretation switches it read (its class, config-classes.ts). */
export interface Learned { mask: number; imask: number; part: ExplorerPart }
// Explorations already run in this thread, by class of configurations they cannot tell apart
// (explorer/config-classes.ts); keyed first by what else the exploration depends on.
const explored = new Map<string, ConfigClasses<ExplorerPart>>();
export const explorationStats = { explored: 0, reused: 0 };

/** What an exploration depends on besides its configuration and interpretations (their classes are keyed by both). */
const explorationKey = (opts: CheckOptions) => JSON.stringify([opts.explorer!.scope, opts.explorer!.depth, opts.population]);

/** The class table of this thread for the options' scope, depth and population. */
function classesFor(opts: CheckOptions): ConfigClasses<ExplorerPart> {
  const key = explorationKey(opts);
  let classes = explored.get(key);
  if (!classes) explored.set(key, (classes = new ConfigClasses()));
  return classes;
}

/** An exploration's result as a configuration's report holds it. */
function explorerPart(r: { states: number; transitions: number; maxDepth: number; complete: boolean; counterexamples: Map<string, ExploreCounterexample>; coverage: Coverage }, opts: CheckOptions, imask: number): ExplorerPart {
  const { scope, depth } = opts.explorer!;
  return {
    result: {
      states: r.states, transitions: r.transitions, maxDepth: r.maxDepth, complete: r.complete, interpretationsRead: switchesRead(imask),
      counterexamples: [...r.counterexamples.values()].map((c) => ({ ...c, foundBy: { engine: 'explorer', scope, depth } })),
    },
    coverage: coverageToJson(r.coverage),
  };
}

/**
 * The explorer's results for configurations: given (an equivalent configuration's, found by the caller),
 * from an equivalent configuration explored before in this thread, or fresh (then also `learned`). The
 * fresh ones are explored together in one search when there are several (explorer/family.ts).
 */
function exploreConfigurations(configs: readonly Config[], opts: CheckOptions, onProgress?: (p: ExploreProgress) => void, given: readonly (ExplorerPart | undefined)[] = []): { part: ExplorerPart; learned?: Learned }[] {
  const { scope, depth } = opts.explorer!;
  const classes = classesFor(opts);
  const out: ({ part: ExplorerPart; learned?: Learned } | undefined)[] = configs.map((c, i) => {
    const known = given[i] ?? classes.find(c, opts.interpretations);
    if (known) explorationStats.reused++;
    return known ? { part: known } : undefined;
  });
  const fresh = configs.flatMap((c, i) => (out[i] ? [] : [i]));
  const bounded = withBounds(scopeByName(scope), { depth });
  const learn = (i: number, mask: number, imask: number, part: ExplorerPart) => {
    classes.add(configs[i], mask, part, opts.interpretations, imask);
    explorationStats.explored++;
    out[i] = { part, learned: { mask, imask, part } };
  };
  if (fresh.length === 1) {
    const reads: Reads = { mask: 0 }, ireads: Reads = { mask: 0 };
    const setting = makeSetting(trackedConfig(configs[fresh[0]], reads), trackedInterpretations(opts.interpretations, ireads), opts.population);
    const r = explore(setting, bounded, { properties: PROPERTIES, onProgress });
    learn(fresh[0], reads.mask, ireads.mask, explorerPart(r, opts, ireads.mask));
  } else if (fresh.length > 1) {
    const r = exploreFamily(fresh.map((i) => configs[i]), opts.interpretations, opts.population, bounded, { properties: PROPERTIES });
    r.members.forEach((m, j) => learn(fresh[j], m.reads, r.interpretationReads, explorerPart(m, opts, r.interpretationReads)));
  }
  return out as { part: ExplorerPart; learned?: Learned }[];
}

/**
 * Checks configurations (a family: families below); `given[i]`: the exploration of configuration i,
 * known from an equivalent configuration.
 */
export function checkFamily(jobs: readonly { index: number; config: Config }[], opts: CheckOptions, onExploreProgress?: (p: ExploreProgress) => void, given: readonly (ExplorerPart | undefined)[] = []): (ConfigResult & { learned?: Learned })[] {
  const explored = opts.explorer ? exploreConfigurations(jobs.map((j) => j.config), opts, onExploreProgress, given) : null;
  return jobs.map(({ index, config }, i) => {
    const label = configLabel(config);
    const coverage = emptyCoverage();
    let random: ConfigResult['random'] = null;
    const e = explored?.[i];
    const explorer = e ? e.part.result : null;
    if (e) mergeCoverage(coverage, e.part.coverage);
    if (opts.random) {
      const seed = deriveSeed(opts.random.seed, label);
      // what the explorer found has a shortest counterexample already: shrinking the random one buys nothing
      const known = new Set(explorer?.counterexamples.map((c) => c.property));
      const model = createModel(makeSetting(config, opts.interpretations, opts.population));
      const r = runRandom(model, { runs: opts.random.runs, maxSteps: opts.random.maxSteps, seed, properties: PROPERTIES, shrink: (id) => !known.has(id) });
      mergeCoverage(coverage, r.coverage);
      random = { seed, sequences: r.sequences, steps: r.steps, counterexamples: [...r.counterexamples.values()], exercised: r.exercised };
    }
    return { index, label, config, random, explorer, coverage: coverageToJson(coverage), ...(e?.learned ? { learned: e.learned } : {}) };
  });
}

/** Checks one configuration; `given`: its exploration, known from an equivalent configuration. */
export function checkConfiguration(index: number, config: Config, opts: CheckOptions, onExploreProgress?: (p: ExploreProgress) => void, given?: ExplorerPart): ConfigResult & { learned?: Learned } {
  return checkFamily([{ index, config }], opts, onExploreProgress, [given])[0];
}

/**
 * The dimensions a family varies (explorer/family.ts): configurations that differ only in these are
 * explored in one search. These four were the fastest choice of those measured (bench/RESULTS.md): the
 * flags a step reads least often, so a family's configurations split late. (Families are capped at
 * MAX_FAMILY.)
 */
export const FAMILY_DIMENSIONS: readonly DimensionKey[] = ['web.enforce_device_binding', 'web.allow_refresh_token', 'web.enforce_online_refresh_tokens', 'native.enforce_cascade_revocation'];
for (const k of FAMILY_DIMENSIONS) if (!DIMENSIONS.some((d) => d.key === k)) throw new Error(`check: family dimension ${k} is not a dimension of the space`);

/** Every field of a configuration but FAMILY_DIMENSIONS, as a key (a field outside the space splits families too). */
function outsideFamily(c: Config): string {
  const varied = new Set(FAMILY_DIMENSIONS);
  // MODEL.md §8: further web apps vary in the web app's family fields too; their client_ids do not
  const moreWeb = c.moreWeb.map((w) => [w.clientId, ...CLIENT_KEYS.map((k) => (varied.has(dimensionKey('web', k)) ? null : w.settings[k]))]);
  return JSON.stringify([
    ...APPS.flatMap((app) => CLIENT_KEYS.map((k) => (varied.has(dimensionKey(app, k)) ? null : c[app][k]))),
    ...CONFIG_KEYS.map((k) => c[k]),
    c.webClientId, moreWeb,
  ]);
}

// a check's batches mostly share one jobs array (cli/check.ts): grouped once, it serves the plan, its
// revisions and the dispatch (10 ms a grouping of the space, 98 batches in the extended check). Read only.
const grouped = new WeakMap<readonly object[], object[][]>();

/** Jobs grouped into families: equal on every dimension but FAMILY_DIMENSIONS, in the order of their first job. */
export function families<T extends { config: Config }>(jobs: readonly T[]): T[][] {
  const known = grouped.get(jobs);
  if (known) return known as T[][];
  const byKey = new Map<string, T[]>();
  for (const j of jobs) {
    const key = outsideFamily(j.config);
    let f = byKey.get(key);
    if (!f) byKey.set(key, (f = []));
    f.push(j);
  }
  const all = [...byKey.values()].flatMap((f) => chunks(f, MAX_FAMILY));
  grouped.set(jobs, all);
  return all;
}

const chunks = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

export interface ParallelOptions {
  workers?: number;
  /** each result of every batch, with its batch's index */
  onResult?: (r: ConfigResult, batch: number) => void;
  /**
   * Each family of every batch as it is done, with the milliseconds it took in its thread (the family's
   * first configuration's index names it): what progress measures the cost of the rest against (cli/progress.ts).
   */
  onFamily?: (batch: number, first: number, ms: number) => void;
  /** the explorer's progress, when configurations are checked in this thread */
  onExploreProgress?: (p: ExploreProgress) => void;
}

/** How many worker threads a check of `configurations` uses: none for a handful (threads cost more than they give). */
export function workerCount(configurations: number, requested?: number): number {
  return configurations < 8 ? 1 : Math.max(1, Math.min(requested || availableParallelism(), configurations));
}

/**
 * The order configurations are handed to workers: the space's order with its dimensions reversed, the
 * fastest-varying flags (online, allow_refresh_token, binding) now slowest. Configurations that differ only
 * in such a flag are often one class (the flag is never read, config-classes.ts), and in the space's order
 * they are neighbours: two workers would take both at once and explore the class twice. Reversed, the
 * first of a class has usually finished, and taught the main thread its class, before the next comes up.
 * Workers take a family at a time (families below); the families go out in this order of their first
 * configurations.
 */
export function dispatchOrder<T extends { index: number }>(jobs: readonly T[]): T[] {
  const radices = DIMENSIONS.map((d) => d.values.length);
  const reversed = (index: number) => {
    let key = 0;
    for (let k = radices.length - 1, i = index; k >= 0; k--) { key = key * radices[k] + (i % radices[k]); i = Math.floor(i / radices[k]); }
    return key;
  };
  return [...jobs].sort((a, b) => reversed(a.index) - reversed(b.index) || a.index - b.index);
}

/** Checks configurations (with their indexes in the space); results come back in the order given. */
export async function checkConfigurations(jobs: readonly { index: number; config: Config }[], opts: CheckOptions, par: ParallelOptions = {}): Promise<ConfigResult[]> {
  return (await checkBatches([{ jobs, opts }], par))[0];
}

/** Configurations checked with one set of options. */
export interface Batch { jobs: readonly { index: number; config: Config }[]; opts: CheckOptions }

/**
 * Checks several batches on one pool of workers, the later batches' families queued after the earlier
 * ones', so that no worker idles while another finishes a batch and no pool is started twice. Results
 * come back per batch, in the order given.
 */
export async function checkBatches(batches: readonly Batch[], par: ParallelOptions = {}): Promise<ConfigResult[][]> {
  const workers = workerCount(batches.reduce((n, b) => n + b.jobs.length, 0), par.workers);
  const results = batches.map(() => new Map<number, ConfigResult>());
  const done = (b: number, r: ConfigResult) => {
    results[b].set(r.index, r);
    par.onResult?.(r, b);
  };
  // a family at a time (explored in one search), in dispatchOrder of the families' first configurations
  const queue = batches.flatMap((batch, b) => dispatchOrder(families(batch.jobs).map((f) => ({ index: f[0].index, family: f }))).map((x) => ({ b, family: x.family })));
  if (workers === 1) {
    for (const { b, family: f } of queue) {
      const t0 = performance.now();
      const rs = checkFamily(f, batches[b].opts, f.length === 1 ? par.onExploreProgress : undefined);
      const ms = performance.now() - t0;
      for (const r of rs) done(b, withoutLearned(r));
      par.onFamily?.(b, f[0].index, ms);
    }
  } else {
    // Work handed out one family at a time to whichever worker is free. The main thread keeps the class
    // tables (one per batch: their options differ): a configuration whose class a worker has explored goes
    // out with that exploration, and the worker runs only its random engine.
    // (batches that differ only in their interpretations share one: the classes are keyed by both)
    const tables = new Map<string, ConfigClasses<ExplorerPart>>();
    const classes = batches.map((batch) => {
      if (!batch.opts.explorer) return null;
      const k = explorationKey(batch.opts);
      let t = tables.get(k);
      if (!t) tables.set(k, (t = new ConfigClasses<ExplorerPart>()));
      return t;
    });
    let next = 0;
    await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { opts: batches.map((batch) => batch.opts) } });
      let finished = false;
      let current = 0;
      let first = 0;
      const feed = () => {
        if (next >= queue.length) { finished = true; void worker.terminate().then(() => resolve()); return; }
        const { b, family } = queue[next++];
        current = b;
        first = family[0].index;
        worker.postMessage({ batch: b, family, given: family.map((j) => classes[b]?.find(j.config, batches[b].opts.interpretations)) });
      };
      worker.on('message', (m: { results: (ConfigResult & { learned?: Learned })[]; ms: number } | { actionError: { file: string; call: string; detail: string } }) => {
        if ('actionError' in m) { finished = true; void worker.terminate(); reject(new ActionError(m.actionError.file, m.actionError.call, m.actionError.detail)); return; }
        for (const r of m.results) {
          if (r.learned) classes[current]?.add(r.config, r.learned.mask, r.learned.part, batches[current].opts.interpretations, r.learned.imask);
          done(current, withoutLearned(r));
        }
        par.onFamily?.(current, first, m.ms);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => { if (!finished) reject(new Error(`check worker exited with code ${code} before its work was done`)); });
      feed();
    })));
  }
  return batches.map((batch, b) => batch.jobs.map((j) => results[b].get(j.index)!));
}

const withoutLearned = ({ learned: _learned, ...r }: ConfigResult & { learned?: Learned }): ConfigResult => r;

/**
 * Per property, the explorer's transitions on which its premise held, for one configuration: a second
 * exploration whose probes never fail, so each is called on every transition its relevance allows (the
 * real properties stop being checked once they fail), with twins stepped so that every transition counts.
 * A world invariant's premise is a revocation in the step, so its probe is called on revoking steps.
 */
export function explorerPremises(config: Config, opts: CheckOptions, onProgress?: (p: ExploreProgress) => void): Record<string, number> {
  const { scope, depth } = opts.explorer!;
  const counts: Record<string, number> = Object.fromEntries(PROPERTIES.map((p) => [p.id, 0]));
  const probeRelevance = (r: Relevance | undefined): Relevance | undefined =>
    r === 'state' || r === 'state+revoked' ? 'revoked' : r === 'state+grant' ? 'grant' : r;
  const probes: Property[] = PROPERTIES.map((p) => ({
    ...p, relevance: probeRelevance(p.relevance),
    check: (v) => { if (exercised(p, v, authorizeFacts(v))) counts[p.id]++; return null; },
  }));
  explore(makeSetting(config, opts.interpretations, opts.population), withBounds(scopeByName(scope), { depth }), { properties: probes, twins: false, coverage: false, onProgress });
  return counts;
}
