// explorer/explore.ts: exhaustive bounded exploration, breadth first.
// From the model's initial world, every event of the scope's alphabet that the world enables is applied
// (events naming artifacts range over every artifact that exists); worlds are deduplicated by their
// canonical fingerprint (canonical.ts); every property is checked on every transition (see relevance
// for the transitions where a property provably answers null and is not called). Breadth first, so
// the first counterexample found for a property is a shortest one within the scope. Events that differ
// only in fields the processing of an earlier one never read are counted, not stepped again (Twins).
// Visited states are stored as 64-bit fingerprints in an open-addressing table plus a parent pointer
// and the index of the event in the parent's enumeration (8 bytes per state); worlds are kept for the
// frontier only. A path is rebuilt by replaying event indices from the initial world.
import { createModel, runEvents, type Model, type StepResult } from '../machines/step.js';
import { EVENT_TYPES, keepMethodForAllowance, methodAllowed, type EventOf, type ModelEvent, type EventType } from '../machines/events.js';
import type { Method } from '../machines/config.js';
import type { Setting } from '../machines/setting.js';
import { deviceSession, type DeviceState, type RefreshToken, type Session, type TransferToken, type World } from '../machines/world.js';
import { authorizeFacts, factBits, isStateRelevance, triggered, type Property, type StepView } from '../properties/property.js';
import { emptyCoverage, recordOutcomeRow, recordStep, type Coverage } from '../properties/coverage.js';
import { TENANT_BRANCHES } from '../machines/tenant.machine.js';
import { emptyObservation, REASONS, type Observation } from '../machines/observation.js';
import { createCanonicalizer, type Fingerprint } from './canonical.js';
import { DEFAULT, timeStepSeconds, type Scope } from './scopes.js';

export interface ExploreProgress {
  depth: number;
  states: number;
  transitions: number;
  frontier: number;
  elapsedMs: number;
}

export interface ExploreOptions {
  properties: readonly Property[];
  /** overrides the scope's depth */
  depth?: number;
  /** the model to explore (a mutant's, say); default createModel(setting) */
  model?: Model;
  onProgress?: (p: ExploreProgress) => void;
  /** rename ids and abstract the clock (default true) */
  canonical?: boolean;
  /** reduce by the scope's device symmetry (default true; a no-op when the scope has none) */
  symmetry?: boolean;
  /** call every property on every transition, ignoring their relevance (for checking the declarations) */
  fullChecks?: boolean;
  /** stop after this many distinct states (complete is then false) */
  maxStates?: number;
  /** record coverage (default true; the bench measures the cost) */
  coverage?: boolean;
  /** also return, for every coverage item, the shortest path that first reached it (coveringPaths below) */
  coveringPaths?: boolean;
  /** process twins as the event they are twins of (default true; false steps every event, for tests and the bench) */
  twins?: boolean;
}

export interface ExploreCounterexample {
  property: string;
  kind: Property['kind'];
  message: string;
  events: ModelEvent[];
  observations: Observation[];
}

export interface ExploreResult {
  scope: string;
  depth: number;
  /** distinct states, the initial world included */
  states: number;
  /** in-scope transitions generated (self-loops and transitions to known states included) */
  transitions: number;
  /** the depth of the deepest distinct state */
  maxDepth: number;
  /** the frontier ran dry before the depth bound: every world within the scope's bounds was reached */
  complete: boolean;
  /** the first (= a shortest) counterexample per property id */
  counterexamples: Map<string, ExploreCounterexample>;
  coverage: Coverage;
  elapsedMs: number;
  /** bytes of the visited set and parent pointers per distinct state (worlds of the frontier excluded) */
  bytesPerState: number;
  /** distinct states first reached at each depth (index = depth) */
  statesByDepth: number[];
  /** most worlds held at once (one BFS level and the next) */
  peakFrontier: number;
  /** of the transitions, those processed as an earlier event's twin (Twins), not stepped */
  twinTransitions: number;
  /** with `coveringPaths`: shortest paths, each with the coverage items it reached first */
  coveringPaths?: CoveringPath[];
}

export interface CoveringPath { covers: string[]; events: ModelEvent[] }

// ---------------------------------------------------------------------------------------------
// Which properties can answer non-null on which transitions: each property declares it beside its check
// (`relevance`, properties/property.ts); one without a declaration is called on every transition. A
// 'state' property reads only the world reached and the setting, so its verdict is the same for every
// transition into a world and for isomorphic worlds (canonical.ts): checking it on the transition that
// first reaches each distinct state is checking it on every transition, and BFS reaches a state first
// by a shortest path, so the counterexample stays a shortest one. properties/relevance.test.ts checks
// every declaration against the checks; explore.test.ts compares with `fullChecks` runs.
export type Relevance = NonNullable<Property['relevance']> | 'always';

/** For planning: a relevance given by event and observation ('always' and /authorize facts are handled apart). */
function relevant(r: Relevance, v: StepView, isNew: boolean): boolean {
  return r === 'always' || (isNew && isStateRelevance(r)) || (typeof r === 'string' && triggered(r, v));
}

// ---------------------------------------------------------------------------------------------
// The scope's events at a world. Event objects are cached and shared (the model never mutates them).

