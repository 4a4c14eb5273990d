// layers.test.ts: the layers of the code, one way. Each top-level directory may import only the ones listed
// for it; the test reads every import of every TypeScript file and fails on one against this order.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** What each layer may import, besides itself and packages. */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  /** the model: world, configuration, events, the tenant, its mutants */
  machines: [],
  /** claims about what the model shows, and what a run covered */
  properties: ['machines'],
  /** the exhaustive engine */
  explorer: ['machines', 'properties'],
  /** the random engine (and scenario replay) */
  random: ['machines', 'properties'],
  /** a real server judged by the model, beside the engines; it drives servers with the random engine's sequences */
  conformance: ['machines', 'properties', 'random'],
  /** the check that runs both engines on configurations, and the mutation matrix */
  check: ['machines', 'properties', 'explorer', 'random'],
  /** every command */
  cli: ['machines', 'properties', 'explorer', 'random', 'conformance', 'check'],
  /** benchmark scripts: anything but the commands, and the reference server they time */
  bench: ['machines', 'properties', 'explorer', 'random', 'conformance', 'check', 'reference-server'],
  /** an implementation under test: nothing of the model */
  'reference-server': [],
};

const root = dirname(fileURLToPath(import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of a file, static or dynamic, as a path from the root. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  // (a relative import of this code ends in .js; a quoted path in a test's generated source does not)
  const specs = [...src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)'(\.{1,2}\/[^']+\.js)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(root, resolve(dirname(file), s)));
}

const layerOf = (path: string) => path.split(sep)[0];

/** The imports among `edges` (importing file, imported file, both from the root) that go against the order. */
function violations(edges: readonly (readonly [string, string])[]): string[] {
  return edges.flatMap(([file, target]) => {
    const from = layerOf(file);
    const to = layerOf(target);
    // a test may also start the reference server: it is what conformance tests run against
    const allowed = to === from || LAYERS[from].includes(to) || (file.endsWith('.test.ts') && to === 'reference-server');
    return allowed ? [] : [`${file} imports ${target} (${from} may import ${LAYERS[from].join(', ') || 'no other layer'})`];
  });
}

describe('layers', () => {
  const files = Object.keys(LAYERS).flatMap((layer) => tsFiles(join(root, layer)));

  it('finds the code of every layer', () => {
    for (const layer of Object.keys(LAYERS)) expect(files.some((f) => layerOf(relative(root, f)) === layer), layer).toBe(true);
  });

  it('no import goes against the order', () => {
    const edges = files.flatMap((f) => importsOf(f).map((t) => [relative(root, f), t] as const));
    expect(edges.length).toBeGreaterThan(100);
    expect(violations(edges)).toEqual([]);
  });

  it('every top-level directory with code is a layer', () => {
    const dirs = readdirSync(root).filter((d) => !d.startsWith('.') && !['node_modules', 'dist', 'examples', 'reports'].includes(d) && statSync(join(root, d)).isDirectory());
    const withCode = dirs.filter((d) => tsFiles(join(root, d)).length > 0);
    expect(withCode.sort()).toEqual(Object.keys(LAYERS).sort());
  });

  it('would catch an import against the order', () => {
    expect(violations([[join('explorer', 'explore.ts'), join('random', 'random.ts')]])).toHaveLength(1);
    expect(violations([[join('reference-server', 'tenant.ts'), join('machines', 'world.ts')]])).toHaveLength(1);
    expect(violations([[join('conformance', 'harness.ts'), join('reference-server', 'server.ts')]])).toHaveLength(1);
    expect(violations([[join('check', 'check.ts'), join('explorer', 'explore.ts')]])).toEqual([]);
    expect(violations([[join('conformance', 'faults.test.ts'), join('reference-server', 'server.ts')]])).toEqual([]);
  });
});
