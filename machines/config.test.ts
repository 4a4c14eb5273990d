// Configuration (MODEL.md §2): Auth0's Management API shape, documented defaults, validation errors that
// name the JSON path, the interpretation switches, and the 768-configuration space.
import { describe, expect, it } from 'vitest';
import {
  configLabel, configSchema, configToInput, configurationSpace, interpretationsSchema, resolveConfig, resolveInterpretations,
  DEFAULT_INTERPRETATIONS, type ClientSettings,
} from './config.js';

const DEFAULT_CLIENT: ClientSettings = {
  canCreateSessionTransferToken: false,
  enforceCascadeRevocation: true,
  allowedAuthenticationMethods: [],
  enforceDeviceBinding: 'ip',
  allowRefreshToken: false,
  enforceOnlineRefreshTokens: true,
  rotationType: 'non-rotating',
  // Auth0's documented defaults of MODEL.md §8: non-expiring, 30 days / 15 days when expiring, no leeway
  expirationType: 'non-expiring',
  tokenLifetime: 2592000,
  infiniteTokenLifetime: true,
  idleTokenLifetime: 1296000,
  infiniteIdleTokenLifetime: true,
  leeway: 0,
};
/** the tenant's defaults: 7 days absolute, 3 days idle (given in hours, kept in seconds) */
const DEFAULT_TENANT = { sessionLifetimeSeconds: 604800, idleSessionLifetimeSeconds: 259200, postLoginAction: null };
/** MODEL.md §8: one web app, named web-app */
const ONE_WEB_APP = { webClientId: 'web-app', moreWeb: [] };

// What `GET /api/v2/clients/{id}` returns for a native and a regular web app (trimmed, but with the
// fields a real export carries that the model does not read).
const REAL_NATIVE_CLIENT = {
  client_id: 'Xk2lN0aB7cD9eF1gH3iJ5kL7mN9oP1qR',
  tenant: 'acme-prod',
  name: 'Acme iOS',
  description: 'The Acme banking app',
  app_type: 'native',
  is_first_party: true,
  oidc_conformant: true,
  callbacks: ['com.acme.app://acme.eu.auth0.com/ios/com.acme.app/callback'],
  allowed_logout_urls: [],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
  jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
  native_social_login: { apple: { enabled: false } },
  refresh_token: {
    rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 2592000,
    infinite_token_lifetime: false, idle_token_lifetime: 1296000, infinite_idle_token_lifetime: false,
  },
  session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: false },
  custom_login_page_on: true,
};
const REAL_WEB_CLIENT = {
  client_id: 'Yz9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT',
  name: 'Acme Web',
  app_type: 'regular_web',
  callbacks: ['https://app.acme.example/callback'],
  initiate_login_uri: 'https://app.acme.example/login',
  web_origins: ['https://app.acme.example'],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  token_endpoint_auth_method: 'client_secret_post',
  refresh_token: { rotation_type: 'non-rotating', expiration_type: 'non-expiring', leeway: 0 },
  session_transfer: {
    can_create_session_transfer_token: false,
    allowed_authentication_methods: ['query', 'cookie'],
    enforce_device_binding: 'asn',
    allow_refresh_token: true,
    enforce_online_refresh_tokens: false,
  },
  organization_usage: 'allow',
};

