// cli/report/report.ts: the Report, the single source of truth of a check (reports/report.json).
// report.md and the counterexample views are rendered from it (markdown.ts). Deterministic: no
// timestamps, no timings, results in configuration order; the same seed gives the same bytes.
import { resolve } from 'node:path';
import { capabilitiesOf, howKnown, type Capability, type HowKnown } from '../../machines/attacker.js';
import { makeSetting, type Setting } from '../../machines/setting.js';
import { createModel } from '../../machines/step.js';
import { transferToken, type TransferToken } from '../../machines/world.js';
import { remediation, type Remediation } from './remediation.js';
import { readingCode, sensitivity, type Sensitivity, type SensitivityResults } from './sensitivity.js';
import {
  configLabel, configToInput, TWO_APP_DIMENSIONS, twoAppValues, webApps, withoutSecondApp,
  type Config, type ConfigInput, type Interpretations,
} from '../../machines/config.js';
import type { ModelEvent } from '../../machines/events.js';
import type { Observation } from '../../machines/observation.js';
import type { RuleId } from '../../machines/rules.js';
import { GOAL_PROPERTIES, PROPERTIES, propertyById, RULE_PROPERTIES } from '../../properties/index.js';
import type { ConfigResult, CheckOptions } from '../../check/check.js';
import type { Counterexample, FoundBy } from '../../random/random.js';
import { COVERAGE_ITEMS, emptyCoverage, mergeCoverage, missing, coverageToJson, type CoverageCategory } from '../../properties/coverage.js';
import { DEFAULT_POPULATION, type Population } from '../../machines/world.js';
import { summarise, type ConditionDimensions } from './conditions.js';
import { MUTANTS } from '../../machines/mutants/index.js';
import { mutationMatrix } from '../../check/mutation.js';
import type { GivenConfiguration, JudgedClient } from '../input.js';
import { describeConfig } from '../format.js';

/**
 * Why a configuration's security goals hold only vacuously: no transfer token can be minted (R2), none is
 * accepted (R14), or none was redeemed in the scope explored. Null when tokens were redeemed there.
 */
export function vacuousBecause(c: Config, outcomeRows: readonly string[]): string | null {
  const web = webApps(c).map((a) => a.settings);
  const one = web.length === 1;
  if (!c.native.canCreateSessionTransferToken && !web.some((w) => w.canCreateSessionTransferToken)) {
    return `nobody may mint: can_create_session_transfer_token is false (or unset) on ${one ? 'both apps' : 'every app'}, so no transfer token exists`;
  }
  if (web.every((w) => w.allowedAuthenticationMethods.length === 0)) {
    return `${one ? 'the web app allows no method' : 'no web app allows a method'}: allowed_authentication_methods is empty (or unset)${one ? '' : ' on every web app'}, so no transfer token is ever redeemed`;
  }
  if (!outcomeRows.includes('valid token, no session') && !outcomeRows.includes('valid token, same-user session')) {
    return 'no transfer token was redeemed in the scope explored';
  }
  return null;
}

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
  foundBy: FoundBy;
  replay: string;
  violation: { step: number; message: string };
  steps: ModelEvent[];
  observations: Observation[];
  /** MODEL.md §10: the attacker's capabilities, and how each token his devices presented reached him */
  attacker: { capabilities: Capability[]; tokens: { step: number; token: string; how: string }[] };
}

export interface PropertyVerdict {
  id: string;
  kind: 'rule' | 'goal';
  rules: readonly RuleId[];
  claim: string;
  /** configurations where some engine found a violation */
  violatedIn: number;
  explorer: string | null;
  random: string | null;
  /**
   * On how many random steps the property's premise held, so that it could have failed (properties/property.ts,
   * exercised), and in how many configurations; null without the random engine. None: "not exercised".
   */
  exercised: { randomSteps?: number; explorerTransitions?: number; configurations: number } | null;
  /** 'violated'; 'not exercised' (no violation, premise never met); 'holds vacuously' (a goal, see vacuous); 'no violation' */
  status: 'violated' | 'no violation' | 'not exercised' | 'holds vacuously';
  /** a goal with no violation in configurations where no transfer token can be minted or redeemed */
  vacuous: boolean;
  vacuousBecause: string | null;
}

