// explorer/enumerate.ts: the scope's events at a world, in a fixed order. Event objects are cached and shared
// (the model never mutates them); watched fields are getters that report their reads (twins.ts).
import { EVENT_TYPES, keepMethodForAllowance, sentMethod, type EventType, type ModelEvent } from '../machines/events.js';
import { webApps, type Method } from '../machines/config.js';
import type { Setting } from '../machines/setting.js';
import { deviceSession, type World } from '../machines/world.js';
import { refusedByCapabilities } from '../machines/attacker.js';
import { timeStepSeconds, type Scope } from './scopes.js';

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
   * counted again (the bounds are checked on every transition).
   */
  withinBoundsFrom(from: World, w: World): boolean;
}

/**
 * The event fields whose reads an enumerator watches, as bits. Two events of one parent world that
 * differ only in fields the processing of the first never read (the step, coverage, every property
 * called) are processed alike: the second is the first's twin (explore() below).
 */
export const WATCHED = { offlineAccess: 1, organization: 2, method: 4 } as const;
/** The WATCHED bits of the fields in which two events of one group differ (their variants, above). */
export const variantDiff = (a: number, b: number): number => {
  const d = a ^ b;
  return ((d & 0xff) !== 0 ? 1 : 0) | ((d & 0xff00) !== 0 ? 2 : 0) | ((d & 0xff0000) !== 0 ? 4 : 0);
};

/** An event as a plain object (enumerated events read watched fields through getters): for paths and files. */
export function plainEvent(e: ModelEvent): ModelEvent {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined) o[k] = v;
  return o as ModelEvent;
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
  const group = (into: Block, fixed: ModelEvent, ms: readonly Method[] | null, organizations: readonly (string | null)[] | null, offs: readonly boolean[], client: { client?: string } = {}) => {
    const start = into.events.length;
    (ms ?? [undefined]).forEach((method, m) => (organizations ?? [null]).forEach((org, o) => offs.forEach((off, f) => {
      const e = { ...fixed } as Record<string, unknown>;
      if (ms !== null) {
        field(e, 'method', WATCHED.method, ms.length > 1, method);
        keepMethodForAllowance(e, method);
      }
      if (organizations !== null) field(e, 'organization', WATCHED.organization, organizations.length > 1, org ?? undefined);
      field(e, 'offlineAccess', WATCHED.offlineAccess, offs.length > 1, off ? true : undefined);
      if (client.client !== undefined) e.client = client.client;
      into.events.push(e as ModelEvent);
      into.variant.push(f | (o << 8) | (m << 16));
      into.groupOffset.push(into.events.length - 1 - start);
    })));
  };

  const nativeLogins: ModelEvent[] = a.NATIVE_LOGIN.map((n) => (n.organization
    ? { type: 'NATIVE_LOGIN', user: n.user, device: n.device, organization: n.organization }
    : { type: 'NATIVE_LOGIN', user: n.user, device: n.device }));
  // MODEL.md §8: browsers call /authorize and sign in for every web app (the first named by no client
  // field, so a one-app configuration's events are as they were); the client is no watched field, so
  // events for two apps are never twins
  const clients: ({ client?: string })[] = webApps(setting.config).map((w, i) => (i === 0 ? {} : { client: w.clientId }));
  const webLogins: Block[] = a.WEB_LOGIN.logins.map((l) => {
    const x = block();
    for (const c of clients) group(x, { type: 'WEB_LOGIN', device: l.device, user: l.user }, null, null, a.WEB_LOGIN.offlineAccess, c);
    return x;
  });
  const plainAuthorize = block();
  for (const device of a.AUTHORIZE.devices) for (const c of clients) group(plainAuthorize, { type: 'AUTHORIZE', device }, null, null, offs, c);
  const advance: ModelEvent[] = [...new Set(a.ADVANCE_TIME.flatMap((t) => timeStepSeconds(t, setting.config)))].map((seconds) => ({ type: 'ADVANCE_TIME', seconds }));
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
    for (const device of a.AUTHORIZE.devices) for (const c of clients) group(x, { type: 'AUTHORIZE', device, transferToken: `stt${i + 1}` }, methods, orgs, offs, c);
    return (perStt[i] = x);
  };
  const perSession: ModelEvent[] = [];
  const sessionEvent = (i: number) => (perSession[i] ??= { type: 'REVOKE_SESSION', session: `s${i + 1}` });
  // A19: an administrator's revocation differs from a logout only under A19 = always; tried only there
  const adminRevokes = setting.interpretations.A19 === 'always';
  const perAdmin: ModelEvent[] = [];
  const adminEvent = (i: number) => (perAdmin[i] ??= { type: 'REVOKE_SESSION', session: `s${i + 1}`, by: 'admin' });

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
    REVOKE_SESSION: { perSession: (i) => { if (a.REVOKE_SESSION) { push(sessionEvent(i)); if (adminRevokes) push(adminEvent(i)); } } },
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
  // MODEL.md §10: only what the attacker can make happen. A group of twins keeps its allowed members, each
  // pointing back to the first of them (the method is read through its unreported copy: no twin read)
  const attacker = setting.attacker;
  // newStart[s]: where the first kept member of the group starting at s went (-1: none yet); reused
  let newStart = new Int32Array(256);
  const keepAllowed = (w: World) => {
    if (newStart.length < buf.length) newStart = new Int32Array(buf.length * 2);
    newStart.fill(-1, 0, buf.length);
    let k = 0;
    for (let i = 0; i < buf.length; i++) {
      const e = buf[i];
      if (((e.type === 'AUTHORIZE' && e.transferToken !== undefined) || e.type === 'MOVE_DEVICE') && refusedByCapabilities(attacker, w, e, sentMethod(e)) !== null) continue;
      const s = i - groupOffset[i];
      if (newStart[s] < 0) newStart[s] = k;
      buf[k] = e; variant[k] = variant[i]; groupOffset[k] = k - newStart[s];
      k++;
    }
    buf.length = k; variant.length = k; groupOffset.length = k;
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
      keepAllowed(w);
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

