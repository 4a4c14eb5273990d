// conformance/adapter.ts: what the conformance harness drives. An adapter turns the model's events
// (MODEL.md §3) into calls on a real implementation and answers each with an observation in MODEL.md §4's
// vocabulary: artifact ids `rt1, stt1, s1` counted per kind in order of creation, as the model counts them.
// The contract fields an observation is compared on, and their projection, are defined here too.
import type { Config, Interpretations } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import { isSessionTransferAudience, WARNING_PHRASES, type LogEvent } from '../machines/logs.js';
import { REASONS, type Observation, type Outcome, type Reason } from '../machines/observation.js';
import type { Population } from '../machines/world.js';

/** One HTTP request and its response, kept for traces. Bodies are text (JSON or a form as sent). */
export interface HttpExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string;
  /** milliseconds the request took */
  ms?: number;
}

/** What a run is set up with: the same configuration, interpretations and population as the model's. */
export interface AdapterSetup {
  config: Config;
  interpretations: Interpretations;
  population: Population;
}

/** Contract fields of an observation (MODEL.md §4, and §8's `expired`) that the harness compares. */
export const CONTRACT_FIELDS = ['outcome', 'reason', 'user', 'session', 'sessionCreated', 'issued', 'revoked', 'consumed', 'expired'] as const;
export type ContractField = (typeof CONTRACT_FIELDS)[number];

/** An observation's contract fields as they are compared: absent is null, id lists are sorted. */
export interface ContractView extends Record<ContractField, unknown> {
  outcome: Outcome;
  /** a reason outside MODEL.md §4's fixed vocabulary (e.g. `already_revoked` with `ok`) is an extension: null */
  reason: Reason | null;
  user: string | null;
  session: string | null;
  sessionCreated: boolean | null;
  issued: string[];
  revoked: { refreshTokens: string[]; sessions: string[]; transferTokens: string[] };
  consumed: string[];
  /** absent (nothing expired) is the three empty lists */
  expired: { sessions: string[]; refreshTokens: string[]; transferTokens: string[] };
}

const REASON_SET = new Set<string>(REASONS);
// Lists may be missing from an observation a user's adapter builds; they count as empty.
const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();

// The suite `n2w paths --emit vitest` writes (cli/conform.ts) carries its own copy of this projection,
// as it runs in the user's project without this one: a change here goes there too (contract-view.test.ts).
export function contractView(o: Observation): ContractView {
  return {
    outcome: o.outcome,
    reason: o.reason !== undefined && REASON_SET.has(o.reason) ? (o.reason as Reason) : null,
    user: o.user ?? null,
    session: o.session ?? null,
    sessionCreated: o.sessionCreated ?? null,
    issued: sorted(o.issued),
    revoked: { refreshTokens: sorted(o.revoked.refreshTokens), sessions: sorted(o.revoked.sessions), transferTokens: sorted(o.revoked.transferTokens) },
    consumed: sorted(o.consumed),
    expired: { sessions: sorted(o.expired?.sessions), refreshTokens: sorted(o.expired?.refreshTokens), transferTokens: sorted(o.expired?.transferTokens) },
  };
}

/** Whether two views agree on one contract field. */
export const sameField = (f: ContractField, a: ContractView, b: ContractView): boolean => JSON.stringify(a[f]) === JSON.stringify(b[f]);

/**
 * Compared beside the contract fields, with a projection of their own (`n2wView`): the log events a step
 * writes (MODEL.md §4 "Logs") and an issued mint's answer (R3, R4). A suite `n2w paths --emit vitest`
 * writes compares the contract fields only.
 */
export const N2W_FIELDS = ['logs', 'mint'] as const;
export type N2wField = (typeof N2W_FIELDS)[number];
export type ComparedField = ContractField | N2wField;

/** One log as compared: its type and n2w's fields; the domain in an audience and other details are not. */
export interface LogView {
  type: string;
  /** R6: `session_transfer` for any `urn:{domain}:session_transfer`, else the value, null when absent */
  audience: string | null;
  triggered_by_session_transfer_token: boolean | null;
  session_transfer_token: string | null;
  parent_refresh_token: string | null;
  session_id: string | null;
  reason: string | null;
  /** on a `w` whose reason has a documented phrase: whether the description holds it (spec §3.3) */
  phrase: boolean | null;
}

export function logView(l: LogEvent): LogView {
  const d = l.details ?? {};
  const phrase = l.type === 'w' && d.reason !== undefined && d.reason in WARNING_PHRASES
    ? (l.description ?? '').toLowerCase().includes(WARNING_PHRASES[d.reason as keyof typeof WARNING_PHRASES].toLowerCase())
    : null;
  return {
    type: l.type,
    audience: d.audience === undefined ? null : isSessionTransferAudience(d.audience) ? 'session_transfer' : d.audience,
    triggered_by_session_transfer_token: d.triggered_by_session_transfer_token ?? null,
    session_transfer_token: d.session_transfer_token ?? null,
    parent_refresh_token: d.parent_refresh_token ?? null,
    session_id: d.session_id ?? null,
    reason: d.reason ?? null,
    phrase,
  };
}

