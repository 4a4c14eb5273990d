// conformance/known.ts: the named skip list. Each entry is a documented disagreement between the model and
// the reference server (see DIVERGENCES.md) that is not an adapter bug and that neither side is changed for.
// Two kinds:
//  - `alternative`: at a step where the entry applies, the observation an implementation on the other side
//    of it gives. It is the entry's only description: the harness does not count the fields it changes when
//    the implementation made all of those changes (`explainedFields`; the states of both sides stay the
//    same), and a generated suite accepts it in place of the model's observation;
//  - `cut`: a step after which the two sides' states part for a known reason; a sequence is cut before it
//    (the steps before were compared; the sequence counts as passed, with the cut recorded).
// The harness takes the list as a parameter: `KNOWN_DIVERGENCES` for the reference server, `[]` to see all.
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import type { Setting } from '../machines/setting.js';
import type { World } from '../machines/world.js';
import { CONTRACT_FIELDS, contractView, sameField, type ContractField, type ContractView } from './adapter.js';

export interface StepContext {
  setting: Setting;
  /** the model's world before the step */
  before: World;
  /** the model's world after the step */
  after: World;
  event: ModelEvent;
  model: Observation;
}

export interface KnownDivergence {
  id: string;
  /** DIVERGENCES.md's heading for it */
  ref: string;
  summary: string;
  /** the observation an implementation on the other side of this entry gives at this step, or null */
  alternative?(ctx: StepContext): Observation | null;
  cut?(setting: Setting, before: World, event: ModelEvent): boolean;
}

/**
 * The contract fields on which `k` accounts for the implementation's answer at a step: those where the
 * entry's alternative differs from the model's observation, provided the implementation agrees with the
 * alternative on all of them. Half of an entry (D1's `rejected` with another reason, say) explains nothing.
 */
export function explainedFields(k: KnownDivergence, ctx: StepContext, implementation: ContractView): ContractField[] {
  const alt = k.alternative?.(ctx);
  if (!alt) return [];
  const a = contractView(alt);
  const m = contractView(ctx.model);
  const changed = CONTRACT_FIELDS.filter((f) => !sameField(f, a, m));
  return changed.every((f) => sameField(f, a, implementation)) ? changed : [];
}

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  {
    id: 'noop-revoke-vocabulary',
    ref: 'D1',
    summary: 'revoking an already revoked refresh token: the model answers ok (already_revoked), the server rejected (refresh_token_revoked); nothing changes on either side',
    alternative: (c) => (c.event.type === 'REVOKE_REFRESH_TOKEN' && c.model.outcome === 'ok' && c.model.reason === 'already_revoked'
      ? { ...c.model, outcome: 'rejected', reason: 'refresh_token_revoked' } : null),
  },
  {
    id: 'rotated-tokens-not-listed-as-revoked',
    ref: 'D2',
    summary: 'a family revocation: the model moves the family\'s rotated tokens to revoked and lists them; the server revokes the family and lists its active tokens only',
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
