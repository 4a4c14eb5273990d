// reference-server/actions.test.ts: post-login Actions (MODEL.md §2) in the reference server: loading at
// /test/reset, deny and revoke, session deadlines (also across a restart), the Date the Action reads, and
// an Action that fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { useReferenceServer } from './test-server.js';
import { Kit, NETWORKS, REDIRECT_URI, n2wConfig, type Reply } from './testkit.js';

let kit: Kit;
useReferenceServer((k) => { kit = k; });

const FIXTURES = 'reference-server/test-fixtures';
/** N2W on, asn binding (home and cafe share an ASN, so the binding passes and the Action decides), with an Action. */
const withAction = (file: string, over: Parameters<typeof n2wConfig>[0] = {}) => ({
  ...n2wConfig({ web: { enforce_device_binding: 'asn' }, ...over }),
  actions: { 'post-login': `${FIXTURES}/${file}` },
});
const setUp = async (file: string, over?: Parameters<typeof n2wConfig>[0]) => {
  const r = await kit.reset({ config: withAction(file, over) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
const lastLog = async () => ((await kit.browser().request('/api/v2/logs?take=1')).body as unknown as Record<string, unknown>[])[0]!;
const errorOf = (r: Reply) => {
  const u = new URL(r.location!);
  return { error: u.searchParams.get('error'), description: u.searchParams.get('error_description'), code: u.searchParams.get('code') };
};

describe('loading the Action', () => {
  it('a module that does not export onExecutePostLogin, or is missing, or does not compile: 400 naming the file, tenant kept', async () => {
    await kit.reset({ config: n2wConfig() });
    await kit.nativeLogin('alice');
    for (const file of ['no-export.js', 'missing.js']) {
      const r = await kit.reset({ config: withAction(file) });
      expect(r.status).toBe(400);
      expect(r.body.message as string).toContain(`${FIXTURES}/${file}`);
    }
    const bad = await kit.reset({ config: { ...n2wConfig(), actions: { 'pre-user-registration': 'x.js' } } });
    expect(bad.status).toBe(400);
    expect((await kit.state()).refreshTokens).toHaveLength(1);
  });
});

describe('api.access.deny', () => {
  beforeEach(() => setUp('deny-other-ip.js'));

  it('a transfer login from another IP than the mint is denied: no session, no code, the token used up, an f log', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const stt = await kit.stt(rt, NETWORKS.home);
    const b = kit.browser(NETWORKS.cafe);
    const r = await kit.authorize(b, { stt, method: 'query' });
    expect(r.status).toBe(302);
    expect(r.location!.startsWith(REDIRECT_URI)).toBe(true);
    expect(errorOf(r)).toEqual({ error: 'access_denied', description: 'transfer token used from another IP than its mint', code: null });
    expect(r.effects).toMatchObject({ outcome: 'access_denied', reason: 'action_denied', consumed: ['stt1'], issued: { sessions: [] } });
    expect(b.cookies.has('auth0')).toBe(false);
    const st = await kit.state();
    expect(st.sessions).toEqual([]);
    expect(st.transferTokens[0]!.status).toBe('consumed');
    expect(await lastLog()).toMatchObject({
      type: 'f', description: 'transfer token used from another IP than its mint', client_id: 'web-app', user_id: 'alice', ip: NETWORKS.cafe,
      details: { triggered_by_session_transfer_token: true, session_transfer_token: 'stt1', parent_refresh_token: 'rt1', reason: 'action_denied' },
    });
    // the token is used up: a retry from the mint's IP finds nothing
    expect((await kit.authorize(kit.browser(NETWORKS.home), { stt })).reason).toBe('transfer_token_not_found_or_expired');
  });

  it('from the mint\'s IP, and every interactive login, pass', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const b = kit.browser(NETWORKS.home);
    expect((await kit.authorize(b, { stt: await kit.stt(rt) })).outcome).toBe('logged_in');
    expect((await lastLog()).type).toBe('s');
    const c = kit.browser(NETWORKS.mobile);
    expect((await kit.webLogin(c, 'mallory')).login.outcome).toBe('logged_in');
  });
});

describe('api.session.revoke', () => {
  beforeEach(() => setUp('revoke-on-transfer.js'));

  it('a transfer login into a same-user session revokes it (online rule) and clears the cookie', async () => {
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const { rt } = await kit.nativeLogin('alice');
    const r = await kit.authorize(b, { stt: await kit.stt(rt) });
    expect(errorOf(r).error).toBe('access_denied');
    expect(r.effects).toMatchObject({ outcome: 'access_denied', reason: 'action_denied', revoked: { sessions: ['s1'] }, consumed: ['stt1'] });
    expect(b.cookies.has('auth0')).toBe(false);
    expect((await kit.state()).sessions[0]).toMatchObject({ id: 's1', status: 'revoked', revoked_reason: 'action_revoked' });
    expect(await lastLog()).toMatchObject({ type: 'f', description: 'no transfer logins here', details: { reason: 'action_denied' } });
  });
});

describe('api.session.setExpiresAt / setIdleExpiresAt', () => {
  it('the session ends at the Action\'s deadline, not the tenant\'s lifetimes', async () => {
    await setUp('expire-in-ten-minutes.js');
    const b = kit.browser();
    await kit.webLogin(b, 'alice');
    const v = await kit.browser().request('/api/v2/sessions/s1');
    expect(v.body.expires_at).toBe('2026-01-01T00:10:00.000Z');
    expect((await kit.advance(599)).effects?.expired).toBeUndefined();
    expect((await kit.authorize(b)).outcome).toBe('logged_in'); // SSO: no Action, the deadline stays
    expect((await kit.advance(1)).effects?.expired?.sessions).toEqual(['s1']);
    expect((await kit.authorize(b)).reason).toBe('no_session');
  });

  it('an idle deadline ends the session unless a later login restarts the idle timer', async () => {
    await setUp('idle-five-minutes.js');
    const { rt } = await kit.nativeLogin('alice');
    const b = kit.browser();
    expect((await kit.authorize(b, { stt: await kit.stt(rt) })).outcome).toBe('logged_in');
    await kit.advance(240);
    expect((await kit.authorize(b)).outcome).toBe('logged_in'); // a login: the idle deadline is gone, the tenant's idle lifetime counts again
    expect((await kit.advance(300)).effects?.expired).toBeUndefined();
    const c = kit.browser();
    expect((await kit.authorize(c, { stt: await kit.stt(rt) })).outcome).toBe('logged_in'); // s2, idle deadline at +300 s
    expect((await kit.advance(300)).effects?.expired?.sessions).toEqual(['s2']);
  });

  it('the deadline is stored: it holds across a restart on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'n2w-action-'));
    const db = join(dir, 'tenant.sqlite');
    const config = withAction('expire-in-ten-minutes.js');
    try {
      const one = await startServer({ testMode: true, db, config });
      const k1 = new Kit(one.url);
      await k1.webLogin(k1.browser(), 'alice');
      await k1.advance(300);
      await one.close();
      const two = await startServer({ testMode: true, db, config });
      try {
        const k2 = new Kit(two.url);
        expect((await k2.advance(299)).effects?.expired).toBeUndefined();
        expect((await k2.advance(1)).effects?.expired?.sessions).toEqual(['s1']);
      } finally {
        await two.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the sandbox', () => {
  it('Date reads the test clock from 2026-01-01T00:00:00Z', async () => {
    await setUp('deny-after-first-hour.js');
    const b = kit.browser();
    expect((await kit.webLogin(b, 'alice')).login.outcome).toBe('logged_in');
    await kit.advance(3600);
    const r = await b.form('/login', { username: 'alice', password: 'password', client_id: 'web-app', redirect_uri: REDIRECT_URI });
    expect(errorOf(r)).toMatchObject({ error: 'access_denied', description: 'closed at 2026-01-01T01:00:00.000Z' });
    // the session the denied login would have re-authenticated is kept
    expect((await kit.state()).sessions[0]!.status).toBe('active');
    // without a client, the login page answers 403
    const j = await kit.browser().form('/login', { username: 'alice', password: 'password' });
    expect(j.status).toBe(403);
    expect(j.body).toEqual({ error: 'access_denied', error_description: 'closed at 2026-01-01T01:00:00.000Z' });
  });

  it('an Action that throws, or reads a field not offered, denies the login with an f log saying it failed', async () => {
    for (const [file, says] of [['throws.js', 'upstream check unavailable'], ['reads-unlisted.js', 'event.stats is not offered']] as const) {
      await setUp(file);
      const { rt } = await kit.nativeLogin('alice');
      const r = await kit.authorize(kit.browser(), { stt: await kit.stt(rt) });
      expect(errorOf(r).error, file).toBe('access_denied');
      expect(r.effects, file).toMatchObject({ outcome: 'access_denied', reason: 'action_failed', consumed: ['stt1'] });
      const log = await lastLog();
      expect(log, file).toMatchObject({ type: 'f', details: { reason: 'action_failed', triggered_by_session_transfer_token: true } });
      expect(log.description as string, file).toContain('The post-login Action failed');
      expect(log.description as string, file).toContain(says);
    }
  });

  it('offers no require and no way out through the api', async () => {
    await setUp('escape.js');
    const r = await kit.webLogin(kit.browser(), 'alice').catch(() => undefined);
    expect(r).toBeUndefined(); // denied: no code
    expect((await lastLog()).description).toBe('reached: blocked; require: undefined');
  });
});
