// properties/lineage.test.ts: a refresh token issued to a session before A6 linked that session to a
// family is judged by its session: the nesting ban and the cascade reach it. The mutant that keeps the old
// reading (the token's own parent field) is caught by the corrected properties, and would not have been by
// properties reading that field.
import { describe, expect, it } from 'vitest';
import type { ModelEvent } from '../machines/events.js';
import { MUTANTS, correctModel, mutantModel } from '../machines/mutants/index.js';
import { runEvents, type Model } from '../machines/step.js';
import { lineage } from '../machines/world.js';
import { propertyById } from './index.js';
import type { StepView } from './property.js';

const LATE_LINK: ModelEvent[] = [
  { type: 'WEB_LOGIN', device: 'alice-phone', user: 'alice', offlineAccess: true }, // rt1, s1 not linked
  { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' }, // rt2
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt2' }, // stt1
  { type: 'AUTHORIZE', device: 'alice-phone', transferToken: 'stt1' }, // A6: s1 becomes a child of rt2
  { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }, // a nested transfer
  { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt2' }, // the cascade must reach rt1
];
const mutant = MUTANTS.find((m) => m.id === 'late-link-forgotten')!;

/** The view of each step of the events on a model. */
function views(model: Model, events: readonly ModelEvent[]): StepView[] {
  const out: StepView[] = [];
  let world = model.initial;
  events.forEach((event, i) => {
    const r = runEvents(model, [...events.slice(0, i + 1)]);
    out.push({ setting: model.setting, event, observation: r.observations[i], before: world, after: r.world });
    world = r.world;
  });
  return out;
}

describe('lineage through the session (A6 links a session after its tokens were issued)', () => {
  it('the correct model refuses the nested mint and cascades to the token; no property fires', () => {
    const v = views(correctModel(mutant), LATE_LINK);
    expect(v[3].after.sessions[0].parent).toBe('rt2');
    expect(lineage(v[3].after, v[3].after.refreshTokens[0])).toBe('rt2');
    expect(v[4].observation).toMatchObject({ outcome: 'rejected', reason: 'nested_transfer_forbidden' });
    expect(v[5].observation.revoked.refreshTokens).toContain('rt1');
    for (const id of ['no-nested-transfer', 'complete-cascade', 'flags-touch-only-transfer-artifacts']) {
      for (const view of v) expect(propertyById(id)!.check(view), id).toBeNull();
    }
  });

  it('the mutant mints and leaves rt1 active: no-nested-transfer and complete-cascade catch it', () => {
    const v = views(mutantModel(mutant), LATE_LINK);
    expect(v[4].observation.outcome).toBe('issued');
    expect(propertyById('no-nested-transfer')!.check(v[4])).toMatch(/linked to family rt2/);
    const afterRevoke = v[5].after.refreshTokens.find((t) => t.id === 'rt1')!;
    expect(afterRevoke.status).toBe('active');
    expect(propertyById('complete-cascade')!.check(v[5])).toMatch(/rt1 \(via session s1, parent rt2\)/);
  });

  it('properties reading the token\'s own parent field would not have caught the mutant', () => {
    const v = views(mutantModel(mutant), LATE_LINK);
    const rt1 = v[4].before.refreshTokens.find((t) => t.id === 'rt1')!;
    expect(rt1.parent).toBeNull(); // what the old no-nested-transfer and cascade checks keyed on
    expect(v[5].after.refreshTokens.filter((t) => t.parent === 'rt2' && t.status !== 'revoked')).toEqual([]);
  });

  it('a token never descends from its own family (a web token\'s transfer redeemed into its own session)', () => {
    const v = views(correctModel(mutant), [
      { type: 'WEB_LOGIN', device: 'alice-laptop', user: 'alice', offlineAccess: true },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
      { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
    ]);
    expect(v[2].after.sessions[0].parent).toBe('rt1');
    expect(lineage(v[2].after, v[2].after.refreshTokens[0])).toBeNull();
    expect(v[3].observation.outcome).toBe('issued');
  });
});
