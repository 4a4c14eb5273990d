// properties/logs.ts: the evidence a tenant writes (MODEL.md §4's Logs; R6, R24, spec §3.3, RTR) and the
// mint's answer (R3, R4). Judged from the observation alone: what a real server's logs and answers show.
import { isSessionTransferAudience, WARNING_PHRASES, type LogEvent, type WarnedReason } from '../machines/logs.js';
import { ISSUED_TOKEN_TYPE } from '../machines/observation.js';
import { property, outcomeText, redeemed, type StepView } from './property.js';

/**
 * The logs of one or two types, without allocating when there are none or one (the common cases: these
 * properties run on most of the explorer's transitions).
 */
function ofType(logs: readonly LogEvent[], a: string, b?: string): readonly LogEvent[] {
  let found: LogEvent[] | null = null;
  let one: LogEvent | null = null;
  for (const l of logs) {
    if (l.type !== a && l.type !== b) continue;
    if (one === null) one = l;
    else (found ??= [one]).push(l);
  }
  return found ?? (one === null ? NONE : [one]);
}
const NONE: readonly LogEvent[] = [];
const isWarned = (r: string | undefined): r is WarnedReason => r !== undefined && r in WARNING_PHRASES;

export const mintLogs = property({
  id: 'mint-logs', kind: 'rule', relevance: 'grant', rules: ['R6', 'R1'],
  claim: 'Every mint writes one sertft (issued) or fertft (refused) with the session_transfer audience; a plain refresh writes one without it.',
  check(v) {
    const e = v.event;
    if (e.type !== 'MINT_TRANSFER_TOKEN' && e.type !== 'REFRESH') return null;
    const o = v.observation;
    const logs = ofType(o.logs, 'sertft', 'fertft');
    const want = o.outcome === 'issued' ? 'sertft' : 'fertft';
    if (logs.length !== 1) return `expected one ${want}, got ${logs.length === 0 ? 'none' : logs.map((l) => l.type).join(', ')}`;
    const [l] = logs;
    if (l.type !== want) return `${outcomeText(o)} wrote ${l.type}, expected ${want}`;
    const mint = e.type === 'MINT_TRANSFER_TOKEN';
    if (mint && !isSessionTransferAudience(l.details?.audience)) return `the mint's ${l.type} carries audience ${JSON.stringify(l.details?.audience)}, expected urn:{domain}:session_transfer`;
    if (!mint && l.details?.audience !== undefined) return `a refresh's ${l.type} carries audience ${l.details.audience}`;
    return null;
  },
});

export const loginLogs = property({
  id: 'login-logs', kind: 'rule', relevance: 'login', rules: ['R24'],
  claim: 'Every login writes one s, and every login a post-login Action refused one f, each with triggered_by_session_transfer_token true exactly when the login redeemed a transfer token; nothing else writes them.',
  premise: (v) => v.observation.outcome === 'logged_in' || v.observation.outcome === 'access_denied' || (v.event.type === 'NATIVE_LOGIN' && v.observation.outcome === 'issued'),
  check(v) {
    const o = v.observation;
    const logs = o.logs.length === 0 ? o.logs : ofType(o.logs, 's', 'f');
    const want = o.outcome === 'logged_in' || (v.event.type === 'NATIVE_LOGIN' && o.outcome === 'issued') ? 's' : o.outcome === 'access_denied' ? 'f' : null;
    if (want === null) return logs.length === 0 ? null : `${outcomeText(o)} wrote ${logs.map((l) => l.type).join(', ')}`;
    if (logs.length !== 1 || logs[0].type !== want) return `${outcomeText(o)}: expected one ${want}, got ${logs.length === 0 ? 'none' : logs.map((l) => l.type).join(', ')}`;
    const flag = logs[0].details?.triggered_by_session_transfer_token;
    if (typeof flag !== 'boolean') return `the ${want} log carries no boolean triggered_by_session_transfer_token`;
    // a transfer login: the token redeemed, or used up by a login the Action refused
    const transfer = want === 'f' ? v.event.type === 'AUTHORIZE' && o.consumed.length > 0 : redeemed(v);
    if (flag !== transfer) return `triggered_by_session_transfer_token is ${flag}, but the login ${transfer ? 'redeemed' : 'did not redeem'} a transfer token`;
    if (want === 's' && o.session !== undefined && logs[0].details?.session_id !== o.session) return `the s log names session ${logs[0].details?.session_id}, the login is into ${o.session}`;
    return null;
  },
});

