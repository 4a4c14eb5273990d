// machines/transfer-token.machine.ts: one session_transfer_token.
// Rules: R10 (single use), R9/A14 (expiry), A8 (a failed check burns it), R20/A2 (parent revoked).
import { setup } from 'xstate';
import type { RuleId } from './rules.js';

export type TransferTokenLifecycleEvent = { type: 'REDEEM' } | { type: 'BURN' } | { type: 'EXPIRE' } | { type: 'REVOKE' };

export const transferTokenMachine = setup({
  types: { events: {} as TransferTokenLifecycleEvent, meta: {} as { rules: RuleId[] } },
}).createMachine({
  id: 'transfer-token',
  initial: 'issued',
  states: {
    issued: {
      on: {
        REDEEM: { target: 'consumed', meta: { rules: ['R10', 'R15', 'R16'] }, description: 'a successful redemption uses it up' },
        BURN: { target: 'rejected', meta: { rules: ['A8'] }, description: 'a redemption failed a binding, organization or user check' },
        EXPIRE: { target: 'expired', meta: { rules: ['R9', 'A14'] }, description: 'its age reached the TTL' },
        REVOKE: { target: 'revoked', meta: { rules: ['R20', 'A2'] }, description: 'its parent family was revoked before redemption' },
      },
    },
    consumed: { type: 'final' },
    rejected: { type: 'final' },
    expired: { type: 'final' },
    revoked: { type: 'final' },
  },
});
