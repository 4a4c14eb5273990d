// Several web apps (MODEL.md §8), over real HTTP: one Auth0 session per browser shared by every web app
// (SSO), refresh tokens per client, a redemption judged by the redeeming client's settings, the online rule by
// the flag on the token, the nesting ban and the cascade across clients, and the fault second-app-nests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { startServer } from './server.js';
import { useReferenceServer } from './test-server.js';
import { Kit, NETWORKS, type N2wOptions, n2wConfig } from './testkit.js';

const APP2 = 'web-app-2';

/**
 * web-app: cookie and query, ip binding, refresh tokens allowed and online, may not mint.
 * web-app-2: query only, no binding, refresh tokens allowed and offline, may mint, rotating.
 */
function twoApps(over: N2wOptions = {}, app2: Record<string, unknown> = {}, app2RefreshToken: Record<string, unknown> = {}) {
  return n2wConfig({
    ...over,
    moreWeb: [
      {
        session_transfer: {
          can_create_session_transfer_token: true, allowed_authentication_methods: ['query'], enforce_device_binding: 'none',
          allow_refresh_token: true, enforce_online_refresh_tokens: false, ...app2,
        },
        refresh_token: { rotation_type: 'rotating', ...app2RefreshToken },
      },
    ],
  });
}

let kit: Kit;
useReferenceServer((k) => { kit = k; });
beforeEach(async () => {
  expect((await kit.reset({ config: twoApps(), faults: [] })).status).toBe(200);
});

const state = async () => kit.state();

