// properties/log-monitor.test.ts: each judgment of `n2w observe` on small hand-written logs in MODEL.md §4's
// shape (the model's detail keys and ids), one that holds and one that violates it, and the premises that
// leave it not exercised or not judged.
import { describe, expect, it } from 'vitest';
import { NATIVE_CLIENT_ID, resolveConfig, type ConfigInput } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import type { LogEvent } from '../machines/logs.js';
import { correctModel, mutantModel, MUTANTS } from '../machines/mutants/index.js';
import type { Model } from '../machines/step.js';
import { E } from '../machines/test-helpers.js';
import { compareLogIds, monitorLogs, observedFromModel, orderLogs, type Judgment, type MonitorTenant, type ObservedLog } from './log-monitor.js';

const T0 = Date.UTC(2026, 0, 1);
const AUD = 'urn:n2w.test:session_transfer';
const HOME = '198.51.100.7';
const CAFE = '198.51.100.99';
const MOBILE = '203.0.113.20';

/** A log writer: ids in order of writing, dates in seconds from T0. */
function logs() {
  let seq = 0;
  const out: ObservedLog[] = [];
  const add = (type: string, sec: number, f: Partial<Omit<ObservedLog, 'details'>> & { details?: Record<string, unknown> } = {}) => {
    seq++;
    const l: ObservedLog = { log_id: `9${String(seq).padStart(19, '0')}`, date: new Date(T0 + sec * 1000).toISOString(), time: T0 + sec * 1000, type, where: `[${seq - 1}]`, ...f, details: f.details ?? {} };
    out.push(l);
    return l;
  };
  return {
    out,
    add,
    nativeLogin: (sec: number, rt: string, ip = HOME) => add('s', sec, { client_id: 'native-app', user_id: 'alice', ip, details: { triggered_by_session_transfer_token: false, issued_refresh_token: rt } }),
    mint: (sec: number, rt: string, stt: string, o: { to?: string; ip?: string; asn?: number; client?: string; audience?: string | null } = {}) => add('sertft', sec, {
      client_id: o.client ?? 'native-app', user_id: 'alice', ip: o.ip ?? HOME,
      details: { ...(o.audience === null ? {} : { audience: o.audience ?? AUD }), refresh_token: rt, session_transfer_token: stt, ...(o.to ? { rotated_to: o.to } : {}), asn: o.asn ?? 64500 },
    }),
    refresh: (sec: number, rt: string, to?: string, client = 'native-app') => add('sertft', sec, { client_id: client, user_id: 'alice', ip: HOME, details: { refresh_token: rt, ...(to ? { rotated_to: to } : {}) } }),
    transferLogin: (sec: number, stt: string, o: { parent?: string; ip?: string; asn?: number; client?: string; issued?: string; session?: string; type?: 's' | 'f' } = {}) => add(o.type ?? 's', sec, {
      client_id: o.client ?? 'web-app', user_id: 'alice', ip: o.ip ?? HOME,
      details: { triggered_by_session_transfer_token: true, session_id: o.session ?? 's1', session_transfer_token: stt, ...(o.parent ? { parent_refresh_token: o.parent } : {}), ...(o.issued ? { issued_refresh_token: o.issued } : {}), asn: o.asn ?? 64500 },
    }),
    srrt: (sec: number, rt: string) => add('srrt', sec, { client_id: 'native-app', user_id: 'alice', details: { refresh_token: rt } }),
    ferrt: (sec: number, rt: string) => add('ferrt', sec, { client_id: 'native-app', user_id: 'alice', details: { refresh_token: rt, reason: 'refresh_token_reused' } }),
    warning: (sec: number, reason: string, description: string, stt = 'stt1') => add('w', sec, { client_id: 'web-app', description, details: { session_transfer_token: stt, reason } }),
  };
}

const tenant = (input: ConfigInput, nativeClientId = 'native-app'): MonitorTenant => ({ config: resolveConfig(input), nativeClientId });
const CONFIG = tenant({
  native: { session_transfer: { can_create_session_transfer_token: true }, refresh_token: { rotation_type: 'rotating' } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'ip' } },
});

const judge = (l: readonly ObservedLog[], id: string, t: MonitorTenant | null = null): Judgment => {
  const j = monitorLogs(l, t).judgments.find((x) => x.id === id);
  if (!j) throw new Error(`no judgment ${id}`);
  return j;
};

