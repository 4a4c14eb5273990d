// Post-login Actions in the model (MODEL.md §2): what the Action sees, what it may ask, and the scenario
// errors for everything else. The example Actions of examples/actions/ run as a reviewer would run them.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ActionError, loadPostLoginAction, MODEL_EPOCH_MS, packageRoot } from './actions.js';
import { DEFAULT_INTERPRETATIONS, resolveConfig, type ConfigInput } from './config.js';
import type { ModelEvent } from './events.js';
import { makeSetting } from './setting.js';
import { createModel, runEvents } from './step.js';
import { DEFAULT_POPULATION } from './world.js';

const root = packageRoot();
const example = (name: string) => join(root, 'examples', 'actions', name);
const fixture = (name: string) => join(root, 'machines', 'test-actions', name);

const REDEEMABLE: ConfigInput = {
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none' } },
};
const withAction = (file: string, config: ConfigInput = REDEEMABLE) => createModel(makeSetting(resolveConfig({ ...config, actions: { 'post-login': file } }), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION));

const MINT: ModelEvent[] = [{ type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' }, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }];
const fromCafe: ModelEvent[] = [...MINT, { type: 'MOVE_DEVICE', device: 'alice-laptop', network: 'cafe' }, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' }];
const atHome: ModelEvent[] = [...MINT, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query', offlineAccess: true }];

describe('the example Actions', () => {
  it('deny-other-network refuses a transfer login from another IP: access_denied, the token used up, no session, an f log', () => {
    const r = runEvents(withAction(example('deny-other-network.js')), fromCafe);
    const o = r.observations[3];
    expect(o).toMatchObject({ outcome: 'access_denied', reason: 'action_denied', consumed: ['stt1'], issued: [] });
    expect(o.action?.denied).toMatch(/another network/);
    expect(o.logs).toEqual([expect.objectContaining({ type: 'f', client_id: 'web-app', user_id: 'alice', details: expect.objectContaining({ triggered_by_session_transfer_token: true, reason: 'action_denied' }) })]);
    expect(r.world.sessions).toHaveLength(0);
  });

  it('deny-other-network lets the same network through, and lets interactive logins through anywhere', () => {
    const home = runEvents(withAction(example('deny-other-network.js')), atHome).observations[2];
    expect(home).toMatchObject({ outcome: 'logged_in', sessionCreated: true });
    expect(home.action).toEqual({});
    const login = runEvents(withAction(example('deny-other-network.js')), [{ type: 'WEB_LOGIN', device: 'mallory-phone', user: 'mallory' }]).observations[0];
    expect(login.outcome).toBe('logged_in');
  });

  it('shorten-transfer-sessions sets an hour and 15 idle minutes on a transfer-born session, and the clock ends it at the idle deadline', () => {
    const model = withAction(example('shorten-transfer-sessions.js'), { ...REDEEMABLE, web: { session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'none', allow_refresh_token: true } } });
    const r = runEvents(model, [...atHome, { type: 'ADVANCE_TIME', seconds: 899 }, { type: 'ADVANCE_TIME', seconds: 1 }]);
    expect(r.observations[2].action).toEqual({ expiresAt: 3600, idleExpiresAt: 900 });
    expect(r.observations[3].expired).toBeUndefined();
    expect(r.observations[4].expired?.sessions).toEqual(['s1']);
    // the online web refresh token ends with its session (R27)
    expect(r.observations[4].revoked.refreshTokens).toEqual(['rt2']);
  });

  it('shorten-transfer-sessions: a later login restarts the idle timer, and the absolute hour still holds', () => {
    const model = withAction(example('shorten-transfer-sessions.js'));
    const r = runEvents(model, [...atHome, { type: 'ADVANCE_TIME', seconds: 600 }, { type: 'AUTHORIZE', device: 'alice-laptop' },
      { type: 'ADVANCE_TIME', seconds: 600 }, { type: 'AUTHORIZE', device: 'alice-laptop' }, { type: 'ADVANCE_TIME', seconds: 600 }, { type: 'AUTHORIZE', device: 'alice-laptop' },
      { type: 'ADVANCE_TIME', seconds: 600 }, { type: 'AUTHORIZE', device: 'alice-laptop' }, { type: 'ADVANCE_TIME', seconds: 600 }, { type: 'ADVANCE_TIME', seconds: 600 }]);
    expect(r.observations.filter((o) => o.event.type === 'AUTHORIZE' && o.step > 3).map((o) => o.outcome)).toEqual(['logged_in', 'logged_in', 'logged_in', 'logged_in']);
    // SSO without a token runs no Action (MODEL.md §2), so the idle deadline falls back to the tenant's
    expect(r.world.sessions[0].idleExpiresAt).toBeNull();
    expect(r.observations[11].expired).toBeUndefined();
    expect(r.observations[12]).toMatchObject({ expired: { sessions: ['s1'] } });
    expect(r.world.clock).toBe(3600);
  });

  it('transfer-clients-allowlist refuses a transfer login into another web app only', () => {
    const two: ConfigInput = { ...REDEEMABLE, web: [REDEEMABLE.web as object, { client_id: 'partner-portal', session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none' } }] } as ConfigInput;
    const model = withAction(example('transfer-clients-allowlist.js'), two);
    const partner = runEvents(model, [...MINT, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query', client: 'partner-portal' }]).observations[2];
    expect(partner).toMatchObject({ outcome: 'access_denied', reason: 'action_denied' });
    const first = runEvents(model, [...MINT, { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'query' }]).observations[2];
    expect(first.outcome).toBe('logged_in');
  });
});

describe('what an Action sees', () => {
  it('the model clock as Date, the event fields of MODEL.md §2, and awaits that settle in the sandbox', () => {
    const r = runEvents(withAction(fixture('clock-and-awaits.js')), [{ type: 'ADVANCE_TIME', seconds: 120 }, ...atHome]);
    const now = new Date(MODEL_EPOCH_MS + 120_000).toISOString();
    expect(r.observations[3].action?.denied).toBe(`${now} ${MODEL_EPOCH_MS + 120_000} web-app alice s1 ${now} stt:native-app/openid offline_access/198.51.100.7 parent:rt1`);
  });

  it('answers are cached by the event: the same login asked twice runs the module once', () => {
    const a = loadPostLoginAction(example('deny-other-asn.js'));
    const event = { user: { user_id: 'alice' }, client: { client_id: 'web-app' }, organization: undefined, request: { ip: '1.1.1.1', asn: 1 }, transaction: { protocol: 'oidc-basic-profile' },
      session_transfer_token: { client_id: 'native-app', scope: 'openid', request: { ip: '1.1.1.1', asn: 2 } }, session: { id: 's1', created_at: 'x', session_transfer: undefined } };
    const before = { ...a.stats };
    expect(a.run(event, 0).denied).toMatch(/ASN/);
    expect(a.run(event, 0).denied).toMatch(/ASN/);
    expect(a.stats.runs - before.runs).toBe(1);
    expect(a.stats.cached - before.cached).toBe(1);
  });
});

describe('an Action that does what the model does not offer is a scenario error naming the file and the call', () => {
  const cases: [string, RegExp][] = [
    ['reads-email.js', /reads-email\.js: event\.user\.email: not offered by the model/],
    ['calls-id-token.js', /calls-id-token\.js: api\.idToken: not offered by the model/],
    ['throws.js', /throws\.js: onExecutePostLogin: threw: the Action failed on purpose/],
    ['never-settles.js', /never-settles\.js: onExecutePostLogin: did not settle/],
    ['bad-deadline.js', /bad-deadline\.js: api\.session\.setExpiresAt: expected epoch milliseconds/],
  ];
  it.each(cases)('%s', (name, message) => {
    const model = withAction(fixture(name));
    let error: unknown;
    try { runEvents(model, atHome); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toMatch(message);
  });

  it('a module that requires a package, exports no onExecutePostLogin, or does not exist fails when loaded', () => {
    expect(() => loadPostLoginAction(fixture('requires.js'))).toThrow(/requires\.js: load: require\(\): not offered by the model/);
    expect(() => loadPostLoginAction(fixture('no-export.js'))).toThrow(/no-export\.js: load: expected `exports\.onExecutePostLogin/);
    expect(() => loadPostLoginAction(fixture('missing.js'))).toThrow(/missing\.js: load: cannot read the Action module \(ENOENT\)/);
  });
});