describe('configuration: web as a list (MODEL.md §8)', () => {
  it('an object is one web app; a list gives each its client_id, web-app then web-app-2, ...', () => {
    expect(parseConfig({}).web.map((w) => w.client_id)).toEqual(['web-app']);
    expect(parseConfig({ web: { client_id: 'portal' } }).web.map((w) => w.client_id)).toEqual(['portal']);
    const c = parseConfig({ web: [{}, { name: 'Shop' }, { client_id: 'blog' }, {}] });
    expect(c.web.map((w) => w.client_id)).toEqual(['web-app', 'web-app-2', 'blog', 'web-app-4']);
    expect(c.web.map((w) => w.name)).toEqual(['Web App', 'Shop', 'Web App 3', 'Web App 4']);
    expect(c.web.every((w) => w.app_type === 'regular_web' && w.session_transfer.allowed_authentication_methods.length === 0)).toBe(true);
    // each app has its own settings
    const d = parseConfig({ web: [{ session_transfer: { enforce_device_binding: 'asn' } }, { session_transfer: { allow_refresh_token: true } }] });
    expect(d.web.map((w) => [w.session_transfer.enforce_device_binding, w.session_transfer.allow_refresh_token])).toEqual([['asn', false], ['ip', true]]);
  });

  it.each([
    [{ web: [] }, 'config.web'],
    [{ web: [{}, 'x'] }, 'config.web[1]'],
    [{ web: [{}, { client_id: 'web-app' }] }, 'config.web[1].client_id'],
    [{ web: [{ client_id: 'a' }, { client_id: 'a' }] }, 'config.web[1].client_id'],
    [{ web: [{}, { client_id: 'native-app' }] }, 'config.web[1].client_id'],
    [{ web: { client_id: 'native-app' } }, 'config.web.client_id'],
    [{ web: [{}, { session_transfer: { enforce_device_binding: 'mac' } }] }, 'config.web[1].session_transfer.enforce_device_binding'],
  ])('%j is refused at %s', (input, path) => {
    let err: unknown;
    try {
      parseConfig(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe(path);
  });

  it('POST /test/reset takes the list; /test/state and the Management API show every client', async () => {
    const st = (await state()) as unknown as { clients: { role: string; client_id: string }[] };
    expect(st.clients.map((c) => [c.role, c.client_id])).toEqual([['native', 'native-app'], ['web', 'web-app'], ['web', APP2]]);
    const c = await kit.browser().request(`/api/v2/clients/${APP2}`);
    expect(c.status).toBe(200);
    expect((c.body.session_transfer as Record<string, unknown>).enforce_device_binding).toBe('none');
    expect((await kit.reset({ config: { web: [{}, { client_id: 'web-app' }] } })).status).toBe(400);
  });
});

describe('one session per browser, shared by every web app (SSO)', () => {
  it('a login at app 1 logs the browser in at app 2 without a prompt, in the same session', async () => {
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const sso = await kit.authorize(b, { clientId: APP2 });
    expect(sso.effects).toMatchObject({ outcome: 'logged_in', session: 's1', user: 'alice', sessionCreated: false });
    expect(kit.codeOf(sso)).toBeDefined();
    // and the other way round, after a login at app 2; another user's login there replaces the session for both
    const b2 = kit.browser();
    await kit.webLogin(b2, 'alice', false, APP2);
    expect((await kit.authorize(b2)).effects).toMatchObject({ outcome: 'logged_in', session: 's2', sessionCreated: false });
    const mallory = await kit.webLogin(b2, 'mallory', false, APP2);
    expect(mallory.login.effects).toMatchObject({ session: 's3', sessionCreated: true, revoked: { sessions: ['s2'] } });
    expect((await kit.authorize(b2)).effects).toMatchObject({ session: 's3', user: 'mallory' });
  });

  it('a transfer login at app 1 is the session app 2 then uses; a logout ends it for both', async () => {
    const { b } = await kit.transferSession();
    expect((await kit.authorize(b, { clientId: APP2 })).effects).toMatchObject({ outcome: 'logged_in', session: 's1', sessionCreated: false });
    await kit.logout(b);
    expect((await kit.authorize(b, { clientId: APP2 })).effects).toMatchObject({ outcome: 'login_required', reason: 'no_session' });
  });

  it('an unknown client_id at /authorize or on the login page is a bad request', async () => {
    expect((await kit.authorize(kit.browser(), { clientId: 'web-app-3' })).status).toBe(400);
    const r = await kit.browser().form('/login', { username: 'alice', password: 'password', client_id: 'web-app-3', redirect_uri: 'http://web.example/callback' });
    expect(r.status).toBe(400);
  });
});

describe('refresh tokens belong to the client that got them', () => {
  it('each app gets its own token off the shared session; only that app can refresh or revoke it', async () => {
    const b = kit.browser();
    const one = (await kit.webLogin(b, 'alice', true)).tokens.body.refresh_token as string;
    const two = (await kit.authorizeAndExchange(b, { clientId: APP2, offline: true })).tokens!.body.refresh_token as string;
    expect((await state()).refreshTokens.map((r) => [r.id, r.client_id, r.session])).toEqual([['rt1', 'web-app', 's1'], ['rt2', APP2, 's1']]);
    expect((await kit.refresh(one, APP2)).status).toBe(403);
    expect((await kit.refresh(two, 'web-app')).status).toBe(403);
    expect((await kit.revoke(two, 'web-app')).status).toBe(403);
    expect((await kit.refresh(one, 'web-app')).status).toBe(200);
    // app 2 rotates, app 1 does not: each token follows its own client's refresh_token settings
    const r2 = await kit.refresh(two, APP2);
    expect(r2.status).toBe(200);
    expect(r2.effects?.issued.refreshTokens).toEqual(['rt3']);
    expect((await kit.refresh(two, APP2)).reason).toBe('refresh_token_reused');
    // a code is for the client it was issued to
    const auth = await kit.authorize(b, { clientId: APP2, offline: true });
    expect((await kit.exchange(kit.codeOf(auth)!, 'web-app')).status).toBe(403);
  });

  it('a mint with app 2\'s token reads app 2\'s can_create and rotation; app 1 may not mint', async () => {
    const b = kit.browser();
    const one = (await kit.webLogin(b, 'alice', true)).tokens.body.refresh_token as string;
    const two = (await kit.authorizeAndExchange(b, { clientId: APP2, offline: true })).tokens!.body.refresh_token as string;
    expect((await kit.mint(one, NETWORKS.home, 'web-app')).reason).toBe('client_not_allowed');
    const m = await kit.mint(two, NETWORKS.home, APP2);
    expect(m.status).toBe(200);
    expect(m.effects?.issued).toMatchObject({ transferTokens: ['stt1'], refreshTokens: ['rt3'] });
    expect(typeof m.body.refresh_token).toBe('string');
    const st = await state();
    expect(st.transferTokens[0]).toMatchObject({ id: 'stt1', family: 'rt2' });
  });

  it('R25 at app 2 reads app 2\'s allow_refresh_token, for a transfer login and for SSO on a transfer-born session', async () => {
    await kit.reset({ config: twoApps({}, { allow_refresh_token: false }) });
    const { b } = await kit.transferSession(); // at app 1: rt2 issued
    const sso = await kit.authorizeAndExchange(b, { clientId: APP2, offline: true });
    expect(sso.auth.outcome).toBe('logged_in');
    expect(sso.tokens?.status).toBe(200);
    expect(sso.tokens?.body.refresh_token).toBeUndefined();
    const { rt } = await kit.nativeLogin('alice');
    const at2 = await kit.authorizeAndExchange(kit.browser(), { clientId: APP2, stt: await kit.stt(rt), method: 'query', offline: true });
    expect(at2.auth.effects).toMatchObject({ outcome: 'logged_in', sessionCreated: true });
    expect(at2.tokens?.body.refresh_token).toBeUndefined();
    // an ordinary session is not gated
    const c = kit.browser();
    await kit.webLogin(c, 'alice');
    expect(typeof (await kit.authorizeAndExchange(c, { clientId: APP2, offline: true })).tokens?.body.refresh_token).toBe('string');
  });
});

describe('a redemption is judged by the redeeming client', () => {
  it('methods: a cookie token is ignored at app 2 (query only) and honoured at app 1', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    const b = kit.browser();
    const at2 = await kit.authorize(b, { clientId: APP2, stt, method: 'cookie' });
    expect(at2.effects).toMatchObject({ outcome: 'login_required', reason: 'no_session', consumed: [] });
    const at1 = await kit.authorize(b, { stt, method: 'cookie' });
    expect(at1.effects).toMatchObject({ outcome: 'logged_in', sessionCreated: true, consumed: ['stt1'] });
  });

  it('methods under A10 = invalid: method_not_allowed at app 2 only', async () => {
    await kit.reset({ config: twoApps(), interpretations: { A10: 'invalid' } });
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt);
    expect((await kit.authorize(kit.browser(), { clientId: APP2, stt, method: 'cookie' })).reason).toBe('method_not_allowed');
    expect((await kit.authorize(kit.browser(), { stt, method: 'cookie' })).outcome).toBe('logged_in');
  });

  it('binding: from another network, app 1 (ip) refuses and burns the token, app 2 (none) redeems another', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const one = await kit.stt(rt, NETWORKS.home);
    const two = await kit.stt(rt, NETWORKS.home);
    const away = kit.browser(NETWORKS.mobile);
    const at1 = await kit.authorize(away, { stt: one, method: 'query' });
    expect(at1.effects).toMatchObject({ outcome: 'login_required', reason: 'device_binding_failed', consumed: ['stt1'] });
    const at2 = await kit.authorize(away, { clientId: APP2, stt: two, method: 'query', offline: true });
    expect(at2.effects).toMatchObject({ outcome: 'logged_in', sessionCreated: true, consumed: ['stt2'] });
  });

  it('binding asn at app 2: the same ASN passes, another fails', async () => {
    await kit.reset({ config: twoApps({}, { enforce_device_binding: 'asn' }) });
    const { rt } = await kit.nativeLogin('alice');
    expect((await kit.authorize(kit.browser(NETWORKS.cafe), { clientId: APP2, stt: await kit.stt(rt), method: 'query' })).outcome).toBe('logged_in');
    expect((await kit.authorize(kit.browser(NETWORKS.mobile), { clientId: APP2, stt: await kit.stt(rt), method: 'query' })).reason).toBe('device_binding_failed');
  });
});

