// Each property's declared relevance is true of its check: whenever it answers non-null on a transition,
// the transition triggers it, or (for a state property) the same answer comes from the world reached
// alone. Judged on random sequences of every mutant (where properties do answer) and of the real model.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MUTANTS, mutantModel } from '../machines/mutants/index.js';
import { emptyObservation } from '../machines/observation.js';
import { createModel, type Model } from '../machines/step.js';
import { makeSetting } from '../machines/setting.js';
import { DEFAULT_INTERPRETATIONS, resolveConfig } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { decodeChoice, sequenceArbitrary } from '../random/generate.js';
import { PROPERTIES } from '../properties/index.js';
import { isStateRelevance, triggered, type StepView } from '../properties/property.js';

const QUIET = { type: 'ADVANCE_TIME', seconds: 1 } as const;

/** Runs sequences on a model; counts, per property, the non-null answers judged. */
function judge(model: Model, runs: number, seed: number, answers: Map<string, number>): void {
  for (const [mask, choices] of fc.sample(sequenceArbitrary(10), { seed, numRuns: runs })) {
    let world = model.initial;
    choices.forEach((c, i) => {
      const event = decodeChoice(model.setting, world, c, mask);
      const r = model.step(world, event, i + 1);
      const view: StepView = { setting: model.setting, event, observation: r.observation, before: world, after: r.world };
      // the same world reached by a transition that triggers nothing
      const still: StepView = { setting: model.setting, event: QUIET, observation: emptyObservation(i + 1, QUIET), before: r.world, after: r.world };
      for (const p of PROPERTIES) {
        if (!p.relevance) continue;
        const answer = p.check(view);
        if (answer === null) continue;
        answers.set(p.id, (answers.get(p.id) ?? 0) + 1);
        if (triggered(p.relevance, view)) continue;
        expect(isStateRelevance(p.relevance), `${p.id} answered on ${event.type} without being triggered: ${answer}`).toBe(true);
        expect(p.check(still), `${p.id} is declared ${p.relevance} but its answer depends on more than the world reached`).toBe(answer);
      }
      world = r.world;
    });
  }
}

describe('declared relevance of the properties', () => {
  it('holds on random sequences of every mutant and of the real model', () => {
    const answers = new Map<string, number>();
    for (const m of MUTANTS) judge(mutantModel(m), 300, 1, answers);
    // the real model: the security goals answer where the configuration lets an attack through
    judge(createModel(makeSetting(resolveConfig({
      native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: false } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none', allow_refresh_token: true, enforce_online_refresh_tokens: false } },
    }), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION)), 300, 5, answers);
    // each property's declaration was checked on its own answers, not only the suite's in total
    expect(PROPERTIES.filter((p) => !answers.has(p.id)).map((p) => p.id)).toEqual([]);
  });

  it('every property declares one', () => {
    expect(PROPERTIES.filter((p) => !p.relevance).map((p) => p.id)).toEqual([]);
  });
});
