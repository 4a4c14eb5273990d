// machines/events.ts: the input alphabet (MODEL.md §3) as one event union, with its zod schema.
import { z } from 'zod';
import { METHODS, webSettings, type Method } from './config.js';
import type { Setting } from './setting.js';

const name = z.string().min(1);
const org = z.string().min(1).optional();

export const eventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('NATIVE_LOGIN'), user: name, device: name, organization: org }),
  z.strictObject({ type: z.literal('MINT_TRANSFER_TOKEN'), refreshToken: name }),
  z.strictObject({
    type: z.literal('AUTHORIZE'), device: name, transferToken: name.optional(), method: z.enum(METHODS).optional(),
    organization: org, offlineAccess: z.boolean().optional(), client: name.optional(),
  }),
  z.strictObject({ type: z.literal('WEB_LOGIN'), device: name, user: name, offlineAccess: z.boolean().optional(), client: name.optional() }),
  z.strictObject({ type: z.literal('REFRESH'), refreshToken: name }),
  z.strictObject({ type: z.literal('REVOKE_REFRESH_TOKEN'), refreshToken: name }),
  z.strictObject({ type: z.literal('REVOKE_SESSION'), session: name, by: z.enum(['logout', 'admin']).optional() }),
  z.strictObject({ type: z.literal('ADVANCE_TIME'), seconds: z.number().int().positive() }),
  z.strictObject({ type: z.literal('MOVE_DEVICE'), device: name, network: name }),
]);

export type ModelEvent = z.infer<typeof eventSchema>;
export type EventType = ModelEvent['type'];
export type EventOf<T extends EventType> = Extract<ModelEvent, { type: T }>;
export const EVENT_TYPES: readonly EventType[] = eventSchema.options.map((o) => o.shape.type.value);

/** A field of an event that names something: of the population (user, device, network) or of the world. */
export type Reference = 'user' | 'device' | 'network' | 'client' | 'refreshToken' | 'transferToken' | 'session';

/**
 * What the model knows of each event kind, in one place; keyed by EventType, so a kind added to the schema
 * does not compile until it has an entry here (and in the engines' tables keyed the same way: the
 * explorer's alphabet and enumerator, the random generator's weights and decoders).
 */
export interface EventKind<T extends EventType> {
  /** the fields that name something, checked in this order when a scenario is read (step.ts referenceError) */
  readonly references: readonly (Reference & keyof EventOf<T>)[];
  /** one line, the way a counterexample prints a step */
  readonly describe: (e: EventOf<T>) => string;
}

export const EVENT_KINDS: { readonly [T in EventType]: EventKind<T> } = {
  NATIVE_LOGIN: {
    references: ['user', 'device'],
    describe: (e) => `${e.user} signs in to the native app on ${e.device}${e.organization ? ` (organization ${e.organization})` : ''}`,
  },
  MINT_TRANSFER_TOKEN: { references: ['refreshToken'], describe: (e) => `the holder of ${e.refreshToken} mints a transfer token` },
  AUTHORIZE: {
    references: ['device', 'client', 'transferToken'],
    describe: (e) => (e.transferToken
      ? `${e.device} calls /authorize${forClient(e)} with ${e.transferToken} by ${e.method ?? 'cookie'}${e.organization ? ` for organization ${e.organization}` : ''}${e.offlineAccess ? ', asking offline_access' : ''}`
      : `${e.device} calls /authorize${forClient(e)} without a transfer token${e.offlineAccess ? ', asking offline_access' : ''}`),
  },
  WEB_LOGIN: {
    references: ['user', 'device', 'client'],
    describe: (e) => `${e.user} signs in interactively in ${e.device}'s browser${forClient(e)}${e.offlineAccess ? ', asking offline_access' : ''}`,
  },
  REFRESH: { references: ['refreshToken'], describe: (e) => `${e.refreshToken} is used in a refresh-token grant` },
  REVOKE_REFRESH_TOKEN: { references: ['refreshToken'], describe: (e) => `${e.refreshToken} is revoked (/oauth/revoke)` },
  REVOKE_SESSION: {
    references: ['session'],
    describe: (e) => `session ${e.session} is revoked (${e.by === 'admin' ? 'by an administrator, POST /api/v2/sessions/{id}/revoke' : 'logout'})`,
  },
  ADVANCE_TIME: { references: [], describe: (e) => `${e.seconds} s pass` },
  MOVE_DEVICE: { references: ['device', 'network'], describe: (e) => `${e.device} moves to network ${e.network}` },
};

/** MODEL.md §8: the web app an event addresses, when it names one (absent: the first). */
const forClient = (e: { client?: string }) => (e.client !== undefined ? ` of ${e.client}` : '');

const kindOf = <T extends EventType>(e: EventOf<T>) => EVENT_KINDS[e.type as T] as EventKind<T>;

/** One line per event, the way a counterexample prints a step. */
export function describeEvent(e: ModelEvent): string {
  return kindOf(e).describe(e);
}

/** The fields of an event that name something, with their values, in the order they are checked. */
export function referencesOf(e: ModelEvent): { field: Reference; value: string }[] {
  const out: { field: Reference; value: string }[] = [];
  for (const field of kindOf(e).references as readonly Reference[]) {
    const value = (e as Record<string, unknown>)[field];
    if (typeof value === 'string') out.push({ field, value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Whether the web app allows the method a transfer token is sent by (R13), asked in one place.
// The explorer's enumerated events report every read of their `method` (twins, explorer/explore.ts);
// this function reads a copy that reports nothing, kept under a symbol no other module can name. So the
// explorer knows that an event's processing used its method only through this answer, which depends
// on nothing but the setting's allowed_authentication_methods and the method: two events whose methods
// get the same answer, and which differ in nothing else that was read, are processed alike.

const UNREPORTED_METHOD = Symbol('method, read by methodAllowed only');

/** For an event whose `method` is a getter that reports reads: the method methodAllowed reads instead. */
export function keepMethodForAllowance(e: object, method: Method | undefined): void {
  Object.defineProperty(e, UNREPORTED_METHOD, { value: method, enumerable: false });
}

/** The method an /authorize event sends its token by, read without reporting (MODEL.md §10's constraints). */
export function sentMethod(e: ModelEvent): Method | undefined {
  if (e.type !== 'AUTHORIZE') return undefined;
  return UNREPORTED_METHOD in e ? (e as { [UNREPORTED_METHOD]?: Method })[UNREPORTED_METHOD] : e.method;
}

/** The redeeming web app allows the method this /authorize event sends its token by (default cookie). */
export function methodAllowed(m: Setting, e: EventOf<'AUTHORIZE'>): boolean {
  const method = UNREPORTED_METHOD in e ? (e as { [UNREPORTED_METHOD]?: Method })[UNREPORTED_METHOD] : e.method;
  return eventClient(m, e).allowedAuthenticationMethods.includes(method ?? 'cookie');
}

/** MODEL.md §8: the client_id of the web app an AUTHORIZE or WEB_LOGIN event addresses (absent: the first). */
export const eventClientId = (m: Setting, e: { readonly client?: string }): string => e.client ?? m.config.webClientId;

/** MODEL.md §8: the settings of the web app an AUTHORIZE or WEB_LOGIN event addresses (checked to exist before the step). */
export function eventClient(m: Setting, e: { readonly client?: string }) {
  // (one web app: the event's client field, absent on most events, is not even read: a hot path)
  return m.config.moreWeb.length === 0 ? m.config.web : webSettings(m.config, e.client)!;
}
