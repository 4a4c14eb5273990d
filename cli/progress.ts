// cli/progress.ts: progress a person can trust, for `n2w check` and `n2w conform`. A time left from the
// first moment (the plan's expected cost, check/cost.ts, corrected by what the work done really took), a
// line fitted to the terminal's width, and off a terminal plain lines at each tenth of the work or every
// HEARTBEAT_MS, whichever comes first, never more often than MIN_GAP_MS.
import { cpus } from 'node:os';
import cliProgress from 'cli-progress';
import type { PlannedFamily } from '../check/cost.js';

/** Seconds left, and whether anything measured backs them yet (otherwise only the plan does). */
export interface Left { seconds: number; measured: boolean }

/**
 * The time left of a check planned as families (check/cost.ts): each family's expected cost, corrected by
 * the ratio of real to expected cost of the families done (the recent ones weigh most, by cost: the first carry
 * the threads' warm-up, and the machine's load changes), its batch's own once some of the batch is done; spread
 * over the workers, less what the families in flight have done so far. Before any family is done, the plan.
 */
export class CheckEstimate {
  private readonly byKey = new Map<string, PlannedFamily>();
  private readonly finished: { batch: number; prior: number; actual: number }[] = [];
  private readonly doneKeys = new Set<string>();
  private readonly prior: number[] = [];
  private total: number;
  private readonly started: number;
  private readonly plan: PlannedFamily[];

  /** `slowdown`: what the machine's load is expected to multiply the plan's costs by (machineSlowdown) */
  constructor(plan: readonly PlannedFamily[], private readonly workers: number, private readonly now: () => number = () => performance.now(), private readonly slowdown = 1) {
    this.plan = plan.map((f) => ({ ...f }));
    for (const f of this.plan) {
      this.byKey.set(`${f.batch}:${f.first}`, f);
      this.prior[f.batch] = (this.prior[f.batch] ?? 0) + f.ms;
    }
    this.total = this.plan.reduce((s, f) => s + f.ms, 0);
    this.started = now();
  }

  /** A better expected cost for families not done yet (check/cost.ts's reviser, once what they reuse is known). */
  revise(cost: (f: PlannedFamily) => number | null): void {
    for (const f of this.plan) {
      if (this.doneKeys.has(`${f.batch}:${f.first}`)) continue;
      const ms = cost(f);
      if (ms === null) continue;
      this.prior[f.batch] += ms - f.ms;
      this.total += ms - f.ms;
      f.ms = ms;
    }
  }

  familyDone(batch: number, first: number, ms: number): void {
    const key = `${batch}:${first}`;
    const f = this.byKey.get(key);
    if (!f || this.doneKeys.has(key)) return;
    this.doneKeys.add(key);
    // each worker's first family carries its warm-up (the JIT), and the first batch runs beside the main
    // thread's mutants (cli/check.ts): they count a third toward the batches after (a batch's own ratio is
    // the same whatever its families' common weight)
    const w = this.finished.length < this.workers || batch === this.plan[0]?.batch ? WARM_UP : 1;
    this.finished.push({ batch, prior: w * f.ms, actual: w * ms });
  }

  /**
   * Real to expected cost over some finished families, with `pseudo` ms of the plan at `base`; a family
   * weighs less the more expected cost finished after it (`memory` ms: e^-1), by cost, not by count, as one
   * costly family outweighs dozens of cheap ones and their ratios scatter.
   */
  private static ratio(fs: readonly { prior: number; actual: number }[], pseudo: number, base: number, memory: number): number {
    let a = pseudo * base, p = pseudo, after = 0;
    for (let i = fs.length - 1; i >= 0; i--) {
      const w = Math.exp(-after / memory);
      a += w * fs[i].actual;
      p += w * fs[i].prior;
      after += fs[i].prior;
    }
    return p > 0 ? a / p : base;
  }