export interface RiskRow {
  goal: string;
  claim: string;
  failsIn: number;
  of: number;
  /** configurations where each engine found it failing */
  foundBy: { explorer: number; random: number };
  condition: string;
  terms: { when: string; configurations: number; counterexample: string; steps: number }[];
  others: { config: string; readable: string; counterexample: string; steps: number }[];
  /** configurations where it holds only because no transfer token can be minted or redeemed there */
  holdsVacuouslyIn: number;
  vacuous: boolean;
  vacuousBecause: string | null;
}

/** A change of one flag of the space, with what it costs the tenant. */
export interface FlagChange { field: string; client: string; from: string; to: string; cost: string }

/** The nearest configurations where a failing goal holds (fewest flag changes), for a configuration given. */
export interface GoalFix {
  goal: string;
  /** what was searched: "every configuration within 2 flag changes (62 configurations)" */
  searched: string;
  /** `alsoFails`: goals that fail there but held in the configuration given */
  options: { changes: FlagChange[]; label: string; readable: string; vacuous: boolean; vacuousBecause: string | null; alsoFails: string[] }[];
  /** every option found holds only because Native to Web SSO no longer works */
  onlyVacuous: boolean;
}

/** What the user gave: the clients judged (name, client_id, file), what was defaulted, what to change. */
export interface GivenReport {
  clients: JudgedClient[];
  tenant: GivenConfiguration['tenant'];
  /** where the tenant settings came from, said wherever they are shown */
  tenantNote: string | null;
  fixes: GoalFix[];
}

