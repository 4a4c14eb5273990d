// Non-vacuity: every rule property catches a deliberately wrong tenant, with a short counterexample
// that replays on the mutant and not on the correct model; the correct model, in the same
// configurations and with the same runs, violates no rule property at all.
import { describe, expect, it } from 'vitest';
import { MUTANTS, mutantModel, correctModel, type Mutant } from '../machines/mutants/index.js';
import { mutationMatrix } from './mutation.js';
import { runRandom, type RandomResult } from '../random/random.js';
import { RULE_PROPERTIES, propertyById, type Property, type StepView } from '../properties/index.js';
import { referenceError, runEvents, type Model } from '../machines/step.js';
import { RULES } from '../machines/rules.js';
import { EFFECTS, GUARDS, LOG_WRITERS } from '../machines/tenant.logic.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import type { ModelEvent } from '../machines/events.js';

const RUNS = 300;
const SEED = 1;
const MAX_STEPS = 10;
const MAX_COUNTEREXAMPLE = 8;
const options = { runs: RUNS, maxSteps: MAX_STEPS, seed: SEED, properties: RULE_PROPERTIES };

// One random run per mutant and per distinct setting of the correct model, shared by the tests below.
const mutantRuns = new Map<string, RandomResult>();
const mutantRun = (m: Mutant): RandomResult => {
  if (!mutantRuns.has(m.id)) mutantRuns.set(m.id, runRandom(mutantModel(m), options));
  return mutantRuns.get(m.id)!;
};
const settingKey = (m: Mutant) => JSON.stringify([m.config, m.interpretations ?? {}]);
const correctRuns = new Map<string, RandomResult>();
const correctRun = (m: Mutant): RandomResult => {
  const key = settingKey(m);
  if (!correctRuns.has(key)) correctRuns.set(key, runRandom(correctModel(m), options));
  return correctRuns.get(key)!;
};

/**
 * Replays events on a model and checks one property after every step. Returns the index of the first
 * violating step (or -1), and the index of the first event the model could not even run (a scenario
 * error: it names an artifact this model never created), or -1. Observations are cross-checked with runEvents.
 */
function replay(model: Model, events: readonly ModelEvent[], p: Property): { violatedAt: number; message: string | null; scenarioErrorAt: number } {
  let world = model.initial;
  for (let i = 0; i < events.length; i++) {
    if (referenceError(model.setting, world, events[i]) !== null) return { violatedAt: -1, message: null, scenarioErrorAt: i };
    const r = model.step(world, events[i], i + 1);
    const view: StepView = { setting: model.setting, event: events[i], observation: r.observation, before: world, after: r.world };
    const message = p.check(view);
    if (message !== null) {
      expect(runEvents(model, events.slice(0, i + 1)).observations[i]).toEqual(r.observation);
      return { violatedAt: i, message, scenarioErrorAt: -1 };
    }
    world = r.world;
  }
  expect(runEvents(model, events).world).toEqual(world);
  return { violatedAt: -1, message: null, scenarioErrorAt: -1 };
}

describe('the mutant list', () => {
  it('has unique kebab-case ids, one-sentence descriptions, known rules and known rule-property catchers', () => {
    const ids = MUTANTS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ruleIds = new Set(RULE_PROPERTIES.map((p) => p.id));
    for (const m of MUTANTS) {
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.description).toMatch(/^[A-Z].*\.$/);
      expect(m.description.replace(/\b(e\.g|i\.e)\./g, '').split(/\.\s/).length, `${m.id}: one sentence`).toBe(1);
      expect(m.rules.length).toBeGreaterThan(0);
      for (const r of m.rules) expect(Object.keys(RULES)).toContain(r);
      expect(m.catches.length).toBeGreaterThan(0);
      expect(new Set(m.catches).size).toBe(m.catches.length);
      for (const id of m.catches) expect(ruleIds.has(id), `${m.id}: ${id} is not a rule property`).toBe(true);
    }
  });

  it('every rule property is the main catcher of at least one mutant', () => {
    const mains = new Set(MUTANTS.map((m) => m.catches[0]));
    const uncovered = RULE_PROPERTIES.map((p) => p.id).filter((id) => !mains.has(id));
    expect(uncovered).toEqual([]);
  });

  it('includes the named mutants', () => {
    const ids = new Set(MUTANTS.map((m) => m.id));
    for (const id of [
      'reusable-transfer-token', 'no-expiry', 'ignore-device-binding', 'mismatch-keeps-session', 'nested-transfer-allowed',
      'web-session-can-mint', 'shallow-cascade', 'offline-web-refresh-tokens', 'revoked-parent-still-redeems', 'mint-without-flag',
      'methods-ignored', 'organization-ignored', 'valid-token-prompts', 'same-user-new-session', 'invalid-token-uses-session',
      'web-refresh-token-ungated', 'cascade-hits-login-sessions', 'sso-prompts', 'no-reuse-detection', 'revoked-refresh-token-accepted',
      'no-rotation-successor',
    ]) expect(ids.has(id), id).toBe(true);
  });

  it('every mutant replaces something of the real implementation, and runs on the default population', () => {
    for (const m of MUTANTS) {
      const guards = Object.keys(GUARDS).filter((g) => (m.implementation.guards as Record<string, unknown>)[g] !== (GUARDS as Record<string, unknown>)[g]);
      const effects = Object.keys(EFFECTS).filter((f) => (m.implementation.effects as Record<string, unknown>)[f] !== (EFFECTS as Record<string, unknown>)[f]);
      const logs = Object.keys(LOG_WRITERS).filter((f) => (m.implementation.logs as Record<string, unknown>)[f] !== (LOG_WRITERS as Record<string, unknown>)[f]);
      expect(guards.length + effects.length + logs.length, m.id).toBeGreaterThan(0);
      expect(Object.keys(m.implementation.logs).sort()).toEqual(Object.keys(LOG_WRITERS).sort());
      expect(Object.keys(m.implementation.guards).sort()).toEqual(Object.keys(GUARDS).sort());
      expect(Object.keys(m.implementation.effects).sort()).toEqual(Object.keys(EFFECTS).sort());
      expect(mutantModel(m).setting.population).toBe(DEFAULT_POPULATION);
    }
  });
});

