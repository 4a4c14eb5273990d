// cli/report/sensitivity.ts: which verdicts depend on how the docs' silences are read (MODEL.md §2,
// interpretation switches). `n2w check --interpretations all` checks the space under every combination of
// readings; here, per property, the configurations where its verdict changes with a reading, which switches
// it depends on there, the readings under which it fails in more configurations than under the defaults
// (each with a counterexample under that reading), and those under which it fails in fewer.
import { DEFAULT_INTERPRETATIONS, INTERPRETATION_KEYS, INTERPRETATION_VALUES, type Config, type Interpretations } from '../../machines/config.js';
import type { RuleId } from '../../machines/rules.js';
import { PROPERTIES } from '../../properties/index.js';
import type { CheckOptions, ConfigResult } from '../../check/check.js';
import type { Counterexample } from '../../random/random.js';
import { summarise, type Condition, type ConditionDimensions } from './conditions.js';
import { bestPerProperty, engineScopes } from './report.js';

/** The space checked under each combination of readings (interpretationSpace's order: the defaults first). */
export interface SensitivityResults {
  readings: Interpretations[];
  /** per reading, the results in the order of the space */
  results: ConfigResult[][];
  /** the options of the runs (their interpretations: the defaults; each reading replaces them) */
  opts: CheckOptions;
}

/** What each switch decides, in a line (the ids are the spec's ambiguities, N1 and N2 the project's own readings). */
export const SWITCH_MEANINGS: Record<keyof Interpretations, string> = {
  A6: 'a valid transfer token meeting a session of the same user links the reused session to the token\'s family',
  A8: 'a redemption that fails the binding, organization or user check uses the transfer token up',
  A10: 'a transfer token sent by a method the web app does not allow is ignored, or is an invalid request',
  N1: 'a mint by a client without can_create_session_transfer_token, with a rotated refresh token, runs reuse detection first',
  A19: 'an administrator\'s session revocation ends the session\'s online refresh tokens only, or every one issued to it',
  N2: 'online web refresh tokens extend their session\'s idle time, and revoking one ends its session',
};

export interface SensitivitySwitch {
  id: keyof Interpretations;
  meaning: string;
  /** the readings checked, the default first */
  readings: (string | boolean)[];
  /** configurations whose exploration read it under some combination: elsewhere its readings cannot differ */
  readIn: number;
}

export interface SensitivityTerm {
  /** readings, as switch conditions ("A8 is false") */
  when: string;
  /** of the readings checked, how many the term matches */
  readings: number;
  /** configurations where the property fails under one of those readings and held under the defaults */
  configurations: number;
  counterexample: string;
  steps: number;
  /** the reading the counterexample is under */
  reading: Interpretations;
}

export interface SensitivityRow {
  property: string;
  kind: 'rule' | 'goal';
  rules: readonly RuleId[];
  /** configurations where it fails under the default readings, and under at least one reading */
  underDefault: number;
  underSome: number;
  /** configurations where the verdict is not the same under every reading, and when (flag conditions) */
  changesIn: number;
  where: string;
  /** per switch, the configurations where flipping it alone changes the verdict */
  dependsOn: { switch: keyof Interpretations; configurations: number }[];
  /** readings under which it fails where the defaults keep it (null: none) */
  widens: { condition: string; terms: SensitivityTerm[] } | null;
  /** readings under which it holds where the defaults fail it (null: none) */
  narrows: { condition: string; configurations: number } | null;
}

/** A goal failing under every reading whose shortest attack is shorter under some readings. */
export interface LengthRow {
  goal: string;
  /** configurations where the shortest counterexample's length is not the same under every reading */
  configurations: number;
  where: string;
  /** readings under which some configuration's attack is shorter than under the defaults, with one */
  shorter: { condition: string; terms: (SensitivityTerm & { defaultSteps: number })[] } | null;
  /** readings under which some configuration's attack is longer */
  longer: { condition: string; configurations: number } | null;
}

/** Coverage items (reason codes, outcome rows, branches, ...) the defaults never reach and some readings do. */
export interface ReadingCoverage { category: string; items: string[]; when: string }

export interface Sensitivity {
  readings: number;
  explorer: { scope: string; depth: number; states: number; transitions: number } | null;
  switches: SensitivitySwitch[];
  /** the properties whose verdict changes with a reading somewhere */
  changes: SensitivityRow[];
  /** the others, with the configurations where they fail (the same under every reading) */
  unchanged: { property: string; failsIn: number }[];
  /** goals whose shortest attack gets shorter or longer with a reading */
  lengths: LengthRow[];
  /** what only other readings reach, so that "not reached" under the defaults is not read as dead code */
  coverage: ReadingCoverage[];
}

type Save = (r: ConfigResult, ce: Counterexample, reading: Interpretations) => string;

const READING_DIMENSIONS: ConditionDimensions<Interpretations> = {
  dimensions: INTERPRETATION_KEYS.map((k) => ({ key: `reading.${k}` as const, values: INTERPRETATION_VALUES[k] })),
  valuesOf: (i) => Object.fromEntries(INTERPRETATION_KEYS.map((k) => [`reading.${k}`, i[k]])),
};

