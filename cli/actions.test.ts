// `n2w check --action FILE` and scenarios naming an Action (MODEL.md §2), through the compiled CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { n2w, scratch } from './test-cli.js';

const ROOT = join(import.meta.dirname, '..');
const action = (name: string) => join(ROOT, 'examples', 'actions', name);
const fixture = (name: string) => join(ROOT, 'machines', 'test-actions', name);
// a configuration where no-replay and no-token-theft-takeover fail: the web app binds by ASN only
const ASN_BOUND = {
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'asn' } },
};

// `check --action NAME` on a configuration, run once per pair: the side-by-side test and the README's table share one run
const runs = new Map<string, { r: ReturnType<typeof n2w>; out: string }>();
function checkWith(name: string, config: object): { r: ReturnType<typeof n2w>; out: string } {
  const key = JSON.stringify([name, config]);
  let run = runs.get(key);
  if (!run) {
    const s = scratch('n2w-action-');
    const out = join(s.dir, 'out');
    run = { r: n2w('check', '--config', s.file('config.json', config), '--action', action(name), '--scope', 'smoke', '--runs', '30', '--out', out, '--workers', '1'), out };
    runs.set(key, run);
  }
  return run;
}

describe('n2w check --action', () => {
  it('sets each goal with and without the Action side by side: deny-other-network closes no-replay where binding is asn', () => {
    const { r, out } = checkWith('deny-other-network.js', ASN_BOUND);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/closes no-replay: 1 -> 0 of 1/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const replay = report.action.goals.find((g: { goal: string }) => g.goal === 'no-replay');
    expect(replay).toMatchObject({ without: { failsIn: 1, of: 1 }, with: { failsIn: 0, of: 1 }, effect: 'closes' });
    expect(report.action.report).toBe('with-action/report.md');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/## What the post-login Action `.*deny-other-network\.js` changes/);
    // the report with the Action is complete on its own
    const withAction = JSON.parse(readFileSync(join(out, 'with-action', 'report.json'), 'utf8'));
    expect(withAction.riskMatrix.find((g: { goal: string }) => g.goal === 'no-replay').failsIn).toBe(0);
  });

  it('an Action that reads what the model does not offer stops the check: exit 2 naming the file and the field', () => {
    const s = scratch('n2w-action-');
    const config = s.file('config.json', ASN_BOUND);
    const r = n2w('check', '--config', config, '--action', fixture('reads-email.js'), '--scope', 'smoke', '--runs', '5', '--out', join(s.dir, 'out'), '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/reads-email\.js: event\.user\.email: not offered by the model/);
    expect(r.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('a missing or malformed Action module is refused before the run: exit 2', () => {
    const s = scratch('n2w-action-');
    const config = s.file('config.json', ASN_BOUND);
    const missing = n2w('check', '--config', config, '--action', join(s.dir, 'nope.js'), '--out', join(s.dir, 'out'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--action .*nope\.js: load: cannot read the Action module \(ENOENT\)/);
    const noExport = n2w('check', '--config', config, '--action', fixture('no-export.js'), '--out', join(s.dir, 'out'));
    expect(noExport.code).toBe(2);
    expect(noExport.err).toMatch(/expected `exports\.onExecutePostLogin/);
  });
});

// The README's table of what each example Action changes, on one configuration that shows it (scope smoke)
const TWO_APPS = {
  native: ASN_BOUND.native,
  web: [{ session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'ip' } },
    { client_id: 'partner-portal', session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'none' } }],
};
const README_TABLE: [string, object, Record<string, string>][] = [
  ['deny-other-network.js', ASN_BOUND, { 'no-replay': 'closes', 'no-token-theft-takeover': 'unchanged' }],
  ['deny-other-asn.js', ASN_BOUND, { 'no-replay': 'unchanged', 'no-token-theft-takeover': 'unchanged' }],
  ['shorten-transfer-sessions.js', ASN_BOUND, { 'no-replay': 'unchanged', 'no-token-theft-takeover': 'unchanged' }],
  ['transfer-clients-allowlist.js', TWO_APPS, { 'no-replay': 'closes', 'no-session-injection': 'closes', 'no-token-theft-takeover': 'unchanged' }],
];
describe('what the example Actions change, as the README says', () => {
  it.each(README_TABLE)('%s', (name, config, effects) => {
    const { r, out } = checkWith(name, config);
    expect(r.code, r.err).toBe(0);
    const goals = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).action.goals as { goal: string; effect: string }[];
    for (const [goal, effect] of Object.entries(effects)) expect(goals.find((g) => g.goal === goal)?.effect, `${name}: ${goal}`).toBe(effect);
  });
});

describe('a scenario naming an Action', () => {
  it('runs it, with the path relative to the scenario file', () => {
    const s = scratch('n2w-action-');
    const file = s.file('scenario.json', {
      config: { ...ASN_BOUND, actions: { 'post-login': action('deny-other-asn.js') } },
      steps: [
        { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
        { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
        { type: 'MOVE_DEVICE', device: 'alice-laptop', network: 'mobile' },
        { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1' },
      ],
    });
    const r = n2w('run', file, '--json');
    expect(r.code).toBe(0);
    const steps = JSON.parse(r.out).observations;
    // the web app binds by ASN and mobile is another ASN: the redemption is refused before the Action runs
    expect(steps[3]).toMatchObject({ outcome: 'login_required', reason: 'device_binding_failed' });
    const relative = s.file('relative.json', { config: { ...ASN_BOUND, web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'none' } }, actions: { 'post-login': 'deny.js' } }, steps: [
      { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' },
      { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' },
      { type: 'MOVE_DEVICE', device: 'alice-laptop', network: 'mobile' },
      { type: 'AUTHORIZE', device: 'alice-laptop', transferToken: 'stt1' },
    ] });
    s.file('deny.js', readFileSync(action('deny-other-asn.js'), 'utf8'));
    const rel = n2w('run', relative, '--json');
    expect(rel.code).toBe(0);
    expect(JSON.parse(rel.out).observations[3]).toMatchObject({ outcome: 'access_denied', reason: 'action_denied' });
  });
});