export interface EventEnumerator {
  /** the enabled events at w, in a fixed order; the array is reused by the next call */
  events(w: World): readonly ModelEvent[];
  /**
   * Twins, per event of the last events() call (parallel arrays). Events of one group differ only in
   * watched fields (WATCHED: offline_access, the organization asked, the method); `groupOffset[k]` =
   * how many places back event k's group starts, `variant[k]` = which value of each watched field it
   * carries (one byte per field, in WATCHED's order). `reads.mask` collects the WATCHED bits of the
   * fields read since it was cleared: every read of a watched field of an enumerated event goes through a
   * getter that sets it.
   */
  readonly groupOffset: readonly number[];
  readonly variant: readonly number[];
  readonly reads: { mask: number };
  /** the world is within the scope's bounds (a state constraint) */
  withinBounds(w: World): boolean;
  /**
   * withinBounds(w) for a successor w of a world `from` that is itself within bounds: the bounds on a
   * list hold unchanged when the step left that list alone (the same array), so only changed lists are
   * counted again. Measured: ~100 ns saved per changed transition on the default scope.
   */
  withinBoundsFrom(from: World, w: World): boolean;
}

/**
 * The event fields whose reads an enumerator watches, as bits. Two events of one parent world that
 * differ only in fields the processing of the first never read (the step, coverage, every property
 * called) are processed alike: the second is the first's twin (explore() below).
 */
const WATCHED = { offlineAccess: 1, organization: 2, method: 4 } as const;
/** The WATCHED bits of the fields in which two events of one group differ (their variants, above). */
const variantDiff = (a: number, b: number): number => {
  const d = a ^ b;
  return ((d & 0xff) !== 0 ? 1 : 0) | ((d & 0xff00) !== 0 ? 2 : 0) | ((d & 0xff0000) !== 0 ? 4 : 0);
};

/** An event as a plain object (enumerated events read watched fields through getters): for paths and files. */
function plainEvent(e: ModelEvent): ModelEvent {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined) o[k] = v;
  return o as ModelEvent;
}

/**
 * Twins among the events of one world (see EventEnumerator, WATCHED): per event, the watched fields its
 * processing read and the configurations (a bit set; 1 in explore()) for which it was kept within the
 * bounds. An event that differs from an earlier one of its group only in fields that one's processing
 * never read (and, for the method, gets the same answer from methodAllowed for every configuration
 * concerned, machines/events.ts) is processed as that one was, read for read: the same world after
 * (already known), the same verdicts and coverage (already recorded). Only its count is left to add.
 */
export class Twins {
  private read = new Int32Array(64);
  private keptIn = new Int32Array(64);
  /** `sameAllowance(x, y)`: methodAllowed answers alike for x and y in every configuration concerned */
  constructor(private readonly enumerator: EventEnumerator, private readonly sameAllowance: (x: ModelEvent, y: ModelEvent) => boolean) {}
  /** Call after enumerator.events(): makes room for its events. */
  expand(n: number): void {
    if (n > this.read.length) { this.read = new Int32Array(n * 2); this.keptIn = new Int32Array(n * 2); }
  }
  /** The earlier event that event k is a twin of, or -1. */
  of(events: readonly ModelEvent[], k: number): number {
    const { groupOffset, variant } = this.enumerator;
    const g = groupOffset[k];
    for (let j = k - g; j < k; j++) {
      const d = variantDiff(variant[j], variant[k]);
      if ((this.read[j] & d) === 0 && ((d & WATCHED.method) === 0 || this.sameAllowance(events[j], events[k]))) return j;
    }
    return -1;
  }
  /** Event k was processed: the watched fields it read, and where it was kept. */
  record(k: number, read: number, kept: number): void { this.read[k] = read; this.keptIn[k] = kept; }
  /** Event k is a twin of `twin`: it takes twin's record; returns where it was kept. */
  copy(k: number, twin: number): number { this.read[k] = this.read[twin]; return (this.keptIn[k] = this.keptIn[twin]); }
}

/** What one event kind offers at a world: events of the world as a whole, and events per existing artifact. */
interface Piece {
  readonly world?: (w: World) => void;
  readonly perRefreshToken?: (i: number) => void;
  readonly perTransferToken?: (i: number) => void;
  readonly perSession?: (i: number) => void;
}

/**
 * The order of enumeration: stages of kinds; in a stage, each kind's world events, then per artifact each
 * kind's events for it (a refresh token's mint, refresh and revocation together). The order decides which
 * of several shortest counterexamples is found first, so it is fixed; every kind appears once.
 */
const ENUMERATION_ORDER: readonly (readonly EventType[])[] = [
  ['NATIVE_LOGIN'], ['MINT_TRANSFER_TOKEN', 'REFRESH', 'REVOKE_REFRESH_TOKEN'], ['AUTHORIZE'], ['WEB_LOGIN'], ['REVOKE_SESSION'], ['ADVANCE_TIME'], ['MOVE_DEVICE'],
];
{
  const listed = ENUMERATION_ORDER.flat();
  if (listed.length !== EVENT_TYPES.length || EVENT_TYPES.some((t) => !listed.includes(t))) throw new Error('explorer: ENUMERATION_ORDER must list every event kind once');
}

