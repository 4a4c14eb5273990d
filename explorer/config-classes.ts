// explorer/config-classes.ts: exploring once per class of configurations the scope cannot tell apart.
// An exploration is a deterministic function of its inputs, and the configuration enters it only through
// the fields the model, the properties, the enumerator and the canonicaliser read. Exploring through a
// configuration whose fields record every read (a bit per field) gives the set R of fields that influenced
// the run; any configuration that agrees on R would run step for step the same way, reading the same
// fields, and so give the same states, transitions, counterexamples (their messages quote only fields
// read) and coverage. `n2w check` and `n2w explore --all-configs` explore one configuration per class and
// reuse its result for the others; a test compares reuse with exploring directly.
import type { ClientSettings, Config } from '../machines/config.js';

const CLIENT_FIELDS = [
  'canCreateSessionTransferToken', 'enforceCascadeRevocation', 'allowedAuthenticationMethods', 'enforceDeviceBinding',
  'allowRefreshToken', 'enforceOnlineRefreshTokens', 'rotationType',
] as const satisfies readonly (keyof ClientSettings)[];

/** Bit of a field: native fields 0..6, web fields 7..13, the TTL 14. */
const bit = (client: 'native' | 'web', i: number) => 1 << ((client === 'native' ? 0 : CLIENT_FIELDS.length) + i);
const TTL_BIT = 1 << (2 * CLIENT_FIELDS.length);

/** Where the reads of a tracked configuration are recorded. */
export interface Reads { mask: number }

/**
 * A configuration equal to `c` whose every field read sets its bit in `reads.mask`. The getters live on
 * shared prototypes (below), so every tracked configuration reads through the same functions and the
 * read sites stay monomorphic: measured, per-object getter closures made an exploration ~10% slower than
 * a plain configuration (and redefining a field as a value after its first read put the object in
 * dictionary mode, no better).
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
    this.#shift = client === 'native' ? 0 : CLIENT_FIELDS.length;
  }
  static {
    CLIENT_FIELDS.forEach((f, i) => Object.defineProperty(TrackedClient.prototype, f, {
      enumerable: true,
      get(this: TrackedClient) { this.#reads.mask |= 1 << (this.#shift + i); return this.#values[f]; },
    }));
  }
  // (JSON and spreads see the fields as a plain client's)
  toJSON(): ClientSettings { return Object.fromEntries(CLIENT_FIELDS.map((f) => [f, this.#values[f]])) as unknown as ClientSettings; }
}

class TrackedConfig {
  readonly native: ClientSettings;
  readonly web: ClientSettings;
  readonly #ttl: number;
  readonly #reads: Reads;
  constructor(c: Config, reads: Reads) {
    this.native = Object.freeze(new TrackedClient(c.native, reads, 'native')) as unknown as ClientSettings;
    this.web = Object.freeze(new TrackedClient(c.web, reads, 'web')) as unknown as ClientSettings;
    this.#ttl = c.transferTokenTtlSeconds;
    this.#reads = reads;
  }
  get transferTokenTtlSeconds(): number { this.#reads.mask |= TTL_BIT; return this.#ttl; }
  toJSON(): Config { return { transferTokenTtlSeconds: this.#ttl, native: this.native, web: this.web }; }
}

/** The values `c` takes on the fields of `mask`, as a string key. */
export function signature(c: Config, mask: number): string {
  const parts: string[] = [];
  for (const name of ['native', 'web'] as const) {
    CLIENT_FIELDS.forEach((f, i) => { if (mask & bit(name, i)) parts.push(String(c[name][f])); else parts.push('*'); });
  }
  parts.push(mask & TTL_BIT ? String(c.transferTokenTtlSeconds) : '*');
  return parts.join('|');
}

/** The bits of the fields on which two configurations differ (compared as `signature` compares them). */
export function differingFields(a: Config, b: Config): number {
  let m = 0;
  for (const name of ['native', 'web'] as const) {
    CLIENT_FIELDS.forEach((f, i) => { if (String(a[name][f]) !== String(b[name][f])) m |= bit(name, i); });
  }
  if (a.transferTokenTtlSeconds !== b.transferTokenTtlSeconds) m |= TTL_BIT;
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
