// machines/step.ts: the pure step, (world, event) -> (world', observation).
// It runs the tenant machine's own branch list (read from the machine's config, so the order of checks
// and the rule ids come from one place) with the guards and effects the machine was built from; the
// artifacts' statuses move through the lifecycle tables that lifecycle.ts reads off the XState machines.
// No actor, no clock, no I/O: a world is a plain value, so the explorer can store and compare worlds.
// live.ts runs the same machines as an XState actor system; a test checks that both agree.
import { referencesOf, type ModelEvent, type EventType, type Reference } from './events.js';
import type { Observation } from './observation.js';
import type { Setting } from './setting.js';
import { webApps, webSettings } from './config.js';
import { initialWorld, refreshToken, session, transferToken, type World } from './world.js';
import { createTenantMachine, type Branch } from './tenant.machine.js';
import { Tx, TENANT_IMPLEMENTATION, type Effect, type Guard, type LogWriter, type TenantImplementation } from './tenant.logic.js';
import type { RuleId } from './rules.js';

export interface StepResult {
  world: World;
  observation: Observation;
  /** the tenant branch that answered (its effect's name): for coverage, not part of the observation */
  branch: string;
}

export interface Model {
  readonly setting: Setting;
  readonly initial: World;
  step(world: World, event: ModelEvent, stepNumber?: number): StepResult;
}

interface CompiledBranch { guard: Guard | null; effect: Effect; log: LogWriter; name: string; rules: readonly RuleId[] }

// The branch list does not depend on the setting: compiled once per implementation (building an XState
// machine costs milliseconds, and a check builds a model for each of 768 configurations).
const compiledByImpl = new WeakMap<TenantImplementation, Record<EventType, CompiledBranch[]>>();

function compile(impl: TenantImplementation): Record<EventType, CompiledBranch[]> {
  let compiled = compiledByImpl.get(impl);
  if (!compiled) {
    const machine = createTenantMachine(impl);
    const on = (machine.config.states as { serving: { on: Record<EventType, readonly Branch[]> } }).serving.on;
    compiled = Object.fromEntries(
      Object.entries(on).map(([type, branches]) => [type, branches.map((b): CompiledBranch => ({
        guard: b.guard ? impl.guards[b.guard] : null, effect: impl.effects[b.actions], log: impl.logs[b.actions], name: b.actions, rules: b.meta.rules,
      }))]),
    ) as Record<EventType, CompiledBranch[]>;
    compiledByImpl.set(impl, compiled);
  }
  return compiled;
}

export function createModel(setting: Setting, impl: TenantImplementation = TENANT_IMPLEMENTATION): Model {
  const compiled = compile(impl);
  // MODEL.md §10: a token a victim's device sent in a URL is recorded only for an attacker who can read it
  const readUrl = setting.attacker.capabilities.has('read-url');
  const attackerDevice = (d: string) => setting.attacker.attackers.has(setting.attacker.owners.get(d) ?? '');

  return {
    setting,
    initial: initialWorld(setting.population),
    step(world, event, stepNumber = 1) {
      const tx = new Tx(setting, world, event, stepNumber);
      for (const b of compiled[event.type]) {
        if (b.guard && !b.guard(setting, world, event)) continue;
        b.effect(tx, event);
        b.log(tx, event);
        if (readUrl && event.type === 'AUTHORIZE' && event.transferToken !== undefined && event.method === 'query' && !attackerDevice(event.device)) tx.markInUrl(event.transferToken);
        tx.obs.rules = b.rules as RuleId[];
        return { world: tx.world, observation: tx.obs, branch: b.name };
      }
      throw new Error(`tenant machine: no branch answered ${event.type}; the last branch of every event must be unguarded`);
    },
  };
}

/** Runs events from the initial world; returns every observation and the final world. */
export function runEvents(model: Model, events: readonly ModelEvent[]): { observations: Observation[]; world: World } {
  let world = model.initial;
  const observations: Observation[] = [];
  events.forEach((e, i) => {
    const r = model.step(world, e, i + 1);
    world = r.world;
    observations.push(r.observation);
  });
  return { observations, world };
}

/**
 * A scenario error, or null: an event naming a user, device or network the population lacks, or an
 * artifact not created yet (MODEL.md §3). Returns the offending field and what was expected.
 */
export function referenceError(setting: Setting, world: World, event: ModelEvent): { field: string; message: string } | null {
  const known = (field: string, value: string, map: ReadonlyMap<string, unknown>, what: string) =>
    map.has(value) ? null : { field, message: `unknown ${what} "${value}"; expected one of ${[...map.keys()].join(', ')}` };
  const artifact = (field: string, id: string, exists: boolean, kind: string, count: number, prefix: string) =>
    exists ? null : {
      field,
      message: `${kind} "${id}" does not exist at this step; ${count === 0 ? `no ${kind} exists yet` : `expected one of ${prefix}1..${prefix}${count}`}`,
    };
  const check: Record<Reference, (value: string) => { field: string; message: string } | null> = {
    user: (v) => known('user', v, setting.users, 'user'),
    device: (v) => known('device', v, setting.devices, 'device'),
    network: (v) => known('network', v, setting.networks, 'network'),
    client: (v) => (webSettings(setting.config, v) ? null
      : { field: 'client', message: `unknown web client "${v}"; expected one of ${webApps(setting.config).map((a) => a.clientId).join(', ')}` }),
    refreshToken: (v) => artifact('refreshToken', v, idPattern('rt', v) && refreshToken(world, v) !== undefined, 'refresh token', world.refreshTokens.length, 'rt'),
    transferToken: (v) => artifact('transferToken', v, idPattern('stt', v) && transferToken(world, v) !== undefined, 'transfer token', world.transferTokens.length, 'stt'),
    session: (v) => artifact('session', v, idPattern('s', v) && session(world, v) !== undefined, 'session', world.sessions.length, 's'),
  };
  for (const { field, value } of referencesOf(event)) {
    const err = check[field](value);
    if (err) return err;
  }
  return null;
}

const idPattern = (prefix: string, id: string) => new RegExp(`^${prefix}[1-9][0-9]*$`).test(id);
