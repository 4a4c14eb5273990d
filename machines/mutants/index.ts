// machines/mutants/index.ts: deliberately wrong tenants. Non-vacuity is part of correctness: each rule
// property must be shown to catch a mutant of its rule before it counts. A mutant is the real
// implementation (tenant.logic.ts) with one or a few guards or effects replaced; the branch list, the
// order of checks and the lifecycle machines stay the real ones. Each mutant names the configuration
// where its defect is observable and the properties expected to catch it (the first is the main one).
import { resolveConfig, resolveInterpretations, settingsOf, type ConfigInput, type Interpretations } from '../config.js';
import { eventClient, eventClientId, type ModelEvent, type EventOf } from '../events.js';
import type { RuleId } from '../rules.js';
import { join } from 'node:path';
import { packageRoot } from '../actions.js';
import { makeSetting, type Setting } from '../setting.js';
import { createModel, type Model } from '../step.js';
import {
  EFFECTS, GUARDS, LOG_WRITERS, exchange, sessionFromTransfer, expireTokens, failRedemption, rotateIfOn, issueTransferTokenFrom, revokeFamily, revokeSession, sessionsDue, successorOf, Tx,
  type Effect, type EffectName, type Guard, type GuardName, type LogWriter, type TenantImplementation,
} from '../tenant.logic.js';
import {
  DEFAULT_POPULATION, deviceSession, indexOfId, lineage, refreshToken, session, transferToken,
  type RefreshToken, type Session, type TransferToken, type World,
} from '../world.js';

export interface Mutant {
  /** kebab-case, stable */
  readonly id: string;
  /** one sentence: what is wrong */
  readonly description: string;
  /** the rules the defect breaks (machines/rules.ts) */
  readonly rules: readonly RuleId[];
  /** ids of the rule properties expected to catch it; the first is the main one */
  readonly catches: readonly string[];
  /** a configuration (Management API shape) where the defect is observable */
  readonly config: ConfigInput;
  readonly interpretations?: Partial<Interpretations>;
  readonly implementation: TenantImplementation;
}

// ---------------------------------------------------------------------------------------------
// Building blocks. Helpers tenant.logic.ts keeps private are re-implemented here, minimally; the
// wrong variants sit beside them and say what they leave out.

/** The real implementation with some guards and effects replaced. */
const replace = (guards: Partial<Record<GuardName, Guard>>, effects: Partial<Record<EffectName, Effect>> = {}, logs: Partial<Record<EffectName, LogWriter>> = {}): TenantImplementation => ({
  guards: { ...GUARDS, ...guards },
  effects: { ...EFFECTS, ...effects },
  logs: { ...LOG_WRITERS, ...logs },
});

const ev = <T extends ModelEvent['type']>(e: ModelEvent) => e as EventOf<T>;
const presentedRefreshToken = (w: World, e: ModelEvent): RefreshToken => refreshToken(w, (e as { refreshToken: string }).refreshToken)!;
const presentedTransferToken = (w: World, e: ModelEvent): TransferToken => transferToken(w, ev<'AUTHORIZE'>(e).transferToken!)!;

/** How a wrong web-refresh-token issuance differs: `gated: false` forgets allow_refresh_token (R25), `offline` the online flag (A17). */
interface IssueDefects { gated?: boolean; offline?: boolean }

/** A web refresh token when offline_access is asked, with the given defects. */
function issueWebRefreshToken(tx: Tx, s: Session, e: { readonly offlineAccess?: boolean; readonly client?: string }, defects: IssueDefects = {}): void {
  if (!e.offlineAccess) return;
  const web = eventClient(tx.setting, e);
  if ((defects.gated ?? true) && s.parent !== null && !web.allowRefreshToken) return;
  tx.issueRefreshToken({
    client: 'web', clientId: eventClientId(tx.setting, e), user: s.user, device: s.device, session: s.id, parent: s.parent,
    online: !defects.offline && s.parent !== null && web.enforceOnlineRefreshTokens, organization: null,
  });
}

/** A session created from the presented token; `redeem: false` leaves the token unused (R10). */
const createFromTransfer = (opts: { redeem?: boolean } & IssueDefects = {}): Effect => (tx, e) => {
  const a = ev<'AUTHORIZE'>(e);
  const stt = presentedTransferToken(tx.before, a);
  if (opts.redeem ?? true) tx.send('transferToken', stt.id, 'REDEEM');
  const s = tx.createSession({ user: stt.user, device: a.device, via: 'transfer', transferToken: stt.id, parent: stt.family });
  tx.loggedIn(s, true);
  issueWebRefreshToken(tx, s, a, opts);
};


/** Revokes a session but forgets its online refresh tokens (R27 not applied). */
function revokeSessionOnly(tx: Tx, id: string): void {
  if (!tx.send('session', id, 'REVOKE')) return;
  const s = tx.sessions[indexOfId(id)];
  if (tx.devices[s.device]?.session === id) tx.setDevice(s.device, { session: null });
}

/** Revokes a family and its pending transfer tokens; `cascade` says how far the cascade goes. */
function revokeFamilyWith(tx: Tx, family: string, cascade: { sessions: boolean; refreshTokens: boolean; ignoreFlag?: boolean }): void {
  const root = tx.refreshTokens[indexOfId(family)];
  for (const rt of tx.refreshTokens) if (rt.family === family) tx.send('refreshToken', rt.id, 'REVOKE');
  for (const stt of tx.transferTokens) if (stt.family === family) tx.send('transferToken', stt.id, 'REVOKE');
  if (!cascade.ignoreFlag && !settingsOf(tx.setting.config, root).enforceCascadeRevocation) return;
  if (cascade.sessions) for (const s of tx.sessions) if (s.parent === family) revokeSession(tx, s.id);
  if (cascade.refreshTokens) for (const rt of tx.refreshTokens) if (rt.parent === family) tx.send('refreshToken', rt.id, 'REVOKE');
}