/** A condition's terms as one phrase, without summarise's verb. */
const phrase = (c: Condition, what: string) => [...c.terms.map((t) => t.text || 'any reading'), ...(c.uncovered.length ? [`${c.uncovered.length} other ${what}${c.uncovered.length > 1 ? 's' : ''}`] : [])].join('; or ');

/** A reading's short code for file names: its switches off their default ("A8f-A10inv"), or "default". */
export function readingCode(i: Interpretations): string {
  const codes = INTERPRETATION_KEYS.filter((k) => i[k] !== DEFAULT_INTERPRETATIONS[k])
    .map((k) => `${k}${typeof i[k] === 'boolean' ? (i[k] ? 't' : 'f') : String(i[k]).slice(0, 3)}`);
  return codes.join('-') || 'default';
}

/** The readings (indexes) whose list is not empty. */
const nonEmpty = (perReading: readonly (readonly number[])[]) => new Set(perReading.map((_, r) => r).filter((r) => perReading[r].length > 0));

/** Some readings as switch conditions, and the readings each term (or each reading no term covers) stands for. */
function readingGroups(readings: readonly Interpretations[], which: ReadonlySet<number>): { condition: string; groups: { when: string; among: number[] }[] } {
  const cond = summarise(readings, which, READING_DIMENSIONS);
  return {
    condition: phrase(cond, 'reading'),
    groups: [...cond.terms.map((t) => ({ when: t.text || 'any reading', among: t.matches })), ...cond.uncovered.map((r) => ({ when: readingCode(readings[r]), among: [r] }))],
  };
}

export function sensitivity(s: SensitivityResults, save: Save): Sensitivity {
  const { readings, results } = s;
  const defaultIndex = readings.findIndex((r) => INTERPRETATION_KEYS.every((k) => r[k] === DEFAULT_INTERPRETATIONS[k]));
  if (defaultIndex < 0) throw new Error('sensitivity: the default readings were not checked');
  const configs: Config[] = results[0].map((r) => r.config);
  const n = configs.length;
  const best = results.map((rs) => rs.map(bestPerProperty));
  const indexOf = new Map(readings.map((r, k) => [JSON.stringify(r), k]));
  const flipped = (r: Interpretations, k: keyof Interpretations) => {
    const vs = INTERPRETATION_VALUES[k] as readonly (string | boolean)[];
    return indexOf.get(JSON.stringify({ ...r, [k]: vs.find((v) => v !== r[k]) }));
  };

  const switches = INTERPRETATION_KEYS.map((k): SensitivitySwitch => ({
    id: k, meaning: SWITCH_MEANINGS[k], readings: [...INTERPRETATION_VALUES[k]],
    readIn: configs.filter((_, i) => results.some((rs) => rs[i].explorer?.interpretationsRead.includes(k))).length,
  }));

  const changes: SensitivityRow[] = [];
  const unchanged: Sensitivity['unchanged'] = [];
  for (const p of PROPERTIES) {
    const fails = (r: number, i: number) => best[r][i].has(p.id);
    const changed = new Set<number>();
    for (let i = 0; i < n; i++) if (readings.some((_, r) => fails(r, i) !== fails(defaultIndex, i))) changed.add(i);
    const underDefault = configs.filter((_, i) => fails(defaultIndex, i)).length;
    if (changed.size === 0) { unchanged.push({ property: p.id, failsIn: underDefault }); continue; }
    const dependsOn = INTERPRETATION_KEYS.map((k) => ({
      switch: k,
      configurations: [...changed].filter((i) => readings.some((r, a) => { const b = flipped(r, k); return b !== undefined && fails(a, i) !== fails(b, i); })).length,
    })).filter((d) => d.configurations > 0);
    // per reading, the configurations it adds to the defaults' failures, and those it removes
    const added = readings.map((_, r) => [...changed].filter((i) => fails(r, i) && !fails(defaultIndex, i)));
    const removed = readings.map((_, r) => [...changed].filter((i) => !fails(r, i) && fails(defaultIndex, i)));
    const widening = nonEmpty(added);
    const narrowing = nonEmpty(removed);
    let widens: SensitivityRow['widens'] = null;
    if (widening.size > 0) {
      const { condition, groups } = readingGroups(readings, widening);
      widens = {
        condition,
        terms: groups.map((g) => {
          // the shortest counterexample under the term's readings, where the defaults keep the property
          // (ties: the earliest reading, then the earliest configuration)
          let pick: { r: number; i: number; ce: Counterexample } | null = null;
          for (const r of g.among) for (const i of added[r]) {
            const ce = best[r][i].get(p.id)!;
            if (!pick || ce.events.length < pick.ce.events.length) pick = { r, i, ce };
          }
          const configurations = new Set(g.among.flatMap((r) => added[r])).size;
          return { when: g.when, readings: g.among.length, configurations, counterexample: save(results[pick!.r][pick!.i], pick!.ce, readings[pick!.r]), steps: pick!.ce.events.length, reading: readings[pick!.r] };
        }),
      };
    }
    const narrows = narrowing.size === 0 ? null : {
      condition: phrase(summarise(readings, narrowing, READING_DIMENSIONS), 'reading'),
      configurations: new Set([...narrowing].flatMap((r) => removed[r])).size,
    };
    const where = summarise(configs, changed);
    changes.push({
      property: p.id, kind: p.kind, rules: p.rules, underDefault,
      underSome: configs.filter((_, i) => readings.some((_, r) => fails(r, i))).length,
      changesIn: changed.size, where: changed.size === n ? 'every configuration checked' : phrase(where, 'configuration'),
      dependsOn, widens, narrows,
    });
  }
  return {
    readings: readings.length, explorer: engineScopes(results.flat(), s.opts).explorer, switches, changes, unchanged,
    lengths: lengthRows(s, best, defaultIndex, save), coverage: readingCoverage(s, defaultIndex),
  };
}

