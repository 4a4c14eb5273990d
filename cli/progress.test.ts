// cli/progress.ts: the time left is right from the start when the plan's costs are (and is corrected when
// they are not), a line never overflows the terminal, and off a terminal lines come at each tenth or
// heartbeat, never as a flood.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PlannedFamily } from '../check/cost.js';
import { CheckEstimate, ConformEstimate, cpuSample, DepthEstimate, fitLine, formatLeft, machineSlowdown, MIN_SAMPLE_MS, othersBusy, PATH_STEPS, PlainSchedule, PREPARE_MS, STEP_MS, type ProgressView } from './progress.js';

/** Two workers take the plan's families in order, each family taking `factor(i)` times its planned cost: when each is done. */
function simulate(plan: readonly PlannedFamily[], workers: number, factor: (i: number) => number): { at: number; f: PlannedFamily; ms: number }[] {
  const free = Array.from({ length: workers }, () => 0);
  return plan.map((f, i) => {
    const w = free.indexOf(Math.min(...free));
    const ms = f.ms * factor(i);
    free[w] += ms;
    return { at: free[w], f, ms };
  }).sort((a, b) => a.at - b.at);
}

/** The worst relative error of the time left, sampled at each twentieth of the run. */
function worstError(plan: readonly PlannedFamily[], factor: (i: number) => number, slowdown = 1): { first: number; worst: number } {
  const done = simulate(plan, 2, factor);
  const end = done.at(-1)!.at;
  let now = 0;
  const e = new CheckEstimate(plan, 2, () => now, slowdown);
  let k = 0, worst = 0, first = NaN;
  for (let t = 0; t < end * 0.9; t += end / 20) {
    while (k < done.length && done[k].at <= t) { e.familyDone(done[k].f.batch, done[k].f.first, done[k].ms); k++; }
    now = t;
    const err = Math.abs(e.left().seconds * 1000 - (end - t)) / end;
    if (t === 0) first = err;
    worst = Math.max(worst, err);
  }
  return { first, worst };
}

// families of very different costs, interleaved as dispatchOrder hands them out, then a second batch
const PLAN: PlannedFamily[] = [
  ...Array.from({ length: 32 }, (_, i) => ({ batch: 0, first: i * 24, size: 24, ms: [2300, 640, 1400, 150][i % 4] })),
  ...Array.from({ length: 8 }, (_, i) => ({ batch: 1, first: i * 12, size: 12, ms: 900 })),
];

describe('CheckEstimate', () => {
  it('gives the plan divided among the workers before anything is done, marked as planned', () => {
    const e = new CheckEstimate(PLAN, 2, () => 0);
    const total = PLAN.reduce((s, f) => s + f.ms, 0);
    expect(e.left()).toEqual({ seconds: total / 2 / 1000, measured: false });
    expect(formatLeft(e.left())).toMatch(/\(planned\)$/);
    expect(new CheckEstimate(PLAN, 2, () => 0, 2).left().seconds).toBeCloseTo(total / 1000);
  });

  it('is right from the start when the plan is, and stays right (within 10 % of the run)', () => {
    const r = worstError(PLAN, (i) => [1.1, 0.9, 1, 1.05][i % 4]);
    expect(r.first).toBeLessThan(0.1);
    expect(r.worst).toBeLessThan(0.1);
  });

  it('corrects a plan that is off by a factor (a loaded machine) once families come back', () => {
    const r = worstError(PLAN, () => 2.5);
    // at the start it cannot know: the plan is 2.5 times too short
    expect(r.first).toBeGreaterThan(0.5);
    const done = simulate(PLAN, 2, () => 2.5);
    let now = 0;
    const e = new CheckEstimate(PLAN, 2, () => now);
    for (const d of done.slice(0, 10)) e.familyDone(d.f.batch, d.f.first, d.ms);
    now = done[9].at;
    const truth = done.at(-1)!.at - now;
    expect(Math.abs(e.left().seconds * 1000 - truth) / truth).toBeLessThan(0.2);
  });

  it('takes a batch\'s own ratio once part of it is done (a batch of reused explorations runs at a third of its plan)', () => {
    const done = simulate(PLAN, 2, (i) => (i >= 32 ? 0.3 : 1));
    let now = 0;
    const e = new CheckEstimate(PLAN, 2, () => now);
    for (const d of done.filter((x) => x.f.batch === 0 || x.f.first < 36)) { e.familyDone(d.f.batch, d.f.first, d.ms); now = d.at; }
    const truth = done.at(-1)!.at - now;
    expect(e.left().seconds * 1000).toBeLessThan(2 * truth + 300);
  });

  it('takes a revised cost for the families not yet done, and keeps what the done ones took', () => {
    const e = new CheckEstimate(PLAN, 2, () => 0);
    e.familyDone(0, 0, PLAN[0].ms);
    const before = e.left().seconds;
    const batch1 = PLAN.filter((f) => f.batch === 1).reduce((s, f) => s + f.ms, 0);
    e.revise((f) => (f.batch === 1 || f.first === 0 ? f.ms * 3 : null));
    expect(e.left().seconds).toBeCloseTo(before + batch1 / 1000, 1);
  });

  it('counts the done share by cost, not by count of families', () => {
    const plan: PlannedFamily[] = [{ batch: 0, first: 0, size: 1, ms: 9000 }, { batch: 0, first: 1, size: 1, ms: 1000 }];
    const e = new CheckEstimate(plan, 1, () => 9000);
    e.familyDone(0, 0, 9000);
    expect(e.fraction()).toBeCloseTo(0.9, 1);
  });
});