/** With rotation on, retires the presented token; `successor: false` issues none (R4). */
function rotate(tx: Tx, rt: RefreshToken, successor: boolean): void {
  if (settingsOf(tx.setting.config, rt).rotationType !== 'rotating') return;
  tx.send('refreshToken', rt.id, 'ROTATE');
  if (!successor) return;
  tx.issueRefreshToken(successorOf(rt));
}

const mintWith = (rotateToken: (tx: Tx, rt: RefreshToken) => void): Effect => (tx, e) => {
  const rt = presentedRefreshToken(tx.before, e);
  issueTransferTokenFrom(tx, rt);
  rotateToken(tx, rt);
  tx.answer('issued');
};

/** ADVANCE_TIME with the sessions' part defective: they never expire, or expire without the online rule (R27). */
const clockWith = (sessions: 'never' | 'without-online-rule'): Effect => (tx, e) => {
  tx.clock += ev<'ADVANCE_TIME'>(e).seconds;
  expireTokens(tx);
  if (sessions === 'without-online-rule') {
    for (const s of sessionsDue(tx)) {
      if (!tx.send('session', s.id, 'EXPIRE')) continue;
      if (tx.devices[s.device]?.session === s.id) tx.setDevice(s.device, { session: null });
    }
  }
  tx.answer('ok');
};

/** A rotation whose successor starts its family's absolute lifetime again (LT3 broken). */
function rotateAfresh(tx: Tx, rt: RefreshToken): void {
  if (settingsOf(tx.setting.config, rt).rotationType !== 'rotating') return;
  tx.send('refreshToken', rt.id, 'ROTATE');
  tx.issueRefreshToken({ ...successorOf(rt), familyIssuedAt: undefined });
}

/** The leeway honouring any rotated token of the family while the family's active token is younger than the leeway. */
function anyOldTokenWithinLeeway(m: Setting, w: World, rt: RefreshToken): boolean {
  const leeway = settingsOf(m.config, rt).leeway;
  return rt.status === 'rotated' && w.refreshTokens.some((t) => t.family === rt.family && t.status === 'active' && w.clock - t.issuedAt < leeway);
}
/** Rotates the family's active token for a new one (what the leeway's exchange does, found without `previous`). */
function rotateFamilyHead(tx: Tx, rt: RefreshToken): void {
  const head = tx.before.refreshTokens.find((t) => t.family === rt.family && t.status === 'active')!;
  tx.send('refreshToken', head.id, 'ROTATE');
  tx.issueRefreshToken(successorOf(head));
}

// ---------------------------------------------------------------------------------------------
// Configurations (Management API shape).

const NATIVE_MINTS = { session_transfer: { can_create_session_transfer_token: true } };
const BOTH_METHODS = ['cookie', 'query'] as ('cookie' | 'query')[];
/** The native app mints; the web app takes both methods; everything else Auth0's default. */
const REDEEMABLE: ConfigInput = { native: NATIVE_MINTS, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } };
const webWith = (st: Record<string, unknown>, native: ConfigInput['native'] = NATIVE_MINTS): ConfigInput =>
  ({ native, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS, ...st } } });
/** Sessions of 3 minutes, 2 idle (MODEL.md §8; the tenant gives hours). */
const SHORT_SESSIONS = { session_lifetime: 3 / 60, idle_session_lifetime: 2 / 60 };
/** Native refresh tokens rotating, expiring at 180 s (family) and 120 s idle, with a 30 s leeway. */
const SHORT_TOKENS: ConfigInput = {
  native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', infinite_token_lifetime: false, token_lifetime: 180, infinite_idle_token_lifetime: false, idle_token_lifetime: 120, leeway: 30 } },
  web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } },
};

/** An example Action of examples/actions/, by absolute path (mutants run from any folder). */
const exampleAction = (name: string) => ({ 'post-login': join(packageRoot(), 'examples', 'actions', name) });
/** Tokens redeemable from any network, so that an Action comparing networks is the only thing that refuses. */
const UNBOUND: ConfigInput = { native: NATIVE_MINTS, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS, enforce_device_binding: 'none' } } };

// ---------------------------------------------------------------------------------------------
// The mutants.

