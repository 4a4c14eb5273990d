import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './main.js';
import { type RunningServer, startServer } from './server.js';
import { Kit, NETWORKS, n2wConfig } from './testkit.js';

const here = dirname(fileURLToPath(import.meta.url));
const OPEN = n2wConfig({ rotation: 'rotating' });

describe('atomic single use', () => {
  it('two (and twenty) concurrent redemptions of one token give exactly one session', async () => {
    const s = await startServer({ testMode: true, config: OPEN });
    try {
      const kit = new Kit(s.url);
      for (const n of [2, 20]) {
        await kit.reset();
        const { rt } = await kit.nativeLogin('alice');
        const stt = await kit.stt(rt);
        const replies = await Promise.all(
          Array.from({ length: n }, (_, i) => kit.authorize(kit.browser(), { stt, method: i % 2 === 0 ? 'query' : 'cookie' })),
        );
        const ok = replies.filter((r) => r.outcome === 'logged_in');
        expect(ok.length).toBe(1);
        expect(replies.filter((r) => r.reason === 'transfer_token_not_found_or_expired').length).toBe(n - 1);
        const st = await kit.state();
        expect(st.sessions.length).toBe(1);
        expect(st.transferTokens[0]!.status).toBe('consumed');
      }
      // The seeded fault breaks exactly this.
      await kit.reset({ faults: ['reusable-transfer-token'] });
      const { rt } = await kit.nativeLogin('alice');
      const stt = await kit.stt(rt);
      const replies = await Promise.all([0, 1].map(() => kit.authorize(kit.browser(), { stt })));
      expect(replies.filter((r) => r.outcome === 'logged_in').length).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe('persistence', () => {
  it('restarting on the same --db file loses no session or token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'n2w-ref-'));
    const db = join(dir, 'tenant.sqlite');
    try {
      const s1 = await startServer({ testMode: true, db, config: OPEN });
      const k1 = new Kit(s1.url);
      const { rt } = await k1.nativeLogin('alice');
      const m = await k1.mint(rt); // rotates rt1 -> rt2
      const rt2 = m.body.refresh_token as string;
      const laptop = k1.browser();
      const { tokens } = await k1.authorizeAndExchange(laptop, { stt: m.body.access_token as string, offline: true });
      const webRt = tokens!.body.refresh_token as string;
      const pending = await k1.stt(rt2); // rotates rt2 -> rt3, not redeemed yet
      expect((await k1.state()).refreshTokens.map((r) => r.id)).toEqual(['rt1', 'rt2', 'rt3', 'rt4']); // rt3 is the web RT
      await k1.patchClient('web-app', { session_transfer: { enforce_device_binding: 'asn' } });
      const before = await k1.state();
      await s1.close();

      const s2 = await startServer({ testMode: true, db, config: {} }); // the stored tenant wins over the config
      try {
        const k2 = new Kit(s2.url);
        const after = await k2.state();
        expect(after.refreshTokens).toEqual(before.refreshTokens);
        expect(after.transferTokens).toEqual(before.transferTokens);
        expect(after.sessions).toEqual(before.sessions);
        expect(((after as unknown as { clients: { role: string; session_transfer: { enforce_device_binding: string } }[] }).clients.find((c) => c.role === 'web'))!.session_transfer.enforce_device_binding).toBe('asn');
        // the browser's session cookie still works (standard SSO)
        const b2 = k2.browser();
        for (const [k, v] of laptop.cookies) b2.cookies.set(k, v);
        const sso = await k2.authorize(b2);
        expect(sso.effects).toMatchObject({ outcome: 'logged_in', session: 's1', sessionCreated: false });
        // the web refresh token still refreshes; the rotated native one is still detected as reused
        expect((await k2.refresh(webRt, 'web-app')).status).toBe(200);
        // the pending transfer token still redeems (from the same carrier: asn binding now)
        const a = await k2.authorize(k2.browser(NETWORKS.cafe), { stt: pending });
        expect(a.effects).toMatchObject({ outcome: 'logged_in', session: 's2' });
        // ids continue where they stopped
        const { rt: next } = await k2.nativeLogin('mallory');
        expect(next).toBeTruthy();
        expect((await k2.state()).refreshTokens.at(-1)!.id).toBe('rt5');
        expect((await k2.refresh(rt)).reason).toBe('refresh_token_reused');
      } finally {
        await s2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Raw HTTP, so that malformed requests reach the server as written. */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    // the Management API's token (vitest.config.ts), unless the case sends its own
    const auth = path.startsWith('/api/v2/') && !headers.authorization ? { authorization: `Bearer ${process.env.N2W_MANAGEMENT_TOKEN}` } : {};
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { ...auth, ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('malformed requests get 4xx (400 for bad input), never 500', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ testMode: true, config: OPEN });
  });
  afterAll(async () => {
    await s.close();
  });

  const JSON_H = { 'content-type': 'application/json' };
  const FORM_H = { 'content-type': 'application/x-www-form-urlencoded' };
  const cases: [string, string, string, Record<string, string>, string | undefined, number][] = [
    ['bad JSON', 'POST', '/oauth/token', JSON_H, '{"grant_type":', 400],
    ['empty JSON body', 'POST', '/oauth/token', JSON_H, '', 400],
    ['JSON array body', 'POST', '/oauth/token', JSON_H, '[1,2]', 400],
    ['JSON string body', 'POST', '/oauth/token', JSON_H, '"x"', 400],
    ['JSON null body', 'POST', '/oauth/token', JSON_H, 'null', 400],
    ['no body', 'POST', '/oauth/token', {}, undefined, 400],
    ['missing grant_type', 'POST', '/oauth/token', JSON_H, '{"client_id":"native-app"}', 400],
    ['number grant_type', 'POST', '/oauth/token', JSON_H, '{"grant_type":5,"client_id":"native-app"}', 400],
    ['unknown grant', 'POST', '/oauth/token', JSON_H, '{"grant_type":"magic","client_id":"native-app"}', 400],
    ['object refresh_token', 'POST', '/oauth/token', JSON_H, '{"grant_type":"refresh_token","client_id":"native-app","refresh_token":{"a":1}}', 400],
    ['duplicate form params', 'POST', '/oauth/token', FORM_H, 'grant_type=password&grant_type=refresh_token&client_id=native-app', 400],
    ['missing password', 'POST', '/oauth/token', FORM_H, 'grant_type=password&client_id=native-app&username=alice', 400],
    ['proto pollution', 'POST', '/oauth/token', JSON_H, '{"__proto__":{"x":1},"grant_type":"password"}', 400],
    ['bad forwarded-for', 'POST', '/oauth/token', { ...FORM_H, 'auth0-forwarded-for': 'not-an-ip' }, 'grant_type=refresh_token&client_id=native-app&refresh_token=x', 400],
    ['authorize without client_id', 'GET', '/authorize?redirect_uri=http://a/b&response_type=code', {}, undefined, 400],
    ['authorize unknown client', 'GET', '/authorize?client_id=nope&redirect_uri=http://a/b&response_type=code', {}, undefined, 400],
    ['authorize bad redirect_uri', 'GET', '/authorize?client_id=web-app&redirect_uri=javascript:alert(1)&response_type=code', {}, undefined, 400],
    ['authorize relative redirect_uri', 'GET', '/authorize?client_id=web-app&redirect_uri=/cb&response_type=code', {}, undefined, 400],
    ['authorize token response_type', 'GET', '/authorize?client_id=web-app&redirect_uri=http://a/b&response_type=token', {}, undefined, 400],
    ['authorize repeated client_id', 'GET', '/authorize?client_id=web-app&client_id=x&redirect_uri=http://a/b&response_type=code', {}, undefined, 400],
    ['authorize bad percent-encoding', 'GET', '/authorize?client_id=%E0%A4%A&redirect_uri=http://a/b&response_type=code', {}, undefined, 400],
    ['garbage cookie', 'GET', '/authorize?client_id=web-app&redirect_uri=http://a/b&response_type=code', { cookie: 'auth0=%%%; ;;=; auth0_session_transfer_token=%' }, undefined, 302],
    ['login without password', 'POST', '/login', JSON_H, '{"username":"alice"}', 400],
    ['login half a client', 'POST', '/login', JSON_H, '{"username":"alice","password":"password","client_id":"web-app"}', 400],
    ['revoke without token', 'POST', '/oauth/revoke', JSON_H, '{"client_id":"native-app"}', 400],
    ['logout bad returnTo', 'GET', '/v2/logout?returnTo=javascript:x', {}, undefined, 400],
    ['patch bad type', 'PATCH', '/api/v2/clients/web-app', JSON_H, '{"session_transfer":{"allow_refresh_token":"yes"}}', 400],
    ['patch bad method', 'PATCH', '/api/v2/clients/web-app', JSON_H, '{"session_transfer":{"allowed_authentication_methods":["cookie","carrier-pigeon"]}}', 400],
    ['patch methods not array', 'PATCH', '/api/v2/clients/web-app', JSON_H, '{"session_transfer":{"allowed_authentication_methods":"cookie"}}', 400],
    ['patch bad rotation', 'PATCH', '/api/v2/clients/native-app', JSON_H, '{"refresh_token":{"rotation_type":"sometimes"}}', 400],
    ['patch array body', 'PATCH', '/api/v2/clients/web-app', JSON_H, '[]', 400],
    ['patch bad JSON', 'PATCH', '/api/v2/clients/web-app', JSON_H, '{', 400],
    ['patch unknown client', 'PATCH', '/api/v2/clients/nope', JSON_H, '{}', 404],
    ['session unknown', 'GET', '/api/v2/sessions/nope', {}, undefined, 404],
    ['clock negative', 'POST', '/test/clock', JSON_H, '{"seconds":-5}', 400],
    ['clock string', 'POST', '/test/clock', JSON_H, '{"seconds":"soon"}', 400],
    ['reset bad config', 'POST', '/test/reset', JSON_H, '{"config":{"web":{"session_transfer":{"enforce_device_binding":"gps"}}}}', 400],
    ['unsupported content type', 'POST', '/oauth/token', { 'content-type': 'text/xml' }, '<a/>', 415],
    ['body too large', 'POST', '/oauth/token', JSON_H, JSON.stringify({ grant_type: 'x'.repeat(200_000) }), 413],
    ['unknown route', 'GET', '/nope', {}, undefined, 404],
  ];

  for (const [name, method, path, headers, body, expected] of cases) {
    it(`${name} -> ${expected}`, async () => {
      const r = await raw(s.url, method, path, headers, body);
      expect(r.status, r.body).toBe(expected);
      if (r.status === 400) {
        const parsed = JSON.parse(r.body) as Record<string, unknown>;
        expect(parsed.error ?? parsed.errorCode).toBeTruthy();
      }
    });
  }

  it('a random fuzz of parameters never gives a 5xx', async () => {
    const values = [undefined, '', 'x', 'native-app', 'web-app', 'password', 'refresh_token', 'authorization_code', 'urn:n2w.test:session_transfer', '%00', '\u0000', 'a'.repeat(5000)];
    const keys = ['grant_type', 'client_id', 'refresh_token', 'audience', 'username', 'password', 'code', 'redirect_uri', 'organization', 'token'];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const p = new URLSearchParams();
      for (const k of keys) {
        const v = values[rnd(values.length)];
        if (v !== undefined) p.append(k, v);
      }
      const path = ['/oauth/token', '/oauth/revoke', '/login', `/authorize?${p.toString()}&response_type=code`][rnd(4)]!;
      const method = path.startsWith('/authorize') ? 'GET' : 'POST';
      const r = await raw(s.url, method, path, method === 'POST' ? FORM_H : {}, method === 'POST' ? p.toString() : undefined);
      expect(r.status, `${method} ${path} ${p.toString().slice(0, 200)} -> ${r.body}`).toBeLessThan(500);
    }
  });
});

describe('without --test-mode', () => {
  it('ignores auth0-forwarded-for and hides /test/*', async () => {
    const s = await startServer({ config: OPEN });
    try {
      const kit = new Kit(s.url);
      expect((await kit.browser().request('/test/state')).status).toBe(404);
      const { rt } = await kit.nativeLogin('alice', NETWORKS.home);
      const stt = await kit.stt(rt, NETWORKS.home);
      // Both requests come from 127.0.0.1: the header is not trusted, so the binding holds.
      const a = await kit.authorize(kit.browser(NETWORKS.mobile), { stt });
      expect(a.outcome).toBe('logged_in');
      expect(a.effects).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});

describe('CLI', () => {
  it('unknown fault, bad port and bad config exit 2 with a clear message', async () => {
    const errs: string[] = [];
    const r = await runCli(['--fault', 'typo-fault'], () => {}, (s) => errs.push(s));
    expect(r.code).toBe(2);
    expect(errs.join('')).toMatch(/unknown fault "typo-fault"/);
    expect((await runCli(['--port', 'abc'], () => {}, () => {})).code).toBe(2);
    expect((await runCli(['--bogus'], () => {}, () => {})).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'n2w-ref-'));
    try {
      const f = join(dir, 'c.json');
      writeFileSync(f, JSON.stringify({ web: { session_transfer: { enforce_device_binding: 'gps' } } }));
      const e2: string[] = [];
      expect((await runCli(['--config', f], () => {}, (s) => e2.push(s))).code).toBe(2);
      expect(e2.join('')).toMatch(/config\.web\.session_transfer\.enforce_device_binding/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts, prints the listening line, and takes --config and --interpretations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'n2w-ref-'));
    try {
      const f = join(dir, 'c.json');
      writeFileSync(f, JSON.stringify({ config: OPEN, interpretations: { A8: false }, steps: [] }));
      const out: string[] = [];
      const r = await runCli(['--port', '0', '--test-mode', '--config', f, '--interpretations', '{"A6":true}', '--fault', 'no-expiry'], (s) => out.push(s));
      try {
        expect(r.code).toBe(0);
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\nManagement API token \(Authorization: Bearer \.\.\.; N2W_MANAGEMENT_TOKEN sets it\): n2w-test-management-token\n$/.exec(out.join(''));
        expect(m).not.toBeNull();
        const st = await new Kit(m![1]!).state();
        expect(st.interpretations).toMatchObject({ A6: true, A8: false, A10: 'ignored' });
        expect(st.faults).toEqual(['no-expiry']);
      } finally {
        await r.close?.();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const built = join(here, '..', 'dist', 'reference-server', 'main.js');
  it.skipIf(!existsSync(built))('the built entry point exits 2 on an unknown fault', async () => {
    const child = spawn(process.execPath, [built, '--fault', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(code).toBe(2);
    expect(err).toMatch(/unknown fault "nope"/);
  });
});
