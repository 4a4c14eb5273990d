import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './server.js';
import { Kit, NETWORKS, type N2wOptions, n2wConfig } from './testkit.js';

/** A POST /test/reset body: N2W switched on, with `interpretations` when given. */
function cfg(over: N2wOptions & { interpretations?: Record<string, unknown> } = {}) {
  return { config: n2wConfig(over), ...(over.interpretations ? { interpretations: over.interpretations } : {}) };
}

let server: RunningServer;
let kit: Kit;

beforeAll(async () => {
  server = await startServer({ testMode: true });
  kit = new Kit(server.url);
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  const r = await kit.reset(cfg());
  expect(r.status).toBe(200);
});

describe('native login and mint (R1..R4, R2)', () => {
  it('password grant returns a refresh token; the mint answers the STT shape', async () => {
    const { rt, reply } = await kit.nativeLogin('alice');
    expect(reply.body).toMatchObject({ token_type: 'Bearer' });
    expect(rt).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    const m = await kit.mint(rt);
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({
      issued_token_type: 'urn:auth0:params:oauth:token-type:session_transfer_token',
      token_type: 'N_A',
      expires_in: 60,
    });
    expect(m.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(m.body.refresh_token).toBeUndefined(); // non-rotating
    expect(m.effects?.issued.transferTokens).toEqual(['stt1']);
  });

  it('with rotation the mint returns a rotated refresh token and the old one is rotated', async () => {
    await kit.reset(cfg({ rotation: 'rotating' }));
    const { rt } = await kit.nativeLogin('alice');
    const m = await kit.mint(rt);
    expect(m.status).toBe(200);
    expect(typeof m.body.refresh_token).toBe('string');
    expect(m.body.refresh_token).not.toBe(rt);
    const st = await kit.state();
    expect(st.refreshTokens.map((r) => [r.id, r.status, r.family])).toEqual([
      ['rt1', 'rotated', 'rt1'],
      ['rt2', 'active', 'rt1'],
    ]);
  });

  it('R2: a client without can_create_session_transfer_token cannot mint (default config)', async () => {
    await kit.reset({ config: {} });
    const { rt } = await kit.nativeLogin('alice');
    const m = await kit.mint(rt);
    expect(m.status).toBe(403);
    expect(m.body.error).toBe('unauthorized_client');
    expect(m.reason).toBe('client_not_allowed');
  });

  it('PATCH /api/v2/clients/{id} turns the mint on', async () => {
    await kit.reset({ config: {} });
    const p = await kit.patchClient('native-app', { session_transfer: { can_create_session_transfer_token: true } });
    expect(p.status).toBe(200);
    expect((p.body.session_transfer as Record<string, unknown>).can_create_session_transfer_token).toBe(true);
    expect((p.body.session_transfer as Record<string, unknown>).enforce_cascade_revocation).toBe(true);
    const { rt } = await kit.nativeLogin('alice');
    expect((await kit.mint(rt)).status).toBe(200);
  });

  it('wrong password is invalid_grant; unknown audience of the session_transfer form is refused', async () => {
    const b = kit.browser();
    const r = await b.form('/oauth/token', { grant_type: 'password', client_id: 'native-app', username: 'alice', password: 'nope' });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('invalid_grant');
    const { rt } = await kit.nativeLogin('alice');
    const m = await b.form('/oauth/token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: rt, audience: 'urn:other.example:session_transfer' });
    expect(m.status).toBe(403);
  });
});

describe('redemption at /authorize', () => {
  it('R15 by cookie: a code, a new session, the STT cookie cleared; the exchange gives an RT only with offline_access (R25)', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    const b = kit.browser();
    const { auth, tokens } = await kit.authorizeAndExchange(b, { stt, method: 'cookie', offline: true });
    expect(auth.status).toBe(302);
    expect(auth.outcome).toBe('logged_in');
    expect(auth.effects).toMatchObject({ session: 's1', user: 'alice', sessionCreated: true, consumed: ['stt1'] });
    expect(b.cookies.has('auth0')).toBe(true);
    expect(b.cookies.has('auth0_session_transfer_token')).toBe(false);
    expect(tokens?.status).toBe(200);
    expect(typeof tokens?.body.refresh_token).toBe('string');
    const st = await kit.state();
    expect(st.sessions[0]).toMatchObject({ id: 's1', via: 'transfer', parent: 'rt1', transferToken: 'stt1', status: 'active' });
    expect(st.refreshTokens[1]).toMatchObject({ id: 'rt2', session: 's1', parent: 'rt1', online: true, transferBorn: true });
    expect(st.transferTokens[0]).toMatchObject({ id: 'stt1', status: 'consumed', session: 's1' });
  });

  it('R15 by query parameter; no offline_access means no refresh token', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    const { auth, tokens } = await kit.authorizeAndExchange(kit.browser(), { stt, method: 'query' });
    expect(auth.outcome).toBe('logged_in');
    expect(tokens?.status).toBe(200);
    expect(tokens?.body.refresh_token).toBeUndefined();
  });

  it('R25: allow_refresh_token=false gives no RT even with offline_access; later SSO on that session neither (A26)', async () => {
    await kit.reset(cfg({ web: { allow_refresh_token: false } }));
    const { rt } = await kit.nativeLogin('alice');
    const b = kit.browser();
    const first = await kit.authorizeAndExchange(b, { stt: await kit.stt(rt), offline: true });
    expect(first.tokens?.status).toBe(200);
    expect(first.tokens?.body.refresh_token).toBeUndefined();
    const sso = await kit.authorizeAndExchange(b, { offline: true });
    expect(sso.auth.outcome).toBe('logged_in');
    expect(sso.tokens?.body.refresh_token).toBeUndefined();
  });

  it('R25 also gates an STT login that reused a same-user session (A6=false); later plain SSO there is ordinary', async () => {
    await kit.reset(cfg({ web: { allow_refresh_token: false } }));
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.authorizeAndExchange(b, { stt: await kit.stt(rt), offline: true });
    expect(stt.auth.effects).toMatchObject({ outcome: 'logged_in', session: 's1', sessionCreated: false });
    expect(stt.tokens?.status).toBe(200);
    expect(stt.tokens?.body.refresh_token).toBeUndefined();
    const sso = await kit.authorizeAndExchange(b, { offline: true });
    expect(typeof sso.tokens?.body.refresh_token).toBe('string');
  });

  it('R29: without a token, no session gives the login page, a session gives standard SSO', async () => {
    const b = kit.browser();
    const a = await kit.authorize(b);
    expect(a.status).toBe(302);
    expect(a.location).toMatch(/^\/login\?/);
    expect(a.reason).toBe('no_session');
    await kit.webLogin(b, 'alice');
    const sso = await kit.authorize(b);
    expect(sso.outcome).toBe('logged_in');
    expect(sso.effects?.sessionCreated).toBe(false);
  });

  it('prompt=none maps the login prompt to error=login_required on the redirect_uri (A20)', async () => {
    const a = await kit.authorize(kit.browser(), { prompt: 'none' });
    expect(a.status).toBe(302);
    const u = new URL(a.location!);
    expect(u.searchParams.get('error')).toBe('login_required');
    expect(u.searchParams.get('state')).toBe('xyz');
  });

  it('R13/A10: a method the web client does not allow is ignored (standard SSO runs); under A10=invalid it prompts', async () => {
    await kit.reset(cfg({ web: { allowed_authentication_methods: ['query'] } }));
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    const a = await kit.authorize(kit.browser(), { stt, method: 'cookie' });
    expect(a.reason).toBe('no_session');
    expect((await kit.state()).transferTokens[0]!.status).toBe('issued');
    await kit.reset(cfg({ web: { allowed_authentication_methods: [] }, interpretations: { A10: 'invalid' } }));
    const { rt: rt2 } = await kit.nativeLogin('alice');
    const b = await kit.authorize(kit.browser(), { stt: await kit.stt(rt2), method: 'query' });
    expect(b.reason).toBe('method_not_allowed');
  });

  it('R11: device binding ip fails from another network (auth0-forwarded-for); asn accepts the same carrier; none accepts all', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const a = await kit.authorize(kit.browser(NETWORKS.cafe), { stt: await kit.stt(rt, NETWORKS.home) });
    expect(a.outcome).toBe('login_required');
    expect(a.reason).toBe('device_binding_failed');
    expect(a.headers.get('x-n2w-warning')).toMatch(/device binding validation failed/);
    expect(a.effects?.consumed).toEqual(['stt1']); // A8: a failed check burns the token

    await kit.reset(cfg({ web: { enforce_device_binding: 'asn' } }));
    const { rt: r2 } = await kit.nativeLogin('alice');
    expect((await kit.authorize(kit.browser(NETWORKS.cafe), { stt: await kit.stt(r2, NETWORKS.home) })).outcome).toBe('logged_in');
    expect((await kit.authorize(kit.browser(NETWORKS.mobile), { stt: await kit.stt(r2, NETWORKS.home) })).reason).toBe('device_binding_failed');

    await kit.reset(cfg({ web: { enforce_device_binding: 'none' } }));
    const { rt: r3 } = await kit.nativeLogin('alice');
    expect((await kit.authorize(kit.browser(NETWORKS.mobile), { stt: await kit.stt(r3, NETWORKS.home) })).outcome).toBe('logged_in');
  });

  it('A8=false: a failed binding check leaves the token usable', async () => {
    await kit.reset(cfg({ interpretations: { A8: false } }));
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    expect((await kit.authorize(kit.browser(NETWORKS.mobile), { stt })).reason).toBe('device_binding_failed');
    expect((await kit.authorize(kit.browser(NETWORKS.home), { stt })).outcome).toBe('logged_in');
  });

  it('R10: a second redemption is rejected as not found; R9/A14: valid at age 59 s, rejected at 60 s', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    expect((await kit.authorize(kit.browser(), { stt })).outcome).toBe('logged_in');
    const again = await kit.authorize(kit.browser(), { stt });
    expect(again.reason).toBe('transfer_token_not_found_or_expired');
    expect(again.headers.get('x-n2w-warning')).toMatch(/not found or expired/);

    const s59 = await kit.stt(rt);
    await kit.advance(59);
    expect((await kit.authorize(kit.browser(), { stt: s59 })).outcome).toBe('logged_in');
    const s60 = await kit.stt(rt);
    await kit.advance(60);
    expect((await kit.authorize(kit.browser(), { stt: s60 })).reason).toBe('transfer_token_not_found_or_expired');
    expect((await kit.state()).transferTokens[2]!.status).toBe('expired');
  });

  it('R16/A6=false: same-user session is reused, the token used up, the session not linked', async () => {
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const { rt } = await kit.nativeLogin('alice');
    const a = await kit.authorize(b, { stt: await kit.stt(rt) });
    expect(a.effects).toMatchObject({ outcome: 'logged_in', session: 's1', sessionCreated: false, consumed: ['stt1'] });
    expect((await kit.state()).sessions[0]!.parent).toBeNull();
    await kit.revoke(rt);
    expect((await kit.state()).sessions[0]!.status).toBe('active');
  });

  it('A6=true: the reused session is linked, so the cascade reaches it', async () => {
    await kit.reset(cfg({ interpretations: { A6: true } }));
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const { rt } = await kit.nativeLogin('alice');
    await kit.authorize(b, { stt: await kit.stt(rt) });
    expect((await kit.state()).sessions[0]!.parent).toBe('rt1');
    const r = await kit.revoke(rt);
    expect(r.effects?.revoked.sessions).toEqual(['s1']);
  });

  it('R17: another user\'s token revokes the existing session and prompts; A3: an invalid token keeps it', async () => {
    await kit.reset(cfg({ web: { enforce_device_binding: 'none' } }));
    const laptop = kit.browser(NETWORKS.home);
    await kit.webLogin(laptop, 'alice', true);
    // invalid token: prompt, session kept
    const bogus = await kit.authorize(laptop, { stt: 'not-a-token', method: 'query' });
    expect(bogus.reason).toBe('transfer_token_not_found_or_expired');
    expect(laptop.cookies.has('auth0')).toBe(true);
    expect((await kit.state()).sessions[0]!.status).toBe('active');
    // mallory's token: user mismatch
    const { rt } = await kit.nativeLogin('mallory', NETWORKS.cafe);
    const m = await kit.authorize(laptop, { stt: await kit.stt(rt, NETWORKS.cafe), method: 'query' });
    expect(m.outcome).toBe('login_required');
    expect(m.reason).toBe('user_mismatch');
    expect(m.effects?.revoked.sessions).toEqual(['s1']);
    expect(m.effects?.consumed).toEqual(['stt1']);
    expect(laptop.cookies.has('auth0')).toBe(false);
    const st = await kit.state();
    expect(st.sessions.map((s) => [s.id, s.status])).toEqual([['s1', 'revoked']]);
    // the ordinary login's refresh token is not transfer-born: R28, it survives
    expect(st.refreshTokens.find((r) => r.session === 's1')!.status).toBe('active');
  });

  it('R19/A24: organization must match on both sides', async () => {
    const { rt: orgRt } = await kit.nativeLogin('alice', NETWORKS.home, 'org_acme');
    expect((await kit.authorize(kit.browser(), { stt: await kit.stt(orgRt) })).reason).toBe('organization_mismatch');
    expect((await kit.authorize(kit.browser(), { stt: await kit.stt(orgRt), organization: 'org_other' })).reason).toBe('organization_mismatch');
    expect((await kit.authorize(kit.browser(), { stt: await kit.stt(orgRt), organization: 'org_acme' })).outcome).toBe('logged_in');
    const { rt } = await kit.nativeLogin('alice');
    expect((await kit.authorize(kit.browser(), { stt: await kit.stt(rt), organization: 'org_acme' })).reason).toBe('organization_mismatch');
  });

  it('R20/A2: a token whose parent was revoked is not used, cascade or not', async () => {
    await kit.reset(cfg({ native: { enforce_cascade_revocation: false } }));
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    const rv = await kit.revoke(rt);
    expect(rv.status).toBe(200);
    expect(rv.effects?.revoked.transferTokens).toEqual(['stt1']);
    const a = await kit.authorize(kit.browser(), { stt });
    expect(a.reason).toBe('parent_refresh_token_revoked');
    expect(a.headers.get('x-n2w-warning')).toMatch(/Parent refresh token not found/);
  });
});

