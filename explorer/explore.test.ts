// explorer/explore.test.ts: golden numbers, shortest and replayable counterexamples, the property
// relevance table, coverage of the default scope, twins.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolveConfig, resolveInterpretations, type ConfigInput } from '../machines/config.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel, runEvents } from '../machines/step.js';
import type { ModelEvent } from '../machines/events.js';
import { DEFAULT_POPULATION, type World } from '../machines/world.js';
import { PROPERTIES, propertyById } from '../properties/index.js';
import { property, type Property } from '../properties/property.js';
import { COVERAGE_ITEMS, coverageToJson, emptyCoverage, mergeCoverage } from '../properties/coverage.js';
import { CONFIGS, LIFETIMES, setting } from './test-fixtures.js';
import { explore, type ExploreResult } from './explore.js';
import { createEnumerator } from './enumerate.js';
import { sameDevice, sameRefreshToken, sameSession, sameTransferToken, sameWorld } from './visited.js';
import { DEEP, DEFAULT, SMOKE, type Scope } from './scopes.js';
import { deviceSymmetry } from './canonical.js';
import { goldenSetting } from './golden.js';

const expected = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8')) as Record<string, { states: number; transitions: number; maxDepth: number; complete: boolean }>;

/** The property's verdict on the last step of a replay of the events. */
function replayVerdict(s: Setting, propertyId: string, events: readonly ModelEvent[]): string | null {
  const model = createModel(s);
  const before = runEvents(model, events.slice(0, -1)).world;
  const run = runEvents(model, events);
  return propertyById(propertyId)!.check({ setting: s, event: events[events.length - 1], observation: run.observations.at(-1)!, before, after: run.world });
}

// The smoke exploration of each configuration with every property, computed once for the blocks that read it.
const smokeRuns = new Map<Setting, ExploreResult>();
const smoke = (s: Setting): ExploreResult => {
  let r = smokeRuns.get(s);
  if (!r) smokeRuns.set(s, (r = explore(s, SMOKE, { properties: PROPERTIES })));
  return r;
};
const GOLDEN = CONFIGS[0][1];

describe('golden numbers (expected.json)', () => {
  for (const scope of [SMOKE, DEFAULT]) {
    it(`${scope.name}: distinct states, transitions, max depth`, () => {
      const r = scope === SMOKE ? smoke(GOLDEN) : explore(GOLDEN, scope, { properties: PROPERTIES });
      expect({ states: r.states, transitions: r.transitions, maxDepth: r.maxDepth, complete: r.complete }).toEqual(expected[scope.name]);
    });
  }
});

describe('counterexamples', () => {
  it('no-session-injection under binding none + query: the 3-step login CSRF', () => {
    const s = CONFIGS[1][1];
    const c = smoke(s).counterexamples.get('no-session-injection')!;
    expect(c.events.map((e) => e.type)).toEqual(['NATIVE_LOGIN', 'MINT_TRANSFER_TOKEN', 'AUTHORIZE']);
    expect(c.events[0]).toMatchObject({ user: 'mallory' });
    expect(c.events[2]).toMatchObject({ method: 'query', transferToken: 'stt1' });
    expect(['alice-phone', 'alice-laptop']).toContain((c.events[2] as { device: string }).device);
    expect(replayVerdict(s, 'no-session-injection', c.events)).toBe(c.message);
  });

  for (const [label, s] of CONFIGS) {
    it(`${label}: every counterexample replays to the same violation, and none is shorter in the scope`, () => {
      for (const [id, c] of smoke(s).counterexamples) {
        expect(replayVerdict(s, id, c.events), id).toBe(c.message);
        expect(c.observations).toHaveLength(c.events.length);
        // shortest: exploring one level less finds no violation of it
        const shallower = explore(s, SMOKE, { properties: [propertyById(id)!], depth: c.events.length - 1 });
        expect(shallower.counterexamples.has(id), id).toBe(false);
      }
    });
  }
});

describe('the relevance table skips only calls that answer null', () => {
  for (const [label, s] of CONFIGS) {
    it(label, () => {
      const fast = smoke(s);
      const full = explore(s, SMOKE, { properties: PROPERTIES, fullChecks: true });
      const summary = (r: typeof fast) => Object.fromEntries([...r.counterexamples].map(([id, c]) => [id, c.events.length]));
      expect(summary(fast)).toEqual(summary(full));
      expect(fast.states).toBe(full.states);
    });
  }
});

