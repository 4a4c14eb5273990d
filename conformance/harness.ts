// conformance/harness.ts: run one event sequence on the model and on an implementation (through an
// adapter), compare the observations step by step on the contract fields of MODEL.md §4, shrink the first
// divergence with fast-check to a minimal sequence, and write it as a replayable JSON trace.
import fc from 'fast-check';
import { configToInput, type ConfigInput, type Interpretations } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { createModel, referenceError, type Model } from '../machines/step.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import type { Population, World } from '../machines/world.js';
import { decodeChoice, sequenceArbitrary, type Sequence } from '../random/generate.js';
import {
  CONTRACT_FIELDS, contractView, HarnessError, N2W_FIELDS, n2wView, sameField, type Adapter, type AdapterSetup, type ComparedField, type ContractField, type HttpExchange,
} from './adapter.js';
import { explainedFields, type KnownDivergence, type StepContext } from './known.js';

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * The fields on which two observations differ, less those the adapter could not observe and those a known
 * divergence explains: the contract fields, then the logs and the mint's answer (adapter.ts: `n2wView`).
 * Extension fields (rules, transferTokenIgnored, action, ...) are not compared.
 */
export function compareObservations(model: Observation, impl: Observation, unobserved: readonly ComparedField[] = [], ctx?: Omit<StepContext, 'model'>, known: readonly KnownDivergence[] = []): ComparedField[] {
  const m = contractView(model);
  const i = contractView(impl);
  let differing: ComparedField[] = CONTRACT_FIELDS.filter((f) => !unobserved.includes(f) && !sameField(f, m, i));
  if (differing.length > 0 && ctx) {
    const explained = new Set(known.flatMap((k) => explainedFields(k, { ...ctx, model }, i)));
    differing = differing.filter((f) => !explained.has(f as ContractField));
  }
  const mn = n2wView(model);
  const iv = n2wView(impl);
  for (const f of N2W_FIELDS) if (!unobserved.includes(f) && JSON.stringify(mn[f]) !== JSON.stringify(iv[f])) differing.push(f);
  return differing;
}

// ---------------------------------------------------------------------------------------------
// One sequence

/** Where events come from: a fixed list, or choices decoded against the model's world as it stands. */
export type EventSource = { kind: 'events'; events: readonly ModelEvent[] } | { kind: 'choices'; sequence: Sequence };

export interface Divergence {
  /** 1-based step number */
  step: number;
  fields: ComparedField[];
  model: Observation;
  implementation: Observation;
  unobserved?: ComparedField[];
}

interface RunBase {
  /** the events run (for a divergence or an error, up to and including the failing step) */
  events: ModelEvent[];
  modelObservations: Observation[];
  implementationObservations: Observation[];
  modelMs: number;
  adapterMs: number;
}
export type SequenceResult =
  | (RunBase & { kind: 'pass'; cut?: { step: number; known: string } })
  | (RunBase & { kind: 'divergence'; divergence: Divergence; exchanges: HttpExchange[] })
  | (RunBase & { kind: 'error'; message: string; step: number; exchanges: HttpExchange[] })
  /** the event list names an artifact the model does not have at that step (a shrunk path, say) */
  | (RunBase & { kind: 'invalid'; step: number; message: string });

export interface RunOptions {
  known?: readonly KnownDivergence[];
}

export async function runSequence(model: Model, adapter: Adapter, source: EventSource, opts: RunOptions = {}): Promise<SequenceResult> {
  const known = opts.known ?? [];
  const setting = model.setting;
  const base: RunBase = { events: [], modelObservations: [], implementationObservations: [], modelMs: 0, adapterMs: 0 };
  const setup: AdapterSetup = { config: setting.config, interpretations: setting.interpretations, population: setting.population };
  let t = performance.now();
  try {
    await adapter.reset(setup);
  } catch (e) {
    base.adapterMs += performance.now() - t;
    return { ...base, kind: 'error', step: 0, message: `reset: ${(e as Error).message}`, exchanges: e instanceof HarnessError ? e.exchanges : [] };
  }
  base.adapterMs += performance.now() - t;
  let world: World = model.initial;
  const length = source.kind === 'events' ? source.events.length : source.sequence[1].length;
  for (let i = 0; i < length; i++) {
    t = performance.now();
    const event = source.kind === 'events' ? source.events[i] : decodeChoice(setting, world, source.sequence[1][i], source.sequence[0]);
    const refError = referenceError(setting, world, event);
    if (refError) {
      base.modelMs += performance.now() - t;
      return { ...base, kind: 'invalid', step: i + 1, message: `${refError.field}: ${refError.message}` };
    }
    const cut = known.find((k) => k.cut?.(setting, world, event));
    if (cut) {
      base.modelMs += performance.now() - t;
      return { ...base, kind: 'pass', cut: { step: i + 1, known: cut.id } };
    }
    const r = model.step(world, event, i + 1);
    base.modelMs += performance.now() - t;
    base.events.push(event);
    base.modelObservations.push(r.observation);
    t = performance.now();
    let impl;
    try {
      impl = await adapter.apply(event, i + 1);
    } catch (e) {
      base.adapterMs += performance.now() - t;
      const he = e instanceof HarnessError ? e : new HarnessError((e as Error).message ?? String(e), [], e);
      return { ...base, kind: 'error', step: i + 1, message: he.message, exchanges: he.exchanges };
    }
    base.adapterMs += performance.now() - t;
    base.implementationObservations.push(impl.observation);
    const ctx = { setting, before: world, after: r.world, event };
    const fields = compareObservations(r.observation, impl.observation, impl.unobserved, ctx, known);
    if (fields.length > 0) {
      return {
        ...base, kind: 'divergence', exchanges: impl.exchanges,
        divergence: { step: i + 1, fields, model: r.observation, implementation: impl.observation, ...(impl.unobserved ? { unobserved: impl.unobserved } : {}) },
      };
    }
    world = r.world;
  }
  return { ...base, kind: 'pass' };
}

