// conformance/configs.ts: the configurations the conformance tests and the bench run under, and the one
// that exposes each seeded fault of the reference server.
import type { ConfigInput } from '../machines/config.js';

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
