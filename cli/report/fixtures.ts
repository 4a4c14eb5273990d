// cli/report/fixtures.ts: what the HTML views' tests render (html.test.ts, browser.test.ts): the committed
// reports' JSON written again by writeReport, a divergence trace the conformance harness makes against an
// implementation that answers one step otherwise, and a race history of the same shape the harness saves.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, resolveInterpretations, type ConfigInput } from '../../machines/config.js';
import type { ModelEvent } from '../../machines/events.js';
import { createModel, referenceError } from '../../machines/step.js';
import { makeSetting } from '../../machines/setting.js';
import { DEFAULT_POPULATION, type World } from '../../machines/world.js';
import type { Adapter } from '../../conformance/adapter.js';
import { conform, type Trace } from '../../conformance/harness.js';
import type { RaceHistory } from '../../conformance/races.js';
import type { BuiltReport, CounterexampleFile } from './report.js';

/** A report directory's JSON (report.json and counterexamples/*.json), as writeReport takes it. */
export function readBuilt(dir: string): BuiltReport {
  const counterexamples = new Map<string, CounterexampleFile>();
  for (const f of readdirSync(join(dir, 'counterexamples')).filter((x) => x.endsWith('.json')).sort()) {
    counterexamples.set(f, JSON.parse(readFileSync(join(dir, 'counterexamples', f), 'utf8')) as CounterexampleFile);
  }
  return { report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), counterexamples };
}

const CONFIG: ConfigInput = { native: { session_transfer: { can_create_session_transfer_token: true } }, web: { session_transfer: { allowed_authentication_methods: ['cookie'] } } };
export const TRACE_EVENTS: ModelEvent[] = [
  { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1', method: 'cookie' },
];

/**
 * An implementation that is the model except at `wrongStep`, where it refuses with
 * device_binding_failed: the harness's run of TRACE_EVENTS against it diverges there.
 */
export function wrongAtStep(wrongStep: number): Adapter {
  const setting = makeSetting(resolveConfig(CONFIG), resolveInterpretations(), DEFAULT_POPULATION);
  const model = createModel(setting);
  let world: World = model.initial;
  return {
    async reset() { world = model.initial; },
    async apply(event, step) {
      if (referenceError(setting, world, event)) throw new Error(`unknown reference in ${event.type}`);
      const r = model.step(world, event, step);
      world = r.world;
      const observation = step === wrongStep ? { ...r.observation, outcome: 'login_required' as const, reason: 'device_binding_failed' as const, user: undefined, session: undefined, sessionCreated: undefined, consumed: [] } : r.observation;
      return { observation, exchanges: [{ method: 'GET', url: `/authorize?step=${step}`, requestHeaders: {}, status: step === wrongStep ? 302 : 200, responseHeaders: {}, ms: 1.5 }] };
    },
  };
}

/** The harness's trace of TRACE_EVENTS against `wrongAtStep(3)`, not shrunk (so it keeps every step). */
export async function harnessTrace(): Promise<Trace> {
  const setting = makeSetting(resolveConfig(CONFIG), resolveInterpretations(), DEFAULT_POPULATION);
  const report = await conform({ setting, adapter: wrongAtStep(3), paths: [{ name: 'fixture', events: TRACE_EVENTS }], runs: 0, seed: 1, maxSteps: 4, shrink: false });
  if (!report.trace) throw new Error(`the harness found no divergence: ${report.kind}`);
  return report.trace;
}

/** A race history as conformance/races.ts records one: one transfer token redeemed from two tabs at once. */
export function raceHistory(): RaceHistory {
  const base = { issued: [], revoked: { refreshTokens: [], sessions: [], transferTokens: [] }, logs: [], rules: [] };
  const tab = (device: string): ModelEvent => ({ type: 'AUTHORIZE', device, transferToken: 'stt1', method: 'cookie' });
  return {
    kind: 'race-history', scenario: 'double-redemption', concurrency: 2, config: CONFIG, interpretations: resolveInterpretations(), population: DEFAULT_POPULATION,
    prefix: TRACE_EVENTS.slice(0, 2), known: [], seed: 1,
    ops: [
      { event: tab('alice-laptop'), sentAt: 0.4, answeredAt: 9.1, unobserved: [], exchanges: [], observation: { ...base, step: 3, event: tab('alice-laptop'), outcome: 'logged_in', user: 'alice', session: 's1', sessionCreated: true, consumed: ['stt1'] } },
      { event: tab('alice-phone'), sentAt: 1.2, answeredAt: 8.0, unobserved: [], exchanges: [], observation: { ...base, step: 4, event: tab('alice-phone'), outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, consumed: ['stt1'] } },
    ],
    verdict: { kind: 'not-linearizable', longest: [0], explored: 3, partitions: 1 },
  };
}
