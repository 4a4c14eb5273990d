// machines/lifetimes.test.ts: lifetimes, expiry and rotation leeway (MODEL.md §8; LT1..LT5, LV1, R27, A16).
import { describe, expect, it } from 'vitest';
import { E, enabled, expectObservation, run, statuses, type ConfigSketch } from './test-helpers.js';

// minutes as the hours the tenant settings take
const minutes = (m: number) => m / 60;
/** sessions: 5 min absolute, 2 min idle */
const SHORT_SESSIONS: ConfigSketch = enabled({ tenant: { session_lifetime: minutes(5), idle_session_lifetime: minutes(2) } });
const EXPIRING = { expiration_type: 'expiring', infinite_token_lifetime: false, infinite_idle_token_lifetime: false } as const;

describe('sessions expire at the tenant lifetimes (LT1), the idle timer restarting at each login into them (LT2)', () => {
  const TRANSFER = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1')];

  it('idle: at 119 s the session holds, at 120 s without a login it expires and the browser has none', () => {
    const held = run(SHORT_SESSIONS, [...TRANSFER, E.advance(119), E.authorize('alice-laptop')]);
    expectObservation(held.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    const r = run(SHORT_SESSIONS, [...TRANSFER, E.advance(120), E.authorize('alice-laptop')]);
    expect(r.at(4).expired).toEqual({ sessions: ['s1'], refreshTokens: [], transferTokens: [] });
    expectObservation(r.last, { outcome: 'login_required', reason: 'no_session' });
    expect(r.world.sessions[0]).toMatchObject({ status: 'expired', createdAt: 0, lastActiveAt: 0 });
    expect(r.world.devices['alice-laptop'].session).toBeNull();
  });

  it('each /authorize into the session restarts the idle timer; a prompt does not', () => {
    const r = run(SHORT_SESSIONS, [...TRANSFER, E.advance(100), E.authorize('alice-laptop'), E.advance(100), E.authorize('alice-laptop')]);
    expectObservation(r.last, { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
    expect(r.world.sessions[0]).toMatchObject({ status: 'active', lastActiveAt: 200 });
    // a prompt (an expired transfer token presented) is no login into the session
    const p = run(SHORT_SESSIONS, [...TRANSFER, E.mint('rt1'), E.advance(100), E.authorize('alice-laptop', 'stt2'), E.advance(20)]);
    expectObservation(p.at(6), { outcome: 'login_required', reason: 'transfer_token_not_found_or_expired' });
    expect(p.last.expired?.sessions).toEqual(['s1']);
  });

  it('a WEB_LOGIN into the session restarts the idle timer too', () => {
    const r = run(SHORT_SESSIONS, [E.webLogin('alice-laptop', 'alice'), E.advance(100), E.webLogin('alice-laptop', 'alice'), E.advance(100)]);
    expect(r.world.sessions[0]).toMatchObject({ status: 'active', lastActiveAt: 100 });
  });

  it('absolute: activity does not extend the session past session_lifetime', () => {
    const steps = [...TRANSFER];
    for (let i = 0; i < 3; i++) steps.push(E.advance(99), E.authorize('alice-laptop'));
    const r = run(SHORT_SESSIONS, [...steps, E.advance(2)]);
    expect(r.world.sessions[0]).toMatchObject({ status: 'active', lastActiveAt: 297 });
    const later = run(SHORT_SESSIONS, [...steps, E.advance(3)]);
    expect(later.last.expired?.sessions).toEqual(['s1']);
  });

  it('expiring a transfer-linked session revokes its online refresh tokens in the same step (R27); offline ones stay', () => {
    const cfg = (online: boolean): ConfigSketch => ({ ...SHORT_SESSIONS, web: { ...SHORT_SESSIONS.web, allow_refresh_token: true, enforce_online_refresh_tokens: online } });
    const steps = [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true }), E.advance(120)];
    const on = run(cfg(true), steps);
    expect(on.last.expired).toEqual({ sessions: ['s1'], refreshTokens: [], transferTokens: [] });
    expectObservation(on.last, { outcome: 'ok', revoked: { refreshTokens: ['rt2'] } });
    const off = run(cfg(false), steps);
    expectObservation(off.last, { outcome: 'ok' });
    expect(statuses(off.world)).toMatchObject({ s1: 'expired', rt2: 'active', rt1: 'active' });
  });

  it('a logout of an expired session changes nothing: ok, already_expired', () => {
    const r = run(SHORT_SESSIONS, [...TRANSFER, E.advance(120), E.revokeSession('s1')]);
    expectObservation(r.last, { outcome: 'ok', reason: 'already_expired' });
  });

  it('the default lifetimes are Auth0\'s: a week of activity every day still holds, 3 idle days do not', () => {
    const day = 86400;
    const steps = [...TRANSFER];
    for (let i = 0; i < 6; i++) steps.push(E.advance(day), E.authorize('alice-laptop'));
    expect(run(enabled(), steps).world.sessions[0].status).toBe('active');
    expect(run(enabled(), [...steps, E.advance(day)]).world.sessions[0].status).toBe('expired');
    expect(run(enabled(), [...TRANSFER, E.advance(3 * day)]).world.sessions[0].status).toBe('expired');
  });
});

describe('refresh tokens expire (LT3, LT4) and an expired one is refused (LT5)', () => {
  const native = (over: object = {}): ConfigSketch => enabled({ tokens: { native: { ...EXPIRING, token_lifetime: 300, idle_token_lifetime: 120, ...over } } });

  it('idle: unused for idle_token_lifetime it expires; a mint or refresh then is rejected as refresh_token_expired', () => {
    const r = run(native(), [E.nativeLogin('alice', 'alice-phone'), E.advance(120), E.mint('rt1'), E.refresh('rt1')]);
    expect(r.at(2).expired).toEqual({ sessions: [], refreshTokens: ['rt1'], transferTokens: [] });
    expectObservation(r.at(3), { outcome: 'rejected', reason: 'refresh_token_expired' });
    expectObservation(r.at(4), { outcome: 'rejected', reason: 'refresh_token_expired' });
  });

  it('each exchange restarts the idle timer of a token that stays (non-rotating)', () => {
    const r = run(native(), [E.nativeLogin('alice', 'alice-phone'), E.advance(100), E.refresh('rt1'), E.advance(100), E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1'] });
    expect(r.world.refreshTokens[0]).toMatchObject({ status: 'active', usedAt: 200 });
  });

  it('absolute: counted from the family\'s first token; rotation does not extend it', () => {
    const rot = enabled({ native: { rotation_type: 'rotating' }, tokens: { native: { ...EXPIRING, token_lifetime: 300, idle_token_lifetime: 200 } } });
    const r = run(rot, [E.nativeLogin('alice', 'alice-phone'), E.advance(150), E.refresh('rt1'), E.advance(150), E.refresh('rt2')]);
    expect(r.world.refreshTokens[1]).toMatchObject({ family: 'rt1', issuedAt: 150, familyIssuedAt: 0, previous: 'rt1' });
    expect(r.at(4).expired?.refreshTokens).toEqual(['rt1', 'rt2']);
    expectObservation(r.last, { outcome: 'rejected', reason: 'refresh_token_expired' });
  });

  it('infinite lifetimes and non-expiring tokens never expire', () => {
    const steps = [E.nativeLogin('alice', 'alice-phone'), E.advance(10_000_000), E.refresh('rt1')];
    expectObservation(run(enabled(), steps).last, { outcome: 'issued' });
    expectObservation(run(native({ infinite_token_lifetime: true, infinite_idle_token_lifetime: true }), steps).last, { outcome: 'issued' });
    expectObservation(run(native({ expiration_type: 'non-expiring' }), steps).last, { outcome: 'issued' });
  });

  it('the expiry of the parent does not cascade, and its transfer token still redeems (A16); revoking it later does', () => {
    const r = run(native({ idle_token_lifetime: 30 }), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.advance(30), E.authorize('alice-laptop', 'stt1')]);
    expect(statuses(r.world)).toMatchObject({ rt1: 'expired', stt1: 'consumed', s1: 'active' });
    const revoked = run(native({ idle_token_lifetime: 30 }), [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.advance(30), E.authorize('alice-laptop', 'stt1'), E.revokeRefreshToken('rt1')]);
    expectObservation(revoked.last, { outcome: 'revoked', revoked: { refreshTokens: ['rt1'], sessions: ['s1'] } });
  });
});

describe('rotation leeway (LV1): only the immediately previous token, within the leeway', () => {
  const rotating = (leeway: number): ConfigSketch => enabled({ native: { rotation_type: 'rotating' }, tokens: { native: { leeway } } });
  const ROTATED = [E.nativeLogin('alice', 'alice-phone'), E.refresh('rt1')];

  it('within the leeway the previous token is honoured: a new token of the family, the current one retired', () => {
    const r = run(rotating(30), [...ROTATED, E.advance(29), E.refresh('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['rt3'] });
    expect(statuses(r.world)).toEqual({ rt1: 'rotated', rt2: 'rotated', rt3: 'active' });
    expect(r.world.refreshTokens[2]).toMatchObject({ family: 'rt1', previous: 'rt2' });
  });

  it('a mint within the leeway mints from the presented token and moves the family on', () => {
    const r = run(rotating(30), [...ROTATED, E.mint('rt1')]);
    expectObservation(r.last, { outcome: 'issued', issued: ['stt1', 'rt3'] });
    expect(r.world.transferTokens[0]).toMatchObject({ parent: 'rt1', family: 'rt1' });
  });

  it('at the leeway, or for a token two rotations back, or with leeway 0: reuse detection', () => {
    const at = run(rotating(30), [...ROTATED, E.advance(30), E.refresh('rt1')]);
    expectObservation(at.last, { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2'] } });
    const older = run(rotating(30), [...ROTATED, E.refresh('rt2'), E.refresh('rt1')]);
    expectObservation(older.last, { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2', 'rt3'] } });
    // honoured once, the same token is no longer the immediately previous one
    const twice = run(rotating(30), [...ROTATED, E.refresh('rt1'), E.refresh('rt1')]);
    expectObservation(twice.last, { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2', 'rt3'] } });
    const none = run(rotating(0), [...ROTATED, E.refresh('rt1')]);
    expectObservation(none.last, { outcome: 'rejected', reason: 'refresh_token_reused', revoked: { refreshTokens: ['rt1', 'rt2'] } });
  });

  it('the leeway does not lift the nesting ban or the client check', () => {
    const web = enabled({ web: { allow_refresh_token: true, can_create_session_transfer_token: true, rotation_type: 'rotating' }, tokens: { web: { leeway: 30 } } });
    const r = run(web, [E.nativeLogin('alice', 'alice-phone'), E.mint('rt1'), E.authorize('alice-laptop', 'stt1', { offlineAccess: true }), E.refresh('rt2'), E.mint('rt2')]);
    expectObservation(r.last, { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
    const noMint = run({ ...rotating(30), native: { rotation_type: 'rotating' } }, [...ROTATED, E.mint('rt1')], { N1: true });
    expectObservation(noMint.last, { outcome: 'rejected', reason: 'client_not_allowed' });
  });
});