export interface Report {
  tool: { name: 'n2w'; version: string };
  scope: {
    configurations: number;
    source: string;
    interpretations: Interpretations;
    population: 'default' | Population;
    /** MODEL.md §10: the attacker's capabilities */
    attacker: Capability[];
    explorer: { scope: string; depth: number; states: number; transitions: number } | null;
    random: { seed: number; runsPerConfiguration: number; maxSteps: number; sequences: number; steps: number } | null;
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
  /** the configuration the user gave, or null for the space */
  given: GivenReport | null;
  /** MODEL.md §8: what a second web app changes; null when the check was not over the space */
  secondApp: SecondAppReport | null;
  /** MODEL.md §2: with --action, the same configurations with the post-login Action, goal by goal */
  action: ActionReport | null;
  /** over the space: for each goal the fewest flag settings under which it holds, and ranked recommendations */
  remediation: Remediation | null;
  /** MODEL.md §10, with --capability-grid: per goal, the minimal capability sets under which it fails */
  capabilityGrid: CapabilityGrid | null;
  /** MODEL.md §2, with --interpretations all: the verdicts that change with a reading of the docs' silences */
  sensitivity: Sensitivity | null;
  /** non-vacuity: each rule property caught a deliberately wrong model (machines/mutants) */
  nonVacuity: NonVacuity;
  /** per configuration, what each engine explored and the properties it found violated */
  configurations: {
    label: string;
    readable: string;
    /** why no security goal can fail here (nothing can be minted or redeemed), or null */
    vacuousBecause: string | null;
    explorer: { states: number; transitions: number; violated: string[] } | null;
    random: { sequences: number; steps: number; violated: string[] } | null;
  }[];
}

/** MODEL.md §10: the same space checked once per set of the attacker's capabilities. */
export interface CapabilityGridResults {
  sets: Capability[][];
  /** per set, the results, in the order of the space */
  results: ConfigResult[][];
  opts: CheckOptions;
  /** per set, the configurations of its cells checked again with a post-login Action (by index) */
  action?: { file: string; results: ConfigResult[][] };
}

/** A cell of the grid: a goal failing under a capability set in configurations where no smaller set fails it. */
export interface CapabilityCell {
  goal: string;
  /** the set (own-account always included) */
  capabilities: Capability[];
  /** configurations where it fails with this set, and among them those where every set one capability smaller keeps it */
  failsIn: number;
  minimalIn: number;
  condition: string;
  terms: { when: string; configurations: number; counterexample: string; steps: number }[];
  others: { config: string; readable: string; counterexample: string; steps: number }[];
  /** with --action: the cell's minimal configurations checked again with the post-login Action under the same set */
  action?: { failsIn: number; of: number; effect: 'closes' | 'narrows' | 'unchanged'; counterexample: string | null };
}

export interface CapabilityGrid {
  /** the post-login Action each cell was checked again with, or null */
  action: string | null;
  sets: number;
  explorer: { scope: string; depth: number; states: number; transitions: number } | null;
  /** per goal, its cells by set size; a goal with no cell holds under every set checked */
  cells: CapabilityCell[];
  /**
   * remediation.ts per capability set: the cheapest settings under which each goal holds against that
   * attacker, and the ranked recommendations; sets with the same advice are one row
   */
  remediation: GridAdvice[] | null;
}
export interface GridAdvice { sets: Capability[][]; failing: string[]; goals: { goal: string; remedy: Remediation['goals'][number]['remedies'][number] | null }[]; recommended: Remediation['recommended'] }

const CAP_CODE: Record<Capability, string> = { 'own-account': 'own', 'send-link': 'link', 'join-network': 'net', 'read-url': 'url', 'device-malware': 'mal', 'steal-in-transit': 'steal' };

/** The grid's cells before rendering: per goal and capability set, the configurations where the set is minimal. */
export function gridMinimal(g: Pick<CapabilityGridResults, 'sets' | 'results'>): { goal: string; set: number; failing: Set<number>; minimal: Set<number> }[] {
  const bests = g.results.map((rs) => rs.map(bestPerProperty));
  const key = (s: readonly Capability[]) => [...s].sort().join(',');
  const index = new Map(g.sets.map((s, i) => [key(s), i]));
  return GOAL_PROPERTIES.flatMap((p) => {
    const failing = bests.map((b) => new Set(b.map((_, i) => i).filter((i) => b[i].has(p.id))));
    return g.sets.flatMap((set, k) => {
      // the sets one capability smaller, each checked too
      const below = set.filter((c) => c !== 'own-account').map((c) => index.get(key(set.filter((x) => x !== c))));
      const minimal = new Set([...failing[k]].filter((i) => below.every((b) => b === undefined || !failing[b].has(i))));
      return minimal.size === 0 ? [] : [{ goal: p.id, set: k, failing: failing[k], minimal }];
    });
  });
}

function capabilityGrid(g: CapabilityGridResults, dir: string, files: Map<string, CounterexampleFile>, space: boolean): CapabilityGrid {
  const bests = g.results.map((rs) => rs.map(bestPerProperty));
  const configs = g.results[0].map((r) => r.config);
  const cells = gridMinimal(g).map(({ goal, set: k, failing, minimal }): CapabilityCell => {
    const set = g.sets[k];
    const optional = set.filter((c) => c !== 'own-account');
    const opts = { ...g.opts, population: { ...g.opts.population, capabilities: optional } };
    const suffix = `_a-${optional.map((c) => CAP_CODE[c]).join('-') || 'own'}`;
    const saveAs = (extra: string, o: CheckOptions) => (r: ConfigResult, ce: Counterexample): string => {
      const name = counterexampleName(ce.property, `${r.label}${suffix}${extra}`);
      if (!files.has(name)) files.set(name, { ...counterexampleFile(ce, r.config, o, dir), configLabel: r.label, replay: `n2w replay ${dir}/counterexamples/${name}` });
      return `counterexamples/${name}`;
    };
    const cond = summarise(configs, minimal);
    const cell: CapabilityCell = { goal, capabilities: set, failsIn: failing.size, minimalIn: minimal.size, condition: cond.text, ...termsOf(cond, goal, g.results[k], bests[k], saveAs('', opts)) };
    if (g.action) cell.action = cellWithAction(g.action, k, goal, [...minimal].map((i) => g.results[k][i].index), saveAs('_act', opts));
    return cell;
  });
  return { sets: g.sets.length, explorer: engineScopes(g.results.flat(), g.opts).explorer, cells, remediation: space ? gridRemediation(g, bests, configs) : null, action: g.action ? g.action.file : null };
}

/** A cell's configurations checked again with the Action under the cell's set: does it close the cell? */
function cellWithAction(a: NonNullable<CapabilityGridResults['action']>, k: number, goal: string, minimal: readonly number[], save: (r: ConfigResult, ce: Counterexample) => string): NonNullable<CapabilityCell['action']> {
  // (by the configurations' indexes in the space: the Action's batch holds only the cells' configurations)
  const byIndex = new Map(a.results[k].map((r) => [r.index, r]));
  const still = minimal.map((i) => byIndex.get(i)!).filter((r) => bestPerProperty(r).has(goal));
  const shortest = still.map((r) => [r, bestPerProperty(r).get(goal)!] as const).sort((x, y) => x[1].events.length - y[1].events.length)[0];
  return {
    failsIn: still.length, of: minimal.length,
    effect: still.length === 0 ? 'closes' : still.length < minimal.length ? 'narrows' : 'unchanged',
    counterexample: shortest ? save(shortest[0], shortest[1]) : null,
  };
}

/** The remediation of the space per capability set (remediation.ts), sets that get the same advice merged. */
function gridRemediation(g: CapabilityGridResults, bests: readonly Map<string, Counterexample>[][], configs: readonly Config[]): GridAdvice[] {
  const rows: GridAdvice[] = [];
  const byAdvice = new Map<string, GridAdvice>();
  g.sets.forEach((set, k) => {
    const failingBy = new Map(GOAL_PROPERTIES.map((p) => [p.id, new Set(bests[k].map((_, i) => i).filter((i) => bests[k][i].has(p.id)))]));
    const failing = [...failingBy].filter(([, f]) => f.size > 0).map(([goal]) => goal);
    if (failing.length === 0) return;
    const vacuity = g.results[k].map((r) => vacuousBecause(r.config, r.coverage.outcomeRows));
    const m = remediation(configs, failingBy, vacuity);
    const goals = m.goals.filter((x) => x.failsIn > 0).map((x) => ({ goal: x.goal, remedy: x.remedies[0] ?? null }));
    const advice = JSON.stringify([failing, goals, m.recommended]);
    const known = byAdvice.get(advice);
    if (known) { known.sets.push(set); return; }
    const row = { sets: [set], failing, goals, recommended: m.recommended };
    byAdvice.set(advice, row);
    rows.push(row);
  });
  return rows;
}

/** MODEL.md §2: what a post-login Action changes, from the report without it and the report with it. */
export interface ActionReport {
  /** the module, as given */
  file: string;
  /** the full report with the Action, relative to this one */
  report: string;
  explorer: { scope: string; depth: number; states: number; transitions: number } | null;
  random: { sequences: number; steps: number } | null;
  ruleViolations: number;
  goals: {
    goal: string;
    without: { failsIn: number; of: number };
    with: { failsIn: number; of: number };
    /** closes: fails without, never with; narrows: fails in fewer; unchanged; widens: fails in more */
    effect: 'closes' | 'narrows' | 'unchanged' | 'widens' | 'holds either way';
    /** where it still fails with the Action, as flag conditions */
    condition: string;
    /** the shortest counterexample with the Action, relative to this report */
    counterexample: string | null;
    steps: number | null;
  }[];
}

/** Side by side: each goal without the Action (this report) and with it (the other). */
export function actionComparison(without: Report, withAction: Report, file: string, dir: string): ActionReport {
  return {
    file, report: `${dir}/report.md`,
    explorer: withAction.scope.explorer,
    random: withAction.scope.random && { sequences: withAction.scope.random.sequences, steps: withAction.scope.random.steps },
    ruleViolations: withAction.ruleViolations.length,
    goals: without.riskMatrix.map((a) => {
      const b = withAction.riskMatrix.find((x) => x.goal === a.goal)!;
      const effect = a.failsIn === 0 && b.failsIn === 0 ? 'holds either way' : b.failsIn === 0 ? 'closes' : b.failsIn < a.failsIn ? 'narrows' : b.failsIn === a.failsIn ? 'unchanged' : 'widens';
      const shortest = [...b.terms.map((t) => ({ file: t.counterexample, steps: t.steps })), ...b.others.map((o) => ({ file: o.counterexample, steps: o.steps }))]
        .sort((x, y) => x.steps - y.steps)[0];
      return {
        goal: a.goal, without: { failsIn: a.failsIn, of: a.of }, with: { failsIn: b.failsIn, of: b.of }, effect,
        condition: b.failsIn === 0 ? 'nowhere' : b.condition,
        counterexample: shortest ? `${dir}/${shortest.file}` : null, steps: shortest?.steps ?? null,
      };
    }),
  };
}

/** MODEL.md §8: a goal in the two-app check, next to the same configurations with the first app alone. */
export interface SecondAppRow {
  goal: string;
  /** the single-app configurations the two-app ones extend (the native app with the strict first app), and where the goal fails there */
  alone: { failsIn: number; of: number };
  failsIn: number;
  of: number;
  /** two-app configurations where it fails although the first app alone keeps it: the second app undoes the first */
  undoneIn: number;
  /** among the configurations where the first app alone keeps it, when the second app undoes it */
  condition: string;
  terms: { when: string; configurations: number; counterexample: string; steps: number }[];
  others: { config: string; readable: string; counterexample: string; steps: number }[];
  /** one sentence for the reader */
  verdict: string;
}

/** MODEL.md §8: what a second web app changes (the two-app check of `n2w check` over the space). */
export interface SecondAppReport {
  description: string;
  configurations: number;
  explorer: { scope: string; depth: number; states: number; transitions: number } | null;
  random: { seed: number; runsPerConfiguration: number; maxSteps: number; sequences: number; steps: number } | null;
  ruleViolations: Report['ruleViolations'];
  goals: SecondAppRow[];
}

/** The two-app check's results, with the options it ran with. */
export interface SecondAppResults { results: readonly ConfigResult[]; opts: CheckOptions; description: string }

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
    property: p.id, kind: p.kind, rules: p.rules, claim: p.claim, configLabel: label, config: configToInput(config, resolve(dir, 'counterexamples')),
    interpretations: opts.interpretations, ...(isDefaultPopulation(opts.population) ? {} : { world: opts.population }),
    foundBy: ce.foundBy,
    replay: `n2w replay ${dir}/counterexamples/${counterexampleName(p.id, label)}`,
    violation: { step: ce.events.length, message: ce.message },
    steps: ce.events, observations: ce.observations,
    attacker: attackerStory(makeSetting(config, opts.interpretations, opts.population), ce.events),
  };
}