describe('the online rule reads the flag on the token, from its client at issue', () => {
  it('logout of a transfer-born session revokes app 1\'s online token and keeps app 2\'s offline one', async () => {
    const { b, webRt } = await kit.transferSession(); // rt2 at app 1
    const two = (await kit.authorizeAndExchange(b, { clientId: APP2, offline: true })).tokens!.body.refresh_token as string;
    expect((await state()).refreshTokens.map((r) => [r.id, r.client_id, r.online, r.parent])).toEqual([
      ['rt1', 'native-app', false, null], ['rt2', 'web-app', true, 'rt1'], ['rt3', APP2, false, 'rt1'],
    ]);
    const out = await kit.logout(b);
    expect(out.effects?.revoked).toMatchObject({ sessions: ['s1'], refreshTokens: ['rt2'] });
    expect((await kit.refresh(webRt, 'web-app')).status).toBe(403);
    expect((await kit.refresh(two, APP2)).status).toBe(200);
  });

  it('a later change of app 2\'s flag does not change a token already issued', async () => {
    const { b } = await kit.transferSession();
    await kit.authorizeAndExchange(b, { clientId: APP2, offline: true }); // rt3, offline
    await kit.patchClient(APP2, { session_transfer: { enforce_online_refresh_tokens: true } });
    await kit.authorizeAndExchange(b, { clientId: APP2, offline: true }); // rt4, online
    expect((await kit.logout(b)).effects?.revoked.refreshTokens).toEqual(['rt2', 'rt4']);
  });
});