type Best = ReturnType<typeof bestPerProperty>[][];

function lengthRows(s: SensitivityResults, best: Best, d: number, save: Save): LengthRow[] {
  const { readings, results } = s;
  const configs = results[0].map((r) => r.config);
  const rows: LengthRow[] = [];
  for (const p of PROPERTIES.filter((x) => x.kind === 'goal')) {
    // configurations where it fails under every reading (elsewhere its verdict changed: changes, above)
    const steps = (r: number, i: number) => best[r][i].get(p.id)?.events.length;
    const everywhere = configs.map((_, i) => i).filter((i) => readings.every((_, r) => steps(r, i) !== undefined));
    const differs = new Set(everywhere.filter((i) => readings.some((_, r) => steps(r, i) !== steps(d, i))));
    if (differs.size === 0) continue;
    const shorterIn = readings.map((_, r) => [...differs].filter((i) => steps(r, i)! < steps(d, i)!));
    const longerIn = readings.map((_, r) => [...differs].filter((i) => steps(r, i)! > steps(d, i)!));
    const shorterSet = nonEmpty(shorterIn);
    const longerSet = nonEmpty(longerIn);
    let shorter: LengthRow['shorter'] = null;
    if (shorterSet.size > 0) {
      const { condition, groups } = readingGroups(readings, shorterSet);
      shorter = {
        condition,
        terms: groups.map((g) => {
          // the largest saving under the term's readings (ties: the earliest reading, then configuration)
          let pick: { r: number; i: number } | null = null;
          const gain = (x: { r: number; i: number }) => steps(d, x.i)! - steps(x.r, x.i)!;
          for (const r of g.among) for (const i of shorterIn[r]) if (!pick || gain({ r, i }) > gain(pick)) pick = { r, i };
          const ce = best[pick!.r][pick!.i].get(p.id)!;
          return {
            when: g.when, readings: g.among.length, configurations: new Set(g.among.flatMap((r) => shorterIn[r])).size,
            counterexample: save(results[pick!.r][pick!.i], ce, readings[pick!.r]), steps: ce.events.length, reading: readings[pick!.r], defaultSteps: steps(d, pick!.i)!,
          };
        }),
      };
    }
    rows.push({
      goal: p.id, configurations: differs.size, where: phrase(summarise(configs, differs), 'configuration'), shorter,
      longer: longerSet.size === 0 ? null : { condition: phrase(summarise(readings, longerSet, READING_DIMENSIONS), 'reading'), configurations: new Set([...longerSet].flatMap((r) => longerIn[r])).size },
    });
  }
  return rows;
}

function readingCoverage(s: SensitivityResults, d: number): ReadingCoverage[] {
  const reached = s.results.map((rs) => {
    const m = new Map<string, Set<string>>();
    for (const r of rs) for (const [cat, items] of Object.entries(r.coverage)) {
      let set = m.get(cat);
      if (!set) m.set(cat, (set = new Set()));
      for (const x of items) set.add(x);
    }
    return m;
  });
  const categories = [...new Set(reached.flatMap((m) => [...m.keys()]))];
  // items the defaults miss, grouped by the readings that reach them
  const groups = new Map<string, { category: string; items: string[]; where: Set<number> }>();
  for (const cat of categories) {
    const items = [...new Set(reached.flatMap((m) => [...(m.get(cat) ?? [])]))].sort();
    for (const item of items.filter((x) => !reached[d].get(cat)?.has(x))) {
      const where = new Set(s.readings.map((_, r) => r).filter((r) => reached[r].get(cat)?.has(item)));
      const k = `${cat}|${[...where].join(',')}`;
      const g = groups.get(k);
      if (g) g.items.push(item); else groups.set(k, { category: cat, items: [item], where });
    }
  }
  return [...groups.values()].map((g) => ({ category: g.category, items: g.items, when: phrase(summarise(s.readings, g.where, READING_DIMENSIONS), 'reading') }));
}
