// check/cost.ts: the plan's costs order families as measured (who may mint, what is accepted), cover
// every scope, and know that a batch of other readings over the same space reuses explorations.
import { describe, expect, it } from 'vitest';
import { configurationSpace, DEFAULT_INTERPRETATIONS, interpretationSpace, resolveConfig, twoAppSpace } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { SCOPES } from '../explorer/scopes.js';
import { families, type CheckOptions } from './check.js';
import { EXPLORER_UNIT_MS, expectedFreshShare, familyCost, needsExploring, planCost, READ_SHARE, REUSED, reviser } from './cost.js';

const opts: CheckOptions = { interpretations: DEFAULT_INTERPRETATIONS, population: DEFAULT_POPULATION, random: { runs: 300, maxSteps: 12, seed: 1 }, explorer: { scope: 'default', depth: 6 } };
const one = (input: Parameters<typeof resolveConfig>[0]) => [{ config: resolveConfig(input) }];

describe('familyCost', () => {
  it('has a unit for every scope of the explorer', () => {
    for (const name of Object.keys(SCOPES)) expect(EXPLORER_UNIT_MS[name], name).toBeGreaterThan(0);
  });

  it('orders configurations as their explorations were measured: native mints > only the web app mints > no method > nobody mints', () => {
    const native = familyCost(one({ native: { session_transfer: { can_create_session_transfer_token: true } }, web: { session_transfer: { allowed_authentication_methods: ['cookie'] } } }), opts);
    const web = familyCost(one({ web: { session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: ['cookie'] } } }), opts);
    const none = familyCost(one({ native: { session_transfer: { can_create_session_transfer_token: true } } }), opts);
    const nobody = familyCost(one({ web: { session_transfer: { allowed_authentication_methods: ['cookie'] } } }), opts);
    expect(native).toBeGreaterThan(web);
    expect(web).toBeGreaterThan(none);
    expect(none).toBeGreaterThan(nobody);
  });

  it('grows with depth, random runs and a second web app, and a deeper scope costs more', () => {
    const f = one({ native: { session_transfer: { can_create_session_transfer_token: true } }, web: { session_transfer: { allowed_authentication_methods: ['cookie'] } } });
    expect(familyCost(f, { ...opts, explorer: { scope: 'default', depth: 7 } })).toBeGreaterThan(familyCost(f, opts));
    expect(familyCost(f, { ...opts, explorer: { scope: 'smoke', depth: 5 } })).toBeLessThan(familyCost(f, opts));
    expect(familyCost(f, { ...opts, explorer: { scope: 'deep', depth: 8 } })).toBeGreaterThan(100 * familyCost(f, opts));
    expect(familyCost(f, { ...opts, random: { ...opts.random!, runs: 3000 } })).toBeGreaterThan(familyCost(f, opts));
    expect(familyCost([{ config: twoAppSpace()[0] }], opts)).toBeGreaterThan(familyCost([{ config: { ...twoAppSpace()[0], moreWeb: [] } }], opts));
  });
});

describe('planCost', () => {
  const jobs = configurationSpace().map((config, index) => ({ index, config }));
  const smoke: CheckOptions = { ...opts, random: null, explorer: { scope: 'smoke', depth: 5 } };
  const readings = interpretationSpace();
  const sum = (plan: ReturnType<typeof planCost>, k: number) => plan.filter((f) => f.batch === k).reduce((s, f) => s + f.ms, 0);

  it('has every family of every batch once; a batch of other readings costs what its configurations explore again', () => {
    // readings[4] changes A10 (read where six tenths of the cost is), readings[32] N2 (read by all)
    const plan = planCost([{ jobs, opts: smoke }, { jobs, opts: { ...smoke, interpretations: readings[4] } }, { jobs, opts: { ...smoke, interpretations: readings[32] } }, { jobs, opts: smoke }]);
    expect(plan.length).toBe(4 * families(jobs).length);
    expect(plan.filter((f) => f.batch === 0).reduce((n, f) => n + f.size, 0)).toBe(jobs.length);
    expect(sum(plan, 1) / sum(plan, 0)).toBeGreaterThan(0.4);
    expect(sum(plan, 1) / sum(plan, 0)).toBeLessThan(0.8);
    expect(sum(plan, 2) / sum(plan, 0)).toBeCloseTo(1);
    // the defaults again: everything is taken from the first batch (REUSED of a family's first member)
    expect(sum(plan, 3) / sum(plan, 0)).toBeLessThan(REUSED);
    expect(sum(plan, 3)).toBeGreaterThan(0);
  });

  it('over every reading, the plan sums what the nested read shares give, not a fixed fraction per batch', () => {
    const plan = planCost(readings.map((i) => ({ jobs, opts: { ...smoke, interpretations: i } })));
    const total = readings.reduce((s, _, k) => s + sum(plan, k), 0) / sum(plan, 0);
    // with every switch read by all, each of the 64 readings would be explored in full; with none, once
    // (a fixed tenth per batch of other readings would make 7)
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(60);
  });
});

