// machines/session.machine.ts: one Auth0 session (the SSO cookie of a browser).
// Rules: R17 (revoked on user mismatch), R26 (cascade), R27/A19 (logout), LT1 (lifetimes); which cause applies is the tenant's.
import { setup } from 'xstate';
import type { RuleId } from './rules.js';

export type SessionLifecycleEvent = { type: 'REVOKE' } | { type: 'EXPIRE' };

export const sessionMachine = setup({
  types: { events: {} as SessionLifecycleEvent, meta: {} as { rules: RuleId[] } },
}).createMachine({
  id: 'session',
  initial: 'active',
  states: {
    active: {
      on: {
        REVOKE: { target: 'revoked', meta: { rules: ['R17', 'R26', 'A19'] }, description: 'logout, cascade or user mismatch' },
        EXPIRE: { target: 'expired', meta: { rules: ['LT1', 'R27'] }, description: 'the tenant\'s absolute or idle session lifetime ran out' },
      },
    },
    revoked: { type: 'final' },
    expired: { type: 'final' },
  },
});
