// explorer/test-fixtures.ts: configurations and helpers the explorer's tests and the engines' agreement
// test share.
import { resolveConfig, resolveInterpretations, type ConfigInput } from '../machines/config.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import type { ModelEvent } from '../machines/events.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { createEnumerator } from './enumerate.js';
import { goldenSetting } from './golden.js';
import type { Scope } from './scopes.js';

export const setting = (config: ConfigInput, interpretations = {}): Setting =>
  makeSetting(resolveConfig(config), resolveInterpretations(interpretations), DEFAULT_POPULATION);
const st = (x: object) => ({ session_transfer: x });

/** A handful of configurations that between them make every goal and reason code reachable. */
export const CONFIGS: [string, Setting][] = [
  ['golden (mint, cookie+query, ip)', goldenSetting()],
  ['binding none, query', setting({ native: st({ can_create_session_transfer_token: true }), web: st({ allowed_authentication_methods: ['query'], enforce_device_binding: 'none' }) })],
  ['asn, no cascade, rotating', setting({ native: { ...st({ can_create_session_transfer_token: true, enforce_cascade_revocation: false }), refresh_token: { rotation_type: 'rotating' } }, web: st({ allowed_authentication_methods: ['cookie'], enforce_device_binding: 'asn' }) })],
  ['web mints, refresh tokens offline, A10 invalid', setting({ native: st({ can_create_session_transfer_token: true }), web: st({ can_create_session_transfer_token: true, allowed_authentication_methods: ['cookie'], allow_refresh_token: true, enforce_online_refresh_tokens: false }) }, { A10: 'invalid', A8: false, A6: true })],
  ['native may not mint', setting({ web: st({ allowed_authentication_methods: ['cookie', 'query'] }) })],
];

/**
 * MODEL.md §8 within the default scope's reach: 3-minute sessions (2 idle), native tokens rotating and
 * expiring (4 minutes, 2 idle) with a 30 s leeway, web refresh tokens allowed and online.
 */
export const LIFETIMES: Setting = setting({
  native: { ...st({ can_create_session_transfer_token: true }), refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', infinite_token_lifetime: false, token_lifetime: 240, infinite_idle_token_lifetime: false, idle_token_lifetime: 120, leeway: 30 } },
  web: st({ allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true }),
  tenant: { session_lifetime: 3 / 60, idle_session_lifetime: 2 / 60 },
});

/** The events stay within the scope's alphabet and bounds, step by step. */
export function inScope(s: Setting, scope: Scope, events: readonly ModelEvent[]): boolean {
  if (events.length > scope.depth) return false;
  const model = createModel(s);
  const en = createEnumerator(s, scope);
  let world = model.initial;
  for (const [i, e] of events.entries()) {
    const key = JSON.stringify(e);
    if (!en.events(world).some((x) => JSON.stringify(x) === key)) return false;
    world = model.step(world, e, i + 1).world;
    if (!en.withinBounds(world)) return false;
  }
  return true;
}