  /** Per batch, the ratio its families left are expected at. */
  private ratios(): (b: number) => number {
    const memory = MEMORY * this.total;
    // the plan's own weight at the machine's expected slowdown, fading as the finished families' does
    const done = this.finished.reduce((s, f) => s + f.prior, 0);
    const overall = CheckEstimate.ratio(this.finished, 0.03 * this.total * Math.exp(-done / memory), this.slowdown, memory);
    const own = new Map<number, number>();
    return (b) => {
      let r = own.get(b);
      if (r === undefined) own.set(b, (r = CheckEstimate.ratio(this.finished.filter((f) => f.batch === b), this.prior[b] ?? 0, overall, memory)));
      return r;
    };
  }

  private rest(ratio: (b: number) => number) {
    const left = this.plan.filter((f) => !this.doneKeys.has(`${f.batch}:${f.first}`)).map((f) => f.ms * ratio(f.batch));
    // the families in flight are the first not done, in the order workers take them: credit them the worker
    // time spent and not yet accounted for, up to nine tenths of what they are expected to cost
    const flying = left.slice(0, this.workers);
    const spent = (this.now() - this.started) * Math.min(this.workers, Math.max(1, flying.length)) - this.finished.reduce((s, f) => s + f.actual, 0);
    const credit = Math.min(0.9 * flying.reduce((s, x) => s + x, 0), Math.max(0, spent));
    return { left, credit };
  }

  /** How much of the expected work is done, by corrected cost (not by count: families differ a hundredfold). */
  fraction(): number {
    const ratio = this.ratios();
    const all = this.plan.reduce((s, f) => s + f.ms * ratio(f.batch), 0);
    const { left, credit } = this.rest(ratio);
    const todo = left.reduce((s, x) => s + x, 0) - credit;
    return all === 0 ? 1 : Math.min(1, Math.max(0, 1 - todo / all));
  }

  left(): Left {
    const { left, credit } = this.rest(this.ratios());
    const work = Math.max(0, left.reduce((s, x) => s + x, 0) - credit);
    // the tail: with fewer families than workers left, the longest of them bounds the time
    const wall = left.length === 0 ? 0 : Math.max(work / Math.min(this.workers, left.length), Math.max(...left) * 0.5);
    return { seconds: wall / 1000, measured: this.finished.length > 0 };
  }
}

/**
 * A finished family's weight falls by e for each such share of the plan's cost finished after it: replayed
 * on the family timings of a main job and an extended check (2026-12), a tenth halved the median error of
 * the time left against a fixed weight per family (0.85 each), from 19 % to 7 % on the extended check.
 */
export const MEMORY = 0.1;
/** What the first family of each worker counts for. */
export const WARM_UP = 1 / 3;

/**
 * What other processes are expected to multiply a check's costs by: with `load` cores kept busy by them
 * and `threads` of ours on `cores`, each would get cores / (load + threads) of a core. Measured just now
 * (othersBusy), that ratio itself: one busy core beside the main job here, 1.5 planned, 1.5 taken. From
 * the one-minute load average (`lagging`), its square root, as that still counts a run just ended: on two
 * runs here (load 1.9 and 6.4 on 2 cores) the full ratio overshot 1.6 to 1.9 times, its square root came
 * within a fifth. At most 3.
 */
export function machineSlowdown(load: number, threads: number, cores: number, lagging = false): number {
  const ratio = Math.max(1, (load + threads) / Math.max(1, cores));
  return Math.min(3, lagging ? Math.sqrt(ratio) : ratio);
}

/**
 * The time left of one breadth-first exploration, from its levels (explorer/search.ts's progress): each
 * level's frontier grows by the last level's ratio up to the depth bound, and a world costs what the last
 * level's worlds cost (the first levels run cold). Before the third level, the plan's `priorMs`; `afterMs`
 * is what follows the exploration (the random engine).
 */
