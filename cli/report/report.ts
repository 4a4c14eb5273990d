// cli/report/report.ts: the Report, the single source of truth of a check (reports/report.json).
// report.md and the counterexample views are rendered from it (markdown.ts). Deterministic: no
// timestamps, no timings, results in configuration order; the same seed gives the same bytes.
import { configLabel, configToInput, type Config, type ConfigInput, type Interpretations } from '../../machines/config.js';
import type { ModelEvent } from '../../machines/events.js';
import type { Observation } from '../../machines/observation.js';
import type { RuleId } from '../../machines/rules.js';
import { PROPERTIES, propertyById } from '../../properties/index.js';
import type { ConfigResult, CheckOptions } from '../../engine/check.js';
import type { Counterexample } from '../../engine/random.js';
import { COVERAGE_ITEMS, emptyCoverage, mergeCoverage, missing, coverageToJson, type CoverageCategory } from '../../engine/coverage.js';
import { DEFAULT_POPULATION, type Population } from '../../machines/world.js';
import { summarise } from './conditions.js';
import { MUTANTS, mutationMatrix } from '../../machines/mutants/index.js';

export const TOOL_VERSION = '0.1.0';

/** A counterexample as saved: a scenario `n2w run`/`n2w replay` accept, plus what it shows. */
export interface CounterexampleFile {
  property: string;
  kind: 'rule' | 'goal';
  rules: readonly RuleId[];
  claim: string;
  configLabel: string;
  config: ConfigInput;
  interpretations: Interpretations;
  world?: Population;
  foundBy: { engine: 'random'; seed: number; run: number; shrinkPath: string; shrinks: number };
  replay: string;
  violation: { step: number; message: string };
  steps: ModelEvent[];
  observations: Observation[];
}

export interface PropertyVerdict {
  id: string;
  kind: 'rule' | 'goal';
  rules: readonly RuleId[];
  claim: string;
  violatedIn: number;
  verdict: string;
}

export interface RiskRow {
  goal: string;
  claim: string;
  failsIn: number;
  of: number;
  condition: string;
  terms: { when: string; configurations: number; counterexample: string; steps: number }[];
  others: { config: string; counterexample: string; steps: number }[];
}

export interface Report {
  tool: { name: 'n2w'; version: string };
  scope: {
    configurations: number;
    source: 'configuration space' | 'given configuration';
    interpretations: Interpretations;
    population: 'default' | Population;
    random: { seed: number; runsPerConfiguration: number; maxSteps: number; sequences: number; steps: number };
  };
  verdict: { specRulesHold: boolean; everyRulePropertyCatchesItsMutants: boolean; ruleViolations: number; goalsFailing: string[] };
  properties: PropertyVerdict[];
  riskMatrix: RiskRow[];
  ruleViolations: { property: string; config: string; counterexample: string; steps: number; message: string }[];
  coverage: {
    reached: Record<CoverageCategory, string>;
    missing: Record<CoverageCategory, string[]>;
    notes: string[];
  };
  /** non-vacuity: each rule property caught a deliberately wrong model (machines/mutants) */
  nonVacuity: NonVacuity;
  configurations: { label: string; failing: string[] }[];
}

export interface NonVacuity {
  runs: number;
  seed: number;
  allCaught: boolean;
  mutants: { id: string; description: string; rules: readonly RuleId[]; mainCatcher: string; caughtBy: string[]; shortest: number | null }[];
}

/** Runs every mutant through the random engine and records which rule properties catch it. */
export function nonVacuity(runs = 300, seed = 1): NonVacuity {
  const rows = mutationMatrix(runs, seed);
  const mutants = MUTANTS.map((m, i) => ({
    id: m.id, description: m.description, rules: m.rules, mainCatcher: m.catches[0], caughtBy: rows[i].caughtBy, shortest: rows[i].shortest,
  }));
  return { runs, seed, allCaught: mutants.every((m) => m.caughtBy.includes(m.mainCatcher)), mutants };
}

export interface BuiltReport {
  report: Report;
  /** file name (under counterexamples/) -> content */
  counterexamples: Map<string, CounterexampleFile>;
}

export const counterexampleName = (property: string, label: string) => `${property}--${label}.json`;

export function counterexampleFile(ce: Counterexample, config: Config, opts: CheckOptions, dir: string): CounterexampleFile {
  const p = propertyById(ce.property)!;
  const label = configLabel(config);
  return {
    property: p.id, kind: p.kind, rules: p.rules, claim: p.claim, configLabel: label, config: configToInput(config),
    interpretations: opts.interpretations, ...(opts.population === DEFAULT_POPULATION ? {} : { world: opts.population }),
    foundBy: { engine: 'random', seed: ce.seed, run: ce.run, shrinkPath: ce.shrinkPath, shrinks: ce.shrinks },
    replay: `n2w replay ${dir}/counterexamples/${counterexampleName(p.id, label)}`,
    violation: { step: ce.events.length, message: ce.message },
    steps: ce.events, observations: ce.observations,
  };
}

