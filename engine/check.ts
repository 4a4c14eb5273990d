// engine/check.ts: checking configurations with both engines, in this thread or across worker threads.
// Per configuration: the explorer (every world of a small scope, so a shortest counterexample when there
// is one) and the random engine (longer, deeper sequences). Each configuration's random run is seeded
// from the run's seed and the configuration's label, so results depend neither on how configurations
// are split across workers nor on how they are split across machines (--shard).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { configLabel, type Config, type Interpretations } from '../machines/config.js';
import type { Population } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { PROPERTIES } from '../properties/index.js';
import { deriveSeed, runRandom, type Counterexample } from './random.js';
import { coverageToJson, emptyCoverage, mergeCoverage, type CoverageCategory } from './coverage.js';
import { explore, type ExploreProgress } from '../explorer/explore.js';
import { scopeByName, withBounds } from '../explorer/scopes.js';
import { ConfigClasses, trackedConfig, type Reads } from '../explorer/config-classes.js';

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
  random: { seed: number; sequences: number; steps: number; counterexamples: Counterexample[] } | null;
  explorer: { states: number; transitions: number; maxDepth: number; complete: boolean; counterexamples: Counterexample[] } | null;
  coverage: Record<CoverageCategory, string[]>;
}

type ExplorerPart = { result: NonNullable<ConfigResult['explorer']>; coverage: Record<CoverageCategory, string[]> };
// Explorations already run in this thread, by class of configurations they cannot tell apart
// (explorer/config-classes.ts); keyed first by what else the exploration depends on.
const explored = new Map<string, ConfigClasses<ExplorerPart>>();
export const explorationStats = { explored: 0, reused: 0 };

/** The explorer's result for a configuration: from an equivalent configuration explored before, or fresh. */
function exploreConfiguration(config: Config, opts: CheckOptions, onProgress?: (p: ExploreProgress) => void): ExplorerPart {
  const { scope, depth } = opts.explorer!;
  const key = JSON.stringify([scope, depth, opts.interpretations, opts.population]);
  let classes = explored.get(key);
  if (!classes) explored.set(key, (classes = new ConfigClasses()));
  const known = classes.find(config);
  if (known) { explorationStats.reused++; return known; }
  const reads: Reads = { mask: 0 };
  const setting = makeSetting(trackedConfig(config, reads), opts.interpretations, opts.population);
  const r = explore(setting, withBounds(scopeByName(scope), { depth }), { properties: PROPERTIES, model: createModel(setting), onProgress });
  const part: ExplorerPart = {
    result: {
      states: r.states, transitions: r.transitions, maxDepth: r.maxDepth, complete: r.complete,
      counterexamples: [...r.counterexamples.values()].map((c) => ({ ...c, foundBy: { engine: 'explorer', scope, depth } })),
    },
    coverage: coverageToJson(r.coverage),
  };
  classes.add(config, reads.mask, part);
  explorationStats.explored++;
  return part;
}

export function checkConfiguration(index: number, config: Config, opts: CheckOptions, onExploreProgress?: (p: ExploreProgress) => void): ConfigResult {
  const label = configLabel(config);
  const setting = makeSetting(config, opts.interpretations, opts.population);
  const model = createModel(setting);
  const coverage = emptyCoverage();
  let random: ConfigResult['random'] = null;
  let explorer: ConfigResult['explorer'] = null;
  if (opts.explorer) {
    const part = exploreConfiguration(config, opts, onExploreProgress);
    mergeCoverage(coverage, part.coverage);
    explorer = part.result;
  }
  if (opts.random) {
    const seed = deriveSeed(opts.random.seed, label);
    // what the explorer found has a shortest counterexample already: shrinking the random one buys nothing
    const known = new Set(explorer?.counterexamples.map((c) => c.property));
    const r = runRandom(model, { runs: opts.random.runs, maxSteps: opts.random.maxSteps, seed, properties: PROPERTIES, shrink: (id) => !known.has(id) });
    mergeCoverage(coverage, r.coverage);
    random = { seed, sequences: r.sequences, steps: r.steps, counterexamples: [...r.counterexamples.values()] };
  }
  return { index, label, config, random, explorer, coverage: coverageToJson(coverage) };
}

export interface ParallelOptions {
  workers?: number;
  onResult?: (r: ConfigResult) => void;
  /** the explorer's progress, when configurations are checked in this thread */
  onExploreProgress?: (p: ExploreProgress) => void;
}

/** How many worker threads a check of `configurations` uses: none for a handful (threads cost more than they give). */
export function workerCount(configurations: number, requested?: number): number {
  return configurations < 8 ? 1 : Math.max(1, Math.min(requested || availableParallelism(), configurations));
}

/** Checks configurations (with their indexes in the space); results come back in the order given. */
export async function checkConfigurations(jobs: readonly { index: number; config: Config }[], opts: CheckOptions, par: ParallelOptions = {}): Promise<ConfigResult[]> {
  const workers = workerCount(jobs.length, par.workers);
  const results = new Map<number, ConfigResult>();
  const done = (r: ConfigResult) => {
    results.set(r.index, r);
    par.onResult?.(r);
  };
  if (workers === 1) {
    for (const j of jobs) done(checkConfiguration(j.index, j.config, opts, par.onExploreProgress));
  } else {
    // Blocks of BLOCK neighbouring configurations, dealt round-robin: neighbours differ in the flags that
    // vary fastest (binding, allow_refresh_token, online), so a block keeps a class of equivalent
    // configurations in one thread, where its exploration is reused; many blocks per worker keep the
    // work balanced (the first half of the space, where the native app mints, costs more).
    const BLOCK = 24;
    const slices = Array.from({ length: workers }, (_, w) => jobs.filter((_, k) => Math.floor(k / BLOCK) % workers === w));
    await Promise.all(slices.map((slice) => new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { jobs: slice, opts } });
      worker.on('message', done);
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`check worker exited with code ${code}`))));
    })));
  }
  return jobs.map((j) => results.get(j.index)!);
}
