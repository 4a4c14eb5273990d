// Exploring once per class of configurations is sound: for configurations whose result is reused from an
// equivalent one, exploring them directly gives the same states, transitions, counterexamples and coverage.
import { describe, expect, it } from 'vitest';
import { CLIENT_KEYS, CONFIG_KEYS, configurationSpace, DEFAULT_INTERPRETATIONS, resolveConfig } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { PROPERTIES } from '../properties/index.js';
import { checkConfiguration, explorationStats } from './check.js';
import { coverageToJson } from '../properties/coverage.js';
import { explore } from '../explorer/explore.js';
import { SMOKE, withBounds } from '../explorer/scopes.js';
import { ConfigClasses, signature, trackedConfig, type Reads } from '../explorer/config-classes.js';

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
