// MODEL.md §10 through the CLI: the legacy capability set gives the risk matrix the attacker had before
// capabilities existed, exactly; a weaker attacker gives findings of its own; a bad name exits 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { n2w, scratch } from './test-cli.js';

interface Row { goal: string; failsIn: number; of: number; condition: string; terms: { when: string; configurations: number }[] }
const matrixOf = (dir: string): Row[] => (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).riskMatrix as Row[])
  .map((r) => ({ goal: r.goal, failsIn: r.failsIn, of: r.of, condition: r.condition, terms: r.terms.map((t) => ({ when: t.when, configurations: t.configurations })) }));

describe('n2w check --attacker', () => {
  it('the legacy set (the default, and named explicitly) gives the pre-capability risk matrix exactly (scope smoke, explorer)', () => {
    // legacy-risk-matrix.json: n2w check --scope smoke --runs 0 at 12fdfbb, before capabilities
    const before = JSON.parse(readFileSync(join(import.meta.dirname, 'legacy-risk-matrix.json'), 'utf8')).riskMatrix as Row[];
    const s = scratch('n2w-attacker-');
    const r = n2w('check', '--scope', 'smoke', '--runs', '0', '--attacker', 'own-account,send-link,join-network,steal-in-transit', '--out', s.dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/attacker \(MODEL\.md §10\): own-account, send-link, join-network, steal-in-transit/);
    expect(matrixOf(s.dir)).toEqual(before);
  });

  it('read-url alone (with links and networks) steals only where the web app takes cookies only: a token sent in a URL is ignored there and stays usable', () => {
    const s = scratch('n2w-attacker-');
    const r = n2w('check', '--scope', 'smoke', '--runs', '0', '--attacker', 'read-url,send-link,join-network', '--out', s.dir);
    expect(r.code, r.err).toBe(0);
    const takeover = matrixOf(s.dir).find((x) => x.goal === 'no-token-theft-takeover')!;
    expect(takeover.failsIn).toBe(144);
    expect(takeover.condition).toMatch(/web allowed_authentication_methods is \[cookie\]/);
    const ce = JSON.parse(readFileSync(join(s.dir, takeover.terms.length ? JSON.parse(readFileSync(join(s.dir, 'report.json'), 'utf8')).riskMatrix.find((x: Row) => x.goal === 'no-token-theft-takeover').terms[0].counterexample : ''), 'utf8'));
    expect(ce.attacker.tokens.map((t: { how: string }) => t.how).join(' ')).toMatch(/read-url/);
  });

  it('an unknown capability is bad input', () => {
    const r = n2w('check', '--attacker', 'telepathy', '--out', scratch('n2w-attacker-').dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--attacker: unknown capability "telepathy"; expected a comma-separated list of own-account, send-link/);
  });
});

describe('n2w check --capability-grid', () => {
  it('gives, per goal, the minimal capability sets under which it fails, each with a counterexample that replays', () => {
    const s = scratch('n2w-grid-');
    const config = s.file('config.json', {
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'asn' } },
    });
    const r = n2w('check', '--config', config, '--capability-grid', '--scope', 'smoke', '--runs', '0', '--out', join(s.dir, 'out'), '--workers', '1');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(readFileSync(join(s.dir, 'out', 'report.json'), 'utf8'));
    const cells = report.capabilityGrid.cells as { goal: string; capabilities: string[]; counterexample?: string; terms: { counterexample: string }[]; others: { counterexample: string }[] }[];
    const takeover = cells.filter((c) => c.goal === 'no-token-theft-takeover').map((c) => c.capabilities.filter((x) => x !== 'own-account').join('+'));
    // each way of learning the victim's token is enough alone (ASN binding: the café is on her carrier)
    expect(takeover.sort()).toEqual(['device-malware', 'read-url', 'steal-in-transit']);
    // cookie only: no link carries the attacker's token into her browser
    expect(cells.some((c) => c.goal === 'no-session-injection')).toBe(false);
    const cell = cells.find((c) => c.goal === 'no-token-theft-takeover' && c.capabilities.includes('read-url'))!;
    const file = join(s.dir, 'out', [...cell.terms, ...cell.others][0].counterexample);
    const replay = n2w('replay', file);
    expect(replay.code, replay.out + replay.err).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).attacker.tokens[0].how).toMatch(/read-url/);
  });

  it('with --action: each cell checked again with the Action under its set, and whether it closes the cell (deny-other-network: every cell of an asn web app taking both methods)', () => {
    const s = scratch('n2w-grid-');
    const config = s.file('config.json', {
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'asn' } },
    });
    const action = join(import.meta.dirname, '..', 'examples', 'actions', 'deny-other-network.js');
    const out = join(s.dir, 'out');
    const r = n2w('check', '--config', config, '--capability-grid', '--action', action, '--scope', 'smoke', '--runs', '0', '--out', out, '--workers', '1');
    expect(r.code, r.err).toBe(0);
    const grid = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).capabilityGrid;
    expect(grid.action).toMatch(/deny-other-network\.js$/);
    const cells = grid.cells as { goal: string; capabilities: string[]; action: { effect: string; failsIn: number; of: number } }[];
    expect(cells.length).toBeGreaterThan(3);
    for (const c of cells) expect(c.action, `${c.goal} ${c.capabilities}`).toEqual({ failsIn: 0, of: 1, effect: 'closes', counterexample: null });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| with the Action \|[\s\S]*\*\*closes\*\*/);
  });

  it('with --action: a cell the Action leaves open says so, with a counterexample under the Action (shortening sessions closes nothing)', () => {
    const s = scratch('n2w-grid-');
    const config = s.file('config.json', {
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'ip' } },
    });
    const action = join(import.meta.dirname, '..', 'examples', 'actions', 'shorten-transfer-sessions.js');
    const out = join(s.dir, 'out');
    const r = n2w('check', '--config', config, '--capability-grid', '--action', action, '--scope', 'smoke', '--runs', '0', '--out', out, '--workers', '1');
    expect(r.code, r.err).toBe(0);
    const cells = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).capabilityGrid.cells as { goal: string; action: { effect: string; counterexample: string } }[];
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.action.effect, c.goal).toBe('unchanged');
    const replay = n2w('replay', join(out, cells[0].action.counterexample));
    expect(replay.code, replay.out + replay.err).toBe(1);
  });
});
