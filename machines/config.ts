// machines/config.ts: the clients' configuration in Auth0's Management API shape (MODEL.md §2),
// the interpretation switches (A6, A8, A10) and the configuration space.
// Unknown fields of a client are ignored (a real client's JSON has dozens), except inside session_transfer
// and refresh_token, where a misspelt field would silently take its default: there they are errors.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';

export const METHODS = ['cookie', 'query'] as const;
export type Method = (typeof METHODS)[number];
export const BINDINGS = ['ip', 'asn', 'none'] as const;
export type Binding = (typeof BINDINGS)[number];
export const ROTATIONS = ['non-rotating', 'rotating'] as const;
export type Rotation = (typeof ROTATIONS)[number];
export const EXPIRATION_TYPES = ['non-expiring', 'expiring'] as const;
export type ExpirationType = (typeof EXPIRATION_TYPES)[number];

/** One client's settings, resolved: every field present, Auth0's documented default where absent (spec §2). */
export interface ClientSettings {
  readonly canCreateSessionTransferToken: boolean;
  readonly enforceCascadeRevocation: boolean;
  readonly allowedAuthenticationMethods: readonly Method[];
  readonly enforceDeviceBinding: Binding;
  readonly allowRefreshToken: boolean;
  readonly enforceOnlineRefreshTokens: boolean;
  readonly rotationType: Rotation;
  // MODEL.md §8: refresh-token lifetimes (seconds) and the rotation leeway; see refreshTokenLifetimes
  readonly expirationType: ExpirationType;
  readonly tokenLifetime: number;
  readonly infiniteTokenLifetime: boolean;
  readonly idleTokenLifetime: number;
  readonly infiniteIdleTokenLifetime: boolean;
  readonly leeway: number;
}

/** The lifetimes a client's refresh tokens obey, in seconds; null where none applies (Management API semantics). */
export function refreshTokenLifetimes(s: ClientSettings): { absolute: number | null; idle: number | null } {
  const expiring = s.expirationType === 'expiring';
  return {
    absolute: expiring && !s.infiniteTokenLifetime ? s.tokenLifetime : null,
    idle: expiring && !s.infiniteIdleTokenLifetime ? s.idleTokenLifetime : null,
  };
}

/** MODEL.md §8: a web app after the first, which shares the browser's Auth0 session with every other. */
export interface WebApp {
  readonly clientId: string;
  readonly name: string | null;
  readonly settings: ClientSettings;
}

const resolvePath = (base: string, p: string): string => (isAbsolute(p) ? p : resolve(base, p));
const relativePath = (base: string, p: string): string => relative(base, p).split(sep).join('/');

/** The native app's client_id (MODEL.md §8 names only the web apps'; the reference server uses this one). */
export const NATIVE_CLIENT_ID = 'native-app';
/** MODEL.md §8: the i-th web app's client_id when its JSON names none (0-based): web-app, web-app-2, ... */
export const defaultWebClientId = (i: number): string => (i === 0 ? 'web-app' : `web-app-${i + 1}`);

export interface Config {
  readonly native: ClientSettings;
  /** the first web app (the one an event naming no client addresses) */
  readonly web: ClientSettings;
  /** its client_id: `web-app` unless its JSON names one */
  readonly webClientId: string;
  /** MODEL.md §8: the second web app onwards (none: the tenant has one web app) */
  readonly moreWeb: readonly WebApp[];
  /** R9/A14: a transfer token is valid while its age is under this many seconds. */
  readonly transferTokenTtlSeconds: number;
  /** MODEL.md §8: the tenant's session lifetimes, in seconds (the JSON gives hours) */
  readonly sessionLifetimeSeconds: number;
  readonly idleSessionLifetimeSeconds: number;
  /** MODEL.md §2: the post-login Action module's absolute path, or null */
  readonly postLoginAction: string | null;
}

/** Every web app of a configuration, the first included, in order. */
export function webApps(c: Config): WebApp[] {
  return [{ clientId: c.webClientId, name: null, settings: c.web }, ...c.moreWeb];
}

/** The settings of the web app with this client_id (absent: the first, MODEL.md §8); undefined if none has it. */
export function webSettings(c: Config, clientId: string | undefined): ClientSettings | undefined {
  if (clientId === undefined || clientId === c.webClientId) return c.web;
  for (const a of c.moreWeb) if (a.clientId === clientId) return a.settings;
  return undefined;
}