describe('revocation: cascade, online refresh tokens, rotation, nesting', () => {
  it('R26: revoking the native RT revokes the web session and its refresh token', async () => {
    const { rt, webRt, b } = await kit.transferSession();
    const r = await kit.revoke(rt);
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt1', 'rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(webRt, 'web-app')).reason).toBe('refresh_token_revoked');
    expect((await kit.authorize(b)).reason).toBe('no_session');
  });

  it('cascade off: only the native RT dies', async () => {
    await kit.reset(cfg({ native: { enforce_cascade_revocation: false } }));
    const { rt, webRt } = await kit.transferSession();
    const r = await kit.revoke(rt);
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt1'], sessions: [], transferTokens: [] });
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200);
  });

  it('R27: logout ends online web refresh tokens; offline ones outlive it', async () => {
    const { b, webRt } = await kit.transferSession();
    const lo = await kit.logout(b);
    expect(lo.status).toBe(200);
    expect(lo.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(webRt, 'web-app')).reason).toBe('refresh_token_revoked');

    await kit.reset(cfg({ web: { enforce_online_refresh_tokens: false } }));
    const t = await kit.transferSession();
    expect((await kit.logout(t.b)).effects?.revoked.refreshTokens).toEqual([]);
    expect((await kit.refresh(t.webRt, 'web-app')).status).toBe(200);
  });

  it('R28: logout leaves the refresh token of an ordinary login alone', async () => {
    const b = kit.browser();
    const { tokens } = await kit.webLogin(b, 'alice', true);
    const lo = await kit.logout(b);
    expect(lo.effects?.revoked).toEqual({ refreshTokens: [], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(tokens.body.refresh_token as string, 'web-app')).status).toBe(200);
  });

  it('POST /api/v2/sessions/{id}/revoke and GET /api/v2/sessions/{id}; A19 readings', async () => {
    const { webRt } = await kit.transferSession();
    const g = await kit.browser().request('/api/v2/sessions/s1');
    expect(g.body).toMatchObject({ id: 's1', user_id: 'alice', status: 'active', session_transfer: { parent_refresh_token: { id: 'rt1' } } });
    const r = await kit.adminRevokeSession('s1');
    expect(r.status).toBe(202);
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(403);
    expect((await kit.adminRevokeSession('s1')).status).toBe(202);
    expect((await kit.adminRevokeSession('s99')).status).toBe(404);

    await kit.reset(cfg({ web: { enforce_online_refresh_tokens: false } }));
    await kit.transferSession();
    expect((await kit.adminRevokeSession('s1')).effects?.revoked.refreshTokens).toEqual([]);
    await kit.reset(cfg({ web: { enforce_online_refresh_tokens: false }, interpretations: { A19: 'always' } }));
    await kit.transferSession();
    expect((await kit.adminRevokeSession('s1')).effects?.revoked.refreshTokens).toEqual(['rt2']);
  });

  it('rotation reuse detection revokes the family, and the cascade follows', async () => {
    await kit.reset(cfg({ rotation: 'rotating' }));
    const { rt } = await kit.nativeLogin('alice');
    const m = await kit.mint(rt); // rt1 -> rt2
    const b = kit.browser();
    await kit.authorize(b, { stt: m.body.access_token as string });
    const reuse = await kit.refresh(rt);
    expect(reuse.status).toBe(403);
    expect(reuse.reason).toBe('refresh_token_reused');
    expect(reuse.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(m.body.refresh_token as string)).reason).toBe('refresh_token_revoked');
    const again = await kit.mint(rt);
    expect(again.reason).toBe('refresh_token_revoked');
  });

  it('R7/R8: a refresh token of a transfer-born session cannot mint; one of an ordinary web login can', async () => {
    await kit.reset(cfg({ web: { can_create_session_transfer_token: true } }));
    const { webRt } = await kit.transferSession();
    const nested = await kit.mint(webRt, NETWORKS.home, 'web-app');
    expect(nested.status).toBe(403);
    expect(nested.reason).toBe('nested_transfer_forbidden');
    const b = kit.browser();
    const { tokens } = await kit.webLogin(b, 'alice', true);
    expect((await kit.mint(tokens.body.refresh_token as string, NETWORKS.home, 'web-app')).status).toBe(200);
  });

  it('/oauth/revoke of an already revoked token is 200 with a reason; of another client\'s token is refused', async () => {
    const { rt } = await kit.nativeLogin('alice');
    expect((await kit.revoke(rt, 'web-app')).status).toBe(403);
    expect((await kit.revoke(rt)).outcome).toBe('revoked');
    const again = await kit.revoke(rt);
    expect(again.status).toBe(200);
    expect(again.reason).toBe('refresh_token_revoked');
    expect((await kit.revoke('unknown-token')).status).toBe(200);
  });

  it('a web login as another user replaces (revokes) the browser\'s session', async () => {
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const { login } = await kit.webLogin(b, 'mallory');
    expect(login.effects).toMatchObject({ session: 's2', user: 'mallory', sessionCreated: true, revoked: { sessions: ['s1'] } });
    const same = await kit.webLogin(b, 'mallory');
    expect(same.login.effects).toMatchObject({ session: 's2', sessionCreated: false });
  });
});
