// explorer/event-kinds.test.ts: the default scope enumerates every event kind of the model.
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../machines/events.js';
import { property } from '../properties/property.js';
import { explore } from './explore.js';
import { goldenSetting } from './golden.js';
import { DEFAULT, SCOPES } from './scopes.js';

describe('event kinds in the explorer', () => {
  it('the default scope steps every event kind (golden configuration, depth 4)', () => {
    const seen = new Set<EventType>();
    const recorder = property({ id: 'record-kinds', kind: 'goal', rules: [], claim: 'records event kinds', check: (v) => { seen.add(v.event.type); return null; } });
    explore(goldenSetting(), DEFAULT, { properties: [recorder], fullChecks: true, twins: false, depth: 4 });
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('every scope says what it tries of every kind', () => {
    for (const scope of Object.values(SCOPES)) expect(Object.keys(scope.alphabet).sort(), scope.name).toEqual([...EVENT_TYPES].sort());
  });
});