describe('the cascade and the nesting ban reach every client\'s tokens', () => {
  it('revoking the native family revokes the transfer session and the tokens both apps got off it', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const b = kit.browser();
    const two = (await kit.authorizeAndExchange(b, { clientId: APP2, stt: await kit.stt(rt), method: 'query', offline: true })).tokens!.body.refresh_token as string;
    const one = (await kit.authorizeAndExchange(b, { offline: true })).tokens!.body.refresh_token as string;
    expect((await state()).refreshTokens.map((r) => [r.id, r.client_id, r.session])).toEqual([['rt1', 'native-app', null], ['rt2', APP2, 's1'], ['rt3', 'web-app', 's1']]);
    const r = await kit.revoke(rt);
    // rt3 (app 1, online) goes with the session by the online rule, rt2 (app 2, offline) by the cascade
    expect(r.effects?.revoked).toMatchObject({ sessions: ['s1'], refreshTokens: ['rt1', 'rt3', 'rt2'] });
    expect((await kit.refresh(two, APP2)).reason).toBe('refresh_token_revoked');
    expect((await kit.refresh(one, 'web-app')).reason).toBe('refresh_token_revoked');
  });

  it('app 2\'s token off a transfer-linked session may not mint, whichever app the transfer login was at; a token off an ordinary login may', async () => {
    const { b } = await kit.transferSession(); // the transfer login at app 1
    const sso = (await kit.authorizeAndExchange(b, { clientId: APP2, offline: true })).tokens!.body.refresh_token as string;
    expect((await kit.mint(sso, NETWORKS.home, APP2)).effects).toMatchObject({ outcome: 'rejected', reason: 'nested_transfer_forbidden' });
    const { rt } = await kit.nativeLogin('alice');
    const direct = (await kit.authorizeAndExchange(kit.browser(), { clientId: APP2, stt: await kit.stt(rt), method: 'query', offline: true })).tokens!.body
      .refresh_token as string;
    expect((await kit.mint(direct, NETWORKS.home, APP2)).reason).toBe('nested_transfer_forbidden');
    const c = kit.browser();
    const plain = (await kit.webLogin(c, 'alice', true, APP2)).tokens.body.refresh_token as string;
    expect((await kit.mint(plain, NETWORKS.home, APP2)).status).toBe(200);
  });
});

describe('seeded fault second-app-nests', () => {
  it('a later web app\'s token off a transfer-born session mints; the first app\'s is still refused', async () => {
    // both apps may mint, so that the first app's ban is there to keep
    const config = twoApps({ web: { can_create_session_transfer_token: true } });
    const scenario = async () => {
      const { rt } = await kit.nativeLogin('alice');
      const b = kit.browser();
      const two = (await kit.authorizeAndExchange(b, { clientId: APP2, stt: await kit.stt(rt), method: 'query', offline: true })).tokens!.body
        .refresh_token as string;
      const one = (await kit.authorizeAndExchange(b, { offline: true })).tokens!.body.refresh_token as string;
      return [(await kit.mint(two, NETWORKS.home, APP2)).status, (await kit.mint(one, NETWORKS.home, 'web-app')).reason];
    };
    await kit.reset({ config, faults: [] });
    expect(await scenario()).toEqual([403, 'nested_transfer_forbidden']);
    await kit.reset({ config, faults: ['second-app-nests'] });
    expect(await scenario()).toEqual([200, 'nested_transfer_forbidden']);
  });
});

describe('restart on the same --db', () => {
  it('keeps the web apps, in their order (the first is what second-app-nests spares), and their tokens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'n2w-webapps-'));
    const db = join(dir, 'tenant.sqlite');
    try {
      const config = parseConfig({ web: [{ client_id: 'zeta' }, { client_id: 'alpha' }] });
      let s = await startServer({ testMode: true, db, config });
      const k = new Kit(s.url, 'native-app', 'zeta');
      const b = k.browser();
      const rt = (await k.webLogin(b, 'alice', true, 'alpha')).tokens.body.refresh_token as string;
      await s.close();
      s = await startServer({ testMode: true, db });
      try {
        const st = (await new Kit(s.url).state()) as unknown as { clients: { client_id: string }[] };
        expect(st.clients.map((c) => c.client_id)).toEqual(['native-app', 'zeta', 'alpha']);
        expect((await new Kit(s.url).refresh(rt, 'alpha')).status).toBe(200);
      } finally {
        await s.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
