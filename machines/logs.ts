// machines/logs.ts: the Auth0 log events a step writes (MODEL.md §9), in the Management API's vocabulary.
// One table says which step writes what, so the model, the reference server's documentation and the log
// properties read one list. The type codes and warning phrases are Auth0's (spec §3.1, §3.3, R6, R24);
// the `details` keys below `audience` and `triggered_by_session_transfer_token` are n2w's: Auth0 does not
// document what else its N2W log details hold, so `n2w observe` says what it cannot judge without them.

export const LOG_TYPES = ['s', 'f', 'w', 'sertft', 'fertft', 'ferrt', 'srrt', 'slo', 'sapi'] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** What each type means, in one line (the Management API's log type codes). */
export const LOG_TYPE_TEXT: Record<LogType, string> = {
  s: 'successful login',
  f: 'failed login',
  w: 'warning during login',
  sertft: 'successful refresh-token exchange',
  fertft: 'failed refresh-token exchange',
  ferrt: 'refresh-token reuse detected (a rotated token presented again)',
  srrt: 'refresh token revoked',
  slo: 'successful logout',
  sapi: 'successful Management API operation',
};

/** The domain the model's audiences name; the reference server's default domain is the same. */
export const MODEL_DOMAIN = 'n2w.test';
/** R1, R6: the audience of a mint, for a tenant domain. */
export const sessionTransferAudience = (domain: string = MODEL_DOMAIN): string => `urn:${domain}:session_transfer`;
/** R6 as a test over a real log: the audience names some domain's session_transfer marker. */
export const isSessionTransferAudience = (a: unknown): boolean =>
  a === MODEL_AUDIENCE || (typeof a === 'string' && /^urn:[^:]+:session_transfer$/.test(a));
const MODEL_AUDIENCE = `urn:${MODEL_DOMAIN}:session_transfer`;

/**
 * Spec §3.3: the phrase each documented warning contains, by the refusal it reports. A real tenant's text
 * may be longer; a log is judged by the phrase. `method_not_allowed` is not documented (A10 = `invalid`
 * only): the model writes a warning of its own words for it, which the warning property does not require.
 */
export const WARNING_PHRASES = {
  transfer_token_not_found_or_expired: 'not found or expired',
  parent_refresh_token_revoked: 'Parent refresh token not found',
  device_binding_failed: 'device binding validation failed',
  organization_mismatch: 'organization mismatch',
  user_mismatch: 'user mismatch',
} as const;
export type WarnedReason = keyof typeof WARNING_PHRASES;
export const WARNED_REASONS = Object.keys(WARNING_PHRASES) as WarnedReason[];

/** The warning texts the model (and the reference server) write: each holds its phrase. */
export const WARNING_TEXTS: Record<WarnedReason | 'method_not_allowed', string> = {
  transfer_token_not_found_or_expired: 'Session transfer token not found or expired. This can happen due to token reuse or expiration.',
  parent_refresh_token_revoked: "Parent refresh token not found. The session transfer token won't be used.",
  device_binding_failed: "Session transfer token device binding validation failed. The session transfer token won't be used.",
  organization_mismatch: "Session transfer token organization mismatch. The session transfer token won't be used.",
  user_mismatch: 'Session transfer token user mismatch. The existing session was revoked.',
  method_not_allowed: "Session transfer token sent by a method the client does not allow. The session transfer token won't be used.",
};

/**
 * n2w's N2W fields of a log's `details`. Ids are the model's (rt1, stt1, s1); a real server's logs carry
 * its own ids, which the conformance harness maps as it maps its answers.
 */
export interface LogDetails {
  /** R6: a mint's audience (absent on a plain refresh) */
  audience?: string;
  /** R24: on every `s` and `f`: true exactly when the login redeemed a transfer token */
  triggered_by_session_transfer_token?: boolean;
  /** the transfer token minted (sertft) or presented (s, f, w) */
  session_transfer_token?: string;
  /** the refresh token presented at /oauth/token or /oauth/revoke */
  refresh_token?: string;
  /** R4: the successor a rotation issued */
  rotated_to?: string;
  /** the session a login used or made (s), or a logout or an administrator ended (slo, sapi) */
  session_id?: string;
  /** a transfer login's parent refresh token (the token the transfer token was minted from) */
  parent_refresh_token?: string;
  /** the web refresh token a login issued */
  issued_refresh_token?: string;
  /** n2w's reason code for a failure (fertft, ferrt, f) or a warning (w) */
  reason?: string;
  /** the request's autonomous system, where the binding can read it (mints and transfer logins) */
  asn?: number;
}

export interface LogEvent {
  type: LogType;
  description?: string;
  /** the client the request was for: the native app's, or a web app's client_id */
  client_id?: string;
  user_id?: string;
  /** the request's IP (the device's network at the step) */
  ip?: string;
  details?: LogDetails;
}
