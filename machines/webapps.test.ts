// machines/webapps.test.ts: several web apps sharing one browser session (MODEL.md §8, WA1, WA2): the
// configuration's list of web clients, `client` on /authorize and web logins, tokens per client, each
// redemption judged by the app the request is for, nesting and cascade across apps.
import { describe, expect, it } from 'vitest';
import { configLabel, configSchema, configToInput, describeConfig, resolveConfig, twoAppSpace, webApps, withoutSecondApp, type ConfigInput } from './config.js';
import { DEFAULT_INTERPRETATIONS } from './config.js';
import type { ModelEvent } from './events.js';
import { makeSetting } from './setting.js';
import { createModel, referenceError, runEvents } from './step.js';
import { DEFAULT_POPULATION, initialWorld } from './world.js';
import { E, expectObservation, statuses } from './test-helpers.js';

const BOTH = ['cookie', 'query'] as ('cookie' | 'query')[];
/** The native app mints; app 1 strict (cookie, ip, no refresh tokens); app 2 as given. */
const twoApps = (second: Record<string, unknown>, first: Record<string, unknown> = {}): ConfigInput => ({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: [{ session_transfer: { allowed_authentication_methods: ['cookie'], ...first } }, { session_transfer: { allowed_authentication_methods: BOTH, ...second } }],
});
const run = (input: ConfigInput, events: ModelEvent[]) =>
  runEvents(createModel(makeSetting(resolveConfig(input), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION)), events);
const at2 = <T extends ModelEvent>(e: T): T => ({ ...e, client: 'web-app-2' });

describe('several web apps: the configuration', () => {
  it('web as a list: client_ids given or defaulted (web-app, web-app-2, ...), names kept, settings per app', () => {
    const c = resolveConfig({ web: [{ session_transfer: { enforce_device_binding: 'none' } }, { client_id: 'shop', name: 'Shop' }, {}] });
    expect(webApps(c).map((a) => [a.clientId, a.name, a.settings.enforceDeviceBinding])).toEqual([['web-app', null, 'none'], ['shop', 'Shop', 'ip'], ['web-app-3', null, 'ip']]);
    expect(resolveConfig({ web: {} }).moreWeb).toEqual([]);
  });
  it('round-trips through configToInput: an object for one app, a list with client_ids for several', () => {
    const one = resolveConfig({});
    expect(Array.isArray(configToInput(one).web)).toBe(false);
    expect(configToInput(one).web).not.toHaveProperty('client_id');
    for (const c of twoAppSpace().filter((_, i) => i % 17 === 0)) {
      const input = configToInput(c);
      expect(Array.isArray(input.web)).toBe(true);
      expect(resolveConfig(configSchema.parse(input))).toEqual(c);
    }
  });
  it('labels and descriptions tell the apps apart', () => {
    const [a, b] = twoAppSpace();
    expect(configLabel(a)).not.toBe(configLabel(b));
    expect(configLabel(a)).toMatch(/_w2-/);
    expect(describeConfig(a)).toMatch(/web \(web-app\): .*; web-app-2: /);
    expect(configLabel(withoutSecondApp(a))).not.toMatch(/_w2-/);
  });
  it('wrong input names the place: a field of the second app, a client_id used twice, the native app\'s id, an empty list', () => {
    const issues = (input: unknown) => configSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ web: [{}, { session_transfer: { enforce_device_binding: 'mac' } }] })[0]).toMatch(/^web\.1\.session_transfer\.enforce_device_binding: /);
    expect(issues({ web: [{}, { client_id: 'web-app' }] })[0]).toMatch(/^web\.1\.client_id: "web-app" is the client_id of web\[0\] too/);
    expect(issues({ web: [{ client_id: 'native-app' }] })[0]).toMatch(/^web\.0\.client_id: "native-app" is the native app's client_id/);
    expect(issues({ web: [] })[0]).toMatch(/^web: expected at least one web client/);
    expect(issues({ web: { session_transfer: { allow_refresh_token: 'yes' } } })[0]).toMatch(/^web\.session_transfer\.allow_refresh_token: /);
  });
  it('the two-app check: 96 configurations, the first app strict, the second over the 96 web settings', () => {
    const space = twoAppSpace();
    expect(space).toHaveLength(96);
    expect(new Set(space.map(configLabel)).size).toBe(96);
    for (const c of space) expect([c.web.allowedAuthenticationMethods, c.web.enforceDeviceBinding, c.web.allowRefreshToken, c.moreWeb.length]).toEqual([['cookie'], 'ip', false, 1]);
  });
});

