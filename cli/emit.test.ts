// `n2w paths --emit vitest` writes a suite that a user commits; run it (in a child vitest) against the
// reference server through an adapter module like a user's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { pathsCommand } from './conform.js';
import { CONFORMANCE_CONFIGS, COVERING_RUNS } from '../conformance/configs.js';

const ROOT = resolve(import.meta.dirname, '..');
let server: RunningServer;
let dir: string;
beforeAll(async () => {
  server = await startServer({ port: 0, testMode: true });
  dir = await mkdtemp(join(tmpdir(), 'n2w-emit-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('n2w paths --emit vitest', () => {
  it('writes one test per path, which passes against the reference server', async () => {
    // the user's adapter module: a default-exported factory
    await writeFile(join(dir, 'my-adapter.ts'), [
      `import { createHttpAdapter } from ${JSON.stringify(join(ROOT, 'conformance/http-adapter.ts'))};`,
      'export default () => createHttpAdapter({ baseUrl: process.env.N2W_URL! });',
      '',
    ].join('\n'));
    await writeFile(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['suite/**/*.test.ts'], testTimeout: 30000 } };\n");
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const lines: string[] = [];
    const code = await pathsCommand({ emit: 'vitest', out: join(dir, 'suite'), adapter: join(dir, 'my-adapter.ts'), print: (l) => lines.push(l) });
    expect(code).toBe(0);
    const src = await readFile(join(dir, 'suite', 'n2w-conformance.test.ts'), 'utf8');
    expect(src).toContain("import createAdapter from '../my-adapter.ts'");
    const count = Number(/wrote (\d+) tests/.exec(lines[0]!)![1]);
    expect(count).toBeGreaterThan(15);
    // without --config, conform's covering configurations, one describe block each
    expect(lines[0]).toContain(`under ${COVERING_RUNS.length} configurations (${COVERING_RUNS.map((r) => r.name).join(', ')})`);
    expect(src).toContain('transferToken: issued → consumed');
    // a second suite under the strict configuration (rotation: its steps carry D2's alternatives)
    await writeFile(join(dir, 'strict.json'), JSON.stringify(CONFORMANCE_CONFIGS.strict));
    const more: string[] = [];
    expect(await pathsCommand({ emit: 'vitest', out: join(dir, 'suite'), adapter: join(dir, 'my-adapter.ts'), config: join(dir, 'strict.json'), file: 'n2w-strict.test.ts', print: (l) => more.push(l) })).toBe(0);
    const strictCount = Number(/wrote (\d+) tests/.exec(more[0]!)![1]);
    expect(await readFile(join(dir, 'suite', 'n2w-strict.test.ts'), 'utf8')).toContain('rotated-tokens-not-listed-as-revoked');

    const run = promisify(execFile);
    let out: { stdout: string; stderr: string };
    try {
      out = await run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter', 'json'], {
        cwd: dir, env: { ...process.env, N2W_URL: server.url }, maxBuffer: 32 * 1024 * 1024, timeout: 60_000,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`the generated suite failed:\n${err.stderr?.slice(0, 3000)}\n${err.stdout?.slice(0, 3000)}`);
    }
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBe(count + strictCount);

    // a fault that only a configuration with web refresh tokens shows fails the default suite
    const faulty = await startServer({ port: 0, testMode: true, faults: ['nested-transfer-allowed'] });
    try {
      const bad = await run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter', 'json', 'suite/n2w-conformance.test.ts'], {
        cwd: dir, env: { ...process.env, N2W_URL: faulty.url }, maxBuffer: 32 * 1024 * 1024, timeout: 60_000,
      }).then(() => null, (e: { stdout?: string }) => JSON.parse(e.stdout!.slice(e.stdout!.indexOf('{'))) as { numFailedTests: number; testResults: { assertionResults: { fullName: string; status: string }[] }[] });
      expect(bad, 'the default suite passed against nested-transfer-allowed').not.toBeNull();
      const failed = bad!.testResults.flatMap((t) => t.assertionResults).filter((a) => a.status === 'failed').map((a) => a.fullName);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((n) => !n.includes('under default '))).toBe(true);
    } finally {
      await faulty.close();
    }
  });
});
