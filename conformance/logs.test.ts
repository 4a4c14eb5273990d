// conformance/logs.test.ts: the log events and the mint's answer are compared (MODEL.md §4), against the
// reference server and against an adapter that changes what it reports; and conformance with a post-login
// Action configured (MODEL.md §2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations, type ConfigInput } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import type { Adapter } from './adapter.js';
import { n2wView } from './adapter.js';
import { compareObservations, conform, createModel, makeSetting, runSequence } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { translatedPaths } from './paths.js';

let server: RunningServer;
beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
afterAll(async () => { await server?.close(); });

const N2W: ConfigInput = {
  native: { session_transfer: { can_create_session_transfer_token: true }, refresh_token: { rotation_type: 'rotating' } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'asn', allow_refresh_token: true } },
};
const setting = (config: ConfigInput) => makeSetting(resolveConfig(config), resolveInterpretations(), DEFAULT_POPULATION);

const FLOW: ModelEvent[] = [
  { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query', offlineAccess: true },
  { type: 'AUTHORIZE', device: 'mallory-phone', transferToken: 'stt1', method: 'query' },
  { type: 'REFRESH', refreshToken: 'rt2' },
  { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt3' },
  { type: 'REVOKE_SESSION', session: 's1' },
  { type: 'REFRESH', refreshToken: 'rt1' },
];

describe('logs and the mint answer', () => {
  it('are read from the server and agree with the model, step by step', async () => {
    const s = setting(N2W);
    const r = await runSequence(createModel(s), createHttpAdapter({ baseUrl: server.url }), { kind: 'events', events: FLOW }, { known: KNOWN_DIVERGENCES });
    expect(r.kind, JSON.stringify(r.kind === 'divergence' ? r.divergence : r)).toBe('pass');
    const types = r.implementationObservations.map((o) => o.logs.map((l) => l.type));
    expect(types).toEqual([['s'], ['sertft'], ['s'], ['w'], ['sertft'], ['srrt'], ['slo'], ['ferrt', 'fertft']]);
    expect(r.implementationObservations.map((o) => n2wView(o))).toEqual(r.modelObservations.map((o) => n2wView(o)));
    expect(r.implementationObservations[1]!.mint).toEqual({
      tokenType: 'N_A', expiresIn: 60, issuedTokenType: 'urn:auth0:params:oauth:token-type:session_transfer_token', refreshToken: 'rt2',
    });
    expect(r.implementationObservations[2]!.logs[0]!.details).toMatchObject({ session_transfer_token: 'stt1', parent_refresh_token: 'rt1', session_id: 's1' });
  });

  it('a difference in a log or in the mint answer is a divergence on logs or mint; the audience\'s domain is not', () => {
    const s = setting(N2W);
    const { observations } = (() => {
      const m = createModel(s);
      let w = m.initial;
      const out: Observation[] = [];
      for (const [i, e] of FLOW.slice(0, 4).entries()) { const r = m.step(w, e, i + 1); out.push(r.observation); w = r.world; }
      return { observations: out };
    })();
    const mint = observations[1]!;
    const withLog = (o: Observation, f: (l: Observation['logs'][number]) => Observation['logs'][number]) => ({ ...o, logs: o.logs.map(f) });
    expect(compareObservations(mint, withLog(mint, (l) => ({ ...l, details: { ...l.details, audience: 'urn:tenant.example:session_transfer' } })))).toEqual([]);
    expect(compareObservations(mint, withLog(mint, (l) => ({ ...l, details: { ...l.details, audience: undefined } })))).toEqual(['logs']);
    expect(compareObservations(mint, withLog(mint, (l) => ({ ...l, type: 'fertft' })))).toEqual(['logs']);
    expect(compareObservations(mint, { ...mint, logs: [] })).toEqual(['logs']);
    expect(compareObservations(mint, { ...mint, mint: { ...mint.mint!, expiresIn: 300 } })).toEqual(['mint']);
    expect(compareObservations(mint, { ...mint, mint: undefined })).toEqual(['mint']);
    expect(compareObservations(mint, { ...mint, logs: [] }, ['logs'])).toEqual([]);
    const warned = observations[3]!;
    expect(warned.logs[0]!.type).toBe('w');
    expect(compareObservations(warned, withLog(warned, (l) => ({ ...l, description: 'Something went wrong.' })))).toEqual(['logs']);
    expect(compareObservations(warned, withLog(warned, (l) => ({ ...l, description: `Note: ${l.description}` })))).toEqual([]);
    const login = observations[2]!;
    expect(compareObservations(login, withLog(login, (l) => ({ ...l, details: { ...l.details, triggered_by_session_transfer_token: false } })))).toEqual(['logs']);
  });

  it('an implementation whose mint logs lack the audience is caught and shrunk to the mint', async () => {
    const http = createHttpAdapter({ baseUrl: server.url });
    const lossy: Adapter = {
      reset: (s) => http.reset(s),
      apply: async (e, step) => {
        const r = await http.apply(e, step);
        for (const l of r.observation.logs) if (l.details) delete l.details.audience;
        return r;
      },
    };
    const s = setting(N2W);
    const report = await conform({ setting: s, adapter: lossy, paths: translatedPaths(s).paths, runs: 0, seed: 1, maxSteps: 8, known: KNOWN_DIVERGENCES });
    expect(report.kind).toBe('divergence');
    expect(report.trace!.divergence!.fields).toEqual(['logs']);
    expect(report.trace!.steps.at(-1)!.type).toBe('MINT_TRANSFER_TOKEN');
  });
});

describe('with a post-login Action', () => {
  const ACTIONS = ['deny-other-ip.js', 'revoke-on-transfer.js', 'expire-in-ten-minutes.js', 'idle-five-minutes.js'];
  it.each(ACTIONS)('%s: every lifecycle path and 150 random sequences agree with the model', async (file) => {
    const config: ConfigInput = { ...N2W, tenant: { session_lifetime: 1, idle_session_lifetime: 0.5 }, actions: { 'post-login': `reference-server/test-fixtures/${file}` } };
    const s = setting(config);
    expect(s.action).not.toBeNull();
    const { paths } = translatedPaths(s);
    const report = await conform({ setting: s, adapter: createHttpAdapter({ baseUrl: server.url }), paths, runs: 150, seed: 7, maxSteps: 12, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(file, JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    // not vacuous: the same sequences against the server without the Action diverge
    const http = createHttpAdapter({ baseUrl: server.url });
    const without: Adapter = { reset: (st) => http.reset({ ...st, config: { ...st.config, postLoginAction: null } }), apply: (e, i) => http.apply(e, i) };
    const bare = await conform({ setting: s, adapter: without, paths, runs: 150, seed: 7, maxSteps: 12, known: KNOWN_DIVERGENCES, shrink: false });
    expect(bare.kind).toBe('divergence');
  });

  it('the Action sees the same event on both sides', async () => {
    const s = setting({ ...N2W, actions: { 'post-login': 'reference-server/test-fixtures/echo-event.js' } });
    const events: ModelEvent[] = [
      { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
      { type: 'ADVANCE_TIME', seconds: 5 },
      { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' },
      { type: 'WEB_LOGIN', device: 'mallory-phone', user: 'mallory' },
    ];
    const r = await runSequence(createModel(s), createHttpAdapter({ baseUrl: server.url }), { kind: 'events', events });
    expect(r.kind).toBe('pass');
    const seen = (o: Observation) => JSON.parse(o.logs[0]!.description!);
    for (const i of [3, 4]) expect(seen(r.implementationObservations[i]!)).toEqual(seen(r.modelObservations[i]!));
    expect(seen(r.implementationObservations[3]!)).toMatchObject({
      session_transfer_token: { client_id: 'native-app', scope: 'openid offline_access', request: { ip: '198.51.100.7', asn: 64500 } },
      session: { id: 's1', created_at: '2026-01-01T00:00:05.000Z', session_transfer: { parent_refresh_token: { id: 'rt1' } } },
    });
  });

  it('the deny answers access_denied with action_denied on both sides', async () => {
    const s = setting({ ...N2W, actions: { 'post-login': 'reference-server/test-fixtures/deny-other-ip.js' } });
    const events: ModelEvent[] = [
      { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
      { type: 'MOVE_DEVICE', device: 'alice-laptop', network: 'cafe' },
      { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' },
    ];
    const r = await runSequence(createModel(s), createHttpAdapter({ baseUrl: server.url }), { kind: 'events', events });
    expect(r.kind).toBe('pass');
    const last = r.implementationObservations.at(-1)!;
    expect(last).toMatchObject({ outcome: 'access_denied', reason: 'action_denied', consumed: ['stt1'] });
    expect(last.logs.map((l) => [l.type, l.details?.reason])).toEqual([['f', 'action_denied']]);
    expect(r.modelObservations.at(-1)!.outcome).toBe('access_denied');
  });
});
