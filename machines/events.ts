// machines/events.ts: the input alphabet (MODEL.md §3) as one event union, with its zod schema.
import { z } from 'zod';
import { METHODS, type Method } from './config.js';
import type { Setting } from './setting.js';

const name = z.string().min(1);
const org = z.string().min(1).optional();

export const eventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('NATIVE_LOGIN'), user: name, device: name, organization: org }),
  z.strictObject({ type: z.literal('MINT_TRANSFER_TOKEN'), refreshToken: name }),
  z.strictObject({
    type: z.literal('AUTHORIZE'), device: name, transferToken: name.optional(), method: z.enum(METHODS).optional(),
    organization: org, offlineAccess: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('WEB_LOGIN'), device: name, user: name, offlineAccess: z.boolean().optional() }),
  z.strictObject({ type: z.literal('REFRESH'), refreshToken: name }),
  z.strictObject({ type: z.literal('REVOKE_REFRESH_TOKEN'), refreshToken: name }),
  z.strictObject({ type: z.literal('REVOKE_SESSION'), session: name }),
  z.strictObject({ type: z.literal('ADVANCE_TIME'), seconds: z.number().int().positive() }),
  z.strictObject({ type: z.literal('MOVE_DEVICE'), device: name, network: name }),
]);

export type ModelEvent = z.infer<typeof eventSchema>;
export type EventType = ModelEvent['type'];
export type EventOf<T extends EventType> = Extract<ModelEvent, { type: T }>;
export const EVENT_TYPES: readonly EventType[] = eventSchema.options.map((o) => o.shape.type.value);

/** One line per event, the way a counterexample prints a step. */
export function describeEvent(e: ModelEvent): string {
  switch (e.type) {
    case 'NATIVE_LOGIN': return `${e.user} signs in to the native app on ${e.device}${e.organization ? ` (organization ${e.organization})` : ''}`;
    case 'MINT_TRANSFER_TOKEN': return `the holder of ${e.refreshToken} mints a transfer token`;
    case 'AUTHORIZE': return e.transferToken
      ? `${e.device} calls /authorize with ${e.transferToken} by ${e.method ?? 'cookie'}${e.organization ? ` for organization ${e.organization}` : ''}${e.offlineAccess ? ', asking offline_access' : ''}`
      : `${e.device} calls /authorize without a transfer token${e.offlineAccess ? ', asking offline_access' : ''}`;
    case 'WEB_LOGIN': return `${e.user} signs in interactively in ${e.device}'s browser${e.offlineAccess ? ', asking offline_access' : ''}`;
    case 'REFRESH': return `${e.refreshToken} is used in a refresh-token grant`;
    case 'REVOKE_REFRESH_TOKEN': return `${e.refreshToken} is revoked (/oauth/revoke)`;
    case 'REVOKE_SESSION': return `session ${e.session} is revoked (logout)`;
    case 'ADVANCE_TIME': return `${e.seconds} s pass`;
    case 'MOVE_DEVICE': return `${e.device} moves to network ${e.network}`;
  }
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

/** The web app allows the method this /authorize event sends its token by (default cookie). */
export function methodAllowed(m: Setting, e: EventOf<'AUTHORIZE'>): boolean {
  const method = UNREPORTED_METHOD in e ? (e as { [UNREPORTED_METHOD]?: Method })[UNREPORTED_METHOD] : e.method;
  return m.config.web.allowedAuthenticationMethods.includes(method ?? 'cookie');
}
