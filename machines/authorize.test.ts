// /authorize, row by row of the outcome table (spec §3.3), with the A9 order of checks.
// Each test asserts the full observation (MODEL.md §4) and the world after: statuses and session cookies.
import { describe, expect, it } from 'vitest';
import { E, NO_COOKIES, cookies, enabled, expectObservation, run, statuses } from './test-helpers.js';

// alice signs in to the native app on her phone (rt1) and mints stt1 there, on `home`.
const MINTED = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1')];

describe('no transfer token (R29: standard SSO)', () => {
  it('no token and no session asks for a login (R29, no_session)', () => {
    const r = run(enabled(), [E.authorize('alice-laptop')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'no_session' });
    expect(r.last.transferTokenIgnored).toBeUndefined();
    expect(r.world.sessions).toEqual([]);
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('no token and a session reuses that session without a prompt (R29)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.authorize('alice-laptop')]);
    expectObservation(r.at(1), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(statuses(r.world)).toEqual({ s1: 'active' });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's1' });
  });
});

describe('valid transfer token', () => {
  it.each(['cookie', 'query'] as const)('a valid token (by %s) with no session logs in without a prompt and creates a transfer session (R15)', (method) => {
    const r = run(enabled(), [...MINTED, E.authorize('alice-laptop', 'stt1', { method })]);
    expectObservation(r.at(1), { outcome: 'issued', issued: ['rt1'] });
    expectObservation(r.at(2), { outcome: 'issued', issued: ['stt1'] });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'active' });
    expect(r.world.sessions[0]).toMatchObject({ id: 's1', user: 'alice', device: 'alice-laptop', via: 'transfer', transferToken: 'stt1', parent: 'rt1' });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's1' });
  });

  it('a valid token redeemed in the minting phone\'s own WebView logs in too (R15)', () => {
    const r = run(enabled(), [...MINTED, E.authorize('alice-phone', 'stt1')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-phone': 's1' });
  });

  it('a valid token with a session of the same user reuses that session without a prompt and is used up (R16, A6)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), ...MINTED, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'consumed' });
    expect(r.world.sessions).toHaveLength(1);
    expect(r.world.sessions[0]).toMatchObject({ via: 'login', transferToken: null, parent: null });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's1' });
  });

  it('a valid token meeting another user\'s session revokes that session and asks for a login (R17, user_mismatch)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'mallory'), ...MINTED, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, {
      outcome: 'login_required', reason: 'user_mismatch', revoked: { sessions: ['s1'] }, consumed: ['stt1'],
    });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'active', stt1: 'rejected' });
    expect(r.world.sessions).toHaveLength(1);
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });
});

