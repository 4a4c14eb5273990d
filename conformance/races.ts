// conformance/races.ts: `n2w conform --concurrency K`. Each race scenario runs a short sequential prefix
// (compared step by step, as the harness does), then sends K requests at once, records when each was sent
// and answered, and asks whether some order of them, one at a time and respecting real time, gives the
// answers the model gives (linearizability.ts). The implementation races where it cannot be explained.
import fc from 'fast-check';
import { configToInput, resolveConfig, resolveInterpretations, type ConfigInput, type Interpretations } from '../machines/config.js';
import { eventSchema, type ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { DEFAULT_POPULATION, populationSchema, refreshToken, transferToken, type Population, type World } from '../machines/world.js';
import { HarnessError, offersCodeRace, renameIds, type Adapter, type ComparedField, type HttpExchange } from './adapter.js';
import { compareObservations } from './harness.js';
import type { KnownDivergence } from './known.js';
import { checkLinearizable, partition, type Operation, type SequentialSpec, type Verdict } from './linearizability.js';
import { z } from 'zod';

/** The browsers (tabs) that redeem one transfer token at once: alice's, on her phone's network (ip binding passes). */
export const tabs = (k: number) => Array.from({ length: k }, (_, i) => `alice-tab-${i + 1}`);
export function racePopulation(k: number): Population {
  return { ...DEFAULT_POPULATION, devices: [...DEFAULT_POPULATION.devices, ...tabs(k).map((name) => ({ name, owner: 'alice', network: 'home' }))] };
}

export interface RaceScenario {
  readonly name: string;
  readonly why: string;
  readonly config: ConfigInput;
  readonly interpretations?: Partial<Interpretations>;
  /** run one step at a time first, compared as the harness compares */
  readonly prefix: readonly ModelEvent[];
  /** the K requests sent at once (ids as the prefix made them) */
  readonly concurrent: (k: number) => ModelEvent[];
}

const MINTS = { session_transfer: { can_create_session_transfer_token: true } };
const BOTH = { session_transfer: { allowed_authentication_methods: ['cookie', 'query'] as ('cookie' | 'query')[] } };
const rotating = (leeway: number): ConfigInput => ({ native: { ...MINTS, refresh_token: { rotation_type: 'rotating', leeway } }, web: BOTH });
const LOGIN: ModelEvent = { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' };
const MINT: ModelEvent = { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' };
const redeemFrom = (device: string): ModelEvent => ({ type: 'AUTHORIZE', device, transferToken: 'stt1', method: 'query' });

export const RACE_SCENARIOS: readonly RaceScenario[] = [
  {
    name: 'parallel-redemption', why: 'one transfer token redeemed from K tabs at once: one session, the rest refused (R10)',
    config: { native: MINTS, web: BOTH }, prefix: [LOGIN, MINT], concurrent: (k) => tabs(k).map(redeemFrom),
  },
  {
    name: 'parallel-rotation-in-leeway', why: 'one rotating refresh token refreshed K times at once, with a 30 s leeway (LV1)',
    config: rotating(30), prefix: [LOGIN], concurrent: (k) => Array.from({ length: k }, () => ({ type: 'REFRESH', refreshToken: 'rt1' }) as ModelEvent),
  },
  {
    name: 'parallel-rotation-outside-leeway', why: 'one rotating refresh token refreshed K times at once, leeway 0: one rotation, the rest reuse (R29)',
    config: rotating(0), prefix: [LOGIN], concurrent: (k) => Array.from({ length: k }, () => ({ type: 'REFRESH', refreshToken: 'rt1' }) as ModelEvent),
  },
  {
    name: 'revocation-vs-redemption', why: 'the parent refresh token revoked while its transfer token is redeemed (R20, cascade)',
    config: { native: MINTS, web: BOTH }, prefix: [LOGIN, MINT],
    concurrent: (k) => [{ type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt1' }, ...tabs(Math.max(1, k - 1)).map(redeemFrom)],
  },
];

/** The objects an event reads or changes: its refresh-token family, its transfer token and that token's family. */
function objects(world: World, e: ModelEvent): string[] {
  const family = (rt: string) => `family:${refreshToken(world, rt)?.family ?? rt}`;
  switch (e.type) {
    case 'REFRESH': case 'MINT_TRANSFER_TOKEN': case 'REVOKE_REFRESH_TOKEN': return [family(e.refreshToken)];
    case 'AUTHORIZE': {
      if (e.transferToken === undefined) return [`device:${e.device}`];
      const t = transferToken(world, e.transferToken);
      return [`stt:${e.transferToken}`, `device:${e.device}`, ...(t ? [family(t.parent)] : [])];
    }
    default: return ['world'];
  }
}

/** One overlapping request as recorded: the event, when it left and came back, and the answer. */
export interface RaceOp {
  event: ModelEvent;
  sentAt: number;
  /** null: a 5xx, a timeout or a broken connection: it may or may not have taken effect */
  answeredAt: number | null;
  observation: Observation | null;
  unobserved: ComparedField[];
  exchanges: HttpExchange[];
}

/** A recorded history: what `n2w conform --replay` checks again, offline or against a server. */
export interface RaceHistory {
  kind: 'race-history';
  scenario: string;
  concurrency: number;
  config: ConfigInput;
  interpretations: Interpretations;
  population: Population;
  prefix: ModelEvent[];
  ops: RaceOp[];
  verdict: RaceVerdict;
  known: string[];
  seed: number;
}
export type RaceVerdict =
  | (Verdict & { partitions: number })
  /** the sequential prefix already diverged: a divergence for the ordinary harness */
  | { kind: 'prefix-divergence'; step: number; fields: ComparedField[] };

interface SpecState { world: World; names: ReadonlyMap<string, string> }

/**
 * The implementation's observation in the model's names: ids the prefix made are the same on both sides;
 * what this step issued pairs with what the model's step issued, by kind in listed order (`names` grows);
 * any other id made by an overlapping step is one the model has no name for yet, so it matches nothing.
 */
function rename(o: Observation, model: Observation, names: ReadonlyMap<string, string>, prefixIds: ReadonlySet<string>): { renamed: Observation; names: Map<string, string> } {
  const next = new Map(names);
  for (const kind of [/^stt\d/, /^rt\d/]) {
    const theirs = model.issued.filter((id) => kind.test(id));
    o.issued.filter((id) => kind.test(id)).forEach((id, i) => { if (theirs[i] !== undefined && !next.has(id)) next.set(id, theirs[i]!); });
  }
  if (o.sessionCreated && o.session && model.session && !next.has(o.session)) next.set(o.session, model.session);
  const renamed = renameIds(o, (id) => next.get(id) ?? (prefixIds.has(id) ? id : `unnamed:${id}`));
  return { renamed, names: next };
}

type ModelOp = Operation<{ event: ModelEvent; step: number }, { observation: Observation; unobserved: ComparedField[] }>;

/** The model as the sequential specification: each step's answer compared as the harness compares it. */
export function modelSpec(setting: Setting, known: readonly KnownDivergence[], start: World): SequentialSpec<SpecState, ModelOp['input'], ModelOp['result'] & object> {
  const model = createModel(setting);
  const prefixIds = new Set([...start.refreshTokens, ...start.transferTokens, ...start.sessions].map((a) => a.id));
  return {
    step(state, op) {
      const r = model.step(state.world, op.input.event, op.input.step);
      const { renamed, names } = rename(op.result!.observation, r.observation, state.names, prefixIds);
      const ctx = { setting, before: state.world, after: r.world, event: op.input.event };
      return compareObservations(r.observation, renamed, op.result!.unobserved, ctx, known).length === 0 ? { world: r.world, names } : null;
    },
    stepUnanswered: (state, op) => ({ world: model.step(state.world, op.input.event, op.input.step).world, names: state.names }),
    key: (s) => `${JSON.stringify(s.world)}|${JSON.stringify([...s.names].sort())}`,
  };
}

export interface RaceOptions {
  adapter: Adapter;
  concurrency: number;
  known: readonly KnownDivergence[];
  /** spreads the sends over a few milliseconds, differently per history (same seed, same spreads) */
  seed: number;
  history: number;
  /** nodes the linearizability search may visit per partition */
  budget?: number;
}

/** Whether an answer says what happened: not a 5xx, not a dropped connection. */
const answered = (exchanges: readonly HttpExchange[]) => exchanges.every((x) => x.status !== 0 && x.status < 500);

/** The milliseconds each of the K requests waits before it is sent: from the seed, 0 to 2 ms. */
function spreads(seed: number, history: number, k: number): number[] {
  return fc.sample(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: k, maxLength: k }), { seed: seed * 7919 + history, numRuns: 1 })[0]!;
}

/** Runs one history of a scenario against the implementation and judges it. */
export async function runRace(scenario: RaceScenario, o: RaceOptions): Promise<RaceHistory> {
  const setting = makeSetting(resolveConfig(scenario.config), resolveInterpretations(scenario.interpretations), racePopulation(o.concurrency));
  const model = createModel(setting);
  const base = {
    kind: 'race-history' as const, scenario: scenario.name, concurrency: o.concurrency, config: configToInput(setting.config),
    interpretations: setting.interpretations, population: setting.population, prefix: [...scenario.prefix], known: o.known.map((k) => k.id), seed: o.seed,
  };
  await o.adapter.reset({ config: setting.config, interpretations: setting.interpretations, population: setting.population });
  let world = model.initial;
  for (const [i, event] of scenario.prefix.entries()) {
    const r = model.step(world, event, i + 1);
    const impl = await o.adapter.apply(event, i + 1);
    const fields = compareObservations(r.observation, impl.observation, impl.unobserved, { setting, before: world, after: r.world, event }, o.known);
    if (fields.length > 0) return { ...base, ops: [], verdict: { kind: 'prefix-divergence', step: i + 1, fields } };
    world = r.world;
  }
  const events = scenario.concurrent(o.concurrency);
  const wait = spreads(o.seed, o.history, events.length);
  const t0 = performance.now();
  const ops = await Promise.all(events.map(async (event, i): Promise<RaceOp> => {
    await new Promise((r) => setTimeout(r, wait[i]));
    const sentAt = performance.now() - t0;
    try {
      const step = await o.adapter.apply(event, scenario.prefix.length + 1 + i, { concurrent: true });
      const at = performance.now() - t0;
      const ok = answered(step.exchanges);
      return { event, sentAt, answeredAt: ok ? at : null, observation: ok ? step.observation : null, unobserved: step.unobserved ?? [], exchanges: step.exchanges };
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      return { event, sentAt, answeredAt: null, observation: null, unobserved: [], exchanges: e.exchanges };
    }
  }));
  for (const op of ops) if (op.observation && o.adapter.settle) op.observation = o.adapter.settle(op.observation);
  return { ...base, ops, verdict: judge(setting, world, ops, o.known, scenario.prefix.length, o.budget) };
}

/** The verdict on a recorded history: each group of operations on shared objects must linearize. */
export function judge(setting: Setting, world: World, ops: readonly RaceOp[], known: readonly KnownDivergence[], prefixLength: number, budget = 100_000): RaceVerdict {
  const history: ModelOp[] = ops.map((op, index) => ({
    index, input: { event: op.event, step: prefixLength + 1 + index }, sentAt: op.sentAt, answeredAt: op.answeredAt,
    result: op.observation ? { observation: op.observation, unobserved: op.unobserved } : null,
  }));
  const groups = partition(history, (op) => objects(world, op.input.event));
  const spec = modelSpec(setting, known, world);
  let explored = 0;
  const order: number[] = [];
  for (const g of groups) {
    const v = checkLinearizable(spec, { world, names: new Map() }, g.map((op, i) => ({ ...op, index: i })), budget);
    explored += v.explored;
    if (v.kind === 'linearizable') order.push(...v.order.map((i) => g[i]!.index));
    else if (v.kind === 'inconclusive') return { kind: 'inconclusive', explored, budget, partitions: groups.length };
    else return { kind: 'not-linearizable', longest: v.longest.map((i) => g[i]!.index), explored, partitions: groups.length };
  }
  return { kind: 'linearizable', order, explored, partitions: groups.length };
}

/** A saved history judged again, offline: the same verdict from the same file. */
export function judgeHistory(h: RaceHistory, known: readonly KnownDivergence[], budget?: number): RaceVerdict {
  const setting = makeSetting(resolveConfig(h.config), resolveInterpretations(h.interpretations), h.population);
  const model = createModel(setting);
  let world = model.initial;
  for (const [i, e] of h.prefix.entries()) world = model.step(world, e, i + 1).world;
  return judge(setting, world, h.ops, known, h.prefix.length, budget);
}

/** A saved history's shape (`n2w conform --replay` reads it; a wrong file is exit 2 with the field named). */
export const raceHistorySchema = z.object({
  kind: z.literal('race-history'),
  scenario: z.string(),
  concurrency: z.number().int().positive(),
  config: z.record(z.string(), z.unknown()),
  interpretations: z.record(z.string(), z.unknown()),
  population: populationSchema,
  prefix: z.array(eventSchema),
  ops: z.array(z.object({
    event: eventSchema, sentAt: z.number(), answeredAt: z.number().nullable(),
    observation: z.record(z.string(), z.unknown()).nullable(), unobserved: z.array(z.string()), exchanges: z.array(z.unknown()),
  })),
  verdict: z.object({ kind: z.string() }).passthrough(),
  known: z.array(z.string()),
  seed: z.number().int(),
});

/** The answer of one op, in a few words. */
function answerOf(op: RaceOp): string {
  if (!op.observation) return `no answer (${op.exchanges.at(-1)?.status || 'connection'}): may or may not have taken effect`;
  const o = op.observation;
  return [`${o.outcome}${o.reason ? ` (${o.reason})` : ''}`, o.session ? `${o.sessionCreated ? 'new ' : ''}session ${o.session}` : '', o.issued.length ? `new ${o.issued.join(', ')}` : '',
    o.consumed.length ? `consumed ${o.consumed.join(', ')}` : '', o.revoked.refreshTokens.length ? `revoked ${o.revoked.refreshTokens.join(', ')}` : ''].filter(Boolean).join(', ');
}

/** The history as a timeline: one lane per request, a bar from sent to answered on a common scale. */
export function formatTimeline(h: Pick<RaceHistory, 'ops'> & { verdict?: RaceVerdict }, width = 40): string[] {
  const end = Math.max(1, ...h.ops.map((op) => op.answeredAt ?? op.sentAt));
  const col = (t: number) => Math.min(width - 1, Math.round((t / end) * (width - 1)));
  const label = (e: ModelEvent) => (e.type === 'AUTHORIZE' ? `AUTHORIZE ${e.transferToken} from ${e.device}` : e.type === 'REFRESH' || e.type === 'REVOKE_REFRESH_TOKEN' || e.type === 'MINT_TRANSFER_TOKEN' ? `${e.type} ${e.refreshToken}` : e.type);
  const w = Math.max(...h.ops.map((op) => label(op.event).length));
  return [
    `${''.padEnd(w + 4)}0 ms${' '.repeat(Math.max(1, width - 4 - `${end.toFixed(1)} ms`.length))}${end.toFixed(1)} ms`,
    ...h.ops.map((op, i) => {
      const a = col(op.sentAt);
      const b = op.answeredAt === null ? width - 1 : Math.max(a, col(op.answeredAt));
      const bar = ' '.repeat(a) + (op.answeredAt === null ? '[' + '?'.repeat(Math.max(0, b - a)) : b === a ? '|' : `[${'='.repeat(b - a - 1)}]`);
      return `#${i + 1} ${label(op.event).padEnd(w)} ${bar.padEnd(width)}  ${op.sentAt.toFixed(1)}–${op.answeredAt === null ? '?' : op.answeredAt.toFixed(1)} ms  ${answerOf(op)}`;
    }),
    ...(h.verdict?.kind === 'not-linearizable'
      ? [`the model explains at most ${h.verdict.longest.length ? `#${h.verdict.longest.map((i) => i + 1).join(' then #')}` : 'none of them first'}; after that no request left can come next with the answer it got`]
      : []),
  ];
}

// ---------------------------------------------------------------------------------------------
// One authorization code redeemed K times at once (outside the model: RFC 6749 §4.1.2, single use)

export interface CodeRaceResult { kind: 'linearizable' | 'not-linearizable' | 'not-offered'; ops: { sentAt: number; answeredAt: number | null; status: number }[] }

/** The specification is one bit: the first redemption of a code succeeds, every later one is refused. */
export async function runCodeRace(adapter: Adapter, concurrency: number): Promise<CodeRaceResult> {
  if (!offersCodeRace(adapter)) return { kind: 'not-offered', ops: [] };
  const setting = makeSetting(resolveConfig(RACE_SCENARIOS[0]!.config), resolveInterpretations(), racePopulation(1));
  await adapter.reset({ config: setting.config, interpretations: setting.interpretations, population: setting.population });
  const code = await adapter.authorizationCode('alice-laptop', 'alice');
  const t0 = performance.now();
  const ops = await Promise.all(Array.from({ length: concurrency }, async () => {
    const sentAt = performance.now() - t0;
    try {
      const r = await adapter.redeemCode(code, 'alice-laptop');
      return { sentAt, answeredAt: r.status >= 500 ? null : performance.now() - t0, status: r.status };
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      return { sentAt, answeredAt: null, status: 0 };
    }
  }));
  const spec: SequentialSpec<boolean, null, number> = {
    step: (used, op) => ((op.result! < 300) === !used ? true : null),
    stepUnanswered: () => true,
    key: (used) => String(used),
  };
  const v = checkLinearizable(spec, false, ops.map((op, index) => ({ index, input: null, sentAt: op.sentAt, answeredAt: op.answeredAt, result: op.status })));
  return { kind: v.kind === 'linearizable' ? 'linearizable' : 'not-linearizable', ops };
}
