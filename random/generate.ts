// random/generate.ts: random event sequences drawn from what exists in the world at each step.
// A sequence is a list of *choices* (small tuples of numbers) that fast-check generates and shrinks; each
// choice is decoded against the world as it stands, so every decoded event names an artifact that
// exists (mint from a refresh token that was issued, present a transfer token that was minted, ...).
// Shrinking a choice towards 0 makes it pick the first, plainest option, and dropping a choice drops a
// step; the decoding keeps any shrunk list meaningful. Weights favour the deep situations: redemptions
// right after a mint, from the minting device, then revocations of the parent.
import { refusedByCapabilities } from '../machines/attacker.js';
import fc from 'fast-check';
import { refreshTokenLifetimes, webApps, type Config } from '../machines/config.js';
import { eventClient, type EventType, type ModelEvent } from '../machines/events.js';
import type { Setting } from '../machines/setting.js';
import { indexOfId, type World } from '../machines/world.js';

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

export function sequenceArbitrary(maxSteps: number): fc.Arbitrary<Sequence> {
  // Shrinking drops steps (a minimal sequence is one no step can be removed from); it does not shrink the
  // numbers inside a choice or the mask: that would only pick plainer options for the same steps, at a
  // large share of a whole check's time.
  return fc.tuple(fc.noShrink(fc.nat((1 << SWARM_KINDS.length) - 1)), fc.array(fc.noShrink(choiceArbitrary), { minLength: 1, maxLength: maxSteps })) as fc.Arbitrary<Sequence>;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
/** The most recent items are the likeliest: half the draws take the last one. */
const pickRecent = <T>(list: readonly T[], n: number): T => (n % 2 === 0 ? list[list.length - 1] : list[(n >> 1) % list.length]);
const chance = (n: number, percent: number) => n % 100 < percent;

/** The generator's kinds: the event kinds, with /authorize without a token drawn on its own. */
type Kind = EventType | 'AUTHORIZE_PLAIN';

/** What the weights read of the world, computed once per draw. */
interface Facts {
  setting: Setting;
  w: World;
  rts: number;
  /** a refresh token not revoked exists */
  active: boolean;
  /** a transfer token not yet used exists */
  pending: boolean;
}

interface KindGenerator {
  /** swarm testing may switch the kind off for a whole sequence (secondary kinds) */
  readonly swarm: boolean;
  /** an integer weight for the world as it stands; 0 when the kind names something that does not exist */
  readonly weight: (f: Facts) => number;
  /** an event of this kind valid in the world, from the choice's numbers */
  readonly decode: (setting: Setting, w: World, c: Choice) => ModelEvent;
}

const ownDevices = (setting: Setting, user: string) => setting.population.devices.filter((d) => d.owner === user);

const refreshTokenEvent = (type: 'MINT_TRANSFER_TOKEN' | 'REFRESH' | 'REVOKE_REFRESH_TOKEN') => (s: Setting, w: World, c: Choice): ModelEvent => {
  // N2: an online token of a live session, whose exchange or revocation the reading is about (only under N2,
  // so that other readings draw as they did)
  if (s.interpretations.N2 && chance(c[4], 40)) {
    const tied = w.refreshTokens.filter((t) => t.online && t.status === 'active' && t.session !== null && w.sessions[indexOfId(t.session)]?.status === 'active');
    if (tied.length > 0) return { type, refreshToken: pickRecent(tied, c[1]).id };
  }
  // a retired (rotated) token now and then: reuse detection, on every path that runs it, needs one presented
  const rotated = w.refreshTokens.filter((t) => t.status === 'rotated');
  if (rotated.length > 0 && chance(c[3], 20)) return { type, refreshToken: pickRecent(rotated, c[1]).id };
  // a mint from a web token whose session is linked to a family, however the link came (A6 links one
  // late): the nesting ban (R7, R8) is tried on each of them
  if (type === 'MINT_TRANSFER_TOKEN' && chance(c[3], 45)) {
    const linked = w.refreshTokens.filter((t) => t.session !== null && t.status === 'active' && w.sessions[indexOfId(t.session)]?.parent != null);
    if (linked.length > 0) return { type, refreshToken: pickRecent(linked, c[1]).id };
  }
  const live = w.refreshTokens.filter((t) => t.status !== 'revoked');
  const pool = live.length > 0 && !chance(c[2], 15) ? live : w.refreshTokens;
  return { type, refreshToken: pickRecent(pool, c[1]).id };
};

/**
 * One entry per kind, keyed by kind (a kind added to the model does not compile until it has one); the
 * table's order is the order of the weights a draw walks, so it is part of what a seed reproduces.
 * Weights favour the deep situations: redemptions right after a mint, from the minting device, then
 * revocations of the parent.
 */
/**
 * The amounts time moves by: around the TTL, and each bound of MODEL.md §8 the configuration sets, exactly
 * and one second short (the session and refresh-token lifetimes, however long, and the leeway), so that
 * expiry and the leeway's edge come up often whatever the configuration. Cached per configuration.
 */
const stepsOf = new WeakMap<Config, number[]>();
function timeSteps(c: Config): number[] {
  let steps = stepsOf.get(c);
  if (steps) return steps;
  const ttl = c.transferTokenTtlSeconds;
  const clients = [c.native, ...webApps(c).map((a) => a.settings)];
  const bounds = [c.sessionLifetimeSeconds, c.idleSessionLifetimeSeconds, ...clients.map((x) => x.leeway),
    ...clients.flatMap((x) => { const l = refreshTokenLifetimes(x); return [l.absolute ?? 0, l.idle ?? 0]; })];
  steps = [...new Set([ttl, Math.max(1, ttl - 1), 1, Math.max(1, Math.floor(ttl / 2)), ...bounds.filter((b) => b > 0).flatMap((b) => [b, Math.max(1, b - 1)])])];
  stepsOf.set(c, steps);
  return steps;
}

/**
 * MODEL.md §8: the web app an /authorize or web login is for: with one web app none is named (so a
 * one-app configuration draws as before); with several, half the draws name a later one.
 */
function clientOf(setting: Setting, n: number): { client?: string } {
  const more = setting.config.moreWeb;
  return more.length === 0 || n % 2 === 0 ? {} : { client: pick(more, n >> 1).clientId };
}

const GENERATORS: { readonly [K in Kind]: KindGenerator } = {
  NATIVE_LOGIN: {
    swarm: false,
    weight: (f) => (f.rts === 0 ? 30 : f.rts < 4 ? 6 : 1),
    decode: (setting, _w, c) => {
      const { users, devices } = setting.population;
      const user = pick(users, c[1]).name;
      const own = ownDevices(setting, user);
      const device = own.length > 0 && !chance(c[3], 10) ? pick(own, c[2]).name : pick(devices, c[2]).name;
      return chance(c[4], 15) ? { type: 'NATIVE_LOGIN', user, device, organization: 'org-a' } : { type: 'NATIVE_LOGIN', user, device };
    },
  },
  MINT_TRANSFER_TOKEN: { swarm: false, weight: (f) => (f.active ? 24 : f.rts > 0 ? 3 : 0), decode: refreshTokenEvent('MINT_TRANSFER_TOKEN') },
  AUTHORIZE: {
    swarm: false,
    weight: (f) => (f.pending ? 36 : f.w.transferTokens.length > 0 ? 6 : 0),
    decode: (setting, w, c) => {
      const { devices } = setting.population;
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
      const client = clientOf(setting, c[5] >> 8);
      const allowed = eventClient(setting, client).allowedAuthenticationMethods;
      const method = allowed.length > 0 && !chance(c[3], 15) ? pick(allowed, c[3] >> 7) : pick(['cookie', 'query'] as const, c[3] >> 7);
      // mostly the token's own organization; sometimes the other side of A24's asymmetry
      const organization = chance(c[4], 10) ? (stt.organization === null ? 'org-a' : null) : stt.organization;
      const make = (d: string, m: 'cookie' | 'query'): ModelEvent => ({
        type: 'AUTHORIZE', device: d, transferToken: stt.id, method: m,
        ...(organization !== null ? { organization } : {}), ...(chance(c[4] >> 7, 40) ? { offlineAccess: true } : {}), ...client,
      });
      // MODEL.md §10: what the attacker cannot make happen is turned into what he can: the other method
      // (his token reaches a victim's browser by a link), else the minting device, which always may
      const e = make(device, method);
      if (refusedByCapabilities(setting.attacker, w, e) === null) return e;
      const other = make(device, method === 'cookie' ? 'query' : 'cookie');
      return refusedByCapabilities(setting.attacker, w, other) === null ? other : make(stt.device, method);
    },
  },
  AUTHORIZE_PLAIN: {
    swarm: true,
    // SSO into a session restarts its idle timer (LT2): most often in a browser that holds one
    weight: () => 4,
    decode: (setting, w, c) => {
      const holding = setting.population.devices.filter((d) => w.devices[d.name].session !== null);
      const e: ModelEvent = { type: 'AUTHORIZE', device: pick(holding.length > 0 && chance(c[3], 60) ? holding : setting.population.devices, c[1]).name };
      if (chance(c[2], 40)) e.offlineAccess = true;
      return { ...e, ...clientOf(setting, c[5]) };
    },
  },
  WEB_LOGIN: {
    swarm: true,
    // a web login's refresh token is how a web app with can_create mints
    weight: (f) => (f.setting.config.web.canCreateSessionTransferToken || f.setting.config.moreWeb.some((a) => a.settings.canCreateSessionTransferToken) ? 10 : 4),
    decode: (setting, _w, c) => {
      const device = pick(setting.population.devices, c[1]);
      const user = chance(c[2], 75) ? device.owner : pick(setting.population.users, c[2] >> 7).name;
      const client = clientOf(setting, c[5]);
      return chance(c[3], 60) ? { type: 'WEB_LOGIN', device: device.name, user, offlineAccess: true, ...client } : { type: 'WEB_LOGIN', device: device.name, user, ...client };
    },
  },
  // N2: a refresh of an online token is what the reading is about (a mint of one is a nested transfer)
  REFRESH: { swarm: true, weight: (f) => (f.rts === 0 ? 0 : f.setting.interpretations.N2 && f.w.refreshTokens.some((t) => t.online && t.status === 'active') ? 20 : 5), decode: refreshTokenEvent('REFRESH') },
  REVOKE_REFRESH_TOKEN: { swarm: true, weight: (f) => (f.rts > 0 ? 7 : 0), decode: refreshTokenEvent('REVOKE_REFRESH_TOKEN') },
  REVOKE_SESSION: {
    swarm: true,
    // A19: an administrator's revocation is a step of its own only under A19 = always, and drawn often there
    weight: (f) => (f.w.sessions.length === 0 ? 0 : f.setting.interpretations.A19 === 'always' ? 14 : 7),
    decode: (s, w, c) => {
      const active = w.sessions.filter((x) => x.status === 'active');
      if (s.interpretations.A19 === 'always' && chance(c[3], 50)) {
        // most often a session that holds refresh tokens, which the reading is about
        const holding = active.filter((x) => w.refreshTokens.some((t) => t.session === x.id && t.status !== 'revoked'));
        return { type: 'REVOKE_SESSION', session: pickRecent(holding.length > 0 && !chance(c[2], 20) ? holding : active.length > 0 ? active : w.sessions, c[1]).id, by: 'admin' };
      }
      return { type: 'REVOKE_SESSION', session: pickRecent(active.length > 0 && !chance(c[2], 10) ? active : w.sessions, c[1]).id };
    },
  },
  ADVANCE_TIME: {
    swarm: true,
    // each lifetime the configuration sets is among the amounts (timeSteps), so expiry comes often; under
    // N2, time between an online token's issue and its exchange is what shows the session extended
    weight: (f) => (f.setting.interpretations.N2 && f.w.refreshTokens.some((t) => t.online && t.status === 'active') ? 12 : 4),
    decode: (setting, _w, c) => ({ type: 'ADVANCE_TIME', seconds: pick(timeSteps(setting.config), c[1]) }),
  },
  MOVE_DEVICE: {
    swarm: true,
    // joining the minting network is what lets a stranger pass device binding: likelier while a token is pending
    weight: (f) => (f.pending ? 14 : 5),
    decode: (setting, w, c) => {
      const { devices, networks } = setting.population;
      // most often a device joins the network a pending transfer token was minted on (so that binding
      // lets a stranger through), or another device's network
      const pending = w.transferTokens.filter((t) => t.status === 'issued');
      if (pending.length > 0 && chance(c[3], 60)) {
        const stt = pickRecent(pending, c[1]);
        const others = devices.filter((d) => d.name !== stt.device);
        return { type: 'MOVE_DEVICE', device: pick(others.length ? others : devices, c[2]).name, network: stt.network };
      }
      const device = pick(devices, c[1]).name;
      const others = devices.filter((d) => d.name !== device).map((d) => w.devices[d.name].network);
      const network = others.length > 0 && chance(c[3] >> 7, 60) ? pick(others, c[2]) : pick(networks, c[2]).name;
      return { type: 'MOVE_DEVICE', device, network };
    },
  },
};

const KINDS = Object.keys(GENERATORS) as Kind[];
const TABLE: readonly KindGenerator[] = KINDS.map((k) => GENERATORS[k]);
/** The kinds swarm testing may switch off, each with its bit in a sequence's mask. */
const SWARM_KINDS: readonly Kind[] = KINDS.filter((k) => GENERATORS[k].swarm);
const SWARM_BIT = KINDS.map((k) => SWARM_KINDS.indexOf(k));
// (filled in place on every decode: decoding is the random engine's hot path)
const WEIGHTS = new Int32Array(KINDS.length);
const FACTS: Facts = { setting: undefined as unknown as Setting, w: undefined as unknown as World, rts: 0, active: false, pending: false };

/** Fills WEIGHTS for the world as it stands, less the kinds the swarm mask switched off; returns their sum. */
function weigh(setting: Setting, w: World, mask: number): number {
  const f = FACTS;
  f.setting = setting;
  f.w = w;
  f.rts = w.refreshTokens.length;
  f.active = w.refreshTokens.some((t) => t.status !== 'revoked');
  f.pending = w.transferTokens.some((t) => t.status === 'issued');
  let total = 0;
  for (let k = 0; k < TABLE.length; k++) {
    const x = mask !== 0 && SWARM_BIT[k] >= 0 && (mask & (1 << SWARM_BIT[k])) !== 0 ? 0 : TABLE[k].weight(f);
    WEIGHTS[k] = x;
    total += x;
  }
  return total;
}

/** The kinds a generator draws (for tests: every event kind is among them). */
export const GENERATED_KINDS: readonly EventType[] = [...new Set(KINDS.map((k) => (k === 'AUTHORIZE_PLAIN' ? 'AUTHORIZE' : k)))];

/** Decodes one choice into an event valid in world `w`. */
export function decodeChoice(setting: Setting, w: World, c: Choice, mask = 0): ModelEvent {
  let r = c[0] % weigh(setting, w, mask);
  let kind = 0;
  for (let k = 0; k < TABLE.length; k++) {
    if (r < WEIGHTS[k]) { kind = k; break; }
    r -= WEIGHTS[k];
  }
  return TABLE[kind].decode(setting, w, c);
}
