// explorer/family.ts: one breadth-first search for a family of configurations at once.
// Configurations of the space mostly reach the same worlds: measured by fingerprint at the default scope
// on 357 configurations, groups of 48 that differ only in the web app's methods, binding, refresh tokens
// and online flag reach ~23 times fewer distinct worlds together than the sum of their own explorations. So the search
// carries a set of configurations with each world (a bit mask, the "family" of a featured transition
// system): a step is run once for all configurations that agree on the fields it read (tracked as
// config-classes.ts tracks them), and splits the set where they disagree; properties and coverage
// likewise. A world reached by a set is a new node for the configurations that had not reached it.
//
// Each configuration's result is exactly what explore() gives for it alone: its nodes are met in the
// order of its own search (a node is created where its configurations first reach the world, and a
// node's set only shrinks along its successors, so restricted to one configuration the levels, their
// order and the order of events are its own), so the same states, transitions, first violations, shortest
// counterexamples and coverage, with a read mask that covers the lone one. family.test.ts compares the
// two on every configuration of several families.
// Nodes reached by disjoint sets are not merged: merging would reorder a configuration's level.
import { methodAllowed, type EventOf, type ModelEvent } from '../machines/events.js';
import type { Config, Interpretations } from '../machines/config.js';
import type { Population, World } from '../machines/world.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel, type Model, type StepResult } from '../machines/step.js';
import type { Property, StepView } from '../properties/property.js';
import { COVERAGE_ITEMS, emptyCoverage, recordOutcomeRow, recordStep, type Coverage, type CoverageCategory, type CoverageSink } from '../properties/coverage.js';
import { createCanonicalizer, type Fingerprint } from './canonical.js';
import { differingFields, trackedConfig, type Reads } from './config-classes.js';
import {
  checkPlanned, createEnumerator, FingerprintSet, Parents, planProperties, quietKeys, replayCounterexample, sameWorld, Twins,
  type ExploreCounterexample, type Relevance,
} from './explore.js';
import type { Scope } from './scopes.js';

/** Most configurations in one family: their sets are 31-bit masks. */
export const MAX_FAMILY = 31;

export interface FamilyOptions {
  properties: readonly Property[];
  /** overrides the scope's depth */
  depth?: number;
  /** call every property on every transition, ignoring their relevance */
  fullChecks?: boolean;
}

/** One configuration's result: what explore() gives for it, and the fields its exploration read. */
export interface FamilyMember {
  config: Config;
  states: number;
  transitions: number;
  maxDepth: number;
  complete: boolean;
  counterexamples: Map<string, ExploreCounterexample>;
  coverage: Coverage;
  /**
   * the configuration fields read on this configuration's behalf (config-classes.ts): at least those its
   * lone exploration reads (a check run for a group may read for a member that needs it no more; extra
   * fields only make the class table more conservative)
   */
  reads: number;
}

export interface FamilyResult {
  members: FamilyMember[];
  /** nodes of the search (a world with a set of configurations) */
  nodes: number;
  elapsedMs: number;
}

/** The lowest configuration of a set. */
const lowest = (m: number): number => 31 - Math.clz32(m & -m);

