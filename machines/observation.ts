// machines/observation.ts: what each step answers (MODEL.md §4). Field names are the contract.
import type { ModelEvent } from './events.js';
import type { RuleId } from './rules.js';
import type { LogEvent } from './logs.js';

export const OUTCOMES = ['issued', 'rejected', 'logged_in', 'login_required', 'access_denied', 'revoked', 'ok'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The fixed reason vocabulary of MODEL.md §4 (with `rejected` and `login_required`). */
export const REASONS = [
  'no_session', 'transfer_token_not_found_or_expired', 'parent_refresh_token_revoked', 'device_binding_failed',
  'organization_mismatch', 'user_mismatch', 'method_not_allowed', 'client_not_allowed', 'nested_transfer_forbidden',
  'refresh_token_revoked', 'refresh_token_reused', 'refresh_token_expired',
  // MODEL.md §2: a post-login Action denied the login, or revoked its session
  'action_denied',
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
  /** MODEL.md §4: the Auth0 log events the step writes, in order */
  logs: LogEvent[];
  /** R3, R4: an issued mint's answer */
  mint?: MintAnswer;
  /** MODEL.md §2: what the post-login Action asked, on a step that ran it (not compared with real servers) */
  action?: ActionRecord;
  /** extension: the rule ids of the model branch that answered */
  rules: RuleId[];
}

export const ISSUED_TOKEN_TYPE = 'urn:auth0:params:oauth:token-type:session_transfer_token';
export interface MintAnswer {
  tokenType: 'N_A';
  expiresIn: number;
  issuedTokenType: typeof ISSUED_TOKEN_TYPE;
  /** the rotation's successor, present exactly when rotation is on for the token's client (R4) */
  refreshToken?: string;
}

/** What an Action asked on one login, deadlines in clock seconds (MODEL.md §2). */
export interface ActionRecord {
  denied?: string;
  revoked?: string;
  expiresAt?: number;
  idleExpiresAt?: number;
}

/**
 * Shared by every observation that writes no log: most of the explorer's steps are refusals without one,
 * and an array per step is an allocation each. Tx.log replaces it with an array of the step's own.
 */
export const NO_LOGS: LogEvent[] = Object.freeze([]) as unknown as LogEvent[];

export function emptyObservation(step: number, event: ModelEvent): Observation {
  return { step, event, outcome: 'ok', issued: [], revoked: { refreshTokens: [], sessions: [], transferTokens: [] }, consumed: [], logs: NO_LOGS, rules: [] };
}
