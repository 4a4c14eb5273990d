// The capability grid's remediation per set, on made-up verdicts over the real space, so the advice is known
// in advance: a goal that fails only for an attacker who can read URLs, and only where binding is not ip.
import { describe, expect, it } from 'vitest';
import { configLabel, configurationSpace, DEFAULT_INTERPRETATIONS } from '../../machines/config.js';
import { DEFAULT_POPULATION } from '../../machines/world.js';
import type { Capability } from '../../machines/attacker.js';
import type { ModelEvent } from '../../machines/events.js';
import type { CheckOptions, ConfigResult } from '../../check/check.js';
import { buildReport } from './report.js';

const space = configurationSpace();
const opts: CheckOptions = { interpretations: DEFAULT_INTERPRETATIONS, population: DEFAULT_POPULATION, random: null, explorer: { scope: 'smoke', depth: 5 } };
const GOAL = 'no-token-theft-takeover';
const works = (i: number) => (space[i].native.canCreateSessionTransferToken || space[i].web.canCreateSessionTransferToken) && space[i].web.allowedAuthenticationMethods.length > 0;

function results(fails: (i: number) => boolean): ConfigResult[] {
  return space.map((config, i) => ({
    index: i, label: configLabel(config), config, random: null,
    explorer: {
      states: 1, transitions: 1, maxDepth: 1, complete: true, interpretationsRead: [],
      counterexamples: fails(i) ? [{ property: GOAL, kind: 'goal', message: 'made up', observations: [], events: [{ type: 'ADVANCE_TIME', seconds: 1 } as ModelEvent], foundBy: { engine: 'explorer', scope: 'smoke', depth: 5 } }] : [],
    },
    // a redemption happened wherever Native to Web SSO works, so no configuration is vacuous there
    coverage: { reasons: [], outcomeRows: works(i) ? ['valid token, no session'] : [], actorStates: [], transitions: [], branches: [] } as unknown as ConfigResult['coverage'],
  }));
}

describe('the capability grid', () => {
  it('advises per capability set: binding ip against an attacker who reads URLs, nothing against one who cannot', () => {
    const sets: Capability[][] = [['own-account'], ['own-account', 'read-url'], ['own-account', 'send-link'], ['own-account', 'read-url', 'send-link']];
    const readsUrl = (set: Capability[]) => set.includes('read-url');
    const grid = { sets, opts, results: sets.map((set) => results((i) => readsUrl(set) && works(i) && space[i].web.enforceDeviceBinding !== 'ip')) };
    const { report } = buildReport(results(() => false), opts, 'configuration space', { runs: 0, seed: 0, allCaught: true, mutants: [] }, 'reports', { grid });
    const rows = report.capabilityGrid!.remediation!;
    // the two sets with read-url get one piece of advice; the others none (nothing fails)
    expect(rows).toHaveLength(1);
    expect(rows[0].sets).toEqual([['own-account', 'read-url'], ['own-account', 'read-url', 'send-link']]);
    expect(rows[0].failing).toEqual([GOAL]);
    expect(rows[0].recommended[0].settings).toEqual([{ key: 'web.enforce_device_binding', value: 'ip' }]);
    expect(rows[0].goals).toEqual([{ goal: GOAL, remedy: expect.objectContaining({ settings: [{ key: 'web.enforce_device_binding', value: 'ip' }] }) }]);
    // the cells: read-url is the minimal set; the larger set is not minimal anywhere
    expect(report.capabilityGrid!.cells.map((c) => c.capabilities)).toEqual([['own-account', 'read-url']]);
  });
});
