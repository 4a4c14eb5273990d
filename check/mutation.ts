// check/mutation.ts: the mutation matrix: which rule properties the random engine finds violated in each
// deliberately wrong model (machines/mutants/), the non-vacuity evidence of the report.
import { MUTANTS, mutantModel, type Mutant } from '../machines/mutants/index.js';
import { RULE_PROPERTIES } from '../properties/index.js';
import { runRandom } from '../random/random.js';

export interface MutationRow {
  mutant: string;
  /** every rule property the random engine found violated, in report order */
  caughtBy: string[];
  /** steps of the main catcher's (shrunk) counterexample, or null when it was not caught */
  shortest: number | null;
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
