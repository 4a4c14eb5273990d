// random/scenario.ts: runs a scenario (a reviewer's, or a saved counterexample) through the model,
// checking every property after every step.
import { refusedByCapabilities } from '../machines/attacker.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel, referenceError, type Model } from '../machines/step.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import type { World } from '../machines/world.js';
import type { Config, Interpretations } from '../machines/config.js';
import type { Population } from '../machines/world.js';
import { PROPERTIES, violationsAt, type Property, type Violation } from '../properties/index.js';

export interface ScenarioInput {
  config: Config;
  interpretations: Interpretations;
  population: Population;
  steps: readonly ModelEvent[];
}

export interface ScenarioRun {
  setting: Setting;
  observations: Observation[];
  world: World;
  violations: Violation[];
}

/** A step names something that does not exist (MODEL.md §3): a scenario error, not a model step. */
export class ScenarioReferenceError extends Error {
  constructor(readonly step: number, readonly field: string, detail: string) {
    super(`steps[${step}].${field}: ${detail}`);
  }
}

export function runScenario(input: ScenarioInput, properties: readonly Property[] = PROPERTIES, model?: Model): ScenarioRun {
  const setting = model?.setting ?? makeSetting(input.config, input.interpretations, input.population);
  const m = model ?? createModel(setting);
  let world = m.initial;
  const observations: Observation[] = [];
  const violations: Violation[] = [];
  input.steps.forEach((event, i) => {
    const err = referenceError(setting, world, event);
    if (err) throw new ScenarioReferenceError(i, err.field, err.message);
    // MODEL.md §10: a step the attacker cannot make happen is no step of this world
    const refused = refusedByCapabilities(setting.attacker, world, event);
    if (refused) throw new ScenarioReferenceError(i, 'attacker', `${refused} (world.capabilities: ${[...setting.attacker.capabilities].join(', ')})`);
    const r = m.step(world, event, i + 1);
    violations.push(...violationsAt({ setting, event, observation: r.observation, before: world, after: r.world }, properties));
    observations.push(r.observation);
    world = r.world;
  });
  return { setting, observations, world, violations };
}