export function createEnumerator(setting: Setting, scope: Scope): EventEnumerator {
  const a = scope.alphabet;
  const b = scope.bounds;
  const ttl = setting.config.transferTokenTtlSeconds;
  const reads = { mask: 0 };
  /** Field `key` of e: a getter reporting its reads under `bit` when watched, else the value itself (if any). */
  const field = (e: Record<string, unknown>, key: string, bit: number, watch: boolean, value: unknown) => {
    // Both values of a watched field get the getter, `undefined` (the field absent) included, so no event
    // of a group has a key the others lack; enumerable, so a spread or JSON.stringify copies the value
    // (reading it through the getter).
    if (watch) Object.defineProperty(e, key, { enumerable: true, get() { reads.mask |= bit; return value; } });
    else if (value !== undefined) e[key] = value;
  };
  const orgs = a.AUTHORIZE.organizations, offs = a.AUTHORIZE.offlineAccess, methods = a.AUTHORIZE.methods;
  if (Math.max(orgs.length, offs.length, a.WEB_LOGIN.offlineAccess.length, methods.length) > 255) throw new Error('explorer: a variant holds a watched field\'s value index in one byte: at most 255 organizations and methods');
  // a block of events: the events, their variants and group offsets (see EventEnumerator)
  interface Block { events: ModelEvent[]; variant: number[]; groupOffset: number[] }
  const block = (): Block => ({ events: [], variant: [], groupOffset: [] });
  /**
   * Appends a group: the fixed part with every method and organization given (null: the event has no
   * such field) and every offline_access value, keys in the schema's order.
   */
  const group = (into: Block, fixed: ModelEvent, ms: readonly Method[] | null, organizations: readonly (string | null)[] | null, offs: readonly boolean[]) => {
    const start = into.events.length;
    (ms ?? [undefined]).forEach((method, m) => (organizations ?? [null]).forEach((org, o) => offs.forEach((off, f) => {
      const e = { ...fixed } as Record<string, unknown>;
      if (ms !== null) {
        field(e, 'method', WATCHED.method, ms.length > 1, method);
        keepMethodForAllowance(e, method);
      }
      if (organizations !== null) field(e, 'organization', WATCHED.organization, organizations.length > 1, org ?? undefined);
      field(e, 'offlineAccess', WATCHED.offlineAccess, offs.length > 1, off ? true : undefined);
      into.events.push(e as ModelEvent);
      into.variant.push(f | (o << 8) | (m << 16));
      into.groupOffset.push(into.events.length - 1 - start);
    })));
  };

  const nativeLogins: ModelEvent[] = a.NATIVE_LOGIN.map((n) => (n.organization
    ? { type: 'NATIVE_LOGIN', user: n.user, device: n.device, organization: n.organization }
    : { type: 'NATIVE_LOGIN', user: n.user, device: n.device }));
  const webLogins: Block[] = a.WEB_LOGIN.logins.map((l) => { const x = block(); group(x, { type: 'WEB_LOGIN', device: l.device, user: l.user }, null, null, a.WEB_LOGIN.offlineAccess); return x; });
  const plainAuthorize = block();
  for (const device of a.AUTHORIZE.devices) group(plainAuthorize, { type: 'AUTHORIZE', device }, null, null, offs);
  const advance: ModelEvent[] = [...new Set(a.ADVANCE_TIME.map((t) => timeStepSeconds(t, ttl)))].map((seconds) => ({ type: 'ADVANCE_TIME', seconds }));
  const moves: { device: string; network: string; event: ModelEvent }[] = a.MOVE_DEVICE.map((m) => ({ ...m, event: { type: 'MOVE_DEVICE', device: m.device, network: m.network } }));

  const perRt: { mint: ModelEvent; refresh: ModelEvent; revoke: ModelEvent }[] = [];
  const rtEvents = (i: number) => (perRt[i] ??= {
    mint: { type: 'MINT_TRANSFER_TOKEN', refreshToken: `rt${i + 1}` },
    refresh: { type: 'REFRESH', refreshToken: `rt${i + 1}` },
    revoke: { type: 'REVOKE_REFRESH_TOKEN', refreshToken: `rt${i + 1}` },
  });
  const perStt: Block[] = [];
  const sttEvents = (i: number) => {
    if (perStt[i]) return perStt[i];
    const x = block();
    for (const device of a.AUTHORIZE.devices) group(x, { type: 'AUTHORIZE', device, transferToken: `stt${i + 1}` }, methods, orgs, offs);
    return (perStt[i] = x);
  };
  const perSession: ModelEvent[] = [];
  const sessionEvent = (i: number) => (perSession[i] ??= { type: 'REVOKE_SESSION', session: `s${i + 1}` });

  const nativeFamilies = (w: World) => {
    let n = 0;
    for (const t of w.refreshTokens) if (t.client === 'native' && t.family === t.id) n++;
    return n;
  };
  const loginSessions = (w: World) => {
    let n = 0;
    for (const s of w.sessions) if (s.via === 'login') n++;
    return n;
  };
  const buf: ModelEvent[] = [];
  const variant: number[] = [];
  const groupOffset: number[] = [];
  const push = (e: ModelEvent) => { buf.push(e); variant.push(0); groupOffset.push(0); };
  const pushBlock = (x: Block) => {
    for (let i = 0; i < x.events.length; i++) { buf.push(x.events[i]); variant.push(x.variant[i]); groupOffset.push(x.groupOffset[i]); }
  };
  // What each kind offers at a world: events of the world as a whole, and events per existing artifact.
  const pieces: { readonly [T in EventType]: Piece } = {
    // a native login always creates a family: offered only while one more fits (the others would be dropped
    // by the bounds anyway)
    NATIVE_LOGIN: { world: (w) => { if (w.refreshTokens.length < b.refreshTokens && nativeFamilies(w) < b.nativeLogins) for (const e of nativeLogins) push(e); } },
    // mints are offered whatever the bounds: a refused one stays within them and is a transition to check;
    // a successful one beyond them is dropped by withinBounds, as a TLC state constraint drops it
    MINT_TRANSFER_TOKEN: { perRefreshToken: (i) => { if (a.MINT_TRANSFER_TOKEN) push(rtEvents(i).mint); } },
    REFRESH: { perRefreshToken: (i) => { if (a.REFRESH) push(rtEvents(i).refresh); } },
    REVOKE_REFRESH_TOKEN: { perRefreshToken: (i) => { if (a.REVOKE_REFRESH_TOKEN) push(rtEvents(i).revoke); } },
    AUTHORIZE: { world: () => pushBlock(plainAuthorize), perTransferToken: (i) => pushBlock(sttEvents(i)) },
    // a web login beyond the bound is dropped unless it re-authenticates the browser's own user (which
    // creates nothing): the others are not even stepped
    WEB_LOGIN: {
      world: (w) => {
        const roomForLogin = loginSessions(w) < b.webLogins;
        for (let i = 0; i < webLogins.length; i++) {
          const l = a.WEB_LOGIN.logins[i];
          if (roomForLogin || deviceSession(w, l.device)?.user === l.user) pushBlock(webLogins[i]);
        }
      },
    },
    REVOKE_SESSION: { perSession: (i) => { if (a.REVOKE_SESSION) push(sessionEvent(i)); } },
    ADVANCE_TIME: { world: () => { for (const e of advance) push(e); } },
    MOVE_DEVICE: { world: (w) => { for (const m of moves) if (w.devices[m.device].network !== m.network) push(m.event); } },
  };
  const stages = ENUMERATION_ORDER.map((kinds) => ({
    world: kinds.flatMap((k) => (pieces[k].world ? [pieces[k].world!] : [])),
    perRefreshToken: kinds.flatMap((k) => (pieces[k].perRefreshToken ? [pieces[k].perRefreshToken!] : [])),
    perTransferToken: kinds.flatMap((k) => (pieces[k].perTransferToken ? [pieces[k].perTransferToken!] : [])),
    perSession: kinds.flatMap((k) => (pieces[k].perSession ? [pieces[k].perSession!] : [])),
  }));
  const each = (fns: readonly ((i: number) => void)[], n: number) => {
    if (fns.length > 0) for (let i = 0; i < n; i++) for (const f of fns) f(i);
  };
  return {
    groupOffset, variant, reads,
    events(w) {
      buf.length = 0; variant.length = 0; groupOffset.length = 0;
      for (const st of stages) {
        for (const f of st.world) f(w);
        each(st.perRefreshToken, w.refreshTokens.length);
        each(st.perTransferToken, w.transferTokens.length);
        each(st.perSession, w.sessions.length);
      }
      return buf;
    },
    withinBounds(w) {
      return w.refreshTokens.length <= b.refreshTokens && w.transferTokens.length <= b.mints
        && nativeFamilies(w) <= b.nativeLogins && loginSessions(w) <= b.webLogins;
    },
    withinBoundsFrom(from, w) {
      return (w.refreshTokens === from.refreshTokens || (w.refreshTokens.length <= b.refreshTokens && nativeFamilies(w) <= b.nativeLogins))
        && w.transferTokens.length <= b.mints
        && (w.sessions === from.sessions || loginSessions(w) <= b.webLogins);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The visited set: 64-bit fingerprints, open addressing, linear probing, load <= 1/2.

export class FingerprintSet {
  private keys: Uint32Array;
  /** with values: a configuration mask per fingerprint (explorer/family.ts) */
  private values: Int32Array | null;
  private mask: number;
  size = 0;
  constructor(capacity = 1 << 16, withValues = false) {
    this.keys = new Uint32Array(capacity * 2);
    this.values = withValues ? new Int32Array(capacity) : null;
    this.mask = capacity - 1;
  }
  get bytes(): number { return this.keys.byteLength + (this.values?.byteLength ?? 0); }
  /** The slot holding (lo, hi), or -1 - the empty slot where it would go. (0, 0) marks an empty slot: callers map lo 0 to 1 when hi is 0. */
  private slot(lo: number, hi: number): number {
    const keys = this.keys;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const klo = keys[2 * i], khi = keys[2 * i + 1];
      if (klo === 0 && khi === 0) return -1 - i;
      if (klo === lo && khi === hi) return i;
      i = (i + 1) & this.mask;
    }
  }
  private put(i: number, lo: number, hi: number, value: number): void {
    this.keys[2 * i] = lo;
    this.keys[2 * i + 1] = hi;
    if (this.values) this.values[i] = value;
    if (++this.size * 2 > this.mask + 1) this.grow();
  }
  /** true when added (it was not there) */
  add(lo: number, hi: number): boolean {
    if (lo === 0 && hi === 0) lo = 1;
    const i = this.slot(lo, hi);
    if (i >= 0) return false;
    this.put(-1 - i, lo, hi, 0);
    return true;
  }
  /** ORs the bits m into the value of (lo, hi), adding it if absent; returns the bits of m it lacked. */
  merge(lo: number, hi: number, m: number): number {
    if (lo === 0 && hi === 0) lo = 1;
    const i = this.slot(lo, hi);
    if (i < 0) { this.put(-1 - i, lo, hi, m); return m; }
    const v = this.values![i];
    this.values![i] = v | m;
    return m & ~v;
  }
  private grow(): void {
    const old = this.keys, oldValues = this.values;
    this.keys = new Uint32Array(old.length * 2);
    this.values = oldValues ? new Int32Array(oldValues.length * 2) : null;
    this.mask = (this.keys.length >>> 1) - 1;
    this.size = 0;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j] === 0 && old[j + 1] === 0) continue;
      this.put(-1 - this.slot(old[j], old[j + 1]), old[j], old[j + 1], oldValues ? oldValues[j >> 1] : 0);
    }
  }
}