describe('ordering', () => {
  it('orders by date, then by log_id (numeric ids by length first)', () => {
    expect(compareLogIds('9', '10')).toBeLessThan(0);
    expect(compareLogIds('90000000000000000002', '90000000000000000010')).toBeLessThan(0);
    const l = logs();
    const a = l.add('s', 5);
    const b = l.add('s', 1);
    const c = l.add('s', 1);
    expect(orderLogs([a, c, b]).map((x) => x.log_id)).toEqual([b.log_id, c.log_id, a.log_id]);
  });

  it('judges in date order whatever the input order (the API answers newest first)', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.mint(1, 'rt1', 'stt1');
    l.transferLogin(2, 'stt1');
    l.transferLogin(3, 'stt1');
    expect(judge([...l.out].reverse(), 'single-use').violations[0].message).toContain('after s 90000000000000000003');
  });
});

describe('mint-log-audience (R6)', () => {
  it('holds when each minting sertft carries the audience; violated when one does not', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    expect(judge(l.out, 'mint-log-audience')).toMatchObject({ status: 'holds', judged: 1 });
    l.mint(1, 'rt1', 'stt2', { audience: 'https://api.example' });
    const j = judge(l.out, 'mint-log-audience');
    expect(j.status).toBe('violated');
    expect(j.violations).toHaveLength(1);
    expect(j.violations[0].logs[0]).toMatchObject({ type: 'sertft', 'details.session_transfer_token': 'stt2', 'details.audience': 'https://api.example' });
  });

  it('not exercised with only refreshes; not judged when no log names transfer tokens', () => {
    const l = logs();
    expect(judge(l.out, 'mint-log-audience').status).toBe('not exercised');
    l.refresh(0, 'rt1');
    expect(judge(l.out, 'mint-log-audience')).toMatchObject({ status: 'not judged', summary: expect.stringContaining('details.session_transfer_token') });
    l.warning(1, 'device_binding_failed', 'device binding validation failed');
    expect(judge(l.out, 'mint-log-audience').status).toBe('not exercised');
  });
});

describe('login-log-flag (R24)', () => {
  it('holds when every s and f carries a boolean and transfer logins name a token minted before', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.mint(100, 'rt1', 'stt1');
    l.transferLogin(101, 'stt1');
    l.transferLogin(102, 'stt1', { type: 'f' });
    expect(judge(l.out, 'login-log-flag')).toMatchObject({ status: 'holds', judged: 3 });
  });

  it('violated by an s without the flag, or with a string for it', () => {
    const l = logs();
    l.add('s', 0, { client_id: 'web-app', details: { session_id: 's1' } });
    l.add('f', 1, { client_id: 'web-app', details: { triggered_by_session_transfer_token: 'true' } });
    const j = judge(l.out, 'login-log-flag');
    expect(j.status).toBe('violated');
    expect(j.violations.map((v) => v.message)).toEqual([expect.stringContaining('carries triggered_by_session_transfer_token null'), expect.stringContaining('carries triggered_by_session_transfer_token "true"')]);
  });

  it('violated by a transfer login of a token never minted, when the logs reach back a TTL', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.mint(10, 'rt1', 'stt1');
    l.transferLogin(100, 'stt9');
    const j = judge(l.out, 'login-log-flag');
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('stt9, which no earlier sertft minted');
  });

  it('does not require the mint of a login within a TTL of the logs\' start', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(30, 'stt0');
    const j = judge(l.out, 'login-log-flag');
    expect(j.status).toBe('holds');
    expect(j.notes.join()).toContain('1 transfer login(s) less than the TTL after the logs begin');
    // with a TTL of 20 s from the configuration, 30 s is enough to require it
    expect(judge(l.out, 'login-log-flag', tenant({ transfer_token_ttl_seconds: 20 })).status).toBe('violated');
  });
});

