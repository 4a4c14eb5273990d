// conformance/test-mode.ts: the test-mode contract a server offers the HTTP adapter (http-adapter.ts), as
// zod schemas: the reset's request (MODEL.md §2's configuration, the world, the interpretations), the
// clock's request, the effects header, the logs endpoint's answer, the headers the adapter reads. Built from
// the model's own schemas where one exists (configSchema, interpretationsSchema, the event's seconds,
// OUTCOMES, REASONS, LOG_TYPES). conformance/TEST-MODE.md describes them; conformance/schemas/*.json are
// their JSON Schemas (`testModeJsonSchemas()`, written by `npm run schemas`, checked by test-mode.test.ts).
import { z } from 'zod';
import { clientSchema, configSchema, interpretationsSchema } from '../machines/config.js';
import { eventSchema } from '../machines/events.js';
import { LOG_TYPES } from '../machines/logs.js';
import { NOOP_REASONS, OUTCOMES, REASONS } from '../machines/observation.js';

const name = z.string().min(1);
const ids = z.array(z.string().min(1));

/** The population's users and networks as the reset sends them (devices stay on the harness's side). */
export const resetWorldSchema = z.strictObject({
  users: z.array(z.strictObject({
    name: name.describe('the login name the password grant and POST /login send (HttpAdapterOptions.usernames)'),
    user_id: name.describe("the model's user name; the server's user_id in logs is mapped back with HttpAdapterOptions.userIds"),
    password: z.string().describe('the password the adapter sends for this user'),
  })).min(1),
  networks: z.array(z.strictObject({
    name,
    ip: z.string().min(1).describe('the IP the adapter sends as auth0-forwarded-for for a device on this network'),
    asn: z.number().int().nonnegative().describe('the autonomous system the server must attribute to this IP (asn binding)'),
  })).min(1),
}).describe('the world: who can log in and which IP lies in which ASN');

/** MODEL.md §2's configuration with the world beside it, as `POST /test/reset`'s `config`. */
export const resetConfigSchema = configSchema.safeExtend({ world: resetWorldSchema.optional() })
  .describe("MODEL.md §2's configuration (clients in the Management API's shape), with the world");

export const resetRequestSchema = z.strictObject({
  config: resetConfigSchema.optional().describe('absent (HttpAdapterOptions.sendConfigOnReset false): the server keeps its own configuration'),
  interpretations: interpretationsSchema.optional().describe("MODEL.md §2's readings of the docs' silences; the server answers as each says"),
  faults: z.array(name).optional().describe('seeded faults to switch on (reference server only; HttpAdapterOptions.faults)'),
}).describe('POST /test/reset: wipe the tenant (tokens, sessions, logs) and start again from this configuration, atomically');

/** The harness reads only the status (2xx); this is what the reference server answers. */
export const resetResponseSchema = z.looseObject({
  ok: z.boolean().optional(),
  faults: z.array(z.string()).optional(),
  interpretations: z.record(z.string(), z.unknown()).optional(),
}).describe('any JSON object with a 2xx status; the harness reads only the status');

const advanceTime = eventSchema.options.find((o): o is Extract<typeof o, { shape: { type: z.ZodLiteral<'ADVANCE_TIME'> } }> => o.shape.type.value === 'ADVANCE_TIME')!;
export const clockRequestSchema = z.strictObject({ seconds: advanceTime.shape.seconds.describe("the model's ADVANCE_TIME seconds: move the server's clock forward by this much") })
  .describe('POST /test/clock');
export const clockResponseSchema = z.looseObject({ now: z.number().optional().describe("the clock after the move, in the server's unit (the reference server: milliseconds)") })
  .describe('any JSON object with a 2xx status, with the effects header saying what the move expired and revoked');