export interface N2wView {
  logs: LogView[];
  mint: { tokenType: string; expiresIn: number; issuedTokenType: string; refreshToken: string | null } | null;
}

export function n2wView(o: Observation): N2wView {
  const m = o.mint;
  return {
    logs: (o.logs ?? []).map(logView),
    mint: m ? { tokenType: m.tokenType, expiresIn: m.expiresIn, issuedTokenType: m.issuedTokenType, refreshToken: m.refreshToken ?? null } : null,
  };
}

/** The observation with every artifact id it names (session, issued, consumed, revoked, expired) passed through `name`. */
export function renameIds(o: Observation, name: (id: string) => string): Observation {
  const names = (ids: readonly string[] | undefined) => (ids ?? []).map(name);
  return {
    ...o,
    ...(o.session !== undefined && o.session !== null ? { session: name(o.session) } : {}),
    issued: names(o.issued), consumed: names(o.consumed),
    revoked: { refreshTokens: names(o.revoked.refreshTokens), sessions: names(o.revoked.sessions), transferTokens: names(o.revoked.transferTokens) },
    ...(o.expired ? { expired: { sessions: names(o.expired.sessions), refreshTokens: names(o.expired.refreshTokens), transferTokens: names(o.expired.transferTokens) } } : {}),
  };
}

export interface AdapterStep {
  observation: Observation;
  /** every request/response of the step, in order */
  exchanges: HttpExchange[];
  /**
   * Contract fields this adapter cannot see for this step (for example `revoked` against a server that
   * does not report effects, or `logs` against one without GET /api/v2/logs). The harness does not compare
   * them. Absent: every field is observed.
   */
  unobserved?: ComparedField[];
}

export interface ApplyOptions {
  /**
   * Other steps overlap this one (`n2w conform --concurrency`): the adapter must not read what belongs to
   * one step at a time (the logs since the last step), and may name an artifact another overlapping step
   * made before that step's answer arrives (`settle` names it afterwards).
   */
  concurrent?: boolean;
}

export interface Adapter {
  /** Starts a run from an empty tenant set up like the model. */
  reset(setup: AdapterSetup): Promise<void>;
  /** Applies one event; `step` is its 1-based number in the sequence (the observation's `step`). */
  apply(event: ModelEvent, step: number, options?: ApplyOptions): Promise<AdapterStep>;
  /**
   * After overlapping steps have all answered: the observation with the ids it could not name yet (a
   * token another step issued, which this one revoked) named as the adapter now knows them.
   */
  settle?(observation: Observation): Observation;
  close?(): Promise<void>;
}

/**
 * What an adapter offers for the race of one authorization code redeemed twice (outside the model: RFC
 * 6749 §4.1.2 makes a code single use): a code for a fresh login, and one redemption of it.
 */
export interface CodeRaceAdapter {
  authorizationCode(device: string, user: string): Promise<string>;
  redeemCode(code: string, device: string): Promise<{ status: number; exchanges: HttpExchange[] }>;
}
export const offersCodeRace = (a: Adapter): a is Adapter & CodeRaceAdapter =>
  typeof (a as Partial<CodeRaceAdapter>).authorizationCode === 'function' && typeof (a as Partial<CodeRaceAdapter>).redeemCode === 'function';

/** A user's adapter module default-exports one of these (`n2w conform --adapter FILE`). */
export type AdapterFactory = (options?: Record<string, unknown>) => Adapter | Promise<Adapter>;

/**
 * The implementation could not be driven: server down, timeout, a response the adapter cannot read.
 * Not a divergence: the harness reports it as its own result kind (exit 3), with the trace so far.
 */
export class HarnessError extends Error {
  constructor(
    message: string,
    /** the exchanges of the step that failed, as far as they went */
    readonly exchanges: HttpExchange[] = [],
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
}

/** Loads a user's adapter module (default export: a factory, or an adapter object). */
export async function loadAdapterModule(file: string, options?: Record<string, unknown>): Promise<Adapter> {
  const { pathToFileURL } = await import('node:url');
  const { resolve } = await import('node:path');
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown; createAdapter?: unknown };
  const exported = mod.default ?? mod.createAdapter;
  if (typeof exported === 'function') return await (exported as AdapterFactory)(options);
  if (exported && typeof exported === 'object' && typeof (exported as Adapter).apply === 'function') return exported as Adapter;
  throw new Error(`${file}: expected a default export that is an adapter factory (a function returning an Adapter)`);
}
