// explorer/config-reads.test.ts: every field of the configuration table is a tracked read with its own
// bit (the refresh-token lifetimes one shared bit per client), for the native app and the first two web
// apps, and the class signature and differing fields see it (config-classes.ts derives them from the table).
import { describe, expect, it } from 'vitest';
import { APPS, CLIENT_KEYS, CONFIG_KEYS, clientField, resolveConfig, type ClientSettings, type Config } from '../machines/config.js';
import { differingFields, LIFETIME_FIELDS, signature, trackedConfig, type Reads } from './config-classes.js';

/** The bit a read of one field of an app sets. */
function trackedBit(app: 'native' | 'web', k: keyof ClientSettings): number {
  const r: Reads = { mask: 0 };
  void trackedConfig(resolveConfig(), r)[app][k];
  return r.mask;
}

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
        // its own, but for the lifetimes, which share their first field's
        const first = LIFETIME_FIELDS.indexOf(k) > 0 ? trackedBit(app, LIFETIME_FIELDS[0]) : null;
        if (first !== null) expect(reads.mask).toBe(first);
        else { expect(bits.has(reads.mask)).toBe(false); bits.add(reads.mask); }
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
  it('a second web app\'s fields have bits of their own; a third\'s share one; client_ids always in the signature', () => {
    const two = resolveConfig({ web: [{}, { session_transfer: { enforce_device_binding: 'asn' } }, {}] });
    const read = (f: (c: Config) => unknown) => { const r: Reads = { mask: 0 }; f(trackedConfig(two, r)); return r.mask; };
    const firstBinding = read((c) => c.web.enforceDeviceBinding);
    const secondBinding = read((c) => c.moreWeb[0].settings.enforceDeviceBinding);
    const third = [read((c) => c.moreWeb[1].settings.enforceDeviceBinding), read((c) => c.moreWeb[1].settings.allowRefreshToken)];
    expect(new Set([firstBinding, secondBinding, third[0]]).size).toBe(3);
    expect(third[0]).toBe(third[1]);
    const changed: Config = { ...two, moreWeb: [{ ...two.moreWeb[0], settings: { ...two.moreWeb[0].settings, enforceDeviceBinding: 'none' } }, two.moreWeb[1]] };
    expect(differingFields(two, changed)).toBe(secondBinding);
    expect(signature(two, secondBinding)).not.toBe(signature(changed, secondBinding));
    const renamed: Config = { ...two, moreWeb: [{ ...two.moreWeb[0], clientId: 'other' }, two.moreWeb[1]] };
    expect(signature(two, 0)).not.toBe(signature(renamed, 0));
  });
  it('JSON of a tracked configuration is the plain one', () => {
    expect(JSON.parse(JSON.stringify(trackedConfig(base, { mask: 0 })))).toEqual(JSON.parse(JSON.stringify(base)));
  });
});
