// conformance/lineage.test.ts: the reference server against the model on the readings added with issue 12:
// under A6 it judges a refresh token by the session it was
// issued to, as the model does: the late-linked token may not mint, and the cascade reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { conform, makeSetting } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';

let server: RunningServer;
beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
afterAll(async () => { await server?.close(); });

const LATE_LINK: ModelEvent[] = [
  { type: 'WEB_LOGIN', device: 'alice-phone', user: 'alice', offlineAccess: true },
  { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt2' },
  { type: 'AUTHORIZE', device: 'alice-phone', transferToken: 'stt1' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt2' },
];

describe('lineage through the session, model against the reference server (A6 = true)', () => {
  it('conforms on the late-link path and 300 random sequences', async () => {
    const setting = makeSetting(resolveConfig({
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: ['cookie', 'query'] } },
    }), resolveInterpretations({ A6: true }), DEFAULT_POPULATION);
    const adapter = createHttpAdapter({ baseUrl: server.url });
    const report = await conform({ setting, adapter, paths: [{ name: 'late link', events: LATE_LINK }], runs: 300, seed: 7, maxSteps: 12, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    expect(report.paths.passed).toBe(1);
  });
});

describe('N1, model against the reference server: reuse detection before the client check', () => {
  it.each([false, true])('conforms with N1 = %s on the rotated-then-mint path and 300 random sequences', async (n1) => {
    const setting = makeSetting(resolveConfig({
      native: { session_transfer: { can_create_session_transfer_token: false }, refresh_token: { rotation_type: 'rotating' } },
      web: { session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: ['cookie', 'query'] } },
    }), resolveInterpretations({ N1: n1 }), DEFAULT_POPULATION);
    const path: ModelEvent[] = [
      { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
      { type: 'REFRESH', refreshToken: 'rt1' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
    ];
    const adapter = createHttpAdapter({ baseUrl: server.url });
    const report = await conform({ setting, adapter, paths: [{ name: 'rotated then mint', events: path }], runs: 300, seed: 11, maxSteps: 12, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    expect(report.paths.passed).toBe(1);
  });
});