/** The settings of the client a refresh token belongs to (MODEL.md §8: refresh tokens are per client). */
export function settingsOf(c: Config, rt: { readonly client: 'native' | 'web'; readonly clientId: string }): ClientSettings {
  if (rt.client === 'native') return c.native;
  const s = webSettings(c, rt.clientId);
  if (!s) throw new Error(`refresh token of unknown web client "${rt.clientId}"`);
  return s;
}

/** The fields a reader knows at a place; an unknown key there is an error with a "did you mean". */
function strictKnown<T extends z.ZodRawShape>(shape: T, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      return iss.keys.map((k) => {
        const near = nearest(k, known);
        return `unknown field "${k}" in ${what}${near ? `; did you mean "${near}"?` : ''} (known: ${known.join(', ')})`;
      }).join('; ');
    },
  });
}

/** The known word closest to `word` by edit distance, if it is close enough to be a likely typo. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) { best = k; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

// ---------------------------------------------------------------------------------------------
// The fields the model reads: one entry per field, from which the schema, the resolution with Auth0's
// defaults, configToInput, the configuration space, labels, descriptions and the explorer's tracked reads
// are derived. Keyed by ClientSettings' keys, so a field of ClientSettings without an entry does not compile.

export const APPS = ['native', 'web'] as const;
export type App = (typeof APPS)[number];

/** A value of a dimension of the space: the field's value, or (methods) a name for it. */
export type DimensionValue = boolean | string;

interface FieldSpec<V> {
  /** where a client's JSON holds it */
  readonly path: `session_transfer.${string}` | `refresh_token.${string}`;
  /** the JSON value; absent (or, when nullable, null) means the default */
  readonly schema: z.ZodType<V>;
  readonly nullable?: true;
  /** Auth0's documented default (spec §2) */
  readonly default: V;
  /** the resolved value of a JSON value (default: itself) */
  readonly resolve?: (json: V) => V;
  /** the values the configuration space takes, per app (absent: not a dimension of that app) */
  readonly space: Partial<Record<App, readonly V[]>>;
  /** a dimension value's form (default: the value itself) */
  readonly dimension?: (v: V) => DimensionValue;
  /** its part of a configuration's file-name-safe label */
  readonly label: (v: V) => string;
  /** its part of a configuration's one-line description */
  readonly text: (v: V) => string;
}

const methodsValue = (m: readonly Method[]): string => (m.length === 0 ? 'none' : m.join('+'));

