// Configuration of the reference server, in Auth0's Management API shape.
// Written from a digest of Auth0's documentation and the contract (MODEL.md §1, §2, at the repository's root),
// independently of the model's code.

export type DeviceBinding = 'ip' | 'asn' | 'none';
export type TransferMethod = 'cookie' | 'query';
export type RotationType = 'rotating' | 'non-rotating';
export type ExpirationType = 'expiring' | 'non-expiring';

/** client.session_transfer (Management API ClientSessionTransferConfiguration), defaults filled in. */
export interface SessionTransferSettings {
  can_create_session_transfer_token: boolean;
  enforce_cascade_revocation: boolean;
  allowed_authentication_methods: TransferMethod[];
  enforce_device_binding: DeviceBinding;
  allow_refresh_token: boolean;
  enforce_online_refresh_tokens: boolean;
}

/** client.refresh_token (subset that matters here), defaults filled in. */
export interface RefreshTokenSettings {
  rotation_type: RotationType;
  /** The two lifetimes below apply only to 'expiring' tokens, each unless its infinite_* flag is on. */
  expiration_type: ExpirationType;
  /** Absolute lifetime in seconds, counted from the family's first token (rotation does not extend it). */
  token_lifetime: number;
  infinite_token_lifetime: boolean;
  /** Idle lifetime in seconds, restarted by every exchange with the token. */
  idle_token_lifetime: number;
  infinite_idle_token_lifetime: boolean;
  /** Reuse interval in seconds: a rotating client honours the immediately previous token this long after its rotation. */
  leeway: number;
}

/** Tenant settings (GET /api/v2/tenants/settings), in hours as Auth0 gives them. */
export interface TenantSettings {
  /** absolute session lifetime, from the session's creation */
  session_lifetime: number;
  /** idle session lifetime, from the last login into the session */
  idle_session_lifetime: number;
}

export interface ClientSettings {
  client_id: string;
  name: string;
  app_type: 'native' | 'regular_web' | 'spa';
  /** Allowed callback URLs; null = any absolute http(s) URL is accepted (loopback test setups). */
  callbacks: string[] | null;
  session_transfer: SessionTransferSettings;
  refresh_token: RefreshTokenSettings;
}

export interface UserSettings {
  user_id: string;
  username: string;
  password: string;
}

export interface NetworkSettings {
  name?: string;
  ip: string;
  asn: number;
}

/** Readings of the spec's ambiguities that are switches (MODEL.md §2, plus A11 and A19 of the spec). */
export interface Interpretations {
  /** Valid token meets a same-user session: is the reused session linked to the token's parent? */
  A6: boolean;
  /** Does a redemption that fails binding / organization / user checks use the token up? */
  A8: boolean;
  /** Token sent by a method the web client does not allow: ignored (standard SSO) or invalid (login prompt). */
  A10: 'ignored' | 'invalid';
  /** Cookie and query both present: which one is evaluated first. */
  A11: 'query' | 'cookie';
  /** POST /api/v2/sessions/{id}/revoke: 'online-flag' follows the online-refresh-token rule like logout
   *  (MODEL.md's REVOKE_SESSION); 'always' revokes every refresh token linked to the session (spec A19). */
  A19: 'online-flag' | 'always';
  /** A mint by a client that may not mint, with a rotated refresh token: reuse detection first (true) or the client check (false). */
  N1: boolean;
  /** The project's reading that online web refresh tokens behave like Auth0's Online Refresh Tokens: a
   *  successful refresh or mint with one restarts its active session's idle timer, and /oauth/revoke of one
   *  also ends its active session (with the online rule). False: neither. */
  N2: boolean;
}

export interface ServerConfig {
  domain: string;
  transfer_token_ttl_seconds: number;
  tenant: TenantSettings;
  native: ClientSettings;
  /** MODEL.md §8: the web apps, at least one, in order (the first is the one a request naming none means); client_ids distinct */
  web: ClientSettings[];
  users: UserSettings[];
  networks: NetworkSettings[];
  interpretations: Interpretations;
  /** MODEL.md §2: a post-login Action module, a path relative to the process's working directory or absolute */
  actions: { 'post-login'?: string };
}

