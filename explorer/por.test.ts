// explorer/por.test.ts: sleep sets (por.ts, search.ts `por: true`) against the full search: the same states
// depth by depth, the same violated properties with counterexamples of the same length, the same coverage,
// over a sample of configurations, every mutant and every scope; and a wrong independence claim is caught.
import { describe, expect, it } from 'vitest';
import { configLabel, configurationSpace, DEFAULT_INTERPRETATIONS } from '../machines/config.js';
import { MUTANTS, mutantModel } from '../machines/mutants/index.js';
import { makeSetting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { PROPERTIES } from '../properties/index.js';
import { explore, type ExploreOptions, type ExploreResult } from './explore.js';
import { goldenSetting } from './golden.js';
import { independent, type Footprint } from './por.js';
import { DEEP, DEFAULT, SMOKE, type Scope } from './scopes.js';
import { readFileSync } from 'node:fs';

const expected = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8')) as Record<string, { states: number; transitions: number; maxDepth: number; complete: boolean }>;

/** What a verdict consists of: states per depth, violated properties and their lengths, coverage. */
function verdict(r: ExploreResult) {
  return {
    statesByDepth: r.statesByDepth,
    violated: [...r.counterexamples].map(([id, c]) => [id, c.events.length] as const).sort(),
    coverage: Object.fromEntries(Object.entries(r.coverage).map(([k, v]) => [k, [...(v as Set<string>)].sort()])),
  };
}
const both = (setting: ReturnType<typeof goldenSetting>, scope: Scope, o: Partial<ExploreOptions> = {}) => {
  const off = explore(setting, scope, { properties: PROPERTIES, ...o });
  const on = explore(setting, scope, { properties: PROPERTIES, ...o, por: true });
  return { off, on };
};

// every 48th configuration of the space: each binding, method set and flag appears
const SAMPLE = configurationSpace().filter((_, i) => i % 48 === 0).map((c) => makeSetting(c, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION));

describe('sleep sets keep the verdict', () => {
  it.each([SMOKE, DEFAULT])('golden counts with sleep sets, scope $name (expected.json, `-por`)', (scope) => {
    const r = explore(goldenSetting(), scope, { properties: PROPERTIES, por: true });
    expect({ states: r.states, transitions: r.transitions, maxDepth: r.maxDepth, complete: r.complete }).toEqual(expected[`${scope.name}-por`]);
  });

  it.each([['smoke', SMOKE], ['default', DEFAULT], ['deep, to depth 4', { ...DEEP, depth: 4 }]] as const)('the golden configuration, scope %s: same states, violations, lengths and coverage; fewer transitions', (_, scope) => {
    const { off, on } = both(goldenSetting(), scope);
    expect(verdict(on)).toEqual(verdict(off));
    expect(on.transitions).toBeLessThan(off.transitions);
    expect(on.sleptTransitions).toBeGreaterThan(0);
  });

  it(`a sample of ${SAMPLE.length} configurations of the space, scope smoke`, () => {
    for (const s of SAMPLE) {
      const { off, on } = both(s, SMOKE);
      expect(verdict(on), configLabel(s.config)).toEqual(verdict(off));
    }
  });

  it(`every mutant (${MUTANTS.length}), scope smoke under its own configuration: the same violated properties, as short`, () => {
    for (const m of MUTANTS) {
      const model = mutantModel(m);
      const { off, on } = both(model.setting, SMOKE, { model });
      expect(verdict(on).violated, m.id).toEqual(verdict(off).violated);
      expect(on.states, m.id).toBe(off.states);
    }
  });
});

describe('a wrong independence claim is caught', () => {
  it('claiming that creations commute (two logins, a login and a rotation) loses states the full search reaches', () => {
    // the wrong claim: creations counted in id order (MODEL.md §3) are taken to commute
    const creationsCommute = (a: Footprint, b: Footprint) => independent(
      { reads: a.reads, writes: a.writes.filter((w) => w !== 'new') }, { reads: b.reads, writes: b.writes.filter((w) => w !== 'new') });
    const off = explore(goldenSetting(), DEFAULT, { properties: PROPERTIES });
    const wrong = explore(goldenSetting(), DEFAULT, { properties: PROPERTIES, por: true, independence: creationsCommute });
    expect(wrong.states).toBeLessThan(off.states);
  });

  it('claiming that a device move commutes with everything changes what is reached', () => {
    const movesCommute = (a: Footprint, b: Footprint) => a.writes.some((w) => w.startsWith('net:')) || b.writes.some((w) => w.startsWith('net:')) || independent(a, b);
    const off = explore(goldenSetting(), DEFAULT, { properties: PROPERTIES });
    const wrong = explore(goldenSetting(), DEFAULT, { properties: PROPERTIES, por: true, independence: movesCommute });
    expect(verdict(wrong)).not.toEqual(verdict(off));
  });
});
