// bench/spin/bench.ts (`npm run bench:spin [-- --rounds N] [--write]`): the explorer against Spin on the `default`
// scope under the golden configuration, in one run. Builds pan from the twin (bench/spin/gen.ts), then
// alternates, round after round: pan over the raw graph (breadth first to the scope's depth), the
// explorer's full verdict (canonical states, every property, coverage: what bench:explore measures) and the
// explorer over the raw graph with nothing else (canonical: false, no property, no coverage, every event
// stepped: what pan does). Prints CPU times (user + system) per round, their medians and minimums, and the
// ratios explorer / pan; `--write` puts them in bench/RESULTS.md's `bench:spin` section. Needs `spin` and gcc (.ci/run installs the spin package).
import os from 'node:os';
import { explore, type ExploreOptions } from '../../explorer/explore.js';
import { goldenSetting } from '../../explorer/golden.js';
import { DEFAULT, SMOKE } from '../../explorer/scopes.js';
import { PROPERTIES } from '../../properties/index.js';
import { generateTwin } from './gen.js';
import { buildPan, missingTools } from './pan.js';
import { writeRequested, writeSection } from '../results.js';

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const rounds = arg('--rounds', 7);
const missing = missingTools();
if (missing.length > 0) {
  console.error(`bench:spin needs ${missing.join(' and ')} (apt-get install -y spin; .ci/run installs it)`);
  process.exit(2);
}

const MODES: Record<string, Partial<ExploreOptions>> = {
  full: {},
  // sleep sets (explorer/por.ts): the same states and verdict, fewer transitions stepped
  'full-por': { por: true },
  'raw-bare': { canonical: false, properties: [], coverage: false, twins: false },
};
/** one exploration, its CPU time (this process's user + system, garbage collection included) */
function explorer(mode: string) {
  const c0 = process.cpuUsage();
  const r = explore(goldenSetting(), DEFAULT, { properties: PROPERTIES, ...MODES[mode] });
  const c = process.cpuUsage(c0);
  return { states: r.states, transitions: r.transitions, cpuSeconds: (c.user + c.system) / 1e6 };
}
// pan's hash table sized for the graph (2^20 slots for ~0.4 million states): pan's default (2^24) spends
// more system time clearing 128 MB than it saves
const PAN_OPTIONS = ['-w20'];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const min = (xs: number[]) => Math.min(...xs);
const sec = (x: number) => `${x.toFixed(3)} s`;
const n = (x: number) => x.toLocaleString('en');

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}; scope default (depth ${DEFAULT.depth}), golden configuration`);
const started = performance.now();
const pan = buildPan(generateTwin(), 'n2w-default.pml');
console.log(`pan built in ${((performance.now() - started) / 1000).toFixed(1)} s (spin -a; gcc -O2 -DBFS -DSAFETY -DNOREDUCE); run as ./pan -m${DEFAULT.depth} ${PAN_OPTIONS.join(' ')}`);
try {
  // warm-up: the explorer's JIT (a smoke run, then each mode once), pan's binary in the page cache
  explore(goldenSetting(), SMOKE, { properties: PROPERTIES });
  const warm = { pan: pan.run(DEFAULT.depth, ...PAN_OPTIONS), full: explorer('full'), raw: explorer('raw-bare') };
  if (warm.pan.states !== warm.raw.states) throw new Error(`bench:spin: pan stores ${warm.pan.states} states, the explorer's raw graph has ${warm.raw.states}: the twin is out of step (npx vitest run bench/spin)`);
  console.log(`pan: ${n(warm.pan.states)} states; explorer raw-bare: ${n(warm.raw.states)} states, ${n(warm.raw.transitions)} transitions; full verdict: ${n(warm.full.states)} canonical states, ${n(warm.full.transitions)} transitions\n`);
  const t = { pan: [] as number[], full: [] as number[], por: [] as number[], raw: [] as number[] };
  for (let r = 1; r <= rounds; r++) {
    t.pan.push(pan.run(DEFAULT.depth, ...PAN_OPTIONS).cpuSeconds);
    t.full.push(explorer('full').cpuSeconds);
    t.por.push(explorer('full-por').cpuSeconds);
    t.raw.push(explorer('raw-bare').cpuSeconds);
    console.log(`round ${r}: pan ${sec(t.pan.at(-1)!)}   explorer full ${sec(t.full.at(-1)!)}   with sleep sets ${sec(t.por.at(-1)!)}   explorer raw-bare ${sec(t.raw.at(-1)!)}`);
  }
  const summary = [
    `pan: ${n(warm.pan.states)} states (the raw graph); the explorer's full verdict: ${n(warm.full.states)} canonical states, ${n(warm.full.transitions)} transitions. CPU time (user + system), ${rounds} alternating rounds:`,
    '',
    '| run | median | minimum | ratio to pan (medians) |',
    '|---|---|---|---|',
    `| pan, raw graph (\`-m${DEFAULT.depth} ${PAN_OPTIONS.join(' ')}\`) | ${sec(median(t.pan))} | ${sec(min(t.pan))} | 1 |`,
    `| explorer, full verdict (canonical states, every property, coverage) | ${sec(median(t.full))} | ${sec(min(t.full))} | ${(median(t.full) / median(t.pan)).toFixed(2)} |`,
    `| explorer, full verdict with sleep sets (\`por: true\`: the same states and verdict) | ${sec(median(t.por))} | ${sec(min(t.por))} | ${(median(t.por) / median(t.pan)).toFixed(2)} |`,
    `| explorer, raw graph with nothing else (\`canonical: false\`, no property) | ${sec(median(t.raw))} | ${sec(min(t.raw))} | ${(median(t.raw) / median(t.pan)).toFixed(2)} |`,
  ];
  console.log(`\n${summary.join('\n')}`);
  console.log(`ratio explorer full / pan: ${(median(t.full) / median(t.pan)).toFixed(2)} (medians), ${(min(t.full) / min(t.pan)).toFixed(2)} (minimums)`);
  if (writeRequested()) writeSection('spin', 'npm run bench:spin -- --write', summary.join('\n'));
} finally {
  pan.dispose();
}