export function exploreFamily(configs: readonly Config[], interpretations: Interpretations, population: Population, scope: Scope, opts: FamilyOptions): FamilyResult {
  const started = performance.now();
  const n = configs.length;
  if (n === 0 || n > MAX_FAMILY) throw new Error(`explorer: a family has 1 to ${MAX_FAMILY} configurations, not ${n}`);
  const all = n === 31 ? 0x7fffffff : (1 << n) - 1;
  const reads: Reads = { mask: 0 };
  const settings: Setting[] = configs.map((c) => makeSetting(trackedConfig(c, reads), interpretations, population));
  const models: Model[] = settings.map((s) => createModel(s));
  const depthBound = opts.depth ?? scope.depth;

  // The enumerator and the canonicaliser are shared: the family must agree on what they read.
  reads.mask = 0;
  const enumerator = createEnumerator(settings[0], scope);
  // (canonical renaming and device symmetry, as explore() by default: the members' results must be theirs)
  const canon = createCanonicalizer(settings[0], scope, { canonical: true, symmetry: true });
  const shared = reads.mask;
  // differ[c * 32 + b]: the configurations whose field b differs from configuration c's
  const differ = new Int32Array(n * 32);
  for (let c = 0; c < n; c++) {
    for (let d = 0; d < n; d++) {
      const fields = differingFields(configs[c], configs[d]);
      if (fields & shared) throw new Error('explorer: a family must agree on the fields the enumerator and canonicaliser read');
      for (let f = fields; f !== 0; f &= f - 1) differ[c * 32 + lowest(f)] |= 1 << d;
    }
  }
  /** The configurations that agree with c on the fields m. */
  const agree = (c: number, m: number): number => {
    let out = all;
    for (; m !== 0; m &= m - 1) out &= ~differ[c * 32 + lowest(m)];
    return out;
  };
  const readMasks = new Int32Array(n).fill(shared);
  const addReads = (set: number, m: number) => { if (m !== 0) for (let s = set; s !== 0; s &= s - 1) readMasks[lowest(s)] |= m; };

  const deviceNames = population.devices.map((d) => d.name);
  const props = opts.properties.map((p) => ({ p, relevance: opts.fullChecks ? 'always' as Relevance : p.relevance ?? 'always' }));
  const plan = planProperties(props.map((x) => x.relevance));
  const everyProperty = props.map((_, i) => i);
  const checks = props.map((x) => x.p);
  const nP = props.length;
  // unfound[i]: the configurations that have not violated property i yet (a property listed twice shares slot)
  const slot = props.map(({ p }) => props.findIndex((x) => x.p.id === p.id));
  const unfound = new Int32Array(nP).fill(all);
  let anyUnfound = nP > 0 ? all : 0;
  const foundParent = new Int32Array(nP * n).fill(-1);
  const foundEvent: (ModelEvent | null)[] = new Array(nP * n).fill(null);

  // coverage: per item, the configurations that reached it; a stage records into `pending` first, and
  // the items go to the configurations that agree with its representative once the stage's reads are known
  const reached: Record<CoverageCategory, Map<string, number>> = { reasons: new Map(), outcomeRows: new Map(), actorStates: new Map(), transitions: new Map(), branches: new Map() };
  const pending: [CoverageCategory, string][] = [];
  const sink = Object.fromEntries((Object.keys(reached) as CoverageCategory[]).map((k) => [k, { add: (item: string) => pending.push([k, item]) }])) as CoverageSink;
  const quietKey = quietKeys();
  const quietSeen = new Int32Array(quietKey.size);
  const failed: number[] = [];

  const states = new Int32Array(n).fill(1);
  const transitions = new Float64Array(n);
  const maxDepth = new Int32Array(n);
  const complete = new Uint8Array(n);
  const levelNew = new Int32Array(n);
  const visited = new FingerprintSet(1 << 16, true);
  const parents = new Parents();
  const fp: Fingerprint = { lo: 0, hi: 0 };
  canon.fingerprint(models[0].initial, fp);
  visited.merge(fp.lo, fp.hi, all);
  parents.push(0, -1, 0);
  let nodes = 1;

  /** Calls the listed properties (those some configuration of `set` has not violated) on the view; the failing ones go to `failed`. */
  const check = (list: readonly number[], view: StepView, set: number) => {
    for (let j = 0; j < list.length; j++) {
      const i = list[j];
      if ((unfound[slot[i]] & set) === 0) continue;
      if (checks[i].check(view) !== null) failed.push(i);
    }
  };

  // twins as in explore(): the method's allowance must agree in every configuration of the world's set
  // (its reads of the configurations go to that set)
  let twinSet = 0;
  const twins = new Twins(enumerator, (x, y) => {
    reads.mask = 0;
    let alike = true;
    for (let s = twinSet; s !== 0 && alike; s &= s - 1) {
      const m = settings[lowest(s)];
      alike = methodAllowed(m, x as EventOf<'AUTHORIZE'>) === methodAllowed(m, y as EventOf<'AUTHORIZE'>);
    }
    addReads(twinSet, reads.mask);
    return alike;
  });
  const eventReads = enumerator.reads;

  let frontier: World[] = [models[0].initial];
  let frontierSets: number[] = [all];
  let frontierIds: number[] = [0];
  let active = all;
  for (let depth = 0; depth < depthBound && active !== 0; depth++) {
    const next: World[] = [];
    const nextSets: number[] = [];
    const nextIds: number[] = [];
    levelNew.fill(0);
    const fromInitial = depth === 0;
    for (let f = 0; f < frontier.length; f++) {
      const world = frontier[f];
      const set = frontierSets[f];
      const parentId = frontierIds[f];
      const events = enumerator.events(world);
      canon.setBase(world);
      // the last successor of this world that was not a self-loop, its fingerprint, and the configurations
      // whose coverage it recorded
      let previous: StepResult | null = null;
      let previousType = '';
      let previousSet = 0;
      let prevLo = 0, prevHi = 0;
      twins.expand(events.length);
      twinSet = set;
      for (let k = 0; k < events.length; k++) {
        const event = events[k];
        if (enumerator.groupOffset[k] > 0) {
          const twin = twins.of(events, k);
          if (twin >= 0) {
            for (let s = twins.copy(k, twin); s !== 0; s &= s - 1) transitions[lowest(s)]++;
            continue;
          }
        }
        eventReads.mask = 0;
        let kept = 0;
        for (let rest = set; rest !== 0;) {
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
          const again = !same && previous !== null && sameWorld(after, previous.world, deviceNames);
          let fresh = 0; // the configurations of R for which `after` is a new state
          if (!same) {
            if (!again) { canon.fingerprint(after, fp); prevLo = fp.lo; prevHi = fp.hi; }
            fresh = visited.merge(prevLo, prevHi, R);
          }
          // coverage and properties, once per group of R that agrees on what they read
          const quiet = same ? quietKey.of(event.type, result.branch, observation.reason) : -1;
          const likePrevious = again && previousType === event.type && previous!.branch === result.branch && previous!.observation.reason === observation.reason;
          for (let sub = R; sub !== 0;) {
            const r = lowest(sub);
            reads.mask = 0;
            const view: StepView = { setting: settings[r], event, observation, before: world, after };
            // (as explore(): a self-loop or a repeat of the previous successor records only its outcome row
            // when the rest is known, here known for every configuration of the group)
            const known = same ? (quietSeen[quiet] & sub) === sub : likePrevious && (previousSet & sub) === sub;
            if (!known) recordStep(sink, view, result.branch);
            else if (event.type === 'AUTHORIZE') recordOutcomeRow(sink, view);
            if ((anyUnfound & sub) !== 0) checkPlanned(plan, fromInitial ? everyProperty : null, view, (fresh & sub) !== 0, check, sub);
            const A = sub & agree(r, reads.mask);
            sub &= ~A;
            addReads(A, reads.mask);
            for (const [k2, item] of pending) { const m = reached[k2]; m.set(item, (m.get(item) ?? 0) | A); }
            pending.length = 0;
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
            if (depth + 1 < depthBound) { next.push(after); nextSets.push(fresh); nextIds.push(id); }
            for (let s = fresh; s !== 0; s &= s - 1) { const c2 = lowest(s); states[c2]++; levelNew[c2]++; maxDepth[c2] = depth + 1; }
          }
        }
        twins.record(k, eventReads.mask, kept);
      }
    }
    // a configuration that reached nothing new at this depth has reached every world within the bounds
    for (let s = active; s !== 0; s &= s - 1) { const c = lowest(s); if (levelNew[c] === 0) { complete[c] = 1; active &= ~(1 << c); } }
    frontier = next;
    frontierSets = nextSets;
    frontierIds = nextIds;
  }

  const members: FamilyMember[] = configs.map((config, c) => {
    const counterexamples = new Map<string, ExploreCounterexample>();
    for (const [i, { p }] of props.entries()) {
      const s = slot[i];
      const parent = foundParent[s * n + c];
      if (parent >= 0 && !counterexamples.has(p.id)) counterexamples.set(p.id, replayCounterexample(models[c], enumerator, parents, p, parent, foundEvent[s * n + c]!));
    }
    const coverage = emptyCoverage();
    for (const k of Object.keys(COVERAGE_ITEMS) as CoverageCategory[]) for (const [item, m] of reached[k]) if (m & (1 << c)) coverage[k].add(item);
    return { config, states: states[c], transitions: transitions[c], maxDepth: maxDepth[c], complete: complete[c] === 1, counterexamples, coverage, reads: readMasks[c] };
  });
  return { members, nodes, elapsedMs: performance.now() - started };
}
