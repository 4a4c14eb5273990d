// Exploring a family of configurations in one search (family.ts) gives each configuration exactly what
// exploring it alone gives: the same states, transitions, depth, completeness, counterexamples (the
// same shortest paths, messages and observations) and coverage; and the fields it reports as read cover
// what the lone exploration read (so the class table stays sound). The lone explorations step every event
// (twins: false), so twins in either search are checked too.
import { describe, expect, it } from 'vitest';
import { configLabel, configurationSpace, DEFAULT_INTERPRETATIONS, twoAppSpace, resolveInterpretations, type Config, type Interpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { PROPERTIES } from '../properties/index.js';
import { property, type Property } from '../properties/property.js';
import { coverageToJson } from '../properties/coverage.js';
import { families } from './check.js';
import { explore } from '../explorer/explore.js';
import { exploreFamily } from '../explorer/family.js';
import { DEEP, DEFAULT, SMOKE, withBounds, type Scope } from '../explorer/scopes.js';
import { trackedConfig, type Reads } from '../explorer/config-classes.js';
import { GOLDEN_CONFIG } from '../explorer/golden.js';

const SPACE = configurationSpace().map((config, index) => ({ index, config }));
const FAMILIES = families(SPACE).map((f) => f.map((j) => j.config));
/** The family of a configuration of the space. */
const familyOf = (c: Config) => FAMILIES.find((f) => f.some((x) => configLabel(x) === configLabel(c)))!;

function compare(configs: readonly Config[], interpretations: Interpretations, scope: Scope, properties: readonly Property[] = PROPERTIES) {
  const family = exploreFamily(configs, interpretations, DEFAULT_POPULATION, scope, { properties });
  let sum = 0;
  let violations = 0;
  for (const [i, m] of family.members.entries()) {
    const reads: Reads = { mask: 0 };
    const d = explore(makeSetting(trackedConfig(configs[i], reads), interpretations, DEFAULT_POPULATION), scope, { properties, twins: false });
    const label = JSON.stringify(configs[i]);
    expect({ states: m.states, transitions: m.transitions, maxDepth: m.maxDepth, complete: m.complete }, label)
      .toEqual({ states: d.states, transitions: d.transitions, maxDepth: d.maxDepth, complete: d.complete });
    expect([...m.counterexamples.values()], label).toEqual([...d.counterexamples.values()]);
    expect(coverageToJson(m.coverage), label).toEqual(coverageToJson(d.coverage));
    expect(m.reads & reads.mask, `${label}: the family's reads cover the lone exploration's`).toBe(reads.mask);
    sum += d.states;
    violations += d.counterexamples.size;
  }
  return { nodes: family.nodes, sum, violations };
}

describe('exploring a family of configurations in one search', () => {
  it('the space splits into families of at most 24 that differ only in the family dimensions', () => {
    expect(FAMILIES.flat()).toHaveLength(SPACE.length);
    expect(FAMILIES).toHaveLength(32);
    for (const f of FAMILIES) expect(f).toHaveLength(24);
  });

  it('smoke scope: the golden configuration\'s family, each member as explored alone', () => {
    const r = compare(familyOf(GOLDEN_CONFIG), DEFAULT_INTERPRETATIONS, SMOKE);
    // the search is shared (fewer nodes than the members' states) and splits (more than one member's)
    expect(r.nodes).toBeLessThan(r.sum / 3);
    expect(r.nodes).toBeGreaterThan(r.sum / 24);
    expect(r.violations).toBeGreaterThan(0);
  });

  it('smoke scope, other interpretations: web minting with refresh tokens, A6 and A10 = invalid', () => {
    const family = FAMILIES.find((f) => f[0].web.canCreateSessionTransferToken && !f[0].native.canCreateSessionTransferToken && f[0].web.allowedAuthenticationMethods.length === 1)!;
    const r = compare(family, resolveInterpretations({ A6: true, A8: false, A10: 'invalid' }), SMOKE);
    expect(r.violations).toBeGreaterThan(0);
  });

  it('default scope, depth 4: a family where native rotates and the web app takes the query only', () => {
    const family = FAMILIES.find((f) => f[0].native.canCreateSessionTransferToken && f[0].native.rotationType === 'rotating' && f[0].web.allowedAuthenticationMethods.join() === 'query')!;
    const r = compare(family.filter((_, i) => i % 3 === 0), DEFAULT_INTERPRETATIONS, withBounds(DEFAULT, { depth: 4 }));
    expect(r.violations).toBeGreaterThan(0);
  });

  it('deep scope, depth 3 (device symmetry applies there): a family, each member as explored alone', () => {
    const members = familyOf(GOLDEN_CONFIG).filter((_, i) => i % 4 === 0);
    const scope = withBounds(DEEP, { depth: 3 });
    const r = compare(members, DEFAULT_INTERPRETATIONS, scope);
    // the lone explorations it matched reduce by symmetry (the golden configuration: 1,287 states, 2,340 without)
    const withoutSymmetry = members.reduce((n, c) => n + explore(makeSetting(c, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION), scope, { properties: [], symmetry: false }).states, 0);
    expect(r.sum).toBeLessThan(withoutSymmetry * 0.6);
  });

  it('a property reading a field the step did not read splits the configurations of that step', () => {
    // (no property of properties/ does this today: each field they read, the step read before; a
    // refresh does not read the web app's binding)
    const asnRefresh = property({
      id: 'test-no-refresh-under-asn', kind: 'goal', rules: [], claim: 'no refresh while the web app binds by ASN (a test property)',
      check: (v) => (v.event.type === 'REFRESH' && v.setting.config.web.enforceDeviceBinding === 'asn' ? 'refreshed under asn' : null),
    });
    const r = compare(familyOf(GOLDEN_CONFIG), DEFAULT_INTERPRETATIONS, withBounds(SMOKE, { depth: 3 }), [asnRefresh]);
    expect(r.violations).toBe(8); // the 8 members binding by ASN
  });

  it('members that allow different methods: twins differing in the method are twins only where every member gets one answer', () => {
    // (the family dimensions keep the methods fixed; exploreFamily takes any configurations)
    const c = GOLDEN_CONFIG;
    const web = (methods: Config['web']['allowedAuthenticationMethods']) => ({ ...c, web: { ...c.web, allowedAuthenticationMethods: methods } });
    const r = compare([c, web(['cookie']), web(['query'])], DEFAULT_INTERPRETATIONS, SMOKE);
    expect(r.violations).toBeGreaterThan(0);
  });

  it('smoke scope, depth 4: a family of the two-app check (MODEL.md §8), the second app\'s reads tracked', () => {
    const family = families(twoAppSpace().map((config, index) => ({ index, config }))).map((f) => f.map((j) => j.config))
      .find((f) => f.length > 1 && f[0].moreWeb[0].settings.allowedAuthenticationMethods.length === 2)!;
    expect(new Set(family.map((c) => c.moreWeb[0].settings.enforceDeviceBinding)).size).toBeGreaterThan(1);
    const r = compare(family, DEFAULT_INTERPRETATIONS, withBounds(SMOKE, { depth: 4 }));
    expect(r.violations).toBeGreaterThan(0);
  });

  it('refuses a family that disagrees on what the shared enumerator reads (the TTL)', () => {
    const c = GOLDEN_CONFIG;
    expect(() => exploreFamily([c, { ...c, transferTokenTtlSeconds: 30 }], DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION, SMOKE, { properties: PROPERTIES }))
      .toThrow(/agree on the fields the enumerator and canonicaliser read/);
  });
});