export class DepthEstimate {
  private last: { depth: number; states: number; frontier: number; elapsedMs: number } | null = null;
  private previous: { frontier: number; elapsedMs: number } = { frontier: 1, elapsedMs: 0 };

  constructor(private readonly depthBound: number, private readonly priorMs: number, private readonly afterMs = 0) {}

  level(p: { depth: number; states: number; frontier: number; elapsedMs: number }): void {
    if (this.last) this.previous = this.last;
    this.last = p;
  }

  fraction(): number {
    const l = this.left().seconds * 1000;
    const spent = this.last?.elapsedMs ?? 0;
    return spent + l === 0 ? 0 : spent / (spent + l);
  }

  left(): Left {
    const p = this.last;
    if (p && (p.frontier === 0 || p.depth >= this.depthBound)) return { seconds: this.afterMs / 1000, measured: true };
    if (!p || p.depth < 3) return { seconds: (Math.max(0, this.priorMs - (p?.elapsedMs ?? 0)) + this.afterMs) / 1000, measured: false };
    const growth = Math.min(50, Math.max(1, p.frontier / Math.max(1, this.previous.frontier)));
    // the last level expanded the previous frontier in the time between the two reports
    const perWorld = (p.elapsedMs - this.previous.elapsedMs) / Math.max(1, this.previous.frontier);
    let worlds = 0;
    for (let k = 0, f = p.frontier; k < this.depthBound - p.depth; k++, f *= growth) worlds += f;
    return { seconds: (worlds * perWorld + this.afterMs) / 1000, measured: true };
  }
}

/**
 * The time left of a conformance run over configurations: each first computes its paths and what it can
 * exercise (PREPARE_MS until one is measured, then the mean of those measured), then runs its paths (their
 * steps known once computed; before, the mean of those computed, or PATH_STEPS) and `runs` random sequences
 * (of the mean length so far; half `maxSteps` before), each step at the measured time per step (STEP_MS
 * before the first sequence: the reference server on this machine).
 */
export class ConformEstimate {
  private readonly prepMs: number[] = [];
  private readonly pathSteps: number[] = [];
  private stepsDone = 0;
  private stepMs = 0;
  private randomSteps = 0;
  private randomDone = 0;
  private current = -1;
  private phase: 'prepare' | 'run' = 'prepare';
  private since: number;
  private steps = 0;
  private currentSteps = 0;
  private currentRandom = 0;

  constructor(private readonly configs: number, private readonly runs: number, private readonly maxSteps: number, private readonly now: () => number = () => performance.now()) {
    this.since = now();
  }

  /** Configuration k begins: its paths are being computed. */
  start(k: number): void { this.current = k; this.phase = 'prepare'; this.since = this.now(); this.currentSteps = 0; this.currentRandom = 0; }

  /** Its paths are computed, with so many steps in all: the sequences begin. */
  prepared(pathSteps: number): void {
    this.prepMs.push(this.now() - this.since);
    this.pathSteps.push(pathSteps);
    this.phase = 'run';
    this.since = this.now();
  }

  /** A sequence of the current configuration done, with its steps; `random` when it was a random one. */
  sequence(steps: number, random: boolean): void {
    const t = this.now();
    this.stepMs += t - this.since;
    this.since = t;
    this.stepsDone += steps;
    this.steps += steps;
    this.currentSteps += steps;
    if (random) { this.randomSteps += steps; this.randomDone++; this.currentRandom++; }
  }

  private perStep(): number { return this.stepsDone > 0 ? this.stepMs / this.stepsDone : STEP_MS; }
  private meanRandom(): number { return this.randomDone > 0 ? this.randomSteps / this.randomDone : this.maxSteps / 2; }
  private meanPrep(): number { return this.prepMs.length ? this.prepMs.reduce((a, b) => a + b, 0) / this.prepMs.length : PREPARE_MS; }
  private meanPaths(): number { return this.pathSteps.length ? this.pathSteps.reduce((a, b) => a + b, 0) / this.pathSteps.length : PATH_STEPS; }

