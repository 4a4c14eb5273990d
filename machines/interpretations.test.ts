// The interpretation switches of MODEL.md §2, each both ways: A6 (is a reused same-user session linked to
// the token's parent?), A8 (does a failed check burn the token?), A10 (a token by a method not allowed).
import { describe, expect, it } from 'vitest';
import { E, NO_COOKIES, cookies, enabled, expectObservation, run, statuses } from './test-helpers.js';

describe('A6: valid token meeting a session of the same user', () => {
  const CONFIG = enabled({ web: { can_create_session_transfer_token: true, allow_refresh_token: true } });
  const REUSE = [
    E.webLogin('alice-laptop', 'alice'), // 1: s1 (ordinary)
    E.nativeLogin('alice', 'alice-phone'), // 2: rt1
    E.mint('rt1'), // 3: stt1
    E.authorize('alice-laptop', 'stt1'), // 4: reuses s1, consumes stt1
    E.authorize('alice-laptop', undefined, { offlineAccess: true }), // 5: a later silent auth asks offline_access: rt2
  ];

  it('A6 = false: the reused session is not linked; its later web refresh token is ordinary and can mint (A6, R16, R8)', () => {
    const r = run(CONFIG, [...REUSE, E.mint('rt2')], { A6: false });
    expectObservation(r.at(4), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(r.world.sessions[0]).toMatchObject({ id: 's1', via: 'login', transferToken: null, parent: null });
    expectObservation(r.at(5), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, issued: ['rt2'] });
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', client: 'web', session: 's1', parent: null, online: false });
    expectObservation(r.last, { outcome: 'issued', issued: ['stt2'] });
  });

  it('A6 = false: the cascade leaves the reused session and its web refresh token alone (A6, R26, R28)', () => {
    const r = run(CONFIG, [...REUSE, E.revokeRefreshToken('rt1')], { A6: false });
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt1'] } });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'revoked', stt1: 'consumed', rt2: 'active' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('A6 = true: the reused session is linked to the parent; the nesting ban applies to its web refresh token (A6, R7, R8)', () => {
    const r = run(CONFIG, [...REUSE, E.mint('rt2')], { A6: true });
    expectObservation(r.at(4), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(r.world.sessions[0]).toMatchObject({ id: 's1', via: 'login', parent: 'rt1' });
    expectObservation(r.at(5), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, issued: ['rt2'] });
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', client: 'web', session: 's1', parent: 'rt1', online: true });
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
  });

  it('A6 = true: the cascade revokes the reused session and its web refresh token (A6, R26)', () => {
    const r = run(CONFIG, [...REUSE, E.revokeRefreshToken('rt1')], { A6: true });
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt1', 'rt2'], sessions: ['s1'] } });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'revoked', stt1: 'consumed', rt2: 'revoked' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('A6 = true: a linked session gates web refresh tokens by allow_refresh_token (A6, R25, A26)', () => {
    const r = run(enabled(), REUSE, { A6: true });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(r.world.refreshTokens).toHaveLength(1);
  });

  it('A6 = true: a session already linked to one family is not relinked by a token of another (A6)', () => {
    const r = run(enabled(), [
      E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1'), // s1, child of rt1
      E.nativeLogin('alice', 'alice-laptop'), E.mint('rt2'), E.authorize('alice-laptop', 'stt2'), // reuses s1
      E.revokeRefreshToken('rt2'),
    ], { A6: true });
    expectObservation(r.at(6), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt2'] });
    expect(r.world.sessions[0].parent).toBe('rt1');
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt2'] } });
    expect(statuses(r.world)).toMatchObject({ s1: 'active' });
  });
});

describe('A8: does a failed binding, organization or user check burn the token?', () => {
  it('A8 = true: a binding failure burns the token; the retry from the right network is not found (A8, R11, R10)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.move('alice-laptop', 'mobile'),
      E.authorize('alice-laptop', 'stt1'), E.move('alice-laptop', 'home'), E.authorize('alice-laptop', 'stt1')], { A8: true });
    expectObservation(r.at(4), { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'rejected' });
    expect(r.world.sessions).toEqual([]);
  });

  it('A8 = false: a binding failure leaves the token issued; the retry from the right network logs in (A8, R11, R15)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.move('alice-laptop', 'mobile'),
      E.authorize('alice-laptop', 'stt1'), E.move('alice-laptop', 'home'), E.authorize('alice-laptop', 'stt1')], { A8: false });
    expectObservation(r.at(4), { outcome: 'login_required', reason: 'device_binding_failed' });
    const afterFailure = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.move('alice-laptop', 'mobile'),
      E.authorize('alice-laptop', 'stt1')], { A8: false });
    expect(statuses(afterFailure.world)).toEqual({ rt1: 'active', stt1: 'issued' });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'active' });
  });

  it('A8 = true: an organization mismatch burns the token; the retry with the right organization is not found (A8, R19)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone', 'org_acme'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { organization: 'org_other' }), E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })], { A8: true });
    expectObservation(r.at(3), { outcome: 'login_required', reason: 'organization_mismatch', consumed: ['stt1'] });
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'rejected' });
  });

  it('A8 = false: an organization mismatch leaves the token issued; the retry with the right organization logs in (A8, R19)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone', 'org_acme'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { organization: 'org_other' }), E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })], { A8: false });
    expectObservation(r.at(3), { outcome: 'login_required', reason: 'organization_mismatch' });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'active' });
  });

  it('A8 = true: a user mismatch burns the token; the retry, now without a session, is not found (A8, R17)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'mallory'), E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1'), E.authorize('alice-laptop', 'stt1')], { A8: true });
    expectObservation(r.at(4), { outcome: 'login_required', reason: 'user_mismatch', revoked: { sessions: ['s1'] }, consumed: ['stt1'] });
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'active', stt1: 'rejected' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('A8 = false: a user mismatch still revokes the session but leaves the token issued; the retry logs in (A8, R17, R15)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'mallory'), E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1'), E.authorize('alice-laptop', 'stt1')], { A8: false });
    expectObservation(r.at(4), { outcome: 'login_required', reason: 'user_mismatch', revoked: { sessions: ['s1'] } });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'active', stt1: 'consumed', s2: 'active' });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's2' });
  });

  it('A8 never burns on not-found or parent-revoked failures: those tokens keep their own status (A8, A2)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt1')], { A8: true });
    expectObservation(r.last, { outcome: 'login_required', reason: 'parent_refresh_token_revoked' });
    expect(r.world.transferTokens[0].status).toBe('revoked');
  });
});