const HOW: Record<HowKnown, (t: TransferToken) => string> = {
  'own-account': (t) => `he minted ${t.id} himself on ${t.device}`,
  'steal-in-transit': (t) => `he took ${t.id} in transit when ${t.user} minted it on ${t.device} (steal-in-transit)`,
  'device-malware': (t) => `his malware on ${t.device} read ${t.id} when ${t.user} minted it there (device-malware)`,
  'read-url': (t) => `he read ${t.id} from the URL ${t.user}'s device opened with it (read-url)`,
};

/** For each transfer token an attacker's device presents, how it reached him (the world replayed up to that step). */
function attackerStory(setting: Setting, events: readonly ModelEvent[]): CounterexampleFile['attacker'] {
  const a = setting.attacker;
  const model = createModel(setting);
  let world = model.initial;
  const tokens: { step: number; token: string; how: string }[] = [];
  events.forEach((e, i) => {
    if (e.type === 'AUTHORIZE' && e.transferToken !== undefined && a.attackers.has(a.owners.get(e.device) ?? '')) {
      const t = transferToken(world, e.transferToken);
      const how = t && howKnown(a, t);
      if (t && how) tokens.push({ step: i + 1, token: t.id, how: HOW[how](t) });
    }
    world = model.step(world, e, i + 1).world;
  });
  return { capabilities: [...a.capabilities], tokens };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The counterexamples of one configuration, per property: the shorter of the two engines' (explorer on a tie). */
export function bestPerProperty(r: ConfigResult): Map<string, Counterexample> {
  const best = new Map<string, Counterexample>();
  for (const ce of [...(r.explorer?.counterexamples ?? []), ...(r.random?.counterexamples ?? [])]) {
    const known = best.get(ce.property);
    if (!known || ce.events.length < known.events.length) best.set(ce.property, ce);
  }
  return best;
}

/** What each engine explored over some configurations (the report's scope). */
export function engineScopes(results: readonly ConfigResult[], opts: CheckOptions) {
  const sum = (f: (r: ConfigResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return {
    explorer: opts.explorer && {
      scope: opts.explorer.scope, depth: opts.explorer.depth,
      states: sum((r) => r.explorer?.states ?? 0), transitions: sum((r) => r.explorer?.transitions ?? 0),
    },
    random: opts.random && {
      seed: opts.random.seed, runsPerConfiguration: opts.random.runs, maxSteps: opts.random.maxSteps,
      sequences: sum((r) => r.random?.sequences ?? 0), steps: sum((r) => r.random?.steps ?? 0),
    },
  };
}

/** Every rule property's violations, one row per configuration, with the counterexample saved. */
function ruleViolationsOf(results: readonly ConfigResult[], best: readonly Map<string, Counterexample>[], save: (r: ConfigResult, ce: Counterexample) => string): Report['ruleViolations'] {
  return RULE_PROPERTIES.flatMap((p) => results.flatMap((r, i) => {
    const ce = best[i].get(p.id);
    return ce ? [{ property: p.id, config: r.label, counterexample: save(r, ce), steps: ce.events.length, message: ce.message }] : [];
  }));
}

/** A condition's terms and uncovered configurations, each with its shortest counterexample saved. */
function termsOf(cond: ReturnType<typeof summarise>, goal: string, pool: readonly ConfigResult[], best: readonly Map<string, Counterexample>[], save: (r: ConfigResult, ce: Counterexample) => string) {
  // the shortest counterexample among some configurations (ties: the first configuration)
  const shortest = (among: number[]) => among.map((i) => [i, best[i].get(goal)!] as const).reduce((a, b) => (b[1].events.length < a[1].events.length ? b : a));
  return {
    terms: cond.terms.map((t, k) => {
      // illustrate a term with a configuration it explains alone (not matched by an earlier term), if any
      const earlier = new Set(cond.terms.slice(0, k).flatMap((e) => e.matches));
      const own = t.matches.filter((i) => !earlier.has(i));
      const [i, ce] = shortest(own.length > 0 ? own : t.matches);
      return { when: t.text, configurations: t.matches.length, counterexample: save(pool[i], ce), steps: ce.events.length };
    }),
    others: cond.uncovered.map((i) => {
      const ce = best[i].get(goal)!;
      return { config: pool[i].label, readable: describeConfig(pool[i].config), counterexample: save(pool[i], ce), steps: ce.events.length };
    }),
  };
}

const TWO_APP_CONDITIONS: ConditionDimensions = { dimensions: TWO_APP_DIMENSIONS, valuesOf: twoAppValues };

/**
 * MODEL.md §8's second web app: per goal, where it fails with the first app alone, where with the second
 * added, and when the second undoes what the first app alone keeps (conditions over the second app's flags).
 */
function secondAppSection(two: SecondAppResults, single: readonly ConfigResult[], save: (r: ConfigResult, ce: Counterexample) => string): SecondAppReport {
  const results = two.results;
  const best = results.map(bestPerProperty);
  const byLabel = new Map(single.map((r) => [r.label, bestPerProperty(r)]));
  const aloneLabels = [...new Set(results.map((r) => configLabel(withoutSecondApp(r.config))))];
  const ruleViolations = ruleViolationsOf(results, best, save);
  const goals = GOAL_PROPERTIES.map((p): SecondAppRow => {
    const failsAlone = (r: ConfigResult) => byLabel.get(configLabel(withoutSecondApp(r.config)))?.has(p.id) ?? false;
    const aloneFails = aloneLabels.filter((l) => byLabel.get(l)?.has(p.id)).length;
    const failing = results.map((_, i) => i).filter((i) => best[i].has(p.id));
    // conditions over the configurations where the first app alone keeps the goal
    const keptAlone = results.map((_, i) => i).filter((i) => !failsAlone(results[i]));
    const pool = keptAlone.map((i) => results[i]);
    const poolBest = keptAlone.map((i) => best[i]);
    const undone = new Set(pool.map((_, k) => k).filter((k) => poolBest[k].has(p.id)));
    const cond = summarise(pool.map((r) => r.config), undone, TWO_APP_CONDITIONS);
    const { terms, others } = undone.size > 0 ? termsOf(cond, p.id, pool, poolBest, save) : { terms: [], others: [] };
    const verdict = undone.size > 0 ? `a lax second app undoes the strict first one: ${cond.text}`
      : aloneFails > 0 ? 'fails already with the first app alone; the second app changes nothing the first did not already allow'
        : failing.length > 0 ? 'fails with the second app only where it fails with the first alone' : 'holds with the second app added, whatever its flags';
    return {
      goal: p.id, alone: { failsIn: aloneFails, of: aloneLabels.length }, failsIn: failing.length, of: results.length, undoneIn: undone.size,
      condition: undone.size > 0 ? cond.text : 'never undone', terms, others, verdict,
    };
  });
  const scopes = engineScopes(results, two.opts);
  return { description: two.description, configurations: results.length, explorer: scopes.explorer, random: scopes.random, ruleViolations, goals };
}

/** The report's optional sections, from the runs that feed them. */
export interface ReportSections {
  given?: GivenReport | null;
  secondApp?: SecondAppResults | null;
  grid?: CapabilityGridResults | null;
  sensitivity?: SensitivityResults | null;
}

export function buildReport(results: readonly ConfigResult[], opts: CheckOptions, source: string, mutants: NonVacuity, dir = 'reports', sections: ReportSections = {}): BuiltReport {
  const { given = null, secondApp = null, grid = null } = sections;
  const configs = results.map((r) => r.config);
  const n = results.length;
  const files = new Map<string, CounterexampleFile>();
  const saveWith = (o: CheckOptions) => (r: ConfigResult, ce: Counterexample): string => {
    const name = counterexampleName(ce.property, r.label);
    if (!files.has(name)) files.set(name, counterexampleFile(ce, r.config, o, dir));
    return `counterexamples/${name}`;
  };
  const saveOf = saveWith(opts);
  const best = results.map(bestPerProperty);
  const violatedBy = (engine: 'explorer' | 'random', id: string) =>
    results.filter((r) => r[engine]?.counterexamples.some((c) => c.property === id)).length;
  const sum = (f: (r: ConfigResult) => number) => results.reduce((s, r) => s + f(r), 0);

  const { explorer: explorerScope, random: randomScope } = engineScopes(results, opts);
  const across = `across ${n} configuration${n > 1 ? 's' : ''}`;

  const vacuity = results.map((r) => vacuousBecause(r.config, r.coverage.outcomeRows));
  // a goal with no violation holds vacuously when every configuration is vacuous; with one reason if they share it
  const vacuousGoal = (violatedIn: number) => {
    if (violatedIn > 0 || !vacuity.every((v) => v !== null)) return { vacuous: false, vacuousBecause: null };
    const reasons = [...new Set(vacuity)];
    return { vacuous: true, vacuousBecause: reasons.length === 1 ? reasons[0] : `in every configuration: ${reasons.join('; or ')}` };
  };
  const properties: PropertyVerdict[] = PROPERTIES.map((p) => {
    const ex = violatedBy('explorer', p.id);
    const rnd = violatedBy('random', p.id);
    const violatedIn = best.filter((b) => b.has(p.id)).length;
    // counted by the random engine on every configuration, by the explorer on a configuration given alone
    const counted = { random: opts.random !== null, explorer: results.some((r) => r.explorer?.exercised !== undefined) };
    const count = (r: ConfigResult) => (r.random?.exercised[p.id] ?? 0) + (r.explorer?.exercised?.[p.id] ?? 0);
    const exercised = counted.random || counted.explorer ? {
      ...(counted.random ? { randomSteps: sum((r) => r.random?.exercised[p.id] ?? 0) } : {}),
      ...(counted.explorer ? { explorerTransitions: sum((r) => r.explorer?.exercised?.[p.id] ?? 0) } : {}),
      configurations: results.filter((r) => count(r) > 0).length,
    } : null;
    // "not exercised" only when every engine that ran counted, and none met the premise
    const everyEngineCounted = (!opts.explorer || counted.explorer) && (!opts.random || counted.random);
    const vac = p.kind === 'goal' ? vacuousGoal(violatedIn) : { vacuous: false, vacuousBecause: null };
    const status: PropertyVerdict['status'] = violatedIn > 0 ? 'violated' : vac.vacuous ? 'holds vacuously'
      : exercised && everyEngineCounted && exercised.configurations === 0 ? 'not exercised' : 'no violation';
    return {
      id: p.id, kind: p.kind, rules: p.rules, claim: p.claim,
      violatedIn, exercised, status, ...vac,
      explorer: explorerScope && (ex === 0
        ? `no violation up to depth ${explorerScope.depth} in scope ${explorerScope.scope} (${fmt(explorerScope.states)} distinct states summed ${across})`
        : `violated in ${ex} of ${n} configurations`),
      random: randomScope && (rnd === 0
        ? `no violation in ${fmt(randomScope.sequences)} sequences of up to ${randomScope.maxSteps} steps ${across}`
        : `violated in ${rnd} of ${n} configurations`),
    };
  });

  const failingBy = new Map<string, Set<number>>();
  const riskMatrix: RiskRow[] = GOAL_PROPERTIES.map((p) => {
    const failing = new Set(results.map((_, i) => i).filter((i) => best[i].has(p.id)));
    failingBy.set(p.id, failing);
    const cond = summarise(configs, failing);
    return {
      goal: p.id, claim: p.claim, failsIn: failing.size, of: n,
      holdsVacuouslyIn: results.filter((_, i) => !failing.has(i) && vacuity[i] !== null).length,
      ...vacuousGoal(failing.size),
      foundBy: { explorer: violatedBy('explorer', p.id), random: violatedBy('random', p.id) },
      condition: cond.text,
      ...termsOf(cond, p.id, results, best, saveOf),
    };
  });

  const ruleViolations = ruleViolationsOf(results, best, saveOf);

  const cov = emptyCoverage();
  for (const r of results) mergeCoverage(cov, r.coverage);
  const reached = coverageToJson(cov);
  const notes: string[] = [];
  if (opts.interpretations.A10 === 'ignored') notes.push('method_not_allowed and AUTHORIZE/promptMethodNotAllowed exist only under A10 = invalid; this run uses A10 = ignored (run with -i A10=invalid to reach them).');
  // (read off the configurations checked: an expired or leeway-honoured refresh token needs a client that sets them)
  const sets = (f: (c: Config) => boolean) => results.some((r) => f(r.config));
  if (!sets((c) => [c.native, c.web].some((x) => x.expirationType === 'expiring' && (!x.infiniteTokenLifetime || !x.infiniteIdleTokenLifetime)))) notes.push('refresh_token_expired, a refresh token\'s expired state and its branches exist only where a client\'s refresh tokens expire (refresh_token.expiration_type expiring with a finite lifetime); no configuration checked sets one.');
  if (!sets((c) => [c.native, c.web].some((x) => x.leeway > 0))) notes.push('MINT_TRANSFER_TOKEN/mintWithinLeeway and REFRESH/refreshWithinLeeway exist only where a rotating client sets refresh_token.leeway; no configuration checked sets one.');

  const second = secondApp && secondAppSection(secondApp, results, saveWith(secondApp.opts));

  return {
    report: {
      tool: { name: 'n2w', version: TOOL_VERSION },
      scope: {
        configurations: n, source, interpretations: opts.interpretations,
        population: isDefaultPopulation(opts.population) ? 'default' : opts.population,
        attacker: [...capabilitiesOf(opts.population)],
        explorer: explorerScope, random: randomScope,
      },
      verdict: {
        specRulesHold: ruleViolations.length === 0 && (second?.ruleViolations.length ?? 0) === 0,
        everyRulePropertyCatchesItsMutants: mutants.allCaught,
        ruleViolations: ruleViolations.length + (second?.ruleViolations.length ?? 0),
        goalsFailing: riskMatrix.filter((r) => r.failsIn > 0).map((r) => r.goal),
      },
      properties, riskMatrix, ruleViolations,
      coverage: {
        reached: Object.fromEntries((Object.keys(COVERAGE_ITEMS) as CoverageCategory[]).map((k) => [k, `${reached[k].length} of ${COVERAGE_ITEMS[k].length}`])) as Record<CoverageCategory, string>,
        missing: missing(cov), notes,
      },
      given,
      secondApp: second,
      action: null,
      remediation: source === 'configuration space' ? remediation(configs, failingBy, vacuity) : null,
      capabilityGrid: grid ? capabilityGrid(grid, dir, files, source === 'configuration space') : null,
      sensitivity: sections.sensitivity ? sensitivity(sections.sensitivity, (r, ce, reading) => {
        const name = counterexampleName(ce.property, `${r.label}_i-${readingCode(reading)}`);
        if (!files.has(name)) files.set(name, { ...counterexampleFile(ce, r.config, { ...sections.sensitivity!.opts, interpretations: reading }, dir), replay: `n2w replay ${dir}/counterexamples/${name}` });
        return `counterexamples/${name}`;
      }) : null,
      nonVacuity: mutants,
      configurations: results.map((r, i) => ({
        label: r.label, readable: describeConfig(r.config), vacuousBecause: vacuity[i],
        explorer: r.explorer && { states: r.explorer.states, transitions: r.explorer.transitions, violated: r.explorer.counterexamples.map((c) => c.property) },
        random: r.random && { sequences: r.random.sequences, steps: r.random.steps, violated: r.random.counterexamples.map((c) => c.property) },
      })),
    },
    counterexamples: files,
  };
}

/** By value: a partial report's population comes back from JSON, not as the same object. */
const isDefaultPopulation = (p: Population) => p === DEFAULT_POPULATION || JSON.stringify(p) === JSON.stringify(DEFAULT_POPULATION);