describe('invalid transfer token with a session: login asked, the session kept, not silently used (R18, A3)', () => {
  // alice has an ordinary session s1 on her laptop, then mints rt1/stt1 on her phone.
  const SESSION_THEN_MINT = [E.webLogin('alice-laptop', 'alice'), ...MINTED];

  /** the session survives, its cookie stays, nothing new is created */
  const sessionKept = (r: ReturnType<typeof run>) => {
    expect(r.world.sessions).toHaveLength(1);
    expect(r.world.sessions[0]).toMatchObject({ id: 's1', status: 'active', user: 'alice' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  };

  it('a token at age TTL is expired (R9, A14)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.advance(60), E.authorize('alice-laptop', 'stt1')]);
    expect(r.at(4).expired?.transferTokens).toEqual(['stt1']);
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'expired' });
    sessionKept(r);
  });

  it('a token at age TTL-1 is still valid (R9, A14)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.advance(59), E.authorize('alice-laptop', 'stt1')]);
    expect(r.at(4).expired?.transferTokens ?? []).toEqual([]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'consumed' });
  });

  it('the TTL is the configured one: at 30 s of a 30 s TTL the token is expired, at 29 s it is valid (R9)', () => {
    const expired = run(enabled({ ttl: 30 }), [...MINTED, E.advance(30), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(expired.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    const valid = run(enabled({ ttl: 30 }), [...MINTED, E.advance(29), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(valid.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });

  it('a token already used is not found (R10)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.authorize('alice-phone', 'stt1'), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.at(4), { outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, consumed: ['stt1'] });
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'consumed', s2: 'active' });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's1', 'alice-phone': 's2' });
  });

  it('a token already used by this very browser is not found the second time (R10)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1'), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    sessionKept(r);
  });

  it('a token whose parent refresh token was revoked is not used (R20, A2)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.at(4), { outcome: 'revoked', revoked: { refreshTokens: ['rt1'], transferTokens: ['stt1'] } });
    expectObservation(r.last, { outcome: 'login_required', reason: 'parent_refresh_token_revoked' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'revoked', stt1: 'revoked' });
    sessionKept(r);
  });

  it('ip binding: a token redeemed from another IP of the same carrier fails binding (R11, R12)', () => {
    const r = run(enabled(), [E.move('alice-laptop', 'cafe'), ...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'rejected' });
    sessionKept(r);
  });

  it('asn binding: a token redeemed from another carrier fails binding (R11)', () => {
    const r = run(enabled({ web: { enforce_device_binding: 'asn' } }),
      [E.move('alice-laptop', 'mobile'), ...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'rejected' });
    sessionKept(r);
  });

  it('asn binding: another IP of the same carrier passes (R11)', () => {
    const r = run(enabled({ web: { enforce_device_binding: 'asn' } }), [E.move('alice-laptop', 'cafe'), ...MINTED, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });

  it('no binding: a token redeemed from another carrier passes (R11, none)', () => {
    const r = run(enabled({ web: { enforce_device_binding: 'none' } }),
      [E.move('alice-laptop', 'mobile'), ...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'consumed' });
  });

  it('an organization token redeemed for another organization is refused (R19)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.nativeLogin('alice', 'alice-phone', 'org_acme'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { organization: 'org_other' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'organization_mismatch', consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'rejected' });
    expect(r.world.transferTokens[0].organization).toBe('org_acme');
    sessionKept(r);
  });

  it('an organization token redeemed without an organization is refused (R19, A24)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.nativeLogin('alice', 'alice-phone', 'org_acme'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'organization_mismatch', consumed: ['stt1'] });
    sessionKept(r);
  });

  it('a token without organization redeemed for an organization is refused (R19, A24)', () => {
    const r = run(enabled(), [...SESSION_THEN_MINT, E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'organization_mismatch', consumed: ['stt1'] });
    sessionKept(r);
  });

  it('an organization token redeemed for the same organization logs in (R19)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone', 'org_acme'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });

  it('the checks run in the A9 order: an expired token on the wrong network for the wrong org is reported expired (A9)', () => {
    const r = run(enabled(), [E.move('alice-laptop', 'mobile'), ...SESSION_THEN_MINT, E.advance(60),
      E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
  });

  it('the checks run in the A9 order: a token failing binding at another user\'s session does not revoke it (A9, R11, R17)', () => {
    // mallory mints at the café and sends stt1 to alice's laptop at home: another IP, same carrier.
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.nativeLogin('mallory', 'mallory-phone'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { method: 'query' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'rejected' });
    sessionKept(r);
  });

  it('the checks run in the A9 order: binding is checked before the organization (A9)', () => {
    const r = run(enabled(), [E.move('alice-laptop', 'mobile'), ...SESSION_THEN_MINT,
      E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
  });
});

describe('invalid transfer token and no session: the ordinary login prompt, nothing created (A1)', () => {
  const cases = [
    { why: 'expired (R9)', events: [...MINTED, E.advance(60), E.authorize('alice-laptop', 'stt1')], reason: 'transfer_token_not_found_or_expired', consumed: [], stt1: 'expired' },
    { why: 'already used (R10)', events: [...MINTED, E.authorize('alice-phone', 'stt1'), E.authorize('alice-laptop', 'stt1')], reason: 'transfer_token_not_found_or_expired', consumed: [], stt1: 'consumed' },
    { why: 'parent revoked (R20)', events: [...MINTED, E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt1')], reason: 'parent_refresh_token_revoked', consumed: [], stt1: 'revoked' },
    { why: 'ip binding (R11)', events: [E.move('alice-laptop', 'cafe'), ...MINTED, E.authorize('alice-laptop', 'stt1')], reason: 'device_binding_failed', consumed: ['stt1'], stt1: 'rejected' },
    { why: 'organization (R19)', events: [...MINTED, E.authorize('alice-laptop', 'stt1', { organization: 'org_acme' })], reason: 'organization_mismatch', consumed: ['stt1'], stt1: 'rejected' },
  ] as const;

  it.each(cases)('a token invalid by $why with no session asks for a login (A1)', ({ events, reason, consumed, stt1 }) => {
    const r = run(enabled(), [...events]);
    expectObservation(r.last, { outcome: 'login_required', reason, consumed: [...consumed] });
    expect(r.world.transferTokens[0].status).toBe(stt1);
    expect(cookies(r.world)['alice-laptop']).toBeNull();
    expect(r.world.sessions.filter((s) => s.device === 'alice-laptop')).toEqual([]);
  });
});

describe('a token sent by a method the web app does not allow (R13, R14, A10 = ignored)', () => {
  it('a query token at a cookie-only web app is ignored: no session, the ordinary prompt (R13, A10)', () => {
    const r = run(enabled({ web: { allowed_authentication_methods: ['cookie'] } }), [...MINTED, E.authorize('alice-laptop', 'stt1', { method: 'query' })]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'no_session' });
    expect(r.last.transferTokenIgnored).toBe(true);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('a cookie token at a query-only web app is ignored: the existing session is reused as standard SSO (R13, R29, A10)', () => {
    const r = run(enabled({ web: { allowed_authentication_methods: ['query'] } }),
      [E.webLogin('alice-laptop', 'alice'), ...MINTED, E.authorize('alice-laptop', 'stt1', { method: 'cookie' })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(r.last.transferTokenIgnored).toBe(true);
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'issued' });
  });

  it('an ignored token does not trigger the user-mismatch revocation (R13, A10)', () => {
    const r = run(enabled({ web: { allowed_authentication_methods: ['cookie'] } }),
      [E.webLogin('alice-laptop', 'mallory'), ...MINTED, E.authorize('alice-laptop', 'stt1', { method: 'query' })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'mallory', session: 's1', sessionCreated: false });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', stt1: 'issued' });
  });

  it('a web app left at the default [] accepts no token (R14)', () => {
    const r = run({ native: { can_create_session_transfer_token: true } }, [...MINTED, E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'no_session' });
    expect(r.last.transferTokenIgnored).toBe(true);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued' });
  });

  it('an ignored token stays usable by an allowed method (R13)', () => {
    const r = run(enabled({ web: { allowed_authentication_methods: ['cookie'] } }),
      [...MINTED, E.authorize('alice-laptop', 'stt1', { method: 'query' }), E.authorize('alice-laptop', 'stt1', { method: 'cookie' })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });
});
