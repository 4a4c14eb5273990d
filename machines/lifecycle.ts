// machines/lifecycle.ts: the lifecycle machines, tabulated for the hot path.
// The three artifact machines decide their next state from their state and the event type alone (no
// context), so their transition function is read off once, here, by asking XState's pure `transition()`
// about every (state, event type) pair. The machines stay the single source of truth; a step of the
// model then costs a table look-up instead of a `transition()` call (see XSTATE-NOTES.md §3).
import { transition, type AnyStateMachine } from 'xstate';
import { refreshTokenMachine } from './refresh-token.machine.js';
import { transferTokenMachine } from './transfer-token.machine.js';
import { sessionMachine } from './session.machine.js';

export const LIFECYCLE_MACHINES = {
  refreshToken: refreshTokenMachine,
  transferToken: transferTokenMachine,
  session: sessionMachine,
} as const;
export type ArtifactKind = keyof typeof LIFECYCLE_MACHINES;

/** state -> event type -> next state; a missing entry means the machine ignores the event there. */
export type LifecycleTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

function tabulate(machine: AnyStateMachine): LifecycleTable {
  const states = Object.keys(machine.root.states);
  const eventTypes = [...new Set(Object.values(machine.root.states).flatMap((s) => [...s.ownEvents]))];
  const table: Record<string, Record<string, string>> = {};
  for (const value of states) {
    table[value] = {};
    const snapshot = machine.resolveState({ value, context: {} });
    for (const type of eventTypes) {
      const [next] = transition(machine, snapshot, { type });
      if (next.value !== value) table[value][type] = next.value as string;
    }
  }
  return table;
}

export const LIFECYCLE: Readonly<Record<ArtifactKind, LifecycleTable>> = {
  refreshToken: tabulate(refreshTokenMachine),
  transferToken: tabulate(transferTokenMachine),
  session: tabulate(sessionMachine),
};

/** Every (kind, from, event, to) transition of the lifecycle machines: what coverage must reach. */
export function lifecycleTransitions(): { kind: ArtifactKind; from: string; event: string; to: string }[] {
  return (Object.keys(LIFECYCLE) as ArtifactKind[]).flatMap((kind) =>
    Object.entries(LIFECYCLE[kind]).flatMap(([from, row]) => Object.entries(row).map(([event, to]) => ({ kind, from, event, to }))));
}
