// `n2w conform --concurrency K`: exit codes, the saved history, its timeline, and --replay of it offline
// and against a server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { CONFORMANCE_CONFIGS } from '../conformance/configs.js';
import { conformCommand } from './conform.js';

let clean: RunningServer;
let racy: RunningServer;
let dir: string;
beforeAll(async () => {
  clean = await startServer({ port: 0, testMode: true });
  racy = await startServer({ port: 0, testMode: true, faults: ['racy-rotation'] });
  dir = await mkdtemp(join(tmpdir(), 'n2w-races-'));
  await writeFile(join(dir, 'default.json'), JSON.stringify(CONFORMANCE_CONFIGS.default));
});
afterAll(async () => {
  await clean?.close();
  await racy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = async (o: Record<string, unknown>) => {
  const lines: string[] = [];
  const code = await conformCommand({ runs: 2, seed: 1, maxSteps: 5, out: join(dir, 'out'), config: join(dir, 'default.json'), histories: 5, print: (l) => lines.push(l), ...o });
  return { code, out: lines.join('\n') };
};

describe('n2w conform --concurrency', () => {
  it('passes the clean reference server: every scenario linearizable, the code race too', async () => {
    const r = await run({ url: clean.url, concurrency: 3 });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('races (3 overlapping requests per history');
    for (const name of ['parallel-redemption', 'parallel-rotation-in-leeway', 'parallel-rotation-outside-leeway', 'revocation-vs-redemption']) expect(r.out).toContain(`${name}: 5/5 linearizable`);
    expect(r.out).toMatch(/one-code-twice: linearizable: .* answered (200|403), (200|403), (200|403)/);
  });

  it('exits 1 on racy-rotation, saves the history and prints its timeline; --replay judges it again, offline and against a server', async () => {
    const r = await run({ url: racy.url, concurrency: 4, json: true });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { result: string; races: { result: string; scenarios: { scenario: string; failure?: { file: string } }[] } };
    expect(report.result).toBe('conformant');
    expect(report.races.result).toBe('not-linearizable');
    const failed = report.races.scenarios.filter((s) => s.failure);
    expect(failed.map((s) => s.scenario).sort()).toEqual(['parallel-rotation-in-leeway', 'parallel-rotation-outside-leeway']);
    const file = failed[0]!.failure!.file;
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ kind: 'race-history', concurrency: 4, verdict: { kind: 'not-linearizable' } });
    expect(await readFile(file.replace(/\.json$/, '.html'), 'utf8')).toContain('<svg');

    const offline = await run({ replay: file });
    expect(offline.code).toBe(1);
    expect(offline.out).toContain('is not-linearizable');
    expect(offline.out).toMatch(/#1 REFRESH rt1 +\S*\[/);
    const again = await run({ replay: file, url: racy.url });
    expect(again.code).toBe(1);
    expect(again.out).toContain('reproduced against the implementation');
    const fixed = await run({ replay: file, url: clean.url });
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain('not reproduced: 5 of 5 new histories linearizable');
  });

  it('exits 2 on bad input: a concurrency below 2, a history file of the wrong shape', async () => {
    expect((await run({ url: clean.url, concurrency: 1 })).code).toBe(2);
    await writeFile(join(dir, 'bad-history.json'), JSON.stringify({ kind: 'race-history', scenario: 'x' }));
    const bad = await run({ replay: join(dir, 'bad-history.json') });
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/bad-history\.json: concurrency: .*expected a race history/);
  });
});
