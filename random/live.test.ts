// The pure step and the live actor system give the same observations and the same world.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configurationSpace, DEFAULT_INTERPRETATIONS } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel, runEvents } from '../machines/step.js';
import { runLive } from '../machines/live.js';
import { decodeChoice, sequenceArbitrary } from './generate.js';
import type { ModelEvent } from '../machines/events.js';

describe('pure step and live actor system', () => {
  const space = configurationSpace();
  it('agree on random sequences across the configuration space', () => {
    fc.assert(
      fc.property(fc.nat(space.length - 1), fc.boolean(), fc.boolean(), sequenceArbitrary(14), (ci, a6, a8, [mask, choices]) => {
        const setting = makeSetting(space[ci], { ...DEFAULT_INTERPRETATIONS, A6: a6, A8: a8 }, DEFAULT_POPULATION);
        const model = createModel(setting);
        let world = model.initial;
        const events: ModelEvent[] = [];
        for (const c of choices) {
          const e = decodeChoice(setting, world, c, mask);
          events.push(e);
          world = model.step(world, e, events.length).world;
        }
        const pure = runEvents(model, events);
        const live = runLive(setting, events);
        expect(live.observations).toEqual(pure.observations);
        expect(live.world).toEqual(pure.world);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
