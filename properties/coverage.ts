// properties/coverage.ts: what a run reached: every reason code, every /authorize outcome row of the
// spec's §3.3 table, every actor state and lifecycle transition, every branch of the tenant machine.
import { NOOP_REASONS, REASONS } from '../machines/observation.js';
import { LIFECYCLE, lifecycleTransitions, type ArtifactKind } from '../machines/lifecycle.js';
import { TENANT_BRANCHES } from '../machines/tenant.machine.js';
import { deviceSession } from '../machines/world.js';
import { presentation, type StepView } from './property.js';

/** The rows of the outcome table (spec §3.3), keyed by what was presented and what the browser held. */
export const OUTCOME_ROWS = {
  'no token, no session': 'ordinary login prompt',
  'no token, session': 'standard SSO, session reused',
  'valid token, no session': 'logged in, new session from the token',
  'valid token, same-user session': 'logged in, session reused',
  'valid token, other-user session': 'login prompt, that session revoked',
  'invalid token, session': 'login prompt, session kept',
  'invalid token, no session': 'login prompt',
  'token by a method not allowed': 'ignored or invalid (A10)',
} as const;
export type OutcomeRow = keyof typeof OUTCOME_ROWS;

// keys built once (recording coverage is on the explorer's hot path), and the items listed from them
const BRANCH_KEY: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(TENANT_BRANCHES).map(([type, bs]) => [type, Object.fromEntries(bs.map((b) => [b.actions, `${type}/${b.actions}`]))]));
const STATE_KEY: Record<string, Record<string, string>> = Object.fromEntries(
  (Object.keys(LIFECYCLE) as ArtifactKind[]).map((k) => [k, Object.fromEntries(Object.keys(LIFECYCLE[k]).map((st) => [st, `${k}:${st}`]))]));
// kind -> from -> to -> key: looked up without building a string per status change (a hot path)
const TRANSITION_KEY: Record<string, Record<string, Record<string, string>>> = {};
const TRANSITION_ITEMS = lifecycleTransitions().map((t) => (((TRANSITION_KEY[t.kind] ??= {})[t.from] ??= {})[t.to] = `${t.kind}:${t.from} -${t.event}-> ${t.to}`));

export const COVERAGE_ITEMS = {
  // action_denied needs a post-login Action (MODEL.md §2): the Action check reports it, not the main coverage
  reasons: REASONS.filter((r) => r !== 'action_denied') as string[],
  outcomeRows: Object.keys(OUTCOME_ROWS),
  actorStates: Object.values(STATE_KEY).flatMap((byState) => Object.values(byState)),
  transitions: TRANSITION_ITEMS,
  branches: Object.values(BRANCH_KEY).flatMap((byBranch) => Object.values(byBranch)),
};
export type CoverageCategory = keyof typeof COVERAGE_ITEMS;
export type Coverage = Record<CoverageCategory, Set<string>>;

/** Where a step's coverage items are recorded: a Coverage, or anything that takes items by category. */
export type CoverageSink = Record<CoverageCategory, { add(item: string): unknown }>;

export const emptyCoverage = (): Coverage => ({ reasons: new Set(), outcomeRows: new Set(), actorStates: new Set(), transitions: new Set(), branches: new Set() });

export function mergeCoverage(into: Coverage, from: Coverage | Record<CoverageCategory, string[]>): void {
  for (const k of Object.keys(into) as CoverageCategory[]) for (const x of from[k]) into[k].add(x);
}

/** The row of the outcome table a step of /authorize falls in, or null for other events. */
export function outcomeRow(v: StepView): OutcomeRow | null {
  if (v.event.type !== 'AUTHORIZE') return null;
  const p = presentation(v);
  // (the browser's session is looked up only when no token was presented: the presentation has it otherwise)
  if (!p) return deviceSession(v.before, v.event.device) !== undefined ? 'no token, session' : 'no token, no session';
  if (!p.allowed) return 'token by a method not allowed';
  if (!p.valid) return p.sessionBefore ? 'invalid token, session' : 'invalid token, no session';
  if (!p.sessionBefore) return 'valid token, no session';
  return p.sessionBefore.user === p.token.user ? 'valid token, same-user session' : 'valid token, other-user session';
}

/** Records a step's coverage; `branch`: the tenant branch that answered (StepResult.branch). */
export function recordStep(cov: CoverageSink, v: StepView, branch: string): void {
  const o = v.observation;
  if (o.reason && !(NOOP_REASONS as readonly string[]).includes(o.reason)) cov.reasons.add(o.reason);
  recordOutcomeRow(cov, v);
  cov.branches.add(BRANCH_KEY[v.event.type][branch]);
  const before = v.before, after = v.after;
  // the step copies a list on write: the same list means no status moved in it
  if (after.refreshTokens !== before.refreshTokens) recordStatusChanges(cov, 'refreshToken', before.refreshTokens, after.refreshTokens);
  if (after.transferTokens !== before.transferTokens) recordStatusChanges(cov, 'transferToken', before.transferTokens, after.transferTokens);
  if (after.sessions !== before.sessions) recordStatusChanges(cov, 'session', before.sessions, after.sessions);
}

export function recordOutcomeRow(cov: CoverageSink, v: StepView): void {
  const row = outcomeRow(v);
  if (row) cov.outcomeRows.add(row);
}

function recordStatusChanges(cov: CoverageSink, kind: ArtifactKind, b: readonly { status: string }[], a: readonly { status: string }[]): void {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const to = a[i].status;
    const from = i < b.length ? b[i].status : undefined;
    if (from === to) continue;
    cov.actorStates.add(STATE_KEY[kind][to]);
    // (a move the lifecycle table lacks, which only a wrong model makes, is no coverage item)
    const key = from === undefined ? undefined : TRANSITION_KEY[kind][from]?.[to];
    if (key !== undefined) cov.transitions.add(key);
  }
}

/** Items of each category not reached. */
export function missing(cov: Coverage): Record<CoverageCategory, string[]> {
  return Object.fromEntries((Object.keys(COVERAGE_ITEMS) as CoverageCategory[]).map((k) => [k, COVERAGE_ITEMS[k].filter((x) => !cov[k].has(x))])) as Record<CoverageCategory, string[]>;
}

export function coverageToJson(cov: Coverage): Record<CoverageCategory, string[]> {
  return Object.fromEntries((Object.keys(COVERAGE_ITEMS) as CoverageCategory[]).map((k) => [k, COVERAGE_ITEMS[k].filter((x) => cov[k].has(x))])) as Record<CoverageCategory, string[]>;
}
