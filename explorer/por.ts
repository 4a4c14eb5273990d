// explorer/por.ts: the independence relation of the explorer's partial-order reduction (sleep sets,
// search.ts with `por: true`). Two events are independent at a world when neither writes what the other
// reads or writes: then both orders reach the same world (ids included: creations are one object, so two
// of them never commute), each is still enabled after the other, and each answers, logs and is judged the
// same either way, because the properties and coverage read of a step only what its footprint names.
//
// Sleep sets keep every state of the depth-bounded search and every trace up to reordering, so the same
// states, violations and shortest counterexamples: they prune transitions (a diamond closed twice), never
// states. Persistent (ample) sets would prune states too, but delay events past the depth bound and
// lengthen counterexamples, which a bounded breadth-first verdict cannot allow.
import type { ModelEvent } from '../machines/events.js';
import { refreshToken, type World } from '../machines/world.js';

/** What an event reads and writes, as object names; `*` after a prefix stands for every object of it. */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

const ALL_FAMILIES = 'fam:*';
const ALL_TRANSFER = 'stt:*';
const ALL_NETWORKS = 'net:*';
const ALL_DEVICES = 'dev:*';
/** every session (a login, a logout, a cascade or an expiry can touch any) */
const SESSIONS = 'sessions';
/** artifact creation: the next id of each kind (MODEL.md §3 counts ids in creation order) */
const NEW = 'new';
/** the clock: every expiry, every recorded time */
const CLOCK = 'clock';

/**
 * The footprint of `e` at `w`. Conservative where the model is subtle: a step that may cascade (a revocation,
 * a login replacing a session, an expiry) writes every family, transfer token and session; a redemption
 * reads every network (the goals judge where the attacker's and the victim's devices are).
 */
export function footprint(e: ModelEvent, w: World): Footprint {
  switch (e.type) {
    case 'MOVE_DEVICE': return { reads: [], writes: [`net:${e.device}`] };
    case 'ADVANCE_TIME': return { reads: [], writes: [CLOCK, ALL_FAMILIES, ALL_TRANSFER, SESSIONS, ALL_DEVICES] };
    case 'NATIVE_LOGIN': return { reads: [`net:${e.device}`, CLOCK], writes: [NEW] };
    case 'MINT_TRANSFER_TOKEN':
    case 'REFRESH': {
      const rt = refreshToken(w, e.refreshToken);
      const family = `fam:${rt?.family ?? e.refreshToken}`;
      // a web token's session: nesting (R21) and Online Refresh Tokens (N2) read or touch it
      return { reads: [`net:${rt?.device ?? '?'}`, CLOCK, SESSIONS], writes: [family, NEW, ...(rt?.client === 'web' ? [SESSIONS] : [])] };
    }
    case 'REVOKE_REFRESH_TOKEN': {
      const rt = refreshToken(w, e.refreshToken);
      return { reads: [`net:${rt?.device ?? '?'}`, CLOCK], writes: [ALL_FAMILIES, ALL_TRANSFER, SESSIONS, ALL_DEVICES] };
    }
    case 'AUTHORIZE':
    case 'WEB_LOGIN':
      return { reads: [ALL_NETWORKS, CLOCK, ALL_FAMILIES, ALL_TRANSFER], writes: [`dev:${e.device}`, NEW, SESSIONS, ALL_FAMILIES, ALL_TRANSFER] };
    case 'REVOKE_SESSION':
      return { reads: [ALL_NETWORKS, CLOCK], writes: [ALL_DEVICES, SESSIONS, ALL_FAMILIES, ALL_TRANSFER] };
  }
}

/** Whether object names a and b can be the same object. */
function overlap(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = a.indexOf(':');
  const pb = b.indexOf(':');
  if (pa < 0 || pb < 0 || a.slice(0, pa) !== b.slice(0, pb)) return false;
  return a.endsWith(':*') || b.endsWith(':*');
}

const meets = (xs: readonly string[], ys: readonly string[]) => xs.some((x) => ys.some((y) => overlap(x, y)));

/** Independent: neither writes what the other reads or writes. */
export function independent(a: Footprint, b: Footprint): boolean {
  return !meets(a.writes, b.writes) && !meets(a.writes, b.reads) && !meets(b.writes, a.reads);
}

/** A key naming an event the same way at every world (the fields of MODEL.md §3, in a fixed order). */
export function eventKey(e: ModelEvent): string {
  const r = e as Record<string, unknown>;
  return `${e.type}|${r.user ?? ''}|${r.device ?? ''}|${r.refreshToken ?? ''}|${r.transferToken ?? ''}|${r.method ?? ''}|${r.organization ?? ''}|${r.offlineAccess ?? ''}|${r.client ?? ''}|${r.session ?? ''}|${r.by ?? ''}|${r.seconds ?? ''}|${r.network ?? ''}`;
}