describe('A10: a token sent by a method the web app does not allow', () => {
  const QUERY_ONLY = enabled({ web: { allowed_authentication_methods: ['query'] } });
  const SESSION_THEN_MINT = [E.webLogin('alice-laptop', 'alice'), E.nativeLogin('alice', 'alice-phone'), E.mint('rt1')];

  it('A10 = ignored: with a session, standard SSO runs and the token is marked ignored, left unused (A10, R13, R29)', () => {
    const r = run(QUERY_ONLY, [...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1', { method: 'cookie' })], { A10: 'ignored' });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(r.last.transferTokenIgnored).toBe(true);
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'issued' });
  });

  it('A10 = ignored: without a session, the ordinary prompt, the token marked ignored (A10, R13, R29)', () => {
    const r = run(QUERY_ONLY, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { method: 'cookie' })], { A10: 'ignored' });
    expectObservation(r.last, { outcome: 'login_required', reason: 'no_session' });
    expect(r.last.transferTokenIgnored).toBe(true);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued' });
  });

  it('A10 = invalid: with a session, login_required method_not_allowed and the session kept (A10, R13, R18)', () => {
    const r = run(QUERY_ONLY, [...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1', { method: 'cookie' })], { A10: 'invalid' });
    expectObservation(r.last, { outcome: 'login_required', reason: 'method_not_allowed' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'issued' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('A10 = invalid: without a session, login_required method_not_allowed (A10, R13)', () => {
    const r = run(QUERY_ONLY, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { method: 'cookie' })], { A10: 'invalid' });
    expectObservation(r.last, { outcome: 'login_required', reason: 'method_not_allowed' });
    expect(r.world.sessions).toEqual([]);
  });

  it('A10 = invalid: the method check comes first, before expiry (A10, A9)', () => {
    const r = run(QUERY_ONLY, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.advance(60),
      E.authorize('alice-laptop', 'stt1', { method: 'cookie' })], { A10: 'invalid' });
    expectObservation(r.last, { outcome: 'login_required', reason: 'method_not_allowed' });
  });

  it('A10 = invalid changes nothing for an allowed method (A10, R15)', () => {
    const r = run(QUERY_ONLY, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { method: 'query' })], { A10: 'invalid' });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });
});

