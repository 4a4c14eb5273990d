// cli/reporters.ts: `--reporter junit|sarif` on `n2w check` and `n2w conform`: the findings where CI systems
// look, beside the usual outputs. SARIF 2.1.0 (report.sarif): tool n2w, a rule per property (or per kind of
// conformance finding), a result per failing goal cell, rule violation or divergence, located at its
// counterexample or trace file. JUnit XML (report.junit.xml): a testsuite per property (per configuration
// for conform). Both deterministic to the byte: no times, no absolute paths inside the repository, the
// report's own order. A JUnit failure, like a SARIF error, is what makes the command exit 1.
import { writeFileSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { PROPERTIES } from '../properties/index.js';
import type { BuiltReport, Report } from './report/report.js';
import { TOOL_VERSION } from './report/report.js';
import { toJson } from './report/write.js';
import { InputError } from './errors.js';

export const REPORTERS = ['junit', 'sarif'] as const;
export type ReporterName = (typeof REPORTERS)[number];
export const SARIF_FILE = 'report.sarif';
export const JUNIT_FILE = 'report.junit.xml';

/** `--reporter junit`, `--reporter junit,sarif` or the flag twice: the names, each once, in REPORTERS' order. */
export function parseReporters(values: readonly string[] | undefined): ReporterName[] {
  const names = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const n of names) {
    if (!(REPORTERS as readonly string[]).includes(n)) throw new InputError(`--reporter ${n || '""'}: expected junit or sarif (or both: --reporter junit,sarif)`);
  }
  return REPORTERS.filter((r) => names.includes(r));
}

/** Commander's collector for a repeatable --reporter. */
export const collectReporter = (v: string, prev: string[] = []): string[] => [...prev, v];

/** One thing a CI system should show: a rule and level, a message, and the file that shows it. */
export interface Finding {
  ruleId: string;
  level: 'error' | 'warning';
  message: string;
  /** the counterexample or trace, relative to the --out directory, with the line of its failing step */
  file: string | null;
  line?: number;
  /** what names this finding across runs (configuration, cell), for SARIF's fingerprint */
  key: string;
  /** for JUnit: the testsuite and the testcase */
  suite: string;
  testcase: string;
  properties?: Record<string, unknown>;
}

/** A testcase that passed, was skipped, or holds a finding that does not fail the run (written to its system-out). */
export interface Passed { suite: string; testcase: string; skipped?: string; note?: string }

/** What a reporter writes from: findings, what passed, the rules, and a line for the run. */
export interface Findings {
  command: 'check' | 'conform';
  rules: Sarif.ReportingDescriptor[];
  findings: Finding[];
  passed: Passed[];
  /** the testsuites in order (each finding's and passed testcase's suite is one of them) */
  suites: { name: string; properties?: Record<string, string> }[];
  /** the run's scope, said with every result: what was explored, not a proof */
  scope: string;
  /** a harness error, said as a failed execution (SARIF) and as JUnit errors, not failures */
  harnessError?: string;
  errors?: Finding[];
}

/** The line of a JSON file (1-based) where `key` first opens, for the SARIF region of a counterexample's failing step. */
export function lineOf(json: string, key: string): number | undefined {
  const at = json.indexOf(`"${key}":`);
  return at < 0 ? undefined : json.slice(0, at).split('\n').length;
}

// ---------------------------------------------------------------------------------------------
// n2w check

/** conditions.ts's term for every configuration checked (one given, say): no condition to name */
const ANY = 'any configuration checked';
const cells = (n: number) => `${n} configuration${n === 1 ? '' : 's'}`;
const caps = (c: readonly string[]) => c.join(', ');

