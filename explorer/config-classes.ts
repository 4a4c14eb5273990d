// explorer/config-classes.ts: exploring once per class of configurations the scope cannot tell apart.
// An exploration is a deterministic function of its inputs, and the configuration enters it only through
// the fields the model, the properties, the enumerator and the canonicaliser read. Exploring through a
// configuration whose fields record every read (a bit per field) gives the set R of fields that influenced
// the run; any configuration that agrees on R would run step for step the same way, reading the same
// fields, and so give the same states, transitions, counterexamples (their messages quote only fields
// read) and coverage. `n2w check` and `n2w explore --all-configs` explore one configuration per class and
// reuse its result for the others; a test compares reuse with exploring directly.
import { CLIENT_KEYS, CONFIG_KEYS, INTERPRETATION_KEYS, type ClientSettings, type Config, type Interpretations, type WebApp } from '../machines/config.js';

// Every field of the configuration table has a bit per tracked client (the native app's fields, then the
// first web app's, then the second's), then the configuration's own (machines/config.ts): a field added
// there is tracked here without an edit. The refresh-token lifetimes are read together
// (refreshTokenLifetimes), so they share one bit per client, which keeps three clients within 31 bits;
// a third web app and beyond share one bit for all their fields (such configurations are rare and
// seldom of one class).
export const LIFETIME_FIELDS: readonly (keyof ClientSettings)[] = ['expirationType', 'tokenLifetime', 'infiniteTokenLifetime', 'idleTokenLifetime', 'infiniteIdleTokenLifetime'];
/** The bit slot of each client field (CLIENT_KEYS' order): its own, or the lifetimes' shared one. */
const SLOT: readonly number[] = (() => {
  const out: number[] = [];
  let next = 0, lifetimes = -1;
  for (const k of CLIENT_KEYS) {
    if (LIFETIME_FIELDS.includes(k)) out.push(lifetimes < 0 ? (lifetimes = next++) : lifetimes);
    else out.push(next++);
  }
  return out;
})();
const SLOTS = Math.max(...SLOT) + 1;
/** Clients with a bit per slot: the native app, the first web app, the second web app. */
const TRACKED_CLIENTS = 3;
/** Bit of a client field; client 0 is the native app, 1 the first web app, 2 the second. */
const bit = (client: number, i: number) => 1 << (client * SLOTS + SLOT[i]);
/** Bit of one of the configuration's own fields. */
const configBit = (i: number) => 1 << (TRACKED_CLIENTS * SLOTS + i);
/** Every field of a third web app and beyond. */
const LATER_WEB_BIT = 1 << (TRACKED_CLIENTS * SLOTS + CONFIG_KEYS.length);
if (TRACKED_CLIENTS * SLOTS + CONFIG_KEYS.length + 1 > 31) throw new Error('config-classes: more configuration fields than bits in a read mask');
const clientBit = (client: number, i: number) => (client < TRACKED_CLIENTS ? bit(client, i) : LATER_WEB_BIT);

/** Where the reads of a tracked configuration are recorded. */
export interface Reads { mask: number }

/**
 * A configuration equal to `c` whose every field read sets its bit in `reads.mask`. The getters live on
 * shared prototypes (below), so every tracked configuration reads through the same functions and the
 * read sites stay monomorphic (per-object getter closures, or redefining a field as a value after its
 * first read, make every read site polymorphic or put the object in dictionary mode).
 * (The web apps' client_ids are not tracked: a signature always includes them.)
 */
export function trackedConfig(c: Config, reads: Reads): Config {
  return Object.freeze(new TrackedConfig(c, reads)) as unknown as Config;
}

