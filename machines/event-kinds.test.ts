// machines/event-kinds.test.ts: every event kind has a description and checks the names it references.
import { describe, expect, it } from 'vitest';
import { describeEvent, EVENT_KINDS, EVENT_TYPES, type ModelEvent } from './events.js';
import { referenceError } from './step.js';
import { makeSetting } from './setting.js';
import { resolveConfig, DEFAULT_INTERPRETATIONS } from './config.js';
import { DEFAULT_POPULATION, initialWorld } from './world.js';

/** One event of each kind, every referencing field naming something unknown. */
const UNKNOWN: { [T in ModelEvent['type']]: Extract<ModelEvent, { type: T }> } = {
  NATIVE_LOGIN: { type: 'NATIVE_LOGIN', user: 'nobody', device: 'nowhere' },
  MINT_TRANSFER_TOKEN: { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt9' },
  AUTHORIZE: { type: 'AUTHORIZE', device: 'nowhere', transferToken: 'stt9', client: 'web-app-9' },
  WEB_LOGIN: { type: 'WEB_LOGIN', device: 'nowhere', user: 'nobody', client: 'web-app-9' },
  REFRESH: { type: 'REFRESH', refreshToken: 'rt9' },
  REVOKE_REFRESH_TOKEN: { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt9' },
  REVOKE_SESSION: { type: 'REVOKE_SESSION', session: 's9' },
  ADVANCE_TIME: { type: 'ADVANCE_TIME', seconds: 1 },
  MOVE_DEVICE: { type: 'MOVE_DEVICE', device: 'nowhere', network: 'mars' },
};

describe('the event table', () => {
  const setting = makeSetting(resolveConfig(), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);
  const world = initialWorld(DEFAULT_POPULATION);

  it('covers every kind of the schema', () => {
    expect(Object.keys(EVENT_KINDS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  for (const type of EVENT_TYPES) {
    it(`${type}: a description, and each referenced name checked (the first wrong one reported)`, () => {
      const e = UNKNOWN[type];
      expect(describeEvent(e).length).toBeGreaterThan(5);
      const refs = EVENT_KINDS[type].references as readonly string[];
      const err = referenceError(setting, world, e);
      if (refs.length === 0) { expect(err).toBeNull(); return; }
      expect(err?.field).toBe(refs[0]);
      // with the first one fixed, the next one is reported
      if (refs.length > 1 && (refs[0] === 'user' || refs[0] === 'device')) {
        const fixed = { ...e, [refs[0]]: refs[0] === 'user' ? 'alice' : 'alice-phone' } as ModelEvent;
        expect(referenceError(setting, world, fixed)?.field).toBe(refs[1]);
      }
    });
  }
});
