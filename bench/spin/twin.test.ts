// bench/spin/twin.test.ts: the Spin twin is current (what gen.ts writes from the code) and pan stores the
// explorer's raw graph of the `default` scope under the golden configuration, depth by depth: the same
// states and the same transitions. Where spin or gcc is missing the second test is skipped (`.ci/run`
// installs the `spin` package); with CI=true it fails instead.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/explore.js';
import { goldenSetting } from '../../explorer/golden.js';
import { DEFAULT } from '../../explorer/scopes.js';
import { generateTwin, twinFile, unsupported } from './gen.js';
import { buildPan, missingTools } from './pan.js';

const missing = missingTools();
const ci = process.env.CI === 'true';
const why = `${missing.join(' and ')} not installed: .ci/run installs the spin package (apt-get install -y spin; gcc is on the machine)`;
if (missing.length > 0 && !ci) console.warn(`bench/spin/twin.test.ts: skipping pan against the explorer: ${why}`);

describe('the Spin twin of the default scope', () => {
  it('is current: bench/spin/n2w-default.pml is what gen.ts writes (node dist/bench/spin/gen.js --write)', () => {
    expect(readFileSync(twinFile(), 'utf8')).toBe(generateTwin());
  });

  it('refuses a setting it does not model, naming the feature', () => {
    const s = goldenSetting();
    const rotating = { ...s, config: { ...s.config, native: { ...s.config.native, rotationType: 'rotating' as const } } };
    expect(unsupported(rotating, DEFAULT)).toEqual([expect.stringContaining('rotation')]);
    expect(() => generateTwin(rotating, DEFAULT)).toThrow(/does not model refresh-token rotation/);
  });

  it.skipIf(missing.length > 0 && !ci)(`pan stores the explorer's raw graph (canonical: false), states and transitions depth by depth${missing.length > 0 && !ci ? ` (skipped: ${why})` : ''}`, () => {
    if (missing.length > 0) throw new Error(`CI=true and ${why}`);
    // the explorer: distinct states per depth, transitions generated up to each depth
    const transitionsTo: number[] = [0];
    const r = explore(goldenSetting(), DEFAULT, {
      canonical: false, properties: [], coverage: false, twins: false,
      onProgress: (p) => { transitionsTo[p.depth] = p.transitions; },
    });
    const statesTo = r.statesByDepth.map((_, d) => r.statesByDepth.slice(0, d + 1).reduce((x, y) => x + y, 0));
    const pan = buildPan(generateTwin(), 'n2w-default.pml');
    try {
      const twin: { depth: number; states: number; transitions: number }[] = [];
      const explorer: typeof twin = [];
      let before = 1;
      for (let d = 1; d <= DEFAULT.depth; d++) {
        const p = pan.run(d);
        // pan's breadth-first count adds one per state at the depth bound, plus one (bench/spin/README.md)
        twin.push({ depth: d, states: p.states, transitions: p.transitions - (p.states - before) - 1 });
        before = p.states;
        explorer.push({ depth: d, states: statesTo[d], transitions: transitionsTo[d] });
      }
      expect(twin).toEqual(explorer);
    } finally {
      pan.dispose();
    }
  }, 180_000);
});