describe('N1: a mint by a client that may not mint, with a rotated refresh token', () => {
  const NATIVE_MAY_NOT_MINT = { native: { can_create_session_transfer_token: false, rotation_type: 'rotating' as const }, web: { allowed_authentication_methods: ['cookie' as const] } };
  const ROTATED_THEN_MINT = [E.nativeLogin('alice', 'alice-phone'), E.refresh('rt1'), E.mint('rt1')];

  it('N1 = false: refused as client_not_allowed before the token is looked at, nothing revoked (R2)', () => {
    const r = run(NATIVE_MAY_NOT_MINT, ROTATED_THEN_MINT, { N1: false });
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
    expect(statuses(r.world)).toEqual({ rt1: 'rotated', rt2: 'active' });
  });

  it('N1 = true: reuse detection first: refresh_token_reused, the family revoked (RTR)', () => {
    const r = run(NATIVE_MAY_NOT_MINT, ROTATED_THEN_MINT, { N1: true });
    expectObservation(r.last, { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2'] } });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked', rt2: 'revoked' });
  });

  it('N1 = true: a token that is not rotated is still refused by the client check (R2)', () => {
    const r = run(NATIVE_MAY_NOT_MINT, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1')], { N1: true });
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
  });
});

describe('A19: an administrator\'s session revocation', () => {
  const OFFLINE = enabled({ web: { allow_refresh_token: true, enforce_online_refresh_tokens: false } });
  const LOGIN_THEN = (by?: 'logout' | 'admin') => [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true }), E.webLogin('alice-phone', 'alice', true),
    { type: 'REVOKE_SESSION', session: 's1', ...(by ? { by } : {}) } as const];

  it('A19 = online-flag: as a logout, an offline refresh token outlives the session (R27)', () => {
    for (const by of [undefined, 'admin'] as const) {
      const r = run(OFFLINE, LOGIN_THEN(by), { A19: 'online-flag' });
      expectObservation(r.last, { outcome: 'revoked', revoked: { sessions: ['s1'] } });
      expect(statuses(r.world)).toMatchObject({ rt2: 'active' });
    }
  });

  it('A19 = always: every refresh token issued to the session ends with it; a logout still follows the online flag', () => {
    const admin = run(OFFLINE, LOGIN_THEN('admin'), { A19: 'always' });
    expectObservation(admin.last, { outcome: 'revoked', revoked: { sessions: ['s1'], refreshTokens: ['rt2'] } });
    // the other session's token (rt3, issued to s2) is not touched
    expect(statuses(admin.world)).toMatchObject({ rt2: 'revoked', rt3: 'active' });
    const logout = run(OFFLINE, LOGIN_THEN('logout'), { A19: 'always' });
    expectObservation(logout.last, { outcome: 'revoked', revoked: { sessions: ['s1'] } });
  });
});

describe('N2: online refresh tokens as Auth0\'s Online Refresh Tokens', () => {
  const ONLINE = enabled({ web: { allow_refresh_token: true }, tenant: { idle_session_lifetime: 2 / 60 } });
  const TRANSFER = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true })];

  it('N2 = true: a refresh of the online token extends the session\'s idle time; N2 = false: it does not', () => {
    const events = [...TRANSFER, E.advance(90), E.refresh('rt2'), E.advance(60)];
    const on = run(ONLINE, events, { N2: true });
    expect(on.world.sessions[0]).toMatchObject({ id: 's1', status: 'active', lastActiveAt: 90 });
    const off = run(ONLINE, events, { N2: false });
    // idle 120 s from its login at 0: expired at 150 s, its online token with it (R27)
    expect(off.world.sessions[0]).toMatchObject({ id: 's1', status: 'expired', lastActiveAt: 0 });
    expect(off.last.expired?.sessions).toEqual(['s1']);
  });

  it('N2 = true: revoking the online token ends its session; N2 = false: the session stays', () => {
    const on = run(ONLINE, [...TRANSFER, E.revokeRefreshToken('rt2')], { N2: true });
    expectObservation(on.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt2'], sessions: ['s1'] } });
    const off = run(ONLINE, [...TRANSFER, E.revokeRefreshToken('rt2')], { N2: false });
    expectObservation(off.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt2'] } });
    expect(statuses(off.world)).toMatchObject({ s1: 'active' });
  });

  it('N2 = true: an offline token\'s exchange leaves its session alone', () => {
    const offline = enabled({ web: { allow_refresh_token: true, enforce_online_refresh_tokens: false } });
    const r = run(offline, [...TRANSFER, E.advance(30), E.refresh('rt2')], { N2: true });
    expect(r.world.sessions[0]).toMatchObject({ lastActiveAt: 0 });
  });
});
