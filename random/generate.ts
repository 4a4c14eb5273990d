// random/generate.ts: random event sequences drawn from what exists in the world at each step.
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

/**
 * A sequence: a swarm mask and the choices. Swarm testing: each sequence switches off a random subset of
 * the secondary event kinds (bit set = off), so that some sequences spend all their steps on the few
 * kinds a deep situation needs.
 */
export type Sequence = [mask: number, choices: Choice[]];
const SWARM_KINDS: readonly Kind[] = ['AUTHORIZE_PLAIN', 'WEB_LOGIN', 'REFRESH', 'REVOKE_REFRESH_TOKEN', 'REVOKE_SESSION', 'ADVANCE_TIME', 'MOVE_DEVICE'];

export function sequenceArbitrary(maxSteps: number): fc.Arbitrary<Sequence> {
  // Shrinking drops steps (a minimal sequence is one no step can be removed from); it does not shrink the
  // numbers inside a choice or the mask: that would only pick plainer options for the same steps, and
  // it cost two thirds of a whole check's time (measured with --cpu-prof).
  return fc.tuple(fc.noShrink(fc.nat((1 << SWARM_KINDS.length) - 1)), fc.array(fc.noShrink(choiceArbitrary), { minLength: 1, maxLength: maxSteps })) as fc.Arbitrary<Sequence>;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
/** The most recent items are the likeliest: half the draws take the last one. */
const pickRecent = <T>(list: readonly T[], n: number): T => (n % 2 === 0 ? list[list.length - 1] : list[(n >> 1) % list.length]);
const chance = (n: number, percent: number) => n % 100 < percent;

type Kind = ModelEvent['type'] | 'AUTHORIZE_PLAIN';

// The event kinds in the order of the weights table, and each one's swarm bit (-1: never switched off).
const KINDS: readonly Kind[] = [
  'NATIVE_LOGIN', 'MINT_TRANSFER_TOKEN', 'AUTHORIZE', 'AUTHORIZE_PLAIN', 'WEB_LOGIN', 'REFRESH', 'REVOKE_REFRESH_TOKEN',
  'REVOKE_SESSION', 'ADVANCE_TIME', 'MOVE_DEVICE',
];
const SWARM_BIT = KINDS.map((k) => SWARM_KINDS.indexOf(k));
// (filled in place on every decode: decoding is the random engine's hot path, and a fresh table of
// tuples per step cost about as much as the model's step)
const WEIGHTS = new Int32Array(KINDS.length);

/** Fills WEIGHTS with integer weights per kind for the world as it stands, less the kinds the swarm mask switched off; returns their sum. */
function weigh(setting: Setting, w: World, mask: number): number {
  const rts = w.refreshTokens.length;
  const active = w.refreshTokens.some((t) => t.status !== 'revoked');
  const pending = w.transferTokens.some((t) => t.status === 'issued');
  const x = WEIGHTS;
  x[0] = rts === 0 ? 30 : rts < 4 ? 6 : 1; // NATIVE_LOGIN
  x[1] = active ? 24 : rts > 0 ? 3 : 0; // MINT_TRANSFER_TOKEN
  x[2] = pending ? 36 : w.transferTokens.length > 0 ? 6 : 0; // AUTHORIZE with a token
  x[3] = 4; // AUTHORIZE_PLAIN
  // a web login's refresh token is how a web app with can_create mints
  x[4] = setting.config.web.canCreateSessionTransferToken ? 10 : 4; // WEB_LOGIN
  x[5] = rts > 0 ? 5 : 0; // REFRESH
  x[6] = rts > 0 ? 7 : 0; // REVOKE_REFRESH_TOKEN
  x[7] = w.sessions.length > 0 ? 7 : 0; // REVOKE_SESSION
  x[8] = 4; // ADVANCE_TIME
  // joining the minting network is what lets a stranger pass device binding: likelier while a token is pending
  x[9] = pending ? 14 : 5; // MOVE_DEVICE
  let total = 0;
  for (let k = 0; k < x.length; k++) {
    if (mask !== 0 && SWARM_BIT[k] >= 0 && (mask & (1 << SWARM_BIT[k])) !== 0) x[k] = 0;
    total += x[k];
  }
  return total;
}

/** Decodes one choice into an event valid in world `w`. */
export function decodeChoice(setting: Setting, w: World, c: Choice, mask = 0): ModelEvent {
  let r = c[0] % weigh(setting, w, mask);
  let kind: Kind = KINDS[0];
  for (let k = 0; k < KINDS.length; k++) {
    if (r < WEIGHTS[k]) { kind = KINDS[k]; break; }
    r -= WEIGHTS[k];
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
      // the minting device, a device of someone else (theft, injection), a browser with no session, or a
      // device now on the minting network (where binding lets it through)
      const pools = [
        devices.filter((d) => d.name === stt.device),
        devices.filter((d) => d.owner !== stt.user),
        devices.filter((d) => w.devices[d.name].session === null),
        devices.filter((d) => w.devices[d.name].network === stt.network),
      ];
      const pool = pools[c[2] % pools.length];
      const device = pick(pool.length > 0 ? pool : devices, c[2] >> 2).name;
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
      return chance(c[3], 60) ? { type: kind, device: device.name, user, offlineAccess: true } : { type: kind, device: device.name, user };
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
      // most often a device joins the network a pending transfer token was minted on (so that binding
      // lets a stranger through), or another device's network
      const pending = w.transferTokens.filter((t) => t.status === 'issued');
      if (pending.length > 0 && chance(c[3], 60)) {
        const stt = pickRecent(pending, c[1]);
        const others = devices.filter((d) => d.name !== stt.device);
        return { type: kind, device: pick(others.length ? others : devices, c[2]).name, network: stt.network };
      }
      const device = pick(devices, c[1]).name;
      const others = devices.filter((d) => d.name !== device).map((d) => w.devices[d.name].network);
      const network = others.length > 0 && chance(c[3] >> 7, 60) ? pick(others, c[2]) : pick(networks, c[2]).name;
      return { type: kind, device, network };
    }
  }
}
