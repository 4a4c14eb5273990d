// Lifetimes, expiry and the rotation leeway (MODEL.md §8, rules LT1..LT5 and LV1), over real HTTP.
// Times are seconds on the frozen test clock; each test starts from a fresh tenant at its own instant.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_REFRESH_TOKEN, DEFAULT_TENANT, parseConfig } from './config.js';
import { startServer } from './server.js';
import { useReferenceServer } from './test-server.js';
import { Kit, type N2wOptions, type Reply, n2wConfig } from './testkit.js';

let kit: Kit;
useReferenceServer((k) => { kit = k; });

// 2 min absolute, 1 min idle
const SESSIONS = { session_lifetime: 120 / 3600, idle_session_lifetime: 60 / 3600 };

async function reset(over: N2wOptions = {}, faults: string[] = []): Promise<void> {
  expect((await kit.reset({ config: n2wConfig({ tenant: SESSIONS, ...over }), faults })).status).toBe(200);
}

const expiredOf = (r: Reply) => r.effects?.expired ?? null;
const status = async (kind: 'sessions' | 'refreshTokens' | 'transferTokens', id: string) => (await kit.state())[kind].find((x) => x.id === id)?.status;

describe('configuration (MODEL.md §8)', () => {
  it("Auth0's defaults where absent; hours become seconds; the client fields are kept", () => {
    const d = parseConfig({});
    expect(d.tenant).toEqual(DEFAULT_TENANT);
    expect(d.tenant).toEqual({ session_lifetime: 168, idle_session_lifetime: 72 });
    expect(d.native.refresh_token).toEqual(DEFAULT_REFRESH_TOKEN);
    expect(DEFAULT_REFRESH_TOKEN).toMatchObject({
      expiration_type: 'non-expiring', token_lifetime: 2592000, infinite_token_lifetime: true, idle_token_lifetime: 1296000, infinite_idle_token_lifetime: true, leeway: 0,
    });
    const c = parseConfig({
      tenant: { session_lifetime: 0.5, idle_session_lifetime: 120 / 3600, flags: { whatever: true } },
      native: { refresh_token: { expiration_type: 'expiring', token_lifetime: 100, infinite_token_lifetime: false, leeway: 30 } },
    });
    expect(c.tenant).toEqual({ session_lifetime: 0.5, idle_session_lifetime: 120 / 3600 });
    expect(c.native.refresh_token).toMatchObject({ expiration_type: 'expiring', token_lifetime: 100, infinite_token_lifetime: false, idle_token_lifetime: 1296000, leeway: 30 });
    // a §7 scenario carries the tenant inside its config
    expect(parseConfig({ config: { tenant: { session_lifetime: 1 } }, steps: [] }).tenant.session_lifetime).toBe(1);
  });

  it.each([
    [{ tenant: 'x' }, 'config.tenant'],
    [{ tenant: { session_lifetime: 0 } }, 'config.tenant.session_lifetime'],
    [{ tenant: { idle_session_lifetime: -1 } }, 'config.tenant.idle_session_lifetime'],
    [{ tenant: { idle_session_lifetime: '72' } }, 'config.tenant.idle_session_lifetime'],
    [{ tenant: { session_lifetime: 1e-6 } }, 'config.tenant.session_lifetime'],
    [{ native: { refresh_token: { expiration_type: 'sometimes' } } }, 'config.native.refresh_token.expiration_type'],
    [{ native: { refresh_token: { token_lifetime: 0 } } }, 'config.native.refresh_token.token_lifetime'],
    [{ web: { refresh_token: { idle_token_lifetime: 1.5 } } }, 'config.web.refresh_token.idle_token_lifetime'],
    [{ web: { refresh_token: { infinite_token_lifetime: 'no' } } }, 'config.web.refresh_token.infinite_token_lifetime'],
    [{ web: { refresh_token: { infinite_idle_token_lifetime: 0 } } }, 'config.web.refresh_token.infinite_idle_token_lifetime'],
    [{ native: { refresh_token: { leeway: -1 } } }, 'config.native.refresh_token.leeway'],
  ])('%j is a ConfigError naming %s', (input, path) => {
    try {
      parseConfig(input);
      expect.unreachable('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).path).toBe(path);
    }
  });

  it('PATCH /api/v2/clients validates the lifetime fields too', async () => {
    await reset();
    const bad = await kit.patchClient('native-app', { refresh_token: { token_lifetime: -5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body\.refresh_token\.token_lifetime:/);
    const ok = await kit.patchClient('native-app', { refresh_token: { expiration_type: 'expiring', leeway: 10 } });
    expect(ok.body.refresh_token).toMatchObject({ expiration_type: 'expiring', leeway: 10, rotation_type: 'non-rotating' });
  });
});

describe('sessions (LT1, LT2)', () => {
  it('the absolute lifetime ends a session at age 120 s even though every login restarted its idle timer', async () => {
    await reset();
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    for (const t of [50, 50]) {
      expect(expiredOf(await kit.advance(t))).toBeNull();
      expect((await kit.authorize(b)).outcome).toBe('logged_in');
    }
    expect(expiredOf(await kit.advance(19))).toBeNull(); // age 119
    expect(expiredOf(await kit.advance(1))).toEqual({ sessions: ['s1'], refreshTokens: [], transferTokens: [] });
    expect(await status('sessions', 's1')).toBe('expired');
    const st = (await kit.state()).sessions[0]!;
    expect(st.lastActiveAt - st.createdAt).toBe(100_000);
  });

  it('the idle lifetime ends a session 60 s after its last login; the browser then has no session', async () => {
    await reset();
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    expect(expiredOf(await kit.advance(59))).toBeNull();
    expect(expiredOf(await kit.advance(1))?.sessions).toEqual(['s1']);
    const a = await kit.authorize(b);
    expect([a.outcome, a.reason]).toEqual(['login_required', 'no_session']);
    expect(b.cookies.has('auth0')).toBe(false);
    const v = await kit.browser().request('/api/v2/sessions/s1');
    expect(v.body).toMatchObject({ status: 'expired', revoked_at: null });
    expect(Date.parse(v.body.idle_expires_at as string) - Date.parse(v.body.created_at as string)).toBe(60_000);
  });

  it('reuse at /authorize and a re-authentication restart the idle timer; a prompt does not', async () => {
    await reset({ tenant: { ...SESSIONS, session_lifetime: 1 } });
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    await kit.advance(50);
    expect((await kit.authorize(b)).outcome).toBe('logged_in'); // t = 50
    expect(expiredOf(await kit.advance(50))).toBeNull(); // t = 100
    await kit.webLogin(b, 'alice'); // re-authentication, t = 100
    expect(expiredOf(await kit.advance(59))).toBeNull(); // t = 159
    // a failed redemption prompts and keeps the session, without restarting its timer
    const p = await kit.authorize(b, { stt: 'no-such-token' });
    expect([p.outcome, p.reason]).toEqual(['login_required', 'transfer_token_not_found_or_expired']);
    expect(expiredOf(await kit.advance(1))?.sessions).toEqual(['s1']); // t = 160: idle since 100
  });

  it('a transfer token redeemed over an expired session makes a new one', async () => {
    await reset();
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    await kit.advance(60);
    const { rt } = await kit.nativeLogin('alice');
    const a = await kit.authorize(b, { stt: await kit.stt(rt) });
    expect(a.outcome).toBe('logged_in');
    expect(a.effects).toMatchObject({ session: 's2', sessionCreated: true });
  });

  it('REVOKE_SESSION of an expired session changes nothing: ok, already_expired (admin endpoint and logout)', async () => {
    await reset();
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const cookie = b.cookies.get('auth0')!;
    await kit.advance(60);
    const r = await kit.adminRevokeSession('s1');
    expect([r.status, r.outcome, r.reason]).toEqual([202, 'ok', 'already_expired']);
    expect(r.effects?.revoked).toEqual({ refreshTokens: [], sessions: [], transferTokens: [] });
    b.cookies.set('auth0', cookie);
    const l = await kit.logout(b);
    expect([l.outcome, l.reason]).toEqual(['ok', 'already_expired']);
    expect(await status('sessions', 's1')).toBe('expired');
  });
});

describe('the online rule on expiry (R27: "revoking or expiring")', () => {
  it("expiring a transfer-born session revokes its online web refresh tokens in the same step", async () => {
    await reset();
    const { webRt } = await kit.transferSession(); // rt1 native, s1, rt2 web (online)
    const t = await kit.advance(60);
    expect(t.effects?.expired).toEqual({ sessions: ['s1'], refreshTokens: [], transferTokens: [] });
    expect(t.effects?.revoked).toEqual({ refreshTokens: ['rt2'], sessions: [], transferTokens: [] });
    const r = await kit.refresh(webRt, 'web-app');
    expect([r.status, r.reason]).toEqual([403, 'refresh_token_revoked']);
    // A16: the native family is untouched
    expect(await status('refreshTokens', 'rt1')).toBe('active');
  });

  it("an offline web refresh token (online off, or an ordinary login's) outlives its session's expiry", async () => {
    await reset({ web: { enforce_online_refresh_tokens: false } });
    const { webRt } = await kit.transferSession();
    const b = kit.browser();
    const { tokens } = await kit.webLogin(b, 'alice', true); // s2, an ordinary session, rt3
    const t = await kit.advance(60);
    expect(t.effects?.expired?.sessions).toEqual(['s1', 's2']);
    expect(t.effects?.revoked.refreshTokens).toEqual([]);
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200);
    expect((await kit.refresh(tokens.body.refresh_token as string, 'web-app')).status).toBe(200);
  });

  it('with the fault expiry-keeps-online-tokens the online token survives', async () => {
    await reset({}, ['expiry-keeps-online-tokens']);
    const { webRt } = await kit.transferSession();
    const t = await kit.advance(60);
    expect(t.effects?.expired?.sessions).toEqual(['s1']);
    expect(t.effects?.revoked.refreshTokens).toEqual([]);
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(200);
  });
});

describe('refresh tokens (LT3, LT4, LT5)', () => {
  const idle60 = { nativeRefreshToken: { expiration_type: 'expiring', idle_token_lifetime: 60, infinite_idle_token_lifetime: false } };

  it('an expired token is rejected as refresh_token_expired at a refresh and at a mint, and nothing changes', async () => {
    await reset(idle60);
    const { rt } = await kit.nativeLogin('alice');
    expect(expiredOf(await kit.advance(59))).toBeNull();
    expect(expiredOf(await kit.advance(1))).toEqual({ sessions: [], refreshTokens: ['rt1'], transferTokens: [] });
    for (const r of [await kit.refresh(rt), await kit.mint(rt)]) {
      expect([r.status, r.body.error, r.body.error_description, r.outcome, r.reason]).toEqual([403, 'invalid_grant', 'Expired refresh token.', 'rejected', 'refresh_token_expired']);
      expect(r.effects).toMatchObject({ issued: { refreshTokens: [], transferTokens: [] }, revoked: { refreshTokens: [] } });
    }
    expect(await status('refreshTokens', 'rt1')).toBe('expired');
  });

  it('each exchange restarts the idle timer; "non-expiring" or infinite lifetimes never expire', async () => {
    await reset(idle60);
    const { rt } = await kit.nativeLogin('alice');
    await kit.advance(50);
    expect((await kit.refresh(rt)).status).toBe(200);
    await kit.advance(50);
    expect((await kit.mint(rt)).status).toBe(200); // a mint is an exchange too
    const st = (await kit.state()).refreshTokens[0]!;
    expect(st.usedAt - st.issuedAt).toBe(100_000);
    expect(expiredOf(await kit.advance(59))).toBeNull();
    expect(expiredOf(await kit.advance(1))?.refreshTokens).toEqual(['rt1']);
    for (const rtSettings of [{ idle_token_lifetime: 60, infinite_idle_token_lifetime: false }, { expiration_type: 'expiring', idle_token_lifetime: 60 }]) {
      await reset({ nativeRefreshToken: rtSettings });
      await kit.nativeLogin('alice');
      expect(expiredOf(await kit.advance(3600))).toBeNull();
    }
  });

  it('the absolute lifetime counts from the family\'s first token: rotation does not extend it', async () => {
    await reset({ rotation: 'rotating', nativeRefreshToken: { expiration_type: 'expiring', token_lifetime: 100, infinite_token_lifetime: false } });
    const { rt } = await kit.nativeLogin('alice');
    await kit.advance(60);
    const rt2 = (await kit.refresh(rt)).body.refresh_token as string;
    const [a, b] = (await kit.state()).refreshTokens;
    expect([a!.status, b!.status, b!.previous, b!.familyIssuedAt, b!.issuedAt - b!.familyIssuedAt]).toEqual(['rotated', 'active', 'rt1', a!.issuedAt, 60_000]);
    expect(expiredOf(await kit.advance(39))).toBeNull(); // family age 99
    // both the rotated and the active token end at family age 100, though rt2 is 40 s old
    expect(expiredOf(await kit.advance(1))?.refreshTokens).toEqual(['rt1', 'rt2']);
    expect((await kit.refresh(rt2)).reason).toBe('refresh_token_expired');
    // an expired token presented is not reuse: the family is not revoked
    expect((await kit.refresh(rt)).reason).toBe('refresh_token_expired');
    expect((await kit.state()).refreshTokens.map((r) => r.familyStatus)).toEqual(['active', 'active']);
  });

  it('only the active token of a rotating family ages idle: a rotated one ends with the family only', async () => {
    await reset({ rotation: 'rotating', nativeRefreshToken: { ...idle60.nativeRefreshToken } });
    const { rt } = await kit.nativeLogin('alice');
    const rt2 = (await kit.refresh(rt)).body.refresh_token as string; // rt1 rotated at t = 0
    await kit.advance(50);
    await kit.refresh(rt2); // rt3 at t = 50
    expect(expiredOf(await kit.advance(10))).toBeNull(); // rt1 and rt2 are 60 s and 50 s past their last use
    expect(expiredOf(await kit.advance(50))?.refreshTokens).toEqual(['rt3']);
  });

  it('REVOKE of an expired token revokes its family, and the cascade runs', async () => {
    await reset({ nativeRefreshToken: { expiration_type: 'expiring', token_lifetime: 30, infinite_token_lifetime: false } });
    const { rt } = await kit.nativeLogin('alice');
    const b = kit.browser();
    await kit.authorizeAndExchange(b, { stt: await kit.stt(rt), offline: true }); // s1, rt2 (web)
    expect(expiredOf(await kit.advance(30))?.refreshTokens).toEqual(['rt1']);
    // A16: the native token's expiry does not cascade
    expect(await status('sessions', 's1')).toBe('active');
    const r = await kit.revoke(rt);
    expect(r.outcome).toBe('revoked');
    expect(r.effects?.revoked).toEqual({ refreshTokens: ['rt1', 'rt2'], sessions: ['s1'], transferTokens: [] });
    expect((await kit.refresh(rt)).reason).toBe('refresh_token_revoked'); // revoked is checked before expired
  });

  it('A16: a transfer token whose parent family expired (not revoked) still redeems', async () => {
    await reset({ nativeRefreshToken: { expiration_type: 'expiring', token_lifetime: 30, infinite_token_lifetime: false } });
    const { rt } = await kit.nativeLogin('alice');
    await kit.advance(10);
    const stt = await kit.stt(rt);
    expect(expiredOf(await kit.advance(20))).toEqual({ sessions: [], refreshTokens: ['rt1'], transferTokens: [] });
    expect((await kit.authorize(kit.browser(), { stt })).outcome).toBe('logged_in');
  });

  it('a transfer token at its TTL is listed as expired by the clock move', async () => {
    await reset();
    const { rt } = await kit.nativeLogin('alice');
    await kit.stt(rt);
    expect(expiredOf(await kit.advance(59))).toBeNull();
    expect(expiredOf(await kit.advance(1))).toEqual({ sessions: [], refreshTokens: [], transferTokens: ['stt1'] });
    expect(await status('transferTokens', 'stt1')).toBe('expired');
  });
});

describe('rotation leeway (LV1)', () => {
  const leeway30 = { rotation: 'rotating' as const, nativeRefreshToken: { leeway: 30 } };

  it('the immediately previous token within the leeway is honoured: its successor is retired and a new token issued', async () => {
    await reset(leeway30);
    const { rt } = await kit.nativeLogin('alice');
    const r1 = await kit.refresh(rt); // rt2
    await kit.advance(29);
    const again = await kit.refresh(rt);
    expect([again.status, again.outcome, again.reason]).toEqual([200, 'issued', undefined]);
    expect(typeof again.body.refresh_token).toBe('string');
    expect(again.effects?.issued.refreshTokens).toEqual(['rt3']);
    expect(again.effects?.revoked.refreshTokens).toEqual([]);
    const st = (await kit.state()).refreshTokens.map((r) => [r.id, r.status, r.previous]);
    expect(st).toEqual([['rt1', 'rotated', null], ['rt2', 'rotated', 'rt1'], ['rt3', 'active', 'rt2']]);
    // rt1 is no longer the immediately previous token: presenting it again is reuse
    const third = await kit.refresh(rt);
    expect([third.status, third.reason]).toEqual([403, 'refresh_token_reused']);
    expect(third.effects?.revoked.refreshTokens).toEqual(['rt3']);
    expect((await kit.refresh(r1.body.refresh_token as string)).reason).toBe('refresh_token_revoked');
  });

  it('a mint with the immediately previous token mints and rotates', async () => {
    await reset(leeway30);
    const { rt } = await kit.nativeLogin('alice');
    await kit.mint(rt); // rt2
    const m = await kit.mint(rt);
    expect([m.status, m.outcome]).toEqual([200, 'issued']);
    expect(m.effects?.issued).toMatchObject({ transferTokens: ['stt2'], refreshTokens: ['rt3'] });
  });

  it('at the leeway (age 30 s) it is reuse detection, the family revoked', async () => {
    await reset(leeway30);
    const { rt } = await kit.nativeLogin('alice');
    await kit.refresh(rt);
    await kit.advance(30);
    const r = await kit.refresh(rt);
    expect([r.status, r.reason]).toEqual([403, 'refresh_token_reused']);
    expect(r.effects?.revoked.refreshTokens).toEqual(['rt2']);
  });

  it('the window runs from the successor\'s issue, not from the presented token\'s', async () => {
    await reset(leeway30);
    const { rt } = await kit.nativeLogin('alice');
    await kit.advance(100);
    await kit.refresh(rt); // rt2 at t = 100
    await kit.advance(20);
    expect((await kit.refresh(rt)).status).toBe(200);
  });

  it('a token two rotations old is reuse within the leeway, but honoured under leeway-any-old-token', async () => {
    for (const [faults, expected] of [[[], [403, 'refresh_token_reused']], [['leeway-any-old-token'], [200, undefined]]] as const) {
      await reset(leeway30, [...faults]);
      const { rt } = await kit.nativeLogin('alice');
      const rt2 = (await kit.refresh(rt)).body.refresh_token as string;
      await kit.refresh(rt2); // rt3
      await kit.advance(10);
      const r = await kit.refresh(rt);
      expect([r.status, r.reason]).toEqual(expected);
    }
  });

  it('leeway 0, or a leeway on a non-rotating client, changes nothing', async () => {
    await reset({ rotation: 'rotating' });
    const { rt } = await kit.nativeLogin('alice');
    await kit.refresh(rt);
    expect((await kit.refresh(rt)).reason).toBe('refresh_token_reused');
    await reset({ nativeRefreshToken: { leeway: 30 } });
    const n = await kit.nativeLogin('alice');
    expect((await kit.refresh(n.rt)).body.refresh_token).toBeUndefined();
    expect((await kit.refresh(n.rt)).status).toBe(200);
  });
});

describe('persistence', () => {
  it('a restart on the same --db keeps the stored lifetimes and times: the session expires on schedule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'n2w-life-'));
    const db = join(dir, 'tenant.sqlite');
    try {
      const s1 = await startServer({ testMode: true, db, config: n2wConfig({ tenant: SESSIONS }) });
      const k1 = new Kit(s1.url);
      const b = k1.browser();
      await k1.webLogin(b, 'alice');
      await k1.advance(30);
      await k1.authorize(b); // idle restarts at t = 30
      await s1.close();
      const s2 = await startServer({ testMode: true, db, config: {} }); // the stored tenant wins over the config
      try {
        const k2 = new Kit(s2.url);
        expect(expiredOf(await k2.advance(59))).toBeNull();
        expect(expiredOf(await k2.advance(1))?.sessions).toEqual(['s1']);
      } finally {
        await s2.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
