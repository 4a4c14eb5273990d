// bench/spin/pan.ts: builds Spin's verifier (pan) from a Promela text in a temporary folder and runs it
// breadth first to a depth, for the twin's test and `npm run bench:spin`. Needs `spin` and gcc on the PATH
// (.ci/run installs the operating system's `spin` package).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The commands pan needs that this machine lacks (empty: pan can be built). */
export function missingTools(): string[] {
  return ['spin', 'gcc'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0);
}

export interface PanRun {
  /** states stored: every distinct state up to the depth, the initial one included */
  states: number;
  /** pan's "transitions (= stored+matched)"; breadth first with -mK it also counts one per state at depth K, plus one */
  transitions: number;
  /** user + system CPU seconds of the pan process (bash's `time`) */
  cpuSeconds: number;
  /** pan's own output */
  output: string;
}

export interface Pan {
  readonly dir: string;
  /** runs pan breadth first to `depth` (-m), with pan's own options after */
  run(depth: number, ...options: string[]): PanRun;
  /** removes the folder */
  dispose(): void;
}

const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench/spin: ${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
};

/**
 * Builds pan from `promela`: `spin -a`, then gcc -O2 with breadth-first search, safety only and no partial-
 * order reduction (the explorer has none: every transition is executed and its successor stored).
 */
export function buildPan(promela: string, name = 'twin.pml'): Pan {
  const dir = mkdtempSync(join(tmpdir(), 'n2w-spin-'));
  try {
    writeFileSync(join(dir, name), promela);
    run('spin', ['-a', name], dir);
    run('gcc', ['-O2', '-DBFS', '-DSAFETY', '-DNOREDUCE', '-o', 'pan', 'pan.c'], dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    run(depth, ...options) {
      // bash's `time` reports the child's user and system CPU; TIMEFORMAT puts them on a line of their own
      const script = `TIMEFORMAT='CPU %U %S'; time ./pan -m${depth} ${options.join(' ')}`;
      const output = run('bash', ['-c', script], dir);
      const num = (re: RegExp, what: string) => {
        const m = re.exec(output);
        if (!m) throw new Error(`bench/spin: pan printed no ${what}:\n${output}`);
        return m;
      };
      if (/errors: [1-9]/.test(output)) throw new Error(`bench/spin: pan found an error (an assert of the twin failed):\n${output}`);
      const cpu = num(/CPU ([0-9.]+) ([0-9.]+)/, 'CPU time');
      return {
        states: Number(num(/(\d+) states, stored/, 'stored states')[1]),
        transitions: Number(num(/(\d+) transitions \(= stored\+matched\)/, 'transitions')[1]),
        cpuSeconds: Number(cpu[1]) + Number(cpu[2]),
        output,
      };
    },
    dispose() { rmSync(dir, { recursive: true, force: true }); },
  };
}