export const CLIENT_FIELDS = {
  canCreateSessionTransferToken: {
    path: 'session_transfer.can_create_session_transfer_token', schema: z.boolean(), default: false,
    space: { native: [true, false], web: [false, true] }, label: (v) => (v ? 'mint' : 'nomint'), text: (v) => `can_create ${v}`,
  },
  // R12: cascade is on when unset
  enforceCascadeRevocation: {
    path: 'session_transfer.enforce_cascade_revocation', schema: z.boolean(), default: true,
    space: { native: [true, false] }, label: (v) => (v ? 'casc' : 'nocasc'), text: (v) => `cascade ${v}`,
  },
  // nullable in the Management API; null and absent mean [] (R14); the order given does not matter
  allowedAuthenticationMethods: {
    path: 'session_transfer.allowed_authentication_methods', schema: z.array(z.enum(METHODS)).readonly(), nullable: true, default: [],
    resolve: (json) => METHODS.filter((m) => json.includes(m)),
    space: { web: [['cookie'], ['query'], ['cookie', 'query'], []] }, dimension: methodsValue,
    label: (v) => methodsValue(v).replace('+', ''), text: (v) => `methods ${v.length ? v.join(', ') : 'none'}`,
  },
  enforceDeviceBinding: {
    path: 'session_transfer.enforce_device_binding', schema: z.enum(BINDINGS), default: 'ip',
    space: { web: ['ip', 'asn', 'none'] }, label: (v) => (v === 'none' ? 'nobind' : v), text: (v) => `binding ${v}`,
  },
  allowRefreshToken: {
    path: 'session_transfer.allow_refresh_token', schema: z.boolean(), default: false,
    space: { web: [false, true] }, label: (v) => (v ? 'rt' : 'nort'), text: (v) => `allow_refresh_token ${v}`,
  },
  enforceOnlineRefreshTokens: {
    path: 'session_transfer.enforce_online_refresh_tokens', schema: z.boolean(), default: true,
    space: { web: [true, false] }, label: (v) => (v ? 'online' : 'offline'), text: (v) => `online ${v}`,
  },
  rotationType: {
    path: 'refresh_token.rotation_type', schema: z.enum(ROTATIONS), default: 'non-rotating',
    space: { native: ['non-rotating', 'rotating'] }, label: (v) => (v === 'rotating' ? 'rot' : 'norot'), text: (v) => v,
  },
  // MODEL.md §8, Auth0's documented defaults: non-expiring, 30 days absolute and 15 days idle when expiring
  // and not infinite, no leeway. Not dimensions of the space: a scope or a reviewer's file sets them.
  expirationType: {
    path: 'refresh_token.expiration_type', schema: z.enum(EXPIRATION_TYPES), default: 'non-expiring',
    space: {}, label: (v) => (v === 'expiring' ? 'exp' : 'noexp'), text: (v) => v,
  },
  tokenLifetime: {
    path: 'refresh_token.token_lifetime', schema: z.number().int().positive(), default: 2592000,
    space: {}, label: (v) => `life${v}`, text: (v) => `token_lifetime ${v} s`,
  },
  infiniteTokenLifetime: {
    path: 'refresh_token.infinite_token_lifetime', schema: z.boolean(), default: true,
    space: {}, label: (v) => (v ? 'inflife' : 'finlife'), text: (v) => `infinite_token_lifetime ${v}`,
  },
  idleTokenLifetime: {
    path: 'refresh_token.idle_token_lifetime', schema: z.number().int().positive(), default: 1296000,
    space: {}, label: (v) => `idle${v}`, text: (v) => `idle_token_lifetime ${v} s`,
  },
  infiniteIdleTokenLifetime: {
    path: 'refresh_token.infinite_idle_token_lifetime', schema: z.boolean(), default: true,
    space: {}, label: (v) => (v ? 'infidle' : 'finidle'), text: (v) => `infinite_idle_token_lifetime ${v}`,
  },
  leeway: {
    path: 'refresh_token.leeway', schema: z.number().int().nonnegative(), default: 0,
    space: {}, label: (v) => `leeway${v}`, text: (v) => `leeway ${v} s`,
  },
} as const satisfies { readonly [K in keyof ClientSettings]: FieldSpec<ClientSettings[K]> };

/** The fields the configuration space varies for some app (the others, lifetimes and leeway, a file or a scope sets). */
export type SpaceKey = { [K in keyof typeof CLIENT_FIELDS]: keyof (typeof CLIENT_FIELDS)[K]['space'] extends never ? never : K }[keyof typeof CLIENT_FIELDS];

/** ClientSettings' keys, in the table's order (the order of labels, descriptions and configToInput). */
export const CLIENT_KEYS = Object.keys(CLIENT_FIELDS) as (keyof ClientSettings)[];
type AnyField = FieldSpec<ClientSettings[keyof ClientSettings]>;
export const clientField = (k: keyof ClientSettings): AnyField => CLIENT_FIELDS[k] as unknown as AnyField;
type Path<K extends keyof ClientSettings> = (typeof CLIENT_FIELDS)[K]['path'];
/** The key inside its object: `enforce_device_binding` of `session_transfer.enforce_device_binding`. */
const jsonKey = (k: keyof ClientSettings): string => clientField(k).path.split('.')[1];
const inObject = (object: 'session_transfer' | 'refresh_token') => CLIENT_KEYS.filter((k) => clientField(k).path.startsWith(`${object}.`));

/** The JSON a client's object holds for the fields the table puts there. */
type ObjectInput<O extends string> = {
  -readonly [K in keyof ClientSettings as Path<K> extends `${O}.${infer J}` ? J : never]?:
    ClientSettings[K] | ((typeof CLIENT_FIELDS)[K] extends { nullable: true } ? null : never);
};

