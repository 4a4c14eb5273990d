// A client no one here wrote (issue 15, item 4): Auth0's Node SDK (`auth0` on npm, its AuthenticationClient
// from `auth0/legacy`) drives a whole Native to Web flow against the reference server. The request
// react-native-auth0 sends for a transfer token (JSON body, audience `urn:HOST[:PORT]:session_transfer`) is
// rebuilt from that SDK's source, not run (reference-server/README.md, "What real SDKs needed", says why).
// The answers expected are MODEL.md's, as in flows.test.ts.

import { AuthApiError, AuthenticationClient } from 'auth0/legacy';
import { beforeEach, describe, expect, it } from 'vitest';
import { useReferenceServer } from './test-server.js';
import { type Kit, NETWORKS, REDIRECT_URI, type N2wOptions, n2wConfig } from './testkit.js';

/** The tenant's configured domain (config.ts DEFAULT_DOMAIN): the SDK is told this, as an app would be. */
const DOMAIN = 'n2w.test';

/** What the SDK put on the wire, as the server received it. */
interface Sent {
  method: string;
  path: string;
  contentType: string | null;
  auth0Client: string | null;
  body: Record<string, unknown>;
}

let kit: Kit;
useReferenceServer((k) => (kit = k));
/** the port the server listens on */
const port = () => Number(new URL(kit.url).port);

const reset = async (over: N2wOptions = {}) => expect((await kit.reset({ config: n2wConfig(over) })).status).toBe(200);
beforeEach(() => reset());

/**
 * The SDK's `fetch`: what name resolution and a TLS terminator would do in front of the server. The SDK
 * always calls `https://{domain}`; this sends it to the server's http address instead, from `ip` (test mode's
 * `auth0-forwarded-for`, the network the device is on), and records each request.
 */
function resolveToServer(sent: Sent[], ip: string = NETWORKS.home) {
  return async (input: URL | RequestInfo, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.origin !== `https://${DOMAIN}`) throw new Error(`the SDK called ${url.origin}, not the tenant's domain`);
    const headers = new Headers(init.headers);
    headers.set('auth0-forwarded-for', ip);
    const raw = init.body;
    const body = raw instanceof URLSearchParams ? Object.fromEntries(raw) : typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : {};
    sent.push({ method: init.method ?? 'GET', path: url.pathname, contentType: headers.get('content-type'), auth0Client: headers.get('auth0-client'), body });
    return fetch(kit.url + url.pathname + url.search, { ...init, headers, redirect: 'manual' });
  };
}

/**
 * An AuthenticationClient for one of the tenant's apps. The SDK refuses every grant without client
 * authentication, so it gets a secret; the reference server has no client secrets and ignores it.
 */
function sdk(clientId: string, sent: Sent[], ip?: string): AuthenticationClient {
  return new AuthenticationClient({ domain: DOMAIN, clientId, clientSecret: `${clientId}-secret`, fetch: resolveToServer(sent, ip) });
}

/** The SDK's error for a refused request, or a failure when the request was not refused. */
async function refusal(p: Promise<unknown>): Promise<AuthApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the request was not refused').toBeInstanceOf(AuthApiError);
  return e as AuthApiError;
}

