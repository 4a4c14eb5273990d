// explorer/search.ts: the one breadth-first search, for one configuration or a family of them at once.
// From the model's initial world, every event of the scope's alphabet that the world enables is applied;
// worlds are deduplicated by their canonical fingerprint (canonical.ts); properties are checked on the
// transitions where they can answer (plan.ts). Breadth first, so the first counterexample found for a
// property is a shortest one within the scope.
//
// A family (a featured transition system) carries a set of configurations with each world, as a bit mask:
// a step is run once for all configurations that agree on the fields it read (tracked as config-classes.ts
// tracks them), and splits the set where they disagree; properties and coverage likewise. A world reached
// by a set is a new node for the configurations that had not reached it. Each member's result is what a
// search of it alone gives: its nodes are met in the order of its own search (a node is created where its
// configurations first reach the world, and a node's set only shrinks along its successors), so the same
// states, transitions, first violations, shortest counterexamples and coverage. Nodes reached by disjoint
// sets are not merged: merging would reorder a member's level. One configuration is the family of one.
//
// Memory: per node, a 64-bit fingerprint (and its configuration set), a parent pointer and the index of the
// event in the parent's enumeration; worlds are kept for the frontier only. A path is rebuilt by replaying
// event indices from the initial world.
import { methodAllowed, type EventOf, type ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import type { Setting } from '../machines/setting.js';
import { runEvents, type Model, type StepResult } from '../machines/step.js';
import type { World } from '../machines/world.js';
import type { Property, StepView } from '../properties/property.js';
import { COVERAGE_ITEMS, emptyCoverage, recordOutcomeRow, recordStep, type Coverage, type CoverageCategory, type CoverageSink } from '../properties/coverage.js';
import { createCanonicalizer, type Fingerprint } from './canonical.js';
import { createEnumerator, plainEvent, type EventEnumerator } from './enumerate.js';
import { checkPlanned, planProperties, quietKeys, type Relevance } from './plan.js';
import type { Scope } from './scopes.js';
import { Twins } from './twins.js';
import { eventKey, footprint, independent, type Footprint } from './por.js';
import { FingerprintSet, Parents, sameWorld } from './visited.js';

/** Most configurations in one family: their sets are 31-bit masks. */
export const MAX_FAMILY = 31;

export interface SearchProgress {
  depth: number;
  /** of the first member */
  states: number;
  transitions: number;
  frontier: number;
  elapsedMs: number;
}

export interface SearchOptions {
  properties: readonly Property[];
  /** overrides the scope's depth */
  depth?: number;
  onProgress?: (p: SearchProgress) => void;
  /** rename ids and abstract the clock (default true) */
  canonical?: boolean;
  /** reduce by the scope's device symmetry (default true; a no-op when the scope has none) */
  symmetry?: boolean;
  /** call every property on every transition, ignoring their relevance (for checking the declarations) */
  fullChecks?: boolean;
  /** one member only: stop after this many distinct states (complete is then false) */
  maxStates?: number;
  /** record coverage (default true) */
  coverage?: boolean;
  /** one member only: also return, for every coverage item, the shortest path that first reached it */
  coveringPaths?: boolean;
  /** process twins as the event they are twins of (default true; false steps every event) */
  twins?: boolean;
  /**
   * partial-order reduction by sleep sets (por.ts): a transition whose event commutes with the one that led
   * here, and was taken before it, is not taken again. One configuration only (default false)
   */
  por?: boolean;
  /** the independence relation sleep sets use (default por.ts's): a test hook, to show that a wrong one is caught */
  independence?: (a: Footprint, b: Footprint) => boolean;
}

export interface SearchCounterexample {
  property: string;
  kind: Property['kind'];
  message: string;
  events: ModelEvent[];
  observations: Observation[];
}

export interface CoveringPath { covers: string[]; events: ModelEvent[] }

/** What the search found for one member of the family. */
export interface MemberResult {
  states: number;
  transitions: number;
  maxDepth: number;
  /** the frontier ran dry before the depth bound: every world within the scope's bounds was reached */
  complete: boolean;
  counterexamples: Map<string, SearchCounterexample>;
  coverage: Coverage;
  /** distinct states first reached at each depth (index = depth) */
  statesByDepth: number[];
  /** of the transitions, those processed as an earlier event's twin, not stepped */
  twinTransitions: number;
  /** with `por`: transitions not taken because their event was asleep (not in `transitions`) */
  sleptTransitions: number;
  /**
   * the configuration fields read on its behalf (config-classes.ts bits), when the settings track reads: at
   * least those its lone exploration reads (a check run for a group may read for a member that needs it no
   * more; extra fields only make the class table more conservative)
   */
  reads: number;
}

export interface SearchResult {
  members: MemberResult[];
  /** nodes of the search (a world with a set of configurations) */
  nodes: number;
  /** most worlds held at once (one BFS level and the next) */
  peakFrontier: number;
  /** bytes of the visited set and parent pointers */
  bytes: number;
  coveringPaths?: CoveringPath[];
  elapsedMs: number;
}

/** The members of a search: a setting per configuration (its config may track reads into `reads`) and its model. */
export interface SearchMembers {
  settings: readonly Setting[];
  models: readonly Model[];
  /** where the settings' configurations record their reads, and the bits of the fields on which members differ */
  reads?: { mask: number };
  differingFields?: (a: number, b: number) => number;
}

const CATEGORY_ORDER = Object.keys(emptyCoverage());
/** Coverage items in the coverage's category order (stable within a category). */
const byCategory = (items: string[]) => items
  .map((x, i) => [CATEGORY_ORDER.indexOf(x.slice(0, x.indexOf(':'))), i, x] as const)
  .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);

