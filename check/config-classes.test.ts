// Exploring once per class of configurations is sound: for configurations whose result is reused from an
// equivalent one, exploring them directly gives the same states, transitions, counterexamples and coverage;
// and the same for a result reused under another reading of switches its exploration never read.
import { describe, expect, it } from 'vitest';
import { CLIENT_KEYS, CONFIG_KEYS, configurationSpace, DEFAULT_INTERPRETATIONS, INTERPRETATION_KEYS, interpretationSpace, interpretationsSchema, resolveConfig } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { PROPERTIES } from '../properties/index.js';
import { checkConfiguration, explorationStats } from './check.js';
import { coverageToJson } from '../properties/coverage.js';
import { explore } from '../explorer/explore.js';
import { SMOKE, withBounds } from '../explorer/scopes.js';
import { ConfigClasses, signature, switchesRead, trackedConfig, trackedInterpretations, type Reads } from '../explorer/config-classes.js';

const DEPTH = 4;
const opts = { interpretations: DEFAULT_INTERPRETATIONS, population: DEFAULT_POPULATION, random: null, explorer: { scope: 'smoke', depth: DEPTH } };

describe('configuration classes', () => {
  it('a tracked configuration reads like the original and records what was read', () => {
    const c = resolveConfig({ web: { session_transfer: { enforce_device_binding: 'asn' } } });
    const reads: Reads = { mask: 0 };
    const t = trackedConfig(c, reads);
    expect(reads.mask).toBe(0);
    expect(t.web.enforceDeviceBinding).toBe('asn');
    expect(t.native.rotationType).toBe('non-rotating');
    // native fields, then web fields (the table's order), then the configuration's own
    const expected = [...CLIENT_KEYS, ...CLIENT_KEYS, ...CONFIG_KEYS].map(() => '*');
    expected[CLIENT_KEYS.indexOf('rotationType')] = 'non-rotating';
    expected[CLIENT_KEYS.length + CLIENT_KEYS.indexOf('enforceDeviceBinding')] = 'asn';
    // (the web apps' client_ids lead every signature: MODEL.md §8)
    expect(signature(c, reads.mask)).toBe(['web-app', '/', ...expected].join('|'));
    // serialised, it is the plain configuration (and serialising reads nothing)
    expect(JSON.parse(JSON.stringify(t))).toEqual(JSON.parse(JSON.stringify(c)));
    expect(signature(c, reads.mask)).toBe(['web-app', '/', ...expected].join('|'));
    const classes = new ConfigClasses<string>();
    classes.add(c, reads.mask, 'result');
    expect(classes.find(resolveConfig({ web: { session_transfer: { enforce_device_binding: 'asn', allow_refresh_token: true } } }))).toBe('result');
    expect(classes.find(resolveConfig({ web: { session_transfer: { enforce_device_binding: 'ip' } } }))).toBeUndefined();
  });

  it('a reused result equals exploring the configuration directly', () => {
    // a slice of the space where classes merge (web app: no methods, or allow_refresh_token off)
    const space = configurationSpace().filter((_, i) => i % 7 === 0 || i % 11 === 0).slice(0, 90);
    const before = { ...explorationStats };
    const results = space.map((c, i) => checkConfiguration(i, c, opts));
    expect(explorationStats.reused - before.reused).toBeGreaterThan(10); // the test means something
    for (const [i, c] of space.entries()) {
      const direct = explore(makeSetting(c, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION), withBounds(SMOKE, { depth: DEPTH }), { properties: PROPERTIES });
      const got = results[i].explorer!;
      expect(got.states, results[i].label).toBe(direct.states);
      expect(got.transitions).toBe(direct.transitions);
      expect(got.counterexamples.map((x) => [x.property, x.message, x.events])).toEqual(
        [...direct.counterexamples.values()].map((x) => [x.property, x.message, x.events]));
      expect(results[i].coverage).toEqual(coverageToJson(direct.coverage));
    }
  });
});

describe('interpretation classes (--interpretations all)', () => {
  it('tracked interpretations read like the original, record each switch read, and serialise plainly', () => {
    const reads: Reads = { mask: 0 };
    const t = trackedInterpretations({ ...DEFAULT_INTERPRETATIONS, A8: false }, reads);
    expect(reads.mask).toBe(0);
    expect(t.A8).toBe(false);
    expect(t.A19).toBe('online-flag');
    expect(switchesRead(reads.mask)).toEqual(['A8', 'A19']);
    expect(JSON.parse(JSON.stringify(t))).toEqual({ ...DEFAULT_INTERPRETATIONS, A8: false });
    const classes = new ConfigClasses<string>();
    const c = configurationSpace()[0];
    classes.add(c, 0, 'result', t, reads.mask);
    // agrees on A8 and A19: found; differs on A8: not
    expect(classes.find(c, { ...DEFAULT_INTERPRETATIONS, A8: false, A6: true, N2: true })).toBe('result');
    expect(classes.find(c, DEFAULT_INTERPRETATIONS)).toBeUndefined();
  });

  it('every combination of readings, the defaults first, each once', () => {
    const all = interpretationSpace();
    expect(all).toHaveLength(2 ** INTERPRETATION_KEYS.length);
    expect(all[0]).toEqual(DEFAULT_INTERPRETATIONS);
    expect(new Set(all.map((i) => JSON.stringify(i))).size).toBe(all.length);
    // each reading is one the input schema accepts
    for (const i of all) expect(interpretationsSchema.safeParse(i).success).toBe(true);
  });

  it('a result reused under another reading equals exploring under that reading directly', () => {
    // configurations that mint and redeem (switches read) and some that do not (switches unread, so reused)
    const all = configurationSpace();
    const space = [...all.filter((c) => !c.native.canCreateSessionTransferToken && !c.web.canCreateSessionTransferToken).slice(0, 4), ...all.filter((_, i) => i % 97 === 0)];
    // the first eight vary A6, A8 and A10 (read only where tokens are minted and redeemed); the last, every switch
    const readings = [...interpretationSpace().slice(0, 8), interpretationSpace().at(-1)!];
    const before = { ...explorationStats };
    const results = readings.map((interpretations) => space.map((c, i) => checkConfiguration(i, c, { ...opts, interpretations })));
    expect(explorationStats.reused - before.reused).toBeGreaterThan(5); // the test means something
    readings.forEach((interpretations, k) => space.forEach((c, i) => {
      const direct = explore(makeSetting(c, interpretations, DEFAULT_POPULATION), withBounds(SMOKE, { depth: DEPTH }), { properties: PROPERTIES });
      const got = results[k][i].explorer!;
      expect(got.states, `${results[k][i].label} ${JSON.stringify(interpretations)}`).toBe(direct.states);
      expect(got.transitions).toBe(direct.transitions);
      expect(got.counterexamples.map((x) => [x.property, x.message, x.events])).toEqual(
        [...direct.counterexamples.values()].map((x) => [x.property, x.message, x.events]));
      expect(results[k][i].coverage).toEqual(coverageToJson(direct.coverage));
    }));
  });
});
