// The n2w command as a user meets it: exit codes, error messages that name the place, reports, replay.
// Runs the compiled CLI (npm test compiles first).
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { n2w, scratch } from './test-cli.js';

const { dir, file } = scratch('n2w-cli-');

const LOGIN = { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' };

describe('n2w run', () => {
  it('prints each observation, the world summary and the violations of the login-CSRF example', () => {
    const r = n2w('run', 'examples/login-csrf.json');
    expect(r.code).toBe(0); // a security goal failing is a finding, not an error
    expect(r.out).toContain('3. alice-laptop calls /authorize with stt1 by query → logged_in as mallory in s1 (new); consumed stt1');
    expect(r.out).toMatch(/s1\s+mallory\s+alice-laptop\s+active\s+transfer\s+stt1\s+rt1/);
    expect(r.out).toContain('security goal fails no-session-injection');
  });

  it('--json gives one document with observations, world and violations in MODEL.md §4 shape', () => {
    const r = n2w('run', 'examples/login-csrf.json', '--json');
    const doc = JSON.parse(r.out);
    expect(doc.observations[2]).toMatchObject({
      step: 3, outcome: 'logged_in', user: 'mallory', session: 's1', sessionCreated: true,
      issued: [], revoked: { refreshTokens: [], sessions: [], transferTokens: [] }, consumed: ['stt1'],
    });
    expect(doc.world.sessions[0]).toMatchObject({ id: 's1', user: 'mallory', device: 'alice-laptop', status: 'active', via: 'transfer', transferToken: 'stt1', parent: 'rt1' });
    expect(doc.violations.map((v: { property: string }) => v.property).sort()).toEqual(['no-replay', 'no-session-injection']);
  });

  it('--fail-on security turns a failing goal into exit 1', () => {
    expect(n2w('run', 'examples/login-csrf.json', '--fail-on', 'security').code).toBe(1);
  });
});

describe('bad input: exit 2, the place named, no stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['malformed JSON', () => ['run', file('bad.json', '{ "steps": [\n  { "type": "NATIVE_LOGIN", }\n] }')], /bad\.json:2:\d+: malformed JSON/],
    ['an unknown event type', () => ['run', file('type.json', { steps: [LOGIN, { type: 'LOGOUT', session: 's1' }] })], /steps\[1\]\.type: unknown event type "LOGOUT"; expected one of NATIVE_LOGIN/],
    ['an id that does not exist yet', () => ['run', file('id.json', { steps: [LOGIN, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt2' }] })], /steps\[1\]\.refreshToken: refresh token "rt2" does not exist at this step; expected one of rt1\.\.rt1/],
    ['an unknown device', () => ['run', file('dev.json', { steps: [{ type: 'NATIVE_LOGIN', user: 'alice', device: 'bob-phone' }] })], /steps\[0\]\.device: unknown device "bob-phone"/],
    ['a config field of the wrong type', () => ['run', file('cfg.json', { config: { web: { session_transfer: { enforce_device_binding: 'mac' } } }, steps: [] })], /config\.web\.session_transfer\.enforce_device_binding: /],
    ['a config field of the wrong JSON type', () => ['run', file('cfg2.json', { config: { native: { session_transfer: { enforce_cascade_revocation: 'yes' } } }, steps: [] })], /config\.native\.session_transfer\.enforce_cascade_revocation: .*boolean/],
    ['an unknown interpretation in a scenario', () => ['run', file('int.json', { interpretations: { A99: true }, steps: [] })], /interpretations: .*A99/],
    ['an unknown interpretation flag', () => ['check', '--config', file('c.json', {}), '-i', 'A99=true', '--out', dir], /--interpret A99=true: unknown interpretation "A99"/],
    ['a wrong interpretation value', () => ['check', '--config', file('c2.json', {}), '-i', 'A10=maybe', '--out', dir], /--interpret: A10: /],
    ['a missing file', () => ['run', join(dir, 'nope.json')], /nope\.json: cannot read the file \(ENOENT\)/],
    ['a non-numeric --runs', () => ['check', '--runs', 'many'], /--runs <n>.*expected a non-negative integer/],
    ['an unknown command', () => ['verify'], /unknown command 'verify'/],
    ['a plain scenario given to replay', () => ['replay', 'examples/login-csrf.json'], /property: expected the id of a property/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}`, () => {
      const r = n2w(...args());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }
});

describe('n2w check on one configuration, and n2w replay', () => {
  const out1 = join(dir, 'r1');
  const out2 = join(dir, 'r2');
  let first: ReturnType<typeof n2w>;
  beforeAll(() => {
    // depth 4 finds the same four failing goals as the default 6, in a tenth of the time
    const args = ['check', '--native', 'examples/native-client.json', '--web', 'examples/web-client.json', '--depth', '4', '--runs', '200', '--seed', '5'];
    first = n2w(...args, '--out', out1);
    n2w(...args, '--out', out2);
  }, 180_000); // each run also checks the 62 nearest configurations for what to change

  it('holds every spec rule (exit 0) and reports the failing goals with their scope', () => {
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/explorer: every world of scope default up to depth 4 \([\d,]+ distinct states/);
    expect(first.out).toMatch(/random: 200 sequences of up to 12 steps/);
    expect(first.out).toContain('no violation of the');
    const report = JSON.parse(readFileSync(join(out1, 'report.json'), 'utf8'));
    expect(report.verdict.specRulesHold).toBe(true);
    expect(report.verdict.goalsFailing).toContain('logout-ends-web-refresh-tokens'); // allow_refresh_token on, online off
  });

  it('is deterministic: the same seed writes the same bytes (but for the output directory in replay commands)', () => {
    const files = ['report.json', 'report.md', ...readdirSync(join(out1, 'counterexamples')).map((x) => `counterexamples/${x}`)];
    expect(readdirSync(join(out2, 'counterexamples')).length).toBe(files.length - 2);
    for (const f of files) {
      expect(readFileSync(join(out2, f), 'utf8').replaceAll(out2, 'OUT'), f).toBe(readFileSync(join(out1, f), 'utf8').replaceAll(out1, 'OUT'));
    }
  });

  it('every counterexample replays to the same failure (exit 1)', () => {
    const files = readdirSync(join(out1, 'counterexamples')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = n2w('replay', join(out1, 'counterexamples', f));
      expect(r.code, f).toBe(1);
      expect(r.out).toContain('reproduced:');
    }
  });

  it('a counterexample whose failure no longer happens replays with exit 0 and says so', () => {
    const f = readdirSync(join(out1, 'counterexamples')).find((x) => x.startsWith('no-replay') && x.endsWith('.json'))!;
    const ce = JSON.parse(readFileSync(join(out1, 'counterexamples', f), 'utf8'));
    ce.config.web.session_transfer.enforce_device_binding = 'ip';
    const r = n2w('replay', file('fixed.json', ce));
    expect(r.code).toBe(0);
    expect(r.out).toContain('not reproduced');
  });

  it('--fail-on security exits 1 when a goal fails', () => {
    const r = n2w('check', '--config', file('cfg-sec.json', { native: { session_transfer: { can_create_session_transfer_token: true } }, web: { session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'none' } } }),
      '--depth', '4', '--runs', '100', '--out', join(dir, 'r3'), '--fail-on', 'security');
    expect(r.code).toBe(1);
  });
});

describe('n2w check --shard and n2w merge-reports', () => {
  it('merging the shards of a run writes the report one machine writes', () => {
    // a cheap run: explorer at depth 2 and 20 random sequences, over the whole space
    const common = ['--depth', '2', '--runs', '20', '--seed', '3'];
    const whole = join(dir, 'whole');
    expect(n2w('check', ...common, '--workers', '2', '--out', whole).code).toBe(0);
    const parts = [1, 2, 3].map((i) => join(dir, `part${i}`));
    parts.forEach((p, i) => expect(n2w('check', ...common, '--shard', `${i + 1}/3`, '--out', p).code).toBe(0));
    const merged = join(dir, 'merged');
    const r = n2w('merge-reports', ...parts, '--out', whole.replace('whole', 'merged'));
    expect(r.code).toBe(0);
    const files = ['report.json', 'report.md', ...readdirSync(join(whole, 'counterexamples')).map((x) => `counterexamples/${x}`)];
    expect(readdirSync(join(merged, 'counterexamples')).sort()).toEqual(readdirSync(join(whole, 'counterexamples')).sort());
    for (const f of files) expect(readFileSync(join(merged, f), 'utf8').replaceAll(merged, 'OUT'), f).toBe(readFileSync(join(whole, f), 'utf8').replaceAll(whole, 'OUT'));
  });

  it('one worker writes the report two workers write (work handed out on demand, explorations shared)', () => {
    // two workers: the whole run of the test above (made here when this test runs alone)
    const common = ['--depth', '2', '--runs', '20', '--seed', '3'];
    const [one, two] = [join(dir, 'one-worker'), join(dir, 'whole')];
    if (!existsSync(join(two, 'report.json'))) expect(n2w('check', ...common, '--workers', '2', '--out', two).code).toBe(0);
    expect(n2w('check', ...common, '--workers', '1', '--out', one).code).toBe(0);
    for (const f of ['report.json', 'report.md']) expect(readFileSync(join(one, f), 'utf8').replaceAll(one, 'OUT'), f).toBe(readFileSync(join(two, f), 'utf8').replaceAll(two, 'OUT'));
  });

  it('refuses a missing shard, naming it', () => {
    const r = n2w('merge-reports', join(dir, 'part1'), join(dir, 'part3'), '--out', join(dir, 'm2'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('shard 2/3 missing');
  });

  it('refuses a malformed --shard', () => {
    const r = n2w('check', '--shard', '4/3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--shard 4/3: expected I/N with 1 <= I <= N');
  });
});

describe('n2w explore', () => {
  it('gives, per property, no violation up to the depth or a shortest counterexample that replays', () => {
    const out = join(dir, 'ex');
    const r = n2w('explore', '--scope', 'smoke', '--depth', '3', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/explorer: every world of scope smoke up to depth 3 \([\d,]+ distinct states/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const injection = report.properties.find((p: { id: string }) => p.id === 'no-session-injection');
    expect(injection.violatedIn).toBe(0); // ip binding, depth 3: mallory cannot share alice's IP and redeem in 3 steps
    expect(report.properties.find((p: { id: string }) => p.id === 'single-use').explorer).toMatch(/^no violation up to depth 3 in scope smoke \([\d,]+ distinct states/);
    const deeper = join(dir, 'ex4');
    expect(n2w('explore', '--scope', 'smoke', '--depth', '4', '--out', deeper).code).toBe(0);
    const ce = JSON.parse(readFileSync(join(deeper, 'counterexamples', 'no-session-injection--n-mint-casc-norot_w-nomint-cookiequery-ip-nort-online.json'), 'utf8'));
    expect(ce.foundBy).toEqual({ engine: 'explorer', scope: 'smoke', depth: 4 });
    expect(ce.steps).toHaveLength(4);
    expect(n2w('replay', join(deeper, 'counterexamples', 'no-session-injection--n-mint-casc-norot_w-nomint-cookiequery-ip-nort-online.json')).code).toBe(1);
  });

  it('--json to a pipe gives the whole document, however large (the exit waits for stdout)', () => {
    const r = n2w('explore', '--all-configs', '--scope', 'smoke', '--depth', '2', '--json', '--out', scratch('n2w-json-').dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.length).toBeGreaterThan(4 * 65536);
    expect(JSON.parse(r.out).configurations).toHaveLength(768);
  });

  it('rejects an unknown scope with exit 2', () => {
    const r = n2w('explore', '--scope', 'huge');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--scope: unknown scope "huge"; expected one of smoke, default, deep');
  });
});