describe('resolveConfig: Auth0\'s documented defaults (spec §2, R2, R12, R14, R25, R26, R27)', () => {
  it('an empty config resolves to the documented defaults for both clients and a 60 s TTL', () => {
    expect(resolveConfig({})).toEqual({ native: DEFAULT_CLIENT, web: DEFAULT_CLIENT, transferTokenTtlSeconds: 60, ...DEFAULT_TENANT, ...ONE_WEB_APP });
    expect(resolveConfig()).toEqual(resolveConfig({}));
  });

  it('null session_transfer and refresh_token objects resolve to the defaults', () => {
    expect(resolveConfig({ native: { session_transfer: null, refresh_token: null }, web: { session_transfer: {} } }))
      .toEqual({ native: DEFAULT_CLIENT, web: DEFAULT_CLIENT, transferTokenTtlSeconds: 60, ...DEFAULT_TENANT, ...ONE_WEB_APP });
  });

  it('allowed_authentication_methods null resolves to [] (R14)', () => {
    const c = resolveConfig({ web: { session_transfer: { allowed_authentication_methods: null } } });
    expect(c.web.allowedAuthenticationMethods).toEqual([]);
  });

  it('allowed methods are normalised to a fixed order without duplicates', () => {
    const c = resolveConfig({ web: { session_transfer: { allowed_authentication_methods: ['query', 'cookie', 'query'] } } });
    expect(c.web.allowedAuthenticationMethods).toEqual(['cookie', 'query']);
  });

  it('only the fields given change: one flag set, the rest default', () => {
    const c = resolveConfig({ native: { session_transfer: { can_create_session_transfer_token: true } }, transfer_token_ttl_seconds: 30 });
    expect(c).toEqual({ native: { ...DEFAULT_CLIENT, canCreateSessionTransferToken: true }, web: DEFAULT_CLIENT, ...DEFAULT_TENANT, ...ONE_WEB_APP, transferTokenTtlSeconds: 30 });
  });

  it('a real client export parses: unknown fields are ignored and the known ones are read', () => {
    const parsed = configSchema.safeParse({ native: REAL_NATIVE_CLIENT, web: REAL_WEB_CLIENT, transfer_token_ttl_seconds: 60 });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(resolveConfig(parsed.data)).toEqual({
      native: {
        ...DEFAULT_CLIENT, canCreateSessionTransferToken: true, enforceCascadeRevocation: false, rotationType: 'rotating',
        expirationType: 'expiring', infiniteTokenLifetime: false, infiniteIdleTokenLifetime: false,
      },
      web: {
        ...DEFAULT_CLIENT, allowedAuthenticationMethods: ['cookie', 'query'], enforceDeviceBinding: 'asn',
        allowRefreshToken: true, enforceOnlineRefreshTokens: false,
      },
      transferTokenTtlSeconds: 60, ...DEFAULT_TENANT, webClientId: REAL_WEB_CLIENT.client_id, moreWeb: [],
    });
    // only what the model reads is kept: the two objects, and the client_id and name that name a web app (MODEL.md §8)
    expect(Object.keys(parsed.data.native!).sort()).toEqual(['client_id', 'name', 'refresh_token', 'session_transfer'].filter((k) => k in REAL_NATIVE_CLIENT));
    expect(parsed.data.web).not.toHaveProperty('callbacks');
  });

  it('configToInput round-trips every configuration of the space', () => {
    for (const c of configurationSpace()) expect(resolveConfig(configSchema.parse(configToInput(c)))).toEqual(c);
  });
});

describe('configSchema: a wrong value or type is an error naming the JSON path', () => {
  const firstIssue = (input: unknown) => {
    const r = configSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.success ? undefined : r.error.issues[0];
  };

  it('a wrong enum value: enforce_device_binding "mac"', () => {
    const issue = firstIssue({ web: { session_transfer: { enforce_device_binding: 'mac' } } });
    expect(issue?.path).toEqual(['web', 'session_transfer', 'enforce_device_binding']);
  });

  it('a wrong type: allow_refresh_token "yes"', () => {
    const issue = firstIssue({ web: { session_transfer: { allow_refresh_token: 'yes' } } });
    expect(issue?.path).toEqual(['web', 'session_transfer', 'allow_refresh_token']);
    expect(issue?.code).toBe('invalid_type');
  });

  it('a wrong array element: allowed_authentication_methods ["cookie", "header"]', () => {
    const issue = firstIssue({ web: { session_transfer: { allowed_authentication_methods: ['cookie', 'header'] } } });
    expect(issue?.path).toEqual(['web', 'session_transfer', 'allowed_authentication_methods', 1]);
  });

  it('a wrong rotation_type on the native client', () => {
    const issue = firstIssue({ native: { refresh_token: { rotation_type: 'sometimes' } } });
    expect(issue?.path).toEqual(['native', 'refresh_token', 'rotation_type']);
  });

  it('a wrong TTL: zero, or not an integer', () => {
    expect(firstIssue({ transfer_token_ttl_seconds: 0 })?.path).toEqual(['transfer_token_ttl_seconds']);
    expect(firstIssue({ transfer_token_ttl_seconds: 1.5 })?.path).toEqual(['transfer_token_ttl_seconds']);
    expect(firstIssue({ transfer_token_ttl_seconds: '60' })?.path).toEqual(['transfer_token_ttl_seconds']);
  });

  it('a wrong type for a whole client object', () => {
    expect(firstIssue({ native: { session_transfer: true } })?.path).toEqual(['native', 'session_transfer']);
  });
});

