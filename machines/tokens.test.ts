// Tokens: minting (R2), the nesting ban (R7/R8), rotation and reuse detection (R4, RTR), revoked tokens,
// the web refresh token gate (R25), the clock (R9) and the network (R11).
import { describe, expect, it } from 'vitest';
import { E, cookies, enabled, expectObservation, run, statuses } from './test-helpers.js';

describe('R2: minting needs can_create_session_transfer_token', () => {
  it('a native client left at the default (false) cannot mint (R2)', () => {
    const r = run({ web: { allowed_authentication_methods: ['cookie'] } }, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
    expect(statuses(r.world)).toEqual({ rt1: 'active' });
    expect(r.world.transferTokens).toEqual([]);
  });

  it('a native client with the flag mints a token recording holder, network, parent and time (R2, R1, R11)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.advance(5), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1'] });
    expect(r.world.transferTokens).toEqual([{
      id: 'stt1', user: 'alice', status: 'issued', parent: 'rt1', family: 'rt1', device: 'alice-phone', network: 'home',
      ip: '198.51.100.7', asn: 64500, organization: null, issuedAt: 5, inUrl: false,
    }]);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued' });
  });

  it('a web refresh token from an ordinary login cannot mint while the web client lacks the flag, whatever the native flag (R2)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice', true), E.mint('rt1')]);
    expect(r.world.refreshTokens[0]).toMatchObject({ id: 'rt1', client: 'web', parent: null });
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
    expect(r.world.transferTokens).toEqual([]);
  });

  it('a web refresh token from an ordinary WEB_LOGIN can mint when the web client has the flag (R2, spec §3.6)', () => {
    const r = run(enabled({ native: { can_create_session_transfer_token: false }, web: { can_create_session_transfer_token: true } }),
      [E.webLogin('alice-laptop', 'alice', true), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1'] });
    expect(r.world.transferTokens[0]).toMatchObject({ user: 'alice', parent: 'rt1', family: 'rt1', device: 'alice-laptop', network: 'home' });
  });

  it('several live tokens may be minted from one refresh token; each is independent (A21)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.mint('rt1'), E.authorize('alice-laptop', 'stt2')]);
    expectObservation(r.at(3), { outcome: 'issued', issued: ['stt2'] });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued', stt2: 'consumed', s1: 'active' });
  });
});

describe('nesting ban (R7, R8)', () => {
  const NESTING = enabled({ web: { can_create_session_transfer_token: true, allow_refresh_token: true } });
  const TRANSFER_RT = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true })];

  it('a web refresh token issued to a transfer session cannot mint, even with the web flag on (R7, R8)', () => {
    const r = run(NESTING, [...TRANSFER_RT, E.mint('rt2')]);
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', client: 'web', session: 's1', parent: 'rt1' });
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'active', rt2: 'active' });
    expect(r.world.transferTokens).toHaveLength(1);
  });

  it('an offline web refresh token that outlived its logged-out transfer session still cannot mint (R7, R27 off)', () => {
    const r = run(enabled({ web: { can_create_session_transfer_token: true, allow_refresh_token: true, enforce_online_refresh_tokens: false } }),
      [...TRANSFER_RT, E.revokeSession('s1'), E.mint('rt2')]);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'revoked', rt2: 'active' });
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
    expect(r.world.transferTokens).toHaveLength(1);
  });

  it('rotation does not launder a transfer-born web refresh token: its successor cannot mint either (R7, A15)', () => {
    const r = run(enabled({ web: { can_create_session_transfer_token: true, allow_refresh_token: true, rotation_type: 'rotating' } }),
      [...TRANSFER_RT, E.refresh('rt2'), E.mint('rt3')]);
    expectObservation(r.at(4), { outcome: 'issued', issued: ['rt3'] });
    expect(r.world.refreshTokens[2]).toMatchObject({ id: 'rt3', client: 'web', family: 'rt2', parent: 'rt1', session: 's1' });
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
  });

  it('the same browser\'s web refresh token from an ordinary login after logout can mint (R8 covers transfer sessions only)', () => {
    const r = run(NESTING, [...TRANSFER_RT, E.revokeSession('s1'), E.webLogin('alice-laptop', 'alice', true), E.mint('rt3')]);
    expectObservation(r.at(4), { outcome: 'revoked', revoked: { sessions: ['s1'], refreshTokens: ['rt2'] } });
    expectObservation(r.at(5), { outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, issued: ['rt3'] });
    expectObservation(r.last, { outcome: 'issued', issued: ['stt2'] });
  });

  it('signing in again as the same user keeps the transfer session, so its new refresh token still cannot mint (R8)', () => {
    const r = run(NESTING, [...TRANSFER_RT, E.webLogin('alice-laptop', 'alice', true), E.mint('rt3')]);
    expectObservation(r.at(4), { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, issued: ['rt3'] });
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
  });
});