describe('single-use (R10)', () => {
  it('holds for one redemption per token, violated by two (an f an Action refused counts)', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.mint(0, 'rt1', 'stt2');
    l.transferLogin(1, 'stt1');
    l.transferLogin(2, 'stt2');
    expect(judge(l.out, 'single-use')).toMatchObject({ status: 'holds', judged: 2 });
    l.transferLogin(3, 'stt2', { type: 'f' });
    const j = judge(l.out, 'single-use');
    expect(j.status).toBe('violated');
    expect(j.violations[0].logs.map((x) => x.type)).toEqual(['s', 'f']);
  });

  it('not judged when transfer logins name no token; not exercised without any', () => {
    const l = logs();
    expect(judge(l.out, 'single-use').status).toBe('not exercised');
    l.add('s', 0, { details: { triggered_by_session_transfer_token: true } });
    expect(judge(l.out, 'single-use').status).toBe('not judged');
  });
});

describe('no-login-after-family-revoked (R20, A2)', () => {
  it('violated by a login after its parent family was revoked by srrt, through a rotation', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.mint(1, 'rt1', 'stt1', { to: 'rt2' });
    l.srrt(2, 'rt2');
    l.transferLogin(3, 'stt1');
    const j = judge(l.out, 'no-login-after-family-revoked');
    expect(j.status).toBe('violated');
    expect(j.violations[0].logs.map((x) => x.type)).toEqual(['sertft', 'srrt', 's']);
  });

  it('violated after a ferrt, the parent read from the login when its mint is not in the logs', () => {
    const l = logs();
    l.ferrt(0, 'rt7');
    l.transferLogin(1, 'stt1', { parent: 'rt7' });
    expect(judge(l.out, 'no-login-after-family-revoked').status).toBe('violated');
  });

  it('holds for a login before the revocation; not exercised when no family of a login is revoked', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1');
    expect(judge(l.out, 'no-login-after-family-revoked').status).toBe('not exercised');
    l.srrt(2, 'rt1');
    l.srrt(2, 'rt5'); // another family: not this login's
    expect(judge(l.out, 'no-login-after-family-revoked')).toMatchObject({ status: 'holds', judged: 1 });
  });

  it('not judged when no transfer login can be traced to a parent', () => {
    const l = logs();
    l.add('s', 0, { details: { triggered_by_session_transfer_token: true } });
    expect(judge(l.out, 'no-login-after-family-revoked').status).toBe('not judged');
  });
});

describe('mint-needs-flag (R2)', () => {
  it('not judged without a configuration', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    expect(judge(l.out, 'mint-needs-flag')).toMatchObject({ status: 'not judged', summary: expect.stringContaining('--config') });
  });

  it('holds for the native app that may mint; violated by the web app that may not', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    expect(judge(l.out, 'mint-needs-flag', CONFIG)).toMatchObject({ status: 'holds', judged: 1 });
    l.mint(1, 'rt9', 'stt2', { client: 'web-app' });
    const j = judge(l.out, 'mint-needs-flag', CONFIG);
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('client web-app minted');
  });

  it('reads the native app\'s client_id from the configuration, and says which clients it does not know', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1', { client: 'AbC123' });
    expect(judge(l.out, 'mint-needs-flag', CONFIG)).toMatchObject({ status: 'not judged', summary: expect.stringContaining('native-app, web-app') });
    expect(judge(l.out, 'mint-needs-flag', tenant({ native: { session_transfer: { can_create_session_transfer_token: false } } }, 'AbC123')).status).toBe('violated');
  });
});

describe('no-nested-mint (R7, R8)', () => {
  it('violated by a mint from a transfer login\'s refresh token or its rotation successor', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1', { issued: 'rt2' });
    l.refresh(2, 'rt2', 'rt3', 'web-app');
    expect(judge(l.out, 'no-nested-mint')).toMatchObject({ status: 'holds', judged: 1 });
    l.mint(3, 'rt3', 'stt2', { client: 'web-app' });
    const j = judge(l.out, 'no-nested-mint');
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('from rt3, of the family rt2');
  });

  it('holds for a mint from an ordinary refresh token; a refused mint is no violation', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1', { issued: 'rt2' });
    l.add('fertft', 2, { client_id: 'web-app', details: { audience: AUD, refresh_token: 'rt2', reason: 'nested_transfer_forbidden' } });
    l.mint(3, 'rt1', 'stt2');
    expect(judge(l.out, 'no-nested-mint').status).toBe('holds');
  });

  it('not judged when no transfer login names the refresh token it issued (the reference server\'s logs)', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1');
    expect(judge(l.out, 'no-nested-mint')).toMatchObject({ status: 'not judged', summary: expect.stringContaining('issued_refresh_token') });
  });
});

