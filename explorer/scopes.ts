// explorer/scopes.ts: the named scopes of the exhaustive explorer (TLA+ habit: every bound in a named
// scope, each with the reason it has that value). A scope is two things:
//  - the event alphabet: which users, devices, networks, organizations, methods, offline_access values,
//    time steps and moves the explorer tries at each world (events naming artifacts range over every
//    artifact that exists: every refresh token, transfer token, session);
//  - the bounds: how many artifacts of each kind a world may hold (a state constraint, as TLC's
//    CONSTRAINT: a transition to a world outside the bounds is not part of the scope and is dropped),
//    and the depth (number of events from the initial world).
// A verdict is always "no violation up to depth K in scope S", never "verified".
import { refreshTokenLifetimes, type Config, type Method } from '../machines/config.js';
import type { EventType } from '../machines/events.js';
import { DEFAULT_POPULATION, type Population } from '../machines/world.js';

/**
 * An ADVANCE_TIME amount: seconds, or a bound of the configuration explored: the transfer-token TTL (or one
 * second less), the first of the tenant's two session lifetimes, the first of each client's refresh-token
 * lifetimes where they apply, each client's rotation leeway where set (MODEL.md §2). A bound is a step of its own, so that the verdict is
 * about the configuration's real lifetimes, however long, and not about shortened ones.
 */
export type TimeStep = number | 'ttl' | 'ttl-1' | 'session-end' | 'token-end' | 'leeway';

/** The seconds a time step stands for under a configuration (none where the bound does not apply). */
export function timeStepSeconds(t: TimeStep, c: Config): number[] {
  const ttl = c.transferTokenTtlSeconds;
  const clients = [c.native, c.web];
  const present = (xs: (number | null)[]) => [...new Set(xs.filter((x): x is number => x !== null && x > 0))];
  switch (t) {
    case 'ttl': return [ttl];
    case 'ttl-1': return [Math.max(1, ttl - 1)];
    // the first bound a session or token meets when nothing happens to it
    case 'session-end': return [Math.min(c.sessionLifetimeSeconds, c.idleSessionLifetimeSeconds)];
    case 'token-end': return present(clients.map((x) => {
      const { absolute, idle } = refreshTokenLifetimes(x);
      return absolute === null ? idle : idle === null ? absolute : Math.min(absolute, idle);
    }));
    case 'leeway': return present(clients.map((x) => x.leeway));
    default: return [t];
  }
}

/** What the explorer tries of each event kind at each world. */
export interface AlphabetOf {
  /** who signs in to the native app on which device (organization optional) */
  readonly NATIVE_LOGIN: readonly { readonly user: string; readonly device: string; readonly organization?: string }[];
  /** a mint from every refresh token that exists */
  readonly MINT_TRANSFER_TOKEN: boolean;
  /** browsers that call /authorize, with each existing transfer token and without one */
  readonly AUTHORIZE: {
    readonly devices: readonly string[];
    /** methods a transfer token is sent by */
    readonly methods: readonly Method[];
    /** the organization asked with a transfer token; null = none */
    readonly organizations: readonly (string | null)[];
    readonly offlineAccess: readonly boolean[];
  };
  /** who signs in interactively in which browser */
  readonly WEB_LOGIN: { readonly logins: readonly { readonly user: string; readonly device: string }[]; readonly offlineAccess: readonly boolean[] };
  /** a refresh-token grant with every refresh token that exists */
  readonly REFRESH: boolean;
  readonly REVOKE_REFRESH_TOKEN: boolean;
  /** a logout of every session that exists */
  readonly REVOKE_SESSION: boolean;
  readonly ADVANCE_TIME: readonly TimeStep[];
  /** device moves (a move to the network the device is on is skipped: it changes nothing) */
  readonly MOVE_DEVICE: readonly { readonly device: string; readonly network: string }[];
}
/** Keyed by event kind: a kind added to the model does not compile until AlphabetOf, and so every scope, says what to try. */
export type ScopeAlphabet = { readonly [T in EventType]: AlphabetOf[T] };

