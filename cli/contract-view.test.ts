// The suite `n2w paths --emit vitest` writes projects observations with its own copy of contractView
// (adapter.ts), since it runs in the user's project; the two must agree, key order included (the suite
// compares JSON texts), with and without unobserved fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { emptyObservation, type Observation } from '../machines/observation.js';
import { createModel, runEvents } from '../machines/step.js';
import { makeSetting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { CONTRACT_FIELDS, contractView, type ContractField } from '../conformance/adapter.js';
import { pathsCommand } from './conform.js';
import { CONFORMANCE_CONFIGS } from '../conformance/configs.js';
import { translatedPaths } from '../conformance/paths.js';

let dir: string;
let view: (o: unknown, unobserved: string[]) => Record<string, unknown>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'n2w-view-'));
  // one configuration is enough to read the suite's view off it
  await writeFile(join(dir, 'default.json'), JSON.stringify(CONFORMANCE_CONFIGS.default));
  expect(await pathsCommand({ emit: 'vitest', out: dir, config: join(dir, 'default.json'), print: () => {} })).toBe(0);
  const src = await readFile(join(dir, 'n2w-conformance.test.ts'), 'utf8');
  const pick = (re: RegExp) => re.exec(src)?.[0] ?? expect.unreachable(`${re} not found in the emitted suite`);
  await writeFile(join(dir, 'view.ts'), [pick(/^const REASONS = .*;$/m), pick(/^const FIELDS = .*;$/m), `export ${pick(/^function view\(.*\n[\s\S]*?^}$/m)}`, ''].join('\n'));
  ({ view } = await import(pathToFileURL(join(dir, 'view.ts')).href));
}, 60_000);
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const base = emptyObservation(3, { type: 'REVOKE_REFRESH_TOKEN', refreshToken: 'rt1' });
const samples: Observation[] = [
  { ...base, outcome: 'ok', reason: 'already_revoked' },
  { ...base, outcome: 'revoked', revoked: { refreshTokens: ['rt3', 'rt1', 'rt2'], sessions: ['s2', 's1'], transferTokens: ['stt2', 'stt1'] } },
  { ...base, outcome: 'rejected', reason: 'refresh_token_reused', user: 'alice', session: 's1', sessionCreated: false, issued: ['stt1', 'rt2'], consumed: ['stt3', 'stt1'] },
  { ...base, outcome: 'logged_in', user: 'alice', session: 's2', sessionCreated: true, issued: ['rt10', 'rt9'] },
];

describe("the emitted suite's view", () => {
  it('projects as contractView does', () => {
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS.strict), resolveInterpretations(), DEFAULT_POPULATION);
    const model = createModel(setting);
    const observed = translatedPaths(setting).paths.slice(0, 10).flatMap((p) => runEvents(model, p.events).observations);
    const unobserved: ContractField[][] = [[], ['revoked', 'consumed'], ['reason']];
    for (const o of [...samples, ...observed]) {
      for (const u of unobserved) {
        const ours = Object.fromEntries(Object.entries(contractView(o)).filter(([f]) => !u.includes(f as ContractField)));
        expect(JSON.stringify(view(o, u)), JSON.stringify(o)).toBe(JSON.stringify(ours));
      }
    }
    expect(Object.keys(contractView(base))).toEqual([...CONTRACT_FIELDS]);
  });
});
