// The test-mode contract (TEST-MODE.md): the committed JSON Schemas are what test-mode.ts generates, and what
// the HTTP adapter sends and the reference server answers in a run satisfies them, as zod and as JSON Schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import type { HttpExchange } from './adapter.js';
import { conform, makeSetting } from './harness.js';
import { HttpAdapter } from './http-adapter.js';
import { CONFORMANCE_CONFIGS } from './configs.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { translatedPaths } from './paths.js';
import { TEST_MODE_SCHEMAS, testModeJsonSchema, testModeJsonSchemas, type TestModeSchemaName } from './test-mode.js';

const DIR = join(import.meta.dirname, 'schemas');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

describe('conformance/schemas/*.json', () => {
  it('are exactly what test-mode.ts generates (run `npm run schemas` after changing a schema)', () => {
    const expected = testModeJsonSchemas();
    expect(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, text] of Object.entries(expected)) expect(readFileSync(join(DIR, file), 'utf8'), file).toBe(text);
  });

  it('compile as JSON Schema 2020-12', () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    for (const name of Object.keys(TEST_MODE_SCHEMAS) as TestModeSchemaName[]) expect(() => ajv.compile(testModeJsonSchema(name)), name).not.toThrow();
  });

  it('TEST-MODE.md names every schema file', () => {
    const doc = readFileSync(join(import.meta.dirname, 'TEST-MODE.md'), 'utf8');
    for (const file of Object.keys(testModeJsonSchemas())) expect(doc, file).toContain(`schemas/${file}`);
  });
});

/** The HTTP adapter, keeping every exchange of the run. */
class RecordingAdapter extends HttpAdapter {
  readonly all: HttpExchange[] = [];
  override async send(log: HttpExchange[], ...rest: Parameters<HttpAdapter['send']> extends [unknown, ...infer R] ? R : never) {
    const r = await super.send(log, ...rest);
    this.all.push(log[log.length - 1]!);
    return r;
  }
}

describe('a run against the reference server', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
  afterAll(async () => { await server?.close(); });

  it.each(['default', 'lifetimes', 'two-apps'] as const)('sends and receives only what the schemas admit (%s configuration)', async (name) => {
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS[name]), resolveInterpretations(), DEFAULT_POPULATION);
    const adapter = new RecordingAdapter({ baseUrl: server.url });
    const report = await conform({ setting, adapter, paths: translatedPaths(setting).paths, runs: 20, seed: 7, maxSteps: 12, known: KNOWN_DIVERGENCES });
    expect(report.kind).toBe('conformant');
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const json = Object.fromEntries((Object.keys(TEST_MODE_SCHEMAS) as TestModeSchemaName[]).map((k) => [k, ajv.compile(testModeJsonSchema(k))]));
    const check = (which: TestModeSchemaName, value: unknown, where: string) => {
      const z = TEST_MODE_SCHEMAS[which].safeParse(value);
      expect(z.success, `${where}: zod ${which}: ${z.error?.message}`).toBe(true);
      expect(json[which](value), `${where}: JSON Schema ${which}: ${ajv.errorsText(json[which].errors)}`).toBe(true);
    };
    const seen = new Set<string>();
    for (const x of adapter.all) {
      const path = new URL(x.url).pathname;
      const where = `${x.method} ${x.url}`;
      if (path === '/test/reset') { check('reset-request', JSON.parse(x.requestBody!), where); check('reset-response', JSON.parse(x.responseBody!), where); seen.add('reset'); }
      if (path === '/test/clock') { check('clock-request', JSON.parse(x.requestBody!), where); check('clock-response', JSON.parse(x.responseBody!), where); seen.add('clock'); }
      if (path === '/api/v2/logs') { check('logs-response', JSON.parse(x.responseBody!), where); seen.add('logs'); }
      const fwd = x.requestHeaders['auth0-forwarded-for'];
      if (fwd !== undefined) { check('forwarded-for-header', fwd, where); seen.add('forwarded-for'); }
      const fx = x.responseHeaders['x-n2w-effects'];
      if (fx !== undefined) { check('effects-header', JSON.parse(fx), where); seen.add('effects'); }
      const outcome = x.responseHeaders['x-n2w-outcome'];
      if (outcome !== undefined) { check('outcome-header', outcome, where); seen.add('outcome'); }
      const reason = x.responseHeaders['x-n2w-reason'];
      if (reason !== undefined) { check('reason-header', reason, where); seen.add('reason'); }
    }
    expect([...seen].sort()).toEqual(['clock', 'effects', 'forwarded-for', 'logs', 'outcome', 'reason', 'reset'].filter((s) => name !== 'default' || s !== 'clock' || seen.has('clock')).sort());
  });

  it('the schemas refuse what a server must not be sent or answer', () => {
    expect(TEST_MODE_SCHEMAS['clock-request'].safeParse({ seconds: 0 }).success).toBe(false);
    expect(TEST_MODE_SCHEMAS['reset-request'].safeParse({ config: { wbe: {} } }).success).toBe(false);
    expect(TEST_MODE_SCHEMAS['effects-header'].safeParse({ outcome: 'maybe' }).success).toBe(false);
    expect(TEST_MODE_SCHEMAS['forwarded-for-header'].safeParse('home').success).toBe(false);
    expect(TEST_MODE_SCHEMAS['logs-response'].safeParse([{ type: 's' }]).success).toBe(false);
  });
});