// ---------------------------------------------------------------------------------------------
// Shrinking (fast-check, with the `examples` trick of random/random.ts: the failing input is the only
// example, numRuns 1, and fast-check's shrinker walks down from it; the predicate is "diverges").

export interface Shrunk { result: SequenceResult & { kind: 'divergence' }; shrinks: number; source: EventSource }

export async function shrinkDivergence(model: Model, adapter: Adapter, source: EventSource, found: SequenceResult & { kind: 'divergence' }, opts: RunOptions & { seed?: number; maxShrinks?: number } = {}): Promise<Shrunk> {
  const seed = opts.seed ?? 1;
  let best: Shrunk = { result: found, shrinks: 0, source };
  let attempts = 0;
  const max = opts.maxShrinks ?? 2000;
  const diverges = async (src: EventSource): Promise<boolean> => {
    if (++attempts > max) return false;
    const r = await runSequence(model, adapter, src, opts);
    if (r.kind !== 'divergence') return false;
    if (r.events.length < best.result.events.length || (r.events.length === best.result.events.length && r.divergence.step <= best.result.divergence.step)) {
      best = { result: r, shrinks: best.shrinks, source: src };
    }
    return true;
  };
  if (source.kind === 'choices') {
    const trimmed: Sequence = [source.sequence[0], source.sequence[1].slice(0, found.divergence.step)];
    const details = await fc.check(
      fc.asyncProperty(sequenceArbitrary(Math.max(trimmed[1].length, 1)), async (s) => !(await diverges({ kind: 'choices', sequence: s }))),
      { seed, numRuns: 1, examples: [[trimmed]], endOnFailure: false },
    );
    best.shrinks = details.numShrinks;
  } else {
    const events = source.events.slice(0, found.divergence.step);
    const all = events.map((_, i) => i);
    const details = await fc.check(
      fc.asyncProperty(fc.array(fc.nat(Math.max(events.length - 1, 0)), { minLength: 1, maxLength: Math.max(events.length, 1) }),
        async (idx) => !(await diverges({ kind: 'events', events: idx.map((i) => events[i]) }))),
      { seed, numRuns: 1, examples: [[all]], endOnFailure: false },
    );
    best.shrinks = details.numShrinks;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Traces

export interface Trace {
  kind: 'divergence' | 'error';
  /** MODEL.md §2 shape */
  config: ConfigInput;
  interpretations: Interpretations;
  population: Population;
  /** MODEL.md §3 events, replayable with `replayTrace` (or `n2w run` on the model side) */
  steps: ModelEvent[];
  divergence?: { step: number; fields: ComparedField[]; model: Observation; implementation: Observation; unobserved?: ComparedField[] };
  error?: { step: number; message: string };
  /** every observation of both sides up to the failing step */
  modelObservations: Observation[];
  implementationObservations: Observation[];
  /** the HTTP exchanges of the failing step */
  exchanges: HttpExchange[];
  /** where the sequence came from, and the shrinking */
  source: { kind: string; name?: string; seed?: number; run?: number; originalLength?: number; shrinks?: number };
  known: string[];
}

export function toTrace(setting: Setting, r: SequenceResult & { kind: 'divergence' | 'error' }, source: Trace['source'], known: readonly KnownDivergence[]): Trace {
  return {
    kind: r.kind,
    config: configToInput(setting.config),
    interpretations: setting.interpretations,
    population: setting.population,
    steps: r.events,
    ...(r.kind === 'divergence' ? { divergence: r.divergence } : { error: { step: r.step, message: r.message } }),
    modelObservations: r.modelObservations,
    implementationObservations: r.implementationObservations,
    exchanges: r.exchanges,
    source,
    known: known.map((k) => k.id),
  };
}

/** Replays a trace's steps against an adapter (the trace's own config), with the given skip list. */
export async function replayTrace(trace: Pick<Trace, 'config' | 'interpretations' | 'population' | 'steps'>, adapter: Adapter, known: readonly KnownDivergence[] = []): Promise<SequenceResult> {
  const { resolveConfig, resolveInterpretations } = await import('../machines/config.js');
  const setting = makeSetting(resolveConfig(trace.config), resolveInterpretations(trace.interpretations), trace.population);
  return runSequence(createModel(setting), adapter, { kind: 'events', events: trace.steps }, { known });
}

// ---------------------------------------------------------------------------------------------
// A whole conformance run: named paths, then random sequences.

export interface NamedPath { name: string; events: ModelEvent[]; covers?: string[] }

export interface ConformOptions {
  setting: Setting;
  adapter: Adapter;
  paths?: readonly NamedPath[];
  runs: number;
  seed: number;
  maxSteps: number;
  known?: readonly KnownDivergence[];
  /** shrink the first divergence (default true) */
  shrink?: boolean;
  maxShrinks?: number;
  /** after each sequence: how many are done of all, and the steps this one ran */
  onProgress?: (done: number, total: number, steps: number) => void;
}

export interface ConformReport {
  kind: 'conformant' | 'divergence' | 'error';
  paths: { total: number; passed: number; cut: number; invalid: number };
  random: { sequences: number; passed: number; cut: number; steps: number };
  steps: number;
  trace?: Trace;
  elapsedMs: number;
  modelMs: number;
  adapterMs: number;
  /** cuts per known divergence id */
  cuts: Record<string, number>;
}

export async function conform(o: ConformOptions): Promise<ConformReport> {
  const t0 = performance.now();
  const model = createModel(o.setting);
  const known = o.known ?? [];
  const report: ConformReport = {
    kind: 'conformant', paths: { total: o.paths?.length ?? 0, passed: 0, cut: 0, invalid: 0 },
    random: { sequences: 0, passed: 0, cut: 0, steps: 0 }, steps: 0, elapsedMs: 0, modelMs: 0, adapterMs: 0, cuts: {},
  };
  const total = (o.paths?.length ?? 0) + o.runs;
  let done = 0;
  const account = (r: SequenceResult) => {
    report.steps += r.events.length;
    report.modelMs += r.modelMs;
    report.adapterMs += r.adapterMs;
    if (r.kind === 'pass' && r.cut) report.cuts[r.cut.known] = (report.cuts[r.cut.known] ?? 0) + 1;
    o.onProgress?.(++done, total, r.events.length);
  };
  const finish = async (r: SequenceResult & { kind: 'divergence' | 'error' }, source: EventSource, info: Trace['source']): Promise<ConformReport> => {
    if (r.kind === 'divergence' && o.shrink !== false) {
      const s = await shrinkDivergence(model, o.adapter, source, r, { known, seed: o.seed, maxShrinks: o.maxShrinks });
      report.trace = toTrace(o.setting, s.result, { ...info, originalLength: r.events.length, shrinks: s.shrinks }, known);
    } else report.trace = toTrace(o.setting, r, { ...info, originalLength: r.events.length }, known);
    report.kind = r.kind;
    report.elapsedMs = performance.now() - t0;
    return report;
  };

  for (const p of o.paths ?? []) {
    const source: EventSource = { kind: 'events', events: p.events };
    const r = await runSequence(model, o.adapter, source, { known });
    account(r);
    if (r.kind === 'divergence' || r.kind === 'error') return finish(r, source, { kind: 'path', name: p.name });
    if (r.kind === 'invalid') report.paths.invalid++;
    else if (r.cut) report.paths.cut++;
    else report.paths.passed++;
  }

  const samples = o.runs > 0 ? fc.sample(sequenceArbitrary(o.maxSteps), { seed: o.seed, numRuns: o.runs }) : [];
  for (let run = 0; run < samples.length; run++) {
    const source: EventSource = { kind: 'choices', sequence: samples[run] };
    const r = await runSequence(model, o.adapter, source, { known });
    account(r);
    report.random.sequences++;
    report.random.steps += r.events.length;
    if (r.kind === 'divergence' || r.kind === 'error') return finish(r, source, { kind: 'random', seed: o.seed, run });
    if (r.kind === 'pass' && r.cut) report.random.cut++;
    else report.random.passed++;
  }
  report.elapsedMs = performance.now() - t0;
  return report;
}

/** One line per step of a trace: the events and, at the failing step, both sides' answers. */
export function describeTrace(t: Trace): string {
  const lines = t.steps.map((e, i) => `${String(i + 1).padStart(3)}. ${JSON.stringify(e)}`);
  if (t.divergence) {
    const pick = (o: Observation) => JSON.stringify({
      outcome: o.outcome, reason: o.reason, user: o.user, session: o.session, sessionCreated: o.sessionCreated,
      issued: o.issued, revoked: o.revoked, consumed: o.consumed, ...(o.expired ? { expired: o.expired } : {}),
      ...(t.divergence!.fields.includes('logs') ? { logs: n2wView(o).logs } : { logs: (o.logs ?? []).map((l) => l.type) }),
      ...(o.mint ? { mint: o.mint } : {}),
    });
    lines.push(`divergence at step ${t.divergence.step} on ${t.divergence.fields.join(', ')}`);
    lines.push(`  model:          ${pick(t.divergence.model)}`);
    lines.push(`  implementation: ${pick(t.divergence.implementation)}`);
  }
  if (t.error) lines.push(`harness error at step ${t.error.step}: ${t.error.message}`);
  return lines.join('\n');
}

export { createModel, makeSetting };
export type { Setting };
