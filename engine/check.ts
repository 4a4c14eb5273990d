// engine/check.ts: checking configurations with the random engine, in this thread or across workers.
// Each configuration's run is seeded from the run's seed and the configuration's label, so results do
// not depend on how configurations are split across workers (or machines).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { configLabel, type Config, type Interpretations } from '../machines/config.js';
import type { Population } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { PROPERTIES } from '../properties/index.js';
import { deriveSeed, runRandom, type Counterexample } from './random.js';
import { coverageToJson, type CoverageCategory } from './coverage.js';

export interface CheckOptions {
  runs: number;
  maxSteps: number;
  seed: number;
  interpretations: Interpretations;
  population: Population;
}

export interface ConfigResult {
  index: number;
  label: string;
  config: Config;
  seed: number;
  sequences: number;
  steps: number;
  counterexamples: Counterexample[];
  coverage: Record<CoverageCategory, string[]>;
}

export function checkConfiguration(index: number, config: Config, opts: CheckOptions): ConfigResult {
  const label = configLabel(config);
  const seed = deriveSeed(opts.seed, label);
  const model = createModel(makeSetting(config, opts.interpretations, opts.population));
  const r = runRandom(model, { runs: opts.runs, maxSteps: opts.maxSteps, seed, properties: PROPERTIES });
  return {
    index, label, config, seed, sequences: r.sequences, steps: r.steps,
    counterexamples: [...r.counterexamples.values()], coverage: coverageToJson(r.coverage),
  };
}

export interface ParallelOptions {
  workers?: number;
  onResult?: (r: ConfigResult) => void;
}

/** How many worker threads a check of `configurations` uses: none for a handful (threads cost more than they give). */
export function workerCount(configurations: number, requested?: number): number {
  return configurations < 8 ? 1 : Math.max(1, Math.min(requested || availableParallelism(), configurations));
}

/** Checks every configuration; results come back in configuration order. */
export async function checkConfigurations(configs: readonly Config[], opts: CheckOptions, par: ParallelOptions = {}): Promise<ConfigResult[]> {
  const workers = workerCount(configs.length, par.workers);
  const results: ConfigResult[] = new Array(configs.length);
  if (workers === 1) {
    configs.forEach((c, i) => {
      results[i] = checkConfiguration(i, c, opts);
      par.onResult?.(results[i]);
    });
    return results;
  }
  // Interleaved slices: neighbouring configurations cost about the same, so slices balance.
  const slices = Array.from({ length: workers }, (_, w) => configs.map((c, i) => ({ index: i, config: c })).filter((x) => x.index % workers === w));
  await Promise.all(slices.map((slice) => new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { jobs: slice, opts } });
    worker.on('message', (r: ConfigResult) => {
      results[r.index] = r;
      par.onResult?.(r);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`check worker exited with code ${code}`))));
  })));
  return results;
}
