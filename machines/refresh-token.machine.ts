// machines/refresh-token.machine.ts: one refresh token of a rotation family (native or web).
// Rules: R4 and RTR (rotation, reuse detection), A18 (what revokes), R26/R27 (cascade and online revocation
// arrive here as REVOKE). See rules.ts. Which tokens receive REVOKE is the tenant's decision.
import { setup } from 'xstate';
import type { RuleId } from './rules.js';

export type RefreshTokenLifecycleEvent = { type: 'ROTATE' } | { type: 'REVOKE' };

export const refreshTokenMachine = setup({
  types: { events: {} as RefreshTokenLifecycleEvent, meta: {} as { rules: RuleId[] } },
}).createMachine({
  id: 'refresh-token',
  initial: 'active',
  states: {
    active: {
      on: {
        ROTATE: { target: 'rotated', meta: { rules: ['R4', 'RTR'] }, description: 'a grant with rotation on retired this token; its successor is active' },
        REVOKE: { target: 'revoked', meta: { rules: ['A18', 'R26', 'R27'] }, description: 'revoked directly, with its family, or by a cascade' },
      },
    },
    rotated: {
      on: {
        REVOKE: { target: 'revoked', meta: { rules: ['RTR', 'A18'] }, description: 'the family is revoked (reuse detected, or a member revoked)' },
      },
    },
    revoked: { type: 'final' },
  },
});