describe('rotation and reuse detection (R4, RTR, A15)', () => {
  const ROTATING = enabled({ native: { rotation_type: 'rotating' } });

  it('a mint with rotation on rotates the refresh token: successor in the same family (R4)', () => {
    const r = run(ROTATING, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1', 'rt2'] });
    expect(statuses(r.world)).toEqual({ rt1: 'rotated', rt2: 'active', stt1: 'issued' });
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', client: 'native', user: 'alice', device: 'alice-phone', family: 'rt1', parent: null });
  });

  it('a refresh with rotation on rotates too; the successor mints (R4)', () => {
    const r = run(ROTATING, [E.nativeLogin('alice', 'alice-phone'), E.refresh('rt1'), E.mint('rt2')]);
    expectObservation(r.at(2), { outcome: 'issued', issued: ['rt2'] });
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1', 'rt3'] });
    expect(statuses(r.world)).toEqual({ rt1: 'rotated', rt2: 'rotated', rt3: 'active', stt1: 'issued' });
    expect(r.world.refreshTokens.map((t) => t.family)).toEqual(['rt1', 'rt1', 'rt1']);
    expect(r.world.transferTokens[0]).toMatchObject({ parent: 'rt2', family: 'rt1' });
  });

  it('a token minted before a rotation still redeems: the parent is the family (A15)', () => {
    const r = run(ROTATING, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.refresh('rt2'), E.authorize('alice-laptop', 'stt1')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
    expect(r.world.sessions[0].parent).toBe('rt1');
  });

  it('presenting a rotated token again is rejected as reuse and revokes the whole family (RTR)', () => {
    const r = run(ROTATING, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.refresh('rt2'), E.refresh('rt2')]);
    expectObservation(r.last, {
      outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2', 'rt3'], transferTokens: ['stt1'] },
    });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked', rt2: 'revoked', rt3: 'revoked', stt1: 'revoked' });
  });

  it('after reuse detection even the newest successor is refused as revoked (RTR, A18)', () => {
    const r = run(ROTATING, [E.nativeLogin('alice', 'alice-phone'), E.refresh('rt1'), E.refresh('rt1'), E.mint('rt2')]);
    expectObservation(r.at(3), { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2'] } });
    expectObservation(r.last, { outcome: 'rejected', reason: 'refresh_token_revoked' });
  });

  it('without rotation, a mint and a refresh keep the token active and issue no new refresh token (R4)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.refresh('rt1'), E.mint('rt1')]);
    expectObservation(r.at(2), { outcome: 'issued', issued: ['stt1'] });
    expectObservation(r.at(3), { outcome: 'issued' });
    expectObservation(r.last, { outcome: 'issued', issued: ['stt2'] });
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'issued', stt2: 'issued' });
  });

  it('web rotation follows the web client\'s rotation_type, not the native one (R4)', () => {
    const r = run(enabled({ native: { rotation_type: 'rotating' } }), [E.webLogin('alice-laptop', 'alice', true), E.refresh('rt1')]);
    expectObservation(r.last, { outcome: 'issued' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active' });
    const web = run(enabled({ web: { rotation_type: 'rotating' } }), [E.webLogin('alice-laptop', 'alice', true), E.refresh('rt1')]);
    expectObservation(web.last, { outcome: 'issued', issued: ['rt2'] });
    expect(web.world.refreshTokens[1]).toMatchObject({ client: 'web', family: 'rt1', session: 's1' });
  });
});

describe('a revoked refresh token is refused (A18)', () => {
  it('a mint with a revoked refresh token is rejected and changes nothing (A18)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.revokeRefreshToken('rt1'), E.mint('rt1')]);
    expectObservation(r.at(2), { outcome: 'revoked', revoked: { refreshTokens: ['rt1'] } });
    expectObservation(r.last, { outcome: 'rejected', reason: 'refresh_token_revoked' });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked' });
  });

  it('a refresh with a revoked refresh token is rejected and changes nothing (A18)', () => {
    const r = run(enabled({ native: { rotation_type: 'rotating' } }), [E.nativeLogin('alice', 'alice-phone'), E.revokeRefreshToken('rt1'), E.refresh('rt1')]);
    expectObservation(r.last, { outcome: 'rejected', reason: 'refresh_token_revoked' });
    expect(statuses(r.world)).toEqual({ rt1: 'revoked' });
  });

  it('the flag check comes first: a revoked token at a non-minting client is refused as client_not_allowed (R2)', () => {
    const r = run({}, [E.nativeLogin('alice', 'alice-phone'), E.revokeRefreshToken('rt1'), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
  });

  it('a rotated token at a non-minting client is refused as client_not_allowed, without reuse detection (R2)', () => {
    const r = run({ native: { rotation_type: 'rotating' } }, [E.nativeLogin('alice', 'alice-phone'), E.refresh('rt1'), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'rejected', reason: 'client_not_allowed' });
    expect(statuses(r.world)).toEqual({ rt1: 'rotated', rt2: 'active' });
  });
});

describe('R25: web refresh token gate (allow_refresh_token x offline_access)', () => {
  const cases = [
    { allow: false, offline: false, issued: [] },
    { allow: false, offline: true, issued: [] },
    { allow: true, offline: false, issued: [] },
    { allow: true, offline: true, issued: ['rt2'] },
  ];

  it.each(cases)('allow_refresh_token $allow, offline_access $offline: logged in, web refresh tokens $issued (R25)', ({ allow, offline, issued }) => {
    const r = run(enabled({ web: { allow_refresh_token: allow } }),
      [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: offline })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, issued, consumed: ['stt1'] });
    expect(r.world.refreshTokens).toHaveLength(1 + issued.length);
  });

  it('the web refresh token of a transfer login records session, parent and the online flag read at issue (R25, R21, A17)', () => {
    const online = run(enabled({ web: { allow_refresh_token: true } }),
      [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true })]);
    expect(online.world.refreshTokens[1]).toEqual({
      id: 'rt2', client: 'web', clientId: 'web-app', user: 'alice', device: 'alice-laptop', status: 'active', family: 'rt2', session: 's1', parent: 'rt1',
      online: true, organization: null, issuedAt: 0, familyIssuedAt: 0, usedAt: 0, previous: null,
    });
    const offline = run(enabled({ web: { allow_refresh_token: true, enforce_online_refresh_tokens: false } }),
      [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true })]);
    expect(offline.world.refreshTokens[1]).toMatchObject({ id: 'rt2', online: false });
  });

  it('later silent authentication riding on a transfer session is gated too (R25, A26)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1'),
      E.authorize('alice-laptop', undefined, { offlineAccess: true })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(r.world.refreshTokens).toHaveLength(1);
  });

  it('a token redeemed into the same user\'s session is an STT login: no web refresh token without allow_refresh_token (R25, R16)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'),
      E.authorize('alice-laptop', 'stt1', { offlineAccess: true })]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect(r.world.refreshTokens).toHaveLength(1);
  });

  it('an ordinary web login gets its refresh token whatever allow_refresh_token says (R25 scope, R29)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice', true)]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, issued: ['rt1'] });
  });
});