class TrackedClient {
  readonly #values: ClientSettings;
  readonly #reads: Reads;
  readonly #client: number;
  constructor(values: ClientSettings, reads: Reads, client: number) {
    this.#values = values;
    this.#reads = reads;
    this.#client = client;
  }
  static {
    CLIENT_KEYS.forEach((f, i) => Object.defineProperty(TrackedClient.prototype, f, {
      enumerable: true,
      get(this: TrackedClient) { this.#reads.mask |= clientBit(this.#client, i); return this.#values[f]; },
    }));
  }
  // (JSON and spreads see the fields as a plain client's)
  toJSON(): ClientSettings { return Object.fromEntries(CLIENT_KEYS.map((f) => [f, this.#values[f]])) as unknown as ClientSettings; }
}

class TrackedConfig {
  readonly native: ClientSettings;
  readonly web: ClientSettings;
  readonly webClientId: string;
  readonly moreWeb: readonly WebApp[];
  /** the same for every configuration of a run (an Action is given for the whole space): not a tracked read */
  readonly postLoginAction: string | null;
  readonly #values: Config;
  readonly #reads: Reads;
  constructor(c: Config, reads: Reads) {
    this.native = Object.freeze(new TrackedClient(c.native, reads, 0)) as unknown as ClientSettings;
    this.web = Object.freeze(new TrackedClient(c.web, reads, 1)) as unknown as ClientSettings;
    this.webClientId = c.webClientId;
    this.postLoginAction = c.postLoginAction;
    this.moreWeb = Object.freeze(c.moreWeb.map((a, i) => Object.freeze({ ...a, settings: Object.freeze(new TrackedClient(a.settings, reads, i + 2)) as unknown as ClientSettings })));
    this.#values = c;
    this.#reads = reads;
  }
  static {
    CONFIG_KEYS.forEach((f, i) => Object.defineProperty(TrackedConfig.prototype, f, {
      enumerable: true,
      get(this: TrackedConfig) { this.#reads.mask |= configBit(i); return this.#values[f]; },
    }));
  }
  toJSON(): Config {
    return { ...Object.fromEntries(CONFIG_KEYS.map((f) => [f, this.#values[f]])), native: this.native, web: this.web, webClientId: this.webClientId, moreWeb: this.moreWeb, postLoginAction: this.postLoginAction } as Config;
  }
}

/** Each client's settings, in bit order (native, first web app, further web apps). */
const clientsOf = (c: Config): ClientSettings[] => [c.native, c.web, ...c.moreWeb.map((a) => a.settings)];

/** The values `c` takes on the fields of `mask`, as a string key (with its web apps' client_ids, always). */
export function signature(c: Config, mask: number): string {
  const parts: string[] = [c.webClientId, ...c.moreWeb.map((a) => a.clientId), ...(c.postLoginAction === null ? [] : [c.postLoginAction]), '/'];
  clientsOf(c).forEach((s, client) => {
    CLIENT_KEYS.forEach((f, i) => { parts.push(mask & clientBit(client, i) ? String(s[f]) : '*'); });
  });
  CONFIG_KEYS.forEach((f, i) => parts.push(mask & configBit(i) ? String(c[f]) : '*'));
  return parts.join('|');
}

/** The bits of the fields on which two configurations differ (compared as `signature` compares them). */
export function differingFields(a: Config, b: Config): number {
  const ca = clientsOf(a), cb = clientsOf(b);
  // web apps named differently, or more of them in one: every bit, so that no step is shared
  if (ca.length !== cb.length || signature(a, 0) !== signature(b, 0)) return 0x7fffffff;
  let m = 0;
  ca.forEach((s, client) => {
    CLIENT_KEYS.forEach((f, i) => { if (String(s[f]) !== String(cb[client][f])) m |= clientBit(client, i); });
  });
  CONFIG_KEYS.forEach((f, i) => { if (String(a[f]) !== String(b[f])) m |= configBit(i); });
  return m;
}

// The interpretation switches (MODEL.md §2) are tracked the same way, a bit per switch in a mask of their
// own: an exploration that never read A19 gives the same result under either reading of it, so checking
// every combination of readings (--interpretations all) explores once per class of (configuration, readings).

/** Interpretations equal to `i` whose every switch read sets its bit in `reads.mask`. */
export function trackedInterpretations(i: Interpretations, reads: Reads): Interpretations {
  return Object.freeze(new TrackedInterpretations(i, reads)) as unknown as Interpretations;
}

class TrackedInterpretations {
  readonly #values: Interpretations;
  readonly #reads: Reads;
  constructor(values: Interpretations, reads: Reads) {
    this.#values = values;
    this.#reads = reads;
  }
  static {
    INTERPRETATION_KEYS.forEach((k, i) => Object.defineProperty(TrackedInterpretations.prototype, k, {
      enumerable: true,
      get(this: TrackedInterpretations) { this.#reads.mask |= 1 << i; return this.#values[k]; },
    }));
  }
  toJSON(): Interpretations { return { ...this.#values }; }
}

/** The switches of an interpretation mask, by id. */
export const switchesRead = (mask: number): (keyof Interpretations)[] => INTERPRETATION_KEYS.filter((_, i) => mask & (1 << i));

const interpretationSignature = (i: Interpretations, mask: number) => INTERPRETATION_KEYS.map((k, b) => (mask & (1 << b) ? String(i[k]) : '*')).join('|');

/**
 * Results of explored configurations, found again by any configuration of the same class; with
 * interpretations, by any (configuration, interpretations) agreeing on the fields and switches read.
 */
export class ConfigClasses<T> {
  private readonly byMask = new Map<string, { mask: number; imask: number; bySignature: Map<string, T> }>();

  find(c: Config, i?: Interpretations): T | undefined {
    for (const { mask, imask, bySignature } of this.byMask.values()) {
      const hit = bySignature.get(key(c, mask, i, imask));
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** `imask`: the interpretation switches read (all of them, when unknown: then only `i` itself finds it) */
  add(c: Config, mask: number, result: T, i?: Interpretations, imask = ALL_SWITCHES): void {
    const k = `${mask}/${i === undefined ? 0 : imask}`;
    let entry = this.byMask.get(k);
    if (!entry) this.byMask.set(k, (entry = { mask, imask: i === undefined ? 0 : imask, bySignature: new Map() }));
    entry.bySignature.set(key(c, mask, i, entry.imask), result);
  }

  get size(): number {
    let n = 0;
    for (const m of this.byMask.values()) n += m.bySignature.size;
    return n;
  }
}

const ALL_SWITCHES = (1 << INTERPRETATION_KEYS.length) - 1;
const key = (c: Config, mask: number, i: Interpretations | undefined, imask: number) =>
  `${signature(c, mask)}#${i === undefined ? '' : interpretationSignature(i, imask)}`;
