// conformance/known.ts: the named skip list. Each entry is a documented disagreement between the model and
// the reference server (see DIVERGENCES.md) that is not an adapter bug and that neither side is changed for.
// Two kinds:
//  - `explains`: a difference in one compared field at one step that the entry accounts for; the field is
//    not counted as a divergence there (the states of both sides stay the same);
//  - `cut`: a step after which the two sides' states part for a known reason; a sequence is cut before it
//    (the steps before were compared; the sequence counts as passed, with the cut recorded).
// The harness takes the list as a parameter: `KNOWN_DIVERGENCES` for the reference server, `[]` to see all.
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import type { Setting } from '../machines/setting.js';
import type { World } from '../machines/world.js';
import type { ContractField } from './adapter.js';

export interface StepContext {
  setting: Setting;
  /** the model's world before the step */
  before: World;
  /** the model's world after the step */
  after: World;
  event: ModelEvent;
  model: Observation;
  implementation: Observation;
}

export interface KnownDivergence {
  id: string;
  /** DIVERGENCES.md's heading for it */
  ref: string;
  summary: string;
  explains?(ctx: StepContext, field: ContractField): boolean;
  cut?(setting: Setting, before: World, event: ModelEvent): boolean;
  /** for generated suites: the observation an implementation on the other side of this entry gives, or null */
  alternative?(ctx: Omit<StepContext, 'implementation'>): Observation | null;
}

const sorted = (xs: readonly string[]) => [...xs].sort();
const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  {
    id: 'noop-revoke-vocabulary',
    ref: 'D1',
    summary: 'revoking an already revoked refresh token: the model answers ok (already_revoked), the server rejected (refresh_token_revoked); nothing changes on either side',
    explains: (c, field) =>
      c.event.type === 'REVOKE_REFRESH_TOKEN' && c.model.outcome === 'ok' && c.model.reason === 'already_revoked'
      && (field === 'outcome' || field === 'reason') && c.implementation.outcome === 'rejected' && c.implementation.reason === 'refresh_token_revoked',
    alternative: (c) => (c.event.type === 'REVOKE_REFRESH_TOKEN' && c.model.outcome === 'ok' && c.model.reason === 'already_revoked'
      ? { ...c.model, outcome: 'rejected', reason: 'refresh_token_revoked' } : null),
  },
  {
    id: 'rotated-tokens-not-listed-as-revoked',
    ref: 'D2',
    summary: 'a family revocation: the model moves the family\'s rotated tokens to revoked and lists them; the server revokes the family and lists its active tokens only',
    explains: (c, field) => {
      if (field !== 'revoked') return false;
      const rotatedBefore = new Set(c.before.refreshTokens.filter((t) => t.status === 'rotated').map((t) => t.id));
      const m = c.model.revoked;
      const i = c.implementation.revoked;
      return same(m.sessions, i.sessions) && same(m.transferTokens, i.transferTokens)
        && same(m.refreshTokens.filter((id) => !rotatedBefore.has(id)), i.refreshTokens);
    },
    alternative: (c) => {
      const rotatedBefore = new Set(c.before.refreshTokens.filter((t) => t.status === 'rotated').map((t) => t.id));
      const kept = c.model.revoked.refreshTokens.filter((id) => !rotatedBefore.has(id));
      return kept.length === c.model.revoked.refreshTokens.length ? null : { ...c.model, revoked: { ...c.model.revoked, refreshTokens: kept } };
    },
  },
];

export function knownById(ids: readonly string[]): KnownDivergence[] {
  return KNOWN_DIVERGENCES.filter((k) => ids.includes(k.id));
}
