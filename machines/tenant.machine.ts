// machines/tenant.machine.ts: the tenant (authorization server), root of the actor system.
// Each event of MODEL.md §3 is an ordered list of guarded branches; the first whose guard holds answers.
// The order of the AUTHORIZE branches is A9's order of checks. Every branch cites the rules it encodes.
// Guards and effects are implemented in tenant.logic.ts; here they are only named, so this reads like the spec.
// Run live (createActor), the tenant spawns one child actor per artifact and sends it its lifecycle events;
// step.ts runs the same branches as a pure function over a plain world.
import { assign, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import type { ModelEvent, EventType } from './events.js';
import type { RuleId } from './rules.js';
import type { Setting } from './setting.js';
import { initialWorld, type World } from './world.js';
import { LIFECYCLE_MACHINES } from './lifecycle.js';
import { Tx, TENANT_IMPLEMENTATION, type EffectName, type GuardName, type TenantImplementation } from './tenant.logic.js';
import type { Observation } from './observation.js';

export interface Branch {
  readonly guard?: GuardName;
  readonly actions: EffectName;
  readonly meta: { readonly rules: readonly RuleId[] };
}

/** The branches of the tenant, per event type, in the order they are tried. */
export const TENANT_BRANCHES: { readonly [T in EventType]: readonly Branch[] } = {
  NATIVE_LOGIN: [{ actions: 'issueNativeRefreshToken', meta: { rules: ['R33'] } }],
  // The client is checked first: a client without the flag may not ask for the session_transfer audience
  // at all, so its token is not even looked at (no reuse detection runs; conformance/DIVERGENCES.md D4).
  // A rotated token that the leeway does not honour is reuse; one it honours still meets the nesting ban.
  MINT_TRANSFER_TOKEN: [
    { guard: 'client may not mint?', actions: 'rejectClientNotAllowed', meta: { rules: ['R2', 'N1'] } },
    { guard: 'refresh token revoked?', actions: 'rejectRevokedRefreshToken', meta: { rules: ['A18'] } },
    { guard: 'refresh token expired?', actions: 'rejectExpiredRefreshToken', meta: { rules: ['LT5', 'LT3', 'LT4'] } },
    { guard: 'refresh token reused?', actions: 'detectReuse', meta: { rules: ['RTR', 'A15', 'LV1'] } },
    { guard: 'refresh token came from a transfer?', actions: 'rejectNestedTransfer', meta: { rules: ['R7', 'R8'] } },
    { guard: 'refresh token rotated, within leeway?', actions: 'mintWithinLeeway', meta: { rules: ['LV1', 'R1', 'R4'] } },
    { actions: 'mintTransferToken', meta: { rules: ['R1', 'R3', 'R4', 'A21', 'LT4'] } },
  ],
  REFRESH: [
    { guard: 'refresh token revoked?', actions: 'rejectRevokedRefreshToken', meta: { rules: ['A18'] } },
    { guard: 'refresh token expired?', actions: 'rejectExpiredRefreshToken', meta: { rules: ['LT5', 'LT3', 'LT4'] } },
    { guard: 'refresh token reused?', actions: 'detectReuse', meta: { rules: ['RTR', 'A15', 'LV1'] } },
    { guard: 'refresh token rotated, within leeway?', actions: 'refreshWithinLeeway', meta: { rules: ['LV1', 'R4'] } },
    { actions: 'refresh', meta: { rules: ['R4', 'LT4', 'N2'] } },
  ],
  REVOKE_REFRESH_TOKEN: [
    { guard: 'refresh token revoked?', actions: 'alreadyRevoked', meta: { rules: ['A18'] } },
    { actions: 'revokeRefreshTokenFamily', meta: { rules: ['A18', 'A2', 'R26', 'R28', 'A5', 'N2'] } },
  ],
  REVOKE_SESSION: [
    { guard: 'session revoked?', actions: 'alreadyRevoked', meta: { rules: ['A19'] } },
    { guard: 'session expired?', actions: 'alreadyExpired', meta: { rules: ['LT1'] } },
    { actions: 'revokeSession', meta: { rules: ['R27', 'R28', 'A19'] } },
  ],
  AUTHORIZE: [
    { guard: 'no usable transfer token, session present?', actions: 'reuseSession', meta: { rules: ['R29', 'R13', 'A10', 'LT2'] } },
    { guard: 'no usable transfer token, no session?', actions: 'promptNoSession', meta: { rules: ['R29', 'R13', 'A10'] } },
    { guard: 'method not allowed?', actions: 'promptMethodNotAllowed', meta: { rules: ['R13', 'A10', 'A9'] } },
    { guard: 'transfer token not found or expired?', actions: 'promptNotFoundOrExpired', meta: { rules: ['R9', 'R10', 'R18', 'A1', 'A3', 'A9', 'A14'] } },
    { guard: 'parent refresh token revoked?', actions: 'promptParentRevoked', meta: { rules: ['R20', 'R18', 'A2', 'A9'] } },
    { guard: 'device binding fails?', actions: 'promptBindingFailed', meta: { rules: ['R11', 'R18', 'A8', 'A9', 'A13'] } },
    { guard: 'organization mismatch?', actions: 'promptOrganizationMismatch', meta: { rules: ['R19', 'R18', 'A8', 'A9', 'A24'] } },
    { guard: 'session of another user?', actions: 'promptUserMismatch', meta: { rules: ['R17', 'A8', 'A9'] } },
    { guard: 'session of the same user?', actions: 'reuseSessionWithTransfer', meta: { rules: ['R16', 'R25', 'A6', 'LT2'] } },
    { actions: 'createSessionFromTransfer', meta: { rules: ['R15', 'R25'] } },
  ],
  WEB_LOGIN: [
    // the same user signing in again re-authenticates in the session the browser holds (D3)
    { guard: 'session of the signing-in user?', actions: 'reauthenticate', meta: { rules: ['R29', 'LT2'] } },
    { actions: 'interactiveLogin', meta: { rules: ['R29', 'A3', 'A7'] } },
  ],
  ADVANCE_TIME: [{ actions: 'advanceClock', meta: { rules: ['R9', 'A14', 'LT1', 'LT3', 'LT4', 'R27', 'A16'] } }],
  MOVE_DEVICE: [{ actions: 'moveDevice', meta: { rules: ['R11'] } }],
};

export interface TenantContext {
  setting: Setting;
  world: World;
  steps: number;
  observation: Observation | null;
}

type ChildMachine = (typeof LIFECYCLE_MACHINES)[keyof typeof LIFECYCLE_MACHINES];
export type ArtifactActor = ActorRefFrom<ChildMachine>;

/** Builds the tenant machine from an implementation (the real one, or a mutant's). */
export function createTenantMachine(impl: TenantImplementation = TENANT_IMPLEMENTATION) {
  const guards = Object.fromEntries(
    Object.entries(impl.guards).map(([name, g]) => [name, ({ context, event }: { context: TenantContext; event: ModelEvent }) => g(context.setting, context.world, event)]),
  ) as Record<GuardName, (a: { context: TenantContext; event: ModelEvent }) => boolean>;

  // Every effect becomes one action: run it over the world, spawn the artifacts it created, and send
  // each artifact actor the lifecycle events the effect routed to it.
  const actions = Object.fromEntries(
    (Object.keys(impl.effects) as EffectName[]).map((name) => [name, enqueueActions(({ context, event, enqueue }: { context: TenantContext; event: ModelEvent; enqueue: any }) => {
      const tx = new Tx(context.setting, context.world, event, context.steps + 1, true);
      impl.effects[name](tx, event);
      impl.logs[name](tx, event);
      tx.obs.rules = [...currentBranchRules(event, name)];
      enqueue(assign({ world: tx.world, steps: context.steps + 1, observation: tx.obs }));
      for (const c of tx.created) enqueue.spawnChild(LIFECYCLE_MACHINES[c.kind], { id: c.id, systemId: c.id });
      for (const m of tx.sent) enqueue.sendTo(m.id, { type: m.event });
    })]),
  ) as Record<EffectName, any>;

  return setup({
    types: {
      context: {} as TenantContext,
      events: {} as ModelEvent,
      input: {} as { setting: Setting },
      meta: {} as { rules: readonly RuleId[] },
    },
    guards,
    actions,
  }).createMachine({
    id: 'tenant',
    context: ({ input }) => ({ setting: input.setting, world: initialWorld(input.setting.population), steps: 0, observation: null }),
    initial: 'serving',
    states: { serving: { on: TENANT_BRANCHES as any } },
  });
}

function currentBranchRules(event: ModelEvent, effect: EffectName): readonly RuleId[] {
  return TENANT_BRANCHES[event.type].find((b) => b.actions === effect)!.meta.rules;
}
