// --reporter junit|sarif on n2w check and n2w conform: the SARIF validates against the SARIF 2.1.0 schema
// (as @microsoft/jest-sarif ships it), has a result per failing goal cell, rule violation or divergence
// located at its file and failing line, with the levels the exit code goes by; the JUnit has a testsuite per
// property (per configuration for conform) whose failures are what fails the run; both are the same bytes
// run after run; a bad --reporter is exit 2 naming the flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { convert } from 'xmlbuilder2';
import type * as Sarif from 'sarif';
import { n2w, scratch } from './test-cli.js';
import { PROPERTIES } from '../properties/index.js';
import { checkFindings, junitXml, lineOf, parseReporters, sarifLog } from './reporters.js';
import type { BuiltReport, CounterexampleFile, Report } from './report/report.js';
import { conformCommand } from './conform.js';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { COVERING_RUNS } from '../conformance/configs.js';

const ROOT = resolve(import.meta.dirname, '..');
const addFormats = addFormatsModule as unknown as (ajv: AjvDraft04) => AjvDraft04;
const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// (unicodeRegExp off: the schema's language-tag pattern is not a valid /u expression)
const validate = addFormats(new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false })).compile(schema);
const read = (f: string) => readFileSync(f, 'utf8');
const sarifOf = (dir: string) => JSON.parse(read(join(dir, 'report.sarif'))) as Sarif.Log;

/** The file a SARIF location names, on disk: %SRCROOT% is the working directory, N2W_OUT the run's base. */
function fileOf(log: Sarif.Log, l: Sarif.ArtifactLocation): string {
  if (l.uriBaseId === '%SRCROOT%') return resolve(l.uri!);
  return join(fileURLToPath(log.runs[0].originalUriBaseIds![l.uriBaseId!].uri!), l.uri!);
}

type Xml = Record<string, unknown>;
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const suitesOf = (xml: string) => list((convert(xml, { format: 'object' }) as { testsuites: { testsuite: Xml | Xml[] } }).testsuites.testsuite);
const casesOf = (s: Xml) => list(s.testcase as Xml | Xml[]);

