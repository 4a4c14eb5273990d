// reference-server/logs.test.ts: the log events each request writes (MODEL.md §4 "Logs") and GET /api/v2/logs
// in the Management API's shape: fields, order, checkpoint and page paging, bad parameters, a reset, a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { useReferenceServer } from './test-server.js';
import { Kit, NETWORKS, n2wConfig } from './testkit.js';
import { WARNINGS } from './tenant.js';

let kit: Kit;
useReferenceServer((k) => { kit = k; });

interface Log { log_id: string; date: string; type: string; description: string; client_id: string | null; client_name?: string; user_id: string | null; ip: string | null; details: Record<string, unknown> }

const logs = async (query = ''): Promise<Log[]> => {
  const r = await kit.browser().request(`/api/v2/logs${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(Array.isArray(r.body)).toBe(true);
  return r.body as unknown as Log[];
};
/** Everything, oldest first. */
const all = async () => (await logs('?per_page=100')).reverse();

describe('the log events', () => {
  beforeEach(async () => {
    expect((await kit.reset({ config: n2wConfig({ rotation: 'rotating' }) })).status).toBe(200);
  });

  it('one per step, in the Management API shape, newest first, with the test clock', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const m = await kit.mint(rt);
    expect(m.status).toBe(200);
    const b = kit.browser();
    await kit.advance(30);
    expect((await kit.authorize(b, { stt: m.body.access_token as string })).outcome).toBe('logged_in');
    const got = await logs();
    expect(got.map((l) => l.type)).toEqual(['s', 'sertft', 's']);
    const [login, mint, native] = got;
    expect(Object.keys(native!).sort()).toEqual(['client_id', 'client_name', 'date', 'description', 'details', 'ip', 'log_id', 'type', 'user_id']);
    expect(native).toMatchObject({ date: '2026-01-01T00:00:00.000Z', client_id: 'native-app', client_name: 'Native App', user_id: 'alice', ip: NETWORKS.home });
    expect(native!.details).toEqual({ triggered_by_session_transfer_token: false, issued_refresh_token: 'rt1' });
    expect(mint!.details).toEqual({ audience: 'urn:n2w.test:session_transfer', refresh_token: 'rt1', session_transfer_token: 'stt1', rotated_to: 'rt2', asn: 64500 });
    expect(login).toMatchObject({ date: '2026-01-01T00:00:30.000Z', client_id: 'web-app', user_id: 'alice' });
    expect(login!.details).toEqual({ triggered_by_session_transfer_token: true, session_id: 's1', session_transfer_token: 'stt1', parent_refresh_token: 'rt1', asn: 64500 });
    // log_ids order the events
    expect([...got].map((l) => l.log_id).sort().reverse()).toEqual(got.map((l) => l.log_id));
  });

  it('refusals, reuse, warnings, SSO, revocations and logouts', async () => {
    const { rt } = await kit.nativeLogin('alice');
    const r2 = (await kit.refresh(rt)).body.refresh_token as string; // rt1 rotated to rt2
    expect((await kit.refresh(rt)).reason).toBe('refresh_token_reused'); // the family is revoked
    const stt = await kit.stt((await kit.nativeLogin('alice')).rt); // rt3, stt1
    const b = kit.browser(NETWORKS.mobile);
    expect((await kit.authorize(b, { stt })).reason).toBe('device_binding_failed');
    await kit.webLogin(b, 'alice');
    expect((await kit.authorize(b)).outcome).toBe('logged_in');
    await kit.logout(b);
    await kit.webLogin(b, 'alice');
    await kit.adminRevokeSession('s2');
    expect((await kit.revoke(r2)).status).toBe(200); // already revoked: no log
    const got = await all();
    expect(got.map((l) => l.type)).toEqual(['s', 'sertft', 'ferrt', 'fertft', 's', 'sertft', 'w', 's', 's', 'slo', 's', 'sapi']);
    expect(got[2]!.details).toEqual({ refresh_token: 'rt1', reason: 'refresh_token_reused' });
    expect(got[3]!.details).toEqual({ refresh_token: 'rt1', reason: 'refresh_token_reused' });
    expect(got[6]).toMatchObject({ description: WARNINGS.device_binding_failed, details: { session_transfer_token: 'stt1', reason: 'device_binding_failed' } });
    expect(got[6]!.description).toContain('device binding validation failed');
    expect(got[8]!.details).toEqual({ triggered_by_session_transfer_token: false, session_id: 's1' }); // SSO
    expect(got[9]!.details).toEqual({ session_id: 's1' });
    expect(got[11]).toMatchObject({ description: 'Revoke a session', details: { session_id: 's2' } });
    const { rt: live } = await kit.nativeLogin('alice');
    await kit.revoke(live);
    expect((await logs('?take=1'))[0]).toMatchObject({ type: 'srrt', details: { refresh_token: 'rt5' } });
    const refused = await kit.mint(live);
    expect(refused.reason).toBe('refresh_token_revoked');
    expect((await logs('?take=1'))[0]).toMatchObject({ type: 'fertft', details: { audience: 'urn:n2w.test:session_transfer', refresh_token: 'rt5', reason: 'refresh_token_revoked' } });
  });

  it('pages: from/take oldest first after a log_id, take alone the newest, page/per_page/include_totals', async () => {
    for (let i = 0; i < 5; i++) await kit.nativeLogin('alice');
    const newest = await logs();
    expect(newest).toHaveLength(5);
    const oldest = [...newest].reverse();
    expect(await logs(`?from=${oldest[1]!.log_id}&take=2`)).toEqual(oldest.slice(2, 4));
    expect(await logs(`?from=${oldest[4]!.log_id}`)).toEqual([]);
    expect(await logs('?take=2')).toEqual(newest.slice(0, 2));
    expect(await logs('?page=1&per_page=2')).toEqual(newest.slice(2, 4));
    expect(await logs('?sort=date:1&per_page=3')).toEqual(oldest.slice(0, 3));
    const r = await kit.browser().request('/api/v2/logs?page=2&per_page=2&include_totals=true');
    expect(r.body).toEqual({ logs: newest.slice(4), start: 4, limit: 2, length: 1, total: 5 });
    // a from a reset left behind still reads: the logs after it
    await kit.reset();
    expect(await logs()).toEqual([]);
    await kit.nativeLogin('alice');
    expect((await logs(`?from=${oldest[0]!.log_id}`)).map((l) => l.type)).toEqual([]);
    expect((await logs('?from=90000000000000000000')).map((l) => l.type)).toEqual(['s']);
  });

  it('bad query parameters answer 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['from=abc', 'from'], ['from=', 'from'], ['take=0', 'take'], ['take=101', 'take'], ['take=2.5', 'take'], ['take=-1', 'take'],
      ['per_page=1000', 'per_page'], ['page=x', 'page'], ['include_totals=yes', 'include_totals'], ['sort=user_id:1', 'sort'],
      ['q=type:s', 'q'], ['take=1&take=2', 'take'], ['from=90000000000000000001&page=1', 'page'], ['take=5&include_totals=true', 'include_totals'],
    ];
    for (const [q, name] of cases) {
      const r = await kit.browser().request(`/api/v2/logs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body, q).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
      expect(r.body.message as string, q).toContain(name);
    }
  });
});

describe('logs on a database file', () => {
  it('survive a restart on the same file, and the ids go on from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'n2w-logs-'));
    const db = join(dir, 'tenant.sqlite');
    try {
      const one = await startServer({ testMode: true, db, config: n2wConfig() });
      const k1 = new Kit(one.url);
      const { rt } = await k1.nativeLogin('alice');
      await k1.mint(rt);
      const before = (await k1.browser().request('/api/v2/logs')).body;
      await one.close();
      const two = await startServer({ testMode: true, db, config: n2wConfig() });
      try {
        const k2 = new Kit(two.url);
        expect((await k2.browser().request('/api/v2/logs')).body).toEqual(before);
        await k2.refresh(rt);
        const after = (await k2.browser().request('/api/v2/logs')).body as unknown as Log[];
        expect(after.map((l) => l.type)).toEqual(['sertft', 'sertft', 's']);
        expect(after[0]!.log_id > after[1]!.log_id).toBe(true);
      } finally {
        await two.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
