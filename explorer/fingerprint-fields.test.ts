// explorer/fingerprint-fields.test.ts: every field of every artifact reaches the fingerprint. The fields
// are read off the worlds themselves, so a field added to an artifact and not fed by canonical.ts fails
// here instead of silently merging states.
import { describe, expect, it } from 'vitest';
import { runEvents, createModel } from '../machines/step.js';
import type { ModelEvent } from '../machines/events.js';
import type { World } from '../machines/world.js';
import { createCanonicalizer, type Fingerprint } from './canonical.js';
import { DEFAULT } from './scopes.js';
import { LIFETIMES } from './test-fixtures.js';
import { NATIVE_CLIENT_ID } from '../machines/config.js';

/**
 * Fields the fingerprint abstracts on purpose, each with the reason: worlds that differ only there are
 * isomorphic. Nothing else may be left out.
 */
const ABSTRACTED: Readonly<Record<string, string>> = {
  id: 'ids are renamed canonically: only the structure they name is kept',
  ip: 'a transfer token\'s ip is its network\'s (the population fixes it): the network is fed',
  asn: 'a transfer token\'s asn is its network\'s (the population fixes it): the network is fed',
  client: 'a refresh token\'s kind follows its clientId (native exactly for NATIVE_CLIENT_ID): the clientId is fed',
};

// lifetimes and leeway the default scope can reach, so that every time an artifact records is observed
const setting = LIFETIMES;
const model = createModel(setting);
const path: ModelEvent[] = [
  { type: 'ADVANCE_TIME', seconds: 60 },
  { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
  { type: 'REFRESH', refreshToken: 'rt1' },
  { type: 'ADVANCE_TIME', seconds: 30 },
  { type: 'NATIVE_LOGIN', user: 'mallory', device: 'mallory-phone' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt2' },
  { type: 'AUTHORIZE', device: 'alice-phone', transferToken: 'stt1', method: 'cookie' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt3' },
  { type: 'WEB_LOGIN', device: 'mallory-laptop', user: 'mallory' },
];
const world = runEvents(model, path).world;

const fingerprint = (w: World) => {
  const canon = createCanonicalizer(setting, DEFAULT);
  const fp: Fingerprint = { lo: 0, hi: 0 };
  canon.fingerprint(w, fp);
  return `${fp.lo}:${fp.hi}`;
};
/** The fingerprint of a changed world, or null when the change is not a world (null where an id must be). */
const fingerprintOf = (w: World): string | null => {
  try { return fingerprint(w); } catch { return null; }
};

/** Values a field could take instead: for strings, every string the world and the population hold, and null. */
function alternatives(v: unknown): unknown[] {
  if (typeof v === 'boolean') return [!v];
  if (typeof v === 'number') return [v + setting.config.transferTokenTtlSeconds, v - setting.config.transferTokenTtlSeconds, v + 1, 0];
  const strings = new Set<string>(['org-a', 'issued', 'consumed', 'expired', 'revoked', 'active', 'rotated', 'login', 'transfer', 'native', 'web']);
  JSON.stringify(world, (_k, x) => { if (typeof x === 'string') strings.add(x); return x; });
  for (const d of setting.population.devices) { strings.add(d.name); strings.add(d.network); }
  for (const u of setting.population.users) strings.add(u.name);
  return [null, ...[...strings].filter((x) => x !== v)];
}

type Kind = 'refreshTokens' | 'transferTokens' | 'sessions';
const RAW_ONLY = new Set(['expiresAt', 'idleExpiresAt']);

describe('every artifact field reaches the fingerprint', () => {
  const base = fingerprint(world);

  it('the world holds every kind of artifact', () => {
    for (const k of ['refreshTokens', 'transferTokens', 'sessions'] as Kind[]) expect(world[k].length, k).toBeGreaterThan(0);
  });

  for (const kind of ['refreshTokens', 'transferTokens', 'sessions'] as Kind[]) {
    const fields = Object.keys(world[kind][0]);
    for (const field of fields) {
      it(`${kind}.${field}`, () => {
        if (kind === 'sessions' && RAW_ONLY.has(field)) {
          // an Action's deadline: the canonical fingerprint refuses it, the raw one (explored with an Action) feeds it
          const items = world.sessions.map((a, j) => (j === 0 ? { ...a, [field]: 500 } : a));
          const changed = { ...world, sessions: items } as World;
          expect(fingerprintOf(changed)).toBeNull();
          const raw = (w: World) => { const c = createCanonicalizer(setting, DEFAULT, { canonical: false }); const fp: Fingerprint = { lo: 0, hi: 0 }; c.fingerprint(w, fp); return `${fp.lo}:${fp.hi}`; };
          expect(raw(changed)).not.toBe(raw(world));
          return;
        }
        if (ABSTRACTED[field]) {
          // abstracted, and for the reason given: the field changes nothing the fingerprint keeps
          expect(world[kind].length).toBeGreaterThan(0);
          return;
        }
        const changes = world[kind].some((_, i) => alternatives((world[kind][i] as unknown as Record<string, unknown>)[field]).some((alt) => {
          const items = world[kind].map((a, j) => (j === i ? { ...a, [field]: alt } : a));
          const f = fingerprintOf({ ...world, [kind]: items } as World);
          return f !== null && f !== base;
        }));
        expect(changes, `no value of ${kind}.${field} changes the fingerprint: canonical.ts does not feed it`).toBe(true);
      });
    }
  }

  for (const field of Object.keys(Object.values(world.devices)[0])) {
    it(`devices.${field}`, () => {
      const changes = Object.keys(world.devices).some((d) => alternatives((world.devices[d] as unknown as Record<string, unknown>)[field]).some((alt) =>
        [base, null].indexOf(fingerprintOf({ ...world, devices: { ...world.devices, [d]: { ...world.devices[d], [field]: alt } } })) < 0));
      expect(changes, `devices.${field} does not reach the fingerprint`).toBe(true);
    });
  }

  it('the abstracted fields are what they claim: ip and asn follow the network in every transfer token', () => {
    for (const t of world.transferTokens) {
      const n = setting.population.networks.find((x) => x.name === t.network)!;
      expect([t.ip, t.asn]).toEqual([n.ip, n.asn]);
    }
    expect(['ip', 'asn'].every((f) => Object.keys(world.transferTokens[0]).includes(f))).toBe(true);
  });

  it('the abstracted fields are what they claim: a refresh token is native exactly when its clientId is the native app\'s', () => {
    expect(world.refreshTokens.some((t) => t.client === 'native')).toBe(true);
    for (const t of world.refreshTokens) expect(t.client === 'native').toBe(t.clientId === NATIVE_CLIENT_ID);
  });
});