describe('machineSlowdown', () => {
  it('is 1 on an idle machine with a core per thread, and grows with the load (at most 3)', () => {
    expect(machineSlowdown(0, 2, 2)).toBe(1);
    expect(machineSlowdown(1, 2, 2)).toBe(1.5);
    expect(machineSlowdown(40, 2, 2)).toBe(3);
  });
  it('takes the square root of a lagging load average', () => {
    expect(machineSlowdown(6, 2, 2, true)).toBe(2);
    expect(machineSlowdown(0, 2, 2, true)).toBe(1);
  });
});

describe('DepthEstimate', () => {
  it('from the levels of scope deep (golden configuration), after depth 6: within a fifth of the 350 s it took', () => {
    // explored depth k: states, at the elapsed ms that run printed (n2w explore --scope deep, 2026-12)
    const levels = [[1, 15, 15], [2, 198, 61], [3, 2023, 189], [4, 16449, 925], [5, 112543, 2012], [6, 696030, 9670]];
    const d = new DepthEstimate(8, 360_000);
    expect(d.left().measured).toBe(false);
    let prev = 1;
    for (const [depth, states, ms] of levels) { d.level({ depth, states, frontier: states - prev, elapsedMs: ms }); prev = states; }
    expect(d.left().seconds).toBeGreaterThan(280);
    expect(d.left().seconds).toBeLessThan(420);
  });

  it('costs a world at the last level\'s rate: a slow, cold start does not inflate the rest', () => {
    // 20 s before the first level (JIT, a loaded machine), then 0.1 ms per world expanded
    const frontiers = [1, 14, 183, 1825, 14426, 96094, 583487];
    const d = new DepthEstimate(8, 1000);
    let states = 1, elapsed = 20_000;
    for (let depth = 1; depth <= 6; depth++) {
      elapsed += 0.1 * frontiers[depth - 1];
      states += frontiers[depth];
      d.level({ depth, states, frontier: frontiers[depth], elapsedMs: elapsed });
    }
    const truth = 0.1 * (583487 + 583487 * (583487 / 96094)) / 1000;
    expect(Math.abs(d.left().seconds - truth) / truth).toBeLessThan(0.05);
  });

  it('is done when the frontier empties before the bound', () => {
    const d = new DepthEstimate(8, 1000, 200);
    d.level({ depth: 3, states: 50, frontier: 0, elapsedMs: 10 });
    expect(d.left()).toEqual({ seconds: 0.2, measured: true });
  });
});

describe('ConformEstimate', () => {
  it('plans every configuration from the start, then measures the time per step', () => {
    let now = 0;
    const e = new ConformEstimate(8, 200, 10, () => now);
    expect(e.left().seconds).toBeCloseTo((8 * (PREPARE_MS + (PATH_STEPS + 200 * 5) * STEP_MS)) / 1000);
    e.start(0);
    now = 1000;
    e.prepared(100);
    // 4 ms a step: twice the prior
    for (let i = 0; i < 50; i++) { now += 4 * 5; e.sequence(5, i >= 20); }
    const perConfig = 1000 + (100 + 200 * 5) * 4;
    expect(e.left().measured).toBe(true);
    expect(e.left().seconds * 1000).toBeCloseTo(7 * perConfig + (1100 - 250) * 4, -2);
  });
});

