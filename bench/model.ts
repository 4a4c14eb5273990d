// bench/model.ts (`npm run bench`): how fast the model steps and the random engine runs, printed.
// Numbers, not assertions: run it on a quiet machine; the README quotes its output with the machine size.
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

const setting = makeSetting(resolveConfig({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true } },
}), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);
const model = createModel(setting);

// A fixed corpus of valid sequences, decoded once, so that the timings below measure stepping only.
const corpus: ModelEvent[][] = fc.sample(sequenceArbitrary(12), { seed: 1, numRuns: 2000 }).map((sequence) => play(model, sequence, []).events);
const corpusSteps = corpus.reduce((s, q) => s + q.length, 0);

function time(label: string, unit: string, count: number, rounds: number, f: () => void): void {
  f(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) f();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(58)} ${Math.round((count * rounds) / seconds).toLocaleString('en-US').padStart(12)} ${unit}/s`);
}

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`);
console.log(`corpus: ${corpus.length} sequences, ${corpusSteps} steps\n`);

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
