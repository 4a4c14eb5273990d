// explorer/config-classes.ts: exploring once per class of configurations the scope cannot tell apart.
// An exploration is a deterministic function of its inputs, and the configuration enters it only through
// the fields the model, the properties, the enumerator and the canonicaliser read. Exploring through a
// configuration whose fields record every read (a bit per field) gives the set R of fields that influenced
// the run; any configuration that agrees on R would run step for step the same way, reading the same
// fields, and so give the same states, transitions, counterexamples (their messages quote only fields
// read) and coverage. `n2w check` and `n2w explore --all-configs` explore one configuration per class and
// reuse its result for the others; a test compares reuse with exploring directly.
import { CLIENT_KEYS, CONFIG_KEYS, type ClientSettings, type Config } from '../machines/config.js';

// Every field of the configuration table has a bit: the native app's fields, then the web app's, then
// the configuration's own (machines/config.ts): a field added there is tracked here without an edit.
/** Bit of a client field. */
const bit = (client: 'native' | 'web', i: number) => 1 << ((client === 'native' ? 0 : CLIENT_KEYS.length) + i);
/** Bit of one of the configuration's own fields. */
const configBit = (i: number) => 1 << (2 * CLIENT_KEYS.length + i);
if (2 * CLIENT_KEYS.length + CONFIG_KEYS.length > 31) throw new Error('config-classes: more configuration fields than bits in a read mask');

/** Where the reads of a tracked configuration are recorded. */
export interface Reads { mask: number }

/**
 * A configuration equal to `c` whose every field read sets its bit in `reads.mask`. The getters live on
 * shared prototypes (below), so every tracked configuration reads through the same functions and the
 * read sites stay monomorphic (per-object getter closures, or redefining a field as a value after its
 * first read, make every read site polymorphic or put the object in dictionary mode).
 */
export function trackedConfig(c: Config, reads: Reads): Config {
  return Object.freeze(new TrackedConfig(c, reads)) as unknown as Config;
}

class TrackedClient {
  readonly #values: ClientSettings;
  readonly #reads: Reads;
  readonly #shift: number;
  constructor(values: ClientSettings, reads: Reads, client: 'native' | 'web') {
    this.#values = values;
    this.#reads = reads;
    this.#shift = client === 'native' ? 0 : CLIENT_KEYS.length;
  }
  static {
    CLIENT_KEYS.forEach((f, i) => Object.defineProperty(TrackedClient.prototype, f, {
      enumerable: true,
      get(this: TrackedClient) { this.#reads.mask |= 1 << (this.#shift + i); return this.#values[f]; },
    }));
  }
  // (JSON and spreads see the fields as a plain client's)
  toJSON(): ClientSettings { return Object.fromEntries(CLIENT_KEYS.map((f) => [f, this.#values[f]])) as unknown as ClientSettings; }
}

class TrackedConfig {
  readonly native: ClientSettings;
  readonly web: ClientSettings;
  readonly #values: Config;
  readonly #reads: Reads;
  constructor(c: Config, reads: Reads) {
    this.native = Object.freeze(new TrackedClient(c.native, reads, 'native')) as unknown as ClientSettings;
    this.web = Object.freeze(new TrackedClient(c.web, reads, 'web')) as unknown as ClientSettings;
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
    return { ...Object.fromEntries(CONFIG_KEYS.map((f) => [f, this.#values[f]])), native: this.native, web: this.web } as Config;
  }
}

/** The values `c` takes on the fields of `mask`, as a string key. */
export function signature(c: Config, mask: number): string {
  const parts: string[] = [];
  for (const name of ['native', 'web'] as const) {
    CLIENT_KEYS.forEach((f, i) => { if (mask & bit(name, i)) parts.push(String(c[name][f])); else parts.push('*'); });
  }
  CONFIG_KEYS.forEach((f, i) => parts.push(mask & configBit(i) ? String(c[f]) : '*'));
  return parts.join('|');
}

/** The bits of the fields on which two configurations differ (compared as `signature` compares them). */
export function differingFields(a: Config, b: Config): number {
  let m = 0;
  for (const name of ['native', 'web'] as const) {
    CLIENT_KEYS.forEach((f, i) => { if (String(a[name][f]) !== String(b[name][f])) m |= bit(name, i); });
  }
  CONFIG_KEYS.forEach((f, i) => { if (String(a[f]) !== String(b[f])) m |= configBit(i); });
  return m;
}

/** Results of explored configurations, found again by any configuration of the same class. */
export class ConfigClasses<T> {
  private readonly byMask = new Map<number, Map<string, T>>();

  find(c: Config): T | undefined {
    for (const [mask, bySignature] of this.byMask) {
      const hit = bySignature.get(signature(c, mask));
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  add(c: Config, mask: number, result: T): void {
    let bySignature = this.byMask.get(mask);
    if (!bySignature) this.byMask.set(mask, (bySignature = new Map()));
    bySignature.set(signature(c, mask), result);
  }

  get size(): number {
    let n = 0;
    for (const m of this.byMask.values()) n += m.size;
    return n;
  }
}
