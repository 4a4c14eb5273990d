// machines/events.ts: the input alphabet (MODEL.md §3) as one event union, with its zod schema.
import { z } from 'zod';
import { METHODS } from './config.js';

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
