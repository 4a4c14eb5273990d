// machines/test-helpers.ts: small builders shared by the example-based tests (authorize, revocation,
// tokens, interpretations). Configs are written in Auth0's Management API shape (MODEL.md §2); events
// are built by short constructors; observations are compared on the full field set of MODEL.md §4.
import { expect } from 'vitest';
import { DEFAULT_INTERPRETATIONS, resolveConfig, type ConfigInput, type Interpretations } from './config.js';
import type { ModelEvent } from './events.js';
import type { Observation } from './observation.js';
import { makeSetting } from './setting.js';
import { createModel, runEvents } from './step.js';
import { DEFAULT_POPULATION, type World } from './world.js';

type SessionTransfer = NonNullable<NonNullable<ConfigInput['native']>['session_transfer']>;
type RefreshTokenInput = NonNullable<NonNullable<ConfigInput['native']>['refresh_token']>;
type Rotation = 'rotating' | 'non-rotating';

/** A short config: the session_transfer flags of each client, rotation, and the TTL; lifetimes (MODEL.md §8) in full. */
export interface ConfigSketch {
  native?: SessionTransfer & { rotation_type?: Rotation };
  web?: SessionTransfer & { rotation_type?: Rotation };
  ttl?: number;
  /** each client's other refresh_token fields (lifetimes, leeway) */
  tokens?: { native?: Omit<RefreshTokenInput, 'rotation_type'>; web?: Omit<RefreshTokenInput, 'rotation_type'> };
  tenant?: ConfigInput['tenant'];
}

/** Management API shape from a sketch; absent flags stay absent, so Auth0's defaults apply. */
export function toInput(s: ConfigSketch = {}): ConfigInput {
  const client = (c: ConfigSketch['native'], tokens: Omit<RefreshTokenInput, 'rotation_type'> | undefined) => {
    if (!c && !tokens) return undefined;
    const { rotation_type, ...session_transfer } = c ?? {};
    const refresh_token = { ...(rotation_type ? { rotation_type } : {}), ...tokens };
    return { session_transfer, ...(Object.keys(refresh_token).length ? { refresh_token } : {}) };
  };
  return {
    ...(s.native || s.tokens?.native ? { native: client(s.native, s.tokens?.native) } : {}),
    ...(s.web || s.tokens?.web ? { web: client(s.web, s.tokens?.web) } : {}),
    ...(s.ttl !== undefined ? { transfer_token_ttl_seconds: s.ttl } : {}),
    ...(s.tenant ? { tenant: s.tenant } : {}),
  };
}

/**
 * N2W switched on at its plainest: the native app may mint, the web app accepts cookie and query.
 * Everything else is Auth0's default (binding ip, cascade on, online on, no web refresh tokens, no rotation)
 * unless the overrides say otherwise.
 */
export function enabled(over: ConfigSketch = {}): ConfigSketch {
  return {
    native: { can_create_session_transfer_token: true, ...over.native },
    web: { allowed_authentication_methods: ['cookie', 'query'], ...over.web },
    ...(over.ttl !== undefined ? { ttl: over.ttl } : {}),
    ...(over.tokens ? { tokens: over.tokens } : {}),
    ...(over.tenant ? { tenant: over.tenant } : {}),
  };
}

export interface Run {
  observations: Observation[];
  world: World;
  /** the observation of step n (1-based, like Observation.step) */
  at(n: number): Observation;
  last: Observation;
}

/** Runs the events from the default world under the config and interpretations given. */
export function run(config: ConfigSketch, events: ModelEvent[], interpretations: Partial<Interpretations> = {}): Run {
  const setting = makeSetting(resolveConfig(toInput(config)), { ...DEFAULT_INTERPRETATIONS, ...interpretations }, DEFAULT_POPULATION);
  const { observations, world } = runEvents(createModel(setting), events);
  return { observations, world, at: (n) => observations[n - 1], last: observations[observations.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Events

export const E = {
  nativeLogin: (user = 'alice', device = 'alice-phone', organization?: string): ModelEvent =>
    ({ type: 'NATIVE_LOGIN', user, device, ...(organization ? { organization } : {}) }),
  mint: (refreshToken: string): ModelEvent => ({ type: 'MINT_TRANSFER_TOKEN', refreshToken }),
  authorize: (device: string, transferToken?: string,
    opts: { method?: 'cookie' | 'query'; organization?: string; offlineAccess?: boolean } = {}): ModelEvent =>
    ({ type: 'AUTHORIZE', device, ...(transferToken ? { transferToken } : {}), ...opts }),
  webLogin: (device: string, user: string, offlineAccess?: boolean): ModelEvent =>
    ({ type: 'WEB_LOGIN', device, user, ...(offlineAccess !== undefined ? { offlineAccess } : {}) }),
  refresh: (refreshToken: string): ModelEvent => ({ type: 'REFRESH', refreshToken }),
  revokeRefreshToken: (refreshToken: string): ModelEvent => ({ type: 'REVOKE_REFRESH_TOKEN', refreshToken }),
  revokeSession: (session: string): ModelEvent => ({ type: 'REVOKE_SESSION', session }),
  advance: (seconds: number): ModelEvent => ({ type: 'ADVANCE_TIME', seconds }),
  move: (device: string, network: string): ModelEvent => ({ type: 'MOVE_DEVICE', device, network }),
};

// ---------------------------------------------------------------------------------------------
// Observations and worlds

/** The contract fields of an observation (MODEL.md §4), without the extensions. */
export type Picture = Pick<Observation, 'outcome' | 'reason' | 'user' | 'session' | 'sessionCreated' | 'issued' | 'revoked' | 'consumed'>;
export type Expected = Omit<Partial<Picture>, 'revoked'> & { outcome: Picture['outcome']; revoked?: Partial<Picture['revoked']> };

const byId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The contract fields of MODEL.md §4 (revoked lists sorted: their order is not part of the contract). */
export function picture(o: Observation): Picture {
  return {
    outcome: o.outcome, reason: o.reason, user: o.user, session: o.session, sessionCreated: o.sessionCreated,
    issued: o.issued, consumed: o.consumed,
    revoked: {
      refreshTokens: [...o.revoked.refreshTokens].sort(byId),
      sessions: [...o.revoked.sessions].sort(byId),
      transferTokens: [...o.revoked.transferTokens].sort(byId),
    },
  };
}

/** Asserts every contract field: what is not given must be absent (user, session...) or empty (lists). */
export function expectObservation(o: Observation, e: Expected): void {
  expect(picture(o)).toEqual({
    reason: undefined, user: undefined, session: undefined, sessionCreated: undefined,
    issued: [], consumed: [],
    ...e,
    revoked: {
      refreshTokens: [...(e.revoked?.refreshTokens ?? [])].sort(byId),
      sessions: [...(e.revoked?.sessions ?? [])].sort(byId),
      transferTokens: [...(e.revoked?.transferTokens ?? [])].sort(byId),
    },
  });
}

/** Every artifact's status by id: `{ rt1: 'active', stt1: 'consumed', s1: 'active' }`. */
export function statuses(w: World): Record<string, string> {
  return Object.fromEntries([...w.refreshTokens, ...w.transferTokens, ...w.sessions].map((a) => [a.id, a.status]));
}

/** Which session cookie each browser holds. */
export function cookies(w: World): Record<string, string | null> {
  return Object.fromEntries(Object.entries(w.devices).map(([d, s]) => [d, s.session]));
}

export const NO_COOKIES = { 'alice-phone': null, 'alice-laptop': null, 'mallory-phone': null } as const;
