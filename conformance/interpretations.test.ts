// The reference server conforms under the readings A19 'always' (an administrator's session revocation ends
// every refresh token issued to the session) and N2 (online web refresh tokens behave like Auth0's Online
// Refresh Tokens: an exchange extends the session's idle time, revoking one ends the session), on
// configurations where web refresh tokens are online and sessions end within a short sequence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations, type ConfigInput } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import type { Adapter } from './adapter.js';
import { conform, describeTrace, makeSetting } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { translatedPaths } from './paths.js';
import { CONFORMANCE_CONFIGS } from './configs.js';

let server: RunningServer;
beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
afterAll(async () => { await server?.close(); });

const CONFIGS: Record<string, ConfigInput> = {
  /** sessions end after 3 min (2 min idle), web refresh tokens allowed and online, the native app rotates with a leeway */
  lifetimes: CONFORMANCE_CONFIGS.lifetimes,
  /** the same tenant; the web app rotates its online refresh tokens, rotation on for the native app, cascade on */
  'lifetimes-rotating-web': {
    tenant: { session_lifetime: 180 / 3600, idle_session_lifetime: 120 / 3600 },
    native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: true }, refresh_token: { rotation_type: 'rotating' } },
    web: {
      session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true, enforce_online_refresh_tokens: true },
      refresh_token: { rotation_type: 'rotating' },
    },
  },
};

describe.each(Object.keys(CONFIGS))('the reference server with A19=always, N2=true under %s', (name) => {
  it('passes every lifecycle path and 500 random sequences', async () => {
    const setting = makeSetting(resolveConfig(CONFIGS[name]!), resolveInterpretations({ A19: 'always', N2: true }), DEFAULT_POPULATION);
    const { paths } = translatedPaths(setting);
    const adapter = createHttpAdapter({ baseUrl: server.url });
    const report = await conform({ setting, adapter, paths, runs: 500, seed: 20240612, maxSteps: 16, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    expect(report.paths.passed + report.paths.cut).toBe(paths.length);
    expect(report.paths.invalid).toBe(0);
    expect(report.random.sequences).toBe(500);
    expect(report.random.cut).toBeLessThan(50);
    console.log(`${name} (A19=always, N2): ${paths.length} paths + ${report.random.sequences} random sequences, ${report.steps} steps; cuts ${JSON.stringify(report.cuts)}`);
  });
});

describe('the runs tell the readings apart', () => {
  // the model reads A19=always and N2=true; the server is reset with one reading switched back
  it.each([
    ['A19', { A19: 'online-flag' }],
    ['N2', { N2: false }],
  ] as const)('a server with %s at its default diverges', async (_name, wrong) => {
    const setting = makeSetting(resolveConfig(CONFIGS.lifetimes!), resolveInterpretations({ A19: 'always', N2: true }), DEFAULT_POPULATION);
    const inner = createHttpAdapter({ baseUrl: server.url });
    const adapter: Adapter = {
      reset: (s) => inner.reset({ ...s, interpretations: { ...s.interpretations, ...wrong } }),
      apply: (e, step) => inner.apply(e, step),
    };
    const report = await conform({ setting, adapter, paths: translatedPaths(setting).paths, runs: 300, seed: 11, maxSteps: 16, known: KNOWN_DIVERGENCES });
    expect(report.kind).toBe('divergence');
    const trace = report.trace!;
    console.log(`${_name} switched back: ${describeTrace(trace)}`);
    expect(trace.steps.length).toBeLessThanOrEqual(10);
  });
});