/** Growable parent pointers: state index -> parent state index, event index in the parent's enumeration. */
export class Parents {
  parent = new Int32Array(1 << 16);
  event = new Uint16Array(1 << 16);
  push(i: number, parent: number, event: number): void {
    if (i >= this.parent.length) {
      const p = new Int32Array(this.parent.length * 2); p.set(this.parent); this.parent = p;
      const e = new Uint16Array(this.event.length * 2); e.set(this.event); this.event = e;
    }
    this.parent[i] = parent;
    this.event[i] = event;
  }
  get bytes(): number { return this.parent.byteLength + this.event.byteLength; }
}

/**
 * Two worlds with the same contents (what the fingerprint reads and more: every field of every artifact,
 * the clock, every device). The step copies on write, so parts it left alone are the same objects and
 * compare at once; the artifacts it replaced are compared field by field.
 * Used twice in the loop: a successor equal to its parent is a self-loop (nothing to fingerprint), and
 * one equal to the previous successor of the same parent is that state again. Measured on the default
 * scope: 58% of the successors equal the one before (refusals that differ only in offline_access or the
 * method, say); comparing costs a few field reads, a fingerprint ~450 ns.
 */
export function sameWorld(a: World, b: World, devices: readonly string[]): boolean {
  if (a === b) return true;
  if (a.clock !== b.clock) return false;
  if (a.refreshTokens !== b.refreshTokens && !sameItems(a.refreshTokens, b.refreshTokens, sameRefreshToken)) return false;
  if (a.transferTokens !== b.transferTokens && !sameItems(a.transferTokens, b.transferTokens, sameTransferToken)) return false;
  if (a.sessions !== b.sessions && !sameItems(a.sessions, b.sessions, sameSession)) return false;
  if (a.devices !== b.devices) {
    for (const d of devices) {
      const x = a.devices[d], y = b.devices[d];
      if (x !== y && !sameDevice(x, y)) return false;
    }
  }
  return true;
}