/** The configuration's own fields (not a client's), each with its default and how it shows. */
export const CONFIG_FIELDS = {
  // R9/A14
  transferTokenTtlSeconds: { path: 'transfer_token_ttl_seconds', unit: 1, default: 60, label: (v: number) => `ttl${v}`, text: (v: number) => `TTL ${v} s` },
  // MODEL.md §8: Auth0's tenant defaults, 7 days absolute and 3 days idle; the JSON gives hours
  sessionLifetimeSeconds: { path: 'tenant.session_lifetime', unit: 3600, default: 168 * 3600, label: (v: number) => `slife${v}`, text: (v: number) => `session_lifetime ${v} s` },
  idleSessionLifetimeSeconds: { path: 'tenant.idle_session_lifetime', unit: 3600, default: 72 * 3600, label: (v: number) => `sidle${v}`, text: (v: number) => `idle_session_lifetime ${v} s` },
} as const satisfies Record<string, { path: string; unit: number; default: number; label(v: number): string; text(v: number): string }>;
export type ConfigKey = keyof typeof CONFIG_FIELDS;
export const CONFIG_KEYS = Object.keys(CONFIG_FIELDS) as ConfigKey[];

/** The zod shape of the table's fields in one object of a client. */
const objectShape = (object: 'session_transfer' | 'refresh_token'): z.ZodRawShape => Object.fromEntries(inObject(object).map((k) => {
  const f = clientField(k);
  return [jsonKey(k), f.nullable ? f.schema.nullable().optional() : f.schema.optional()];
}));

// The Management API's `session_transfer` object (ClientSessionTransferConfiguration). Auth0's schema admits
// no other fields, and a misspelt one would silently take its default and change the verdict: strict.
const sessionTransferSchema = strictKnown({
  ...objectShape('session_transfer'),
  // Session Delegation (spec §3.8): out of the model's scope, accepted so that real clients load
  delegation: strictKnown({ allow_delegated_access: z.boolean().optional(), enforce_device_binding: z.enum(['ip']).optional() }, 'session_transfer.delegation').nullable().optional(),
}, 'session_transfer');

// ClientRefreshTokenConfiguration: strict for the same reason. `policies` (multi-resource refresh tokens) is
// out of the model's scope, accepted so that real clients load.
const refreshTokenSchema = strictKnown({
  ...objectShape('refresh_token'),
  policies: z.array(z.unknown()).nullable().optional(),
}, 'refresh_token');

/** A client as `GET /api/v2/clients/{id}` returns it; only the fields the model reads are checked. */
export const clientSchema = z.looseObject({
  session_transfer: sessionTransferSchema.nullable().optional(),
  refresh_token: refreshTokenSchema.nullable().optional(),
}).superRefine((client, ctx) => {
  // other fields are ignored, but a near miss of the two the model reads would silently default them all
  for (const key of Object.keys(client)) {
    if (key === 'session_transfer' || key === 'refresh_token') continue;
    const near = nearest(key, ['session_transfer', 'refresh_token']);
    if (near) ctx.addIssue({ code: 'custom', path: [key], message: `unknown field "${key}"; did you mean "${near}"? (as written, every ${near} field would take its default)` });
  }
}).transform(({ session_transfer, refresh_token, client_id, name }): ClientInput => ({
  // only what the model reads is kept (the shapes above are the table's, checked field by field); a web
  // app's client_id names it in events (MODEL.md §8), its name shows in reports
  ...(typeof client_id === 'string' && client_id !== '' ? { client_id } : {}),
  ...(typeof name === 'string' && name !== '' ? { name } : {}),
  ...(session_transfer !== undefined ? { session_transfer: session_transfer as ClientInput['session_transfer'] } : {}),
  ...(refresh_token !== undefined ? { refresh_token: refresh_token as ClientInput['refresh_token'] } : {}),
}));
/** A client as the model keeps it: the two objects it reads, each with the table's fields (others accepted and dropped). */
export interface ClientInput {
  client_id?: string;
  name?: string;
  session_transfer?: (ObjectInput<'session_transfer'> & { delegation?: { allow_delegated_access?: boolean; enforce_device_binding?: 'ip' } | null }) | null;
  refresh_token?: (ObjectInput<'refresh_token'> & Omit<z.infer<typeof refreshTokenSchema>, keyof ObjectInput<'refresh_token'>>) | null;
}

/** Tenant settings (MODEL.md §8), in hours as Auth0 gives them (fractions allowed: a scope uses minutes). */
// Loose, as GET /api/v2/tenants/settings has dozens of fields; a near miss of the two read is an error.
export const tenantSchema = z.looseObject({
  session_lifetime: z.number().positive().optional(),
  idle_session_lifetime: z.number().positive().optional(),
}).superRefine((t, ctx) => {
  const known = ['session_lifetime', 'idle_session_lifetime'];
  for (const key of Object.keys(t)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    if (near) ctx.addIssue({ code: 'custom', path: [key], message: `unknown field "${key}" in tenant; did you mean "${near}"? (as written, ${near} would take its default)` });
  }
});
export type TenantInput = z.infer<typeof tenantSchema>;

