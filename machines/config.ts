// machines/config.ts: the clients' configuration in Auth0's Management API shape (MODEL.md §2),
// the interpretation switches (A6, A8, A10) and the configuration space.
// Unknown fields of a client are ignored (a real client's JSON has dozens), except inside session_transfer
// and refresh_token, where a misspelt field would silently take its default: there they are errors.
import { z } from 'zod';

export const METHODS = ['cookie', 'query'] as const;
export type Method = (typeof METHODS)[number];
export const BINDINGS = ['ip', 'asn', 'none'] as const;
export type Binding = (typeof BINDINGS)[number];
export const ROTATIONS = ['non-rotating', 'rotating'] as const;
export type Rotation = (typeof ROTATIONS)[number];

/** One client's settings, resolved: every field present, Auth0's documented default where absent (spec §2). */
export interface ClientSettings {
  readonly canCreateSessionTransferToken: boolean;
  readonly enforceCascadeRevocation: boolean;
  readonly allowedAuthenticationMethods: readonly Method[];
  readonly enforceDeviceBinding: Binding;
  readonly allowRefreshToken: boolean;
  readonly enforceOnlineRefreshTokens: boolean;
  readonly rotationType: Rotation;
}

export interface Config {
  readonly native: ClientSettings;
  readonly web: ClientSettings;
  /** R9/A14: a transfer token is valid while its age is under this many seconds. */
  readonly transferTokenTtlSeconds: number;
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

// The Management API's `session_transfer` object (ClientSessionTransferConfiguration). Auth0's schema admits
// no other fields, and a misspelt one would silently take its default and change the verdict: strict.
const sessionTransferSchema = strictKnown({
  can_create_session_transfer_token: z.boolean().optional(),
  enforce_cascade_revocation: z.boolean().optional(),
  // nullable in the Management API; null means the default, [] (R14)
  allowed_authentication_methods: z.array(z.enum(METHODS)).nullable().optional(),
  enforce_device_binding: z.enum(BINDINGS).optional(),
  allow_refresh_token: z.boolean().optional(),
  enforce_online_refresh_tokens: z.boolean().optional(),
  // Session Delegation (spec §3.8): out of the model's scope, accepted so that real clients load
  delegation: strictKnown({ allow_delegated_access: z.boolean().optional(), enforce_device_binding: z.enum(['ip']).optional() }, 'session_transfer.delegation').nullable().optional(),
}, 'session_transfer');

// ClientRefreshTokenConfiguration: strict for the same reason. Only rotation_type is read today; the
// lifetimes are validated so that a typo there is caught now.
const refreshTokenSchema = strictKnown({
  rotation_type: z.enum(ROTATIONS).optional(),
  expiration_type: z.enum(['expiring', 'non-expiring']).optional(),
  leeway: z.number().int().nonnegative().optional(),
  token_lifetime: z.number().int().positive().optional(),
  infinite_token_lifetime: z.boolean().optional(),
  idle_token_lifetime: z.number().int().positive().optional(),
  infinite_idle_token_lifetime: z.boolean().optional(),
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
}).transform(({ session_transfer, refresh_token }) => ({
  // only what the model reads is kept
  ...(session_transfer !== undefined ? { session_transfer } : {}),
  ...(refresh_token !== undefined ? { refresh_token } : {}),
}));
export type ClientInput = z.infer<typeof clientSchema>;

/** Tenant settings (MODEL.md §8), in hours as Auth0 gives them. Read and reported; not yet modelled. */
export const tenantSchema = z.object({
  session_lifetime: z.number().positive().optional(),
  idle_session_lifetime: z.number().positive().optional(),
});
export type TenantInput = z.infer<typeof tenantSchema>;

/** MODEL.md §2's configuration file: our own format, so a misspelt top-level field is an error too. */
export const configSchema = strictKnown({
  native: clientSchema.optional(),
  web: clientSchema.optional(),
  transfer_token_ttl_seconds: z.number().int().positive().optional(),
  tenant: tenantSchema.optional(),
}, 'the configuration');
export type ConfigInput = z.infer<typeof configSchema>;

/** The client fields the model reads, as JSON paths, with the default each takes when absent (spec §2). */
export const READ_FIELDS = [
  ['session_transfer.can_create_session_transfer_token', false],
  ['session_transfer.enforce_cascade_revocation', true],
  ['session_transfer.allowed_authentication_methods', []],
  ['session_transfer.enforce_device_binding', 'ip'],
  ['session_transfer.allow_refresh_token', false],
  ['session_transfer.enforce_online_refresh_tokens', true],
  ['refresh_token.rotation_type', 'non-rotating'],
] as const;

/** The fields the model reads that this client leaves out (or sets to null): each takes its default. */
export function defaultedFields(input: ClientInput | undefined): { field: string; value: unknown }[] {
  return READ_FIELDS.filter(([path]) => {
    const [obj, key] = path.split('.') as ['session_transfer' | 'refresh_token', string];
    const o = input?.[obj] as Record<string, unknown> | null | undefined;
    return o === undefined || o === null || o[key] === undefined || o[key] === null;
  }).map(([field, value]) => ({ field, value }));
}

/** Auth0's documented defaults (spec §2; R12, R14; cascade and online are on even when unset). */
export function resolveClient(input: ClientInput | undefined): ClientSettings {
  const st = input?.session_transfer ?? {};
  return {
    canCreateSessionTransferToken: st.can_create_session_transfer_token ?? false,
    enforceCascadeRevocation: st.enforce_cascade_revocation ?? true,
    allowedAuthenticationMethods: normaliseMethods(st.allowed_authentication_methods ?? []),
    enforceDeviceBinding: st.enforce_device_binding ?? 'ip',
    allowRefreshToken: st.allow_refresh_token ?? false,
    enforceOnlineRefreshTokens: st.enforce_online_refresh_tokens ?? true,
    rotationType: input?.refresh_token?.rotation_type ?? 'non-rotating',
  };
}

function normaliseMethods(methods: readonly Method[]): Method[] {
  return METHODS.filter((m) => methods.includes(m));
}

export function resolveConfig(input: ConfigInput = {}): Config {
  return {
    native: resolveClient(input.native),
    web: resolveClient(input.web),
    transferTokenTtlSeconds: input.transfer_token_ttl_seconds ?? 60,
  };
}

/** Back to Auth0's shape, so a counterexample's scenario file carries a config a reviewer can read. */
export function configToInput(c: Config): ConfigInput {
  const client = (s: ClientSettings) => ({
    session_transfer: {
      can_create_session_transfer_token: s.canCreateSessionTransferToken,
      enforce_cascade_revocation: s.enforceCascadeRevocation,
      allowed_authentication_methods: [...s.allowedAuthenticationMethods],
      enforce_device_binding: s.enforceDeviceBinding,
      allow_refresh_token: s.allowRefreshToken,
      enforce_online_refresh_tokens: s.enforceOnlineRefreshTokens,
    },
    refresh_token: { rotation_type: s.rotationType },
  });
  return { native: client(c.native), web: client(c.web), transfer_token_ttl_seconds: c.transferTokenTtlSeconds };
}

// ---------------------------------------------------------------------------------------------
// Interpretations (MODEL.md §2): readings of the docs' silences that a reviewer may flip.

export const interpretationsSchema = z.strictObject({
  A6: z.boolean().optional(),
  A8: z.boolean().optional(),
  A10: z.enum(['ignored', 'invalid']).optional(),
});
export interface Interpretations {
  /** valid token + same-user session: the reused session becomes a child of the token's parent */
  readonly A6: boolean;
  /** a redemption failing binding, organization or user checks uses the token up */
  readonly A8: boolean;
  /** a token sent by a method the web app does not allow */
  readonly A10: 'ignored' | 'invalid';
}
export const DEFAULT_INTERPRETATIONS: Interpretations = { A6: false, A8: true, A10: 'ignored' };

export function resolveInterpretations(input: z.infer<typeof interpretationsSchema> = {}): Interpretations {
  return { ...DEFAULT_INTERPRETATIONS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
}

// ---------------------------------------------------------------------------------------------
// The configuration space: the 768 combinations of MODEL.md §2.

/** The dimensions of the space, in a fixed order; a config's label and the risk matrix use them. */
export const DIMENSIONS = [
  { key: 'native.can_create_session_transfer_token', values: [true, false] },
  { key: 'native.enforce_cascade_revocation', values: [true, false] },
  { key: 'native.rotation_type', values: ['non-rotating', 'rotating'] },
  { key: 'web.can_create_session_transfer_token', values: [false, true] },
  { key: 'web.allowed_authentication_methods', values: ['cookie', 'query', 'cookie+query', 'none'] },
  { key: 'web.enforce_device_binding', values: ['ip', 'asn', 'none'] },
  { key: 'web.allow_refresh_token', values: [false, true] },
  { key: 'web.enforce_online_refresh_tokens', values: [true, false] },
] as const;
export type DimensionKey = (typeof DIMENSIONS)[number]['key'];
export type DimensionValue = boolean | string;

const methodsFromValue = (v: string): Method[] => (v === 'none' ? [] : (v.split('+') as Method[]));
const methodsValue = (m: readonly Method[]): string => (m.length === 0 ? 'none' : m.join('+'));

/** The value a config takes on each dimension. */
export function dimensionValues(c: Config): Record<DimensionKey, DimensionValue> {
  return {
    'native.can_create_session_transfer_token': c.native.canCreateSessionTransferToken,
    'native.enforce_cascade_revocation': c.native.enforceCascadeRevocation,
    'native.rotation_type': c.native.rotationType,
    'web.can_create_session_transfer_token': c.web.canCreateSessionTransferToken,
    'web.allowed_authentication_methods': methodsValue(c.web.allowedAuthenticationMethods),
    'web.enforce_device_binding': c.web.enforceDeviceBinding,
    'web.allow_refresh_token': c.web.allowRefreshToken,
    'web.enforce_online_refresh_tokens': c.web.enforceOnlineRefreshTokens,
  };
}

/** `c` with one dimension of the space set to `value`; every field outside the space kept. */
export function withDimension(c: Config, key: DimensionKey, value: DimensionValue): Config {
  const [side, field] = key.split('.') as ['native' | 'web', string];
  const s = { ...c[side] };
  switch (field) {
    case 'can_create_session_transfer_token': s.canCreateSessionTransferToken = value as boolean; break;
    case 'enforce_cascade_revocation': s.enforceCascadeRevocation = value as boolean; break;
    case 'rotation_type': s.rotationType = value as Rotation; break;
    case 'allowed_authentication_methods': s.allowedAuthenticationMethods = methodsFromValue(value as string); break;
    case 'enforce_device_binding': s.enforceDeviceBinding = value as Binding; break;
    case 'allow_refresh_token': s.allowRefreshToken = value as boolean; break;
    case 'enforce_online_refresh_tokens': s.enforceOnlineRefreshTokens = value as boolean; break;
    default: throw new Error(`withDimension: unknown dimension ${key}`);
  }
  return { ...c, [side]: s };
}

/** Every configuration of the space, in a fixed order (native flags vary slowest). */
export function configurationSpace(ttl = 60): Config[] {
  let out: Config[] = [{ ...resolveConfig(), transferTokenTtlSeconds: ttl }];
  for (const { key, values } of DIMENSIONS) out = out.flatMap((c) => (values as readonly DimensionValue[]).map((v) => withDimension(c, key, v)));
  return out;
}

/** A short, file-name-safe label: `n-mint-casc-norot_w-nomint-query-ip-nort-online`. */
export function configLabel(c: Config): string {
  const n = c.native;
  const w = c.web;
  const native = [n.canCreateSessionTransferToken ? 'mint' : 'nomint', n.enforceCascadeRevocation ? 'casc' : 'nocasc',
    n.rotationType === 'rotating' ? 'rot' : 'norot'];
  const web = [w.canCreateSessionTransferToken ? 'mint' : 'nomint', methodsValue(w.allowedAuthenticationMethods).replace('+', ''),
    w.enforceDeviceBinding === 'none' ? 'nobind' : w.enforceDeviceBinding, w.allowRefreshToken ? 'rt' : 'nort',
    w.enforceOnlineRefreshTokens ? 'online' : 'offline'];
  const ttl = c.transferTokenTtlSeconds === 60 ? [] : [`ttl${c.transferTokenTtlSeconds}`];
  return [`n-${native.join('-')}`, `w-${web.join('-')}`, ...ttl].join('_');
}
