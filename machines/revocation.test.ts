// Revocation (spec §3.5): cascade on and off (R26, A2, A4, A5), online refresh tokens (R27, A17, A19),
// R28 (the flags reach only transfer-born artifacts), reuse detection (RTR, A15).
import { describe, expect, it } from 'vitest';
import { E, NO_COOKIES, cookies, enabled, expectObservation, run, statuses, type ConfigSketch } from './test-helpers.js';

const WITH_WEB_RT: ConfigSketch['web'] = { allow_refresh_token: true };

// alice: rt1 on her phone; stt1 -> s1 on the laptop with web rt2 (offline_access); stt2 -> s2 in the phone's
// WebView (no web RT); stt3 minted and still pending.
const FAMILY_WITH_DEPENDENTS = [
  E.nativeLogin('alice', 'alice-phone'), // 1: rt1
  E.mint('rt1'), // 2: stt1
  E.authorize('alice-laptop', 'stt1', { offlineAccess: true }), // 3: s1, rt2
  E.mint('rt1'), // 4: stt2
  E.authorize('alice-phone', 'stt2'), // 5: s2
  E.mint('rt1'), // 6: stt3 (pending)
];

describe('cascade on (R26, the default)', () => {
  it('revoking the parent refresh token revokes its transfer sessions, their web refresh tokens and pending transfer tokens (R26, A2, A5)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...FAMILY_WITH_DEPENDENTS, E.revokeRefreshToken('rt1')]);
    expectObservation(r.at(3), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, issued: ['rt2'], consumed: ['stt1'] });
    expectObservation(r.last, {
      outcome: 'revoked',
      revoked: { refreshTokens: ['rt1', 'rt2'], sessions: ['s1', 's2'], transferTokens: ['stt3'] },
    });
    expect(statuses(r.world)).toEqual({
      rt1: 'revoked', rt2: 'revoked', stt1: 'consumed', stt2: 'consumed', stt3: 'revoked', s1: 'revoked', s2: 'revoked',
    });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('the cascade reaches web refresh tokens directly, even offline ones (R26, A4)', () => {
    const r = run(enabled({ web: { ...WITH_WEB_RT, enforce_online_refresh_tokens: false } }), [...FAMILY_WITH_DEPENDENTS, E.revokeRefreshToken('rt1')]);
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', client: 'web', online: false, parent: 'rt1', session: 's1' });
    expectObservation(r.last, {
      outcome: 'revoked',
      revoked: { refreshTokens: ['rt1', 'rt2'], sessions: ['s1', 's2'], transferTokens: ['stt3'] },
    });
    expect(statuses(r.world)).toMatchObject({ rt2: 'revoked', s1: 'revoked', s2: 'revoked' });
  });

  it('a pending transfer token of the revoked family is refused for its parent afterwards (R20, A2)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...FAMILY_WITH_DEPENDENTS, E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt3')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'parent_refresh_token_revoked' });
    expect(r.world.sessions).toHaveLength(2);
  });

  it('the cascade stops at its own family: another native login of the same user and its transfer session live on (A5)', () => {
    const r = run(enabled(), [
      E.nativeLogin('alice', 'alice-phone'), // rt1
      E.nativeLogin('alice', 'alice-laptop'), // rt2 (a second install)
      E.mint('rt2'), // stt1
      E.authorize('alice-laptop', 'stt1'), // s1, child of rt2
      E.revokeRefreshToken('rt1'),
    ]);
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt1'] } });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked', rt2: 'active', stt1: 'consumed', s1: 'active' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('revoking an already revoked refresh token changes nothing (A18)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...FAMILY_WITH_DEPENDENTS, E.revokeRefreshToken('rt1'), E.revokeRefreshToken('rt1')]);
    expectObservation(r.last, { outcome: 'ok', reason: 'already_revoked' });
  });
});

