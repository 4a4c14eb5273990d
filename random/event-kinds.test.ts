// random/event-kinds.test.ts: the generator draws every event kind of the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../machines/events.js';
import { createModel } from '../machines/step.js';
import { goldenSetting } from '../explorer/golden.js';
import { decodeChoice, GENERATED_KINDS, sequenceArbitrary } from './generate.js';

describe('event kinds in the random generator', () => {
  it('has a generator for every kind', () => {
    expect([...GENERATED_KINDS].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('draws every kind on 200 sequences of the golden configuration (seed 1)', () => {
    const model = createModel(goldenSetting());
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