describe('the auth0 Node SDK (AuthenticationClient) against the reference server', () => {
  it('carries a whole flow: password grant, mint, redemption, code exchange, web refresh, revocation and its cascade (R1, R15, R25, R26)', async () => {
    const sent: Sent[] = [];
    const native = sdk('native-app', sent);
    const web = sdk('web-app', sent);

    // NATIVE_LOGIN
    const login = await native.oauth.passwordGrant({ username: 'alice', password: 'password', scope: 'openid offline_access' });
    expect(login.status).toBe(200);
    expect(login.data.token_type).toBe('Bearer');
    const rt = login.data.refresh_token!;
    expect(rt).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // MINT_TRANSFER_TOKEN: the SDK's refresh-token grant with the session_transfer audience
    const mint = await native.oauth.refreshTokenGrant({ refresh_token: rt, audience: `urn:${DOMAIN}:session_transfer` });
    expect(mint.status).toBe(200);
    expect(mint.data).toMatchObject({ issued_token_type: 'urn:auth0:params:oauth:token-type:session_transfer_token', token_type: 'N_A', expires_in: 60 });
    expect(mint.data.refresh_token).toBeUndefined(); // non-rotating
    const stt = mint.data.access_token;

    // the browser: /authorize with the token in the cookie (a plain fetch, as a browser would follow the link)
    const b = kit.browser(NETWORKS.home);
    const auth = await kit.authorize(b, { stt, method: 'cookie', offline: true });
    expect(auth.status).toBe(302);
    expect(auth.outcome).toBe('logged_in');
    expect(auth.effects).toMatchObject({ session: 's1', user: 'alice', sessionCreated: true, consumed: ['stt1'] });
    const code = kit.codeOf(auth)!;

    // the web app's back end: code exchange (R25: offline_access and allow_refresh_token give an RT)
    const tokens = await web.oauth.authorizationCodeGrant({ code, redirect_uri: REDIRECT_URI });
    expect(tokens.status).toBe(200);
    expect(tokens.data.token_type).toBe('Bearer');
    const webRt = tokens.data.refresh_token!;
    expect(webRt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // a code is single-use
    const replay = await refusal(web.oauth.authorizationCodeGrant({ code, redirect_uri: REDIRECT_URI }));
    expect([replay.statusCode, replay.error]).toEqual([403, 'invalid_grant']);

    // REFRESH by the web app
    const refreshed = await web.oauth.refreshTokenGrant({ refresh_token: webRt });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.data.access_token).toBe('string');

    // REVOKE the native refresh token: the cascade ends the web session and its refresh token (R26)
    const revoked = await native.oauth.revokeRefreshToken({ token: rt });
    expect(revoked.status).toBe(200);
    const st = await kit.state();
    expect(st.refreshTokens.map((r) => [r.id, r.client_id, r.status])).toEqual([
      ['rt1', 'native-app', 'revoked'],
      ['rt2', 'web-app', 'revoked'],
    ]);
    expect(st.sessions.map((s) => [s.id, s.status, s.parent])).toEqual([['s1', 'revoked', 'rt1']]);
    const dead = await refusal(web.oauth.refreshTokenGrant({ refresh_token: webRt }));
    expect([dead.statusCode, dead.error]).toEqual([403, 'invalid_grant']);
    expect(dead.headers.get('x-n2w-reason')).toBe('refresh_token_revoked');
    expect((await kit.authorize(b)).reason).toBe('no_session');

    // what the SDK sent: forms to /oauth/token, JSON to /oauth/revoke, its client secret and Auth0-Client header on each
    expect(sent.map((s) => [s.method, s.path, s.contentType, s.body.grant_type ?? null])).toEqual([
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'password'],
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'refresh_token'],
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'authorization_code'],
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'authorization_code'],
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'refresh_token'],
      ['POST', '/oauth/revoke', 'application/json', null],
      ['POST', '/oauth/token', 'application/x-www-form-urlencoded', 'refresh_token'],
    ]);
    for (const s of sent) {
      expect(s.body.client_secret).toBe(`${s.body.client_id as string}-secret`);
      expect(s.auth0Client).toMatch(/^[A-Za-z0-9+/=_-]+$/);
    }
    expect(sent[1]!.body.audience).toBe(`urn:${DOMAIN}:session_transfer`);
  });

  it('with rotation: the mint hands the SDK a rotated refresh token, and reuse of the old one revokes the family and the transfer session', async () => {
    await reset({ rotation: 'rotating' });
    const sent: Sent[] = [];
    const native = sdk('native-app', sent);
    const rt = (await native.oauth.passwordGrant({ username: 'alice', password: 'password' })).data.refresh_token!;
    const mint = await native.oauth.refreshTokenGrant({ refresh_token: rt, audience: `urn:${DOMAIN}:session_transfer` });
    const rotated = mint.data.refresh_token!;
    expect(typeof rotated).toBe('string');
    expect(rotated).not.toBe(rt);
    expect((await kit.authorize(kit.browser(), { stt: mint.data.access_token, method: 'query' })).outcome).toBe('logged_in');

    const reuse = await refusal(native.oauth.refreshTokenGrant({ refresh_token: rt }));
    expect([reuse.statusCode, reuse.error]).toEqual([403, 'invalid_grant']);
    expect(reuse.headers.get('x-n2w-reason')).toBe('refresh_token_reused');
    const again = await refusal(native.oauth.refreshTokenGrant({ refresh_token: rotated }));
    expect(again.headers.get('x-n2w-reason')).toBe('refresh_token_revoked');
    expect((await kit.state()).sessions.map((s) => [s.id, s.status])).toEqual([['s1', 'revoked']]);
  });

  it('refusals reach the SDK as AuthApiError with OAuth\'s error and description', async () => {
    const sent: Sent[] = [];
    const native = sdk('native-app', sent);
    const wrong = await refusal(native.oauth.passwordGrant({ username: 'alice', password: 'nope' }));
    expect([wrong.statusCode, wrong.error]).toEqual([403, 'invalid_grant']);
    expect(wrong.error_description).toBeTruthy();

    await reset({ native: { can_create_session_transfer_token: false } });
    const rt = (await native.oauth.passwordGrant({ username: 'alice', password: 'password' })).data.refresh_token!;
    const notAllowed = await refusal(native.oauth.refreshTokenGrant({ refresh_token: rt, audience: `urn:${DOMAIN}:session_transfer` }));
    expect([notAllowed.statusCode, notAllowed.error]).toEqual([403, 'unauthorized_client']);
    expect(notAllowed.headers.get('x-n2w-reason')).toBe('client_not_allowed');

    const otherTenant = await refusal(native.oauth.refreshTokenGrant({ refresh_token: rt, audience: 'urn:other.example:session_transfer' }));
    expect([otherTenant.statusCode, otherTenant.error]).toEqual([403, 'access_denied']);

    const stranger = await refusal(sdk('nobody', sent).oauth.passwordGrant({ username: 'alice', password: 'password' }));
    expect([stranger.statusCode, stranger.error]).toEqual([401, 'invalid_client']);
  });
});

