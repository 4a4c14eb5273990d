// machines/session.machine.ts: one Auth0 session (the SSO cookie of a browser).
// Rules: R17 (revoked on user mismatch), R26 (cascade), R27/A19 (logout); which cause applies is the tenant's.
import { setup } from 'xstate';
import type { RuleId } from './rules.js';

export type SessionLifecycleEvent = { type: 'REVOKE' };

export const sessionMachine = setup({
  types: { events: {} as SessionLifecycleEvent, meta: {} as { rules: RuleId[] } },
}).createMachine({
  id: 'session',
  initial: 'active',
  states: {
    active: {
      on: { REVOKE: { target: 'revoked', meta: { rules: ['R17', 'R26', 'A19'] }, description: 'logout, cascade or user mismatch' } },
    },
    revoked: { type: 'final' },
  },
});
