// explorer/config-reads.test.ts: every field of the configuration table is a tracked read with its own
// bit, and the class signature and differing fields see it (config-classes.ts derives them from the table).
import { describe, expect, it } from 'vitest';
import { APPS, CLIENT_KEYS, CONFIG_KEYS, clientField, resolveConfig, type Config } from '../machines/config.js';
import { differingFields, signature, trackedConfig, type Reads } from './config-classes.js';

describe('tracked reads cover the configuration table', () => {
  const base = resolveConfig();
  const bits = new Set<number>();
  for (const app of APPS) {
    for (const k of CLIENT_KEYS) {
      it(`${app}.${k}`, () => {
        const reads: Reads = { mask: 0 };
        const c = trackedConfig(base, reads);
        expect(c[app][k]).toEqual(base[app][k]);
        expect(reads.mask).not.toBe(0);
        expect(reads.mask & (reads.mask - 1)).toBe(0); // one bit
        expect(bits.has(reads.mask)).toBe(false);
        bits.add(reads.mask);
        const f = clientField(k);
        const other = [...(f.space.native ?? []), ...(f.space.web ?? [])].find((x) => JSON.stringify(x) !== JSON.stringify(base[app][k]));
        const changed = { ...base, [app]: { ...base[app], [k]: other } } as Config;
        expect(differingFields(base, changed)).toBe(reads.mask);
        expect(signature(base, reads.mask)).not.toBe(signature(changed, reads.mask));
        expect(signature(base, ~reads.mask & 0x7fffffff)).toBe(signature(changed, ~reads.mask & 0x7fffffff));
      });
    }
  }
  for (const k of CONFIG_KEYS) {
    it(k, () => {
      const reads: Reads = { mask: 0 };
      expect(trackedConfig(base, reads)[k]).toBe(base[k]);
      expect(reads.mask).not.toBe(0);
      expect(differingFields(base, { ...base, [k]: base[k] + 1 })).toBe(reads.mask);
    });
  }
  it('JSON of a tracked configuration is the plain one', () => {
    expect(JSON.parse(JSON.stringify(trackedConfig(base, { mask: 0 })))).toEqual(JSON.parse(JSON.stringify(base)));
  });
});
