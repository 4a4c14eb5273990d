// machines/config-table.test.ts: every field of the configuration table reaches the schema, the
// resolution, configToInput, the space, labels and descriptions.
import { describe, expect, it } from 'vitest';
import {
  APPS, CLIENT_KEYS, clientField, configLabel, configSchema, configToInput, configurationSpace, defaultedFields, describeConfig,
  dimensionKey, DIMENSIONS, READ_FIELDS, resolveConfig, withDimension, type ClientSettings,
} from './config.js';

/** Values other than the default for the fields the space does not vary (MODEL.md §8). */
const OFF_SPACE: Partial<Record<keyof ClientSettings, unknown>> = {
  expirationType: 'expiring', tokenLifetime: 120, infiniteTokenLifetime: false, idleTokenLifetime: 90, infiniteIdleTokenLifetime: false, leeway: 30,
};

/** A value of field k other than its default, from the space when it has one there. */
function otherValue(k: keyof ClientSettings): unknown {
  const f = clientField(k);
  const values = [...(f.space.native ?? []), ...(f.space.web ?? []), ...(k in OFF_SPACE ? [OFF_SPACE[k]] : [])];
  const v = values.find((x) => JSON.stringify(x) !== JSON.stringify(f.default));
  if (v === undefined) throw new Error(`${k}: no value other than the default in the space`);
  return v;
}

const inputWith = (app: 'native' | 'web', k: keyof ClientSettings, value: unknown) => {
  const [object, key] = clientField(k).path.split('.');
  return { [app]: { [object]: { [key]: value } } };
};

describe('the configuration table', () => {
  it('has a field for every key of ClientSettings, each read from its own JSON path', () => {
    expect(CLIENT_KEYS).toEqual(Object.keys(resolveConfig().native));
    expect(new Set(CLIENT_KEYS.map((k) => clientField(k).path)).size).toBe(CLIENT_KEYS.length);
    expect(READ_FIELDS.map(([p]) => p)).toEqual(CLIENT_KEYS.map((k) => clientField(k).path));
  });

  for (const k of CLIENT_KEYS) {
    for (const app of APPS) {
      it(`${app}.${clientField(k).path}: schema, resolution, default, round trip`, () => {
        const v = otherValue(k);
        const input = configSchema.parse(inputWith(app, k, v));
        const c = resolveConfig(input);
        expect(c[app][k]).toEqual(v);
        // the other app and every other field keep their defaults
        expect(c[app === 'native' ? 'web' : 'native']).toEqual(resolveConfig().native);
        for (const other of CLIENT_KEYS) if (other !== k) expect(c[app][other]).toEqual(clientField(other).default);
        expect(defaultedFields(input[app]).map((d) => d.field)).not.toContain(clientField(k).path);
        expect(defaultedFields({}).map((d) => d.field)).toContain(clientField(k).path);
        expect(resolveConfig(configToInput(c))).toEqual(c);
        // a value of the wrong type is refused, naming the field
        const bad = configSchema.safeParse(inputWith(app, k, typeof v === 'number' ? 'forty-two' : 42));
        expect(bad.success).toBe(false);
        expect(JSON.stringify(bad.error?.issues[0].path)).toContain(clientField(k).path.split('.')[1]);
      });
    }
  }

  it('every dimension of the space shows in the label and the description; a field outside it does not change them', () => {
    const base = resolveConfig();
    for (const d of DIMENSIONS) {
      for (const v of d.values) {
        const c = withDimension(base, d.key, v);
        if (JSON.stringify(c) === JSON.stringify(base)) continue;
        expect(configLabel(c), d.key).not.toBe(configLabel(base));
        expect(describeConfig(c), d.key).not.toBe(describeConfig(base));
      }
    }
    // each app's non-dimension fields: the space never varies them, so they are not in the label
    for (const app of APPS) {
      for (const k of CLIENT_KEYS) {
        if (DIMENSIONS.some((d) => d.key === dimensionKey(app, k))) continue;
        expect(clientField(k).space[app]).toBeUndefined();
      }
    }
    expect(configLabel({ ...base, transferTokenTtlSeconds: 30 })).toBe(`${configLabel(base)}_ttl30`);
  });

  it('the space: 768 distinct configurations, distinct labels, each dimension taking each of its values', () => {
    const space = configurationSpace();
    expect(space).toHaveLength(DIMENSIONS.reduce((n, d) => n * d.values.length, 1));
    expect(space).toHaveLength(768);
    expect(new Set(space.map(configLabel)).size).toBe(space.length);
    expect(() => withDimension(resolveConfig(), 'web.nope', true)).toThrow(/unknown dimension/);
    expect(() => withDimension(resolveConfig(), 'web.enforce_device_binding', 'ipv6')).toThrow(/no value/);
  });
});