describe('device-binding (R11)', () => {
  it('ip binding: holds on the mint\'s IP, violated from another', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.mint(0, 'rt1', 'stt2');
    l.transferLogin(1, 'stt1');
    expect(judge(l.out, 'device-binding', CONFIG)).toMatchObject({ status: 'holds', judged: 1 });
    l.transferLogin(2, 'stt2', { ip: CAFE });
    const j = judge(l.out, 'device-binding', CONFIG);
    expect(j.status).toBe('violated');
    expect(j.violations[0].logs.map((x) => x.ip)).toEqual([HOME, CAFE]);
  });

  it('asn binding compares details.asn; none compares nothing; each web app by its own binding (WA1)', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.mint(0, 'rt1', 'stt2');
    l.transferLogin(1, 'stt1', { ip: CAFE, asn: 64500 });
    l.transferLogin(1, 'stt2', { ip: MOBILE, asn: 64501, client: 'shop' });
    const two = (first: 'ip' | 'asn' | 'none', second: 'ip' | 'asn' | 'none') => tenant({
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: [{ session_transfer: { enforce_device_binding: first } }, { client_id: 'shop', session_transfer: { enforce_device_binding: second } }],
    });
    expect(judge(l.out, 'device-binding', two('asn', 'none'))).toMatchObject({ status: 'holds', judged: 1 });
    expect(judge(l.out, 'device-binding', two('asn', 'none')).notes.join()).toContain('enforce_device_binding none');
    expect(judge(l.out, 'device-binding', two('ip', 'none')).status).toBe('violated');
    const j = judge(l.out, 'device-binding', two('asn', 'asn'));
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('at shop (binding asn) from asn 64501');
  });

  it('not judged without a configuration', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1', { ip: CAFE });
    expect(judge(l.out, 'device-binding').status).toBe('not judged');
  });
});

describe('transfer-token-expiry (R9)', () => {
  it('holds under the TTL, violated at it (default 60 s, or the configuration\'s)', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(59.999, 'stt1');
    expect(judge(l.out, 'transfer-token-expiry')).toMatchObject({ status: 'holds', judged: 1 });
    expect(judge(l.out, 'transfer-token-expiry').notes.join()).toContain('default 60 s');
    expect(judge(l.out, 'transfer-token-expiry', tenant({ transfer_token_ttl_seconds: 30 })).status).toBe('violated');
    l.mint(100, 'rt1', 'stt2');
    l.transferLogin(160, 'stt2');
    const j = judge(l.out, 'transfer-token-expiry');
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('60 s after its mint; the TTL is 60 s');
  });

  it('not exercised when no login\'s mint is in the logs', () => {
    const l = logs();
    l.transferLogin(1, 'stt1');
    expect(judge(l.out, 'transfer-token-expiry')).toMatchObject({ status: 'not exercised', notes: expect.arrayContaining([expect.stringContaining('mint is not in the logs')]) });
  });
});

describe('warning-text (spec §3.3)', () => {
  it('holds when each N2W warning holds its phrase; violated when one does not; other warnings are not judged', () => {
    const l = logs();
    l.warning(0, 'transfer_token_not_found_or_expired', 'Session transfer token not found or expired. This can happen due to token reuse or expiration.', 'stt-never-minted');
    l.warning(1, 'method_not_allowed', 'n2w words');
    expect(judge(l.out, 'warning-text')).toMatchObject({ status: 'holds', judged: 1, notes: [expect.stringContaining('1 warning(s) of other reasons')] });
    l.warning(2, 'device_binding_failed', 'Session transfer token rejected.');
    const j = judge(l.out, 'warning-text');
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('expected the phrase "device binding validation failed"');
  });

  it('not judged when no w carries details.reason (a real tenant\'s warnings)', () => {
    const l = logs();
    l.add('w', 0, { description: 'Session transfer token not found or expired.' });
    expect(judge(l.out, 'warning-text').status).toBe('not judged');
  });
});

