// properties/index.ts: every property, in report order: spec rules first, then security goals.
// The random engine, the explorer and the conformance harness all read this list.
import type { Property, StepView } from './property.js';
import * as redemption from './redemption.js';
import * as tokens from './tokens.js';
import * as revocation from './revocation.js';
import * as goals from './goals.js';
import * as lifetimes from './lifetimes.js';
import * as logs from './logs.js';
import * as actions from './actions.js';

const isProperty = (x: unknown): x is Property => typeof x === 'object' && x !== null && 'check' in x && 'claim' in x;

export const PROPERTIES: readonly Property[] = [tokens, redemption, revocation, lifetimes, logs, actions, goals]
  .flatMap((m) => Object.values(m).filter(isProperty));
export const RULE_PROPERTIES = PROPERTIES.filter((p) => p.kind === 'rule');
export const GOAL_PROPERTIES = PROPERTIES.filter((p) => p.kind === 'goal');

export function propertyById(id: string): Property | undefined {
  return PROPERTIES.find((p) => p.id === id);
}

export interface Violation { property: string; kind: Property['kind']; step: number; message: string }

/** Every violation of the given properties at one step. */
export function violationsAt(v: StepView, properties: readonly Property[] = PROPERTIES): Violation[] {
  const out: Violation[] = [];
  for (const p of properties) {
    const message = p.check(v);
    if (message !== null) out.push({ property: p.id, kind: p.kind, step: v.observation.step, message });
  }
  return out;
}

export type { Property, StepView } from './property.js';