  /** Milliseconds still to go, and those spent. */
  private split(): { todo: number; spent: number } {
    const per = this.perStep();
    const configSteps = (paths: number) => paths + this.runs * this.meanRandom();
    let todo = 0;
    const later = this.configs - Math.max(0, this.current + 1);
    todo += later * (this.meanPrep() + configSteps(this.meanPaths()) * per);
    if (this.current >= 0) {
      if (this.phase === 'prepare') todo += Math.max(0, this.meanPrep() - (this.now() - this.since)) + configSteps(this.meanPaths()) * per;
      else todo += Math.max(0, configSteps(this.pathSteps[this.pathSteps.length - 1]) - this.currentSteps) * per;
    }
    const spent = this.prepMs.reduce((a, b) => a + b, 0) + this.stepMs + (this.now() - this.since);
    return { todo, spent };
  }

  fraction(): number {
    const { todo, spent } = this.split();
    return spent + todo === 0 ? 0 : spent / (spent + todo);
  }

  left(): Left {
    return { seconds: this.split().todo / 1000, measured: this.stepsDone > 0 };
  }

  /** The current configuration's sequences done. */
  sequencesOfCurrent(): number { return this.currentRandom; }
}

/** The priors of ConformEstimate: 34 s for the default run against the reference server here (8 configurations, 11,105 steps, 2 ms each; 1.5 s preparing each). */
export const STEP_MS = 2;
export const PREPARE_MS = 1_500;
export const PATH_STEPS = 280;

/** "~1 min 5 s left", "~8 s left", "~2 h 10 min left"; "(planned)" until something measured backs it. */
export function formatLeft(l: Left | null): string {
  if (!l) return 'estimating the time left';
  const s = Math.round(l.seconds);
  const t = s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
  return `~${t} left${l.measured ? '' : ' (planned)'}`;
}

/** "1.2M", "35.4k", "812". */
export const compact = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n)));

/** What a progress line says: a label, the fraction done, then segments by importance (the first ones stay when the line is cut). */
export interface ProgressView { label: string; fraction: number; segments: string[] }

const BAR_MIN = 10;
const BAR_MAX = 40;

/**
 * One line of at most `columns - 1` characters (the last column would wrap on some terminals): the label,
 * a bar as wide as what is left allows (10 to 40), the percentage and as many segments, in order, as fit.
 */
export function fitLine(v: ProgressView, columns: number): string {
  const width = Math.max(20, columns) - 1;
  const pct = `${Math.floor(v.fraction * 100)}%`.padStart(4);
  const bar = (n: number) => {
    const full = Math.round(Math.min(1, Math.max(0, v.fraction)) * n);
    return `${'█'.repeat(full)}${'░'.repeat(n - full)}`;
  };
  for (let keep = v.segments.length; keep >= 0; keep--) {
    const tail = [pct, ...v.segments.slice(0, keep)].join(' | ');
    const room = width - v.label.length - tail.length - 2;
    if (room >= BAR_MIN) return `${v.label} ${bar(Math.min(BAR_MAX, room))} ${tail}`;
  }
  // too narrow for a bar: the label, the percentage and what fits of the first segment
  return `${v.label} ${pct}${v.segments[0] ? ` | ${v.segments[0]}` : ''}`.slice(0, width);
}

/** The plain line off a terminal: the label, the percentage and every segment. */
export const plainLine = (v: ProgressView): string => `${v.label}: ${Math.floor(v.fraction * 100)}%${v.segments.length ? `, ${v.segments.join(', ')}` : ''}`;

/** Off a terminal: a line at each `STEP` of the work, and at least every HEARTBEAT_MS, never closer than MIN_GAP_MS. */
export const PLAIN_STEP = 0.1;
export const HEARTBEAT_MS = 10_000;
export const MIN_GAP_MS = 2_000;