/** MODEL.md §2's configuration file: our own format, so a misspelt top-level field is an error too. */
// MODEL.md §8: `web` is one client or a list of them. Told apart by shape, not by a union, so that an error
// names the field (web.session_transfer..., web[1].session_transfer...) instead of "no union member matched".
const webList = z.array(clientSchema).min(1, 'expected at least one web client');
const webSchema = z.unknown().transform((v, ctx): ClientInput | ClientInput[] => {
  const r = Array.isArray(v) ? webList.safeParse(v) : clientSchema.safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: issue.path } as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

// the web apps' client_ids, given or defaulted, differ
export const configSchema = strictKnown({
  native: clientSchema.optional(),
  web: webSchema.optional(),
  transfer_token_ttl_seconds: z.number().int().positive().optional(),
  tenant: tenantSchema.optional(),
  actions: strictKnown({ 'post-login': z.string().min(1).optional() }, 'actions').optional(),
}, 'the configuration').superRefine((c, ctx) => {
  const seen = new Map<string, number>();
  webInputs(c.web).forEach((w, i) => {
    const id = w?.client_id ?? defaultWebClientId(i);
    const path = Array.isArray(c.web) ? ['web', i, 'client_id'] : ['web', 'client_id'];
    if (id === NATIVE_CLIENT_ID) ctx.addIssue({ code: 'custom', path, message: `"${id}" is the native app's client_id; expected another` });
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `"${id}" is the client_id of web[${seen.get(id)}] too; expected each web app's to differ` });
    seen.set(id, i);
  });
});
export type ConfigInput = z.infer<typeof configSchema>;

/** The web clients a configuration file gives, in order (none given: one with every default). */
function webInputs(web: ClientInput | readonly ClientInput[] | undefined): readonly (ClientInput | undefined)[] {
  return web === undefined ? [undefined] : Array.isArray(web) ? web : [web as ClientInput];
}

/** The client fields the model reads, as JSON paths, with the default each takes when absent (spec §2). */
export const READ_FIELDS: readonly (readonly [string, unknown])[] = CLIENT_KEYS.map((k) => [clientField(k).path, clientField(k).default]);

/** The JSON value a client gives for field k, or undefined (absent or null). */
function inputValue(input: ClientInput | undefined, k: keyof ClientSettings): unknown {
  const [object, key] = clientField(k).path.split('.') as ['session_transfer' | 'refresh_token', string];
  return (input?.[object] as Record<string, unknown> | null | undefined)?.[key] ?? undefined;
}

/** The fields the model reads that this client leaves out (or sets to null): each takes its default. */
export function defaultedFields(input: ClientInput | undefined): { field: string; value: unknown }[] {
  return CLIENT_KEYS.filter((k) => inputValue(input, k) === undefined).map((k) => ({ field: clientField(k).path, value: clientField(k).default }));
}

/** Auth0's documented defaults where a field is absent or null (spec §2; R12, R14: cascade and online are on even when unset). */
export function resolveClient(input: ClientInput | undefined): ClientSettings {
  return Object.fromEntries(CLIENT_KEYS.map((k) => {
    const f = clientField(k);
    const json = inputValue(input, k) as ClientSettings[typeof k] | undefined;
    return [k, json === undefined ? f.default : f.resolve ? f.resolve(json) : json];
  })) as unknown as ClientSettings;
}

/** The JSON value of a configuration field, at its path (`tenant.session_lifetime`, ...). */
function configValue(input: ConfigInput, k: ConfigKey): number | undefined {
  const [a, b] = CONFIG_FIELDS[k].path.split('.');
  const v = b === undefined ? (input as Record<string, unknown>)[a] : ((input as Record<string, Record<string, unknown> | undefined>)[a])?.[b];
  return typeof v === 'number' ? v : undefined;
}

