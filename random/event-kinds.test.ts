// random/event-kinds.test.ts: the generator draws every event kind of the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../machines/events.js';
import { createModel } from '../machines/step.js';
import { resolveConfig, DEFAULT_INTERPRETATIONS } from '../machines/config.js';
import { makeSetting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { decodeChoice, GENERATED_KINDS, sequenceArbitrary } from './generate.js';

describe('event kinds in the random generator', () => {
  it('has a generator for every kind', () => {
    expect([...GENERATED_KINDS].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('draws every kind on 200 sequences where the native app may mint and the web app takes both methods (seed 1)', () => {
    const config = resolveConfig({
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'] } },
    });
    const model = createModel(makeSetting(config, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION));
    const seen = new Set<EventType>();
    for (const [mask, choices] of fc.sample(sequenceArbitrary(10), { seed: 1, numRuns: 200 })) {
      let world = model.initial;
      choices.forEach((c, i) => {
        const e = decodeChoice(model.setting, world, c, mask);
        seen.add(e.type);
        world = model.step(world, e, i + 1).world;
      });
    }
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