describe('fitLine', () => {
  const v: ProgressView = { label: 'checking', fraction: 0.42, segments: ['~21 s left', '322/864 configurations', '12.3M states', '1.9M states/s', '310 MB'] };
  it.each([30, 50, 80, 120, 300])('fits %i columns, keeping the time left first', (cols) => {
    const line = fitLine(v, cols);
    expect(line.length).toBeLessThanOrEqual(cols - 1);
    expect(line).toContain('42%');
    if (cols >= 50) expect(line).toContain('~21 s left');
  });

  it('drops the last segments before shrinking the bar below its minimum, and grows the bar to 40 at most', () => {
    const narrow = fitLine(v, 60);
    expect(narrow).not.toContain('310 MB');
    expect(narrow).toMatch(/[█░]{10,}/);
    const wide = fitLine(v, 300);
    expect(wide).toContain('310 MB');
    expect(wide.match(/[█░]+/)![0].length).toBe(40);
  });
});

describe('PlainSchedule', () => {
  it('a line per tenth, never two within 2 s, and a heartbeat after 10 s without one', () => {
    let now = 0;
    const s = new PlainSchedule(() => now);
    // a flood of progress within a second: one line at most
    let lines = 0;
    for (let i = 1; i <= 1000; i++) { now = i; if (s.due(i / 1000)) lines++; }
    expect(lines).toBeLessThanOrEqual(1);
    // slow progress: nothing new for 10 s still gets a line
    now = 5_000;
    expect(s.due(0.05)).toBe(false);
    now = 20_000;
    expect(s.due(0.05)).toBe(true);
    // a tenth crossed after the gap
    now = 23_000;
    expect(s.due(0.11)).toBe(true);
  });
});

describe('othersBusy', () => {
  const at = (ms: number, busy: number, total: number, own: number) => ({ at: ms, busy, total, cores: 2, own });
  it('counts the cores kept busy less this process’s own use', () => {
    // 1 s of wall time on 2 cores: 1.5 core-seconds busy, 0.5 of them this process's
    expect(othersBusy(at(0, 0, 0, 0), at(1000, 1500, 2000, 500))).toBeCloseTo(1, 5);
    expect(othersBusy(at(0, 0, 0, 0), at(1000, 400, 2000, 500))).toBe(0);
  });
  it('will not tell from too short a sample', () => {
    expect(othersBusy(at(0, 0, 0, 0), at(MIN_SAMPLE_MS - 1, 10, 20, 0))).toBeNull();
  });
  it('reads this machine', () => {
    const a = cpuSample();
    expect(a.cores).toBeGreaterThan(0);
    expect(a.total).toBeGreaterThan(a.busy);
  });
});

describe('CheckEstimate on recorded runs', () => {
  // the families of two real runs as the workers reported them (cli/timings/): the time left the estimate
  // would have shown each second, against the time the run really had left
  const replay = (file: string) => {
    const rows = readFileSync(new URL(`./timings/${file}`, import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(' ').map(Number)).map(([batch, first, size, ms, actual, at]) => ({ batch, first, size, ms, actual, at }));
    let clock = Math.max(0, rows[0].at - rows[0].actual);
    const e = new CheckEstimate(rows.map(({ batch, first, size, ms }) => ({ batch, first, size, ms })), 2, () => clock);
    const end = rows.at(-1)!.at;
    const errors: number[] = [];
    for (let i = 0; clock < end; clock += 1000) {
      while (i < rows.length && rows[i].at <= clock) { e.familyDone(rows[i].batch, rows[i].first, rows[i].actual); i++; }
      const real = (end - clock) / 1000;
      if (real > 5) errors.push(Math.abs(e.left().seconds - real) / real);
    }
    return errors.sort((a, b) => a - b)[Math.floor(errors.length / 2)];
  };
  it('is within a sixth of the time left, at the median, on the main job', () => {
    expect(replay('main-job.txt')).toBeLessThan(1 / 6);
  });
  it('is within a tenth, at the median, on the extended check', () => {
    expect(replay('extended-check.txt')).toBeLessThan(0.1);
  });
});
