// cli/run.ts: `n2w run SCENARIO` and `n2w replay FILE`.
import pc from 'picocolors';
import { loadScenario, parseScenario } from './input.js';
import { readJsonFile } from './read.js';
import { EXIT, InputError } from './errors.js';
import { isConformanceTrace } from './conform.js';
import { runScenario, ScenarioReferenceError, type ScenarioInput, type ScenarioRun } from '../random/scenario.js';
import { describeStep, describeWorld } from './format.js';
import { propertyById } from '../properties/index.js';
import type { Violation } from '../properties/index.js';

function runChecked(scenario: ScenarioInput, file: string): ScenarioRun {
  try {
    return runScenario(scenario);
  } catch (e) {
    if (e instanceof ScenarioReferenceError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

function printRun(run: ScenarioRun, mark?: Violation): void {
  const width = String(run.observations.length).length;
  for (const o of run.observations) {
    const failing = run.violations.some((v) => v.step === o.step) ? pc.red('✗') : ' ';
    process.stdout.write(`${failing} ${String(o.step).padStart(width)}. ${describeStep(o)}\n`);
  }
  process.stdout.write(`\n${describeWorld(run.world)}\n\n`);
  if (run.violations.length === 0) process.stdout.write(`${pc.green('no property violated')} in ${run.observations.length} steps\n`);
  // a property that keeps failing (a world invariant) is shown once, at its first step
  const first = new Map<string, { v: Violation; more: number }>();
  for (const v of run.violations) {
    const seen = first.get(v.property);
    if (seen) seen.more++;
    else first.set(v.property, { v, more: 0 });
  }
  for (const { v, more } of first.values()) {
    const p = propertyById(v.property)!;
    const tag = v.kind === 'rule' ? pc.red('spec rule violated') : pc.yellow('security goal fails');
    const here = mark && v.property === mark.property ? pc.bold(' ← the saved failure') : '';
    const again = more > 0 ? ` (and at ${more} later step${more > 1 ? 's' : ''})` : '';
    process.stdout.write(`${tag} ${pc.bold(v.property)} (${p.rules.join(', ')}) at step ${v.step}${again}: ${v.message}${here}\n`);
  }
}

const exitCode = (violations: Violation[], failOn?: string) =>
  violations.some((v) => v.kind === 'rule' || failOn === 'security') ? EXIT.propertyFailed : EXIT.ok;

export function runCommand(file: string, opts: { json?: boolean; failOn?: string }): number {
  const run = runChecked(loadScenario(file), file);
  if (opts.json) process.stdout.write(`${JSON.stringify({ observations: run.observations, world: run.world, violations: run.violations }, null, 2)}\n`);
  else printRun(run);
  return exitCode(run.violations, opts.failOn);
}

export function replayCommand(file: string, opts: { json?: boolean }): number {
  const raw = readJsonFile(file);
  // a trace of `n2w conform` has steps too, but it is replayed against the implementation, not the model
  if (isConformanceTrace(raw)) {
    throw new InputError(`${file}: a conformance trace written by n2w conform (a ${raw.kind} at step ${raw.divergence?.step ?? raw.error?.step ?? '?'}), not a counterexample; replay it against the implementation with n2w conform --replay ${file} --url URL (or --adapter FILE)`);
  }
  const saved = raw as { property?: unknown; violation?: { step?: unknown; message?: unknown } };
  if (typeof saved.property !== 'string' || !propertyById(saved.property)) {
    throw new InputError(`${file}: property: expected the id of a property (this is not a counterexample file; use n2w run for scenarios)`);
  }
  const run = runChecked(parseScenario(raw, file), file);
  const again = run.violations.find((v) => v.property === saved.property);
  const same = again !== undefined && again.step === saved.violation?.step && again.message === saved.violation?.message;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ property: saved.property, reproduced: same, violation: again ?? null, observations: run.observations, world: run.world, violations: run.violations }, null, 2)}\n`);
  } else {
    printRun(run, again);
    process.stdout.write(same
      ? `\n${pc.bold('reproduced:')} ${saved.property} fails at step ${again!.step}, as saved\n`
      : `\n${pc.bold(pc.yellow('not reproduced:'))} the saved failure was ${saved.property} at step ${String(saved.violation?.step)}; ${again ? `now it fails at step ${again.step}: ${again.message}` : 'now it holds'}\n`);
  }
  return same ? EXIT.propertyFailed : EXIT.ok;
}