describe('several web apps: the step (WA1, WA2)', () => {
  it('an event naming an unknown client is a scenario error naming the field', () => {
    const setting = makeSetting(resolveConfig(twoApps({})), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);
    const err = referenceError(setting, initialWorld(DEFAULT_POPULATION), { type: 'WEB_LOGIN', device: 'alice-laptop', user: 'alice', client: 'web-app-9' });
    expect(err).toEqual({ field: 'client', message: 'unknown web client "web-app-9"; expected one of web-app, web-app-2' });
  });
  it('one session per browser, shared: a login at app 1 is SSO at app 2', () => {
    const r = run(twoApps({}), [E.webLogin('alice-laptop', 'alice'), at2(E.authorize('alice-laptop'))]);
    expectObservation(r.observations[1], { outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: false });
  });
  it('refresh tokens belong to the app the login was for, and its flags gate them (WA1, R25, A17)', () => {
    const r = run(twoApps({ allow_refresh_token: true, enforce_online_refresh_tokens: false }), [
      E.nativeLogin(), E.mint('rt1'), at2(E.authorize('alice-phone', 'stt1', { offlineAccess: true })), E.mint('rt1'), E.authorize('alice-laptop', 'stt2', { offlineAccess: true }),
    ]);
    expect(r.world.refreshTokens.map((t) => [t.id, t.clientId, t.online])).toEqual([['rt1', 'native-app', false], ['rt2', 'web-app-2', false]]);
    // app 1 (allow_refresh_token false) issued none for its transfer login
    expectObservation(r.observations[4], { outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, consumed: ['stt2'] });
  });
  it('a redemption is judged by the redeeming app\'s binding and methods (WA1, R11, R13)', () => {
    const events = (client: (e: ModelEvent) => ModelEvent) => [E.nativeLogin(), E.mint('rt1'), E.move('mallory-phone', 'home'), E.move('alice-phone', 'mobile'), client(E.authorize('mallory-phone', 'stt1', { method: 'query' }))];
    // app 1 allows only cookie: the query token is ignored (A10), no session
    expect(run(twoApps({}), events((e) => e)).observations[4]).toMatchObject({ outcome: 'login_required', reason: 'no_session' });
    // at app 2 (query allowed, ip binding) the token minted on home redeems on home
    expect(run(twoApps({}), events(at2)).observations[4]).toMatchObject({ outcome: 'logged_in', sessionCreated: true });
    // with app 2 on ip binding and the token presented from another network, app 2 refuses
    const away = [E.nativeLogin(), E.mint('rt1'), at2(E.authorize('mallory-phone', 'stt1', { method: 'query' }))];
    expect(run(twoApps({}), away).observations[2]).toMatchObject({ outcome: 'login_required', reason: 'device_binding_failed' });
    expect(run(twoApps({ enforce_device_binding: 'none' }), away).observations[2]).toMatchObject({ outcome: 'logged_in' });
  });
  it('the nesting ban reaches a second app\'s refresh token (WA2, R7, R8)', () => {
    const r = run(twoApps({ can_create_session_transfer_token: true, allow_refresh_token: true }), [
      E.nativeLogin(), E.mint('rt1'), at2(E.authorize('alice-phone', 'stt1', { offlineAccess: true })), E.mint('rt2'),
    ]);
    expect(r.world.refreshTokens[1]).toMatchObject({ id: 'rt2', clientId: 'web-app-2', parent: 'rt1' });
    expectObservation(r.observations[3], { outcome: 'rejected', reason: 'nested_transfer_forbidden' });
  });
  it('the cascade reaches a second app\'s offline token issued to a transfer-born session (WA2, R26)', () => {
    const r = run(twoApps({ allow_refresh_token: true, enforce_online_refresh_tokens: false }), [
      E.nativeLogin(), E.mint('rt1'), at2(E.authorize('alice-phone', 'stt1', { offlineAccess: true })), E.revokeRefreshToken('rt1'),
    ]);
    expectObservation(r.observations[3], { outcome: 'revoked', revoked: { refreshTokens: ['rt1', 'rt2'], sessions: ['s1'] } });
  });
  it('the online rule follows the flag of the app that holds each token', () => {
    // app 1 allows refresh tokens online, app 2 offline; both issue into the one transfer-born session
    const r = run(twoApps({ allow_refresh_token: true, enforce_online_refresh_tokens: false }, { allow_refresh_token: true, allowed_authentication_methods: BOTH }), [
      E.nativeLogin(), E.mint('rt1'), E.authorize('alice-phone', 'stt1', { offlineAccess: true }), at2(E.authorize('alice-phone', undefined, { offlineAccess: true })), E.revokeSession('s1'),
    ]);
    expect(r.world.refreshTokens.map((t) => [t.id, t.clientId, t.online])).toEqual([['rt1', 'native-app', false], ['rt2', 'web-app', true], ['rt3', 'web-app-2', false]]);
    expectObservation(r.observations[4], { outcome: 'revoked', revoked: { sessions: ['s1'], refreshTokens: ['rt2'] } });
    expect(statuses(r.world)).toMatchObject({ rt2: 'revoked', rt3: 'active' });
  });
});
