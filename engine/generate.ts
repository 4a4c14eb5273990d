// engine/generate.ts: random event sequences drawn from what exists in the world at each step.
// A sequence is a list of *choices* (small tuples of numbers) that fast-check generates and shrinks; each
// choice is decoded against the world as it stands, so every decoded event names an artifact that
// exists (mint from a refresh token that was issued, present a transfer token that was minted, ...).
// Shrinking a choice towards 0 makes it pick the first, plainest option, and dropping a choice drops a
// step; the decoding keeps any shrunk list meaningful. Weights favour the deep situations: redemptions
// right after a mint, from the minting device, then revocations of the parent.
import fc from 'fast-check';
import type { ModelEvent } from '../machines/events.js';
import type { Setting } from '../machines/setting.js';
import type { World } from '../machines/world.js';

export type Choice = readonly [number, number, number, number, number, number];
const CHOICE_MAX = 0xffff;

export const choiceArbitrary: fc.Arbitrary<Choice> = fc.tuple(
  fc.nat(CHOICE_MAX), fc.nat(CHOICE_MAX), fc.nat(CHOICE_MAX), fc.nat(CHOICE_MAX), fc.nat(CHOICE_MAX), fc.nat(CHOICE_MAX),
);

export function sequenceArbitrary(maxSteps: number): fc.Arbitrary<Choice[]> {
  return fc.array(choiceArbitrary, { minLength: 1, maxLength: maxSteps }) as fc.Arbitrary<Choice[]>;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
/** The most recent items are the likeliest: half the draws take the last one. */
const pickRecent = <T>(list: readonly T[], n: number): T => (n % 2 === 0 ? list[list.length - 1] : list[(n >> 1) % list.length]);
const chance = (n: number, percent: number) => n % 100 < percent;

type Kind = ModelEvent['type'] | 'AUTHORIZE_PLAIN';

/** Integer weights per event kind for the world as it stands. */
function weights(w: World): [Kind, number][] {
  const rts = w.refreshTokens.length;
  const active = w.refreshTokens.some((t) => t.status !== 'revoked');
  const pending = w.transferTokens.some((t) => t.status === 'issued');
  const sessions = w.sessions.length;
  return [
    ['NATIVE_LOGIN', rts === 0 ? 30 : rts < 4 ? 6 : 1],
    ['MINT_TRANSFER_TOKEN', active ? 24 : rts > 0 ? 3 : 0],
    ['AUTHORIZE', pending ? 36 : w.transferTokens.length > 0 ? 6 : 0],
    ['AUTHORIZE_PLAIN', 4],
    ['WEB_LOGIN', 4],
    ['REFRESH', rts > 0 ? 5 : 0],
    ['REVOKE_REFRESH_TOKEN', rts > 0 ? 7 : 0],
    ['REVOKE_SESSION', sessions > 0 ? 7 : 0],
    ['ADVANCE_TIME', 4],
    ['MOVE_DEVICE', 5],
  ];
}

/** Decodes one choice into an event valid in world `w`. */
export function decodeChoice(setting: Setting, w: World, c: Choice): ModelEvent {
  const table = weights(w);
  const total = table.reduce((s, [, x]) => s + x, 0);
  let r = c[0] % total;
  let kind: Kind = table[0][0];
  for (const [k, x] of table) {
    if (r < x) { kind = k; break; }
    r -= x;
  }
  const { users, devices, networks } = setting.population;
  const ownDevices = (user: string) => devices.filter((d) => d.owner === user);
  switch (kind) {
    case 'NATIVE_LOGIN': {
      const user = pick(users, c[1]).name;
      const own = ownDevices(user);
      const device = own.length > 0 && !chance(c[3], 10) ? pick(own, c[2]).name : pick(devices, c[2]).name;
      return chance(c[4], 15) ? { type: kind, user, device, organization: 'org-a' } : { type: kind, user, device };
    }
    case 'MINT_TRANSFER_TOKEN':
    case 'REFRESH':
    case 'REVOKE_REFRESH_TOKEN': {
      const live = w.refreshTokens.filter((t) => t.status !== 'revoked');
      const pool = live.length > 0 && !chance(c[2], 15) ? live : w.refreshTokens;
      return { type: kind, refreshToken: pickRecent(pool, c[1]).id };
    }
    case 'AUTHORIZE': {
      const issued = w.transferTokens.filter((t) => t.status === 'issued');
      const stt = pickRecent(issued.length > 0 && !chance(c[5], 15) ? issued : w.transferTokens, c[1]);
      const device = chance(c[2], 50) ? stt.device : pick(devices, c[2] >> 7).name;
      const allowed = setting.config.web.allowedAuthenticationMethods;
      const method = allowed.length > 0 && !chance(c[3], 15) ? pick(allowed, c[3] >> 7) : pick(['cookie', 'query'] as const, c[3] >> 7);
      // mostly the token's own organization; sometimes the other side of A24's asymmetry
      const organization = chance(c[4], 10) ? (stt.organization === null ? 'org-a' : null) : stt.organization;
      return {
        type: 'AUTHORIZE', device, transferToken: stt.id, method,
        ...(organization !== null ? { organization } : {}), ...(chance(c[4] >> 7, 40) ? { offlineAccess: true } : {}),
      };
    }
    case 'AUTHORIZE_PLAIN': {
      const e: ModelEvent = { type: 'AUTHORIZE', device: pick(devices, c[1]).name };
      if (chance(c[2], 40)) e.offlineAccess = true;
      return e;
    }
    case 'WEB_LOGIN': {
      const device = pick(devices, c[1]);
      const user = chance(c[2], 75) ? device.owner : pick(users, c[2] >> 7).name;
      return chance(c[3], 50) ? { type: kind, device: device.name, user, offlineAccess: true } : { type: kind, device: device.name, user };
    }
    case 'REVOKE_SESSION': {
      const active = w.sessions.filter((s) => s.status === 'active');
      return { type: kind, session: pickRecent(active.length > 0 && !chance(c[2], 10) ? active : w.sessions, c[1]).id };
    }
    case 'ADVANCE_TIME': {
      const ttl = setting.config.transferTokenTtlSeconds;
      return { type: kind, seconds: pick([ttl, Math.max(1, ttl - 1), 1, Math.max(1, Math.floor(ttl / 2))], c[1]) };
    }
    case 'MOVE_DEVICE': {
      // a device most often joins another device's network: that is what makes binding matter
      const device = pick(devices, c[1]).name;
      const others = devices.filter((d) => d.name !== device).map((d) => w.devices[d.name].network);
      const network = others.length > 0 && chance(c[3], 60) ? pick(others, c[2]) : pick(networks, c[2]).name;
      return { type: kind, device, network };
    }
  }
}
