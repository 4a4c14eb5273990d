// explorer/plan.ts: which properties to call on which transitions, and which self-loops need no coverage
// recorded again.
import type { ModelEvent } from '../machines/events.js';
import { emptyObservation, NOOP_REASONS, REASONS, type Observation } from '../machines/observation.js';
import { TENANT_BRANCHES } from '../machines/tenant.machine.js';
import { authorizeFacts, factBits, isStateRelevance, triggered, type Property, type StepView } from '../properties/property.js';

// Which properties can answer non-null on which transitions: each property declares it beside its check
// (`relevance`, properties/property.ts); one without a declaration is called on every transition. A
// 'state' property reads only the world reached and the setting, so its verdict is the same for every
// transition into a world and for isomorphic worlds (canonical.ts): checking it on the transition that
// first reaches each distinct state is checking it on every transition, and BFS reaches a state first
// by a shortest path, so the counterexample stays a shortest one. properties/relevance.test.ts checks
// every declaration against the checks; explore.test.ts compares with `fullChecks` runs.
export type Relevance = NonNullable<Property['relevance']> | 'always';

/** For planning: a relevance given by event and observation ('always' and /authorize facts are handled apart). */
function relevant(r: Relevance, v: StepView, isNew: boolean): boolean {
  return r === 'always' || (isNew && isStateRelevance(r)) || (typeof r === 'string' && triggered(r, v));
}

// The properties to call per transition, precomputed per class of event from their relevance (what relevant()
// says, tabulated): instead of asking relevant() and a Map of found properties for each of ~26
// properties on each transition, the loop walks a short list of indices, and a found property costs one
// array read (the property stage is a large share of a transition's cost).

const EVENT_CLASSES = ['AUTHORIZE+token', 'AUTHORIZE', 'MINT_TRANSFER_TOKEN', 'REFRESH', 'other'] as const;
type EventClass = 0 | 1 | 2 | 3 | 4;
const PLAIN_AUTHORIZE_CLASS = 1; // classes 0 and 1: the /authorize events
const eventClass = (e: ModelEvent): EventClass =>
  e.type === 'AUTHORIZE' ? (e.transferToken !== undefined ? 0 : 1) : e.type === 'MINT_TRANSFER_TOKEN' ? 2 : e.type === 'REFRESH' ? 3 : 4;
const SAMPLE_EVENTS: Record<(typeof EVENT_CLASSES)[number], ModelEvent> = {
  'AUTHORIZE+token': { type: 'AUTHORIZE', device: 'd', transferToken: 'stt1' },
  AUTHORIZE: { type: 'AUTHORIZE', device: 'd' },
  MINT_TRANSFER_TOKEN: { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  REFRESH: { type: 'REFRESH', refreshToken: 'rt1' },
  other: { type: 'ADVANCE_TIME', seconds: 1 },
};

export interface PropertyPlan {
  /** per event class: properties relevant whatever the observation and novelty */
  always: number[][];
  /** per event class: relevant only when something was issued / revoked / the state is new */
  issued: number[][];
  revoked: number[][];
  isNew: number[][];
  /** AUTHORIZE: per bit set of /authorize facts, the properties declared on one of them (filled on first use: few of the 1,024 sets occur) */
  byFacts: number[][];
  /** per property: the bits of the /authorize facts it is declared on (0: none) */
  factMasks: number[];
}

export function planProperties(relevances: readonly Relevance[]): PropertyPlan {
  const empty = emptyObservation(0, SAMPLE_EVENTS.other);
  const issued = { ...empty, issued: ['x'] } as Observation;
  const revoked = { ...empty, revoked: { refreshTokens: ['x'], sessions: [], transferTokens: [] } } as Observation;
  const revokedS = { ...empty, revoked: { refreshTokens: [], sessions: ['x'], transferTokens: [] } } as Observation;
  const plan: PropertyPlan = { always: [], issued: [], revoked: [], isNew: [], byFacts: [], factMasks: relevances.map((r) => (typeof r !== 'string' ? factBits(r) : 0)) };
  for (const cls of EVENT_CLASSES) {
    const view = (observation: Observation) => ({ event: SAMPLE_EVENTS[cls], observation }) as StepView;
    const always: number[] = [], onIssued: number[] = [], onRevoked: number[] = [], onNew: number[] = [];
    relevances.forEach((r, i) => {
      if (typeof r !== 'string') return; // /authorize facts: byFacts below
      if (relevant(r, view(empty), false)) { always.push(i); return; }
      // otherwise on each trigger that makes it relevant (a combined relevance lands in two lists)
      if (relevant(r, view(empty), true)) onNew.push(i);
      if (relevant(r, view(issued), false)) onIssued.push(i);
      const onRevokedRt = relevant(r, view(revoked), false);
      if (onRevokedRt !== relevant(r, view(revokedS), false)) throw new Error('explorer: a relevance must treat revoked sessions and refresh tokens alike');
      if (onRevokedRt) onRevoked.push(i);
    });
    plan.always.push(always); plan.issued.push(onIssued); plan.revoked.push(onRevoked); plan.isNew.push(onNew);
  }
  return plan;
}

/**
 * Calls `check` with each list of the plan that applies to a transition: `every` property when given (the
 * transitions from the initial world), otherwise by event class, /authorize facts, novelty of the state
 * reached, and what the observation issued or revoked. `tag` is passed through (the caller's bookkeeping).
 */
export function checkPlanned<T>(plan: PropertyPlan, every: readonly number[] | null, view: StepView, isNew: boolean,
  check: (list: readonly number[], view: StepView, tag: T) => void, tag: T): void {
  if (every !== null) { check(every, view, tag); return; }
  const c = eventClass(view.event);
  const o = view.observation;
  check(plan.always[c], view, tag);
  if (c <= PLAIN_AUTHORIZE_CLASS) {
    const m = authorizeFacts(view);
    check(plan.byFacts[m] ??= plan.factMasks.flatMap((bits, i) => ((bits & m) !== 0 ? [i] : [])), view, tag);
  }
  if (isNew) check(plan.isNew[c], view, tag);
  if (o.issued.length > 0) check(plan.issued[c], view, tag);
  if (o.revoked.sessions.length > 0 || o.revoked.refreshTokens.length > 0) check(plan.revoked[c], view, tag);
}

/**
 * Self-loops (the world unchanged) whose event type, branch and reason were recorded before need no
 * coverage recorded again: a slot per (branch of the tenant machine, reason), the branches numbered
 * across event types.
 */
export function quietKeys(): { size: number; of(type: string, branch: string, reason: string | undefined): number } {
  const branchIds = Object.fromEntries(Object.entries(TENANT_BRANCHES).map(([type, bs], t) => [type, Object.fromEntries(bs.map((b, i) => [b.actions, t * 64 + i]))])) as Record<string, Record<string, number>>;
  const reasonIds: Record<string, number> = Object.fromEntries(['', ...REASONS, ...NOOP_REASONS].map((r, i) => [r, i]));
  if (Object.keys(reasonIds).length > 16 || Object.values(TENANT_BRANCHES).some((bs) => bs.length > 64)) throw new Error('explorer: too many reasons or branches for the self-loop table');
  return { size: 64 * Object.keys(TENANT_BRANCHES).length * 16, of: (type, branch, reason) => branchIds[type][branch] * 16 + reasonIds[reason ?? ''] };
}