describe('n2w check --reporter', () => {
  // the whole space in scope smoke, explorer only: every goal fails somewhere, in a few seconds
  const out = scratch('n2w-reporters-');
  const dir = join(out.dir, 'r');
  let report: Report;
  let first: { sarif: string; junit: string };
  beforeAll(() => {
    const r = n2w('check', '--scope', 'smoke', '--runs', '0', '--reporter', 'sarif', '--reporter', 'junit', '--out', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`for CI: ${join(dir, 'report.junit.xml')}, ${join(dir, 'report.sarif')}`);
    report = JSON.parse(read(join(dir, 'report.json'))) as Report;
    first = { sarif: read(join(dir, 'report.sarif')), junit: read(join(dir, 'report.junit.xml')) };
  });

  it('writes SARIF 2.1.0 that the schema accepts, tool n2w with a rule per property', () => {
    const log = sarifOf(dir);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('n2w');
    // in the report's order (PROPERTIES' order under node, which lists a module's exports by name)
    expect(driver.rules!.map((r) => r.id)).toEqual(report.properties.map((p) => p.id));
    expect(driver.rules!.length).toBe(PROPERTIES.length);
    for (const p of PROPERTIES) {
      const rule = driver.rules!.find((r) => r.id === p.id)!;
      expect(rule.shortDescription!.text).toBe(p.claim);
      expect(rule.properties!.specRules).toEqual([...p.rules]);
    }
  });

  it('has one result per failing goal cell, a warning (goals do not fail the run), located at its counterexample\'s failing step', () => {
    const log = sarifOf(dir);
    const results = log.runs[0].results!;
    const cells = report.riskMatrix.flatMap((g) => [...g.terms.map((t) => ({ goal: g.goal, file: t.counterexample, steps: t.steps })), ...g.others.map((o) => ({ goal: g.goal, file: o.counterexample, steps: o.steps }))])
      .concat(report.secondApp!.goals.flatMap((g) => [...g.terms, ...g.others].map((t) => ({ goal: g.goal, file: t.counterexample, steps: t.steps }))));
    expect(cells.length).toBeGreaterThan(5);
    expect(results.length).toBe(cells.length);
    for (const [i, c] of cells.entries()) {
      const res = results[i];
      expect(res.ruleId).toBe(c.goal);
      expect(res.level).toBe('warning');
      expect(res.message.text).toContain(`shortest counterexample: ${c.steps} steps, in configuration ${c.file.replace(/^counterexamples\/[^-]+(-[^-]+)*?--/, '').replace(/\.json$/, '')}`);
      const loc = res.locations![0].physicalLocation!;
      const file = fileOf(log, loc.artifactLocation!);
      expect(file).toBe(join(dir, c.file));
      const lines = read(file).split('\n');
      expect(lines[loc.region!.startLine! - 1]).toMatch(/^\s*"violation": \{/);
    }
    // each cell named apart across runs
    expect(new Set(results.map((r) => r.partialFingerprints!['n2wFinding/v1'])).size).toBe(results.length);
  });

  it('writes JUnit with a testsuite per property and the mutants; no failure, the findings in system-out', () => {
    const suites = suitesOf(first.junit);
    expect(suites.map((s) => s['@name'])).toEqual([...report.properties.map((p) => p.id), 'non-vacuity']);
    expect(first.junit).toMatch(/<testsuites name="n2w check" tests="\d+" failures="0" errors="0"/);
    const theft = casesOf(suites.find((s) => s['@name'] === 'no-token-theft-takeover')!);
    expect(theft.length).toBe(sarifOf(dir).runs[0].results!.filter((r) => r.ruleId === 'no-token-theft-takeover').length);
    expect(String(theft[0]['system-out'])).toMatch(/^finding \(warning: not a failure of this run; goals fail the run with --fail-on security\): no-token-theft-takeover fails .*\nfile: counterexamples\/no-token-theft-takeover--.*\.json$/);
    const mutants = casesOf(suites.find((s) => s['@name'] === 'non-vacuity')!);
    expect(mutants.length).toBe(report.nonVacuity.mutants.length);
  });

  it('is the same bytes when run again, and with --fail-on security the goal cells are errors and failures', () => {
    const r = n2w('check', '--scope', 'smoke', '--runs', '0', '--reporter', 'junit,sarif', '--fail-on', 'security', '--out', dir);
    expect(r.code).toBe(1);
    const log = sarifOf(dir);
    expect(log.runs[0].results!.every((x) => x.level === 'error')).toBe(true);
    expect(log.runs[0].tool.driver.rules!.find((x) => x.id === 'no-replay')!.defaultConfiguration!.level).toBe('error');
    const junit = read(join(dir, 'report.junit.xml'));
    expect(junit).toMatch(new RegExp(`<testsuites name="n2w check" tests="\\d+" failures="${log.runs[0].results!.length}"`));
    expect(junit).toContain('<failure message="no-replay fails');
    const again = n2w('check', '--scope', 'smoke', '--runs', '0', '--reporter', 'sarif,junit', '--out', dir);
    expect(again.code).toBe(0);
    expect(read(join(dir, 'report.sarif'))).toBe(first.sarif);
    expect(read(join(dir, 'report.junit.xml'))).toBe(first.junit);
  });

  it('locates files relative to the repository when --out is inside it', () => {
    const log = sarifLog(checkFindings({ report, counterexamples: new Map() }, { out: 'reports', failOnSecurity: false }), 'reports');
    const loc = log.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!;
    expect(loc).toEqual({ uri: `reports/${report.riskMatrix.find((g) => g.failsIn > 0)!.terms[0].counterexample}`, uriBaseId: '%SRCROOT%' });
    expect(log.runs[0].originalUriBaseIds).toBeUndefined();
  });

  it('makes a rule violation an error and a JUnit failure naming its file and line', () => {
    const file = report.riskMatrix[0].terms[0].counterexample;
    const ce = JSON.parse(read(join(dir, file))) as CounterexampleFile;
    const violated: Report = { ...report, ruleViolations: [{ property: 'lineage-kept', config: 'n-x', counterexample: file, steps: 4, message: 'the parent is lost' }] };
    const built: BuiltReport = { report: violated, counterexamples: new Map([[file.replace('counterexamples/', ''), ce]]) };
    const x = checkFindings(built, { out: dir, failOnSecurity: false });
    const log = sarifLog(x, dir);
    expect(validate(log)).toBe(true);
    const r = log.runs[0].results![0];
    expect([r.ruleId, r.level]).toEqual(['lineage-kept', 'error']);
    expect(r.message.text).toBe(`lineage-kept is violated in configuration n-x: the parent is lost (shortest counterexample: 4 steps; replay: n2w replay ${join(dir, file)})`);
    expect(r.locations![0].physicalLocation!.region!.startLine).toBe(lineOf(`${JSON.stringify(ce, null, 2)}\n`, 'violation'));
    const lineage = suitesOf(junitXml(x)).find((s) => s['@name'] === 'lineage-kept')!;
    expect(lineage['@failures']).toBe('1');
    expect(String((casesOf(lineage)[0].failure as Xml)['#'])).toContain(`file: ${file}:${r.locations![0].physicalLocation!.region!.startLine}`);
  });
});

describe('--reporter: bad values', () => {
  it('names the flag and what it takes (exit 2), before anything runs', () => {
    const r = n2w('check', '--reporter', 'xml', '--out', scratch('n2w-rep-').dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--reporter xml: expected junit or sarif (or both: --reporter junit,sarif)');
    expect(n2w('check', '--shard', '1/2', '--reporter', 'sarif').err).toContain('--reporter: not with --shard');
    expect(() => parseReporters(['junit,'])).toThrow('--reporter "": expected junit or sarif');
    expect(parseReporters(['sarif,junit', 'sarif'])).toEqual(['junit', 'sarif']);
  });

  it('on conform too, with --replay refused', async () => {
    const lines: string[] = [];
    expect(await conformCommand({ url: 'http://127.0.0.1:1', runs: 1, seed: 1, maxSteps: 2, out: scratch('n2w-rep-').dir, reporter: ['tap'], print: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toContain('n2w conform: --reporter tap: expected junit or sarif');
    expect(await conformCommand({ url: 'http://127.0.0.1:1', runs: 1, seed: 1, maxSteps: 2, out: scratch('n2w-rep-').dir, reporter: ['sarif'], replay: 'x.json', print: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toContain('--reporter: not with --replay');
  });
});

describe('n2w conform --reporter', () => {
  let faulty: RunningServer;
  beforeAll(async () => { faulty = await startServer({ port: 0, testMode: true, faults: ['ignore-device-binding'] }); });
  afterAll(async () => { await faulty?.close(); });

  const run = async (dir: string) => {
    const lines: string[] = [];
    const code = await conformCommand({ url: faulty.url, runs: 5, seed: 3, maxSteps: 6, out: dir, reporter: ['junit', 'sarif'], print: (l) => lines.push(l) });
    return { code, lines, sarif: read(join(dir, 'report.sarif')), junit: read(join(dir, 'report.junit.xml')) };
  };

  it('a divergence is one SARIF error at its trace\'s divergence, and a JUnit failure in its configuration; the rest skipped; the same bytes again', async () => {
    const dir = join(scratch('n2w-conform-rep-').dir, 'out');
    const a = await run(dir);
    expect(a.code).toBe(1);
    const log = JSON.parse(a.sarif) as Sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = log.runs[0].results!;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([['conformance-divergence', 'error']]);
    const loc = results[0].locations![0].physicalLocation!;
    const trace = fileOf(log, loc.artifactLocation!);
    expect(trace).toBe(join(dir, 'conform-divergence-seed3.json'));
    expect(read(trace).split('\n')[loc.region!.startLine! - 1]).toMatch(/^\s*"divergence": \{/);
    expect(results[0].message.text).toMatch(/^under configuration default \(n-[^)]+\) the implementation diverges from the model at step \d+ of \d+ on [a-zA-Z, ]+ \(.*shrunk from \d+ to \d+ steps\); replay: n2w conform --replay .*conform-divergence-seed3\.json$/);
    const suites = suitesOf(a.junit);
    expect(suites.length).toBe(COVERING_RUNS.length);
    expect(suites[0]['@failures']).toBe('1');
    expect(suites.slice(1).every((s) => s['@skipped'] === '2')).toBe(true);
    expect(a.lines.join('\n')).toContain(`for CI: ${join(dir, 'report.junit.xml')}, ${join(dir, 'report.sarif')}`);
    const b = await run(dir);
    expect(b.sarif).toBe(a.sarif);
    expect(b.junit).toBe(a.junit);
  });
});
