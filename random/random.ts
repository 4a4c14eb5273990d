// random/random.ts: the random engine. fast-check draws choice sequences (generate.ts); every property
// is checked after every step; the first violation of each property is kept, then shrunk by fast-check
// to a minimal sequence for that property alone. Same seed, same sequences, same counterexamples.
import fc from 'fast-check';
import type { Model } from '../machines/step.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { authorizeFacts, exercised, factBits, isStateRelevance, triggered, type Property, type StepView } from '../properties/property.js';
import { decodeChoice, sequenceArbitrary, type Sequence } from './generate.js';
import { refusedByCapabilities } from '../machines/attacker.js';
import { emptyCoverage, recordStep, type Coverage } from '../properties/coverage.js';

export interface RandomOptions {
  runs: number;
  maxSteps: number;
  seed: number;
  properties: readonly Property[];
  /** whether to shrink a property's counterexample (default: every one); an unshrunk one is kept as found */
  shrink?: (propertyId: string) => boolean;
}

/** How a counterexample was found: by which engine, and what replays the search. */
export type FoundBy =
  | { engine: 'random'; seed: number; run: number; shrinkPath: string; shrinks: number }
  | { engine: 'explorer'; scope: string; depth: number };

/** A property's counterexample: the events up to and including the violating step. */
export interface Counterexample {
  property: string;
  kind: Property['kind'];
  message: string;
  events: ModelEvent[];
  observations: Observation[];
  foundBy: FoundBy;
}

export interface RandomResult {
  sequences: number;
  steps: number;
  /** first violation per property id, shrunk */
  counterexamples: Map<string, Counterexample>;
  coverage: Coverage;
  /** per property id, the steps on which its premise held (properties/property.ts, exercised) */
  exercised: Record<string, number>;
}

interface Played {
  events: ModelEvent[];
  observations: Observation[];
  /** property id -> [step index, message, choice index] of its first violation in this sequence (a choice
   * the attacker cannot make is passed over, so the two indexes may differ) */
  violations: Map<string, [number, string, number]>;
}

/**
 * Plays a choice sequence through the model, checking the properties after every step. With `stopOn`,
 * stops at the first violation of that property (the shrinking predicate).
 */
export function play(model: Model, [mask, choices]: Sequence, properties: readonly Property[], coverage?: Coverage, stopOn?: Property, premises?: number[]): Played {
  let world = model.initial;
  const events: ModelEvent[] = [];
  const observations: Observation[] = [];
  const violations = new Map<string, [number, string, number]>();
  for (let i = 0; i < choices.length; i++) {
    const event = decodeChoice(model.setting, world, choices[i], mask);
    // MODEL.md §10: a choice the attacker cannot make happen is passed over (the step is not taken)
    if (refusedByCapabilities(model.setting.attacker, world, event) !== null) continue;
    const result = model.step(world, event, events.length + 1);
    const view: StepView = { setting: model.setting, event, observation: result.observation, before: world, after: result.world };
    events.push(event);
    observations.push(result.observation);
    if (coverage) recordStep(coverage, view, result.branch);
    world = result.world;
    const facts = authorizeFacts(view);
    if (premises) for (let j = 0; j < properties.length; j++) if (exercised(properties[j], view, facts)) premises[j]++;
    for (const p of properties) {
      if (violations.has(p.id)) continue;
      // asked only where its declared relevance lets it answer (check/relevance.test.ts holds every
      // declaration on random sequences of the mutants); world invariants on every step
      if (!askable(p, view, facts)) continue;
      const message = p.check(view);
      if (message !== null) {
        violations.set(p.id, [events.length - 1, message, i]);
        if (stopOn === p) return { events, observations, violations };
      }
    }
  }
  return { events, observations, violations };
}

/** Whether a property's relevance lets it answer on this step: undeclared and world invariants, always. */
function askable(p: Property, v: StepView, facts: number): boolean {
  const r = p.relevance;
  if (r === undefined || isStateRelevance(r)) return true;
  return typeof r === 'string' ? triggered(r, v) : (facts & factBits(r)) !== 0;
}

export function runRandom(model: Model, opts: RandomOptions): RandomResult {
  const coverage = emptyCoverage();
  const arb = sequenceArbitrary(opts.maxSteps);
  const samples = fc.sample(arb, { seed: opts.seed, numRuns: opts.runs });
  // per property, its shortest first violation: the run, the sequence up to it and what it played
  const first = new Map<string, { run: number; sequence: Sequence; played: Played }>();
  let steps = 0;
  const premises = opts.properties.map(() => 0);
  samples.forEach((sequence, run) => {
    const played = play(model, sequence, opts.properties, coverage, undefined, premises);
    steps += played.events.length;
    for (const [id, [, , choice]] of played.violations) {
      const known = first.get(id);
      if (!known || choice + 1 < known.sequence[1].length) first.set(id, { run, sequence: [sequence[0], sequence[1].slice(0, choice + 1)], played });
    }
  });
  const counterexamples = new Map<string, Counterexample>();
  for (const p of opts.properties) {
    const f = first.get(p.id);
    if (!f) continue;
    counterexamples.set(p.id, opts.shrink?.(p.id) === false
      // kept as found: what the sampled run played (properties are pure, so playing it again for p alone
      // would give the same steps and message)
      ? counterexampleOf(p, f.played, { engine: 'random', seed: opts.seed, run: f.run, shrinkPath: '', shrinks: 0 })
      : shrink(model, p, f.sequence, opts.seed, f.run, opts.maxSteps));
  }
  const exercisedSteps = Object.fromEntries(opts.properties.map((p, j) => [p.id, premises[j]]));
  return { sequences: samples.length, steps, counterexamples, coverage, exercised: exercisedSteps };
}

/** The counterexample of p in a played sequence: its steps up to p's first violation. */
function counterexampleOf(p: Property, played: Played, foundBy: FoundBy): Counterexample {
  const [at, message] = played.violations.get(p.id)!;
  return { property: p.id, kind: p.kind, message, events: played.events.slice(0, at + 1), observations: played.observations.slice(0, at + 1), foundBy };
}

/** Shrinks a violating choice sequence with fast-check, for one property. */
export function shrink(model: Model, p: Property, sequence: Sequence, seed: number, run: number, maxSteps: number): Counterexample {
  const violates = (s: Sequence) => play(model, s, [p], undefined, p).violations.has(p.id);
  const details = fc.check(fc.property(sequenceArbitrary(Math.max(maxSteps, sequence[1].length)), (s) => !violates(s)), {
    seed, numRuns: 1, examples: [[sequence]], endOnFailure: false,
  });
  const minimal = details.failed && details.counterexample ? details.counterexample[0] : sequence;
  return counterexampleOf(p, play(model, minimal, [p], undefined, p),
    { engine: 'random', seed, run, shrinkPath: details.counterexamplePath ?? '', shrinks: details.numShrinks });
}

/** A 32-bit seed for one configuration, from the run's seed and the configuration's label. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}