export const redemptionWarnings = property({
  id: 'redemption-warnings', kind: 'rule', relevance: ['prompted', 'redeemed'], rules: ['R9', 'R10', 'R11', 'R17', 'R19', 'R20'],
  claim: 'Each refused redemption writes one warning (w) holding the documented phrase for its reason and naming the token; a redemption that logs in writes none.',
  check(v) {
    const e = v.event;
    if (e.type !== 'AUTHORIZE' || e.transferToken === undefined) return null;
    const o = v.observation;
    const warnings = ofType(o.logs, 'w');
    if (redeemed(v)) return warnings.length === 0 ? null : `a login that redeemed ${e.transferToken} wrote a warning: ${warnings[0].description}`;
    if (o.outcome !== 'login_required' || !isWarned(o.reason)) return null;
    const phrase = WARNING_PHRASES[o.reason];
    if (warnings.length !== 1) return `refused as ${o.reason}: expected one warning holding "${phrase}", got ${warnings.length}`;
    const [w] = warnings;
    if (!w.description?.includes(phrase)) return `refused as ${o.reason}: the warning says ${JSON.stringify(w.description)}, expected the phrase "${phrase}"`;
    if (w.details?.session_transfer_token !== e.transferToken) return `the warning names ${w.details?.session_transfer_token}, the token presented is ${e.transferToken}`;
    return null;
  },
});

export const reuseDetectionLogs = property({
  id: 'reuse-detection-logs', kind: 'rule', relevance: 'grant', rules: ['RTR'],
  claim: 'Reuse detection writes ferrt naming the token presented; no other exchange writes it.',
  check(v) {
    const e = v.event;
    if (e.type !== 'MINT_TRANSFER_TOKEN' && e.type !== 'REFRESH') return null;
    const ferrt = ofType(v.observation.logs, 'ferrt');
    const reused = v.observation.reason === 'refresh_token_reused';
    if (reused && ferrt.length !== 1) return `reuse detection (${e.refreshToken}) wrote ${ferrt.length} ferrt, expected one`;
    if (!reused && ferrt.length > 0) return `${outcomeText(v.observation)} wrote ferrt`;
    if (reused && ferrt[0].details?.refresh_token !== e.refreshToken) return `ferrt names ${ferrt[0].details?.refresh_token}, the token presented is ${e.refreshToken}`;
    return null;
  },
});

export const mintAnswer = property({
  id: 'mint-answer', kind: 'rule', relevance: 'mint', rules: ['R3', 'R4'],
  claim: 'An issued mint answers token_type N_A, the session_transfer_token type and expires_in the TTL, with the rotated refresh token exactly when rotation issued one; a refused mint answers none of it.',
  check(v) {
    if (v.event.type !== 'MINT_TRANSFER_TOKEN') return null;
    const o = v.observation;
    if (o.outcome !== 'issued') return o.mint === undefined ? null : `${outcomeText(o)} carries a mint answer`;
    const m = o.mint;
    if (m === undefined) return 'an issued mint carries no answer';
    const ttl = v.setting.config.transferTokenTtlSeconds;
    if (m.tokenType !== 'N_A' || m.issuedTokenType !== ISSUED_TOKEN_TYPE || m.expiresIn !== ttl) return `answer ${JSON.stringify(m)}, expected token_type N_A, ${ISSUED_TOKEN_TYPE}, expires_in ${ttl}`;
    const successor = o.issued.find((id) => id.startsWith('rt'));
    if (m.refreshToken !== successor) return successor === undefined ? `the answer names refresh token ${m.refreshToken}, but none was issued` : `the rotation issued ${successor}, the answer ${m.refreshToken === undefined ? 'carries no refresh_token' : `names ${m.refreshToken}`}`;
    return null;
  },
});
