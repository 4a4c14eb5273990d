// machines/refresh-token.machine.ts: one refresh token of a rotation family (native or web).
// Rules: R4 and RTR (rotation, reuse detection), A18 (what revokes), R26/R27 (cascade and online revocation
// arrive here as REVOKE), LT3/LT4 (lifetimes: EXPIRE). See rules.ts. Which tokens receive REVOKE is the tenant's decision.
import { setup } from 'xstate';
import type { RuleId } from './rules.js';

export type RefreshTokenLifecycleEvent = { type: 'ROTATE' } | { type: 'REVOKE' } | { type: 'EXPIRE' };

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
        EXPIRE: { target: 'expired', meta: { rules: ['LT3', 'LT4'] }, description: 'its family\'s absolute lifetime or its own idle lifetime ran out' },
      },
    },
    rotated: {
      on: {
        REVOKE: { target: 'revoked', meta: { rules: ['RTR', 'A18'] }, description: 'the family is revoked (reuse detected, or a member revoked)' },
        EXPIRE: { target: 'expired', meta: { rules: ['LT3'] }, description: 'its family\'s absolute lifetime ran out (no leeway after that)' },
      },
    },
    // /oauth/revoke still revokes an expired token's family, and the cascade runs (A16: expiry alone does not)
    expired: {
      on: { REVOKE: { target: 'revoked', meta: { rules: ['A18', 'A16'] }, description: 'its family is revoked after it expired' } },
    },
    revoked: { type: 'final' },
  },
});
