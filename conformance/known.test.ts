// A known divergence is described once, by its alternative observation; the harness derives from it which
// fields it explains. DIVERGENCES.md's examples of D1 and D2: an answer on the entry's side passes; one that
// takes only part of that side still diverges, and the entry does not hide a difference in another field.
import { describe, expect, it } from 'vitest';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { CONFORMANCE_CONFIGS } from './configs.js';
import { compareObservations } from './harness.js';
import { KNOWN_DIVERGENCES } from './known.js';

/** Compares the model's last observation of `events` with `implementation(model's)`, with and without the skip list. */
function lastStep(config: keyof typeof CONFORMANCE_CONFIGS, events: ModelEvent[], implementation: (m: Observation) => Observation) {
  const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS[config]), resolveInterpretations(), DEFAULT_POPULATION);
  const model = createModel(setting);
  let before = model.initial;
  for (const e of events.slice(0, -1)) before = model.step(before, e, 0).world;
  const event = events[events.length - 1];
  const r = model.step(before, event, events.length);
  const impl = implementation(r.observation);
  const ctx = { setting, before, after: r.world, event };
  return { model: r.observation, known: compareObservations(r.observation, impl, [], ctx, KNOWN_DIVERGENCES), all: compareObservations(r.observation, impl, [], ctx, []) };
}

describe('D1 noop-revoke-vocabulary', () => {
  const events: ModelEvent[] = [
    { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
    { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt1' },
    { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt1' },
  ];
  it('explains outcome and reason when the implementation rejects with refresh_token_revoked', () => {
    const r = lastStep('default', events, (m) => ({ ...m, outcome: 'rejected', reason: 'refresh_token_revoked' }));
    expect(r.model).toMatchObject({ outcome: 'ok', reason: 'already_revoked' });
    expect(r.all).toEqual(['outcome', 'reason']);
    expect(r.known).toEqual([]);
  });
  it('explains nothing when the implementation rejects with another reason', () => {
    expect(lastStep('default', events, (m) => ({ ...m, outcome: 'rejected' })).known).toEqual(['outcome']);
    expect(lastStep('default', events, (m) => ({ ...m, outcome: 'rejected', reason: 'refresh_token_reused' })).known).toEqual(['outcome', 'reason']);
  });
  it('leaves a difference in another field counted', () => {
    expect(lastStep('default', events, (m) => ({ ...m, outcome: 'rejected', reason: 'refresh_token_revoked', issued: ['rt2'] })).known).toEqual(['issued']);
  });
});

describe('D2 rotated-tokens-not-listed-as-revoked', () => {
  const events: ModelEvent[] = [
    { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
    { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
    { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
  ];
  const listing = (refreshTokens: string[]) => (m: Observation): Observation => ({ ...m, revoked: { ...m.revoked, refreshTokens } });
  it('explains revoked when the implementation lists the active tokens only', () => {
    const r = lastStep('strict', events, listing(['rt2']));
    expect([...r.model.revoked.refreshTokens].sort()).toEqual(['rt1', 'rt2']);
    expect(r.all).toEqual(['revoked']);
    expect(r.known).toEqual([]);
  });
  it('explains nothing when the implementation lists fewer', () => {
    expect(lastStep('strict', events, listing([])).known).toEqual(['revoked']);
  });
});
