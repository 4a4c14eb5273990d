// conformance/webapps.test.ts: several web apps (MODEL.md §8) through the HTTP adapter: each event's `client`
// goes to that web app's client_id, and each refresh token is refreshed, minted and revoked by the client it
// belongs to, also when the server's client_ids are not the model's (`webClientIds`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations, type ClientInput } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { conform, makeSetting } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { translatedPaths } from './paths.js';
import { CONFORMANCE_CONFIGS } from './configs.js';

const TWO_APPS = CONFORMANCE_CONFIGS['two-apps'];
const [APP1, APP2] = TWO_APPS.web as ClientInput[];

// The server's own client_ids: a tenant started with them, reset without sending a configuration.
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0, testMode: true, config: { native: TWO_APPS.native, web: [{ ...APP1, client_id: 'portal' }, { ...APP2, client_id: 'shop' }] } });
});
afterAll(async () => { await server?.close(); });

const setting = makeSetting(resolveConfig(TWO_APPS), resolveInterpretations(), DEFAULT_POPULATION);

describe('the HTTP adapter with two web apps', () => {
  it('sends each event to its web app and each token\'s grants as the client that holds it', async () => {
    const adapter = createHttpAdapter({ baseUrl: server.url, sendConfigOnReset: false, webClientIds: { 'web-app': 'portal', 'web-app-2': 'shop' } });
    await adapter.reset({ config: setting.config, interpretations: setting.interpretations, population: setting.population });
    const steps: ModelEvent[] = [
      { type: 'WEB_LOGIN', device: 'alice-laptop', user: 'alice', offlineAccess: true },
      { type: 'AUTHORIZE', device: 'alice-laptop', offlineAccess: true, client: 'web-app-2' },
      { type: 'REFRESH', refreshToken: 'rt2' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt3' },
      { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt1' },
    ];
    const out = [];
    for (const [i, e] of steps.entries()) out.push(await adapter.apply(e, i + 1));
    // the step's own requests; the adapter's read of the step's logs names no client
    const clientOf = (s: (typeof out)[number]) => s.exchanges.filter((x) => !new URL(x.url).pathname.startsWith('/api/v2/logs'))
      .map((x) => new URLSearchParams(x.requestBody ?? new URL(x.url).search).get('client_id'));
    expect(out.map(clientOf)).toEqual([['portal', 'portal'], ['shop', 'shop'], ['shop'], ['shop'], ['portal']]);
    expect(out.map((s) => [s.observation.outcome, s.observation.session ?? null, s.observation.issued])).toEqual([
      ['logged_in', 's1', ['rt1']],
      ['logged_in', 's1', ['rt2']], // SSO: the browser's session serves the second app
      ['issued', null, ['rt3']], // the second app rotates
      ['issued', null, ['stt1', 'rt4']], // and may mint off an ordinary login
      ['revoked', null, []],
    ]);
    // the logs name the model's client_ids, mapped from the server's
    expect(out.map((s) => s.observation.logs.map((l) => `${l.type}:${l.client_id}`))).toEqual([
      ['s:web-app'], ['s:web-app-2'], ['sertft:web-app-2'], ['sertft:web-app-2'], ['srrt:web-app'],
    ]);
    const state = (await (await fetch(`${server.url}/test/state`)).json()) as { refreshTokens: { id: string; client_id: string }[] };
    expect(state.refreshTokens.map((r) => r.client_id)).toEqual(['portal', 'shop', 'shop', 'shop']);
  });

  it('conforms on every lifecycle path and 200 random sequences under its own client_ids', async () => {
    const adapter = createHttpAdapter({ baseUrl: server.url, sendConfigOnReset: false, webClientIds: { 'web-app': 'portal', 'web-app-2': 'shop' } });
    const { paths } = translatedPaths(setting);
    const report = await conform({ setting, adapter, paths, runs: 200, seed: 3, maxSteps: 12, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    expect(paths.filter((p) => p.events.some((e) => 'client' in e && e.client === 'web-app-2')).length).toBeGreaterThan(20);
  });
});
