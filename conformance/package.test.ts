// The library as an implementer adopts it: `npm pack` gives a tarball that installs into a fresh project,
// where `import type { Adapter } from 'n2w/conformance'` and the model's step compile under `tsc --strict`
// (module NodeNext) and run. Installs from the npm registry (the tarball's dependencies, npm's cache first);
// without the registry this test fails, saying so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

describe('the packed library (package.json exports)', () => {
  it('installs into a fresh project where the adapter interface, the HTTP adapter and the model compile strictly and run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'n2w-pack-'));
    // dist is built by `npm test` (tsc first): pack it as it is, without running prepare again
    run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball, 'npm pack wrote no tarball').toBeDefined();
    const listing = run('tar', ['-tzf', join(dir, tarball!)], dir);
    expect(listing).toContain('package/dist/conformance/index.d.ts');
    expect(listing).toContain('package/dist/machines/index.d.ts');
    expect(listing).toContain('package/conformance/schemas/reset-request.json');
    expect(listing).not.toMatch(/\.test\.(js|d\.ts)/);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-server-tests', private: true, type: 'module' }));
    try {
      // (no install scripts: the reference server's native SQLite module is not what a client needs)
      run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball!)], app);
    } catch (e) {
      throw new Error(`npm install of the packed tarball failed (is the npm registry reachable?): ${(e as { stderr?: string }).stderr ?? e}`);
    }
    writeFileSync(join(app, 'main.ts'), [
      "import type { Adapter } from 'n2w/conformance';",
      "import { HttpAdapter } from 'n2w/conformance';",
      "import { createModel, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION, makeSetting, resolveConfig, type ModelEvent } from 'n2w/model';",
      "const adapter: Adapter = new HttpAdapter({ baseUrl: 'http://127.0.0.1:9' });",
      'const model = createModel(makeSetting(resolveConfig({}), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION));',
      "const login: ModelEvent = { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' };",
      'const r = model.step(model.initial, login, 1);',
      'console.log(typeof adapter.reset, r.observation.outcome, r.observation.issued.join(","));',
      '',
    ].join('\n'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, types: [] }, files: ['main.ts'] }));
    let compiled = '';
    try { compiled = run(process.execPath, [TSC, '-p', 'tsconfig.json'], app); } catch (e) { throw new Error(`tsc --strict failed in the fresh project:\n${(e as { stdout?: string }).stdout}`); }
    expect(compiled).toBe('');
    expect(run(process.execPath, ['main.js'], app).trim()).toBe('function issued rt1');
  }, 300_000);
});
