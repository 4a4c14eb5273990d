// cli/check.ts: `n2w check`: the random engine over the configuration space (or one configuration),
// the report written to --out, and a short summary with the scope actually explored.
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import { configurationSpace, DEFAULT_INTERPRETATIONS, type Config } from '../machines/config.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { checkConfigurations, workerCount, type CheckOptions } from '../engine/check.js';
import { buildReport, nonVacuity } from './report/report.js';
import { writeReport, toJson } from './report/write.js';
import { loadClients, loadConfigFile, parseInterpretationFlags } from './input.js';
import { EXIT, InputError } from './errors.js';
import { describeConfig } from './format.js';

export interface CheckFlags {
  config?: string;
  native?: string;
  web?: string;
  interpret: string[];
  runs: number;
  maxSteps: number;
  seed: number;
  workers: number;
  out: string;
  failOn?: 'security';
  json?: boolean;
}

export async function checkCommand(flags: CheckFlags): Promise<number> {
  if (flags.config && (flags.native || flags.web)) throw new InputError('--config cannot be combined with --native/--web: give one configuration one way');
  if (flags.runs < 1) throw new InputError('--runs: expected at least 1');
  if (flags.maxSteps < 1) throw new InputError('--max-steps: expected at least 1');
  const one: Config | null = flags.config ? loadConfigFile(flags.config) : flags.native || flags.web ? loadClients(flags.native, flags.web) : null;
  const configs = one ? [one] : configurationSpace();
  const opts: CheckOptions = {
    runs: flags.runs, maxSteps: flags.maxSteps, seed: flags.seed,
    interpretations: flags.interpret.length ? parseInterpretationFlags(flags.interpret) : DEFAULT_INTERPRETATIONS,
    population: DEFAULT_POPULATION,
  };
  const workers = workerCount(configs.length, flags.workers);
  const started = performance.now();
  const progress = progressReporter(configs.length);
  const running = checkConfigurations(configs, opts, { workers, onResult: progress.tick });
  // while the workers check configurations, this thread shows that the rule properties can fail
  const mutants = nonVacuity();
  const results = await running;
  progress.stop();
  const seconds = (performance.now() - started) / 1000;

  const built = buildReport(results, opts, one ? 'given configuration' : 'configuration space', mutants, flags.out);
  writeReport(flags.out, built);
  const r = built.report;
  if (flags.json) {
    process.stdout.write(toJson(r));
  } else {
    const out: string[] = [];
    const rnd = r.scope.random;
    out.push(`${pc.bold('n2w check')}: ${configs.length} configuration${configs.length > 1 ? 's' : ''}${one ? ` (${describeConfig(one)})` : ''}; `
      + `${rnd.sequences.toLocaleString('en-US')} random sequences of up to ${rnd.maxSteps} steps (${rnd.steps.toLocaleString('en-US')} steps), seed ${rnd.seed}; `
      + `${seconds.toFixed(1)} s on ${workers} worker${workers > 1 ? 's' : ''}`);
    const rules = r.properties.filter((p) => p.kind === 'rule');
    const broken = rules.filter((p) => p.violatedIn > 0);
    out.push(broken.length === 0
      ? `${pc.green('spec rules')}: no violation of the ${rules.length} rule properties in this scope`
      : `${pc.red('spec rules violated')}: ${broken.map((p) => `${p.id} (${p.violatedIn} configurations)`).join(', ')}`);
    const nv = r.nonVacuity;
    const missed = nv.mutants.filter((m) => !m.caughtBy.includes(m.mainCatcher));
    out.push(missed.length === 0
      ? `${pc.green('non-vacuity')}: each of the ${nv.mutants.length} mutants was caught by its rule property (${nv.runs} sequences each, seed ${nv.seed})`
      : `${pc.red('vacuous properties')}: ${missed.map((m) => `${m.mainCatcher} did not catch ${m.id}`).join(', ')}`);
    out.push(`${pc.bold('security goals')}:`);
    for (const g of r.riskMatrix) {
      const shortest = Math.min(...g.terms.map((t) => t.steps), ...g.others.map((o) => o.steps));
      out.push(g.failsIn === 0
        ? `  ${pc.green('holds')} ${g.goal}: no violation found`
        : `  ${pc.yellow('fails')} ${g.goal} in ${g.failsIn}/${g.of}: ${g.condition} (shortest counterexample: ${shortest} steps)`);
    }
    const missing = Object.entries(r.coverage.missing).filter(([, v]) => v.length > 0);
    out.push(missing.length === 0 ? 'coverage: every reason code, outcome row, actor state, transition and branch reached'
      : `coverage: not reached: ${missing.map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')}`);
    for (const n of r.coverage.notes) out.push(`  note: ${n}`);
    out.push(`report: ${flags.out}/report.md, ${flags.out}/report.json, ${built.counterexamples.size} counterexamples in ${flags.out}/counterexamples/`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  const goalsFail = r.verdict.goalsFailing.length > 0 && flags.failOn === 'security';
  return !r.verdict.specRulesHold || !r.verdict.everyRulePropertyCatchesItsMutants || goalsFail ? EXIT.propertyFailed : EXIT.ok;
}

/** A progress bar on a terminal; on anything else, a plain line every tenth of the work. */
function progressReporter(total: number): { tick: () => void; stop: () => void } {
  let done = 0;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: 'checking {bar} {value}/{total} configurations | {eta_formatted} left', stream: process.stderr, hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { tick: () => bar.update(++done), stop: () => bar.stop() };
  }
  const step = Math.max(1, Math.ceil(total / 10));
  return {
    tick: () => { if (++done % step === 0 && total > 20) process.stderr.write(`checked ${done}/${total} configurations\n`); },
    stop: () => {},
  };
}
