// check/mutation.ts: the mutation matrix: which rule properties the random engine finds violated in each
// deliberately wrong model (machines/mutants/), the non-vacuity evidence of the report.
import { MUTANTS, mutantModel, type Mutant } from '../machines/mutants/index.js';
import { createModel } from '../machines/step.js';
import type { Setting } from '../machines/setting.js';
import { RULE_PROPERTIES } from '../properties/index.js';
import { runRandom } from '../random/random.js';

export interface MutationRow {
  mutant: string;
  /** every rule property the random engine found violated, in report order */
  caughtBy: string[];
  /** steps of the main catcher's (shrunk) counterexample, or null when it was not caught */
  shortest: number | null;
}

/**
 * The rule properties that can fail under a setting: each one some mutant violates there (the random
 * engine, every mutant's implementation run in this setting). A property no mutant violates here cannot be
 * exercised by a run under this configuration, whatever the implementation does.
 */
export function exercisableRules(setting: Setting, runs = 100, seed = 1): { exercised: string[]; not: string[] } {
  const failing = new Set<string>();
  for (const m of MUTANTS) {
    const r = runRandom(createModel(setting, m.implementation), { runs, maxSteps: 10, seed, properties: RULE_PROPERTIES, shrink: () => false });
    for (const id of r.counterexamples.keys()) failing.add(id);
  }
  return { exercised: RULE_PROPERTIES.filter((p) => failing.has(p.id)).map((p) => p.id), not: RULE_PROPERTIES.filter((p) => !failing.has(p.id)).map((p) => p.id) };
}

/** For each mutant: which rule properties catch it, and how short the main catcher's counterexample is. */
export function mutationMatrix(runs = 300, seed = 1, mutants: readonly Mutant[] = MUTANTS): MutationRow[] {
  return mutants.map((m) => {
    const r = runRandom(mutantModel(m), { runs, maxSteps: 10, seed, properties: RULE_PROPERTIES });
    return {
      mutant: m.id,
      caughtBy: RULE_PROPERTIES.filter((p) => r.counterexamples.has(p.id)).map((p) => p.id),
      shortest: r.counterexamples.get(m.catches[0])?.events.length ?? null,
    };
  });
}
