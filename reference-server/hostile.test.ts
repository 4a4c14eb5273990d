// The reference server against hostile input (issue 15's list): a Location that cannot be a header, a reset
// that would leave the tenant half wiped, the Management API without its token, the framework's own 4xx
// bodies, and a mint audience chosen by the request's Host header. Each answers 4xx in OAuth's vocabulary
// (the Management API in its own), changes nothing it refuses, and never answers 500.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, startServer, type RunningServer } from './server.js';
import { Kit, n2wConfig } from './testkit.js';

let s: RunningServer;
let kit: Kit;
beforeAll(async () => {
  s = await startServer({ testMode: true, config: n2wConfig({}) });
  kit = new Kit(s.url);
});
afterAll(async () => { await s.close(); });

/** A raw request, so that the Host header and the path are exactly what is given. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: s.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const oauthError = (text: string) => {
  const b = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(b).sort()).toEqual(['error', 'error_description']);
  return b;
};

describe('GET /v2/logout with a returnTo that cannot go into a Location header', () => {
  it.each([['CR/LF', 'http://a.example/\r\nSet-Cookie: x=y'], ['NUL', 'http://a.example/\u0000'], ['U+0100', 'http://a.example/\u0100'], ['DEL', 'http://a.example/\u007f']])('%s: 400 invalid_request, and the session is not ended', async (_, returnTo) => {
    await kit.reset();
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const r = await b.request(`/v2/logout?returnTo=${encodeURIComponent(returnTo)}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/returnTo/) });
    expect((await kit.state()).sessions.map((x) => x.status)).toEqual(['active']);
  });
});

describe('POST /test/reset is atomic', () => {
  it('a world it refuses answers 400 naming the field and leaves the previous tenant as it was', async () => {
    await kit.reset();
    await kit.nativeLogin('alice');
    const before = await kit.state();
    const r = await kit.reset({ config: { world: { users: [{ name: 'a' }, { name: 'a' }], networks: [{ ip: '192.0.2.1', asn: 1 }] } } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/config\.world\.users\[1\]: the same name as config\.world\.users\[0\]/);
    expect(await kit.state()).toEqual(before);
  });

  it('a configuration the store refuses midway (one it was never meant to be given) rolls back whole', async () => {
    await kit.reset();
    await kit.nativeLogin('alice');
    const before = await kit.state();
    const good = resolveConfig(n2wConfig({}));
    const twice = { ...good, users: [good.users[0]!, good.users[0]!] };
    expect(() => s.tenant.reset(twice)).toThrow(/UNIQUE/);
    expect(await kit.state()).toEqual(before);
    expect((await kit.nativeLogin('alice')).rt).toMatch(/./); // and still answers as before
  });
});

describe('the Management API requires its bearer token', () => {
  it.each([['no token', {}], ['another token', { authorization: 'Bearer nope' }], ['not a bearer', { authorization: `Basic ${s?.managementToken ?? ''}` }]])('%s: 401 invalid_token', async (_, headers) => {
    for (const path of ['/api/v2/logs', '/api/v2/sessions/s1', '/api/v2/clients/web-app']) {
      const r = await raw('GET', path, headers as Record<string, string>);
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ statusCode: 401, errorCode: 'invalid_token' });
    }
    const revoke = await raw('POST', '/api/v2/sessions/s1/revoke', headers as Record<string, string>);
    expect(revoke.status).toBe(401);
  });

  it('with it: answered', async () => {
    expect((await raw('GET', '/api/v2/logs', { authorization: `Bearer ${s.managementToken}` })).status).toBe(200);
  });
});

describe("the framework's refusals, in OAuth's vocabulary", () => {
  it('a path parameter over the router\'s limit: 4xx invalid_request, no framework fields', async () => {
    const r = await raw('GET', `/api/v2/sessions/${'a'.repeat(150)}`, { authorization: `Bearer ${s.managementToken}` });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(oauthError(r.body).error).toBe('invalid_request');
  });

  it.each([['a malformed percent-escape in a path parameter', '/api/v2/sessions/%zz'], ['a bad JSON body', '/oauth/token']])('%s: 400 invalid_request', async (what, path) => {
    const r = what.includes('JSON')
      ? await raw('POST', path, { 'content-type': 'application/json' }, '{')
      : await raw('GET', path, { authorization: `Bearer ${s.managementToken}` });
    expect(r.status).toBe(400);
    expect(oauthError(r.body).error).toBe('invalid_request');
  });
});

describe('the mint audience (R6) names the configured domain, whatever the Host header says', () => {
  it('urn:{Host}:session_transfer with another Host is refused; urn:{domain}:session_transfer mints', async () => {
    await kit.reset();
    const { rt } = await kit.nativeLogin('alice');
    const body = (aud: string) => new URLSearchParams({ grant_type: 'refresh_token', client_id: 'native-app', refresh_token: rt, audience: aud }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'attacker.example' };
    const spoofed = await raw('POST', '/oauth/token', form, body('urn:attacker.example:session_transfer'));
    expect(spoofed.status).toBe(403);
    expect(oauthError(spoofed.body).error).toBe('access_denied');
    const real = await raw('POST', '/oauth/token', form, body('urn:n2w.test:session_transfer'));
    expect(real.status).toBe(200);
    expect(JSON.parse(real.body).issued_token_type).toMatch(/session_transfer/);
  });
});