describe('cascade off', () => {
  const CASCADE_OFF: ConfigSketch = enabled({ native: { enforce_cascade_revocation: false }, web: WITH_WEB_RT });

  it('only the family dies: transfer sessions and their web refresh tokens live on (R26 off, spec §3.5)', () => {
    const r = run(CASCADE_OFF, [...FAMILY_WITH_DEPENDENTS, E.revokeRefreshToken('rt1')]);
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt1'], transferTokens: ['stt3'] } });
    expect(statuses(r.world)).toEqual({
      rt1: 'revoked', rt2: 'active', stt1: 'consumed', stt2: 'consumed', stt3: 'revoked', s1: 'active', s2: 'active',
    });
    expect(cookies(r.world)).toEqual({ ...NO_COOKIES, 'alice-laptop': 's1', 'alice-phone': 's2' });
  });

  it('a pending transfer token still dies and its redemption gives parent_refresh_token_revoked (A2)', () => {
    const r = run(CASCADE_OFF, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.at(3), { outcome: 'revoked', revoked: { refreshTokens: ['rt1'], transferTokens: ['stt1'] } });
    expectObservation(r.last, { outcome: 'login_required', reason: 'parent_refresh_token_revoked' });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked', stt1: 'revoked' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('with rotation, the whole family dies, rotated members included (A15, A18)', () => {
    const r = run(enabled({ native: { enforce_cascade_revocation: false, rotation_type: 'rotating' } }), [
      E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.revokeRefreshToken('rt2'), E.authorize('alice-laptop', 'stt1'),
    ]);
    expectObservation(r.at(2), { outcome: 'issued', issued: ['stt1', 'rt2'] });
    expectObservation(r.at(3), { outcome: 'revoked', revoked: { refreshTokens: ['rt1', 'rt2'], transferTokens: ['stt1'] } });
    expectObservation(r.last, { outcome: 'login_required', reason: 'parent_refresh_token_revoked' });
  });
});

describe('online refresh tokens on REVOKE_SESSION (R27, A17, A19)', () => {
  const TRANSFER_SESSION_WITH_RT = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true })];

  it('online on: revoking a transfer session revokes the web refresh tokens issued to it, not the native parent (R27)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...TRANSFER_SESSION_WITH_RT, E.revokeSession('s1')]);
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', online: true, session: 's1', parent: 'rt1' });
    expectObservation(r.last, { outcome: 'revoked', revoked: { sessions: ['s1'], refreshTokens: ['rt2'] } });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'revoked', rt2: 'revoked' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('online off: revoking a transfer session leaves its web refresh token alive (R27 off)', () => {
    const r = run(enabled({ web: { ...WITH_WEB_RT, enforce_online_refresh_tokens: false } }), [...TRANSFER_SESSION_WITH_RT, E.revokeSession('s1')]);
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', online: false });
    expectObservation(r.last, { outcome: 'revoked', revoked: { sessions: ['s1'] } });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'revoked', rt2: 'active' });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('online on: the user-mismatch revocation of a transfer session also takes its web refresh token (R17, R27)', () => {
    // asn binding lets mallory's token minted at the café through at alice's home (same carrier).
    const r = run(enabled({ web: { ...WITH_WEB_RT, enforce_device_binding: 'asn' } }), [
      ...TRANSFER_SESSION_WITH_RT, // rt1, stt1, s1 + rt2 on alice-laptop
      E.nativeLogin('mallory', 'mallory-phone'), // rt3
      E.mint('rt3'), // stt2
      E.authorize('alice-laptop', 'stt2'),
    ]);
    expectObservation(r.last, {
      outcome: 'login_required', reason: 'user_mismatch', revoked: { sessions: ['s1'], refreshTokens: ['rt2'] }, consumed: ['stt2'],
    });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'revoked', rt2: 'revoked', rt3: 'active', stt2: 'rejected' });
  });

  it('revoking a session twice changes nothing (A19)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...TRANSFER_SESSION_WITH_RT, E.revokeSession('s1'), E.revokeSession('s1')]);
    expectObservation(r.last, { outcome: 'ok', reason: 'already_revoked' });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'revoked', rt2: 'revoked' });
  });
});