export interface ScopeBounds {
  /** native refresh-token families (= NATIVE_LOGIN events that happened) */
  readonly nativeLogins: number;
  /** transfer tokens minted */
  readonly mints: number;
  /** sessions created by an interactive WEB_LOGIN */
  readonly webLogins: number;
  /** refresh tokens of all kinds (native, rotated successors, web) */
  readonly refreshTokens: number;
}

export interface Scope {
  readonly name: string;
  readonly description: string;
  readonly population: Population;
  /** maximum number of events from the initial world */
  readonly depth: number;
  readonly bounds: ScopeBounds;
  readonly alphabet: ScopeAlphabet;
}

const everyUserOnEveryDevice = (p: Population) => p.users.flatMap((u) => p.devices.map((d) => ({ user: u.name, device: d.name })));
const deviceNames = (p: Population) => p.devices.map((d) => d.name);

/**
 * `smoke`: CI. Small enough for one configuration to run in a few hundred milliseconds, large enough
 * that every security goal that fails in some configuration fails here too (each needs at most
 * login, mint, one redemption and one revocation or move), so the agreement test with the random
 * engine means something.
 */
export const SMOKE: Scope = {
  name: 'smoke',
  description: 'default world; alice and mallory each sign in natively once on their phone; one mint; depth 5',
  population: DEFAULT_POPULATION,
  // 5 = login, mint, redeem, revoke, re-present: the longest of the goal counterexamples (no-orphans
  // needs login, mint, redeem, revoke; single-use needs a second presentation).
  depth: 5,
  bounds: {
    // one per user: login CSRF and theft need a token of each side, never two of the same user
    nativeLogins: 2,
    // one token is enough for every check at /authorize (expiry, reuse, binding, organization, user)
    mints: 1,
    // one interactive login: a session of another user in the victim's browser (user mismatch)
    webLogins: 1,
    // two native + one web (offline_access after a transfer) or one rotated successor
    refreshTokens: 3,
  },
  alphabet: {
    NATIVE_LOGIN: [{ user: 'alice', device: 'alice-phone' }, { user: 'mallory', device: 'mallory-phone' }],
    MINT_TRANSFER_TOKEN: true,
    AUTHORIZE: {
      devices: deviceNames(DEFAULT_POPULATION),
      methods: ['cookie', 'query'],
      // null matches a token minted without organization; 'org-a' is the mismatch (A24)
      organizations: [null, 'org-a'],
      offlineAccess: [false, true],
    },
    WEB_LOGIN: { logins: everyUserOnEveryDevice(DEFAULT_POPULATION), offlineAccess: [false, true] },
    REFRESH: true,
    REVOKE_REFRESH_TOKEN: true,
    REVOKE_SESSION: true,
    // only 'ttl': the rules observe an age only through `age >= TTL` (canonical.ts), so one step of a
    // whole TTL reaches every distinction a finer step could, for tokens minted at the same instant
    ADVANCE_TIME: ['ttl'],
    // the attacker joins the victim's home network (defeats ip binding); alice's phone goes mobile
    // (another ASN: defeats asn binding for her own tokens)
    MOVE_DEVICE: [{ device: 'mallory-phone', network: 'home' }, { device: 'alice-phone', network: 'mobile' }],
  },
};

/**
 * `default`: the default world of MODEL.md §1. Bounds chosen so that every reason code and every
 * /authorize outcome row of the coverage (properties/coverage.ts) is reached in a configuration and
 * interpretation where it can happen at all (explore.test.ts checks this over three configurations).
 */