describe("react-native-auth0's transfer-token request", () => {
  /**
   * The request react-native-auth0 (5.11, src/core/services/AuthenticationOrchestrator.ts, ssoExchange)
   * sends, rebuilt here from its source: a JSON body to /oauth/token, its base64 Auth0-Client header, and
   * the audience `urn:${new URL('https://' + domain).host}:session_transfer`, so an app configured with a
   * domain that carries a port puts the port into the audience.
   */
  async function ssoExchange(appDomain: string, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const host = new URL(`https://${appDomain}`).host;
    const res = await fetch(`${kit.url}/oauth/token`, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'Auth0-Client': Buffer.from(JSON.stringify({ name: 'react-native-auth0', version: '5.11.1' })).toString('base64'),
        'auth0-forwarded-for': NETWORKS.home,
      },
      body: JSON.stringify({ client_id: 'native-app', grant_type: 'refresh_token', audience: `urn:${host}:session_transfer`, refresh_token: refreshToken }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('mints with the configured domain, with or without the port the server listens on, and the token redeems', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const plain = await ssoExchange(DOMAIN, rt);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ issued_token_type: 'urn:auth0:params:oauth:token-type:session_transfer_token', token_type: 'N_A', expires_in: 60 });

    const withPort = await ssoExchange(`${DOMAIN}:${port()}`, rt);
    expect(withPort.status).toBe(200);
    expect(withPort.body.issued_token_type).toBe('urn:auth0:params:oauth:token-type:session_transfer_token');
    const auth = await kit.authorize(kit.browser(NETWORKS.home), { stt: withPort.body.access_token as string, method: 'query' });
    expect(auth.outcome).toBe('logged_in');

    // both mints are logged with the tenant's audience (R6), whichever form named it
    const logs = (await kit.browser().request('/api/v2/logs?sort=date:1&per_page=100')).body as unknown as { type: string; details: { audience?: string } }[];
    expect(logs.filter((l) => l.type === 'sertft').map((l) => l.details.audience)).toEqual([`urn:${DOMAIN}:session_transfer`, `urn:${DOMAIN}:session_transfer`]);
  });

  it('another port, or the address the request reached (its Host), is not the tenant\'s audience: 403 access_denied', async () => {
    const { rt } = await kit.nativeLogin('alice');
    for (const appDomain of [`${DOMAIN}:${port() + 1}`, new URL(kit.url).host, `localhost:${port()}`]) {
      const r = await ssoExchange(appDomain, rt);
      expect([r.status, r.body.error], appDomain).toEqual([403, 'access_denied']);
    }
    expect((await kit.state()).transferTokens).toEqual([]);
  });
});