describe('R28: the flags touch only transfer-born artifacts', () => {
  // alice logs in on the laptop browser (s1, web rt1), then signs in natively (rt2) and hands over stt1,
  // which meets her own ordinary session (A6 = false: not linked).
  const LOGIN_SESSION_AND_FAMILY = [
    E.webLogin('alice-laptop', 'alice', true), // s1 + rt1 (web, ordinary)
    E.nativeLogin('alice', 'alice-phone'), // rt2
    E.mint('rt2'), // stt1
    E.authorize('alice-laptop', 'stt1'), // reuses s1
  ];

  it('an ordinary web refresh token is offline and has no parent (R28, A5)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), LOGIN_SESSION_AND_FAMILY);
    expect(r.world.refreshTokens[0]).toMatchObject({ id: 'rt1', client: 'web', session: 's1', parent: null, online: false });
    expect(r.world.sessions[0]).toMatchObject({ id: 's1', via: 'login', parent: null });
  });

  it('the cascade leaves a login-born session and its web refresh token untouched (R28, R26)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...LOGIN_SESSION_AND_FAMILY, E.revokeRefreshToken('rt2')]);
    expectObservation(r.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt2'] } });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active', rt2: 'revoked', stt1: 'consumed' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('logout of a login-born session leaves its web refresh token alive, online flag on (R28, R27)', () => {
    const r = run(enabled({ web: WITH_WEB_RT }), [...LOGIN_SESSION_AND_FAMILY, E.revokeSession('s1')]);
    expectObservation(r.last, { outcome: 'revoked', revoked: { sessions: ['s1'] } });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'active', rt2: 'active', stt1: 'consumed' });
    expect(cookies(r.world)['alice-laptop']).toBeNull();
  });

  it('logout of a login-born session with no transfer at all leaves its refresh token alive (R28)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice', true), E.revokeSession('s1')]);
    expectObservation(r.at(1), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, issued: ['rt1'] });
    expectObservation(r.last, { outcome: 'revoked', revoked: { sessions: ['s1'] } });
    expect(statuses(r.world)).toEqual({ s1: 'revoked', rt1: 'active' });
  });
});

describe('reuse detection revokes the family (RTR, A15)', () => {
  // native rotation: the mint rotates rt1 into rt2; stt1 gives s1 + web rt3; rt2 mints stt2 (pending) and rotates into rt4.
  const ROTATED_FAMILY = [
    E.nativeLogin('alice', 'alice-phone'), // 1: rt1
    E.mint('rt1'), // 2: stt1, rt2
    E.authorize('alice-laptop', 'stt1', { offlineAccess: true }), // 3: s1, rt3
    E.mint('rt2'), // 4: stt2, rt4
    E.refresh('rt1'), // 5: reuse
  ];

  it('under cascade, reuse of a rotated token revokes the family, its pending transfer tokens and its transfer sessions (RTR, R26)', () => {
    const r = run(enabled({ native: { rotation_type: 'rotating' }, web: WITH_WEB_RT }), ROTATED_FAMILY);
    expectObservation(r.at(2), { outcome: 'issued', issued: ['stt1', 'rt2'] });
    expectObservation(r.at(3), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, issued: ['rt3'], consumed: ['stt1'] });
    expectObservation(r.at(4), { outcome: 'issued', issued: ['stt2', 'rt4'] });
    expectObservation(r.last, {
      outcome: 'rejected', reason: 'refresh_token_reused',
      revoked: { refreshTokens: ['rt1', 'rt2', 'rt3', 'rt4'], sessions: ['s1'], transferTokens: ['stt2'] },
    });
    expect(statuses(r.world)).toEqual({
      rt1: 'revoked', rt2: 'revoked', rt3: 'revoked', rt4: 'revoked', stt1: 'consumed', stt2: 'revoked', s1: 'revoked',
    });
    expect(cookies(r.world)).toEqual(NO_COOKIES);
  });

  it('without cascade, reuse revokes the family and its pending transfer tokens only (RTR, A2)', () => {
    const r = run(enabled({ native: { rotation_type: 'rotating', enforce_cascade_revocation: false }, web: WITH_WEB_RT }), ROTATED_FAMILY);
    expectObservation(r.last, {
      outcome: 'rejected', reason: 'refresh_token_reused',
      revoked: { refreshTokens: ['rt1', 'rt2', 'rt4'], transferTokens: ['stt2'] },
    });
    expect(statuses(r.world)).toEqual({
      rt1: 'revoked', rt2: 'revoked', rt3: 'active', rt4: 'revoked', stt1: 'consumed', stt2: 'revoked', s1: 'active',
    });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('reuse detected at a mint behaves the same as at a refresh (RTR)', () => {
    const r = run(enabled({ native: { rotation_type: 'rotating' } }), [
      E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1'), E.mint('rt1'),
    ]);
    expectObservation(r.last, {
      outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2'], sessions: ['s1'] },
    });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked', rt2: 'revoked', stt1: 'consumed', s1: 'revoked' });
  });
});
