// explorer/family.ts: one search (search.ts) for a family of configurations at once. Configurations of the
// space mostly reach the same worlds, so the search carries a set of configurations with each world and runs
// a step once for all that agree on the fields it read, tracked through config-classes.ts. Each member's
// result is exactly what explore() gives for it alone; family.test.ts compares the two.
import type { Config, Interpretations } from '../machines/config.js';
import type { Population } from '../machines/world.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import type { Property } from '../properties/property.js';
import { differingFields, trackedConfig, trackedInterpretations, type Reads } from './config-classes.js';
import { search, MAX_FAMILY, type MemberResult } from './search.js';
import type { Scope } from './scopes.js';

export { MAX_FAMILY };

export interface FamilyOptions {
  properties: readonly Property[];
  /** overrides the scope's depth */
  depth?: number;
  /** call every property on every transition, ignoring their relevance */
  fullChecks?: boolean;
}

/** One configuration's result: what explore() gives for it, and (`reads`) the fields its exploration read. */
export interface FamilyMember extends MemberResult {
  config: Config;
}

export interface FamilyResult {
  members: FamilyMember[];
  /** nodes of the search (a world with a set of configurations) */
  nodes: number;
  /** the interpretation switches the search read, for any member (config-classes.ts) */
  interpretationReads: number;
  elapsedMs: number;
}

export function exploreFamily(configs: readonly Config[], interpretations: Interpretations, population: Population, scope: Scope, opts: FamilyOptions): FamilyResult {
  if (configs.length === 0 || configs.length > MAX_FAMILY) throw new Error(`explorer: a family has 1 to ${MAX_FAMILY} configurations, not ${configs.length}`);
  const reads: Reads = { mask: 0 };
  // the members share their readings, so the search's reads of them are every member's (a superset is sound)
  const ireads: Reads = { mask: 0 };
  const shared = trackedInterpretations(interpretations, ireads);
  const settings = configs.map((c) => makeSetting(trackedConfig(c, reads), shared, population));
  const r = search({ settings, models: settings.map((s) => createModel(s)), reads, differingFields: (a, b) => differingFields(configs[a], configs[b]) }, scope, opts);
  return {
    members: r.members.map((m, c) => ({ ...m, config: configs[c] })),
    nodes: r.nodes, elapsedMs: r.elapsedMs, interpretationReads: ireads.mask,
  };
}