const byKind = z.strictObject({ refreshTokens: ids.optional(), sessions: ids.optional(), transferTokens: ids.optional() });
/** `x-n2w-effects`: what one request did, in the server's ids (any stable string per artifact). */
export const effectsSchema = z.looseObject({
  issued: byKind.optional().describe('the artifacts this request created, each server id at its first appearance; the adapter maps it to rt1, stt1, s1 in order'),
  revoked: byKind.optional().describe('what this request revoked (cascades and the online rule included)'),
  consumed: ids.optional().describe('transfer tokens this request used up'),
  expired: byKind.optional().describe('MODEL.md §8: what this request (a clock move) expired; absent or empty lists: nothing'),
  outcome: z.enum(OUTCOMES).optional().describe("MODEL.md §4's outcome, when the status alone does not say it"),
  reason: z.enum([...REASONS, ...NOOP_REASONS]).optional().describe("MODEL.md §4's reason"),
  session: z.string().optional().describe('the server id of the session a login used or made'),
  user: z.string().optional().describe("the user a login logged in (the reset's user_id)"),
  sessionCreated: z.boolean().optional().describe('whether the login made a new session'),
}).describe('x-n2w-effects: a JSON object in one response header, on every state-changing answer in test mode, POST /test/clock included');

export const forwardedForSchema = z.union([z.ipv4(), z.ipv6()])
  .describe("auth0-forwarded-for: the request's client IP; a server in test mode trusts it (only the first of a comma list is read)");
export const outcomeHeaderSchema = z.enum(OUTCOMES).describe("x-n2w-outcome (optional): MODEL.md §4's outcome; wins over the status");
export const reasonHeaderSchema = z.enum([...REASONS, ...NOOP_REASONS]).describe("x-n2w-reason (optional): MODEL.md §4's reason");

const logDetailsSchema = z.looseObject({
  audience: z.string().optional(),
  triggered_by_session_transfer_token: z.boolean().optional(),
  session_transfer_token: z.string().optional(),
  refresh_token: z.string().optional(),
  rotated_to: z.string().optional(),
  session_id: z.string().optional(),
  parent_refresh_token: z.string().optional(),
  issued_refresh_token: z.string().optional(),
  reason: z.string().optional(),
  asn: z.number().optional(),
}).describe("n2w's fields of a log's details (machines/logs.ts LogDetails), ids in the server's vocabulary");
export const logSchema = z.looseObject({
  log_id: z.string().min(1),
  type: z.union([z.enum(LOG_TYPES), z.string()]).describe("Auth0's log event type; the model writes " + LOG_TYPES.join(', ')),
  // (absent or null where a log has none, as Auth0's logs have no user on a failed exchange)
  date: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  client_id: z.string().nullable().optional(),
  user_id: z.string().nullable().optional(),
  ip: z.string().nullable().optional(),
  details: logDetailsSchema.optional(),
});
export const logsResponseSchema = z.array(logSchema)
  .describe('GET /api/v2/logs?take=N (newest first) or ?from=LOG_ID&take=N (the logs after LOG_ID, oldest first)');

/** The schemas of the contract, by the file each is written to under conformance/schemas/. */
export const TEST_MODE_SCHEMAS = {
  'reset-request': resetRequestSchema,
  'reset-response': resetResponseSchema,
  'clock-request': clockRequestSchema,
  'clock-response': clockResponseSchema,
  'effects-header': effectsSchema,
  'forwarded-for-header': forwardedForSchema,
  'outcome-header': outcomeHeaderSchema,
  'reason-header': reasonHeaderSchema,
  'logs-response': logsResponseSchema,
} as const;
export type TestModeSchemaName = keyof typeof TEST_MODE_SCHEMAS;

/** The JSON Schema (draft 2020-12) of what a request or answer may be, as the server receives or sends it. */
export function testModeJsonSchema(which: TestModeSchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(TEST_MODE_SCHEMAS[which], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // configSchema reads `web` by its shape (one client, or a list of them) through a transform, which has no
  // JSON Schema of its own: say it here, from the client's schema
  if (which === 'reset-request') {
    const client = z.toJSONSchema(clientSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete client.$schema;
    const config = (schema.properties as Record<string, { properties: Record<string, unknown> }>).config;
    config.properties.web = {
      description: 'MODEL.md §8: one web app, or a list of them (the first is the one an event naming no client addresses)',
      anyOf: [client, { type: 'array', items: client, minItems: 1 }],
    };
  }
  return { title: `n2w test mode: ${which}`, ...schema };
}

/** Every schema file's name and content, as `npm run schemas` writes them. */
export function testModeJsonSchemas(): Record<string, string> {
  return Object.fromEntries((Object.keys(TEST_MODE_SCHEMAS) as TestModeSchemaName[]).map((k) => [`${k}.json`, `${JSON.stringify(testModeJsonSchema(k), null, 2)}\n`]));
}
