// MODEL.md §10 in the random engine and in scenarios: a step the attacker cannot make is never taken.
import { describe, expect, it } from 'vitest';
import { DEFAULT_INTERPRETATIONS, resolveConfig } from '../machines/config.js';
import type { ModelEvent } from '../machines/events.js';
import { makeSetting } from '../machines/setting.js';
import { createModel } from '../machines/step.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { refusedByCapabilities } from '../machines/attacker.js';
import { PROPERTIES } from '../properties/index.js';
import { runRandom } from './random.js';
import { runScenario, ScenarioReferenceError } from './scenario.js';

const CONFIG = resolveConfig({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'asn' } },
});
const aliceMints: ModelEvent[] = [{ type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' }, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }];
const mallorysTurn: ModelEvent = { type: 'AUTHORIZE', device: 'mallory-phone', transferToken: 'stt1', method: 'cookie' };

describe('capabilities in scenarios and random sequences', () => {
  it('a scenario step the attacker cannot make is a scenario error naming the step and the capabilities', () => {
    const run = () => runScenario({ config: CONFIG, interpretations: DEFAULT_INTERPRETATIONS, population: { ...DEFAULT_POPULATION, capabilities: ['send-link'] }, steps: [...aliceMints, mallorysTurn] });
    expect(run).toThrow(ScenarioReferenceError);
    expect(run).toThrow(/does not know stt1.*world\.capabilities: own-account, send-link/);
  });

  it('random sequences take no step the attacker cannot make, and without a way to learn tokens no theft is found', () => {
    const model = createModel(makeSetting(CONFIG, DEFAULT_INTERPRETATIONS, { ...DEFAULT_POPULATION, capabilities: ['send-link', 'join-network'] }));
    const r = runRandom(model, { runs: 300, maxSteps: 10, seed: 5, properties: PROPERTIES });
    expect(r.counterexamples.has('no-token-theft-takeover')).toBe(false);
    const legacy = runRandom(createModel(makeSetting(CONFIG, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION)), { runs: 300, maxSteps: 10, seed: 5, properties: PROPERTIES });
    const theft = legacy.counterexamples.get('no-token-theft-takeover')!;
    expect(theft).toBeDefined();
    // every step of the legacy counterexample is one its attacker can make
    const m = createModel(makeSetting(CONFIG, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION));
    let w = m.initial;
    for (const e of theft.events) { expect(refusedByCapabilities(m.setting.attacker, w, e)).toBeNull(); w = m.step(w, e).world; }
  });
});