// Field by field, written out (a loop over key names was ~3% of the explorer's time: keyed loads).
// explore.test.ts checks that each tells apart artifacts differing in any one field, so a field added to
// an artifact and not compared here fails there.
export const sameRefreshToken = (x: RefreshToken, y: RefreshToken): boolean => x.status === y.status && x.id === y.id
  && x.client === y.client && x.user === y.user && x.device === y.device && x.family === y.family && x.session === y.session
  && x.parent === y.parent && x.online === y.online && x.organization === y.organization;
export const sameTransferToken = (x: TransferToken, y: TransferToken): boolean => x.status === y.status && x.id === y.id
  && x.user === y.user && x.parent === y.parent && x.family === y.family && x.device === y.device && x.network === y.network
  && x.ip === y.ip && x.asn === y.asn && x.organization === y.organization && x.issuedAt === y.issuedAt;
export const sameSession = (x: Session, y: Session): boolean => x.status === y.status && x.id === y.id && x.user === y.user
  && x.device === y.device && x.via === y.via && x.transferToken === y.transferToken && x.parent === y.parent;
export const sameDevice = (x: DeviceState, y: DeviceState): boolean => x.network === y.network && x.session === y.session;

function sameItems<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !same(a[i], b[i])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The properties to call per transition, precomputed per class of event from their relevance (what relevant()
// says, tabulated): instead of asking relevant() and a Map of found properties for each of ~26
// properties on each transition, the loop walks a short list of indices, and a found property costs one
// array read. Measured on the default scope (golden configuration), together with the allocation-free
// property checks (properties/*.ts): the property stage went from ~1,230 to ~400 ns per transition.

const EVENT_CLASSES = ['AUTHORIZE+token', 'AUTHORIZE', 'MINT_TRANSFER_TOKEN', 'REFRESH', 'other'] as const;
type EventClass = 0 | 1 | 2 | 3 | 4;
const PLAIN_AUTHORIZE_CLASS = 1; // classes 0 and 1: the /authorize events
const eventClass = (e: ModelEvent): EventClass =>
  e.type === 'AUTHORIZE' ? (e.transferToken !== undefined ? 0 : 1) : e.type === 'MINT_TRANSFER_TOKEN' ? 2 : e.type === 'REFRESH' ? 3 : 4;
const SAMPLE_EVENTS: Record<(typeof EVENT_CLASSES)[number], ModelEvent> = {
  'AUTHORIZE+token': { type: 'AUTHORIZE', device: 'd', transferToken: 'stt1' },
  AUTHORIZE: { type: 'AUTHORIZE', device: 'd' },
  MINT_TRANSFER_TOKEN: { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  REFRESH: { type: 'REFRESH', refreshToken: 'rt1' },
  other: { type: 'ADVANCE_TIME', seconds: 1 },
};

export interface PropertyPlan {
  /** per event class: properties relevant whatever the observation and novelty */
  always: number[][];
  /** per event class: relevant only when something was issued / revoked / the state is new */
  issued: number[][];
  revoked: number[][];
  isNew: number[][];
  /** AUTHORIZE: per bit set of /authorize facts, the properties declared on one of them (filled on first use: few of the 1,024 sets occur) */
  byFacts: number[][];
  /** per property: the bits of the /authorize facts it is declared on (0: none) */
  factMasks: number[];
}

export function planProperties(relevances: readonly Relevance[]): PropertyPlan {
  const empty = emptyObservation(0, SAMPLE_EVENTS.other);
  const issued = { ...empty, issued: ['x'] } as Observation;
  const revoked = { ...empty, revoked: { refreshTokens: ['x'], sessions: [], transferTokens: [] } } as Observation;
  const revokedS = { ...empty, revoked: { refreshTokens: [], sessions: ['x'], transferTokens: [] } } as Observation;
  const plan: PropertyPlan = { always: [], issued: [], revoked: [], isNew: [], byFacts: [], factMasks: relevances.map((r) => (typeof r !== 'string' ? factBits(r) : 0)) };
  for (const cls of EVENT_CLASSES) {
    const view = (observation: Observation) => ({ event: SAMPLE_EVENTS[cls], observation }) as StepView;
    const always: number[] = [], onIssued: number[] = [], onRevoked: number[] = [], onNew: number[] = [];
    relevances.forEach((r, i) => {
      if (typeof r !== 'string') return; // /authorize facts: byFacts below
      if (relevant(r, view(empty), false)) { always.push(i); return; }
      // otherwise on each trigger that makes it relevant (a combined relevance lands in two lists)
      if (relevant(r, view(empty), true)) onNew.push(i);
      if (relevant(r, view(issued), false)) onIssued.push(i);
      const onRevokedRt = relevant(r, view(revoked), false);
      if (onRevokedRt !== relevant(r, view(revokedS), false)) throw new Error('explorer: a relevance must treat revoked sessions and refresh tokens alike');
      if (onRevokedRt) onRevoked.push(i);
    });
    plan.always.push(always); plan.issued.push(onIssued); plan.revoked.push(onRevoked); plan.isNew.push(onNew);
  }
  return plan;
}

/**
 * Calls `check` with each list of the plan that applies to a transition: `every` property when given (the
 * transitions from the initial world), otherwise by event class, /authorize facts, novelty of the state
 * reached, and what the observation issued or revoked. `tag` is passed through (the caller's bookkeeping).
 */
export function checkPlanned<T>(plan: PropertyPlan, every: readonly number[] | null, view: StepView, isNew: boolean,
  check: (list: readonly number[], view: StepView, tag: T) => void, tag: T): void {
  if (every !== null) { check(every, view, tag); return; }
  const c = eventClass(view.event);
  const o = view.observation;
  check(plan.always[c], view, tag);
  if (c <= PLAIN_AUTHORIZE_CLASS) {
    const m = authorizeFacts(view);
    check(plan.byFacts[m] ??= plan.factMasks.flatMap((bits, i) => ((bits & m) !== 0 ? [i] : [])), view, tag);
  }
  if (isNew) check(plan.isNew[c], view, tag);
  if (o.issued.length > 0) check(plan.issued[c], view, tag);
  if (o.revoked.sessions.length > 0 || o.revoked.refreshTokens.length > 0) check(plan.revoked[c], view, tag);
}

/**
 * Self-loops (the world unchanged) whose event type, branch and reason were recorded before need no
 * coverage recorded again: a slot per (branch of the tenant machine, reason), the branches numbered
 * across event types.
 */
export function quietKeys(): { size: number; of(type: string, branch: string, reason: string | undefined): number } {
  const branchIds = Object.fromEntries(Object.entries(TENANT_BRANCHES).map(([type, bs], t) => [type, Object.fromEntries(bs.map((b, i) => [b.actions, t * 64 + i]))])) as Record<string, Record<string, number>>;
  const reasonIds: Record<string, number> = Object.fromEntries(['', ...REASONS, 'already_revoked'].map((r, i) => [r, i]));
  if (Object.keys(reasonIds).length > 16 || Object.values(TENANT_BRANCHES).some((bs) => bs.length > 64)) throw new Error('explorer: too many reasons or branches for the self-loop table');
  return { size: 64 * Object.keys(TENANT_BRANCHES).length * 16, of: (type, branch, reason) => branchIds[type][branch] * 16 + reasonIds[reason ?? ''] };
}

// ---------------------------------------------------------------------------------------------

export function explore(setting: Setting, scope: Scope, opts: ExploreOptions): ExploreResult {
  const started = performance.now();
  const model = opts.model ?? createModel(setting);
  // the model steps, and methodAllowed answers for twins, with the model's setting; properties and coverage judge with `setting`
  if (model.setting !== setting) throw new Error('explorer: a model given must be built from the setting explored (explore(model.setting, ...))');
  const depthBound = opts.depth ?? scope.depth;
  const maxStates = opts.maxStates ?? Infinity;
  const enumerator = createEnumerator(setting, scope);
  const canon = createCanonicalizer(setting, scope, { canonical: opts.canonical ?? true, symmetry: opts.symmetry ?? true });
  const deviceNames = setting.population.devices.map((d) => d.name);
  const props = opts.properties.map((p) => ({ p, relevance: opts.fullChecks ? 'always' as Relevance : p.relevance ?? 'always' }));
  const plan = planProperties(props.map((x) => x.relevance));
  const everyProperty = props.map((_, i) => i);
  const checks = props.map((x) => x.p);
  const coverage = emptyCoverage();
  const recordCoverage = opts.coverage ?? true;
  // with coveringPaths: the transitions that first reached coverage items, and the items
  const firstReached: { parent: number; event: ModelEvent; covers: string[] }[] = [];
  const coverageSizes = () => Object.values(coverage).map((set) => set.size);
  /** Records a transition's coverage: all of it (recordStep), or only its outcome row (the rest known). */
  const record = (view: StepView, result: StepResult | null, parent: number) => {
    const before = opts.coveringPaths ? coverageSizes() : null;
    if (result) recordStep(coverage, view, result.branch);
    else recordOutcomeRow(coverage, view);
    if (before === null) return;
    const covers = Object.entries(coverage).flatMap(([k, set], i) => [...set].slice(before[i]).map((x) => `${k}: ${x}`));
    if (covers.length > 0) firstReached.push({ parent, event: view.event, covers });
  };
  const quietKey = quietKeys();
  const quietSeen = new Uint8Array(quietKey.size);
  /** Whether a self-loop of this type, branch and reason was recorded before (and marks it so). */
  const seenQuiet = (type: string, branch: string, reason: string | undefined): boolean => {
    const k = quietKey.of(type, branch, reason);
    if (quietSeen[k] === 1) return true;
    quietSeen[k] = 1;
    return false;
  };
  const counterexamples = new Map<string, ExploreCounterexample>();
  // found[i]: the first violation of property i (its parent state and event); null while none
  // (a property listed twice shares one entry, as the map by id did: slot[i] = first index of its id)
  const found: ({ parent: number; event: ModelEvent } | null)[] = props.map(() => null);
  const slot = props.map(({ p }) => props.findIndex((x) => x.p.id === p.id));
  let unfound = props.length;

  const visited = new FingerprintSet();
  const parents = new Parents();
  const fp: Fingerprint = { lo: 0, hi: 0 };
  canon.fingerprint(model.initial, fp);
  visited.add(fp.lo, fp.hi);
  parents.push(0, -1, 0);
  let states = 1;
  let transitions = 0;
  let twinTransitions = 0;
  let maxDepth = 0;
  let complete = false;
  let peakFrontier = 1;
  const statesByDepth = [1];

  /** Calls the listed properties on the view; records the first violation of each. */
  const check = (list: readonly number[], view: StepView, parent: number) => {
    for (let j = 0; j < list.length; j++) {
      const i = list[j];
      if (found[slot[i]] !== null) continue;
      if (checks[i].check(view) !== null) { found[slot[i]] = { parent, event: view.event }; unfound--; }
    }
  };

  let frontier: World[] = [model.initial];
  let frontierIds: number[] = [0];
  let stopped = false;
  const reads = enumerator.reads;
  const useTwins = opts.twins ?? true;
  const twins = new Twins(enumerator, (x, y) => methodAllowed(setting, x as EventOf<'AUTHORIZE'>) === methodAllowed(setting, y as EventOf<'AUTHORIZE'>));
  for (let depth = 0; depth < depthBound && !stopped; depth++) {
    const next: World[] = [];
    const nextIds: number[] = [];
    const fromInitial = depth === 0;
    for (let f = 0; f < frontier.length && !stopped; f++) {
      const world = frontier[f];
      const parentId = frontierIds[f];
      const events = enumerator.events(world);
      canon.setBase(world);
      // the last successor of this world that was not a self-loop, and its event's type
      let previous: StepResult | null = null;
      let previousType = '';
      twins.expand(events.length);
      for (let k = 0; k < events.length; k++) {
        const event = events[k];
        // twins (Twins above). Measured on the default scope: 87,710 of the 123,492 /authorize transitions
        // (71 %) are twins: refusals read neither offline_access nor, unless the token gets as far as that
        // check, the organization; the golden configuration allows both methods, and the step asks only that
        // (~205 -> ~145 ms, best of 25)
        if (useTwins && enumerator.groupOffset[k] > 0) {
          const twin = twins.of(events, k);
          if (twin >= 0) {
            if (twins.copy(k, twin) === 1) { transitions++; twinTransitions++; }
            continue;
          }
        }
        reads.mask = 0;
        const result: StepResult = model.step(world, event, depth + 1);
        const after = result.world;
        const same = sameWorld(world, after, deviceNames);
        if (!same && !enumerator.withinBoundsFrom(world, after)) { twins.record(k, reads.mask, 0); continue; }
        transitions++;
        const observation = result.observation;
        const view: StepView = { setting, event, observation, before: world, after };
        // a successor equal to the previous one is that state again: known (and added if it was new)
        const again = !same && previous !== null && sameWorld(after, previous.world, deviceNames);
        // Coverage: what a transition reaches is its reason, branch, status moves and (an /authorize's)
        // outcome row (recordStep). A self-loop moves no status, and one equal to the previous successor with
        // the same branch and reason moves the same ones: of these, when the branch and reason are known,
        // only the outcome row can be new.
        if (recordCoverage) {
          const known = same ? seenQuiet(event.type, result.branch, observation.reason)
            : again && previousType === event.type && previous!.branch === result.branch && previous!.observation.reason === observation.reason;
          if (!known) record(view, result, parentId);
          else if (event.type === 'AUTHORIZE') record(view, null, parentId);
        }
        let isNew = false;
        if (!same) {
          if (!again) {
            canon.fingerprint(after, fp);
            isNew = visited.add(fp.lo, fp.hi);
          }
          previous = result;
          previousType = event.type;
        }
        if (unfound > 0) checkPlanned(plan, fromInitial ? everyProperty : null, view, isNew, check, parentId);
        if (isNew) {
          parents.push(states, parentId, k);
          if (depth + 1 < depthBound) { next.push(after); nextIds.push(states); }
          states++;
          statesByDepth[depth + 1] = (statesByDepth[depth + 1] ?? 0) + 1;
          maxDepth = depth + 1;
          if (states >= maxStates) { stopped = true; break; }
        }
        twins.record(k, reads.mask, 1);
      }
    }
    peakFrontier = Math.max(peakFrontier, frontier.length + next.length);
    opts.onProgress?.({ depth: depth + 1, states, transitions, frontier: next.length, elapsedMs: performance.now() - started });
    if (statesByDepth[depth + 1] === undefined) { complete = !stopped; break; }
    frontier = next;
    frontierIds = nextIds;
  }

  // Rebuild and replay each counterexample: the events from the initial world to the violating step.
  for (const [i, { p }] of props.entries()) {
    const f = found[slot[i]];
    if (f && !counterexamples.has(p.id)) counterexamples.set(p.id, replayCounterexample(model, enumerator, parents, p, f.parent, f.event));
  }

  return {
    scope: scope.name, depth: depthBound, states, transitions, maxDepth, complete, counterexamples, coverage,
    elapsedMs: performance.now() - started,
    bytesPerState: (visited.bytes + parents.bytes) / states,
    statesByDepth, peakFrontier, twinTransitions,
    ...(opts.coveringPaths ? { coveringPaths: firstReached.map((f) => ({ covers: f.covers, events: [...pathTo(model, enumerator, parents, f.parent), plainEvent(f.event)] })) } : {}),
  };
}

/**
 * Shortest paths (within the scope) that together reach every coverage item reachable in this setting:
 * every reason code, /authorize outcome row, actor state, lifecycle transition and tenant branch. The
 * conformance harness starts with them (n2w conform, n2w paths).
 */
export function coveringPaths(setting: Setting, scope: Scope = DEFAULT): CoveringPath[] {
  return explore(setting, scope, { properties: [], coveringPaths: true }).coveringPaths!;
}

/** The counterexample of property p whose last step is `event` from state `parent`, replayed from the initial world. */
export function replayCounterexample(model: Model, enumerator: EventEnumerator, parents: Parents, p: Property, parent: number, event: ModelEvent): ExploreCounterexample {
  const events = [...pathTo(model, enumerator, parents, parent), plainEvent(event)];
  const replay = runEvents(model, events);
  const beforeLast = runEvents(model, events.slice(0, -1)).world;
  const last = replay.observations[replay.observations.length - 1];
  const message = p.check({ setting: model.setting, event, observation: last, before: beforeLast, after: replay.world });
  if (message === null) throw new Error(`explorer: the counterexample of ${p.id} does not replay (${events.length} events)`);
  return { property: p.id, kind: p.kind, message, events, observations: replay.observations };
}

/** The events from the initial world to state `id`, by replaying event indices. */
export function pathTo(model: Model, enumerator: EventEnumerator, parents: Parents, id: number): ModelEvent[] {
  const indices: number[] = [];
  for (let s = id; s > 0; s = parents.parent[s]) indices.push(parents.event[s]);
  indices.reverse();
  const events: ModelEvent[] = [];
  let world = model.initial;
  indices.forEach((k, i) => {
    const e = plainEvent(enumerator.events(world)[k]);
    events.push(e);
    world = model.step(world, e, i + 1).world;
  });
  return events;
}

export type { EventType };
