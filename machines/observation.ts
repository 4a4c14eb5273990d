// machines/observation.ts: what each step answers (MODEL.md §4). Field names are the contract.
import type { ModelEvent } from './events.js';
import type { RuleId } from './rules.js';

export const OUTCOMES = ['issued', 'rejected', 'logged_in', 'login_required', 'revoked', 'ok'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The fixed reason vocabulary of MODEL.md §4 (with `rejected` and `login_required`). */
export const REASONS = [
  'no_session', 'transfer_token_not_found_or_expired', 'parent_refresh_token_revoked', 'device_binding_failed',
  'organization_mismatch', 'user_mismatch', 'method_not_allowed', 'client_not_allowed', 'nested_transfer_forbidden',
  'refresh_token_revoked', 'refresh_token_reused', 'refresh_token_expired',
] as const;
export type Reason = (typeof REASONS)[number];
/** An extension for `ok` outcomes only: the event named an artifact already revoked, nothing changed. */
export const NOOP_REASONS = ['already_revoked', 'already_expired'] as const;
export type NoopReason = (typeof NOOP_REASONS)[number];

export interface Observation {
  step: number;
  event: ModelEvent;
  outcome: Outcome;
  reason?: Reason | NoopReason;
  user?: string;
  session?: string;
  sessionCreated?: boolean;
  issued: string[];
  revoked: { refreshTokens: string[]; sessions: string[]; transferTokens: string[] };
  consumed: string[];
  /** extension: the transfer token was sent by a method the web app does not allow and ignored (A10) */
  transferTokenIgnored?: boolean;
  /** MODEL.md §8: what this step's clock move expired, by kind (present only when something did) */
  expired?: { sessions: string[]; refreshTokens: string[]; transferTokens: string[] };
  /** extension: the rule ids of the model branch that answered */
  rules: RuleId[];
}

export function emptyObservation(step: number, event: ModelEvent): Observation {
  return { step, event, outcome: 'ok', issued: [], revoked: { refreshTokens: [], sessions: [], transferTokens: [] }, consumed: [], rules: [] };
}