describe('ADVANCE_TIME: transfer tokens expire at the TTL (R9, A14)', () => {
  it('tokens expire when their own age reaches the TTL, one at a time (R9)', () => {
    const r = run(enabled(), [
      E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), // stt1 at 0
      E.advance(30), E.mint('rt1'), // stt2 at 30
      E.advance(29), // clock 59
      E.advance(1), // clock 60: stt1 expires
      E.advance(29), // clock 89
      E.advance(1), // clock 90: stt2 expires
    ]);
    expectObservation(r.at(3), { outcome: 'ok' });
    expect(r.at(3).expired?.transferTokens ?? []).toEqual([]);
    expect(r.at(5).expired?.transferTokens ?? []).toEqual([]);
    expectObservation(r.at(6), { outcome: 'ok' });
    expect(r.at(6).expired?.transferTokens).toEqual(['stt1']);
    expect(r.at(7).expired?.transferTokens ?? []).toEqual([]);
    expect(r.at(8).expired?.transferTokens).toEqual(['stt2']);
    expect(r.world.clock).toBe(90);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'expired', stt2: 'expired' });
  });

  it('a used-up token does not expire later; its status stays consumed (R9, R10)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1'), E.advance(600)]);
    expect(r.last.expired?.transferTokens ?? []).toEqual([]);
    expect(statuses(r.world)).toEqual({ rt1: 'active', stt1: 'consumed', s1: 'active' });
  });

  it('time changes nothing else: sessions and refresh tokens stay active (R9)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice', true), E.advance(3600)]);
    expectObservation(r.last, { outcome: 'ok' });
    expect(statuses(r.world)).toEqual({ s1: 'active', rt1: 'active' });
  });
});

describe('MOVE_DEVICE: the device joins another network (R11)', () => {
  it('a move answers ok, changes the network and keeps the browser\'s session (R11)', () => {
    const r = run(enabled(), [E.webLogin('alice-laptop', 'alice'), E.move('alice-laptop', 'mobile')]);
    expectObservation(r.last, { outcome: 'ok' });
    expect(r.world.devices['alice-laptop']).toEqual({ network: 'mobile', session: 's1' });
    expect(cookies(r.world)['alice-laptop']).toBe('s1');
  });

  it('a token minted after a move records the new network (R11)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.move('alice-phone', 'mobile'), E.mint('rt1')]);
    expect(r.world.transferTokens[0]).toMatchObject({ network: 'mobile', ip: '203.0.113.20', asn: 64501 });
  });

  it('a phone that moves between mint and redemption fails ip binding in its own WebView (R11)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.move('alice-phone', 'mobile'), E.authorize('alice-phone', 'stt1')]);
    expectObservation(r.last, { outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
  });

  it('moving back to the minting network makes an unburnt token redeemable again (R11, A8 = false)', () => {
    const r = run(enabled(), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.move('alice-phone', 'mobile'),
      E.authorize('alice-phone', 'stt1'), E.move('alice-phone', 'home'), E.authorize('alice-phone', 'stt1')], { A8: false });
    expectObservation(r.at(4), { outcome: 'login_required', reason: 'device_binding_failed' });
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] });
  });
});
