// Each seeded fault of the reference server is detected, with a shrunk counterexample of at most 8 steps
// that replays: it diverges again on the faulty server and passes on a clean one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { conform, describeTrace, makeSetting, replayTrace } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { translatedPaths } from './paths.js';
import { CONFORMANCE_CONFIGS, FAULT_CONFIGS } from './configs.js';

let server: RunningServer;
beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
afterAll(async () => { await server?.close(); });

describe.each(Object.entries(FAULT_CONFIGS))('seeded fault %s', (fault, configName) => {
  it(`is detected under the ${configName} configuration with at most 8 steps`, async () => {
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS[configName]), resolveInterpretations(), DEFAULT_POPULATION);
    const faulty = createHttpAdapter({ baseUrl: server.url, faults: [fault] });
    const report = await conform({ setting, adapter: faulty, paths: translatedPaths(setting).paths, runs: 300, seed: 7, maxSteps: 16, known: KNOWN_DIVERGENCES });
    expect(report.kind).toBe('divergence');
    const trace = report.trace!;
    console.log(`${fault} (${configName}; ${trace.source.kind}${trace.source.name ? ` ${trace.source.name}` : ''}):\n${describeTrace(trace)}`);
    expect(trace.steps.length).toBeLessThanOrEqual(8);
    expect(trace.divergence!.step).toBe(trace.steps.length);
    expect(trace.exchanges.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    // the trace replays: same divergence on the faulty server, none on a clean one
    const again = await replayTrace(trace, faulty, KNOWN_DIVERGENCES);
    expect(again.kind).toBe('divergence');
    const clean = await replayTrace(trace, createHttpAdapter({ baseUrl: server.url, faults: [] }), KNOWN_DIVERGENCES);
    expect(clean.kind).toBe('pass');
  });
});