/** The lowest member of a set. */
const lowest = (m: number): number => 31 - Math.clz32(m & -m);

export function search(members: SearchMembers, scope: Scope, opts: SearchOptions): SearchResult {
  const started = performance.now();
  const { settings, models } = members;
  const n = settings.length;
  if (n === 0 || n > MAX_FAMILY) throw new Error(`explorer: a family has 1 to ${MAX_FAMILY} configurations, not ${n}`);
  if (n > 1 && (opts.maxStates !== undefined || opts.coveringPaths || opts.por)) throw new Error('explorer: maxStates, coveringPaths and por are for one configuration');
  models.forEach((m, c) => {
    // the model steps, and methodAllowed answers for twins, with the model's setting; properties and coverage judge with the member's
    if (m.setting !== settings[c]) throw new Error('explorer: a model given must be built from the setting explored (explore(model.setting, ...))');
  });
  const all = n === 31 ? 0x7fffffff : (1 << n) - 1;
  const reads = members.reads ?? { mask: 0 };
  const depthBound = opts.depth ?? scope.depth;
  const maxStates = opts.maxStates ?? Infinity;
  const recordCoverage = opts.coverage ?? true;
  const useTwins = opts.twins ?? true;
  const wantPaths = opts.coveringPaths === true;
  const por = opts.por === true;
  const indep = opts.independence ?? independent;
  let slept = 0;

  // The enumerator and the canonicaliser are shared: the family must agree on what they read.
  reads.mask = 0;
  const enumerator = createEnumerator(settings[0], scope);
  // a post-login Action may read ids and the clock (MODEL.md §2): its exploration is the raw graph
  const canon = createCanonicalizer(settings[0], scope, { canonical: opts.canonical ?? settings[0].action === null, symmetry: opts.symmetry ?? true, depth: depthBound });
  const shared = reads.mask;
  // differ[c * 32 + b]: the members whose field b differs from member c's
  const differ = new Int32Array(n * 32);
  if (n > 1) {
    for (let c = 0; c < n; c++) {
      for (let d = 0; d < n; d++) {
        const fields = members.differingFields!(c, d);
        if (fields & shared) throw new Error('explorer: a family must agree on the fields the enumerator and canonicaliser read');
        for (let f = fields; f !== 0; f &= f - 1) differ[c * 32 + lowest(f)] |= 1 << d;
      }
    }
  }
  /** The members that agree with c on the fields m. */
  const agree = (c: number, m: number): number => {
    let out = all;
    for (; m !== 0; m &= m - 1) out &= ~differ[c * 32 + lowest(m)];
    return out;
  };
  const readMasks = new Int32Array(n).fill(shared);
  const addReads = (set: number, m: number) => { if (m !== 0) for (let s = set; s !== 0; s &= s - 1) readMasks[lowest(s)] |= m; };

  const deviceNames = settings[0].population.devices.map((d) => d.name);
  const props = opts.properties.map((p) => ({ p, relevance: opts.fullChecks ? 'always' as Relevance : p.relevance ?? 'always' }));
  const plan = planProperties(props.map((x) => x.relevance));
  const everyProperty = props.map((_, i) => i);
  const checks = props.map((x) => x.p);
  const nP = props.length;
  // unfound[i]: the members that have not violated property i yet (a property listed twice shares a slot)
  const slot = props.map(({ p }) => props.findIndex((x) => x.p.id === p.id));
  const unfound = new Int32Array(nP).fill(all);
  let anyUnfound = nP > 0 ? all : 0;
  const foundParent = new Int32Array(nP * n).fill(-1);
  const foundEvent: (ModelEvent | null)[] = new Array(nP * n).fill(null);

  // coverage: per item, the members that reached it; a stage records into `pending` first, and the items go
  // to the members that agree with its representative once the stage's reads are known
  const reached: Record<CoverageCategory, Map<string, number>> = { reasons: new Map(), outcomeRows: new Map(), actorStates: new Map(), transitions: new Map(), branches: new Map() };
  const pending: [CoverageCategory, string][] = [];
  // One member records straight into its coverage (no reads to wait for), through a wrapper only when the
  // items it reaches first are wanted for covering paths.
  const own = n === 1 ? emptyCoverage() : null;
  let firstItems: string[] | null = null;
  const sink: CoverageSink = own === null
    ? Object.fromEntries((Object.keys(reached) as CoverageCategory[]).map((k) => [k, { add: (item: string) => pending.push([k, item]) }])) as CoverageSink
    : !opts.coveringPaths ? own
      : Object.fromEntries((Object.keys(own) as CoverageCategory[]).map((k) => [k, {
        add: (item: string) => { if (!own[k].has(item)) { own[k].add(item); (firstItems ??= []).push(`${k}: ${item}`); } },
      }])) as CoverageSink;
  // with coveringPaths: the transitions that first reached coverage items, and the items
  const firstReached: { parent: number; event: ModelEvent; covers: string[] }[] = [];
  const quietKey = quietKeys();
  const quietSeen = new Int32Array(quietKey.size);
  const failed: number[] = [];

  const states = new Int32Array(n).fill(1);
  const transitions = new Float64Array(n);
  const twinTransitions = new Float64Array(n);
  const maxDepth = new Int32Array(n);
  const complete = new Uint8Array(n);
  const levelNew = new Int32Array(n);
  const statesByDepth: number[][] = settings.map(() => [1]);
  // one member needs no configuration set per fingerprint
  const single = n === 1;
  const visited = new FingerprintSet(1 << 16, !single);
  const parents = new Parents();
  const fp: Fingerprint = { lo: 0, hi: 0 };
  canon.fingerprint(models[0].initial, fp);
  if (single) visited.add(fp.lo, fp.hi);
  else visited.merge(fp.lo, fp.hi, all);
  parents.push(0, -1, 0);
  let nodes = 1;
  let peakFrontier = 1;
  let stopped = false;

  /** Calls the listed properties (those some member of `set` has not violated) on the view; the failing ones go to `failed`. */
  const check = (list: readonly number[], view: StepView, set: number) => {
    for (let j = 0; j < list.length; j++) {
      const i = list[j];
      if ((unfound[slot[i]] & set) === 0) continue;
      if (checks[i].check(view) !== null) failed.push(i);
    }
  };

  // twins: the method's allowance must agree in every member of the world's set (its reads go to that set)
  let twinSet = 0;
  const twins = new Twins(enumerator, (x, y) => {
    reads.mask = 0;
    let alike = true;
    for (let s = twinSet; s !== 0 && alike; s &= s - 1) {
      const m = models[lowest(s)].setting;
      alike = methodAllowed(m, x as EventOf<'AUTHORIZE'>) === methodAllowed(m, y as EventOf<'AUTHORIZE'>);
    }
    addReads(twinSet, reads.mask);
    return alike;
  });
  const eventReads = enumerator.reads;

  let frontier: World[] = [models[0].initial];
  let frontierSets: number[] = [all];
  let frontierIds: number[] = [0];
  // por: each frontier world's sleep set (events, with their footprints, whose successors are reached otherwise)
  type Asleep = { key: string; fp: Footprint };
  let frontierSleep: Asleep[][] = [[]];
  let active = all;
  for (let depth = 0; depth < depthBound && active !== 0 && !stopped; depth++) {
    const next: World[] = [];
    const nextSets: number[] = [];
    const nextIds: number[] = [];
    const nextSleep: Asleep[][] = [];
    // a world reached again on this level before it is expanded: its sleep set is what all its visits agree on
    const nextAt = new Map<string, number>();
    levelNew.fill(0);
    const fromInitial = depth === 0;
    for (let f = 0; f < frontier.length && !stopped; f++) {
      const world = frontier[f];
      const set = frontierSets[f];
      const parentId = frontierIds[f];
      const events = enumerator.events(world);
      canon.setBase(world);
      // the last successor of this world that was not a self-loop, its fingerprint, and the members whose
      // coverage it recorded
      let previous: StepResult | null = null;
      let previousType = '';
      let previousSet = 0;
      let prevLo = 0, prevHi = 0;
      twins.expand(events.length);
      twinSet = set;
      // por: the keys and footprints of this world's events (read before any step, so no twin read), the
      // world's sleep set, and the events taken so far
      const asleep = por ? frontierSleep[f] : [];
      const asleepKeys = por && asleep.length > 0 ? new Set(asleep.map((z) => z.key)) : null;
      const taken: Asleep[] = [];
      for (let k = 0; k < events.length && !stopped; k++) {
        const event = events[k];
        let mine: Asleep | null = null;
        if (por) {
          mine = { key: eventKey(event), fp: footprint(event, world) };
          if (asleepKeys !== null && asleepKeys.has(mine.key)) { slept++; twins.record(k, -1, 0); continue; }
        }
        // the sleep set of this event's successor: what was asleep here or taken before it, and commutes with it
        const sleepAfter = () => [...asleep, ...taken].filter((z) => indep(z.fp, mine!.fp));
        // an event differing from an earlier one of its group only in fields that one's processing never
        // read is that one's twin: the same successor, verdicts and coverage; only its count is added
        if (useTwins && enumerator.groupOffset[k] > 0) {
          const twin = twins.of(events, k);
          if (twin >= 0) {
            for (let s = twins.copy(k, twin); s !== 0; s &= s - 1) { const c = lowest(s); transitions[c]++; twinTransitions[c]++; }
            if (mine !== null) {
              // the twin's successor is its twin's: that world's sleep set on this level shrinks to agree
              taken.push(mine);
            }
            continue;
          }
        }
        eventReads.mask = 0;
        let kept = 0;
        for (let rest = set; rest !== 0 && !stopped;) {
          const c = lowest(rest);
          reads.mask = 0;
          const result = models[c].step(world, event, depth + 1);
          const stepReads = reads.mask;
          const R = rest & agree(c, stepReads);
          rest &= ~R;
          addReads(R, stepReads);
          const after = result.world;
          const same = sameWorld(world, after, deviceNames);
          if (!same && !enumerator.withinBoundsFrom(world, after)) continue;
          kept |= R;
          for (let s = R; s !== 0; s &= s - 1) transitions[lowest(s)]++;
          const observation = result.observation;
          // a successor equal to the previous one is that state again: known (and added if it was new)
          const again = !same && previous !== null && sameWorld(after, previous.world, deviceNames);
          let fresh = 0; // the members of R for which `after` is a new state
          if (!same) {
            if (!again) { canon.fingerprint(after, fp); prevLo = fp.lo; prevHi = fp.hi; }
            fresh = single ? (visited.add(prevLo, prevHi) ? R : 0) : visited.merge(prevLo, prevHi, R);
            if (por && fresh === 0) {
              const at = nextAt.get(`${prevLo}:${prevHi}`);
              if (at !== undefined) { const keep = new Set(sleepAfter().map((z) => z.key)); nextSleep[at] = nextSleep[at].filter((z) => keep.has(z.key)); }
            }
          }
          // Coverage is a transition's reason, branch, status moves and (an /authorize's) outcome row. A
          // self-loop moves no status, and one equal to the previous successor with the same branch and
          // reason moves the same ones: of these, when the branch and reason are known for every member of
          // the group, only the outcome row can be new. Coverage and properties run once per group of R
          // that agrees on what they read.
          const quiet = same ? quietKey.of(event.type, result.branch, observation.reason) : -1;
          const likePrevious = again && previousType === event.type && previous!.branch === result.branch && previous!.observation.reason === observation.reason;
          for (let sub = R; sub !== 0;) {
            const r = lowest(sub);
            reads.mask = 0;
            const view: StepView = { setting: settings[r], event, observation, before: world, after };
            if (recordCoverage) {
              const known = same ? (quietSeen[quiet] & sub) === sub : likePrevious && (previousSet & sub) === sub;
              if (!known) recordStep(sink, view, result.branch);
              else if (event.type === 'AUTHORIZE') recordOutcomeRow(sink, view);
            }
            if ((anyUnfound & sub) !== 0) checkPlanned(plan, fromInitial ? everyProperty : null, view, (fresh & sub) !== 0, check, sub);
            const A = sub & agree(r, reads.mask);
            sub &= ~A;
            addReads(A, reads.mask);
            if (pending.length > 0) {
              let covers: string[] | null = null;
              for (const [category, item] of pending) {
                const m = reached[category];
                const had = m.get(item) ?? 0;
                if (wantPaths && (had & 1) === 0) (covers ??= []).push(`${category}: ${item}`);
                m.set(item, had | A);
              }
              pending.length = 0;
              if (covers !== null) firstReached.push({ parent: parentId, event, covers: byCategory(covers) });
            }
            if (firstItems !== null) { firstReached.push({ parent: parentId, event, covers: byCategory(firstItems) }); firstItems = null; }
            if (same) quietSeen[quiet] |= A;
            for (const i of failed) {
              const s = slot[i];
              const newly = unfound[s] & A;
              for (let b = newly; b !== 0; b &= b - 1) { foundParent[s * n + lowest(b)] = parentId; foundEvent[s * n + lowest(b)] = event; }
              unfound[s] &= ~A;
            }
            if (failed.length > 0) { failed.length = 0; anyUnfound = 0; for (let j = 0; j < nP; j++) anyUnfound |= unfound[j]; }
          }
          if (!same) {
            previous = result;
            previousType = event.type;
            previousSet = R;
          }
          if (fresh !== 0) {
            const id = nodes++;
            parents.push(id, parentId, k);
            if (depth + 1 < depthBound) {
              next.push(after); nextSets.push(fresh); nextIds.push(id);
              if (por) { nextAt.set(`${prevLo}:${prevHi}`, next.length - 1); nextSleep.push(sleepAfter()); }
            }
            for (let s = fresh; s !== 0; s &= s - 1) {
              const c2 = lowest(s);
              states[c2]++;
              levelNew[c2]++;
              maxDepth[c2] = depth + 1;
            }
            if (states[0] >= maxStates) stopped = true;
          }
        }
        twins.record(k, eventReads.mask, kept);
        if (mine !== null) taken.push(mine);
      }
    }
    peakFrontier = Math.max(peakFrontier, frontier.length + next.length);
    for (let c = 0; c < n; c++) if (levelNew[c] > 0) statesByDepth[c][depth + 1] = levelNew[c];
    opts.onProgress?.({ depth: depth + 1, states: states[0], transitions: transitions[0], frontier: next.length, elapsedMs: performance.now() - started });
    // a member that reached nothing new at this depth has reached every world within the bounds
    for (let s = active; s !== 0; s &= s - 1) { const c = lowest(s); if (levelNew[c] === 0 && !stopped) { complete[c] = 1; active &= ~(1 << c); } }
    frontier = next;
    frontierSets = nextSets;
    frontierIds = nextIds;
    frontierSleep = nextSleep;
  }

  const results: MemberResult[] = settings.map((_, c) => {
    const counterexamples = new Map<string, SearchCounterexample>();
    for (const [i, { p }] of props.entries()) {
      const s = slot[i];
      const parent = foundParent[s * n + c];
      if (parent >= 0 && !counterexamples.has(p.id)) counterexamples.set(p.id, replayCounterexample(models[c], enumerator, parents, p, parent, foundEvent[s * n + c]!));
    }
    const coverage = own ?? emptyCoverage();
    if (own === null) for (const k of Object.keys(COVERAGE_ITEMS) as CoverageCategory[]) for (const [item, m] of reached[k]) if (m & (1 << c)) coverage[k].add(item);
    return {
      states: states[c], transitions: transitions[c], maxDepth: maxDepth[c], complete: complete[c] === 1, counterexamples, coverage,
      statesByDepth: statesByDepth[c], twinTransitions: twinTransitions[c], sleptTransitions: slept, reads: readMasks[c],
    };
  });
  return {
    members: results, nodes, peakFrontier, bytes: visited.bytes + parents.bytes, elapsedMs: performance.now() - started,
    ...(opts.coveringPaths ? { coveringPaths: firstReached.map((f) => ({ covers: f.covers, events: [...pathTo(models[0], enumerator, parents, f.parent), plainEvent(f.event)] })) } : {}),
  };
}

/** The counterexample of property p whose last step is `event` from state `parent`, replayed from the initial world. */
export function replayCounterexample(model: Model, enumerator: EventEnumerator, parents: Parents, p: Property, parent: number, event: ModelEvent): SearchCounterexample {
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
