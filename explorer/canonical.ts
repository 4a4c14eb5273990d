// explorer/canonical.ts: the canonical fingerprint of a world, for the explorer's visited set.
//
// What two worlds with one fingerprint share (so that exploring one of them is exploring both):
//
// 1. Artifact ids renamed. Ids are creation counters (rt1, stt1, s1 ...), so the same artifacts made in
//    another order carry other ids: alice then mallory signing in gives rt1/rt2 one way, rt2/rt1 the
//    other. The model never compares ids except for equality (lineage links, the device cookie) and
//    never orders by them in a way a world or a verdict can see (loops over artifacts only change the
//    order of ids inside an observation's lists), and new ids are `length + 1` per kind. So a world
//    whose ids are permuted within each kind, links renamed alike, behaves the same, event for renamed
//    event, and every property gives the same verdict. The fingerprint hashes the world after renaming
//    each kind in a canonical order: artifacts sorted by a structural key (own fields plus the keys of
//    what they link to, recursively), ties kept in creation order.
//    Sound by construction: the fingerprint is a hash of a *renamed copy of the whole world*, so equal
//    fingerprints mean isomorphic worlds (up to hash collisions, below). Canonicity is best effort: two
//    isomorphic worlds may still get two fingerprints when artifacts tie on the structural key but
//    differ in what links to them; that costs a duplicate state, never a lost one.
//
// 2. The clock abstracted. The rules read the clock only as a transfer token's age, `clock - issuedAt`,
//    and only through `age >= TTL` (tenant.logic.ts: 'transfer token not found or expired?',
//    advanceClock's EXPIRE; properties/property.ts: `fresh`, and no-replay / transfer-token-expiry
//    compare the same way); a new token gets `issuedAt = clock`, age 0. Ages only grow, so what the
//    future can observe of a token is its age capped at the TTL: min(age, TTL) is exact (a
//    bisimulation) for any time steps. When every ADVANCE_TIME step of the scope is >= TTL (smoke,
//    default), ages take two values only: 0 and TTL, "below" and "at/above". With smaller steps (deep:
//    1 s, TTL-1 s) ages between are kept exactly, which those steps need: 59 s and 1 s differ one step later.
//    The absolute clock is dropped.
//    The lifetimes of MODEL.md §8 are read the same way, each through one `age >= bound` (or `age <
//    bound`, the leeway): a session's age against session_lifetime and its idle time against
//    idle_session_lifetime, a refresh token's family age against token_lifetime, its idle time against
//    idle_token_lifetime, and a rotated token's successor's age against the leeway. Each is kept capped at
//    its bound, only while its artifact can still be judged by it (an active session; an active or rotated
//    token), not at all when the scope's clock cannot reach the bound, and as one value FAR when it is so
//    far below the bound that only a step of the bound's size can carry it across (judgedAge), so that the
//    default lifetimes of days cost no more states than their expiry itself.
//
// 3. Symmetry over devices, when the scope makes them interchangeable: same owner, same starting
//    network, and an event alphabet that a swap of the two maps onto itself (deviceSymmetry below). The
//    fingerprint is then the least over every permutation of each class. Users are never interchangeable
//    in the default population: mallory is the attacker, and the goals read that flag; alice's phone and
//    laptop are interchangeable only in a scope where both run the native app (deep), not in smoke or
//    default, where only the phone does (MODEL.md §1).
//
// Collision risk. A fingerprint is 64 bits: two independent 32-bit murmur3-style lanes over the same
// word stream (different seeds, each finalised with fmix32). For n distinct states the chance that any
// two collide (birthday bound) is about n^2 / 2^65: 1e6 states -> 2.7e-8; 1e7 states -> 2.7e-6;
// 1e8 -> 2.7e-4. A collision would merge two states and could hide the worlds behind the second one;
// at the counts the scopes reach (expected.json, under 1e7) that is below one in 300,000.
import { NATIVE_CLIENT_ID, refreshTokenLifetimes, webApps, type ClientSettings } from '../machines/config.js';
import type { Setting } from '../machines/setting.js';
import type { DeviceState, Population, RefreshToken, Session, TransferToken, World } from '../machines/world.js';
import { timeStepSeconds, type Scope } from './scopes.js';

// ---------------------------------------------------------------------------------------------
// Hashing: two 32-bit lanes.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
let h1 = 0;
let h2 = 0;

