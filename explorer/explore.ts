// explorer/explore.ts: exhaustive bounded exploration of one configuration, the family of one of the
// search (search.ts); its verdict is always "no violation up to depth K in scope S", never "verified".
import { createModel, type Model } from '../machines/step.js';
import type { Setting } from '../machines/setting.js';
import type { Coverage } from '../properties/coverage.js';
import { search, type CoveringPath, type SearchCounterexample, type SearchOptions, type SearchProgress } from './search.js';
import { DEFAULT, type Scope } from './scopes.js';

export type { CoveringPath } from './search.js';
export type ExploreProgress = SearchProgress;

export interface ExploreOptions extends SearchOptions {
  /** the model to explore (a mutant's, say); default createModel(setting) */
  model?: Model;
}

export type ExploreCounterexample = SearchCounterexample;

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
  /** with `por`: transitions not taken because their event was asleep (por.ts; not in `transitions`) */
  sleptTransitions: number;
  /** with `coveringPaths`: shortest paths, each with the coverage items it reached first */
  coveringPaths?: CoveringPath[];
}

export function explore(setting: Setting, scope: Scope, opts: ExploreOptions): ExploreResult {
  const { model, ...rest } = opts;
  const r = search({ settings: [setting], models: [model ?? createModel(setting)] }, scope, rest);
  const m = r.members[0];
  return {
    scope: scope.name, depth: opts.depth ?? scope.depth, states: m.states, transitions: m.transitions, maxDepth: m.maxDepth, complete: m.complete,
    counterexamples: m.counterexamples, coverage: m.coverage, elapsedMs: r.elapsedMs, bytesPerState: r.bytes / m.states,
    statesByDepth: m.statesByDepth, peakFrontier: r.peakFrontier, twinTransitions: m.twinTransitions, sleptTransitions: m.sleptTransitions,
    ...(r.coveringPaths ? { coveringPaths: r.coveringPaths } : {}),
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
