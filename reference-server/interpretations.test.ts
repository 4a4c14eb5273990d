// Interpretations N2 (online web refresh tokens behave like Auth0's Online Refresh Tokens) and A19 (what an
// administrator's POST /api/v2/sessions/{id}/revoke ends), over real HTTP on the frozen test clock.
import { describe, expect, it } from 'vitest';
import { useReferenceServer } from './test-server.js';
import { Kit, type N2wOptions, n2wConfig } from './testkit.js';

let kit: Kit;
useReferenceServer((k) => { kit = k; });

// 10 min absolute, 1 min idle
const SESSIONS = { session_lifetime: 600 / 3600, idle_session_lifetime: 60 / 3600 };

async function reset(interpretations: Record<string, unknown>, over: N2wOptions = {}): Promise<void> {
  expect((await kit.reset({ config: n2wConfig({ tenant: SESSIONS, ...over }), interpretations })).status).toBe(200);
}
const sessionStatus = async (id: string) => (await kit.state()).sessions.find((x) => x.id === id)?.status;
const none = { refreshTokens: [], sessions: [], transferTokens: [] };

describe('N2: a refresh with an online web refresh token restarts its session idle timer', () => {
  it('accepted at /test/reset, default false', async () => {
    await reset({});
    expect((await kit.state()).interpretations).toMatchObject({ N2: false, A19: 'online-flag' });
    await reset({ N2: true });
    expect((await kit.state()).interpretations).toMatchObject({ N2: true });
    expect((await kit.reset({ config: n2wConfig(), interpretations: { N2: 'yes' } })).status).toBe(400);
  });

  it.each([false, true])('N2=%s: an online token (transfer-born session, online on)', async (n2) => {
    await reset({ N2: n2 });
    const { webRt } = await kit.transferSession(); // rt1 native, s1, rt2 web (online)
    await kit.advance(50);
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200);
    const t = await kit.advance(10); // t = 60: idle since 0, or since 50 under N2
    if (!n2) {
      expect(t.effects?.expired?.sessions).toEqual(['s1']);
      return;
    }
    expect(t.effects?.expired).toBeUndefined();
    expect(await sessionStatus('s1')).toBe('active');
    expect((await kit.browser().request('/api/v2/sessions/s1')).body).toMatchObject({ idle_expires_at: expect.any(String) });
    expect((await kit.advance(49)).effects?.expired).toBeUndefined(); // t = 109
    const e = await kit.advance(1); // t = 110: idle since 50
    expect(e.effects?.expired?.sessions).toEqual(['s1']);
    expect(e.effects?.revoked.refreshTokens).toEqual(['rt2']); // R27 on expiry
  });

  it('N2=true, rotating web app: the rotation restarts the idle timer too', async () => {
    await reset({ N2: true }, { webRefreshToken: { rotation_type: 'rotating' } });
    const { webRt } = await kit.transferSession();
    await kit.advance(50);
    const r = await kit.refresh(webRt, 'web-app');
    expect(r.effects?.issued.refreshTokens).toEqual(['rt3']);
    expect((await kit.advance(59)).effects?.expired).toBeUndefined();
    expect((await kit.advance(1)).effects?.expired?.sessions).toEqual(['s1']);
  });

  it('N2=true: an offline web token (online off) does not extend its session', async () => {
    await reset({ N2: true }, { web: { enforce_online_refresh_tokens: false } });
    const { webRt } = await kit.transferSession();
    await kit.advance(50);
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200);
    expect((await kit.advance(10)).effects?.expired?.sessions).toEqual(['s1']);
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200); // offline: outlives the session
  });

  it("N2=true: an ordinary login's (offline) web token does not extend its session", async () => {
    await reset({ N2: true });
    const b = kit.browser();
    const { tokens } = await kit.webLogin(b, 'alice', true);
    await kit.advance(50);
    expect((await kit.refresh(tokens.body.refresh_token as string, 'web-app')).status).toBe(200);
    expect((await kit.advance(10)).effects?.expired?.sessions).toEqual(['s1']);
  });

  it('N2=true: a refused refresh (reuse detected) neither extends nor ends the session', async () => {
    await reset({ N2: true }, { webRefreshToken: { rotation_type: 'rotating' } });
    const { webRt } = await kit.transferSession();
    await kit.refresh(webRt, 'web-app');
    await kit.advance(50);
    const r = await kit.refresh(webRt, 'web-app');
    expect([r.status, r.reason]).toEqual([403, 'refresh_token_reused']);
    expect(r.effects?.revoked).toEqual({ ...none, refreshTokens: ['rt3'] });
    expect((await kit.advance(10)).effects?.expired?.sessions).toEqual(['s1']);
  });
});

