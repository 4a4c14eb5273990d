// Remediation over the space: minimal flag settings per goal, judged on the configurations, and ranked
// recommendations; on made-up verdicts over the real space, so each answer is known in advance.
import { describe, expect, it } from 'vitest';
import { configurationSpace, dimensionValues } from '../../machines/config.js';
import { remediation } from './remediation.js';

const space = configurationSpace();
const values = space.map(dimensionValues);
const where = (f: (v: (typeof values)[number]) => boolean) => new Set(values.map((v, i) => (f(v) ? i : -1)).filter((i) => i >= 0));
// Native to Web SSO works where something mints and a method is allowed
const vacuity = values.map((v) => ((v['native.can_create_session_transfer_token'] || v['web.can_create_session_transfer_token']) && v['web.allowed_authentication_methods'] !== 'none' ? null : 'off'));

describe('remediation', () => {
  it('finds the one setting that closes a goal failing wherever binding is not ip, and no larger set containing it', () => {
    const failing = new Map([['g', where((v) => v['web.enforce_device_binding'] !== 'ip')]]);
    const r = remediation(space, failing, vacuity);
    expect(r.goals[0].remedies[0].settings).toEqual([{ key: 'web.enforce_device_binding', value: 'ip' }]);
    expect(r.goals[0].remedies.every((x) => x.settings.length === 1)).toBe(true);
    expect(r.recommended[0]).toMatchObject({ closes: ['g'], stillFailing: [] });
  });

  it('a goal that fails wherever N2W works has no remedy, not a vacuous one', () => {
    const failing = new Map([['g', new Set(vacuity.map((x, i) => (x === null ? i : -1)).filter((i) => i >= 0))]]);
    expect(remediation(space, failing, vacuity).goals[0].remedies).toEqual([]);
  });

  it('needs two settings together when each alone leaves a failing configuration; recommendations merge remedies that agree', () => {
    const failing = new Map([
      ['a', where((v) => v['web.allow_refresh_token'] === true && v['web.enforce_online_refresh_tokens'] === false)],
      ['b', where((v) => v['web.allowed_authentication_methods'] !== 'cookie')],
    ]);
    const r = remediation(space, failing, vacuity);
    expect(r.goals[0].remedies.map((x) => x.settings.map((s) => s.key))).toEqual([['web.allow_refresh_token'], ['web.enforce_online_refresh_tokens']]);
    expect(r.goals[1].remedies[0].settings).toEqual([{ key: 'web.allowed_authentication_methods', value: 'cookie' }]);
    expect(r.recommended[0].closes).toEqual(['a', 'b']);
    expect(r.recommended[0].costs.length).toBe(2);
  });
});
