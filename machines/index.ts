// machines/index.ts: the model as a library (`n2w/model`): its configuration, events, observations, world,
// the setting a run is made of and the pure step (machines/step.ts). Nothing here but re-exports.
export * from './config.js';
export * from './events.js';
export * from './logs.js';
export * from './observation.js';
export * from './setting.js';
export * from './step.js';
export * from './world.js';
export { RULES, type RuleId } from './rules.js';