describe('needsExploring and expectedFreshShare', () => {
  // the defaults, then A6 changed, ..., [4] A10 changed, [5] A6 and A10
  const [d, a6, , , a10, both] = interpretationSpace();
  it('an exploration serves a later reading that agrees with an earlier one on every switch it read', () => {
    expect(needsExploring(new Set(), a6, [d])).toBe(false);
    expect(needsExploring(new Set(['A10']), a6, [d])).toBe(false);
    expect(needsExploring(new Set(['A6']), a6, [d])).toBe(true);
    expect(needsExploring(new Set(['A6']), a6, [])).toBe(true);
    expect(needsExploring(new Set(['A10']), both, [d, a6, a10])).toBe(false);
    expect(needsExploring(new Set(['A6', 'A10']), both, [d, a6, a10])).toBe(true);
  });

  it('is the share of the cost whose configurations read every switch the reading changes (read independently)', () => {
    expect(expectedFreshShare(d, [])).toBeCloseTo(1);
    expect(expectedFreshShare(d, [d])).toBe(0);
    expect(expectedFreshShare(a6, [d])).toBeCloseTo(READ_SHARE.A6);
    expect(expectedFreshShare({ ...d, N2: true }, [d])).toBeCloseTo(READ_SHARE.N2);
    // after the defaults alone, a configuration reading either switch explores again; after each changed alone, only one reading both
    const two = { ...d, A10: 'invalid' as const, N1: true };
    expect(expectedFreshShare(two, [d])).toBeCloseTo(1 - (1 - READ_SHARE.A10) * (1 - READ_SHARE.N1));
    expect(expectedFreshShare(two, [d, { ...d, A10: 'invalid' }, { ...d, N1: true }])).toBeCloseTo(READ_SHARE.A10 * READ_SHARE.N1);
  });
});

describe('reviser', () => {
  const jobs = configurationSpace().slice(0, 48).map((config, index) => ({ index, config }));
  const smoke: CheckOptions = { ...opts, random: null, explorer: { scope: 'smoke', depth: 5 } };
  const batches = [{ jobs, opts: smoke }, { jobs, opts: { ...smoke, interpretations: interpretationSpace()[1] } }];
  const plan = planCost(batches);
  const rev = reviser(batches);
  const f = plan.find((x) => x.batch === 1)!;

  it('knows the batch a batch of other readings takes its explorations from', () => {
    expect(rev.base(0)).toBe(0);
    expect(rev.base(1)).toBe(0);
    expect(rev.cost(plan[0], () => new Set())).toBeNull();
  });

  it('costs a family by the configurations that read what its reading changes, and waits until every read is known', () => {
    const full = familyCost(families(jobs).find((x) => x[0].index === f.first)!, smoke);
    expect(rev.cost(f, () => new Set(['A6']))).toBeCloseTo(full);
    // none explored again: REUSED of the family's first member
    expect(rev.cost(f, () => new Set(['N2']))! / full).toBeLessThan(REUSED);
    expect(rev.cost(f, (i) => new Set(i === f.first ? ['A6'] : []))! / full).toBeLessThan(0.6);
    expect(rev.cost(f, () => undefined)).toBeNull();
  });
});