/** Decides when a plain line is due: `due(fraction)` is true at most once per tenth and at least once per heartbeat. */
export class PlainSchedule {
  private lastAt: number;
  private lastFraction = 0;

  constructor(private readonly now: () => number = () => performance.now(), private readonly step = PLAIN_STEP, private readonly heartbeat = HEARTBEAT_MS, private readonly minGap = MIN_GAP_MS) {
    this.lastAt = now();
  }

  due(fraction: number): boolean {
    const t = this.now();
    const since = t - this.lastAt;
    const stepped = Math.floor(fraction / this.step) > Math.floor(this.lastFraction / this.step);
    if ((stepped && since >= this.minGap) || since >= this.heartbeat) {
      this.lastAt = t;
      this.lastFraction = fraction;
      return true;
    }
    return false;
  }
}

/** A live view of some work; `log` prints a line above it. */
export interface LiveProgress { update(): void; log(line: string): void; stop(): void }

/**
 * Shows `view()` on `stream`: on a terminal a line redrawn (by cli-progress) at each update and a few times
 * a second, cut to the terminal's current width, with logged lines above it; elsewhere a plain line
 * whenever PlainSchedule says so, and from a timer too so that a long quiet stretch still gets its
 * heartbeat (the timer does not keep the process alive).
 */
export function liveProgress(estimated: () => ProgressView, stream: NodeJS.WriteStream = process.stderr): LiveProgress {
  // the share done never goes back, though the estimate of the whole may grow
  let most = 0;
  const view = (): ProgressView => { const v = estimated(); most = Math.max(most, v.fraction); return { ...v, fraction: most }; };
  // an update per result is tens of thousands in a large run, and an estimate walks the whole plan: at most
  // one every 200 ms (the timer and the terminal's own redraws fill the gaps)
  let last = -Infinity;
  const throttled = (f: () => void) => () => { const t = performance.now(); if (t - last >= 200) { last = t; f(); } };
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar({
      stream, hideCursor: true, clearOnComplete: false, linewrap: false, fps: 4,
      format: () => fitLine(view(), stream.columns || 80),
    });
    const bar = bars.create(1000, 0);
    return {
      update: throttled(() => bar.update(Math.round(view().fraction * 1000))),
      log: (line) => bars.log(`${line}\n`),
      stop: () => { bar.update(1000); bars.stop(); },
    };
  }
  const schedule = new PlainSchedule();
  const maybe = () => { const v = view(); if (schedule.due(v.fraction)) stream.write(`${plainLine(v)}\n`); };
  const timer = setInterval(maybe, 1_000);
  timer.unref();
  return { update: throttled(maybe), log: (line) => stream.write(`${line}\n`), stop: () => { maybe(); clearInterval(timer); } };
}

/** CPU time so far, of all cores and of this process, to tell later how busy the others kept the machine (othersBusy). */
export interface CpuSample { at: number; busy: number; total: number; cores: number; own: number }

export function cpuSample(): CpuSample {
  let busy = 0, total = 0;
  const all = cpus();
  for (const { times: t } of all) {
    const sum = t.user + t.nice + t.sys + t.idle + t.irq;
    total += sum;
    busy += sum - t.idle;
  }
  const own = process.cpuUsage();
  return { at: performance.now(), busy, total, cores: all.length, own: (own.user + own.system) / 1000 };
}

/**
 * How many cores other processes kept busy between two samples: the machine's busy share less this
 * process's own use; null over less than MIN_SAMPLE_MS (too short to tell). Unlike the load average, it
 * no longer counts a run that has just ended.
 */
export function othersBusy(from: CpuSample, to: CpuSample): number | null {
  const wall = to.at - from.at;
  if (wall < MIN_SAMPLE_MS || to.total <= from.total) return null;
  const busy = ((to.busy - from.busy) / (to.total - from.total)) * to.cores;
  return Math.max(0, busy - (to.own - from.own) / wall);
}
export const MIN_SAMPLE_MS = 100;
