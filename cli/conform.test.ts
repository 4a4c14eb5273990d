// conformCommand / pathsCommand: exit codes, what is printed, traces; a harness error (the server closes
// mid-run) gives 3 with the trace so far.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { conformCommand } from './conform.js';
import { conform, makeSetting, type Trace } from '../conformance/harness.js';
import { HttpAdapter } from '../conformance/http-adapter.js';
import { KNOWN_DIVERGENCES } from '../conformance/known.js';
import { CONFORMANCE_CONFIGS } from '../conformance/configs.js';
import type { AdapterSetup } from '../conformance/adapter.js';
import type { ModelEvent } from '../machines/events.js';

const ROOT = resolve(import.meta.dirname, '..');
let server: RunningServer;
let dir: string;
beforeAll(async () => {
  server = await startServer({ port: 0, testMode: true });
  dir = await mkdtemp(join(tmpdir(), 'n2w-conform-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const flags = (o: Partial<Parameters<typeof conformCommand>[0]>) => {
  const lines: string[] = [];
  return { lines, flags: { runs: 20, seed: 1, maxSteps: 10, out: join(dir, 'out'), print: (l: string) => lines.push(l), ...o } };
};

describe('conformCommand', () => {
  it('exits 0 against the reference server and says what it ran', async () => {
    const { lines, flags: f } = flags({ url: server.url });
    expect(await conformCommand(f)).toBe(0);
    expect(lines.join('\n')).toMatch(/ran \d+ paths \+ 20 random sequences/);
    expect(lines.join('\n')).toContain('conformant');
  });

  it('exits 1 on a divergence and writes the shrunk trace; --json prints a report', async () => {
    const faulty = await startServer({ port: 0, testMode: true, faults: ['ignore-device-binding'] });
    try {
      const { lines, flags: f } = flags({ url: faulty.url, json: true, out: join(dir, 'fault') });
      expect(await conformCommand(f)).toBe(1);
      const report = JSON.parse(lines.join('\n')) as { result: string; trace: string };
      expect(report.result).toBe('divergence');
      const trace = JSON.parse(await readFile(report.trace, 'utf8')) as Trace;
      expect(trace.divergence!.fields).toContain('outcome');
      expect(trace.steps.length).toBeLessThanOrEqual(8);
    } finally {
      await faulty.close();
    }
  });

  it('--replay runs a saved trace again: exit 1 while the fault is there, 0 once it is gone', async () => {
    const faulty = await startServer({ port: 0, testMode: true, faults: ['reusable-transfer-token'] });
    try {
      const { lines, flags: f } = flags({ url: faulty.url, json: true, out: join(dir, 'replay') });
      expect(await conformCommand(f)).toBe(1);
      const { trace } = JSON.parse(lines.join('\n')) as { trace: string };
      const again = flags({ url: faulty.url, replay: trace });
      expect(await conformCommand(again.flags)).toBe(1);
      expect(again.lines.join('\n')).toContain('reproduced: divergence at step');
      const fixed = flags({ url: server.url, replay: trace });
      expect(await conformCommand(fixed.flags)).toBe(0);
      expect(fixed.lines.join('\n')).toContain('not reproduced');
    } finally {
      await faulty.close();
    }
  });

  it('exits 2 on bad input', async () => {
    expect(await conformCommand(flags({}).flags)).toBe(2);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ web: { session_transfer: { enforce_device_binding: 'mac' } } }));
    const { lines, flags: f } = flags({ url: server.url, config: join(dir, 'bad.json') });
    expect(await conformCommand(f)).toBe(2);
    expect(lines.join('\n')).toContain('enforce_device_binding');
    expect(await conformCommand(flags({ adapter: join(dir, 'missing.ts') }).flags)).toBe(2);
  });

  it('accepts a config file and a user adapter module', async () => {
    await writeFile(join(dir, 'strict.json'), JSON.stringify({ ...CONFORMANCE_CONFIGS.strict, interpretations: { A8: true } }));
    await writeFile(join(dir, 'adapter.ts'), [
      `import { createHttpAdapter } from ${JSON.stringify(join(ROOT, 'conformance/http-adapter.ts'))};`,
      `export default () => createHttpAdapter({ baseUrl: ${JSON.stringify(server.url)} });`,
      '',
    ].join('\n'));
    const { lines, flags: f } = flags({ adapter: join(dir, 'adapter.ts'), config: join(dir, 'strict.json') });
    expect(await conformCommand(f), lines.join('\n')).toBe(0);
  });

  it('exits 3 when the server is down', async () => {
    const gone = await startServer({ port: 0, testMode: true });
    await gone.close();
    const { lines, flags: f } = flags({ url: gone.url, out: join(dir, 'down') });
    expect(await conformCommand(f)).toBe(3);
    expect(lines.join('\n')).toContain('HARNESS ERROR');
    expect((await readdir(join(dir, 'down'))).length).toBe(1);
  });
});

describe('a harness error mid-run', () => {
  it('is its own result kind and keeps the trace so far', async () => {
    const victim = await startServer({ port: 0, testMode: true });
    let applied = 0;
    // an adapter whose server goes away after 25 steps
    class Dying extends HttpAdapter {
      override async apply(event: ModelEvent, step: number) {
        if (++applied === 25) await victim.close();
        return super.apply(event, step);
      }
      override async reset(setup: AdapterSetup) { return super.reset(setup); }
    }
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS.default), resolveInterpretations(), DEFAULT_POPULATION);
    const report = await conform({ setting, adapter: new Dying({ baseUrl: victim.url, timeoutMs: 2000 }), runs: 50, seed: 3, maxSteps: 10, known: KNOWN_DIVERGENCES });
    expect(report.kind).toBe('error');
    const t = report.trace!;
    expect(t.kind).toBe('error');
    expect(t.error!.message).toMatch(/ECONNREFUSED|fetch failed|closed|socket/i);
    // the steps that ran before, and the step that failed, with its (failed) exchange
    expect(t.steps.length).toBe(t.error!.step);
    expect(t.implementationObservations.length).toBe(t.steps.length - 1);
    expect(t.exchanges.length).toBeGreaterThan(0);
    expect(t.exchanges[t.exchanges.length - 1]!.status).toBe(0);
  });
});
