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
import { CONFORMANCE_CONFIGS, COVERING_RUNS, coveringSetting } from '../conformance/configs.js';
import { FAULTS } from '../reference-server/config.js';
import { exercisableRules } from '../check/mutation.js';
import { RULE_PROPERTIES } from '../properties/index.js';
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
    const out = lines.join('\n');
    expect(out).toMatch(new RegExp(`ran \\d+ paths \\+ ${20 * COVERING_RUNS.length} random sequences .* over ${COVERING_RUNS.length} configurations`));
    expect(out).toContain(`conformant: every observation matched the model under each of the ${COVERING_RUNS.length} configurations`);
    expect(out).toContain('every rule property could have failed under one of these configurations');
    // what each configuration runs for and can exercise, and progress as it goes
    for (const [k, r] of COVERING_RUNS.entries()) expect(out).toContain(`configuration ${k + 1}/${COVERING_RUNS.length} ${r.name} (${r.why})`);
    expect(out).toMatch(/can exercise \d+ of 33 rule properties; cannot \(no defect of theirs shows under it\): /);
    expect(out).toContain('readings A19 always, N2 true');
    expect(out).toMatch(/ {2}\d+\/\d+ sequences/);
  });

  it('--config narrows the run to one configuration and names what it cannot exercise', async () => {
    await writeFile(join(dir, 'default.json'), JSON.stringify(CONFORMANCE_CONFIGS.default));
    const { lines, flags: f } = flags({ url: server.url, config: join(dir, 'default.json'), json: true });
    expect(await conformCommand(f)).toBe(0);
    const r = JSON.parse(lines.join('\n')) as { configurations: { name: string; notExercised: string[] }[]; notExercised: string[] };
    expect(r.configurations.map((c) => c.name)).toEqual(['given']);
    // the default configuration has no web refresh tokens: their rules cannot fail under it
    expect(r.notExercised).toContain('no-nested-transfer');
    expect(r.notExercised).toEqual(r.configurations[0]!.notExercised);
  });

  it('exits 1 on a divergence and writes the shrunk trace; --json prints a report', async () => {
    const faulty = await startServer({ port: 0, testMode: true, faults: ['ignore-device-binding'] });
    try {
      const { lines, flags: f } = flags({ url: faulty.url, json: true, out: join(dir, 'fault') });
      expect(await conformCommand(f)).toBe(1);
      const report = JSON.parse(lines.join('\n')) as { result: string; trace: string };
      expect(report.result).toBe('divergence');
      const trace = JSON.parse(await readFile(report.trace, 'utf8')) as Trace;
      // and its page beside it, the first difference marked
      expect(await readFile(report.trace.replace(/\.json$/, '.html'), 'utf8')).toContain('<html');
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
    expect((await readdir(join(dir, 'down'))).sort()).toEqual(['conform-error-seed1.html', 'conform-error-seed1.json']);
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

describe('the covering configurations (issue: every rule property can fail under one of them)', () => {
  it('together let every rule property fail: some mutant violates each under one of them', () => {
    const covered = new Set(COVERING_RUNS.flatMap((r) => exercisableRules(coveringSetting(r)).exercised));
    expect(RULE_PROPERTIES.map((p) => p.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  // a divergence stops the run at the configuration that shows it
  // the race faults are the concurrent mode's (conformance/races.test.ts): one request at a time cannot show them
  it.each(FAULTS.filter((f) => !f.startsWith('racy-')))('the default run (no --config) catches the seeded fault %s', async (fault) => {
    const faulty = await startServer({ port: 0, testMode: true, faults: [fault] });
    try {
      // the covering paths find each fault; two random sequences per configuration keep it quick
      const { lines, flags: f } = flags({ url: faulty.url, json: true, out: join(dir, `fault-${fault}`), runs: 2 });
      expect(await conformCommand(f), lines.join('\n')).toBe(1);
      expect((JSON.parse(lines.join('\n')) as { result: string }).result).toBe('divergence');
    } finally {
      await faulty.close();
    }
  });
});
