// machines/live.ts: the same model run live, as an XState actor system. The tenant actor spawns one
// actor per artifact (refresh token, transfer token, session) and sends each its lifecycle events;
// the world summary takes every artifact's status from its own actor's snapshot, not from the tenant.
import { createActor } from 'xstate';
import type { ModelEvent } from './events.js';
import type { Observation } from './observation.js';
import type { Setting } from './setting.js';
import type { World } from './world.js';
import { createTenantMachine } from './tenant.machine.js';
import { TENANT_IMPLEMENTATION, type TenantImplementation } from './tenant.logic.js';

export function runLive(setting: Setting, events: readonly ModelEvent[], impl: TenantImplementation = TENANT_IMPLEMENTATION): { observations: Observation[]; world: World } {
  const actor = createActor(createTenantMachine(impl), { input: { setting } }).start();
  const observations: Observation[] = [];
  for (const e of events) {
    actor.send(e);
    observations.push(actor.getSnapshot().context.observation!);
  }
  const snapshot = actor.getSnapshot();
  const statusOf = (id: string): any => {
    const child = (snapshot.children as Record<string, { getSnapshot(): { value: unknown } } | undefined>)[id];
    if (!child) throw new Error(`live system: no actor for ${id}`);
    return child.getSnapshot().value;
  };
  const w = snapshot.context.world;
  const world: World = {
    ...w,
    refreshTokens: w.refreshTokens.map((t) => ({ ...t, status: statusOf(t.id) })),
    transferTokens: w.transferTokens.map((t) => ({ ...t, status: statusOf(t.id) })),
    sessions: w.sessions.map((s) => ({ ...s, status: statusOf(s.id) })),
  };
  actor.stop();
  return { observations, world };
}
