// check/cost.ts: the plan's costs order families as measured (who may mint, what is accepted), cover
// every scope, and know that a batch of other readings over the same space reuses explorations.
import { describe, expect, it } from 'vitest';
import { configurationSpace, DEFAULT_INTERPRETATIONS, interpretationSpace, resolveConfig, twoAppSpace } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { SCOPES } from '../explorer/scopes.js';
import { families, type CheckOptions } from './check.js';
import { EXPLORER_UNIT_MS, familyCost, planCost, REREAD } from './cost.js';

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
  it('has every family of every batch once, and a later batch of other readings over the same space costs REREAD of the first', () => {
    const jobs = configurationSpace().map((config, index) => ({ index, config }));
    const smoke: CheckOptions = { ...opts, random: null, explorer: { scope: 'smoke', depth: 5 } };
    const [a, b] = interpretationSpace();
    const plan = planCost([{ jobs, opts }, { jobs, opts: { ...smoke, interpretations: a } }, { jobs, opts: { ...smoke, interpretations: b } }]);
    expect(plan.length).toBe(3 * families(jobs).length);
    expect(plan.filter((f) => f.batch === 0).reduce((n, f) => n + f.size, 0)).toBe(jobs.length);
    const sum = (k: number) => plan.filter((f) => f.batch === k).reduce((s, f) => s + f.ms, 0);
    expect(sum(2) / sum(1)).toBeCloseTo(REREAD);
  });
});