describe.each(MUTANTS.map((m) => [m.id, m] as const))('mutant %s', (_id, m) => {
  const main = propertyById(m.catches[0])!;

  it(`is caught by ${m.catches[0]} in at most ${MAX_COUNTEREXAMPLE} steps; the counterexample replays on the mutant, not on the correct model`, () => {
    const ce = mutantRun(m).counterexamples.get(main.id);
    expect(ce, `${main.id} found no counterexample against ${m.id}`).toBeDefined();
    expect(ce!.events.length).toBeGreaterThan(0);
    expect(ce!.events.length).toBeLessThanOrEqual(MAX_COUNTEREXAMPLE);

    const onMutant = replay(mutantModel(m), ce!.events, main);
    expect(onMutant.scenarioErrorAt).toBe(-1);
    expect(onMutant.violatedAt, `replaying ${JSON.stringify(ce!.events)} on ${m.id}`).toBe(ce!.events.length - 1);
    expect(onMutant.message).toBe(ce!.message);

    const onCorrect = replay(correctModel(m), ce!.events, main);
    expect(onCorrect.scenarioErrorAt, 'the correct model can run the counterexample').toBe(-1);
    expect(onCorrect.violatedAt, `the correct model violates ${main.id} on ${JSON.stringify(ce!.events)}: ${onCorrect.message}`).toBe(-1);
  });

  it(`is caught by every listed catcher (${m.catches.join(', ')})`, () => {
    const caught = [...mutantRun(m).counterexamples.keys()];
    for (const id of m.catches) expect(caught, `${id} did not catch ${m.id}`).toContain(id);
  });
});

describe('the correct model', () => {
  const settings = [...new Map(MUTANTS.map((m) => [settingKey(m), m])).values()];
  it.each(settings.map((m) => [m.id, m] as const))('in the configuration of %s violates no rule property', (_id, m) => {
    const found = [...correctRun(m).counterexamples.values()].map((c) => `${c.property}: ${c.message} after ${JSON.stringify(c.events)}`);
    expect(found).toEqual([]);
    expect(correctRun(m).sequences).toBe(RUNS);
  });
});

describe('mutationMatrix', () => {
  it('reports, per mutant, every rule property that catches it and the main catcher\'s shortest counterexample', () => {
    const matrix = mutationMatrix(RUNS, SEED);
    expect(matrix.map((r) => r.mutant)).toEqual(MUTANTS.map((m) => m.id));
    for (const [i, row] of matrix.entries()) {
      const m = MUTANTS[i];
      const run = mutantRun(m);
      expect(row.caughtBy).toEqual(RULE_PROPERTIES.map((p) => p.id).filter((id) => run.counterexamples.has(id)));
      expect(row.caughtBy).toContain(m.catches[0]);
      expect(row.shortest).toBe(run.counterexamples.get(m.catches[0])!.events.length);
    }
  });

  it('reports null when the main catcher misses', () => {
    const harmless: Mutant = { ...MUTANTS[0], id: 'not-a-mutant', implementation: { guards: GUARDS, effects: EFFECTS, logs: LOG_WRITERS } };
    expect(mutationMatrix(RUNS, SEED, [harmless])).toEqual([{ mutant: 'not-a-mutant', caughtBy: [], shortest: null }]);
  });
});