/** The findings of a check's report: rule violations, each failing goal cell, what changes with a reading, vacuous mutants. */
export function checkFindings(built: BuiltReport, opts: { out: string; failOnSecurity: boolean; withAction?: BuiltReport | null; actionDir?: string }): Findings {
  const r = built.report;
  const goalLevel = opts.failOnSecurity ? 'error' : 'warning';
  const findings: Finding[] = [];
  const passed: Passed[] = [];
  const line = (file: string, b: BuiltReport = built) => {
    const ce = b.counterexamples.get(file.replace(/^counterexamples\//, ''));
    return ce ? lineOf(toJson(ce), 'violation') : undefined;
  };
  const attacker = caps(r.scope.attacker);
  const scope = scopeLine(r);
  const claim = new Map(r.properties.map((p) => [p.id, p.claim]));

  for (const v of r.ruleViolations) {
    findings.push({
      ruleId: v.property, level: 'error', file: v.counterexample, line: line(v.counterexample), key: `rule:${v.config}`,
      message: `${v.property} is violated in configuration ${v.config}: ${v.message} (shortest counterexample: ${v.steps} steps; replay: n2w replay ${join(opts.out, v.counterexample)})`,
      suite: v.property, testcase: v.config,
    });
  }
  for (const v of r.secondApp?.ruleViolations ?? []) {
    findings.push({
      ruleId: v.property, level: 'error', file: v.counterexample, line: line(v.counterexample), key: `rule:second-app:${v.config}`,
      message: `${v.property} is violated with a second web app, in configuration ${v.config}: ${v.message} (shortest counterexample: ${v.steps} steps)`,
      suite: v.property, testcase: `second web app: ${v.config}`,
    });
  }
  if (opts.withAction) {
    for (const v of opts.withAction.report.ruleViolations) {
      const file = `${opts.actionDir}/${v.counterexample}`;
      findings.push({
        ruleId: v.property, level: 'error', file, line: line(v.counterexample, opts.withAction), key: `rule:action:${v.config}`,
        message: `${v.property} is violated with the post-login Action ${r.action?.file ?? ''}, in configuration ${v.config}: ${v.message} (shortest counterexample: ${v.steps} steps)`,
        suite: v.property, testcase: `with the Action: ${v.config}`,
      });
    }
  }
  // a goal cell: the goal, the attacker's capabilities, and one flag condition (or one configuration no condition covers)
  const goalCells = (goal: string, where: string, capabilities: string, rows: { when: string; configurations: number; counterexample: string; steps: number }[], others: { config: string; counterexample: string; steps: number }[], testcase: string, b?: BuiltReport, prefix = '') => {
    for (const t of rows) {
      const label = t.counterexample.replace(/^.*counterexamples\//, '').replace(/\.json$/, '').replace(`${goal}--`, '');
      findings.push({
        ruleId: goal, level: goalLevel, file: `${prefix}${t.counterexample}`, line: line(t.counterexample, b), key: `goal:${where}:${capabilities}:${t.when}`,
        message: `${goal} fails${where ? ` ${where}` : ''} against an attacker with ${capabilities}${t.when === ANY ? '' : ` when ${t.when} (${cells(t.configurations)})`}; shortest counterexample: ${t.steps} steps, in configuration ${label}`,
        suite: goal, testcase: t.when === ANY ? `${testcase}${label}` : `${testcase}when ${t.when}`, properties: { capabilities, condition: t.when, configurations: t.configurations, steps: t.steps },
      });
    }
    for (const o of others) {
      findings.push({
        ruleId: goal, level: goalLevel, file: `${prefix}${o.counterexample}`, line: line(o.counterexample, b), key: `goal:${where}:${capabilities}:${o.config}`,
        message: `${goal} fails${where ? ` ${where}` : ''} against an attacker with ${capabilities} in configuration ${o.config}; shortest counterexample: ${o.steps} steps`,
        suite: goal, testcase: `${testcase}${o.config}`, properties: { capabilities, configuration: o.config, steps: o.steps },
      });
    }
  };
  for (const g of r.riskMatrix) goalCells(g.goal, '', attacker, g.terms, g.others, '');
  for (const c of r.capabilityGrid?.cells ?? []) goalCells(c.goal, 'in the capability grid', caps(c.capabilities), c.terms, c.others, `with ${caps(c.capabilities)}: `);
  for (const g of r.secondApp?.goals ?? []) goalCells(g.goal, 'with a second web app where the first alone keeps it', attacker, g.terms, g.others, 'second web app: ');
  for (const g of r.action?.goals ?? []) {
    if (g.with.failsIn === 0 || !g.counterexample) continue;
    findings.push({
      ruleId: g.goal, level: goalLevel, file: g.counterexample, key: `goal:action:${g.condition}`,
      line: opts.withAction ? line(g.counterexample.replace(`${opts.actionDir}/`, ''), opts.withAction) : undefined,
      message: `${g.goal} still fails with the post-login Action ${r.action!.file} in ${g.with.failsIn} of ${g.with.of} configurations: ${g.condition}; shortest counterexample: ${g.steps} steps`,
      suite: g.goal, testcase: `with the Action: ${g.condition}`,
    });
  }
  for (const c of r.sensitivity?.changes ?? []) {
    for (const t of c.widens?.terms ?? []) {
      // under readings other than the run's: a finding about the docs' silences, not a failure of this run
      findings.push({
        ruleId: c.property, level: 'warning', file: t.counterexample, line: line(t.counterexample), key: `reading:${t.when}`,
        message: `${c.property} fails under the readings ${t.when} where the defaults keep it (${cells(t.configurations)}); shortest counterexample: ${t.steps} steps, in configuration ${t.counterexample.replace(/^counterexamples\//, '').replace(/\.json$/, '')}`,
        suite: c.property, testcase: `under the readings ${t.when}`,
      });
    }
  }
  for (const m of r.nonVacuity.mutants.filter((x) => !x.caughtBy.includes(x.mainCatcher))) {
    findings.push({
      ruleId: m.mainCatcher, level: 'error', file: 'report.json', key: `mutant:${m.id}`,
      message: `${m.mainCatcher} did not catch the mutant ${m.id} (${m.description}) in ${r.nonVacuity.runs} random sequences: the property may be vacuous`,
      suite: 'non-vacuity', testcase: m.id,
    });
  }

  // what passed: a testcase per property with no finding, and one per mutant caught
  for (const p of r.properties) {
    if (findings.some((f) => f.suite === p.id)) continue;
    const n = r.scope.configurations;
    if (p.status === 'not exercised') passed.push({ suite: p.id, testcase: `every configuration (${n})`, skipped: `not exercised: its premise never held, so "no violation" says nothing (${scope})` });
    else if (p.status === 'holds vacuously') passed.push({ suite: p.id, testcase: `every configuration (${n})`, skipped: `holds vacuously: ${p.vacuousBecause}` });
    else passed.push({ suite: p.id, testcase: `every configuration (${n})`, note: `no violation ${scope}` });
  }
  for (const m of r.nonVacuity.mutants) if (m.caughtBy.includes(m.mainCatcher)) passed.push({ suite: 'non-vacuity', testcase: m.id, note: `caught by ${m.mainCatcher}` });

  const rules: Sarif.ReportingDescriptor[] = PROPERTIES.map((p) => ({
    id: p.id,
    shortDescription: { text: claim.get(p.id) ?? p.claim },
    defaultConfiguration: { level: p.kind === 'rule' ? 'error' : goalLevel },
    properties: { kind: p.kind, specRules: [...p.rules], tags: p.kind === 'goal' ? ['security'] : ['spec-rule'] },
  }));
  return {
    command: 'check', rules, findings, passed,
    suites: [...PROPERTIES.map((p) => ({ name: p.id, properties: { kind: p.kind, rules: p.rules.join(', '), claim: claim.get(p.id) ?? p.claim } })), { name: 'non-vacuity' }],
    scope,
  };
}

/** What the check explored, in a phrase: "within the explorer's scope default to depth 6 and 230,400 random sequences over 768 configurations". */
function scopeLine(r: Report): string {
  const s = r.scope;
  const parts = [
    s.explorer && `the explorer's scope ${s.explorer.scope} to depth ${s.explorer.depth}`,
    s.random && `${s.random.sequences.toLocaleString('en-US')} random sequences of up to ${s.random.maxSteps} steps (seed ${s.random.seed})`,
  ].filter(Boolean);
  return `within ${parts.join(' and ')} over ${cells(s.configurations)}`;
}

// ---------------------------------------------------------------------------------------------
// n2w conform

/** What a conformance run did, as the reporters need it (cli/conform.ts gathers it). */
export interface ConformOutcome {
  /** every configuration of the run, those after a divergence not run */
  configurations: { name: string; why: string; label: string; ran: boolean; result?: 'conformant' | 'divergence' | 'error'; paths?: number; sequences?: number; steps?: number }[];
  seed: number;
  maxSteps: number;
  /** the saved trace of a divergence or harness error: its file relative to --out, and its text */
  /** `file` relative to --out, `path` as written (what --replay takes) */
  trace?: { file: string; path: string; text: string; kind: 'divergence' | 'error'; configuration: string; source: { kind: string; name?: string; run?: number; originalLength?: number }; step: number; fields: string[]; message?: string; steps: number };
  races?: {
    concurrency: number;
    /** a failure's `file` relative to --out, `path` as written */
    summaries: { scenario: string; why: string; histories: number; linearizable: number; inconclusive: number; failure?: { file: string; path: string; history: number } }[];
    code: { kind: string; ops: { status?: number }[] };
  };
}

const CONFORM_RULES: Sarif.ReportingDescriptor[] = [
  { id: 'conformance-divergence', shortDescription: { text: 'The implementation answers a step otherwise than the model does (MODEL.md §9): an outcome, a reason, an issued, revoked or consumed token, or a log line differs.' }, defaultConfiguration: { level: 'error' }, properties: { kind: 'conformance' } },
  { id: 'race-not-linearizable', shortDescription: { text: 'Overlapping requests got answers that no order of them, one at a time, gives on the model.' }, defaultConfiguration: { level: 'error' }, properties: { kind: 'conformance' } },
];

/** The findings of a conformance run: the divergence (shrunk), each history no order explains. */
export function conformFindings(o: ConformOutcome): Findings {
  const findings: Finding[] = [];
  const passed: Passed[] = [];
  const suites: Findings['suites'] = [];
  let harnessError: string | undefined;
  const t = o.trace;
  for (const c of o.configurations) {
    const suite = `${c.name}: ${c.why}`;
    suites.push({ name: suite, properties: { configuration: c.label } });
    const paths = `covering paths${c.paths !== undefined ? ` (${c.paths})` : ''}`;
    const random = `random sequences${c.sequences !== undefined ? ` (${c.sequences}, seed ${o.seed}, up to ${o.maxSteps} steps)` : ` (seed ${o.seed})`}`;
    if (!c.ran) {
      for (const tc of [paths, random]) passed.push({ suite, testcase: tc, skipped: 'not run: an earlier configuration diverged, and the run stops at the first divergence' });
      continue;
    }
    const failedIn = t && c.result !== 'conformant' ? (t.source.kind === 'path' ? paths : random) : null;
    for (const tc of [paths, random]) {
      if (tc !== failedIn) {
        passed.push({ suite, testcase: tc, ...(failedIn === paths && tc === random ? { skipped: 'not run: the covering paths diverged first' } : { note: 'every observation matched the model' }) });
        continue;
      }
      const from = `${t!.source.kind === 'path' ? `covering path "${t!.source.name}"` : `random sequence ${t!.source.run} (seed ${o.seed})`}, shrunk from ${t!.source.originalLength} to ${t!.steps} steps`;
      if (t!.kind === 'error') {
        harnessError = `harness error at step ${t!.step} under configuration ${c.name}: ${t!.message}`;
        findings.push({ ruleId: 'harness-error', level: 'error', file: t!.file, line: lineOf(t!.text, 'error'), key: `error:${c.name}`, message: `${harnessError} (${from}; the trace so far is kept)`, suite, testcase: tc });
      } else {
        findings.push({
          ruleId: 'conformance-divergence', level: 'error', file: t!.file, line: lineOf(t!.text, 'divergence'), key: `divergence:${c.name}:${t!.fields.join(',')}`,
          message: `under configuration ${c.name} (${c.label}) the implementation diverges from the model at step ${t!.step} of ${t!.steps} on ${t!.fields.join(', ')} (${from}); replay: n2w conform --replay ${t!.path}`,
          suite, testcase: tc, properties: { configuration: c.label, step: t!.step, fields: t!.fields, steps: t!.steps },
        });
      }
    }
  }
  if (o.races) {
    const suite = `races: ${o.races.concurrency} overlapping requests per history`;
    suites.push({ name: suite });
    for (const s of o.races.summaries) {
      if (s.failure) {
        findings.push({
          ruleId: 'race-not-linearizable', level: 'error', file: s.failure.file, key: `race:${s.scenario}`,
          message: `race ${s.scenario}: history ${s.failure.history} of ${o.races.concurrency} overlapping requests is not linearizable against the model (${s.why}); replay: n2w conform --replay ${s.failure.path}`,
          suite, testcase: s.scenario,
        });
      } else if (s.inconclusive > 0) {
        harnessError ??= `race ${s.scenario}: ${s.inconclusive} of ${s.histories} histories inconclusive (the search ran out of budget)`;
        findings.push({ ruleId: 'harness-error', level: 'error', file: null, key: `race-inconclusive:${s.scenario}`, message: harnessError, suite, testcase: s.scenario });
      } else passed.push({ suite, testcase: s.scenario, note: `${s.linearizable}/${s.histories} histories linearizable` });
    }
    const code = o.races.code;
    if (code.kind === 'not-linearizable') {
      findings.push({ ruleId: 'race-not-linearizable', level: 'error', file: null, key: 'race:one-code-twice', message: `one authorization code redeemed ${o.races.concurrency} times at once was answered ${code.ops.map((x) => x.status || 'no answer').join(', ')}: more than one success (RFC 6749 §4.1.2)`, suite, testcase: 'one-code-twice' });
    } else passed.push({ suite, testcase: 'one-code-twice', ...(code.kind === 'not-offered' ? { skipped: 'not exercised: the adapter offers no authorizationCode/redeemCode' } : { note: 'linearizable' }) });
  }
  const ran = o.configurations.filter((c) => c.ran);
  const scope = `${ran.reduce((n, c) => n + (c.paths ?? 0), 0)} covering paths and ${ran.reduce((n, c) => n + (c.sequences ?? 0), 0)} random sequences (seed ${o.seed}) under ${cells(ran.length)}`;
  return { command: 'conform', rules: CONFORM_RULES, findings: findings.filter((f) => f.ruleId !== 'harness-error'), passed, suites, scope, harnessError, errors: findings.filter((f) => f.ruleId === 'harness-error') };
}

// ---------------------------------------------------------------------------------------------
// the files

/**
 * Where a file of --out is, for SARIF: relative to the repository (the working directory) when --out is
 * inside it, as code-scanning services resolve paths; otherwise relative to --out, whose file URL the run
 * gives as N2W_OUT.
 */
function locator(out: string): { at: (file: string) => Sarif.ArtifactLocation; bases?: Sarif.Run['originalUriBaseIds'] } {
  const rel = relative(process.cwd(), resolve(out));
  const posix = (p: string) => p.split(sep).join('/');
  if (!rel.startsWith('..') && !isAbsolute(rel)) return { at: (file) => ({ uri: posix(join(rel, file)), uriBaseId: '%SRCROOT%' }) };
  return { at: (file) => ({ uri: posix(file), uriBaseId: 'N2W_OUT' }), bases: { N2W_OUT: { uri: `${pathToFileURL(resolve(out)).href}/` } } };
}

const fingerprint = (f: Finding) => createHash('sha256').update(`${f.ruleId}\n${f.key}`).digest('hex').slice(0, 32);

export function sarifLog(x: Findings, out: string): Sarif.Log {
  const loc = locator(out);
  const index = new Map(x.rules.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = x.findings.map((f) => ({
    ruleId: f.ruleId,
    ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
    level: f.level,
    message: { text: f.message },
    ...(f.file ? { locations: [{ physicalLocation: { artifactLocation: loc.at(f.file), ...(f.line ? { region: { startLine: f.line } } : {}) } }] } : {}),
    partialFingerprints: { 'n2wFinding/v1': fingerprint(f) },
    ...(f.properties ? { properties: f.properties } : {}),
  }));
  const notifications: Sarif.Notification[] = (x.errors ?? []).map((f) => ({
    level: 'error', message: { text: f.message },
    ...(f.file ? { locations: [{ physicalLocation: { artifactLocation: loc.at(f.file), ...(f.line ? { region: { startLine: f.line } } : {}) } }] } : {}),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'n2w', version: TOOL_VERSION, semanticVersion: TOOL_VERSION, rules: x.rules } },
      automationDetails: { id: `n2w/${x.command}/` },
      ...(loc.bases ? { originalUriBaseIds: loc.bases } : {}),
      invocations: [{ executionSuccessful: x.errors === undefined || x.errors.length === 0, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
      results,
      properties: { scope: x.scope },
    }],
  };
}

export function junitXml(x: Findings): string {
  type Case = { testcase: string; failure?: Finding; error?: Finding; skipped?: string; out?: string };
  const bySuite = new Map<string, Case[]>(x.suites.map((s) => [s.name, []]));
  const add = (suite: string, c: Case) => { if (!bySuite.has(suite)) bySuite.set(suite, []); bySuite.get(suite)!.push(c); };
  // the report's order within a suite: findings first (as found), then what passed
  for (const f of x.findings) {
    add(f.suite, f.level === 'error' ? { testcase: f.testcase, failure: f } : { testcase: f.testcase, out: `finding (${f.level}: not a failure of this run${x.command === 'check' ? '; goals fail the run with --fail-on security' : ''}): ${f.message}${f.file ? `\nfile: ${f.file}` : ''}` });
  }
  for (const f of x.errors ?? []) add(f.suite, { testcase: f.testcase, error: f });
  for (const p of x.passed) add(p.suite, { testcase: p.testcase, ...(p.skipped ? { skipped: p.skipped } : { out: p.note }) });
  const count = (cs: Case[]) => ({ tests: cs.length, failures: cs.filter((c) => c.failure).length, errors: cs.filter((c) => c.error).length, skipped: cs.filter((c) => c.skipped).length });
  const all = [...bySuite.values()].flat();
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: `n2w ${x.command}`, ...strings(count(all)) });
  const props = new Map(x.suites.map((s) => [s.name, s.properties]));
  for (const [name, cs] of bySuite) {
    if (cs.length === 0) continue;
    const suite: XMLBuilder = root.ele('testsuite', { name, ...strings(count(cs)) });
    const p = props.get(name);
    if (p) { const ps = suite.ele('properties'); for (const [k, v] of Object.entries(p)) ps.ele('property', { name: k, value: v }); }
    for (const c of cs) {
      const tc = suite.ele('testcase', { name: c.testcase, classname: `n2w.${x.command}.${name.split(':')[0]}` });
      if (c.failure) tc.ele('failure', { message: c.failure.message, type: c.failure.ruleId }).txt(`${c.failure.message}\nfile: ${c.failure.file ?? '-'}${c.failure.line ? `:${c.failure.line}` : ''}`);
      if (c.error) tc.ele('error', { message: c.error.message, type: 'harness-error' }).txt(`${c.error.message}${c.error.file ? `\nfile: ${c.error.file}` : ''}`);
      if (c.skipped) tc.ele('skipped', { message: c.skipped });
      if (c.out) tc.ele('system-out').txt(c.out);
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}

const strings = (o: Record<string, number>): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

/** Writes each reporter's file into --out; returns their paths. */
export function writeReporters(out: string, names: readonly ReporterName[], x: Findings): string[] {
  if (names.length === 0) return [];
  mkdirSync(out, { recursive: true });
  return names.map((n) => {
    const file = join(out, n === 'sarif' ? SARIF_FILE : JUNIT_FILE);
    writeFileSync(file, n === 'sarif' ? toJson(sarifLog(x, out)) : junitXml(x));
    return file;
  });
}