export function buildReport(results: readonly ConfigResult[], opts: CheckOptions, source: Report['scope']['source'], mutants: NonVacuity, dir = 'reports'): BuiltReport {
  const configs = results.map((r) => r.config);
  const files = new Map<string, CounterexampleFile>();
  const save = (r: ConfigResult, ce: Counterexample): string => {
    const name = counterexampleName(ce.property, r.label);
    if (!files.has(name)) files.set(name, counterexampleFile(ce, r.config, opts, dir));
    return `counterexamples/${name}`;
  };
  const byProperty = new Map<string, Map<number, Counterexample>>();
  for (const r of results) {
    for (const ce of r.counterexamples) {
      if (!byProperty.has(ce.property)) byProperty.set(ce.property, new Map());
      byProperty.get(ce.property)!.set(r.index, ce);
    }
  }
  const sequences = results.reduce((s, r) => s + r.sequences, 0);
  const steps = results.reduce((s, r) => s + r.steps, 0);
  const n = results.length;
  const scopeText = `${sequences.toLocaleString('en-US')} sequences of up to ${opts.maxSteps} steps across ${n} configuration${n > 1 ? 's' : ''}`;

  const properties: PropertyVerdict[] = PROPERTIES.map((p) => {
    const violated = byProperty.get(p.id)?.size ?? 0;
    return {
      id: p.id, kind: p.kind, rules: p.rules, claim: p.claim, violatedIn: violated,
      verdict: violated === 0 ? `no violation in ${scopeText}` : `violated in ${violated} of ${n} configurations`,
    };
  });

  // The shortest counterexample among some configurations (ties: the first configuration).
  const shortest = (ces: Map<number, Counterexample>, among: number[]) =>
    among.map((i) => [i, ces.get(i)!] as const).reduce((a, b) => (b[1].events.length < a[1].events.length ? b : a));

  const riskMatrix: RiskRow[] = PROPERTIES.filter((p) => p.kind === 'goal').map((p) => {
    const ces = byProperty.get(p.id) ?? new Map<number, Counterexample>();
    const cond = summarise(configs, new Set(ces.keys()));
    return {
      goal: p.id, claim: p.claim, failsIn: ces.size, of: n, condition: cond.text,
      terms: cond.terms.map((t) => {
        const [i, ce] = shortest(ces, t.matches);
        return { when: t.text, configurations: t.matches.length, counterexample: save(results[i], ce), steps: ce.events.length };
      }),
      others: cond.uncovered.map((i) => ({ config: results[i].label, counterexample: save(results[i], ces.get(i)!), steps: ces.get(i)!.events.length })),
    };
  });

  const ruleViolations = PROPERTIES.filter((p) => p.kind === 'rule').flatMap((p) =>
    [...(byProperty.get(p.id) ?? new Map<number, Counterexample>())].map(([i, ce]) => ({
      property: p.id, config: results[i].label, counterexample: save(results[i], ce), steps: ce.events.length, message: ce.message,
    })));

  const cov = emptyCoverage();
  for (const r of results) mergeCoverage(cov, r.coverage);
  const reached = coverageToJson(cov);
  const notReached = missing(cov);
  const notes: string[] = [];
  if (opts.interpretations.A10 === 'ignored') notes.push('method_not_allowed and AUTHORIZE/promptMethodNotAllowed exist only under A10 = invalid; this run uses A10 = ignored (run with -i A10=invalid to reach them).');

  return {
    report: {
      tool: { name: 'n2w', version: TOOL_VERSION },
      scope: {
        configurations: n, source, interpretations: opts.interpretations,
        population: opts.population === DEFAULT_POPULATION ? 'default' : opts.population,
        random: { seed: opts.seed, runsPerConfiguration: opts.runs, maxSteps: opts.maxSteps, sequences, steps },
      },
      verdict: {
        specRulesHold: ruleViolations.length === 0,
        everyRulePropertyCatchesItsMutants: mutants.allCaught,
        ruleViolations: ruleViolations.length,
        goalsFailing: riskMatrix.filter((r) => r.failsIn > 0).map((r) => r.goal),
      },
      properties, riskMatrix, ruleViolations, nonVacuity: mutants,
      coverage: {
        reached: Object.fromEntries((Object.keys(COVERAGE_ITEMS) as CoverageCategory[]).map((k) => [k, `${reached[k].length} of ${COVERAGE_ITEMS[k].length}`])) as Record<CoverageCategory, string>,
        missing: notReached, notes,
      },
      configurations: results.map((r) => ({ label: r.label, failing: r.counterexamples.map((c) => c.property) })),
    },
    counterexamples: files,
  };
}