describe('reuse-logged (RTR) and revoked-refresh-token-refused (A18)', () => {
  it('a ferrt followed by an exchange of its family is a violation; before it, none', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.refresh(1, 'rt1', 'rt2');
    l.ferrt(2, 'rt1');
    expect(judge(l.out, 'reuse-logged')).toMatchObject({ status: 'holds', judged: 1 });
    l.refresh(3, 'rt2', 'rt3');
    const j = judge(l.out, 'reuse-logged');
    expect(j.status).toBe('violated');
    expect(j.violations[0].logs.map((x) => x.type)).toEqual(['ferrt', 'sertft']);
    expect(judge(l.out, 'revoked-refresh-token-refused').status).toBe('not exercised');
  });

  it('an srrt followed by a mint from its family is a violation; another family is fine', () => {
    const l = logs();
    l.refresh(0, 'rt1', 'rt2');
    l.srrt(1, 'rt2');
    l.mint(2, 'rt9', 'stt1');
    expect(judge(l.out, 'revoked-refresh-token-refused')).toMatchObject({ status: 'holds', judged: 1 });
    l.mint(3, 'rt1', 'stt2');
    expect(judge(l.out, 'revoked-refresh-token-refused').status).toBe('violated');
  });

  it('not judged when the ferrt names no token', () => {
    const l = logs();
    l.add('ferrt', 0, {});
    expect(judge(l.out, 'reuse-logged').status).toBe('not judged');
  });
});

describe('rotated-token-refused (R4, RTR, LV1)', () => {
  const leeway = (s: number) => tenant({ native: { session_transfer: { can_create_session_transfer_token: true }, refresh_token: { rotation_type: 'rotating', leeway: s } } });

  it('a rotated token that is not the immediately previous one honoured again: violated whatever the leeway', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.refresh(1, 'rt1', 'rt2');
    l.refresh(2, 'rt2', 'rt3');
    l.ferrt(3, 'rt1');
    expect(judge(l.out, 'rotated-token-refused')).toMatchObject({ status: 'holds', judged: 1 });
    l.refresh(4, 'rt1', 'rt4');
    const j = judge(l.out, 'rotated-token-refused');
    expect(j.status).toBe('violated');
    expect(j.violations[0].message).toContain('not the immediately previous token');
  });

  it('the immediately previous one: within the leeway holds, after it violated, without a configuration not judged', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.refresh(10, 'rt1', 'rt2');
    l.refresh(15, 'rt1', 'rt3'); // 5 s after rt2 was issued: the leeway stands rt1 in for rt2, which is retired
    expect(judge(l.out, 'rotated-token-refused', leeway(30))).toMatchObject({ status: 'holds', judged: 1 });
    expect(judge(l.out, 'rotated-token-refused', leeway(5)).status).toBe('violated');
    expect(judge(l.out, 'rotated-token-refused', leeway(0)).status).toBe('violated');
    const j = judge(l.out, 'rotated-token-refused');
    expect(j.status).toBe('holds');
    expect(j.notes.join()).toContain('needs --config');
    // rt2 retired under the leeway: rt1 is no longer the immediately previous token
    l.refresh(16, 'rt1', 'rt4');
    expect(judge(l.out, 'rotated-token-refused', leeway(30)).status).toBe('violated');
  });

  it('not judged when no sertft names a successor', () => {
    const l = logs();
    l.refresh(0, 'rt1');
    l.refresh(1, 'rt1');
    expect(judge(l.out, 'rotated-token-refused').status).toBe('not judged');
  });
});