export const MUTANTS: readonly Mutant[] = [
  // ---- logs and the mint's answer (MODEL.md §4)
  {
    id: 'mint-logged-as-refresh',
    description: 'A mint writes the log of a plain refresh: sertft without the session_transfer audience.',
    rules: ['R6'], catches: ['mint-logs'],
    config: REDEEMABLE,
    implementation: replace({}, {}, {
      mintTransferToken: (tx, e) => LOG_WRITERS.refresh(tx, { type: 'REFRESH', refreshToken: ev<'MINT_TRANSFER_TOKEN'>(e).refreshToken }),
    }),
  },
  {
    id: 'transfer-login-not-flagged',
    description: 'A login that creates a session from a transfer token logs s with triggered_by_session_transfer_token false.',
    rules: ['R24'], catches: ['login-logs'],
    config: REDEEMABLE,
    implementation: replace({}, {}, {
      createSessionFromTransfer: (tx, e) => {
        LOG_WRITERS.createSessionFromTransfer(tx, e);
        for (const l of tx.obs.logs) if (l.type === 's') l.details = { ...l.details, triggered_by_session_transfer_token: false };
      },
    }),
  },
  {
    id: 'binding-failure-silent',
    description: 'A redemption refused by device binding writes no warning.',
    rules: ['R11'], catches: ['redemption-warnings'],
    config: webWith({ enforce_device_binding: 'ip' }),
    implementation: replace({}, {}, { promptBindingFailed: () => {} }),
  },
  {
    id: 'reuse-detection-silent',
    description: 'Reuse detection revokes the family but writes no ferrt, only the failed exchange.',
    rules: ['RTR'], catches: ['reuse-detection-logs'],
    config: { native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({}, {}, { detectReuse: LOG_WRITERS.mintTransferToken }),
  },
  {
    id: 'mint-answer-without-successor',
    description: 'With rotation on, the mint\'s answer leaves out the rotated refresh token.',
    rules: ['R3', 'R4'], catches: ['mint-answer'],
    config: { native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({}, {
      mintTransferToken: (tx, e) => {
        EFFECTS.mintTransferToken(tx, e);
        if (tx.obs.mint) delete tx.obs.mint.refreshToken;
      },
    }),
  },
  // ---- post-login Actions (MODEL.md §2)
  {
    id: 'action-deny-ignored',
    description: 'A transfer login that the post-login Action denies makes its session anyway.',
    rules: ['AC1'], catches: ['action-refusal-honoured'],
    config: { ...UNBOUND, actions: exampleAction('deny-other-network.js') },
    implementation: replace({}, { createSessionFromTransfer: sessionFromTransfer({ honourRefusal: false }) }),
  },
  {
    id: 'action-deadlines-ignored',
    description: 'The session deadlines a post-login Action sets on a transfer login are dropped: the session keeps the tenant\'s lifetimes.',
    rules: ['AC2'], catches: ['action-deadlines-set'],
    config: { ...REDEEMABLE, actions: exampleAction('shorten-transfer-sessions.js') },
    implementation: replace({}, { createSessionFromTransfer: sessionFromTransfer({ setDeadlines: false }) }),
  },
  // ---- lifetimes and leeway (MODEL.md §8)
  {
    id: 'session-never-expires',
    description: 'The clock never expires a session: the tenant\'s session_lifetime and idle_session_lifetime are ignored.',
    rules: ['LT1'], catches: ['session-lifetimes'],
    config: { ...REDEEMABLE, tenant: SHORT_SESSIONS },
    implementation: replace({}, { advanceClock: clockWith('never') }),
  },
  {
    id: 'idle-not-restarted',
    description: 'A login into an existing session (SSO, or the same user signing in again) does not restart its idle timer.',
    rules: ['LT2'], catches: ['session-lifetimes'],
    config: { ...REDEEMABLE, tenant: SHORT_SESSIONS },
    implementation: replace({}, {
      reuseSession: (tx, e) => {
        const a = ev<'AUTHORIZE'>(e);
        const s = deviceSession(tx.before, a.device)!;
        tx.loggedIn(s, false);
        if (a.transferToken !== undefined) tx.obs.transferTokenIgnored = true;
        issueWebRefreshToken(tx, s, a);
      },
      reauthenticate: (tx, e) => {
        const w = ev<'WEB_LOGIN'>(e);
        const s = deviceSession(tx.before, w.device)!;
        tx.loggedIn(s, false);
        issueWebRefreshToken(tx, s, w);
      },
    }),
  },
  {
    id: 'expiry-keeps-online-tokens',
    description: 'Expiring a transfer-linked session leaves its online refresh tokens active (R27 says revoking or expiring).',
    rules: ['R27', 'LT1'], catches: ['online-refresh-tokens'],
    config: { ...webWith({ allow_refresh_token: true, enforce_device_binding: 'none' }), tenant: SHORT_SESSIONS },
    implementation: replace({}, { advanceClock: clockWith('without-online-rule') }),
  },
  {
    id: 'rotation-extends-lifetime',
    description: 'A rotation\'s successor counts the absolute lifetime from its own issue, so rotating keeps a family alive forever.',
    rules: ['LT3'], catches: ['refresh-token-lifetimes'],
    config: SHORT_TOKENS,
    implementation: replace({}, {
      refresh: (tx, e) => { rotateAfresh(tx, presentedRefreshToken(tx.before, e)); tx.answer('issued'); },
      mintTransferToken: mintWith(rotateAfresh),
    }),
  },
  {
    id: 'expired-refresh-token-accepted',
    description: 'An expired refresh token is exchanged like an active one.',
    rules: ['LT5'], catches: ['refresh-token-lifetimes'],
    config: SHORT_TOKENS,
    implementation: replace({ 'refresh token expired?': () => false }),
  },
  {
    id: 'leeway-ignored',
    description: 'The rotation leeway is ignored: the immediately previous token presented within it triggers reuse detection.',
    rules: ['LV1'], catches: ['rotation-reuse-detection'],
    config: SHORT_TOKENS,
    implementation: replace({ 'refresh token reused?': (_m, w, e) => presentedRefreshToken(w, e).status === 'rotated' }),
  },
  {
    id: 'leeway-any-old-token',
    description: 'Within the leeway of the last rotation, any retired token of the family is honoured, not only the immediately previous one.',
    rules: ['LV1', 'RTR'], catches: ['rotation-reuse-detection'],
    config: SHORT_TOKENS,
    implementation: replace({ 'refresh token reused?': (m, w, e) => presentedRefreshToken(w, e).status === 'rotated' && !anyOldTokenWithinLeeway(m, w, presentedRefreshToken(w, e)) }, {
      refreshWithinLeeway: (tx, e) => { rotateFamilyHead(tx, presentedRefreshToken(tx.before, e)); tx.answer('issued'); },
      mintWithinLeeway: (tx, e) => {
        const rt = presentedRefreshToken(tx.before, e);
        issueTransferTokenFrom(tx, rt);
        rotateFamilyHead(tx, rt);
        tx.answer('issued');
      },
    }),
  },
  // ---- minting (R2, R7/R8, rotation, A18)
  {
    id: 'mint-without-flag',
    description: 'A refresh token of a client without can_create_session_transfer_token mints a transfer token anyway.',
    rules: ['R2'], catches: ['mint-needs-flag'],
    config: { native: { session_transfer: { can_create_session_transfer_token: false } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({ 'client may not mint?': () => false }),
  },
  {
    id: 'mint-flag-of-native-client',
    description: 'The mint check reads the native client\'s can_create_session_transfer_token whatever client the refresh token belongs to.',
    rules: ['R2'], catches: ['mint-needs-flag'],
    config: webWith({ can_create_session_transfer_token: false }),
    implementation: replace({ 'client may not mint?': (m) => !m.config.native.canCreateSessionTransferToken }),
  },
  {
    id: 'web-session-can-mint',
    description: 'The nesting guard is off: a refresh token issued to a transfer-born session mints a transfer token.',
    rules: ['R7', 'R8'], catches: ['no-nested-transfer'],
    config: webWith({ can_create_session_transfer_token: true, allow_refresh_token: true }),
    implementation: replace({ 'refresh token came from a transfer?': () => false }),
  },
  {
    id: 'nested-transfer-allowed',
    description: 'The nesting guard asks whether the token\'s transfer session is still active instead of whether the token descends from a transfer, so the offline refresh token of a logged-out transfer session mints.',
    rules: ['R7', 'R8'], catches: ['no-nested-transfer'],
    config: webWith({ can_create_session_transfer_token: true, allow_refresh_token: true, enforce_online_refresh_tokens: false, enforce_device_binding: 'none' }),
    implementation: replace({
      'refresh token came from a transfer?': (_m, w, e) => {
        const rt = presentedRefreshToken(w, e);
        return rt.parent !== null && rt.session !== null && session(w, rt.session)?.status === 'active';
      },
    }),
  },
  {
    id: 'no-reuse-detection',
    description: 'A rotated refresh token presented again is honoured as if active, instead of revoking its family.',
    rules: ['RTR', 'A15'], catches: ['rotation-reuse-detection'],
    config: { native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({ 'refresh token reused?': () => false, 'refresh token rotated, within leeway?': () => false }),
  },
  {
    id: 'reuse-detection-spares-family',
    description: 'Reuse of a rotated refresh token is refused, but the family it belongs to stays live.',
    rules: ['RTR', 'A18'], catches: ['rotation-reuse-detection'],
    config: { native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({}, { detectReuse: (tx) => tx.answer('rejected', 'refresh_token_reused') }),
  },
  {
    id: 'no-rotation-successor',
    description: 'With rotation on, a grant retires the presented refresh token without issuing its successor.',
    rules: ['R4'], catches: ['rotation-reuse-detection'],
    config: { native: { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({}, {
      mintTransferToken: mintWith((tx, rt) => rotate(tx, rt, false)),
      refresh: (tx, e) => { rotate(tx, presentedRefreshToken(tx.before, e), false); tx.answer('issued'); },
    }),
  },
  {
    id: 'rotation-ignores-setting',
    description: 'Refresh tokens are rotated although the client\'s rotation_type is non-rotating.',
    rules: ['R4'], catches: ['rotation-reuse-detection'],
    config: REDEEMABLE,
    implementation: replace({}, {
      refresh: (tx, e) => {
        const rt = presentedRefreshToken(tx.before, e);
        tx.send('refreshToken', rt.id, 'ROTATE');
        tx.issueRefreshToken(successorOf(rt));
        tx.answer('issued');
      },
    }),
  },
  {
    id: 'revoked-refresh-token-accepted',
    description: 'A revoked refresh token is not recognised as revoked, so it still mints and refreshes.',
    rules: ['A18'], catches: ['revoked-refresh-token-refused'],
    config: REDEEMABLE,
    implementation: replace({ 'refresh token revoked?': () => false }),
  },

  // ---- redemption at /authorize (A9 order: method, exists, parent, binding, organization, user)
  {
    id: 'methods-ignored',
    description: 'Every method is accepted: a transfer token sent by a method not in allowed_authentication_methods is redeemed.',
    rules: ['R13', 'R14', 'A10'], catches: ['allowed-methods', 'standard-sso-unchanged'],
    config: webWith({ allowed_authentication_methods: ['cookie'] }),
    implementation: replace({
      'no usable transfer token, session present?': (_m, w, e) => ev<'AUTHORIZE'>(e).transferToken === undefined && deviceSession(w, ev<'AUTHORIZE'>(e).device) !== undefined,
      'no usable transfer token, no session?': (_m, w, e) => ev<'AUTHORIZE'>(e).transferToken === undefined && deviceSession(w, ev<'AUTHORIZE'>(e).device) === undefined,
      'method not allowed?': () => false,
    }),
  },
  {
    id: 'reusable-transfer-token',
    description: 'A redemption does not use the transfer token up, so it can be redeemed again.',
    rules: ['R10'], catches: ['single-use'],
    config: REDEEMABLE,
    implementation: replace({}, { createSessionFromTransfer: createFromTransfer({ redeem: false }) }),
  },
  {
    id: 'no-expiry',
    description: 'The transfer token\'s age is ignored: the clock never expires it and a token presented at or after its TTL is redeemed.',
    rules: ['R9', 'A14'], catches: ['transfer-token-expiry', 'invalid-token-prompts'],
    config: { ...REDEEMABLE, transfer_token_ttl_seconds: 1 },
    implementation: replace({
      'transfer token not found or expired?': (_m, w, e) => {
        const s = presentedTransferToken(w, e).status;
        return s === 'consumed' || s === 'rejected' || s === 'expired';
      },
    }, {
      advanceClock: (tx, e) => {
        tx.clock += ev<'ADVANCE_TIME'>(e).seconds;
        tx.answer('ok');
      },
    }),
  },
  {
    id: 'expiry-off-by-one',
    description: 'A transfer token is still valid at exactly its TTL (age > TTL expires it instead of age ≥ TTL).',
    rules: ['R9', 'A14'], catches: ['transfer-token-expiry', 'invalid-token-prompts'],
    config: { ...REDEEMABLE, transfer_token_ttl_seconds: 1 },
    implementation: replace({
      'transfer token not found or expired?': (m, w, e) => {
        const stt = presentedTransferToken(w, e);
        return stt.status === 'consumed' || stt.status === 'rejected' || stt.status === 'expired'
          || w.clock - stt.issuedAt > m.config.transferTokenTtlSeconds;
      },
    }, {
      advanceClock: (tx, e) => {
        tx.clock += ev<'ADVANCE_TIME'>(e).seconds;
        const ttl = tx.setting.config.transferTokenTtlSeconds;
        for (const stt of tx.transferTokens) if (stt.status === 'issued' && tx.clock - stt.issuedAt > ttl) tx.send('transferToken', stt.id, 'EXPIRE');
        tx.answer('ok');
      },
    }),
  },
  {
    id: 'revoked-parent-still-redeems',
    description: 'A transfer token whose parent refresh-token family is revoked is still redeemed.',
    rules: ['R20', 'A2'], catches: ['live-parent', 'invalid-token-prompts', 'single-use', 'complete-cascade'],
    config: webWith({ enforce_device_binding: 'none' }),
    implementation: replace({ 'parent refresh token revoked?': () => false }),
  },
  {
    id: 'ignore-device-binding',
    description: 'The web app\'s enforce_device_binding is not checked: a transfer token is redeemed from any network.',
    rules: ['R11'], catches: ['device-binding', 'invalid-token-prompts'],
    config: webWith({ enforce_device_binding: 'ip' }),
    implementation: replace({ 'device binding fails?': () => false }),
  },
  {
    id: 'asn-binding-compares-ip',
    description: 'Under enforce_device_binding asn the IP addresses are compared, refusing a redemption from another IP of the same ASN.',
    rules: ['R11', 'A13'], catches: ['device-binding', 'valid-token-no-session-logs-in'],
    config: webWith({ enforce_device_binding: 'asn' }),
    implementation: replace({
      'device binding fails?': (m, w, e) => {
        const stt = presentedTransferToken(w, e);
        const here = m.networks.get(w.devices[ev<'AUTHORIZE'>(e).device].network)!;
        return eventClient(m, ev<'AUTHORIZE'>(e)).enforceDeviceBinding !== 'none' && here.ip !== stt.ip;
      },
    }),
  },
  {
    id: 'organization-ignored',
    description: 'The transfer token\'s organization is not compared with the request\'s.',
    rules: ['R19', 'A24'], catches: ['organization-match', 'invalid-token-prompts'],
    config: REDEEMABLE,
    implementation: replace({ 'organization mismatch?': () => false }),
  },
  {
    id: 'valid-token-prompts',
    description: 'A valid transfer token in a browser without a session asks for a login instead of logging its user in.',
    rules: ['R15'], catches: ['valid-token-no-session-logs-in'],
    config: REDEEMABLE,
    implementation: replace({}, {
      createSessionFromTransfer: (tx, e) => {
        tx.send('transferToken', presentedTransferToken(tx.before, e).id, 'REDEEM');
        tx.answer('login_required', 'no_session');
      },
    }),
  },
  {
    id: 'same-user-new-session',
    description: 'A valid transfer token meeting a session of the same user creates a new session instead of reusing it.',
    rules: ['R16'], catches: ['same-user-reuses-session'],
    config: REDEEMABLE,
    implementation: replace({}, { reuseSessionWithTransfer: createFromTransfer() }),
  },
  {
    id: 'mismatch-keeps-session',
    description: 'A valid transfer token meeting another user\'s session asks for a login but keeps that session.',
    rules: ['R17'], catches: ['other-user-prompts-and-revokes'],
    config: webWith({ enforce_device_binding: 'none' }),
    implementation: replace({}, { promptUserMismatch: failRedemption('user_mismatch') }),
  },
  {
    id: 'mismatch-logs-in',
    description: 'A valid transfer token meeting another user\'s session replaces it with a session of the token\'s user without a prompt.',
    rules: ['R17'], catches: ['other-user-prompts-and-revokes'],
    config: webWith({ enforce_device_binding: 'none' }),
    implementation: replace({}, {
      promptUserMismatch: (tx, e) => {
        revokeSession(tx, deviceSession(tx.before, ev<'AUTHORIZE'>(e).device)!.id);
        createFromTransfer()(tx, e);
      },
    }),
  },
  {
    id: 'invalid-token-uses-session',
    description: 'An unknown, used or expired transfer token is ignored and the browser\'s session is silently used instead of asking for a login.',
    rules: ['R18', 'A3'], catches: ['invalid-token-prompts', 'single-use'],
    config: REDEEMABLE,
    implementation: replace({}, {
      promptNotFoundOrExpired: (tx, e) => {
        const s = deviceSession(tx.before, ev<'AUTHORIZE'>(e).device);
        if (!s) return EFFECTS.promptNotFoundOrExpired(tx, e);
        tx.loggedIn(s, false);
        tx.obs.transferTokenIgnored = true;
      },
    }),
  },
  {
    id: 'mismatch-checked-first',
    description: 'The user check runs before the parent, binding and organization checks, so an invalid token still revokes another user\'s session.',
    rules: ['A9', 'R18', 'A3'], catches: ['invalid-token-prompts'],
    config: webWith({ enforce_device_binding: 'ip' }),
    interpretations: { A8: false },
    implementation: replace({
      'parent refresh token revoked?': (m, w, e) => GUARDS['parent refresh token revoked?'](m, w, e) && !GUARDS['session of another user?'](m, w, e),
      'device binding fails?': (m, w, e) => GUARDS['device binding fails?'](m, w, e) && !GUARDS['session of another user?'](m, w, e),
      'organization mismatch?': (m, w, e) => GUARDS['organization mismatch?'](m, w, e) && !GUARDS['session of another user?'](m, w, e),
    }),
  },
  {
    id: 'sso-prompts',
    description: 'Standard SSO without a transfer token asks for a login although the browser holds a session.',
    rules: ['R29'], catches: ['standard-sso-unchanged'],
    config: REDEEMABLE,
    implementation: replace({}, { reuseSession: (tx) => tx.answer('login_required', 'no_session') }),
  },

  // ---- web refresh tokens (R25, A17, A26)
  {
    id: 'web-refresh-token-ungated',
    description: 'A transfer-born session gets a web refresh token on offline_access although allow_refresh_token is false.',
    rules: ['R25', 'A26'], catches: ['web-refresh-token-gate'],
    config: webWith({ allow_refresh_token: false }),
    implementation: replace({}, { createSessionFromTransfer: createFromTransfer({ gated: false }) }),
  },
  {
    id: 'online-flag-not-stored',
    description: 'Web refresh tokens of transfer-born sessions are issued offline whatever enforce_online_refresh_tokens says.',
    rules: ['A17', 'R27'], catches: ['web-refresh-token-gate'],
    config: webWith({ allow_refresh_token: true, enforce_online_refresh_tokens: true }),
    implementation: replace({}, { createSessionFromTransfer: createFromTransfer({ offline: true }) }),
  },

  // ---- revocation (R26, R27, R28)
  {
    id: 'shallow-cascade',
    description: 'The cascade revokes the transfer-born sessions of a revoked family but skips the web refresh tokens issued to them.',
    rules: ['R26', 'A4'], catches: ['complete-cascade'],
    config: webWith(
      { allow_refresh_token: true, enforce_online_refresh_tokens: false, enforce_device_binding: 'none' },
      { ...NATIVE_MINTS, refresh_token: { rotation_type: 'rotating' } },
    ),
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: true, refreshTokens: false });
        tx.answer('revoked');
      },
      detectReuse: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: true, refreshTokens: false });
        tx.answer('rejected', 'refresh_token_reused');
      },
    }),
  },
  {
    id: 'no-cascade',
    description: 'Revoking a refresh-token family leaves its transfer-born sessions and their refresh tokens active although enforce_cascade_revocation is on.',
    rules: ['R26'], catches: ['complete-cascade'],
    config: REDEEMABLE,
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: false, refreshTokens: false });
        tx.answer('revoked');
      },
    }),
  },
  {
    id: 'offline-web-refresh-tokens',
    description: 'Revoking a session does not apply the online rule: its online web refresh tokens stay active.',
    rules: ['R27', 'A19'], catches: ['online-refresh-tokens'],
    config: webWith({ allow_refresh_token: true, enforce_online_refresh_tokens: true }),
    implementation: replace({}, {
      revokeSession: (tx, e) => {
        revokeSessionOnly(tx, ev<'REVOKE_SESSION'>(e).session);
        tx.answer('revoked');
      },
    }),
  },
  // ---- what the model records (found by the review of the properties: each defect below passed every
  //      rule property until the property named first was strengthened)
  {
    id: 'mint-records-initial-network',
    description: 'A mint records the network the holder device started on, not the one it is on now, so binding compares the wrong network.',
    rules: ['R11'], catches: ['mint-records-context'],
    config: webWith({ enforce_device_binding: 'ip' }),
    implementation: replace({}, {
      mintTransferToken: (tx, e) => {
        const rt = presentedRefreshToken(tx.before, e);
        const start = tx.setting.population.devices.find((d) => d.name === rt.device)!.network;
        const network = tx.setting.networks.get(start)!;
        tx.issueTransferToken({
          user: rt.user, parent: rt.id, family: rt.family, device: rt.device, network: network.name, ip: network.ip,
          asn: network.asn, organization: rt.organization, issuedAt: tx.clock, inUrl: false,
        });
        tx.answer('issued');
      },
    }),
  },
  {
    id: 'transfer-session-unlinked',
    description: 'A session created from a transfer token records no parent, escaping the cascade and the nesting ban.',
    rules: ['R21', 'R26', 'R8'], catches: ['valid-token-no-session-logs-in'],
    config: REDEEMABLE,
    implementation: replace({}, {
      createSessionFromTransfer: (tx, e) => {
        const a = ev<'AUTHORIZE'>(e);
        const stt = presentedTransferToken(tx.before, a);
        tx.send('transferToken', stt.id, 'REDEEM');
        tx.loggedIn(tx.createSession({ user: stt.user, device: a.device, via: 'transfer', transferToken: stt.id, parent: null }), true);
      },
    }),
  },
  {
    id: 'late-link-forgotten',
    description: 'A refresh token issued to a session before A6 linked that session to a family keeps its own empty parent: it may mint (a nested transfer) and the cascade leaves it active.',
    rules: ['R7', 'R8', 'R26', 'A6'], catches: ['no-nested-transfer'],
    // the web app may mint, so that a web login's refresh token can present a mint at all
    config: { native: NATIVE_MINTS, web: { session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: BOTH_METHODS } } },
    interpretations: { A6: true },
    implementation: replace({
      'refresh token came from a transfer?': (_m, w, e) => presentedRefreshToken(w, e).parent !== null,
    }, {
      detectReuse: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: true, refreshTokens: true });
        tx.answer('rejected', 'refresh_token_reused');
      },
      revokeRefreshTokenFamily: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: true, refreshTokens: true });
        tx.answer('revoked');
      },
    }),
  },
  {
    id: 'n1-ignored',
    description: 'Under N1 a mint by a client that may not mint is refused as client_not_allowed before reuse detection, so a reused rotated token goes undetected on that path.',
    rules: ['R2', 'N1'], catches: ['mint-needs-flag', 'rotation-reuse-detection'],
    // the native app may not mint and rotates: a refresh retires its token, which is then presented for a mint
    config: { native: { session_transfer: { can_create_session_transfer_token: false }, refresh_token: { rotation_type: 'rotating' } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    interpretations: { N1: true },
    implementation: replace({
      'client may not mint?': (m, w, e) => !settingsOf(m.config, presentedRefreshToken(w, e)).canCreateSessionTransferToken,
    }),
  },
  {
    id: 'a6-ignored',
    description: 'Under A6 a reused same-user session is not linked to the token\'s parent, so the cascade misses it.',
    rules: ['A6', 'R16'], catches: ['same-user-reuses-session'],
    config: REDEEMABLE,
    interpretations: { A6: true },
    implementation: replace({}, {
      reuseSessionWithTransfer: (tx, e) => {
        const a = ev<'AUTHORIZE'>(e);
        tx.send('transferToken', a.transferToken!, 'REDEEM');
        tx.loggedIn(deviceSession(tx.before, a.device)!, false);
      },
    }),
  },
  {
    id: 'dead-parent-reported-as-expired',
    description: 'A token whose parent family is revoked is refused as not found or expired instead of parent_refresh_token_revoked.',
    rules: ['R20', 'A9'], catches: ['invalid-token-prompts'],
    config: REDEEMABLE,
    implementation: replace({}, { promptParentRevoked: (tx) => tx.answer('login_required', 'transfer_token_not_found_or_expired') }),
  },
  {
    id: 'logout-revokes-offline-refresh-tokens',
    description: 'Logging out revokes every refresh token of the session, the offline ones too (the online flag is ignored).',
    rules: ['R27', 'A17'], catches: ['online-refresh-tokens'],
    config: webWith({ allow_refresh_token: true, enforce_online_refresh_tokens: false, enforce_device_binding: 'none' }),
    implementation: replace({}, {
      revokeSession: (tx, e) => {
        const id = ev<'REVOKE_SESSION'>(e).session;
        revokeSessionOnly(tx, id);
        for (const rt of tx.refreshTokens) if (rt.session === id) tx.send('refreshToken', rt.id, 'REVOKE');
        tx.answer('revoked');
      },
    }),
  },
  // ---- failed checks and A8
  {
    id: 'failed-check-keeps-token',
    description: 'Under A8 a redemption that fails device binding leaves the transfer token usable instead of using it up.',
    rules: ['A8'], catches: ['failed-check-uses-token-up'],
    config: webWith({ enforce_device_binding: 'ip' }),
    implementation: replace({}, { promptBindingFailed: (tx) => tx.answer('login_required', 'device_binding_failed') }),
  },
  {
    id: 'failed-check-burns-without-a8',
    description: 'With A8 off, a redemption that fails the organization check still uses the token up.',
    rules: ['A8', 'R19'], catches: ['failed-check-uses-token-up'],
    config: webWith({ enforce_device_binding: 'none' }),
    interpretations: { A8: false },
    implementation: replace({}, {
      promptOrganizationMismatch: (tx, e) => {
        tx.send('transferToken', ev<'AUTHORIZE'>(e).transferToken!, 'BURN');
        tx.answer('login_required', 'organization_mismatch');
      },
    }),
  },
  // ---- lineage (R21)
  {
    id: 'web-successor-loses-lineage',
    description: 'A rotating web refresh token\'s successor forgets its parent, escaping the cascade and the nesting ban.',
    rules: ['R21', 'A15'], catches: ['lineage-kept'],
    config: { ...webWith({ allow_refresh_token: true, enforce_device_binding: 'none' }), web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS, allow_refresh_token: true, enforce_device_binding: 'none' }, refresh_token: { rotation_type: 'rotating' } } },
    implementation: replace({}, {
      refresh: (tx, e) => {
        const rt = presentedRefreshToken(tx.before, e);
        if (settingsOf(tx.setting.config, rt).rotationType === 'rotating') {
          tx.send('refreshToken', rt.id, 'ROTATE');
          tx.issueRefreshToken({ ...successorOf(rt), parent: null, online: false });
        }
        tx.answer('issued');
      },
    }),
  },
  {
    id: 'cascade-hits-login-sessions',
    description: 'Revoking a native refresh-token family also revokes the user\'s sessions that came from ordinary logins.',
    rules: ['R28', 'A5'], catches: ['flags-touch-only-transfer-artifacts'],
    config: REDEEMABLE,
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        const rt = presentedRefreshToken(tx.before, e);
        revokeFamily(tx, rt.family);
        for (const s of tx.sessions) if (s.user === rt.user && s.via === 'login' && s.status === 'active') revokeSession(tx, s.id);
        tx.answer('revoked');
      },
    }),
  },
  {
    // ---- readings as switches: A19 (an administrator's revocation), N2 (Online Refresh Tokens)
    id: 'admin-revoke-follows-online-flag',
    description: 'Under A19 = always an administrator\'s session revocation still follows the online flag: an offline refresh token issued to the session stays active.',
    rules: ['A19'], catches: ['admin-session-revocation'],
    config: webWith({ allow_refresh_token: true, enforce_online_refresh_tokens: false }),
    interpretations: { A19: 'always' },
    implementation: replace({}, {
      revokeSession: (tx, e) => {
        revokeSession(tx, ev<'REVOKE_SESSION'>(e).session);
        tx.answer('revoked');
      },
    }),
  },
  {
    id: 'ort-exchange-not-extending',
    description: 'Under N2 an exchange of an online web refresh token does not restart its session\'s idle time.',
    rules: ['N2'], catches: ['online-refresh-token-sessions'],
    config: webWith({ allow_refresh_token: true }),
    interpretations: { N2: true },
    implementation: replace({}, { refresh: exchange(false, rotateIfOn, false), mintTransferToken: exchange(true, rotateIfOn, false) }),
  },
  {
    id: 'ort-revoke-keeps-session',
    description: 'Under N2 revoking an online web refresh token leaves its session active.',
    rules: ['N2'], catches: ['online-refresh-token-sessions'],
    config: webWith({ allow_refresh_token: true }),
    interpretations: { N2: true },
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        revokeFamily(tx, presentedRefreshToken(tx.before, e).family);
        tx.answer('revoked');
      },
    }),
  },
  {
    // ---- several web apps (MODEL.md §8)
    id: 'redemption-judged-by-first-app',
    description: 'A redemption at a second web app is judged by the first web app\'s enforce_device_binding, not by the binding of the app the request is for.',
    rules: ['WA1', 'R11'], catches: ['device-binding'],
    config: { native: NATIVE_MINTS, web: [{ session_transfer: { allowed_authentication_methods: BOTH_METHODS, enforce_device_binding: 'none' } }, { session_transfer: { allowed_authentication_methods: BOTH_METHODS, enforce_device_binding: 'ip' } }] },
    implementation: replace({
      'device binding fails?': (m, w, e) => {
        const stt = presentedTransferToken(w, e);
        const here = m.networks.get(w.devices[ev<'AUTHORIZE'>(e).device].network)!;
        const binding = m.config.web.enforceDeviceBinding;
        return (binding === 'ip' && here.ip !== stt.ip) || (binding === 'asn' && here.asn !== stt.asn);
      },
    }),
  },
  {
    id: 'second-app-gated-by-first',
    description: 'A login at a second web app is processed as one at the first: its refresh token is gated by the first app\'s allow_refresh_token, carries its online flag and belongs to it.',
    rules: ['WA1', 'R25', 'A17'], catches: ['web-refresh-token-gate'],
    config: {
      native: NATIVE_MINTS,
      web: [{ session_transfer: { allowed_authentication_methods: BOTH_METHODS, allow_refresh_token: true, enforce_online_refresh_tokens: false } }, { session_transfer: { allowed_authentication_methods: BOTH_METHODS } }],
    },
    // the real effects, run as if the login named no client (the first app); the apps agree on methods and binding
    implementation: replace({}, Object.fromEntries((['createSessionFromTransfer', 'reuseSessionWithTransfer', 'reuseSession', 'reauthenticate', 'interactiveLogin'] as const)
      .map((name) => [name, (tx: Tx, e: ModelEvent) => EFFECTS[name](tx, { ...e, client: undefined } as ModelEvent)]))),
  },
  {
    id: 'second-app-nests',
    description: 'The nesting ban looks only at the first web app\'s refresh tokens: a second app\'s token issued to a transfer-born session mints a transfer token.',
    rules: ['WA2', 'R7', 'R8'], catches: ['no-nested-transfer'],
    config: {
      native: NATIVE_MINTS,
      web: [{ session_transfer: { allowed_authentication_methods: BOTH_METHODS } },
        { session_transfer: { allowed_authentication_methods: BOTH_METHODS, can_create_session_transfer_token: true, allow_refresh_token: true, enforce_device_binding: 'none' } }],
    },
    implementation: replace({
      'refresh token came from a transfer?': (m, w, e) => {
        const rt = presentedRefreshToken(w, e);
        return lineage(w, rt) !== null && (rt.client === 'native' || rt.clientId === m.config.webClientId);
      },
    }),
  },
  {
    id: 'cascade-misses-second-app',
    description: 'The cascade revokes the family\'s transfer-born sessions and the first web app\'s refresh tokens issued to them, but leaves a second app\'s active.',
    rules: ['WA2', 'R26'], catches: ['complete-cascade'],
    config: {
      native: NATIVE_MINTS,
      web: [{ session_transfer: { allowed_authentication_methods: BOTH_METHODS } },
        { session_transfer: { allowed_authentication_methods: BOTH_METHODS, allow_refresh_token: true, enforce_online_refresh_tokens: false, enforce_device_binding: 'none' } }],
    },
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        const family = presentedRefreshToken(tx.before, e).family;
        const first = tx.setting.config.webClientId;
        const tokens = tx.refreshTokens.filter((rt) => lineage(tx, rt) === family && (rt.client === 'native' || rt.clientId === first)).map((rt) => rt.id);
        for (const rt of tx.refreshTokens) if (rt.family === family) tx.send('refreshToken', rt.id, 'REVOKE');
        for (const stt of tx.transferTokens) if (stt.family === family) tx.send('transferToken', stt.id, 'REVOKE');
        for (const s of tx.sessions) if (s.parent === family) revokeSession(tx, s.id);
        for (const id of tokens) tx.send('refreshToken', id, 'REVOKE');
        tx.answer('revoked');
      },
    }),
  },
  {
    id: 'cascade-ignores-flag',
    description: 'The cascade runs although the native client\'s enforce_cascade_revocation is off.',
    rules: ['R28', 'R26'], catches: ['flags-touch-only-transfer-artifacts'],
    config: { native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: false } }, web: { session_transfer: { allowed_authentication_methods: BOTH_METHODS } } },
    implementation: replace({}, {
      revokeRefreshTokenFamily: (tx, e) => {
        revokeFamilyWith(tx, presentedRefreshToken(tx.before, e).family, { sessions: true, refreshTokens: true, ignoreFlag: true });
        tx.answer('revoked');
      },
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// Running mutants.

/** The mutant's model: its configuration and interpretations, the default population, its implementation. */
export function mutantModel(m: Mutant): Model {
  return createModel(makeSetting(resolveConfig(m.config), resolveInterpretations(m.interpretations), DEFAULT_POPULATION), m.implementation);
}

/** The correct model in the mutant's configuration: what the mutant must differ from. */
export function correctModel(m: Mutant): Model {
  return createModel(makeSetting(resolveConfig(m.config), resolveInterpretations(m.interpretations), DEFAULT_POPULATION));
}