export const DEFAULT: Scope = {
  name: 'default',
  description: 'default world; two native logins, two mints, one web login, up to 4 refresh tokens; moves both ways; depth 6',
  population: DEFAULT_POPULATION,
  // 6: the longest path to a reason code or outcome row is 4 events (login, mint, redeem with
  // offline_access, mint again: nested_transfer_forbidden; login, mint, revoke, present:
  // parent_refresh_token_revoked), plus 2 so that each can follow a move or a time step. The frontier
  // does not run dry within these artifact bounds (MOVE, ADVANCE_TIME and revocations recombine without
  // end: 0.88 million states at depth 10, still growing), so depth is the binding limit here.
  depth: 6,
  bounds: {
    // two families: one per user (theft, injection), or two of one user (a revocation of one family
    // must leave the other's artifacts alone: R28/A5)
    nativeLogins: 2,
    // two tokens: two live tokens of one family (A21), or one per user, or a re-mint after a revocation
    mints: 2,
    // one interactive login: a foreign session for user_mismatch, a login session for R28
    webLogins: 1,
    // 2 native + a rotated successor + a web token (nested transfer R7/R8 needs a transfer-born web
    // token next to its native parent; reuse detection needs a rotated one)
    refreshTokens: 4,
  },
  alphabet: {
    ...SMOKE.alphabet,
    // a whole TTL, and each lifetime and leeway the configuration sets (none where it sets none): the
    // bounds of MODEL.md §8 are then reached exactly, for the configuration's own values (canonical.ts
    // keeps each age only while its bound is within reach)
    ADVANCE_TIME: ['ttl', 'session-end', 'token-end', 'leeway'],
    // moves both ways, so that a device can come back to the network a token was minted on
    MOVE_DEVICE: [
      { device: 'mallory-phone', network: 'home' }, { device: 'mallory-phone', network: 'cafe' },
      { device: 'alice-phone', network: 'mobile' }, { device: 'alice-phone', network: 'home' },
    ],
  },
};

/**
 * `deep`: what a reviewer runs before a release, minutes not seconds. Alice may also sign in on her
 * laptop (so her two devices are interchangeable and device symmetry applies), native logins may ask
 * for an organization, time moves by 1 s and TTL-1 s as well (ages straddling the TTL), three mints.
 */
export const DEEP: Scope = {
  name: 'deep',
  description: 'default world; native logins on every own device, with and without organization; three mints; time steps 1, TTL-1, TTL; depth 8',
  population: DEFAULT_POPULATION,
  // 8: two full transfers (login, mint, redeem) with a revocation or move between; minutes, not seconds
  depth: 8,
  bounds: { nativeLogins: 2, mints: 3, webLogins: 2, refreshTokens: 5 },
  alphabet: {
    ...DEFAULT.alphabet,
    NATIVE_LOGIN: [
      { user: 'alice', device: 'alice-phone' }, { user: 'alice', device: 'alice-laptop' },
      { user: 'alice', device: 'alice-phone', organization: 'org-a' }, { user: 'alice', device: 'alice-laptop', organization: 'org-a' },
      { user: 'mallory', device: 'mallory-phone' }, { user: 'mallory', device: 'mallory-phone', organization: 'org-a' },
    ],
    // 1 and TTL-1 make ages straddle the TTL: canonical.ts then keeps each age exactly (capped at the TTL)
    ADVANCE_TIME: [1, 'ttl-1', ...DEFAULT.alphabet.ADVANCE_TIME],
    MOVE_DEVICE: [
      ...DEFAULT.alphabet.MOVE_DEVICE,
      { device: 'alice-laptop', network: 'mobile' }, { device: 'alice-laptop', network: 'home' },
    ],
  },
};

export const SCOPES: Readonly<Record<string, Scope>> = { smoke: SMOKE, default: DEFAULT, deep: DEEP };

export function scopeByName(name: string): Scope {
  const s = SCOPES[name];
  if (!s) throw new Error(`unknown scope "${name}"; expected one of ${Object.keys(SCOPES).join(', ')}`);
  return s;
}

/** A copy of a scope with other bounds or depth (the bench's growth tables, --depth). */
export function withBounds(scope: Scope, patch: Partial<ScopeBounds> & { depth?: number; name?: string }): Scope {
  const { depth, name, ...bounds } = patch;
  return { ...scope, name: name ?? scope.name, depth: depth ?? scope.depth, bounds: { ...scope.bounds, ...bounds } };
}
