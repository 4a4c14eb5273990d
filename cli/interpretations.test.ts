// `n2w check --interpretations all` through the CLI (MODEL.md §2): a verdict that depends on a reading is
// found with the switch it depends on and a counterexample under that reading that replays; a reason code
// only another reading reaches is listed; bad combinations of flags exit 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { n2w, scratch } from './test-cli.js';

describe('n2w check --interpretations all', () => {
  it('read-url at a query web app with ASN binding: the takeover depends on A8 (a token that failed the organization check stays usable when A8 is false)', () => {
    const s = scratch('n2w-readings-');
    const config = s.file('config.json', {
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'asn' } },
    });
    const out = join(s.dir, 'out');
    const r = n2w('check', '--config', config, '--attacker', 'read-url,send-link,join-network', '--interpretations', 'all', '--scope', 'smoke', '--runs', '0', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/interpretation sensitivity \(64 combinations of the switches, explorer scope smoke\): 1 verdict change/);
    const z = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).sensitivity;
    expect(z.changes.map((c: { property: string }) => c.property)).toEqual(['no-token-theft-takeover']);
    const row = z.changes[0];
    expect(row).toMatchObject({ underDefault: 0, underSome: 1, changesIn: 1, dependsOn: [{ switch: 'A8', configurations: 1 }], narrows: null });
    expect(row.widens.condition).toBe('A8 is false');
    // the counterexample is under the reading where it fails, and replays there
    const file = join(out, row.widens.terms[0].counterexample);
    const ce = JSON.parse(readFileSync(file, 'utf8'));
    expect(ce.interpretations.A8).toBe(false);
    expect(ce.attacker.tokens[0].how).toMatch(/read-url/);
    const replay = n2w('replay', file);
    expect(replay.code, replay.out + replay.err).toBe(1);
    // a cookie token at this query-only app: an invalid request only when A10 is invalid
    expect(z.coverage).toContainEqual({ category: 'reasons', items: ['method_not_allowed'], when: 'A10 is invalid' });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Interpretation sensitivity[\s\S]*\| no-token-theft-takeover \| 0 \| 1 \| 1 \|/);
  });

  it('a cookie-only web app: no verdict changes, and method_not_allowed is reached only when A10 is invalid', () => {
    const s = scratch('n2w-readings-');
    const config = s.file('config.json', {
      native: { session_transfer: { can_create_session_transfer_token: true } },
      web: { session_transfer: { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'ip' } },
    });
    const out = join(s.dir, 'out');
    const r = n2w('check', '--config', config, '--interpretations', 'all', '--scope', 'smoke', '--runs', '0', '--out', out);
    expect(r.code, r.err).toBe(0);
    const z = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).sensitivity;
    expect(z.changes).toEqual([]);
    expect(z.coverage).toContainEqual({ category: 'reasons', items: ['method_not_allowed'], when: 'A10 is invalid' });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\*\*No verdict changes with a reading\*\*/);
  });

  it('bad values and combinations are bad input', () => {
    const dir = scratch('n2w-readings-').dir;
    const bad = n2w('check', '--interpretations', 'some', '--out', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--interpretations some: expected "all"/);
    const both = n2w('check', '--interpretations', 'all', '-i', 'A8=false', '--out', dir);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--interpretations all with -i/);
  });
});
