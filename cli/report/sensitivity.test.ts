// Interpretation sensitivity on made-up verdicts over a slice of the real space, so each answer is known in
// advance: a goal that fails only where A8 is false, a rule that fails in fewer configurations under A6, an
// attack that gets shorter under A10 = invalid, and a reason code that only A10 = invalid reaches.
import { describe, expect, it } from 'vitest';
import { configLabel, configurationSpace, DEFAULT_INTERPRETATIONS, interpretationSpace, type Interpretations } from '../../machines/config.js';
import { DEFAULT_POPULATION } from '../../machines/world.js';
import { GOAL_PROPERTIES, RULE_PROPERTIES } from '../../properties/index.js';
import type { CheckOptions, ConfigResult } from '../../check/check.js';
import type { Counterexample } from '../../random/random.js';
import type { ModelEvent } from '../../machines/events.js';
import { readingCode, sensitivity } from './sensitivity.js';

const configs = configurationSpace().slice(0, 24);
const readings = interpretationSpace();
const opts: CheckOptions = { interpretations: DEFAULT_INTERPRETATIONS, population: DEFAULT_POPULATION, random: null, explorer: { scope: 'smoke', depth: 5 } };
const GOAL = GOAL_PROPERTIES[0].id, OTHER_GOAL = GOAL_PROPERTIES[1].id, RULE = RULE_PROPERTIES[0].id;

const ce = (property: string, steps: number): Counterexample => ({
  property, kind: property === RULE ? 'rule' : 'goal', message: 'made up', observations: [],
  events: Array.from({ length: steps }, (): ModelEvent => ({ type: 'ADVANCE_TIME', seconds: 1 })), foundBy: { engine: 'explorer', scope: 'smoke', depth: 5 },
});

/** What fails where, under a reading: the made-up truth of each test. */
function results(fails: (i: number, r: Interpretations) => Counterexample[], reached: (r: Interpretations) => string[] = () => []): ConfigResult[][] {
  return readings.map((r) => configs.map((config, i) => ({
    index: i, label: configLabel(config), config, random: null,
    explorer: { states: 1, transitions: 1, maxDepth: 1, complete: true, counterexamples: fails(i, r), interpretationsRead: i < 12 ? ['A6', 'A8', 'A10'] : [] },
    coverage: { reasons: reached(r), outcomeRows: [], actorStates: [], transitions: [], branches: [] } as unknown as ConfigResult['coverage'],
  })));
}

const saved: string[] = [];
const save = (r: ConfigResult, c: Counterexample, reading: Interpretations) => {
  const name = `${c.property}--${r.label}_i-${readingCode(reading)}`;
  saved.push(name);
  return name;
};

describe('interpretation sensitivity', () => {
  it('a goal failing only where A8 is false, in the first six configurations: the switch, the reading, where, and a counterexample under that reading', () => {
    const s = sensitivity({ readings, results: results((i, r) => (!r.A8 && i < 6 ? [ce(GOAL, 3 + (i % 2))] : [])), opts }, save);
    expect(s.readings).toBe(64);
    const row = s.changes.find((c) => c.property === GOAL)!;
    expect(row).toMatchObject({ underDefault: 0, underSome: 6, changesIn: 6, dependsOn: [{ switch: 'A8', configurations: 6 }], narrows: null });
    expect(row.widens!.condition).toBe('A8 is false');
    expect(row.widens!.terms).toHaveLength(1);
    expect(row.widens!.terms[0]).toMatchObject({ when: 'A8 is false', readings: 32, configurations: 6, steps: 3 });
    expect(row.widens!.terms[0].reading.A8).toBe(false);
    expect(saved.at(-1)).toMatch(/_i-A8f$/);
    // every other property: unchanged, and no length or coverage row
    expect(s.changes).toHaveLength(1);
    expect(s.unchanged.map((u) => u.property)).not.toContain(GOAL);
    expect(s.lengths).toEqual([]);
    expect(s.coverage).toEqual([]);
    expect(s.switches.find((w) => w.id === 'A8')).toMatchObject({ readIn: 12, readings: [true, false] });
    expect(s.switches.find((w) => w.id === 'N2')!.readIn).toBe(0);
  });

  it('a rule failing under the defaults that A6 = true keeps: it narrows, and depends on A6 and nothing else', () => {
    const s = sensitivity({ readings, results: results((i, r) => (!r.A6 && i === 2 ? [ce(RULE, 2)] : [])), opts }, save);
    const row = s.changes.find((c) => c.property === RULE)!;
    expect(row).toMatchObject({ kind: 'rule', underDefault: 1, changesIn: 1, widens: null, narrows: { condition: 'A6 is true', configurations: 1 } });
    expect(row.dependsOn.map((d) => d.switch)).toEqual(['A6']);
  });

  it('an attack shorter under A10 = invalid and N2 = true, failing under every reading: a length row, not a verdict change', () => {
    const s = sensitivity({ readings, results: results((i, r) => [ce(OTHER_GOAL, r.A10 === 'invalid' && r.N2 && i === 5 ? 2 : 4)]), opts }, save);
    expect(s.changes).toEqual([]);
    expect(s.unchanged.find((u) => u.property === OTHER_GOAL)!.failsIn).toBe(configs.length);
    expect(s.lengths).toHaveLength(1);
    expect(s.lengths[0]).toMatchObject({ goal: OTHER_GOAL, configurations: 1, longer: null });
    expect(s.lengths[0].shorter!.condition).toBe('A10 is invalid and N2 is true');
    expect(s.lengths[0].shorter!.terms[0]).toMatchObject({ steps: 2, defaultSteps: 4, configurations: 1 });
  });

  it('a reason code only A10 = invalid reaches is listed with that reading', () => {
    const s = sensitivity({ readings, results: results(() => [], (r) => (r.A10 === 'invalid' ? ['method_not_allowed'] : ['ok'])), opts }, save);
    expect(s.coverage).toEqual([{ category: 'reasons', items: ['method_not_allowed'], when: 'A10 is invalid' }]);
  });

  it('refuses results without the default readings', () => {
    expect(() => sensitivity({ readings: readings.slice(1), results: results(() => []).slice(1), opts }, save)).toThrow(/default readings/);
  });
});