describe('equal worlds (a successor equal to its parent or to the one before is not fingerprinted)', () => {
  // a world holding every kind of artifact, from the model itself (so a field the model adds shows up here)
  const s = goldenSetting();
  const { world } = runEvents(createModel(s), [
    { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
    { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
    { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'cookie' },
  ]);
  const devices = s.population.devices.map((d) => d.name);
  const cases: [string, object, (x: never, y: never) => boolean][] = [
    ['refresh token', world.refreshTokens[0], sameRefreshToken],
    ['transfer token', world.transferTokens[0], sameTransferToken],
    ['session', world.sessions[0], sameSession],
    ['device', world.devices['alice-laptop'], sameDevice],
  ];
  for (const [kind, artifact, same] of cases) {
    it(`${kind}s that differ in any one field differ`, () => {
      expect(same({ ...artifact } as never, artifact as never)).toBe(true);
      const keys = Object.keys(artifact);
      expect(keys.length).toBeGreaterThan(1);
      for (const k of keys) expect(same({ ...artifact, [k]: 'changed' } as never, artifact as never), `${kind}.${k}`).toBe(false);
    });
  }
  it('worlds: copies are equal; a changed clock, artifact or device is not', () => {
    const copy = { ...world, refreshTokens: world.refreshTokens.map((t) => ({ ...t })), devices: { ...world.devices, 'alice-laptop': { ...world.devices['alice-laptop'] } } };
    expect(sameWorld(copy, world, devices)).toBe(true);
    expect(sameWorld({ ...world, clock: world.clock + 1 }, world, devices)).toBe(false);
    expect(sameWorld({ ...world, sessions: [{ ...world.sessions[0], status: 'revoked' }] }, world, devices)).toBe(false);
    expect(sameWorld({ ...world, devices: { ...world.devices, 'alice-laptop': { network: 'cafe', session: world.devices['alice-laptop'].session } } }, world, devices)).toBe(false);
  });
});

describe('canonical states', () => {
  it('renaming and the clock abstraction only merge states', () => {
    const s = goldenSetting();
    const canon = explore(s, SMOKE, { properties: PROPERTIES, depth: 4 });
    const raw = explore(s, SMOKE, { properties: PROPERTIES, depth: 4, canonical: false });
    expect(canon.states).toBeLessThan(raw.states);
    expect([...canon.counterexamples.keys()].sort()).toEqual([...raw.counterexamples.keys()].sort());
    expect(canon.coverage).toEqual(raw.coverage);
  });
  it('device symmetry: none in smoke and default, alice\'s two devices in deep', () => {
    expect(deviceSymmetry(SMOKE)).toEqual([]);
    expect(deviceSymmetry(DEFAULT)).toEqual([]);
    expect(deviceSymmetry(DEEP)).toEqual([['alice-phone', 'alice-laptop']]);
  });
  it('symmetry only merges states', () => {
    const s = goldenSetting();
    const sym = explore(s, DEEP, { properties: PROPERTIES, depth: 3 });
    const asym = explore(s, DEEP, { properties: PROPERTIES, depth: 3, symmetry: false });
    expect(sym.states).toBeLessThan(asym.states);
    expect([...sym.counterexamples.keys()].sort()).toEqual([...asym.counterexamples.keys()].sort());
  });
});

describe('default scope coverage', () => {
  it('reaches every reason code, /authorize outcome row, lifecycle transition and branch over four configurations (one with lifetimes and leeway)', () => {
    const cov = emptyCoverage();
    for (const s of [goldenSetting(), CONFIGS[2][1], CONFIGS[3][1], LIFETIMES]) mergeCoverage(cov, explore(s, DEFAULT, { properties: [] }).coverage);
    expect(COVERAGE_ITEMS.reasons.filter((x) => !cov.reasons.has(x))).toEqual([]);
    expect(COVERAGE_ITEMS.outcomeRows.filter((x) => !cov.outcomeRows.has(x))).toEqual([]);
    expect(COVERAGE_ITEMS.transitions.filter((x) => !cov.transitions.has(x))).toEqual([]);
    expect(COVERAGE_ITEMS.branches.filter((x) => !cov.branches.has(x))).toEqual([]);
  });
});

describe('exploring a mutant', () => {
  it('finds the mutant\'s counterexample and replays it on the mutant\'s own model', async () => {
    const { MUTANTS, mutantModel } = await import('../machines/mutants/index.js');
    const m = MUTANTS.find((x) => x.id === 'mint-without-flag')!;
    const model = mutantModel(m);
    const r = explore(model.setting, SMOKE, { properties: PROPERTIES, model, depth: 3 });
    const ce = r.counterexamples.get('mint-needs-flag');
    expect(ce?.events.map((e) => e.type)).toEqual(['NATIVE_LOGIN', 'MINT_TRANSFER_TOKEN']);
  });
});

describe('twins (events differing only in fields the first one\'s processing never read)', () => {
  /** Everything an exploration reports, counterexamples as JSON. */
  const summary = (r: ExploreResult) => ({
    states: r.states, transitions: r.transitions, statesByDepth: r.statesByDepth, maxDepth: r.maxDepth, complete: r.complete,
    coverage: coverageToJson(r.coverage),
    counterexamples: Object.fromEntries([...r.counterexamples].map(([id, c]) => [id, JSON.stringify([c.message, c.events, c.observations])])),
    coveringPaths: JSON.stringify(r.coveringPaths),
  });
  const both = (s: Setting, scope: Scope, opts: Partial<Parameters<typeof explore>[2]> = {}) => [
    summary(explore(s, scope, { properties: PROPERTIES, coveringPaths: true, ...opts })),
    summary(explore(s, scope, { properties: PROPERTIES, coveringPaths: true, ...opts, twins: false })),
  ];

  for (const [label, s] of CONFIGS) {
    it(`${label}: the same exploration as stepping every event (smoke)`, () => {
      const [twins, every] = both(s, SMOKE);
      expect(twins).toEqual(every);
    });
  }
  it('with every property on every transition, without renaming or symmetry, or stopped early: the same exploration', () => {
    for (const opts of [{ fullChecks: true }, { canonical: false }, { symmetry: false }, { maxStates: 500 }]) {
      const [twins, every] = both(goldenSetting(), SMOKE, opts);
      expect(twins, JSON.stringify(opts)).toEqual(every);
    }
  });
  it('a model must come with the setting explored (its twins ask methodAllowed with the model\'s)', () => {
    expect(() => explore(CONFIGS[2][1], SMOKE, { properties: [], model: createModel(goldenSetting()) })).toThrow(/built from the setting explored/);
  });
  it('golden configuration, default scope to depth 5: the same exploration', () => {
    const [twins, every] = both(goldenSetting(), DEFAULT, { depth: 5 });
    expect(twins).toEqual(every);
  });
  it('every mutant (smoke, depth 4): the same exploration, counterexamples included', async () => {
    const { MUTANTS, mutantModel } = await import('../machines/mutants/index.js');
    for (const m of MUTANTS) {
      const model = mutantModel(m);
      const [twins, every] = both(model.setting, SMOKE, { model, depth: 4 });
      expect(twins, m.id).toEqual(every);
    }
  });

  // Properties that read a watched field only on refusals (which the step answers without reading it):
  // their violations happen on the twin of an event whose step read nothing watched, and are found only
  // because the property's own read is tracked.
  const refusal = (v: Parameters<Property['check']>[0]) => v.event.type === 'AUTHORIZE' && v.observation.outcome === 'login_required';
  const offlineRefused = property({
    id: 'test-offline-never-refused', kind: 'goal', rules: [], claim: 'test: /authorize asking offline_access is never refused',
    check: (v) => (refusal(v) && v.event.type === 'AUTHORIZE' && v.event.offlineAccess === true ? 'refused' : null),
  });
  const organizationRefused = property({
    id: 'test-organization-never-refused', kind: 'goal', rules: [], claim: 'test: /authorize with a token, for an organization, is never refused as expired',
    check: (v) => (refusal(v) && v.observation.reason === 'transfer_token_not_found_or_expired' && v.event.type === 'AUTHORIZE' && v.event.organization !== undefined ? 'refused' : null),
  });
  it('a property reading a watched field on a refusal finds the twin\'s violation (its read is tracked)', () => {
    const r = explore(goldenSetting(), SMOKE, { properties: [offlineRefused, organizationRefused] });
    const off = r.counterexamples.get(offlineRefused.id)!;
    expect(off.events).toEqual([{ type: 'AUTHORIZE', device: 'alice-phone', offlineAccess: true }]);
    const org = r.counterexamples.get(organizationRefused.id)!;
    expect(org.events.at(-1)).toMatchObject({ type: 'AUTHORIZE', transferToken: 'stt1', organization: 'org-a' });
    expect(org.observations.at(-1)).toMatchObject({ outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(summary(r)).toEqual(summary(explore(goldenSetting(), SMOKE, { properties: [offlineRefused, organizationRefused], twins: false })));
  });
  it('a model reading the method other than through methodAllowed: its reads are tracked too', async () => {
    const { GUARDS, TENANT_IMPLEMENTATION } = await import('../machines/tenant.logic.js');
    // a wrong tenant that refuses every token sent by query as not found, whatever the configuration allows
    const guards = { ...GUARDS, 'transfer token not found or expired?': (m: Setting, w: World, e: ModelEvent) => (e as { method?: string }).method === 'query' || GUARDS['transfer token not found or expired?'](m, w, e) };
    const model = createModel(goldenSetting(), { ...TENANT_IMPLEMENTATION, guards });
    const [twins, every] = both(model.setting, SMOKE, { model });
    expect(twins).toEqual(every);
    expect(Object.keys(twins.counterexamples)).toContain('valid-token-no-session-logs-in');
  });
  it('counterexample, observation and covering-path events are plain objects: no getters, no keys without a value', () => {
    const r = explore(goldenSetting(), SMOKE, { properties: [offlineRefused, organizationRefused], coveringPaths: true });
    const events = [
      ...[...r.counterexamples.values()].flatMap((c) => [...c.events, ...c.observations.map((o) => o.event)]),
      ...r.coveringPaths!.flatMap((p) => p.events),
    ];
    expect(events.some((e) => e.type === 'AUTHORIZE' && e.transferToken !== undefined)).toBe(true);
    for (const e of events) {
      for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(e))) {
        expect(d.get, k).toBeUndefined();
        expect(d.value, k).not.toBeUndefined();
      }
    }
  });
});