/** `baseDir`: where a relative Action path starts (the configuration file's folder). */
export function resolveConfig(input: ConfigInput = {}, baseDir: string = process.cwd()): Config {
  const field = (k: ConfigKey) => {
    const v = configValue(input, k);
    return v === undefined ? CONFIG_FIELDS[k].default : Math.round(v * CONFIG_FIELDS[k].unit);
  };
  const web = webInputs(input.web).map((w, i): WebApp => ({ clientId: w?.client_id ?? defaultWebClientId(i), name: w?.name ?? null, settings: resolveClient(w) }));
  return {
    native: resolveClient(input.native),
    web: web[0].settings,
    webClientId: web[0].clientId,
    moreWeb: web.slice(1),
    transferTokenTtlSeconds: field('transferTokenTtlSeconds'),
    sessionLifetimeSeconds: field('sessionLifetimeSeconds'),
    idleSessionLifetimeSeconds: field('idleSessionLifetimeSeconds'),
    postLoginAction: input.actions?.['post-login'] === undefined ? null : resolvePath(baseDir, input.actions['post-login']),
  };
}

/**
 * Back to Auth0's shape, so a counterexample's scenario file carries a config a reviewer can read; an
 * Action's path is written relative to `baseDir` (the folder the file goes to), forward slashes.
 */
export function configToInput(c: Config, baseDir: string = process.cwd()): ConfigInput {
  const client = (s: ClientSettings): ClientInput => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const k of CLIENT_KEYS) {
      const [object, key] = clientField(k).path.split('.');
      const v = s[k];
      (out[object] ??= {})[key] = Array.isArray(v) ? [...v] : v;
    }
    return out as ClientInput;
  };
  // one web app: an object, as MODEL.md §2 writes it; several: the list of §8, each with its client_id
  const first = { ...(c.webClientId !== defaultWebClientId(0) || c.moreWeb.length > 0 ? { client_id: c.webClientId } : {}), ...client(c.web) };
  const web = c.moreWeb.length === 0 ? first
    : [first, ...c.moreWeb.map((a) => ({ client_id: a.clientId, ...(a.name !== null ? { name: a.name } : {}), ...client(a.settings) }))];
  const out: Record<string, unknown> = { native: client(c.native), web };
  for (const k of CONFIG_KEYS) {
    const [a, b] = CONFIG_FIELDS[k].path.split('.');
    const v = c[k] / CONFIG_FIELDS[k].unit;
    if (b === undefined) out[a] = v;
    else ((out[a] ??= {}) as Record<string, unknown>)[b] = v;
  }
  if (c.postLoginAction !== null) out.actions = { 'post-login': relativePath(baseDir, c.postLoginAction) };
  return out as ConfigInput;
}

// ---------------------------------------------------------------------------------------------
// Interpretations (MODEL.md §2): readings of the docs' silences that a reviewer may flip.

export const interpretationsSchema = z.strictObject({
  A6: z.boolean().optional(),
  A8: z.boolean().optional(),
  A10: z.enum(['ignored', 'invalid']).optional(),
  N1: z.boolean().optional(),
  A19: z.enum(['online-flag', 'always']).optional(),
  N2: z.boolean().optional(),
});
export interface Interpretations {
  /** valid token + same-user session: the reused session becomes a child of the token's parent */
  readonly A6: boolean;
  /** a redemption failing binding, organization or user checks uses the token up */
  readonly A8: boolean;
  /** a token sent by a method the web app does not allow */
  readonly A10: 'ignored' | 'invalid';
  /**
   * the project's own reading, where the docs are silent: a mint by a client without
   * can_create_session_transfer_token with a rotated refresh token runs reuse detection before refusing
   */
  readonly N1: boolean;
  /**
   * an administrator's session revocation (REVOKE_SESSION by admin, POST /api/v2/sessions/{id}/revoke):
   * 'online-flag' ends the session's refresh tokens as a logout does (the online ones); 'always' ends every
   * refresh token issued to the session, online or not (the endpoint's own contract, spec A19)
   */
  readonly A19: 'online-flag' | 'always';
  /**
   * the project's own reading: online web refresh tokens behave like Auth0's Online Refresh Tokens: an
   * exchange of one extends its session's idle time, and revoking one ends its session
   */
  readonly N2: boolean;
}
export const DEFAULT_INTERPRETATIONS: Interpretations = { A6: false, A8: true, A10: 'ignored', N1: false, A19: 'online-flag', N2: false };
export const INTERPRETATION_KEYS = Object.keys(DEFAULT_INTERPRETATIONS) as (keyof Interpretations)[];
/** Each switch's readings, the default first. */
export const INTERPRETATION_VALUES: { readonly [K in keyof Interpretations]: readonly Interpretations[K][] } = {
  A6: [false, true], A8: [true, false], A10: ['ignored', 'invalid'], N1: [false, true], A19: ['online-flag', 'always'], N2: [false, true],
};
/** Every combination of readings, the defaults first, then in the order of INTERPRETATION_VALUES (the first switch fastest). */
export function interpretationSpace(): Interpretations[] {
  let out: Record<string, unknown>[] = [{}];
  for (const k of [...INTERPRETATION_KEYS].reverse()) out = out.flatMap((o) => INTERPRETATION_VALUES[k].map((v) => ({ ...o, [k]: v })));
  return out.map((o) => Object.fromEntries(INTERPRETATION_KEYS.map((k) => [k, o[k]])) as unknown as Interpretations);
}