describe('the report', () => {
  it('counts types, keeps and counts unknown ones, and lists what logs cannot decide', () => {
    const l = logs();
    l.nativeLogin(0, 'rt1');
    l.add('seacft', 1);
    l.add('seacft', 2);
    l.add('fp', 3);
    const r = monitorLogs(l.out);
    expect(r.events).toBe(4);
    expect(r.types).toEqual({ fp: 1, s: 1, seacft: 2 });
    expect(r.ignoredTypes).toEqual({ fp: 1, seacft: 2 });
    expect(r.undecidable.length).toBeGreaterThan(3);
    expect(r.violated).toBe(0);
    expect(r.judgments.map((j) => j.id)).toEqual([
      'mint-log-audience', 'login-log-flag', 'single-use', 'no-login-after-family-revoked', 'mint-needs-flag', 'no-nested-mint',
      'device-binding', 'transfer-token-expiry', 'warning-text', 'reuse-logged', 'revoked-refresh-token-refused', 'rotated-token-refused',
    ]);
    // never a claim of more than the logs show
    expect(JSON.stringify(r)).not.toMatch(/verified/i);
  });

  it('counts violated judgments', () => {
    const l = logs();
    l.mint(0, 'rt1', 'stt1');
    l.transferLogin(1, 'stt1', { ip: CAFE });
    l.transferLogin(100, 'stt1', { ip: CAFE });
    const r = monitorLogs(l.out, CONFIG);
    expect(r.judgments.filter((j) => j.status === 'violated').map((j) => j.id)).toEqual(['single-use', 'device-binding', 'transfer-token-expiry']);
    expect(r.violated).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// The model's own logs: the correct model's violate nothing, and each mutant below is caught by a judgment
// from its logs alone. Unlike the reference server's, the model's transfer login names the web refresh token
// it issued, so the nesting mutants show here.

function modelLogs(model: Model, events: readonly ModelEvent[]): ObservedLog[] {
  let world = model.initial;
  const steps: { clock: number; logs: readonly LogEvent[] }[] = [];
  events.forEach((e, i) => {
    const r = model.step(world, e, i + 1);
    world = r.world;
    steps.push({ clock: world.clock, logs: r.observation.logs });
  });
  return observedFromModel(steps);
}

const MINTED = [E.nativeLogin(), E.mint('rt1')];
const TRANSFER_RT = [...MINTED, E.authorize('alice-laptop', 'stt1', { offlineAccess: true })];
const CAUGHT: [string, string, ModelEvent[]][] = [
  ['mint-without-flag', 'mint-needs-flag', MINTED],
  ['reusable-transfer-token', 'single-use', [...MINTED, E.authorize('alice-laptop', 'stt1'), E.authorize('alice-laptop', 'stt1')]],
  ['no-expiry', 'transfer-token-expiry', [...MINTED, E.advance(1), E.authorize('alice-laptop', 'stt1')]],
  ['ignore-device-binding', 'device-binding', [...MINTED, E.move('alice-laptop', 'mobile'), E.authorize('alice-laptop', 'stt1')]],
  ['revoked-parent-still-redeems', 'no-login-after-family-revoked', [...MINTED, E.revokeRefreshToken('rt1'), E.authorize('alice-laptop', 'stt1')]],
  ['web-session-can-mint', 'no-nested-mint', [...TRANSFER_RT, E.mint('rt2')]],
  ['nested-transfer-allowed', 'no-nested-mint', [...TRANSFER_RT, E.revokeSession('s1'), E.mint('rt2')]],
  ['second-app-nests', 'no-nested-mint', [...MINTED, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', offlineAccess: true, client: 'web-app-2' }, E.mint('rt2')]],
  ['revoked-refresh-token-accepted', 'revoked-refresh-token-refused', [E.nativeLogin(), E.revokeRefreshToken('rt1'), E.refresh('rt1')]],
  ['no-reuse-detection', 'rotated-token-refused', [E.nativeLogin(), E.refresh('rt1'), E.refresh('rt1')]],
  ['leeway-any-old-token', 'rotated-token-refused', [E.nativeLogin(), E.refresh('rt1'), E.refresh('rt2'), E.refresh('rt1')]],
];

describe('the model\'s logs, and its mutants\'', () => {
  for (const [id, judgment, events] of CAUGHT) {
    it(`${id}: ${judgment} violated by the mutant's logs, nothing by the correct model's`, () => {
      const m = MUTANTS.find((x) => x.id === id)!;
      expect(m, id).toBeDefined();
      const bad = mutantModel(m);
      const t: MonitorTenant = { config: bad.setting.config, nativeClientId: NATIVE_CLIENT_ID };
      const caught = monitorLogs(modelLogs(bad, events), t);
      expect(caught.judgments.filter((j) => j.status === 'violated').map((j) => j.id)).toContain(judgment);
      const good = monitorLogs(modelLogs(correctModel(m), events), t);
      expect(good.judgments.filter((j) => j.status === 'violated').map((j) => `${j.id}: ${j.violations[0].message}`)).toEqual([]);
      expect(good.judgments.find((j) => j.id === judgment)!.status).not.toBe('not judged');
    });
  }
});
