// The reference server conforms: every xstate/graph path and 500 random sequences under each configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { COVERAGE_ITEMS } from '../properties/coverage.js';
import { conform, makeSetting } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { lifecyclePaths, translatedPaths } from './paths.js';
import { CONFORMANCE_CONFIGS } from './configs.js';

let server: RunningServer;
beforeAll(async () => { server = await startServer({ port: 0, testMode: true }); });
afterAll(async () => { await server?.close(); });

const covered = new Set<string>();

describe.each(Object.keys(CONFORMANCE_CONFIGS) as (keyof typeof CONFORMANCE_CONFIGS)[])('the reference server under the %s configuration', (name) => {
  it('passes every lifecycle path and 500 random sequences', async () => {
    const setting = makeSetting(resolveConfig(CONFORMANCE_CONFIGS[name]), resolveInterpretations(), DEFAULT_POPULATION);
    const { paths } = translatedPaths(setting);
    for (const p of paths) for (const c of p.covers ?? []) covered.add(c);
    const adapter = createHttpAdapter({ baseUrl: server.url });
    const report = await conform({ setting, adapter, paths, runs: 500, seed: 20240611, maxSteps: 16, known: KNOWN_DIVERGENCES });
    if (report.trace) console.error(JSON.stringify(report.trace.divergence ?? report.trace.error, null, 1), report.trace.steps);
    expect(report.kind).toBe('conformant');
    expect(paths.length).toBeGreaterThan(15);
    expect(report.paths.passed + report.paths.cut).toBe(paths.length);
    expect(report.paths.invalid).toBe(0);
    expect(report.random.sequences).toBe(500);
    // cuts (known divergences) stay rare: the random sequences are almost all compared to the end
    expect(report.random.cut).toBeLessThan(50);
    console.log(`${name}: ${paths.length} paths + ${report.random.sequences} random sequences, ${report.steps} steps in ${(report.elapsedMs / 1000).toFixed(1)} s; cuts ${JSON.stringify(report.cuts)}`);
  });
});

describe('the xstate/graph paths', () => {
  it('cover every state and transition of the lifecycle machines across the configurations', () => {
    const lp = lifecyclePaths();
    expect(lp.length).toBeGreaterThanOrEqual(11);
    for (const s of COVERAGE_ITEMS.actorStates) expect(covered, s).toContain(s);
    for (const t of COVERAGE_ITEMS.transitions) expect(covered, t).toContain(t);
  });
});