describe('interpretations (MODEL.md §2: A6, A8, A10)', () => {
  it('the defaults are A6 false, A8 true, A10 ignored, N1 false', () => {
    expect(DEFAULT_INTERPRETATIONS).toEqual({ A6: false, A8: true, A10: 'ignored', N1: false, A19: 'online-flag', N2: false });
    expect(resolveInterpretations()).toEqual(DEFAULT_INTERPRETATIONS);
  });

  it('a partial input overrides only what it names', () => {
    expect(resolveInterpretations({ A6: true })).toEqual({ ...DEFAULT_INTERPRETATIONS, A6: true });
    expect(resolveInterpretations({ A10: 'invalid', A8: false })).toEqual({ ...DEFAULT_INTERPRETATIONS, A8: false, A10: 'invalid' });
    expect(resolveInterpretations({ N1: true })).toEqual({ ...DEFAULT_INTERPRETATIONS, N1: true });
  });

  it('an unknown key is rejected', () => {
    const r = interpretationsSchema.safeParse({ A6: true, A11: 'query' });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['A11'] });
  });

  it('a wrong value names the key', () => {
    const r = interpretationsSchema.safeParse({ A10: 'maybe' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].path).toEqual(['A10']);
    expect(interpretationsSchema.safeParse({ A8: 'yes' }).success).toBe(false);
  });
});

describe('the configuration space (MODEL.md §2)', () => {
  const space = configurationSpace();

  it('has 768 distinct configurations', () => {
    expect(space).toHaveLength(768);
    expect(new Set(space.map((c) => JSON.stringify(c))).size).toBe(768);
  });

  it('every configuration has its own label', () => {
    expect(new Set(space.map(configLabel)).size).toBe(768);
  });

  it('spans every value of every dimension, and holds Auth0\'s default configuration', () => {
    expect(new Set(space.map((c) => c.web.allowedAuthenticationMethods.join('+')))).toEqual(new Set(['', 'cookie', 'query', 'cookie+query']));
    expect(new Set(space.map((c) => c.web.enforceDeviceBinding))).toEqual(new Set(['ip', 'asn', 'none']));
    expect(new Set(space.map((c) => c.native.rotationType))).toEqual(new Set(['rotating', 'non-rotating']));
    expect(space.every((c) => c.transferTokenTtlSeconds === 60)).toBe(true);
    expect(space).toContainEqual(resolveConfig());
  });

  it('labels read as documented, and a non-default TTL shows in the label', () => {
    expect(configLabel(resolveConfig())).toBe('n-nomint-casc-norot_w-nomint-none-ip-nort-online');
    expect(configLabel(resolveConfig({
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none' } },
    }))).toBe('n-mint-casc-norot_w-nomint-cookiequery-nobind-nort-online');
    const short = configurationSpace(30);
    expect(short).toHaveLength(768);
    expect(short.every((c) => configLabel(c).endsWith('_ttl30'))).toBe(true);
  });
});
