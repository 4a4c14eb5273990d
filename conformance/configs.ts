// conformance/configs.ts: the configurations the conformance tests and the bench run under, and the one
// that exposes each seeded fault of the reference server.
import { join } from 'node:path';
import { packageRoot } from '../machines/actions.js';
import { resolveConfig, resolveInterpretations, type ConfigInput, type Interpretations } from '../machines/config.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';

/**
 * The configuration conformance runs use when none is given: MODEL.md §2's defaults, except that the native
 * app may mint and the web app accepts the transfer token by cookie and by query (without these, Native to
 * Web SSO is off and almost nothing is exercised).
 */
export const CONFORMANCE_DEFAULT_CONFIG: ConfigInput = {
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'] } },
};

export const CONFORMANCE_CONFIGS: Readonly<Record<'default' | 'strict' | 'lax' | 'lifetimes' | 'two-apps', ConfigInput>> = {
  /** native can_create true, web methods cookie+query, everything else Auth0's defaults */
  default: CONFORMANCE_DEFAULT_CONFIG,
  /** rotation on, query only, IP binding, web refresh tokens allowed and online, cascade on */
  strict: {
    native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: true }, refresh_token: { rotation_type: 'rotating' } },
    web: {
      session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'ip', allow_refresh_token: true, enforce_online_refresh_tokens: true },
      refresh_token: { rotation_type: 'rotating' },
    },
  },
  /** no cascade, no binding, the web app may mint, web refresh tokens allowed and offline */
  lax: {
    native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: false } },
    web: {
      session_transfer: {
        can_create_session_transfer_token: true, allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none',
        allow_refresh_token: true, enforce_online_refresh_tokens: false,
      },
    },
  },
  /**
   * MODEL.md §8 within reach of a short sequence: sessions end after 3 min (2 min idle), the native app
   * rotates expiring tokens (4 min absolute, 2 min idle) with a 30 s leeway, web refresh tokens allowed and online
   */
  lifetimes: {
    tenant: { session_lifetime: 180 / 3600, idle_session_lifetime: 120 / 3600 },
    native: {
      session_transfer: { can_create_session_transfer_token: true },
      refresh_token: {
        rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 240, infinite_token_lifetime: false,
        idle_token_lifetime: 120, infinite_idle_token_lifetime: false, leeway: 30,
      },
    },
    web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true, enforce_online_refresh_tokens: true } },
  },
  /**
   * MODEL.md §8: two web apps sharing the browser's session. web-app: cookie and query, ip binding, refresh
   * tokens allowed and online, may not mint. web-app-2: may mint, query only, asn binding, refresh tokens
   * allowed and offline, rotating
   */
  'two-apps': {
    native: { session_transfer: { can_create_session_transfer_token: true } },
    web: [
      { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true, enforce_online_refresh_tokens: true } },
      {
        client_id: 'web-app-2',
        session_transfer: {
          can_create_session_transfer_token: true, allowed_authentication_methods: ['query'], enforce_device_binding: 'asn',
          allow_refresh_token: true, enforce_online_refresh_tokens: false,
        },
        refresh_token: { rotation_type: 'rotating' },
      },
    ],
  },
};

/** The seeded faults of reference-server/ and the configuration that exposes each. */
export const FAULT_CONFIGS: Readonly<Record<string, keyof typeof CONFORMANCE_CONFIGS>> = {
  'reusable-transfer-token': 'default',
  'no-expiry': 'default',
  'ignore-device-binding': 'default',
  'mismatch-keeps-session': 'default',
  'revoked-parent-still-redeems': 'default',
  // a web refresh token of a transfer-born session may mint only if the web app may mint at all
  'nested-transfer-allowed': 'lax',
  // both need web refresh tokens that are online and a cascade
  'shallow-cascade': 'strict',
  'offline-web-refresh-tokens': 'strict',
  // an online web refresh token on a transfer-born session that can expire; a rotating family with a leeway
  'expiry-keeps-online-tokens': 'lifetimes',
  'leeway-any-old-token': 'lifetimes',
  // a second web app that may mint, whose refresh token comes off a transfer-born session
  'second-app-nests': 'two-apps',
};

/** An example Action of examples/actions/ by absolute path (the package ships them), as a configuration names it. */
const exampleAction = (name: string) => ({ 'post-login': join(packageRoot(), 'examples', 'actions', name) });

/** One configuration of the default conformance run, with the readings it is run under. */
export interface CoveringRun {
  readonly name: string;
  readonly config: ConfigInput;
  readonly interpretations: Partial<Interpretations>;
  /** what it is there for, printed by `n2w conform` */
  readonly why: string;
}

/**
 * The configurations `n2w conform` and the emitted suite run when none is given. Together every rule
 * property can fail under one of them (cli/conform.test.ts shows it with the mutants of machines/mutants),
 * and every seeded fault of the reference server shows under one (FAULT_CONFIGS).
 */
export const COVERING_RUNS: readonly CoveringRun[] = [
  ...(Object.keys(CONFORMANCE_CONFIGS) as (keyof typeof CONFORMANCE_CONFIGS)[]).map((name) => ({
    name, config: CONFORMANCE_CONFIGS[name], interpretations: {},
    why: { default: 'the basic transfer, expiry, binding and cascade', strict: 'rotation, query only, IP binding, online web refresh tokens',
      lax: 'no cascade, no binding, a web app that may mint', lifetimes: 'session and refresh-token lifetimes, idle times, leeway',
      'two-apps': 'two web apps sharing one browser session' }[name],
  })),
  // A19 = always and N2: their properties judge nothing under the default readings; strict's online web
  // refresh tokens give both something to judge
  { name: 'readings', config: CONFORMANCE_CONFIGS.strict, interpretations: { A19: 'always', N2: true }, why: 'strict under the readings A19 = always and N2 (Online Refresh Tokens)' },
  // the Action is the only thing that refuses a redemption from another network when nothing is bound
  {
    name: 'action-deny', interpretations: {}, why: 'a post-login Action that denies a transfer login (AC1)',
    config: { ...CONFORMANCE_DEFAULT_CONFIG, web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none' } }, actions: exampleAction('deny-other-network.js') },
  },
  { name: 'action-deadlines', interpretations: {}, why: 'a post-login Action that sets session deadlines (AC2)', config: { ...CONFORMANCE_DEFAULT_CONFIG, actions: exampleAction('shorten-transfer-sessions.js') } },
];

/** A covering run's setting over the default population. */
export const coveringSetting = (run: CoveringRun): Setting =>
  makeSetting(resolveConfig(run.config), resolveInterpretations(run.interpretations), DEFAULT_POPULATION);