function feed(w: number): void {
  let k = Math.imul(w | 0, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h1 ^= k;
  h1 = (h1 << 13) | (h1 >>> 19);
  h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  let j = Math.imul((w ^ 0x5bd1e995) | 0, 0x85ebca6b);
  j = (j << 17) | (j >>> 15);
  j = Math.imul(j, 0xc2b2ae35);
  h2 ^= j;
  h2 = (h2 << 11) | (h2 >>> 21);
  h2 = (Math.imul(h2, 9) + 0x2f2b9e1d) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit mix of a few small ints: the structural sort key (collisions only cost canonicity). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return (h ^ (h >>> 13)) | 0;
}

export interface Fingerprint { lo: number; hi: number }

// ---------------------------------------------------------------------------------------------
// Symmetry.

/**
 * The classes of interchangeable devices in a scope: same owner, same starting network, and the
 * scope's alphabet (native logins, web logins, /authorize devices, moves) unchanged by swapping any two
 * of a class. Transpositions generate the symmetric group, so pairwise checks suffice.
 */
export function deviceSymmetry(scope: Scope, population: Population = scope.population): string[][] {
  // the devices of the world explored (the setting's), not only the scope's: a custom world may differ
  const devices = population.devices;
  const a = scope.alphabet;
  const swapped = (x: string, p: string, q: string) => (x === p ? q : x === q ? p : x);
  const invariant = (p: string, q: string) =>
    setEq(a.NATIVE_LOGIN.map((n) => `${n.user}|${n.device}|${n.organization ?? ''}`), a.NATIVE_LOGIN.map((n) => `${n.user}|${swapped(n.device, p, q)}|${n.organization ?? ''}`))
    && setEq(a.WEB_LOGIN.logins.map((n) => `${n.user}|${n.device}`), a.WEB_LOGIN.logins.map((n) => `${n.user}|${swapped(n.device, p, q)}`))
    && setEq(a.AUTHORIZE.devices, a.AUTHORIZE.devices.map((d) => swapped(d, p, q)))
    && setEq(a.MOVE_DEVICE.map((m) => `${m.device}|${m.network}`), a.MOVE_DEVICE.map((m) => `${swapped(m.device, p, q)}|${m.network}`));
  const classes: string[][] = [];
  for (const d of devices) {
    const cls = classes.find((c) => {
      const e = devices.find((x) => x.name === c[0])!;
      return e.owner === d.owner && e.network === d.network && invariant(c[0], d.name);
    });
    if (cls) cls.push(d.name);
    else classes.push([d.name]);
  }
  return classes.filter((c) => c.length > 1);
}

const setEq = (a: readonly string[], b: readonly string[]) => {
  const s = new Set(a);
  const t = new Set(b);
  return s.size === t.size && [...s].every((x) => t.has(x));
};

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

// ---------------------------------------------------------------------------------------------
// The canonicaliser.

export interface CanonicalOptions {
  /** rename ids canonically and abstract the clock (false: hash the world as it is, clock included) */
  canonical?: boolean;
  /** reduce by the scope's device symmetry (needs canonical; default true, as `canonical`) */
  symmetry?: boolean;
  /** the depth explored, when not the scope's: how far the clock can move bounds which ages are kept */
  depth?: number;
}

export interface Canonicalizer {
  /** the fingerprint of a world; `out` receives it (no allocation) */
  fingerprint(w: World, out: Fingerprint): void;
  /**
   * Optional: the world whose successors come next. Fingerprints do not depend on it (a successor's
   * rows are copied from the base's only where they are the same objects); it only saves work.
   */
  setBase(w: World): void;
  /** device permutations tried per world (1 without symmetry) */
  readonly permutations: number;
}

const NONE = -1;

// PACKING. The words hashed pack several small fields each (wordsOnce): names (users, networks,
// organizations) in 16 bits, statuses and flags in 1 to 3, a device (renamed, + 1) in 11, a rank (+ 1, 0 =
// none) in 10. A packing is injective only while every field fits, so these limits are checked where the
// values arise and an exploration beyond them stops with an error instead of merging states. Packed, a
// world hashes a fraction of the words it would unpacked.
const MAX_NAME = 0xffff;
const MAX_DEVICES = 2046;
/** the native app and the web apps (a refresh token's client: 2 bits, and 8 more above its device) */
const MAX_CLIENTS = 1023;
const MAX_ARTIFACTS = 1022;
const RT_STATUS: Record<string, number> = { active: 1, rotated: 2, revoked: 3, expired: 4 };
const STT_STATUS: Record<string, number> = { issued: 1, consumed: 2, rejected: 3, expired: 4, revoked: 5 };
const S_STATUS: Record<string, number> = { active: 1, revoked: 2, expired: 3 };
// (0xffff is FAR's 16 bits in the leeway's word: an age kept there stays below it)
const MAX_AGE = 0xfffe;

/**
 * How an age is judged against one bound L (seconds): `age >= L` (or the leeway's `age < L`). An age at or
 * past L is L. An age below `far` is FAR: within the depth explored, only a step of L or more can carry it
 * across, and such a step carries every age across (far = L - depth x the largest step below L). Between,
 * the age is kept exactly. A bound the scope's clock cannot reach at all is not observed (null).
 */
export interface AgeBound { readonly bound: number; readonly far: number }
const FAR = -1;
export const judgedAge = (age: number, b: AgeBound): number => (age >= b.bound ? b.bound : age < b.far ? FAR : age);

/** The bounds of MODEL.md §8 that the scope can observe, per client and for sessions (null: not observed). */
export function ageBounds(setting: Setting, scope: Scope, depth = scope.depth) {
  const config = setting.config;
  const steps = scope.alphabet.ADVANCE_TIME.flatMap((t) => timeStepSeconds(t, config));
  const horizon = depth * Math.max(0, ...steps);
  const observed = (bound: number | null): AgeBound | null => {
    if (bound === null || bound <= 0 || bound > horizon) return null;
    return { bound, far: bound - depth * Math.max(0, ...steps.filter((x) => x < bound)) };
  };
  const client = (c: ClientSettings) => {
    const { absolute, idle } = refreshTokenLifetimes(c);
    // (the rotation type is not read: it is a dimension of the space, and a family explored together must
    // agree on what the fingerprint reads; tokens with a predecessor exist only under rotation anyway)
    return { family: observed(absolute), idle: observed(idle), leeway: observed(c.leeway) };
  };
  // per client, in clientIndex's order (native, then each web app)
  const out = { clients: [config.native, ...webApps(config).map((a) => a.settings)].map(client), session: observed(config.sessionLifetimeSeconds), sessionIdle: observed(config.idleSessionLifetimeSeconds) };
  // the leeway's age shares a word with a rank (the other ages have a word each)
  for (const b of out.clients.map((x) => x.leeway)) {
    if (b && b.bound > MAX_AGE) throw new Error(`explorer: a leeway of ${b.bound} s within the scope's reach; the packed fingerprint (PACKING) keeps it up to ${MAX_AGE} s`);
  }
  return out;
}

export function createCanonicalizer(setting: Setting, scope: Scope, opts: CanonicalOptions = {}): Canonicalizer {
  const canonical = opts.canonical ?? true;
  const ttl = setting.config.transferTokenTtlSeconds;
  const bounds = ageBounds(setting, scope, opts.depth);
  // per client (row value 1 native, 2 the first web app, 3 the second, ...): the bounds its refresh tokens' ages are judged against
  const famB = [null, ...bounds.clients.map((b) => b.family)], idleB = [null, ...bounds.clients.map((b) => b.idle)], leewayB = [null, ...bounds.clients.map((b) => b.leeway)];
  const clientIndex = new Map([[NATIVE_CLIENT_ID, 1], ...webApps(setting.config).map((a, i) => [a.clientId, i + 2] as const)]);
  // hot path: the native app and the first web app without a look-up
  const firstWeb = setting.config.webClientId;
  const clientOf = (t: RefreshToken): number => (t.clientId === NATIVE_CLIENT_ID ? 1 : t.clientId === firstWeb ? 2 : clientIndex.get(t.clientId)!);
  if (clientIndex.size > MAX_CLIENTS) throw new Error(`explorer: more than ${MAX_CLIENTS} clients; the packed fingerprint (PACKING) cannot tell them apart`);
  const rtFam = famB.some((b) => b !== null), rtIdle = idleB.some((b) => b !== null), rtLeeway = leewayB.some((b) => b !== null);
  const sAge = bounds.session, sIdle = bounds.sessionIdle;
  const rtTimeWords = (rtFam ? 1 : 0) + (rtIdle ? 1 : 0) + (rtLeeway ? 1 : 0), sTimeWords = (sAge ? 1 : 0) + (sIdle ? 1 : 0);
  // small ints for names; 0 is reserved
  const intern = new Map<string, number>();
  const id = (s: string | null): number => {
    if (s === null) return 0;
    let n = intern.get(s);
    if (n === undefined) {
      intern.set(s, (n = intern.size + 1));
      if (n > MAX_NAME) throw new Error(`explorer: more than ${MAX_NAME} names; the packed fingerprint (PACKING) cannot tell them apart`);
    }
    return n;
  };
  const deviceNames = setting.population.devices.map((d) => d.name);
  const deviceIndex = new Map(deviceNames.map((d, i) => [d, i]));
  for (const u of setting.population.users) id(u.name);
  for (const n of setting.population.networks) id(n.name);

  // device permutations: perm[k][i] = the device index that device i is renamed to
  const perms: Int32Array[] = [Int32Array.from(deviceNames.map((_, i) => i))];
  if (canonical && (opts.symmetry ?? true)) {
    for (const cls of deviceSymmetry(scope, setting.population)) {
      const idx = cls.map((d) => deviceIndex.get(d)!);
      const next: Int32Array[] = [];
      for (const base of perms) {
        for (const p of permutations(idx)) {
          const q = Int32Array.from(base);
          idx.forEach((from, k) => { q[from] = p[k]; });
          next.push(q);
        }
      }
      perms.splice(0, perms.length, ...next);
    }
  }
  const inverses = perms.map((p) => {
    const inv = new Int32Array(p.length);
    p.forEach((to, from) => { inv[to] = from; });
    return inv;
  });
  const nD = deviceNames.length;
  if (nD > MAX_DEVICES) throw new Error(`explorer: more than ${MAX_DEVICES} devices; the packed fingerprint (PACKING) cannot tell them apart`);

  // Each world is first *encoded* once into flat Int32Array rows (one Map look-up per name, one parse per
  // id), and the structural keys, the sort and the hash then read only those rows, so no name is looked up
  // twice. With device symmetry, the encoding is shared by every permutation tried.
  //
  // Row layouts (NONE = -1 for an absent link):
  //  refresh token: client, user, device index, status, online, organization, family index, session index, parent index, family is itself,
  //                 issuedAt, familyIssuedAt, usedAt, previous index
  //  transfer token: user, status, device index, network, organization, capped age, parent index, family index
  //  session: user, device index, status, via, transfer-token index, parent index, createdAt, lastActiveAt
  const RT = 14, TT = 9, SS = 8;
  let rtF = new Int32Array(16 * RT), sttF = new Int32Array(16 * TT), sF = new Int32Array(16 * SS);
  const devF = new Int32Array(nD * 2);
  // scratch, grown on demand
  let rtKey = new Int32Array(16), sttKey = new Int32Array(16), sKey = new Int32Array(16);
  let rtRank = new Int32Array(16), sttRank = new Int32Array(16), sRank = new Int32Array(16);
  let rtOrder = new Int32Array(16), sttOrder = new Int32Array(16), sOrder = new Int32Array(16);
  let cap = 16;
  const grow = (n: number) => {
    if (n <= cap) return;
    if (n > MAX_ARTIFACTS) throw new Error(`explorer: more than ${MAX_ARTIFACTS} artifacts of a kind; the packed fingerprint (PACKING) cannot rank them`);
    const m = Math.max(n, cap * 2);
    cap = m;
    rtKey = new Int32Array(m); sttKey = new Int32Array(m); sKey = new Int32Array(m);
    rtRank = new Int32Array(m); sttRank = new Int32Array(m); sRank = new Int32Array(m);
    rtOrder = new Int32Array(m); sttOrder = new Int32Array(m); sOrder = new Int32Array(m);
    rtF = new Int32Array(m * RT); sttF = new Int32Array(m * TT); sF = new Int32Array(m * SS);
  };
  // the words hashed, in order (the hash runs over them with its lanes in locals)
  let words = new Int32Array(256);
  // Flags in the key scratch: DONE = computed; BUSY = being computed. Lineage is acyclic except for one
  // loop A6 can close (a login session's web refresh token mints, the token is redeemed into that same
  // session, which then takes the token's family as parent): a key met while BUSY contributes CYCLE.
  const DONE = 0x40000000, BUSY = 0x20000000, FLAGS = DONE | BUSY, CYCLE = 0x0badc0de;
  let perm = perms[0];
  let inverse = inverses[0];
  let clock = 0;

  const idx = (s: string): number => {
    // 'rt12' | 'stt3' | 's4' -> 11 | 2 | 3 (index); hot path: avoid regexes
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) n = n * 10 + (c - 48);
    }
    return n - 1;
  };
  const optIdx = (s: string | null): number => (s === null ? NONE : idx(s));
  const devIdx = (name: string): number => deviceIndex.get(name)!;

  function encodeRt(F: Int32Array, o: number, t: RefreshToken): void {
    F[o] = clientOf(t);
    F[o + 1] = id(t.user);
    F[o + 2] = devIdx(t.device);
    F[o + 3] = RT_STATUS[t.status];
    F[o + 4] = t.online ? 1 : 0;
    F[o + 5] = id(t.organization);
    F[o + 6] = idx(t.family);
    F[o + 7] = optIdx(t.session);
    F[o + 8] = optIdx(t.parent);
    F[o + 9] = t.family === t.id ? 1 : 0;
    F[o + 10] = t.issuedAt;
    F[o + 11] = t.familyIssuedAt;
    F[o + 12] = t.usedAt;
    F[o + 13] = optIdx(t.previous);
  }
  function encodeStt(F: Int32Array, o: number, t: TransferToken): void {
    F[o] = id(t.user);
    F[o + 1] = STT_STATUS[t.status];
    F[o + 2] = devIdx(t.device);
    F[o + 3] = id(t.network);
    F[o + 4] = id(t.organization);
    F[o + 5] = t.issuedAt; // the capped age is taken against the world's clock when hashed
    F[o + 6] = idx(t.parent);
    F[o + 7] = idx(t.family);
    F[o + 8] = t.inUrl ? 1 : 0;
  }
  function encodeS(F: Int32Array, o: number, s: Session): void {
    F[o] = id(s.user);
    F[o + 1] = devIdx(s.device);
    F[o + 2] = S_STATUS[s.status];
    F[o + 3] = s.via === 'login' ? 1 : 2;
    F[o + 4] = optIdx(s.transferToken);
    F[o + 5] = optIdx(s.parent);
    F[o + 6] = s.createdAt;
    F[o + 7] = s.lastActiveAt;
    // an Action's deadlines are absolute times the clock abstraction does not know (search.ts explores
    // raw when an Action is configured); a canonical fingerprint that met one would merge unlike states
    if (s.expiresAt !== null || s.idleExpiresAt !== null) throw new Error('explorer: a session with an Action deadline needs canonical: false');
  }

  // The base world (the explorer sets it to the world whose successors it is about to fingerprint) and
  // its rows. A successor shares every artifact its step did not touch with the base (copy on write), so
  // only the artifacts that are new objects are encoded again; the others' rows are copied (a step changes
  // one or two artifacts of a few).
  let base: World | null = null;
  let bRtF = new Int32Array(16 * RT), bSttF = new Int32Array(16 * TT), bSF = new Int32Array(16 * SS);
  const bDevF = new Int32Array(nD * 2);
  let bDevs: readonly DeviceState[] = [];

  function encodeDevices(w: World, F: Int32Array): DeviceState[] {
    const ds: DeviceState[] = [];
    for (let i = 0; i < nD; i++) {
      const d = w.devices[deviceNames[i]];
      ds.push(d);
      F[2 * i] = id(d.network);
      F[2 * i + 1] = optIdx(d.session);
    }
    return ds;
  }

  function setBase(w: World): void {
    const nR = w.refreshTokens.length, nT = w.transferTokens.length, nS = w.sessions.length;
    grow(Math.max(nR, nT, nS));
    if (bRtF.length < rtF.length) { bRtF = new Int32Array(rtF.length); bSttF = new Int32Array(sttF.length); bSF = new Int32Array(sF.length); }
    for (let i = 0; i < nR; i++) encodeRt(bRtF, i * RT, w.refreshTokens[i]);
    for (let i = 0; i < nT; i++) encodeStt(bSttF, i * TT, w.transferTokens[i]);
    for (let i = 0; i < nS; i++) encodeS(bSF, i * SS, w.sessions[i]);
    bDevs = encodeDevices(w, bDevF);
    base = w;
  }

  /** Encodes the world's artifacts and devices into the rows, copying what it shares with the base. */
  function encode(w: World, nR: number, nT: number, nS: number): void {
    // (closure variables copied to locals: the copy loops ran ~4x slower reading them through the context)
    const b = base;
    const rts = w.refreshTokens, stts = w.transferTokens, ss = w.sessions;
    const R = rtF, T = sttF, S = sF, D = devF;
    if (b === null) {
      for (let i = 0; i < nR; i++) encodeRt(R, i * RT, rts[i]);
      for (let i = 0; i < nT; i++) encodeStt(T, i * TT, stts[i]);
      for (let i = 0; i < nS; i++) encodeS(S, i * SS, ss[i]);
      encodeDevices(w, D);
      return;
    }
    const bRts = b.refreshTokens, bStts = b.transferTokens, bSs = b.sessions;
    const BR = bRtF, BT = bSttF, BS = bSF, BD = bDevF;
    const bR = Math.min(nR, bRts.length), bT = Math.min(nT, bStts.length), bS = Math.min(nS, bSs.length);
    for (let i = 0; i < nR; i++) {
      const o = i * RT;
      if (i < bR && rts[i] === bRts[i]) { for (let j = o; j < o + RT; j++) R[j] = BR[j]; }
      else encodeRt(R, o, rts[i]);
    }
    for (let i = 0; i < nT; i++) {
      const o = i * TT;
      if (i < bT && stts[i] === bStts[i]) { for (let j = o; j < o + TT; j++) T[j] = BT[j]; }
      else encodeStt(T, o, stts[i]);
    }
    for (let i = 0; i < nS; i++) {
      const o = i * SS;
      if (i < bS && ss[i] === bSs[i]) { for (let j = o; j < o + SS; j++) S[j] = BS[j]; }
      else encodeS(S, o, ss[i]);
    }
    if (w.devices === b.devices) { for (let j = 0; j < 2 * nD; j++) D[j] = BD[j]; }
    else {
      const devs = w.devices, bd = bDevs;
      for (let i = 0; i < nD; i++) {
        const d = devs[deviceNames[i]];
        if (d === bd[i]) { D[2 * i] = BD[2 * i]; D[2 * i + 1] = BD[2 * i + 1]; }
        else { D[2 * i] = id(d.network); D[2 * i + 1] = optIdx(d.session); }
      }
    }
  }

  // Structural keys, memoised in the scratch arrays (DONE bit set = computed).
  function rtK(i: number): number {
    const k = rtKey[i];
    if (k & DONE) return k & ~FLAGS;
    if (k & BUSY) return CYCLE;
    rtKey[i] = BUSY;
    const o = i * RT;
    // (the fields packed as in wordsOnce: fewer words to mix)
    let h = mix(rtF[o + 1] | (rtF[o + 5] << 16), rtF[o] | (rtF[o + 3] << 2) | (rtF[o + 4] << 5) | ((perm[rtF[o + 2]] + 1) << 6));
    h = mix(h, rtF[o + 9] === 1 ? NONE : rtK(rtF[o + 6]));
    h = mix(h, rtF[o + 7] === NONE ? NONE : sK(rtF[o + 7]));
    h = mix(h, rtF[o + 8] === NONE ? NONE : rtK(rtF[o + 8]));
    h &= ~FLAGS;
    rtKey[i] = h | DONE;
    return h;
  }
  function sttK(i: number): number {
    const k = sttKey[i];
    if (k & DONE) return k & ~FLAGS;
    if (k & BUSY) return CYCLE;
    sttKey[i] = BUSY;
    const o = i * TT;
    let h = mix(sttF[o] | (sttF[o + 3] << 16), sttF[o + 4] | (sttF[o + 1] << 16) | ((perm[sttF[o + 2]] + 1) << 19));
    h = mix(h, Math.min(clock - sttF[o + 5], ttl));
    h = mix(h, rtK(sttF[o + 6]));
    h = mix(h, rtK(sttF[o + 7]) ^ sttF[o + 8]);
    h &= ~FLAGS;
    sttKey[i] = h | DONE;
    return h;
  }
  function sK(i: number): number {
    const k = sKey[i];
    if (k & DONE) return k & ~FLAGS;
    if (k & BUSY) return CYCLE;
    sKey[i] = BUSY;
    const o = i * SS;
    let h = mix(sF[o] | ((perm[sF[o + 1]] + 1) << 16), sF[o + 2] | (sF[o + 3] << 2));
    h = mix(h, sF[o + 4] === NONE ? NONE : sttK(sF[o + 4]));
    h = mix(h, sF[o + 5] === NONE ? NONE : rtK(sF[o + 5]));
    h &= ~FLAGS;
    sKey[i] = h | DONE;
    return h;
  }

  /** order[0..n) = indices sorted by (key, index); rank[index] = position */
  function sortByKey(n: number, key: Int32Array, order: Int32Array, rank: Int32Array): void {
    for (let i = 0; i < n; i++) {
      const ki = key[i];
      let j = i - 1;
      while (j >= 0 && key[order[j]] > ki) { order[j + 1] = order[j]; j--; }
      order[j + 1] = i;
    }
    for (let r = 0; r < n; r++) rank[order[r]] = r;
  }

  /** The words of the renamed world under the current permutation (the rows must be encoded); returns their count. */
  function wordsOnce(nR: number, nT: number, nS: number): number {
    // Keys only order a kind of two or more artifacts. When any kind needs them, the refresh-token keys
    // are computed first and in index order, as always (a lineage cycle is cut where its walk starts,
    // so this order fixes the keys); after that the other keys are pure functions of the rows, so a kind
    // of one artifact can skip its own loop (most worlds hold one transfer token and one session).
    const sortR = nR > 1, sortT = nT > 1, sortS = nS > 1;
    if (sortR || sortT || sortS) {
      // plain loops: TypedArray.prototype.fill costs more than the few slots cleared
      for (let i = 0; i < nR; i++) rtKey[i] = 0;
      for (let i = 0; i < nT; i++) sttKey[i] = 0;
      for (let i = 0; i < nS; i++) sKey[i] = 0;
      for (let i = 0; i < nR; i++) rtK(i);
      if (sortT) for (let i = 0; i < nT; i++) sttK(i);
      if (sortS) for (let i = 0; i < nS; i++) sK(i);
    }
    if (sortR) { for (let i = 0; i < nR; i++) rtKey[i] &= ~FLAGS; sortByKey(nR, rtKey, rtOrder, rtRank); } else { rtOrder[0] = 0; rtRank[0] = 0; }
    if (sortT) { for (let i = 0; i < nT; i++) sttKey[i] &= ~FLAGS; sortByKey(nT, sttKey, sttOrder, sttRank); } else { sttOrder[0] = 0; sttRank[0] = 0; }
    if (sortS) { for (let i = 0; i < nS; i++) sKey[i] &= ~FLAGS; sortByKey(nS, sKey, sOrder, sRank); } else { sOrder[0] = 0; sRank[0] = 0; }
    // Packed words (PACKING above): 3 per refresh token, 4 per transfer token, 2 per session, 1 per device,
    // and the ages the scope can observe (ageCaps).
    const need = 1 + nR * (3 + rtTimeWords) + nT * 4 + nS * (2 + sTimeWords) + nD;
    if (need > words.length) words = new Int32Array(need * 2);
    const x = words;
    let n = 0;
    x[n++] = nR | (nT << 10) | (nS << 20);
    for (let r = 0; r < nR; r++) {
      const o = rtOrder[r] * RT;
      x[n++] = rtF[o + 1] | (rtF[o + 5] << 16); // user, organization
      // client (its low 2 bits, the rest above the device), status, online, device
      x[n++] = (rtF[o] & 3) | (rtF[o + 3] << 2) | (rtF[o + 4] << 5) | ((perm[rtF[o + 2]] + 1) << 6) | ((rtF[o] >>> 2) << 17);
      x[n++] = rtRank[rtF[o + 6]] | ((rtF[o + 7] === NONE ? 0 : sRank[rtF[o + 7]] + 1) << 10) // family, session, parent
        | ((rtF[o + 8] === NONE ? 0 : rtRank[rtF[o + 8]] + 1) << 20);
      if (rtTimeWords > 0) {
        // capped ages, each only while the token can still be judged by it (1 active, 2 rotated)
        const c = rtF[o], status = rtF[o + 3];
        const fam = famB[c], idle = idleB[c], leeway = leewayB[c];
        if (rtFam) x[n++] = fam !== null && status <= 2 ? judgedAge(clock - rtF[o + 11], fam) : 0;
        if (rtIdle) x[n++] = idle !== null && status === 1 ? judgedAge(clock - rtF[o + 12], idle) : 0;
        // a successor's age against the leeway, and whom it succeeded (activeSuccessor)
        if (rtLeeway) x[n++] = leeway !== null && status === 1 && rtF[o + 13] !== NONE ? (judgedAge(clock - rtF[o + 10], leeway) & 0xffff) | ((rtRank[rtF[o + 13]] + 1) << 16) : 0;
      }
    }
    for (let r = 0; r < nT; r++) {
      const o = sttOrder[r] * TT;
      x[n++] = sttF[o] | (sttF[o + 3] << 16); // user, network
      x[n++] = sttF[o + 4] | (sttF[o + 1] << 16) | ((perm[sttF[o + 2]] + 1) << 19); // organization, status, device
      x[n++] = Math.min(clock - sttF[o + 5], ttl); // capped age
      x[n++] = rtRank[sttF[o + 6]] | (rtRank[sttF[o + 7]] << 10) | (sttF[o + 8] << 20); // parent, family, in a URL
    }
    for (let r = 0; r < nS; r++) {
      const o = sOrder[r] * SS;
      x[n++] = sF[o] | ((perm[sF[o + 1]] + 1) << 16); // user, device
      x[n++] = sF[o + 2] | (sF[o + 3] << 2) // status, via, transfer token, parent
        | ((sF[o + 4] === NONE ? 0 : sttRank[sF[o + 4]] + 1) << 4) | ((sF[o + 5] === NONE ? 0 : rtRank[sF[o + 5]] + 1) << 14);
      // an active session's capped age and idle time
      if (sAge) x[n++] = sF[o + 2] === 1 ? judgedAge(clock - sF[o + 6], sAge) : 0;
      if (sIdle) x[n++] = sF[o + 2] === 1 ? judgedAge(clock - sF[o + 7], sIdle) : 0;
    }
    // devices, in renamed order: device perm[i] gets device i's state
    for (let j = 0; j < nD; j++) {
      const i = inverse[j];
      const sess = devF[2 * i + 1];
      x[n++] = devF[2 * i] | ((sess === NONE ? 0 : sRank[sess] + 1) << 16); // network, session
    }
    return n;
  }

  /** h1, h2 over words[0..n) (the same lanes as `feed`, kept in locals) */
  function hashWords(n: number): void {
    const x = words;
    let a = 0x12345678, b = 0x9abcdef0 | 0;
    for (let i = 0; i < n; i++) {
      const w = x[i];
      let k = Math.imul(w, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      a ^= k;
      a = (a << 13) | (a >>> 19);
      a = (Math.imul(a, 5) + 0xe6546b64) | 0;
      let j = Math.imul((w ^ 0x5bd1e995) | 0, 0x85ebca6b);
      j = (j << 17) | (j >>> 15);
      j = Math.imul(j, 0xc2b2ae35);
      b ^= j;
      b = (b << 11) | (b >>> 21);
      b = (Math.imul(b, 9) + 0x2f2b9e1d) | 0;
    }
    h1 = a; h2 = b;
  }

  /** No renaming, no abstraction: the world as it is (for measuring what canonicalisation buys). */
  function hashRaw(w: World): void {
    h1 = 0x12345678; h2 = 0x9abcdef0 | 0;
    feed(w.clock); feed(w.refreshTokens.length); feed(w.transferTokens.length); feed(w.sessions.length);
    for (const t of w.refreshTokens) {
      feed(clientOf(t)); feed(id(t.user)); feed(id(t.device)); feed(RT_STATUS[t.status]);
      feed(t.online ? 1 : 0); feed(id(t.organization)); feed(idx(t.family)); feed(t.session === null ? NONE : idx(t.session)); feed(t.parent === null ? NONE : idx(t.parent));
      feed(t.issuedAt); feed(t.familyIssuedAt); feed(t.usedAt); feed(t.previous === null ? NONE : idx(t.previous));
    }
    for (const t of w.transferTokens) {
      feed(id(t.user)); feed(STT_STATUS[t.status]); feed(id(t.device)); feed(id(t.network)); feed(id(t.organization));
      feed(t.issuedAt); feed(idx(t.parent)); feed(idx(t.family)); feed(t.inUrl ? 1 : 0);
    }
    for (const s of w.sessions) {
      feed(id(s.user)); feed(id(s.device)); feed(S_STATUS[s.status]); feed(s.via === 'login' ? 1 : 2);
      feed(s.transferToken === null ? NONE : idx(s.transferToken)); feed(s.parent === null ? NONE : idx(s.parent));
      feed(s.createdAt); feed(s.lastActiveAt); feed(s.expiresAt ?? NONE); feed(s.idleExpiresAt ?? NONE);
    }
    for (const name of deviceNames) {
      const d = w.devices[name];
      feed(id(d.network)); feed(d.session === null ? NONE : idx(d.session));
    }
  }

  return {
    permutations: perms.length,
    setBase(w) { if (canonical) setBase(w); },
    fingerprint(w, out) {
      if (!canonical) {
        hashRaw(w);
        out.lo = fmix(h1); out.hi = fmix(h2);
        return;
      }
      const nR = w.refreshTokens.length, nT = w.transferTokens.length, nS = w.sessions.length;
      grow(Math.max(nR, nT, nS));
      encode(w, nR, nT, nS);
      clock = w.clock;
      let bestLo = 0, bestHi = 0;
      for (let k = 0; k < perms.length; k++) {
        perm = perms[k];
        inverse = inverses[k];
        hashWords(wordsOnce(nR, nT, nS));
        const lo = fmix(h1), hi = fmix(h2);
        if (k === 0 || hi < bestHi || (hi === bestHi && lo < bestLo)) { bestLo = lo; bestHi = hi; }
      }
      perm = perms[0];
      inverse = inverses[0];
      out.lo = bestLo; out.hi = bestHi;
    },
  };
}