describe('N2: /oauth/revoke of an online web refresh token ends its session', () => {
  /** s1 from a transfer with two online web tokens (rt2, rt3) */
  async function twoOnline(): Promise<{ webRt: string; b: ReturnType<Kit['browser']> }> {
    const { webRt, b } = await kit.transferSession();
    const { tokens } = await kit.authorizeAndExchange(b, { offline: true });
    expect(tokens?.effects?.issued.refreshTokens).toEqual(['rt3']);
    return { webRt, b };
  }

  it('N2=false: the family only', async () => {
    await reset({ N2: false });
    const { webRt } = await twoOnline();
    const r = await kit.revoke(webRt, 'web-app');
    expect(r.effects?.revoked).toEqual({ ...none, refreshTokens: ['rt2'] });
    expect(await sessionStatus('s1')).toBe('active');
  });

  it('N2=true: the family, the session, and its other online tokens (the online rule)', async () => {
    await reset({ N2: true });
    const { webRt, b } = await twoOnline();
    const r = await kit.revoke(webRt, 'web-app');
    expect([r.status, r.outcome]).toEqual([200, 'revoked']);
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt2', 'rt3'], sessions: ['s1'], transferTokens: [] });
    expect(await sessionStatus('s1')).toBe('revoked');
    expect((await kit.state()).refreshTokens.find((t) => t.id === 'rt1')?.status).toBe('active'); // the native parent stays
    expect((await kit.authorize(b)).reason).toBe('no_session');
    // revoking it again: nothing more
    expect((await kit.revoke(webRt, 'web-app')).effects?.revoked).toEqual(none);
  });

  it('N2=true: an offline web token leaves its session alone', async () => {
    await reset({ N2: true }, { web: { enforce_online_refresh_tokens: false } });
    const { webRt } = await kit.transferSession();
    expect((await kit.revoke(webRt, 'web-app')).effects?.revoked).toEqual({ ...none, refreshTokens: ['rt2'] });
    expect(await sessionStatus('s1')).toBe('active');
  });

  it('N2=true: an online token whose session already ended: the family only', async () => {
    await reset({ N2: true }, { web: { enforce_online_refresh_tokens: true } });
    const { webRt, b } = await kit.transferSession();
    await kit.patchClient('web-app', { session_transfer: { enforce_online_refresh_tokens: false } });
    const { tokens } = await kit.authorizeAndExchange(b, { offline: true }); // rt3, offline, in s1
    const rt3 = tokens!.body.refresh_token as string;
    expect((await kit.revoke(rt3, 'web-app')).effects?.revoked).toEqual({ ...none, refreshTokens: ['rt3'] });
    await kit.advance(60); // s1 expires; R27 revokes rt2 (online)
    expect(await sessionStatus('s1')).toBe('expired');
    expect((await kit.revoke(webRt, 'web-app')).effects?.revoked).toEqual(none);
  });
});

describe('A19: the administrator revokes a session (POST /api/v2/sessions/{id}/revoke)', () => {
  /** s1 from a transfer holding an online web token (rt2) and an offline one (rt3, online switched off in between) */
  async function mixed(): Promise<{ b: ReturnType<Kit['browser']>; rt3: string }> {
    const { b } = await kit.transferSession();
    expect((await kit.patchClient('web-app', { session_transfer: { enforce_online_refresh_tokens: false } })).status).toBe(200);
    const { tokens } = await kit.authorizeAndExchange(b, { offline: true });
    expect(tokens?.effects?.issued.refreshTokens).toEqual(['rt3']);
    const st = await kit.state();
    expect(st.refreshTokens.map((t) => [t.id, t.online])).toEqual([['rt1', false], ['rt2', true], ['rt3', false]]);
    return { b, rt3: tokens!.body.refresh_token as string };
  }

  it("'online-flag': what a logout ends, the session and its online tokens", async () => {
    await reset({ A19: 'online-flag' });
    const { rt3 } = await mixed();
    const r = await kit.adminRevokeSession('s1');
    expect([r.status, r.outcome]).toEqual([202, 'revoked']);
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(rt3, 'web-app')).status).toBe(200);
  });

  it("'always': every refresh token issued to the session, online or not", async () => {
    await reset({ A19: 'always' });
    const { rt3 } = await mixed();
    const r = await kit.adminRevokeSession('s1');
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt2', 'rt3'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(rt3, 'web-app')).reason).toBe('refresh_token_revoked');
    expect((await kit.state()).refreshTokens.find((t) => t.id === 'rt1')?.status).toBe('active'); // not the native one
    // again: the session is already revoked, nothing changes
    const again = await kit.adminRevokeSession('s1');
    expect([again.status, again.outcome, again.effects?.revoked]).toEqual([202, 'ok', none]);
  });

  it("'always': a logout still follows the online rule; the browser's revoked cookie then says session_revoked", async () => {
    await reset({ A19: 'always' });
    const { b, rt3 } = await mixed();
    const l = await kit.logout(b);
    expect(l.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(rt3, 'web-app')).status).toBe(200);
  });

  it("'always' with an ordinary login's offline token (R28 does not protect it from the administrator)", async () => {
    await reset({ A19: 'always' });
    const b = kit.browser();
    await kit.webLogin(b, 'alice', true);
    const r = await kit.adminRevokeSession('s1');
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt1'], sessions: ['s1'], transferTokens: [] });
    // the browser still holds the cookie; a logout there finds the session revoked
    const l = await kit.logout(b);
    expect([l.outcome, l.reason, l.effects?.revoked]).toEqual(['ok', 'session_revoked', none]);
  });
});
