// cli/report/conditions.ts: a set of configurations, summarised as flag conditions a person can read.
// Given the configurations checked and the subset where a goal failed, finds a short disjunction of
// conjunctions of flag literals ("enforce_device_binding is asn or none and allow_refresh_token is
// true") that covers exactly that subset: greedy set cover over terms of at most MAX_LITERALS literals,
// each term valid only if every checked configuration it matches failed. What no such term covers is
// listed configuration by configuration.
import { DIMENSIONS, dimensionValues, type Config, type DimensionValue } from '../../machines/config.js';

/** A flag the conditions may name: `native.rotation_type`, `web.enforce_device_binding`, `web-app-2.allow_refresh_token`, ... */
type DimensionKey = `${string}.${string}`;
/** The flags conditions are written in, with the values each takes in a configuration. */
export interface ConditionDimensions<P = Config> {
  readonly dimensions: readonly { readonly key: DimensionKey; readonly values: readonly DimensionValue[] }[];
  readonly valuesOf: (c: P) => Record<DimensionKey, DimensionValue>;
}
/** The configuration space's dimensions (MODEL.md §2). */
export const SPACE_DIMENSIONS: ConditionDimensions = { dimensions: DIMENSIONS, valuesOf: dimensionValues };

const MAX_LITERALS = 4;

export interface Literal { key: DimensionKey; values: DimensionValue[] }
export interface Term { literals: Literal[]; text: string; matches: number[] }
export interface Condition {
  /** indexes (into the configurations given) where the goal failed */
  failing: number[];
  terms: Term[];
  /** failing configurations no term covers */
  uncovered: number[];
  text: string;
}

/** A fixed-size set of configuration indexes. */
class Bits {
  constructor(readonly w: Uint32Array) {}
  static empty(n: number): Bits { return new Bits(new Uint32Array((n + 31) >>> 5)); }
  set(i: number): void { this.w[i >>> 5] |= 1 << (i & 31); }
  has(i: number): boolean { return (this.w[i >>> 5] & (1 << (i & 31))) !== 0; }
  and(o: Bits): Bits { return new Bits(this.w.map((x, k) => x & o.w[k])); }
  or(o: Bits): void { for (let k = 0; k < this.w.length; k++) this.w[k] |= o.w[k]; }
  intersects(o: Bits): boolean { return this.w.some((x, k) => (x & o.w[k]) !== 0); }
  subsetOf(o: Bits): boolean { return this.w.every((x, k) => (x & ~o.w[k]) === 0); }
  isEmpty(): boolean { return this.w.every((x) => x === 0); }
  /** how many members are not in `o` */
  countNotIn(o: Bits): number {
    let c = 0;
    for (let k = 0; k < this.w.length; k++) for (let x = this.w[k] & ~o.w[k]; x; x &= x - 1) c++;
    return c;
  }
  indexes(n: number): number[] { const r: number[] = []; for (let i = 0; i < n; i++) if (this.has(i)) r.push(i); return r; }
}

/** Every non-empty proper subset of a dimension's values, as literals. */
function literalsOf(key: DimensionKey, values: readonly DimensionValue[]): Literal[] {
  const out: Literal[] = [];
  for (let mask = 1; mask < (1 << values.length) - 1; mask++) out.push({ key, values: values.filter((_, i) => mask & (1 << i)) });
  return out;
}

export function literalText(l: Literal): string {
  const dot = l.key.indexOf('.');
  const who = l.key.slice(0, dot), field = l.key.slice(dot + 1);
  // an interpretation switch (sensitivity.ts): its id alone, as the spec names it
  const name = who === 'reading' ? field : `${who} ${field}`;
  if (field === 'allowed_authentication_methods') {
    const has = (m: string) => ['cookie', 'query', 'cookie+query', 'none'].filter((v) => v.includes(m));
    const same = (a: readonly DimensionValue[], b: string[]) => a.length === b.length && b.every((x) => a.includes(x));
    if (same(l.values, has('query'))) return `${name} include query`;
    if (same(l.values, has('cookie'))) return `${name} include cookie`;
    if (same(l.values, ['cookie', 'query', 'cookie+query'])) return `${name} is not empty`;
    return `${name} is ${l.values.map((v) => (v === 'none' ? '[]' : `[${String(v).replace('+', ', ')}]`)).join(' or ')}`;
  }
  if (l.values.length === 1 && typeof l.values[0] === 'boolean') return `${name} is ${l.values[0]}`;
  return `${name} is ${l.values.join(' or ')}`;
}

export function summarise<P = Config>(configs: readonly P[], failing: ReadonlySet<number>, dims: ConditionDimensions<P> = SPACE_DIMENSIONS as unknown as ConditionDimensions<P>): Condition {
  const n = configs.length;
  const values = configs.map(dims.valuesOf);
  const fail = Bits.empty(n);
  for (const i of failing) fail.set(i);
  const failingList = fail.indexes(n);
  if (failingList.length === 0) return { failing: [], terms: [], uncovered: [], text: 'holds in every configuration checked' };
  if (failingList.length === n) {
    return { failing: failingList, terms: [{ literals: [], text: 'any configuration checked', matches: failingList }], uncovered: [], text: 'fails in every configuration checked' };
  }

  const literals = dims.dimensions.flatMap((d) => literalsOf(d.key, d.values)).map((l) => {
    const b = Bits.empty(n);
    values.forEach((v, i) => { if (l.values.includes(v[l.key])) b.set(i); });
    return { l, b };
  });
  // Every valid term of up to MAX_LITERALS literals on distinct dimensions.
  const valid: { lits: Literal[]; b: Bits }[] = [];
  const grow = (start: number, lits: Literal[], b: Bits | null) => {
    if (b && !b.isEmpty() && b.subsetOf(fail)) { valid.push({ lits, b }); return; } // shorter is better: do not extend a valid term
    if (lits.length === MAX_LITERALS) return;
    for (let k = start; k < literals.length; k++) {
      if (lits.some((x) => x.key === literals[k].l.key)) continue;
      const nb = b ? b.and(literals[k].b) : literals[k].b;
      if (!nb.intersects(fail)) continue; // matches no failing configuration
      grow(k + 1, [...lits, literals[k].l], nb);
    }
  };
  grow(0, [], null);

  const covered = Bits.empty(n);
  const terms: Term[] = [];
  for (;;) {
    let best: { lits: Literal[]; b: Bits } | null = null;
    let bestGain = 0;
    for (const t of valid) {
      const gain = t.b.countNotIn(covered);
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && t.lits.length < best.lits.length)) { best = t; bestGain = gain; }
    }
    if (!best) break;
    covered.or(best.b);
    terms.push({ literals: best.lits, text: best.lits.map(literalText).join(' and '), matches: best.b.indexes(n) });
  }
  const uncovered = failingList.filter((i) => !covered.has(i));
  const parts = terms.map((t) => t.text);
  if (uncovered.length) parts.push(`${uncovered.length} other configuration${uncovered.length > 1 ? 's' : ''} listed`);
  return { failing: failingList, terms, uncovered, text: `fails when ${parts.join('; or when ')}` };
}
