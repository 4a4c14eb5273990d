// cli/init-adapter.ts: `n2w init-adapter DIR` writes a starting adapter for a server with Auth0's endpoints:
// the HTTP adapter (conformance/http-adapter.ts) with every option a server may need set explicitly, each
// under an `ADAPT:` comment naming what to check, and a tsconfig to compile it. It never overwrites a file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.js';

/** The files written, by name. */
export function adapterFiles(): Record<string, string> {
  const adapter = `// adapter.mts: how n2w drives your server (written by \`n2w init-adapter\`; yours to edit).
// n2w replays model-generated event sequences through this adapter and compares every answer with the
// model's. A server that follows Auth0's endpoints needs only the options below; the test-mode contract
// (POST /test/reset, POST /test/clock, the auth0-forwarded-for and x-n2w-effects headers, GET /api/v2/logs)
// is node_modules/n2w/conformance/TEST-MODE.md, with a JSON Schema per endpoint and header beside it.
import type { Adapter, AdapterFactory } from 'n2w/conformance';
import { HttpAdapter } from 'n2w/conformance';

const createAdapter: AdapterFactory = (): Adapter => new HttpAdapter({
  // ADAPT: where your server listens in test mode (only this machine's addresses)
  baseUrl: process.env.N2W_SERVER_URL ?? 'http://127.0.0.1:4000',
  // ADAPT: the tenant's domain: the mint's audience is urn:{domain}:session_transfer
  domain: process.env.N2W_DOMAIN ?? 'n2w.test',
  // ADAPT: your native app's client_id (the model calls it native-app)
  nativeClientId: 'native-app',
  // ADAPT: your web apps' client_ids, by the model's (web-app; web-app-2 in two-app configurations)
  webClientIds: { 'web-app': 'web-app', 'web-app-2': 'web-app-2' },
  // ADAPT: the web app's callback your server accepts for the code flow
  redirectUri: 'http://web.example/callback',
  // ADAPT: login names and passwords of the model's users on your server (alice; mallory, the attacker)
  usernames: { alice: 'alice', mallory: 'mallory' },
  defaultPassword: process.env.N2W_PASSWORD ?? 'password',
  // ADAPT: the header your server trusts as the client's IP in test mode (null: send none; binding is then
  // judged on the real source address, which is the same for every device)
  forwardedForHeader: 'auth0-forwarded-for',
  // ADAPT: how a run starts from an empty tenant: POST /test/reset with the model's configuration (null:
  // no reset; or onReset: (setup, adapter) => ... to set your tenant up another way)
  resetPath: '/test/reset',
  sendConfigOnReset: true,
  // ADAPT: how time moves (null: sequences that need it are not run)
  clockPath: '/test/clock',
  // ADAPT: where the Management API's logs are (null: logs not compared)
  logsPath: '/api/v2/logs',
  // ADAPT: the Management API's bearer token (logs, an administrator's session revocation)
  managementToken: process.env.N2W_MANAGEMENT_TOKEN,
  // ADAPT: headers on every request (an API key, say)
  headers: {},
  // ADAPT: how long one request may take before the run stops as a harness failure (exit 3)
  timeoutMs: 10_000,
});

export default createAdapter;
`;
  const tsconfig = `${JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, outDir: 'dist', types: ['node'] },
    files: ['adapter.mts'],
  }, null, 2)}\n`;
  const readme = `# Your n2w adapter

1. \`npm pack\` in n2w's checkout, then \`npm install --save-dev PATH/n2w-0.1.0.tgz typescript @types/node\` in your project.
2. Edit \`adapter.mts\`: each \`ADAPT:\` comment is something your server may do differently from Auth0's endpoints.
3. \`npx tsc -p tsconfig.json\`, start your server in test mode, then \`npx n2w conform --adapter dist/adapter.mjs\`.
4. \`npx n2w paths --emit vitest --out test/n2w --adapter dist/adapter.mjs\` writes a suite to commit.
`;
  return { 'adapter.mts': adapter, 'tsconfig.json': tsconfig, 'README.md': readme };
}

export function initAdapterCommand(dir: string): number {
  const files = adapterFiles();
  const existing = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (existing.length) throw new InputError(`init-adapter ${dir}: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; expected a directory without them (nothing was written)`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  process.stdout.write(`wrote ${Object.keys(files).map((f) => join(dir, f)).join(', ')}; edit each ADAPT: place, then see ${join(dir, 'README.md')}\n`);
  return 0;
}
