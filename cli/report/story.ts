// cli/report/story.ts: a counterexample replayed through the model, step by step, for its pictures.
// The counterexample file holds the events and the observations; the worlds between them are not saved,
// so they are recomputed here with the same pure step `n2w replay` runs (machines/step.ts): the pictures
// then show what the model does, not a second account of it.
import { howKnown, type HowKnown } from '../../machines/attacker.js';
import type { ModelEvent } from '../../machines/events.js';
import type { Observation } from '../../machines/observation.js';
import { makeSetting, type Setting } from '../../machines/setting.js';
import { createModel } from '../../machines/step.js';
import type { World } from '../../machines/world.js';
import type { ScenarioInput } from '../../random/scenario.js';

export type ArtifactKind = 'family' | 'transfer' | 'session' | 'web' | 'device';
/** How one artifact moved in a step; `revoked` and `expired` take precedence over `changed`. */
export type Change = 'added' | 'changed' | 'revoked' | 'expired' | 'same';

export interface ArtifactView {
  kind: ArtifactKind;
  id: string;
  /** the status after the step (for devices: the network) */
  status: string;
  /** the status before, when it changed */
  was: string | null;
  change: Change;
  /** a few words: whose, where, from what */
  detail: string;
  /** native refresh tokens: their family */
  group?: string;
}

export interface StoryStep {
  step: number;
  event: ModelEvent;
  observation: Observation;
  before: World;
  after: World;
  artifacts: ArtifactView[];
  /** the attacker's device presents a transfer token he was not given: how it reached him */
  leak: { token: string; how: Exclude<HowKnown, 'own-account'>; from: string } | null;
}

export interface Story { setting: Setting; steps: StoryStep[] }

/** Replays a scenario (a counterexample as parsed by cli/input.ts) and records every world. */
export function storyOf(input: ScenarioInput): Story {
  const setting = makeSetting(input.config, input.interpretations, input.population);
  const model = createModel(setting);
  let world = model.initial;
  const steps = input.steps.map((event, i): StoryStep => {
    const r = model.step(world, event, i + 1);
    const before = world;
    world = r.world;
    return { step: i + 1, event, observation: r.observation, before, after: r.world, artifacts: artifactsOf(before, r.world), leak: leakOf(setting, before, event) };
  });
  return { setting, steps };
}

function leakOf(setting: Setting, w: World, e: ModelEvent): StoryStep['leak'] {
  if (e.type !== 'AUTHORIZE' || e.transferToken === undefined) return null;
  const a = setting.attacker;
  if (!a.attackers.has(a.owners.get(e.device) ?? '')) return null;
  const t = w.transferTokens.find((x) => x.id === e.transferToken);
  const how = t && howKnown(a, t);
  return t && how && how !== 'own-account' ? { token: t.id, how, from: t.device } : null;
}

const changeOf = (was: string | null, now: string, moved: boolean): Change =>
  was === null ? 'added' : was !== now ? (now === 'revoked' ? 'revoked' : now === 'expired' ? 'expired' : 'changed') : moved ? 'changed' : 'same';

/** Every artifact of the world after a step, marked by what the step did to it. */
export function artifactsOf(before: World, after: World): ArtifactView[] {
  const out: ArtifactView[] = [];
  const rtBefore = new Map(before.refreshTokens.map((t) => [t.id, t]));
  for (const t of after.refreshTokens) {
    const b = rtBefore.get(t.id);
    const moved = b !== undefined && (b.usedAt !== t.usedAt || b.session !== t.session || b.parent !== t.parent);
    const detail = t.client === 'native'
      ? `${t.user} · ${t.device}${t.previous ? ` · after ${t.previous}` : ''}`
      : `${t.clientId} · ${t.session ?? 'no session'}${t.parent ? ` · from ${t.parent}` : ''}${t.parent ? (t.online ? ' · online' : ' · offline') : ''}`;
    out.push({ kind: t.client === 'native' ? 'family' : 'web', id: t.id, status: t.status, was: b && b.status !== t.status ? b.status : null, change: changeOf(b?.status ?? null, t.status, moved), detail, group: t.family });
  }
  const ttBefore = new Map(before.transferTokens.map((t) => [t.id, t]));
  for (const t of after.transferTokens) {
    const b = ttBefore.get(t.id);
    out.push({ kind: 'transfer', id: t.id, status: t.status, was: b && b.status !== t.status ? b.status : null, change: changeOf(b?.status ?? null, t.status, false), detail: `${t.user} · from ${t.parent} · ${t.device} on ${t.network}` });
  }
  const sBefore = new Map(before.sessions.map((s) => [s.id, s]));
  for (const s of after.sessions) {
    const b = sBefore.get(s.id);
    const moved = b !== undefined && (b.lastActiveAt !== s.lastActiveAt || b.parent !== s.parent);
    out.push({ kind: 'session', id: s.id, status: s.status, was: b && b.status !== s.status ? b.status : null, change: changeOf(b?.status ?? null, s.status, moved), detail: `${s.user} · ${s.device} · ${s.via === 'transfer' ? `via ${s.transferToken}` : 'login'}${s.parent ? ` · child of ${s.parent}` : ''}` });
  }
  for (const [d, st] of Object.entries(after.devices)) {
    const b = before.devices[d];
    const cookie = st.session ? `cookie ${st.session}` : 'no cookie';
    const was = b ? `${b.network}, ${b.session ? `cookie ${b.session}` : 'no cookie'}` : null;
    const now = `${st.network}, ${cookie}`;
    out.push({ kind: 'device', id: d, status: now, was: was !== now ? was : null, change: was === now ? 'same' : 'changed', detail: '' });
  }
  return out;
}