export const FAULTS = [
  'reusable-transfer-token',
  'no-expiry',
  'ignore-device-binding',
  'mismatch-keeps-session',
  'nested-transfer-allowed',
  'shallow-cascade',
  'offline-web-refresh-tokens',
  'revoked-parent-still-redeems',
  'expiry-keeps-online-tokens',
  'leeway-any-old-token',
  'second-app-nests',
  // races: a check and its update apart, an await between them (only overlapping requests show them)
  'racy-redemption',
  'racy-rotation',
] as const;
export type Fault = (typeof FAULTS)[number];

export function isFault(s: string): s is Fault {
  return (FAULTS as readonly string[]).includes(s);
}

/**
 * The one check of fault names, for the CLI, startServer and POST /test/reset. Each says an unknown name
 * in its own way (usage error, configuration error, 400), so `unknown` makes the error for the first one.
 */
export function parseFaults(names: readonly unknown[], unknown: (name: unknown) => Error): Fault[] {
  return names.map((f) => {
    if (typeof f !== 'string' || !isFault(f)) throw unknown(f);
    return f;
  });
}

export class ConfigError extends Error {
  constructor(
    public readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_SESSION_TRANSFER: SessionTransferSettings = {
  can_create_session_transfer_token: false,
  enforce_cascade_revocation: true,
  allowed_authentication_methods: [],
  enforce_device_binding: 'ip',
  allow_refresh_token: false,
  enforce_online_refresh_tokens: true,
};

// Auth0's documented defaults: 30 days absolute, 15 days idle, both infinite unless switched off.
export const DEFAULT_REFRESH_TOKEN: RefreshTokenSettings = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  token_lifetime: 2592000,
  infinite_token_lifetime: true,
  idle_token_lifetime: 1296000,
  infinite_idle_token_lifetime: true,
  leeway: 0,
};

// Auth0's tenant defaults: 7 days absolute, 3 days idle.
export const DEFAULT_TENANT: TenantSettings = { session_lifetime: 168, idle_session_lifetime: 72 };

/** The lifetimes in seconds a client's refresh tokens obey; null where none applies. */
export function refreshTokenLifetimes(s: RefreshTokenSettings): { absolute: number | null; idle: number | null } {
  const expiring = s.expiration_type === 'expiring';
  return {
    absolute: expiring && !s.infinite_token_lifetime ? s.token_lifetime : null,
    idle: expiring && !s.infinite_idle_token_lifetime ? s.idle_token_lifetime : null,
  };
}

/** Hours (Auth0's unit for session lifetimes) to whole seconds. */
export const hoursToSeconds = (h: number): number => Math.round(h * 3600);

export const DEFAULT_INTERPRETATIONS: Interpretations = { A6: false, A8: true, A10: 'ignored', A11: 'query', A19: 'online-flag', N1: false, N2: false };

/** MODEL.md §1: the default world. */
export const DEFAULT_USERS: UserSettings[] = [
  { user_id: 'alice', username: 'alice', password: 'password' },
  { user_id: 'mallory', username: 'mallory', password: 'password' },
];

export const DEFAULT_NETWORKS: NetworkSettings[] = [
  { name: 'home', ip: '198.51.100.7', asn: 64500 },
  { name: 'cafe', ip: '198.51.100.99', asn: 64500 },
  { name: 'mobile', ip: '203.0.113.20', asn: 64501 },
];

export const DEFAULT_DOMAIN = 'n2w.test';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string, what = 'an object'): asserts v is Record<string, unknown> {
  if (!isObj(v)) throw new ConfigError(path, `expected ${what}, got ${JSON.stringify(v)}`);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(path, `expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function int(v: unknown, path: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(path, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Merge a Management API `session_transfer` object onto `base`. Unknown fields are ignored, known fields
 * are validated. `null` resets to Auth0's defaults.
 */
export function mergeSessionTransfer(base: SessionTransferSettings, input: unknown, path: string): SessionTransferSettings {
  if (input === null) return { ...DEFAULT_SESSION_TRANSFER, allowed_authentication_methods: [] };
  obj(input, path);
  const out: SessionTransferSettings = { ...base, allowed_authentication_methods: [...base.allowed_authentication_methods] };
  if ('can_create_session_transfer_token' in input)
    out.can_create_session_transfer_token = bool(input.can_create_session_transfer_token, `${path}.can_create_session_transfer_token`);
  if ('enforce_cascade_revocation' in input)
    out.enforce_cascade_revocation = bool(input.enforce_cascade_revocation, `${path}.enforce_cascade_revocation`);
  if ('allow_refresh_token' in input) out.allow_refresh_token = bool(input.allow_refresh_token, `${path}.allow_refresh_token`);
  if ('enforce_online_refresh_tokens' in input)
    out.enforce_online_refresh_tokens = bool(input.enforce_online_refresh_tokens, `${path}.enforce_online_refresh_tokens`);
  if ('enforce_device_binding' in input)
    out.enforce_device_binding = oneOf(input.enforce_device_binding, ['ip', 'asn', 'none'] as const, `${path}.enforce_device_binding`);
  if ('allowed_authentication_methods' in input) {
    const m = input.allowed_authentication_methods;
    if (m === null) out.allowed_authentication_methods = [];
    else if (!Array.isArray(m)) throw new ConfigError(`${path}.allowed_authentication_methods`, `expected an array or null, got ${JSON.stringify(m)}`);
    else {
      const methods: TransferMethod[] = [];
      m.forEach((x, i) => {
        const v = oneOf(x, ['cookie', 'query'] as const, `${path}.allowed_authentication_methods[${i}]`);
        if (!methods.includes(v)) methods.push(v);
      });
      out.allowed_authentication_methods = methods;
    }
  }
  if ('delegation' in input && input.delegation !== null && !isObj(input.delegation))
    throw new ConfigError(`${path}.delegation`, `expected an object or null, got ${JSON.stringify(input.delegation)}`);
  return out;
}

/** Merge a Management API `refresh_token` object onto `base`. */
export function mergeRefreshToken(base: RefreshTokenSettings, input: unknown, path: string): RefreshTokenSettings {
  if (input === null) return { ...DEFAULT_REFRESH_TOKEN };
  obj(input, path);
  const out = { ...base };
  if ('rotation_type' in input) out.rotation_type = oneOf(input.rotation_type, ['rotating', 'non-rotating'] as const, `${path}.rotation_type`);
  if ('leeway' in input) out.leeway = int(input.leeway, `${path}.leeway`);
  if ('expiration_type' in input) out.expiration_type = oneOf(input.expiration_type, ['expiring', 'non-expiring'] as const, `${path}.expiration_type`);
  if ('token_lifetime' in input) out.token_lifetime = int(input.token_lifetime, `${path}.token_lifetime`, 1);
  if ('idle_token_lifetime' in input) out.idle_token_lifetime = int(input.idle_token_lifetime, `${path}.idle_token_lifetime`, 1);
  if ('infinite_token_lifetime' in input) out.infinite_token_lifetime = bool(input.infinite_token_lifetime, `${path}.infinite_token_lifetime`);
  if ('infinite_idle_token_lifetime' in input)
    out.infinite_idle_token_lifetime = bool(input.infinite_idle_token_lifetime, `${path}.infinite_idle_token_lifetime`);
  return out;
}

function hours(v: unknown, path: string): number {
  // a lifetime that rounds to 0 s would end every session at once: refused like a non-positive one
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || hoursToSeconds(v) < 1)
    throw new ConfigError(path, `expected a number of hours > 0 (at least 1 s), got ${JSON.stringify(v)}`);
  return v;
}

/** Merge a tenant settings object (session lifetimes); unknown fields are ignored, as the settings have dozens. */
export function mergeTenant(base: TenantSettings, input: unknown, path: string): TenantSettings {
  if (input === undefined || input === null) return base;
  obj(input, path);
  const out = { ...base };
  if ('session_lifetime' in input) out.session_lifetime = hours(input.session_lifetime, `${path}.session_lifetime`);
  if ('idle_session_lifetime' in input) out.idle_session_lifetime = hours(input.idle_session_lifetime, `${path}.idle_session_lifetime`);
  return out;
}

function callbacksOf(v: unknown, path: string): string[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new ConfigError(path, `expected an array of URLs, got ${JSON.stringify(v)}`);
  return v.map((u, i) => {
    const s = str(u, `${path}[${i}]`);
    try {
      new URL(s);
    } catch {
      throw new ConfigError(`${path}[${i}]`, `not an absolute URL: ${JSON.stringify(s)}`);
    }
    return s;
  });
}

/** Apply a Management API client PATCH body (session_transfer, refresh_token, callbacks, name) to a client. */
export function patchClient(client: ClientSettings, body: unknown, path = 'body'): ClientSettings {
  obj(body, path, 'a JSON object');
  const out: ClientSettings = { ...client };
  if ('session_transfer' in body) out.session_transfer = mergeSessionTransfer(client.session_transfer, body.session_transfer, `${path}.session_transfer`);
  if ('refresh_token' in body) out.refresh_token = mergeRefreshToken(client.refresh_token, body.refresh_token, `${path}.refresh_token`);
  if ('callbacks' in body) out.callbacks = callbacksOf(body.callbacks, `${path}.callbacks`);
  if ('name' in body) out.name = str(body.name, `${path}.name`);
  return out;
}

function clientOf(input: unknown, path: string, defaults: ClientSettings): ClientSettings {
  if (input === undefined) return defaults;
  obj(input, path);
  let c: ClientSettings = { ...defaults };
  if ('client_id' in input) c.client_id = str(input.client_id, `${path}.client_id`);
  if ('app_type' in input) c.app_type = oneOf(input.app_type, ['native', 'regular_web', 'spa'] as const, `${path}.app_type`);
  c = patchClient(c, input, path);
  return c;
}

/** `config` with an interpretations document (startServer's option, POST /test/reset's) merged over its own. */
export function withInterpretations(config: ServerConfig, input: unknown): ServerConfig {
  return { ...config, interpretations: mergeInterpretations(config.interpretations, input, 'interpretations') };
}

export function mergeInterpretations(base: Interpretations, input: unknown, path: string): Interpretations {
  if (input === undefined || input === null) return base;
  obj(input, path);
  const out = { ...base };
  if ('A6' in input) out.A6 = bool(input.A6, `${path}.A6`);
  if ('A8' in input) out.A8 = bool(input.A8, `${path}.A8`);
  if ('A10' in input) out.A10 = oneOf(input.A10, ['ignored', 'invalid'] as const, `${path}.A10`);
  if ('A11' in input) out.A11 = oneOf(input.A11, ['query', 'cookie'] as const, `${path}.A11`);
  if ('A19' in input) out.A19 = oneOf(input.A19, ['online-flag', 'always'] as const, `${path}.A19`);
  if ('N1' in input) out.N1 = bool(input.N1, `${path}.N1`);
  if ('N2' in input) out.N2 = bool(input.N2, `${path}.N2`);
  return out;
}

/** A client with Auth0's defaults; the clients of the default world differ only in these three fields. */
function defaultClient(client_id: string, name: string, app_type: ClientSettings['app_type']): ClientSettings {
  return { client_id, name, app_type, callbacks: null, session_transfer: { ...DEFAULT_SESSION_TRANSFER }, refresh_token: { ...DEFAULT_REFRESH_TOKEN } };
}

/** MODEL.md §8: the i-th web app (0-based) when its JSON names nothing: `web-app`, then `web-app-2`, `web-app-3`, ... */
export const defaultWebClientId = (i: number): string => (i === 0 ? 'web-app' : `web-app-${i + 1}`);
function defaultWebClient(i: number): ClientSettings {
  return defaultClient(defaultWebClientId(i), i === 0 ? 'Web App' : `Web App ${i + 1}`, 'regular_web');
}

/**
 * `web` as one client (an object: the tenant has one web app) or a list of them (MODEL.md §8). Each takes
 * Auth0's defaults and the client_id of its place; an object starts from the base's first web app.
 */
function webClientsOf(input: unknown, base: ClientSettings[]): ClientSettings[] {
  if (input === undefined) return base;
  if (!Array.isArray(input)) return [clientOf(input, 'config.web', base[0] ?? defaultWebClient(0))];
  if (input.length === 0) throw new ConfigError('config.web', 'expected at least one web client');
  return input.map((w, i) => clientOf(w, `config.web[${i}]`, i === 0 && base[0] ? base[0] : defaultWebClient(i)));
}

export function defaultConfig(): ServerConfig {
  return {
    domain: DEFAULT_DOMAIN,
    transfer_token_ttl_seconds: 60,
    tenant: { ...DEFAULT_TENANT },
    native: defaultClient('native-app', 'Native App', 'native'),
    web: [defaultWebClient(0)],
    users: DEFAULT_USERS.map((u) => ({ ...u })),
    networks: DEFAULT_NETWORKS.map((n) => ({ ...n })),
    interpretations: { ...DEFAULT_INTERPRETATIONS },
    actions: {},
  };
}

/**
 * Parse a configuration document. Accepts MODEL.md §2's shape ({native, web, transfer_token_ttl_seconds}, `web`
 * one client or, MODEL.md §8, a list of them),
 * optionally with `tenant` (§8's session lifetimes), `interpretations`, `domain` and a `world` ({users, networks}); or a whole MODEL.md §7
 * scenario ({config, interpretations, world, steps}), whose steps are ignored.
 */
export function parseConfig(input: unknown, base: ServerConfig = defaultConfig()): ServerConfig {
  if (input === undefined || input === null) return base;
  obj(input, 'config', 'a JSON object');
  let doc = input;
  if ('config' in input || 'steps' in input) {
    const inner = input.config === undefined ? {} : input.config;
    obj(inner, 'config');
    doc = { ...inner };
    if ('interpretations' in input) doc.interpretations = input.interpretations;
    if ('world' in input) doc.world = input.world;
  }
  const out: ServerConfig = { ...base };
  if ('domain' in doc) out.domain = str(doc.domain, 'config.domain');
  if ('transfer_token_ttl_seconds' in doc) out.transfer_token_ttl_seconds = int(doc.transfer_token_ttl_seconds, 'config.transfer_token_ttl_seconds', 1);
  out.tenant = mergeTenant(base.tenant, doc.tenant, 'config.tenant');
  out.native = clientOf(doc.native, 'config.native', base.native);
  out.web = webClientsOf(doc.web, base.web);
  const seen = new Map<string, number>();
  out.web.forEach((w, i) => {
    const path = Array.isArray(doc.web) ? `config.web[${i}].client_id` : 'config.web.client_id';
    if (w.client_id === out.native.client_id) throw new ConfigError(path, 'must differ from config.native.client_id');
    if (seen.has(w.client_id)) throw new ConfigError(path, `${JSON.stringify(w.client_id)} is the client_id of config.web[${seen.get(w.client_id)}] too`);
    seen.set(w.client_id, i);
  });
  out.interpretations = mergeInterpretations(base.interpretations, doc.interpretations, 'config.interpretations');
  if ('actions' in doc && doc.actions !== undefined && doc.actions !== null) {
    const a = doc.actions;
    obj(a, 'config.actions');
    for (const k of Object.keys(a)) if (k !== 'post-login') throw new ConfigError(`config.actions.${k}`, 'only the post-login trigger is supported');
    out.actions = a['post-login'] === undefined ? {} : { 'post-login': str(a['post-login'], 'config.actions.post-login') };
  }
  if ('world' in doc && doc.world !== undefined) {
    const w = doc.world;
    obj(w, 'config.world');
    if ('users' in w) {
      if (!Array.isArray(w.users)) throw new ConfigError('config.world.users', 'expected an array');
      out.users = w.users.map((u, i) => {
        const p = `config.world.users[${i}]`;
        if (typeof u === 'string') return { user_id: u, username: u, password: 'password' };
        if (!isObj(u)) throw new ConfigError(p, 'expected an object or a name');
        const name = str(u.name ?? u.username ?? u.user_id, `${p}.name`);
        return {
          user_id: u.user_id === undefined ? name : str(u.user_id, `${p}.user_id`),
          username: u.username === undefined ? name : str(u.username, `${p}.username`),
          password: u.password === undefined ? 'password' : str(u.password, `${p}.password`),
        };
      });
      // one login per name and per user id: the store could not tell two apart
      out.users.forEach((u, i) => {
        const j = out.users.findIndex((v) => v.username === u.username || v.user_id === u.user_id);
        if (j < i) throw new ConfigError(`config.world.users[${i}]`, `the same ${out.users[j].username === u.username ? 'name' : 'user_id'} as config.world.users[${j}]`);
      });
    }
    if ('networks' in w) {
      if (!Array.isArray(w.networks)) throw new ConfigError('config.world.networks', 'expected an array');
      out.networks = w.networks.map((n, i) => {
        const p = `config.world.networks[${i}]`;
        if (!isObj(n)) throw new ConfigError(p, 'expected an object');
        return { name: n.name === undefined ? undefined : str(n.name, `${p}.name`), ip: str(n.ip, `${p}.ip`), asn: int(n.asn, `${p}.asn`) };
      });
    }
  }
  return out;
}