export function resolveInterpretations(input: z.infer<typeof interpretationsSchema> = {}): Interpretations {
  return { ...DEFAULT_INTERPRETATIONS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
}

// ---------------------------------------------------------------------------------------------
// The configuration space: the 768 combinations of MODEL.md §2.

/** A dimension of the space: an app's field and the values the space gives it. */
export interface Dimension {
  readonly key: DimensionKey;
  readonly app: App;
  readonly field: SpaceKey;
  readonly values: readonly DimensionValue[];
}
/** `native.rotation_type`, `web.enforce_device_binding`, ... */
export type DimensionKey = `${App}.${string}`;

/** The dimension key of an app's field (whether or not the space varies it). */
export const dimensionKey = (app: App, field: keyof ClientSettings): DimensionKey => `${app}.${jsonKey(field)}`;

const asDimension = (f: AnyField, v: ClientSettings[keyof ClientSettings]): DimensionValue => (f.dimension ? f.dimension(v) : v as DimensionValue);

/** The dimensions of the space, in a fixed order (each app's fields in the table's order); a config's label and the risk matrix use them. */
export const DIMENSIONS: readonly Dimension[] = APPS.flatMap((app) => CLIENT_KEYS.flatMap((field) => {
  const f = clientField(field);
  const values = f.space[app];
  return values ? [{ key: dimensionKey(app, field), app, field: field as SpaceKey, values: values.map((v) => asDimension(f, v)) }] : [];
}));
const dimensionByKey = new Map(DIMENSIONS.map((d) => [d.key, d]));

/** The dimension of the space with this key. */
export function dimension(key: DimensionKey): Dimension {
  const d = dimensionByKey.get(key);
  if (!d) throw new Error(`unknown dimension ${key}`);
  return d;
}

/** The value a config takes on each dimension. */
export function dimensionValues(c: Config): Record<DimensionKey, DimensionValue> {
  return Object.fromEntries(DIMENSIONS.map((d) => [d.key, asDimension(clientField(d.field), c[d.app][d.field])]));
}

/** `c` with one dimension of the space set to `value`; every field outside the space kept. */
export function withDimension(c: Config, key: DimensionKey, value: DimensionValue): Config {
  const d = dimension(key);
  const f = clientField(d.field);
  const v = f.space[d.app]!.find((x) => asDimension(f, x) === value);
  if (v === undefined) throw new Error(`withDimension: ${key} takes no value ${String(value)} in the space`);
  return { ...c, [d.app]: { ...c[d.app], [d.field]: Array.isArray(v) ? [...v] : v } };
}

/** Every configuration of the space, in a fixed order (native flags vary slowest). */
export function configurationSpace(ttl = CONFIG_FIELDS.transferTokenTtlSeconds.default): Config[] {
  let out: Config[] = [{ ...resolveConfig(), transferTokenTtlSeconds: ttl }];
  for (const { key, values } of DIMENSIONS) out = out.flatMap((c) => values.map((v) => withDimension(c, key, v)));
  return out;
}

/** Each app's dimension fields, in the table's order. */
const spaceFields = (app: App) => DIMENSIONS.filter((d) => d.app === app).map((d) => d.field);
const configFieldParts = (c: Config, part: 'label' | 'text') => CONFIG_KEYS.flatMap((k) => (c[k] === CONFIG_FIELDS[k].default ? [] : [CONFIG_FIELDS[k][part](c[k])]));
/** An app's fields outside the space that differ from their default (lifetimes, leeway): shown after the space's. */
const offSpaceFields = (s: ClientSettings, a: App) => CLIENT_KEYS.filter((k) => !clientField(k).space[a] && !sameValue(s[k], clientField(k).default));
const sameValue = (x: unknown, y: unknown) => (Array.isArray(x) && Array.isArray(y) ? x.join() === y.join() : x === y);

/** The fields shown for a client: the space's for its kind, then those off the space that differ from their default. */
const shownFields = (s: ClientSettings, a: App) => [...spaceFields(a), ...offSpaceFields(s, a)];

/** A short, file-name-safe label: `n-mint-casc-norot_w-nomint-query-ip-nort-online` (then `_w2-...` per further web app). */
export function configLabel(c: Config): string {
  const app = (s: ClientSettings, a: App) => shownFields(s, a).map((k) => clientField(k).label(s[k])).join('-');
  const more = c.moreWeb.map((w, i) => `w${i + 2}-${app(w.settings, 'web')}`);
  return [`n-${app(c.native, 'native')}`, `w-${app(c.web, 'web')}`, ...more, ...configFieldParts(c, 'label')].join('_');
}

/** One line for people: `native: can_create true, cascade true, non-rotating; web: ...` (web apps after the first by client_id). */
export function describeConfig(c: Config): string {
  const app = (who: string, s: ClientSettings, a: App) => `${who}: ${shownFields(s, a).map((k) => clientField(k).text(s[k])).join(', ')}`;
  const first = c.moreWeb.length > 0 ? `web (${c.webClientId})` : 'web';
  return [app('native', c.native, 'native'), app(first, c.web, 'web'), ...c.moreWeb.map((w) => app(w.clientId, w.settings, 'web')), ...configFieldParts(c, 'text')].join('; ');
}

// ---------------------------------------------------------------------------------------------
// MODEL.md §8: what a second web app changes. The first web app keeps the strictest settings of the space
// that still redeem (cookie only, ip binding, no refresh tokens, online, no minting); the native app may
// mint, with the cascade on and no rotation (its own flags are the main check's); the second web app
// takes every value of the web app's dimensions. A goal that holds with the first app alone and fails here is undone by the second app.

/** The first web app of the two-app check: the space's strictest web settings under which a transfer still redeems. */
export const STRICT_WEB_INPUT: ClientInput = {
  session_transfer: {
    can_create_session_transfer_token: false, allowed_authentication_methods: ['cookie'], enforce_device_binding: 'ip',
    allow_refresh_token: false, enforce_online_refresh_tokens: true,
  },
};
/** The second web app's client_id in the two-app check. */
export const SECOND_WEB_CLIENT_ID = defaultWebClientId(1);

/** A dimension key of the two-app check: the second web app's field, `web-app-2.*`. */
export type TwoAppDimensionKey = `${typeof SECOND_WEB_CLIENT_ID}.${string}`;
export interface TwoAppDimension { readonly key: TwoAppDimensionKey; readonly values: readonly DimensionValue[]; readonly of: (c: Config) => DimensionValue }

/** The values a two-app configuration takes on TWO_APP_DIMENSIONS. */
export const twoAppValues = (c: Config): Record<TwoAppDimensionKey, DimensionValue> => Object.fromEntries(TWO_APP_DIMENSIONS.map((d) => [d.key, d.of(c)]));

/** The dimensions the two-app check varies: each of the web app's dimensions, for the second app. */
export const TWO_APP_DIMENSIONS: readonly TwoAppDimension[] = [
  ...DIMENSIONS.filter((d) => d.app === 'web').map((d) => ({
    key: `${SECOND_WEB_CLIENT_ID}.${jsonKey(d.field)}` as TwoAppDimensionKey, values: d.values,
    of: (c: Config) => asDimension(clientField(d.field), c.moreWeb[0].settings[d.field]),
  })),
];

/** The configurations of the two-app check (96: the second app's web settings), in a fixed order. */
export function twoAppSpace(): Config[] {
  const base = resolveConfig({ native: { session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: true } }, web: STRICT_WEB_INPUT });
  const webSpace = configurationSpace().filter((c) => DIMENSIONS.every((d) => d.app === 'web' || dimensionValues(c)[d.key] === dimensionValues(base)[d.key]));
  return webSpace.map((w): Config => ({ ...base, moreWeb: [{ clientId: SECOND_WEB_CLIENT_ID, name: null, settings: w.web }] }));
}

/** The single-app configuration a two-app one extends (its second web app removed). */
export const withoutSecondApp = (c: Config): Config => ({ ...c, moreWeb: [] });
