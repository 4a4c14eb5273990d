// check/agreement.test.ts: the two engines agree on the smoke scope: what one finds within the scope,
// the other finds, no longer.
import { describe, expect, it } from 'vitest';
import { createModel } from '../machines/step.js';
import { PROPERTIES } from '../properties/index.js';
import { runRandom } from '../random/random.js';
import { explore } from '../explorer/explore.js';
import { SMOKE } from '../explorer/scopes.js';
import { CONFIGS, inScope } from '../explorer/test-fixtures.js';

describe('agreement with the random engine on the smoke scope', () => {
  for (const [label, s] of CONFIGS) {
    it(label, () => {
      const explored = explore(s, SMOKE, { properties: PROPERTIES });
      const random = runRandom(createModel(s), { runs: 3000, maxSteps: SMOKE.depth, seed: 42, properties: PROPERTIES });
      // explorer -> random: what the explorer finds within the scope, random runs of the same length find
      for (const id of explored.counterexamples.keys()) expect(random.counterexamples.has(id), `random misses ${id}`).toBe(true);
      // random -> explorer: a random counterexample that stays within the scope's alphabet and bounds is
      // found by the explorer, no longer
      for (const [id, c] of random.counterexamples) {
        if (!inScope(s, SMOKE, c.events)) continue;
        expect(explored.counterexamples.has(id), `explorer misses ${id}`).toBe(true);
        expect(explored.counterexamples.get(id)!.events.length).toBeLessThanOrEqual(c.events.length);
      }
      // and the two find the same set of violated properties
      expect([...random.counterexamples.keys()].sort()).toEqual([...explored.counterexamples.keys()].sort());
    });
  }
});

