// bench/model.ts (`npm run bench [-- --repeat N] [--write]`): how fast the model steps and the random
// engine runs, printed. Numbers, not assertions. `--repeat N` runs every measurement N times and adds the
// median and range of each; `--write` puts them in bench/RESULTS.md's `bench:model` section.
import { cpus, totalmem } from 'node:os';
import fc from 'fast-check';
import { configurationSpace, DEFAULT_INTERPRETATIONS, resolveConfig } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { runLive } from '../machines/live.js';
import type { ModelEvent } from '../machines/events.js';
import { sequenceArbitrary } from '../random/generate.js';
import { play, runRandom } from '../random/random.js';
import { PROPERTIES, RULE_PROPERTIES, violationsAt } from '../properties/index.js';
import { n, option, table, writeRequested, writeSection } from './results.js';

const repeat = Math.max(1, Number(option('--repeat') ?? 1));
if (!Number.isInteger(repeat)) throw new Error('--repeat takes a whole number of runs');

const setting = makeSetting(resolveConfig({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true } },
}), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);
const model = createModel(setting);

// A fixed corpus of valid sequences, decoded once, so that the timings below measure stepping only.
const corpus: ModelEvent[][] = fc.sample(sequenceArbitrary(12), { seed: 1, numRuns: 2000 }).map((sequence) => play(model, sequence, []).events);
const corpusSteps = corpus.reduce((s, q) => s + q.length, 0);

/** Every rate measured, per label, one entry per repetition. */
const rates = new Map<string, { unit: string; values: number[] }>();

function time(label: string, unit: string, count: number, rounds: number, f: () => void): void {
  f(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) f();
  const seconds = (performance.now() - t0) / 1000;
  const rate = (count * rounds) / seconds;
  console.log(`${label.padEnd(58)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} ${unit}/s`);
  const entry = rates.get(label) ?? { unit, values: [] };
  entry.values.push(rate);
  rates.set(label, entry);
}

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`);
console.log(`corpus: ${corpus.length} sequences, ${corpusSteps} steps\n`);

function measure(): void {
  time('pure step (machines/step.ts)', 'steps', corpusSteps, 20, () => {
    for (const q of corpus) { let w = model.initial; for (const e of q) w = model.step(w, e).world; }
  });
  time('pure step + every property after every step', 'steps', corpusSteps, 5, () => {
    for (const q of corpus) {
      let w = model.initial;
      for (const e of q) {
        const r = model.step(w, e);
        violationsAt({ setting, event: e, observation: r.observation, before: w, after: r.world }, PROPERTIES);
        w = r.world;
      }
    }
  });
  const liveCorpus = corpus.slice(0, 200);
  time('live XState actor system (machines/live.ts)', 'steps', liveCorpus.reduce((s, q) => s + q.length, 0), 2, () => {
    for (const q of liveCorpus) runLive(setting, q);
  });
  time('random engine, one configuration (generate, step, check, coverage)', 'sequences', 2000, 3, () => {
    runRandom(model, { runs: 2000, maxSteps: 12, seed: 3, properties: RULE_PROPERTIES });
  });
  const space = configurationSpace().slice(0, 48);
  time('random engine over 48 configurations incl. shrinking, 300 runs each', 'sequences', 48 * 300, 1, () => {
    for (const c of space) runRandom(createModel(makeSetting(c, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION)), { runs: 300, maxSteps: 12, seed: 3, properties: PROPERTIES });
  });
}

for (let round = 1; round <= repeat; round++) {
  if (repeat > 1) console.log(`${round > 1 ? '\n' : ''}run ${round} of ${repeat}`);
  measure();
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
if (repeat > 1) {
  console.log(`\nmedian (lowest to highest) over ${repeat} runs:`);
  for (const [label, { unit, values }] of rates) {
    console.log(`${label.padEnd(58)} ${n(median(values)).padStart(12)} ${unit}/s  (${n(Math.min(...values))} to ${n(Math.max(...values))})`);
  }
}

if (writeRequested()) {
  const rows = [...rates].map(([label, { unit, values }]) => repeat > 1
    ? [label, `${n(median(values))} ${unit}/s`, `${n(Math.min(...values))} to ${n(Math.max(...values))}`]
    : [label, `${n(values[0])} ${unit}/s`]);
  writeSection('model', `npm run bench -- ${repeat > 1 ? `--repeat ${repeat} ` : ''}--write`, [
    `Configuration: native may mint, web takes cookie and query and may get refresh tokens; a fixed corpus of ${corpus.length} valid sequences (${n(corpusSteps)} steps) decoded once.`,
    '',
    repeat > 1
      ? table(['what', `rate (median of ${repeat} runs)`, 'lowest to highest'], rows)
      : table(['what', 'rate (one run)'], rows),
  ].join('\n'));
}
