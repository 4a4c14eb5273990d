// `n2w init-adapter DIR`: the starting adapter compiles under tsc --strict against the package's types,
// drives the reference server through `n2w conform` as it is written, and a second run overwrites nothing.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { CLI, n2w, scratch } from './test-cli.js';

const ROOT = join(import.meta.dirname, '..');

describe('n2w init-adapter', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
  afterAll(async () => { await server?.close(); });

  it('writes an adapter with an ADAPT: place per difference, which compiles strictly and passes conform against the reference server', async () => {
    const dir = join(scratch('n2w-init-').dir, 'my-adapter');
    const r = n2w('init-adapter', dir);
    expect(r.code, r.err).toBe(0);
    const source = readFileSync(join(dir, 'adapter.mts'), 'utf8');
    for (const what of ['baseUrl', 'domain', 'nativeClientId', 'webClientIds', 'redirectUri', 'usernames', 'forwardedForHeader', 'resetPath', 'clockPath', 'logsPath', 'managementToken', 'headers']) {
      expect(source, what).toMatch(new RegExp(`// ADAPT: [^\\n]*\\n(?:  //[^\\n]*\\n)*  ${what}:`));
    }
    // the project the user makes: n2w installed (here: linked to this checkout), compiled with their tsc
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'n2w'), 'dir');
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.typeRoots = [join(ROOT, 'node_modules', '@types')];
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    // as written, it drives a server with Auth0's endpoints (the reference server) without a divergence
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, 'conform', '--adapter', join(dir, 'dist', 'adapter.mjs'), '--runs', '5', '--out', join(dir, 'report')], { env: { ...process.env, N2W_SERVER_URL: server.url, NO_COLOR: '1' } });
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { out += d; });
      p.on('close', (code) => resolve({ code, out }));
    });
    expect(run.code, run.out).toBe(0);
  }, 240_000);

  it('refuses to overwrite, naming the files, and writes nothing', () => {
    const dir = scratch('n2w-init-').dir;
    writeFileSync(join(dir, 'adapter.mts'), '// mine\n');
    const r = n2w('init-adapter', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/init-adapter .*: adapter\.mts already exists; expected a directory without them \(nothing was written\)/);
    expect(readFileSync(join(dir, 'adapter.mts'), 'utf8')).toBe('// mine\n');
  });
});
