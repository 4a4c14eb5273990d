// cli/report/markdown.ts: Markdown views of the report and of each counterexample. Views only:
// everything shown comes from report.json or the counterexample's JSON.
import { RULES } from '../../machines/rules.js';
import { resolveConfig } from '../../machines/config.js';
import { describeEvent } from '../../machines/events.js';
import { describeAnswer, describeConfig, describeInterpretations } from '../format.js';
import type { CounterexampleFile, Report } from './report.js';
import type { FoundBy } from '../../engine/random.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');
const fmt = (n: number) => n.toLocaleString('en-US');

function describeFoundBy(f: FoundBy): string {
  return f.engine === 'explorer'
    ? `the explorer, breadth first in scope ${f.scope} up to depth ${f.depth}: no shorter counterexample exists in that scope`
    : `the random engine: seed ${f.seed}, run ${f.run}, shrunk by ${f.shrinks} successful shrinks (path \`${f.shrinkPath}\`)`;
}

export function renderCounterexample(ce: CounterexampleFile): string {
  const rows = ce.steps.map((e, i) => {
    const failing = i + 1 === ce.violation.step;
    const n = failing ? `**${i + 1} ✗**` : String(i + 1);
    return `| ${n} | ${esc(describeEvent(e))} | ${esc(describeAnswer(ce.observations[i]))} |`;
  });
  return [
    `# ${ce.property}: ${ce.kind === 'rule' ? 'spec rule violated' : 'security goal fails'}`,
    '',
    `**Claim.** ${ce.claim}`,
    '',
    `**Rules.** ${ce.rules.map((r) => `${r} (${RULES[r]})`).join('; ')}`,
    '',
    `**Configuration** \`${ce.configLabel}\`: ${describeConfig(resolveConfig(ce.config))}.`,
    '',
    `**Interpretations.** ${describeInterpretations(ce.interpretations)}.`,
    '',
    `**Found by** ${describeFoundBy(ce.foundBy)}.`,
    '',
    '| # | event | answer |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `**Violation at step ${ce.violation.step}.** ${ce.violation.message}`,
    '',
    `Replay: \`${ce.replay}\``,
    '',
  ].join('\n');
}

export function renderReport(r: Report): string {
  const s = r.scope;
  const out: string[] = [
    '# Native to Web SSO: check report',
    '',
    `Scope: ${s.configurations} configuration${s.configurations > 1 ? 's' : ''} (${s.source}), interpretations ${describeInterpretations(s.interpretations)}, ${s.population === 'default' ? 'the default world' : 'a custom world'}.`,
    '',
    ...(s.explorer ? [`- Explorer: every world of scope \`${s.explorer.scope}\` up to depth ${s.explorer.depth}, breadth first (${fmt(s.explorer.states)} distinct states and ${fmt(s.explorer.transitions)} transitions, summed over the configurations, each configuration's own; configurations the scope cannot tell apart share one exploration, and families of configurations are searched together); its counterexamples are shortest within that scope.`] : []),
    ...(s.random ? [`- Random engine: seed ${s.random.seed}, ${s.random.runsPerConfiguration} sequences per configuration of up to ${s.random.maxSteps} steps (${fmt(s.random.sequences)} sequences, ${fmt(s.random.steps)} steps in all).`] : []),
    '',
    'Neither engine proves anything: "no violation" below means none exists within the explorer\'s scope and none was found by the random sequences.',
    '',
    `**Verdict.** ${r.verdict.specRulesHold ? 'No spec rule was violated in this scope.' : `${r.verdict.ruleViolations} spec-rule violation(s): a bug in the model (see below).`} `
      + `Security goals failing in some configuration: ${r.verdict.goalsFailing.length ? r.verdict.goalsFailing.join(', ') : 'none'}.`,
    '',
    '## Configuration risk matrix',
    '',
    'For each security goal, the configurations under which it fails, as flag conditions, each with the shortest counterexample found.',
    '',
  ];
  for (const row of r.riskMatrix) {
    out.push(`### ${row.goal}`, '', `${row.claim}`, '', `**${row.failsIn === 0 ? 'Holds' : `Fails in ${row.failsIn} of ${row.of} configurations`}**: ${row.condition}.`, '');
    if (row.terms.length || row.others.length) {
      out.push(`Found failing by the explorer in ${row.foundBy.explorer} and by the random engine in ${row.foundBy.random} configurations.`, '');
      out.push('| when | configurations | shortest counterexample |', '| --- | --- | --- |');
      for (const t of row.terms) out.push(`| ${esc(t.when)} | ${t.configurations} | [${t.steps} steps](${t.counterexample.replace(/\.json$/, '.md')}) |`);
      for (const o of row.others) out.push(`| only \`${o.config}\` | 1 | [${o.steps} steps](${o.counterexample.replace(/\.json$/, '.md')}) |`);
      out.push('');
    }
  }
  const verdict = (p: Report['properties'][number]) => [p.explorer && `explorer: ${p.explorer}`, p.random && `random: ${p.random}`].filter(Boolean).join('; ');
  out.push('## Spec rules', '', '| property | rules | claim | verdict |', '| --- | --- | --- | --- |');
  for (const p of r.properties.filter((x) => x.kind === 'rule')) out.push(`| ${p.id} | ${p.rules.join(', ')} | ${esc(p.claim)} | ${verdict(p)} |`);
  out.push('');
  if (r.ruleViolations.length) {
    out.push('### Rule violations', '', '| property | configuration | counterexample |', '| --- | --- | --- |');
    for (const v of r.ruleViolations) out.push(`| ${v.property} | \`${v.config}\` | [${v.steps} steps](${v.counterexample.replace(/\.json$/, '.md')}) |`);
    out.push('');
  }
  const nv = r.nonVacuity;
  out.push('### Non-vacuity: each rule property catches a wrong model', '',
    `Each mutant is the model with one deliberate defect (machines/mutants/). The random engine ran ${nv.runs} sequences on each (seed ${nv.seed}); `
      + `the main catcher must find it. ${nv.allCaught ? 'Every mutant was caught.' : '**Some mutant was not caught: that property is vacuous.**'}`,
    '', '| mutant | defect | rules | main catcher | caught by | shortest |', '| --- | --- | --- | --- | --- | --- |');
  for (const m of nv.mutants) {
    out.push(`| ${m.id} | ${esc(m.description)} | ${m.rules.join(', ')} | ${m.caughtBy.includes(m.mainCatcher) ? m.mainCatcher : `**${m.mainCatcher} (missed)**`} | ${m.caughtBy.join(', ')} | ${m.shortest ?? '—'} |`);
  }
  out.push('');
  out.push('## Security goals', '', '| goal | rules | claim | verdict |', '| --- | --- | --- | --- |');
  for (const p of r.properties.filter((x) => x.kind === 'goal')) out.push(`| ${p.id} | ${p.rules.join(', ')} | ${esc(p.claim)} | ${verdict(p)} |`);
  out.push('', '## Coverage', '', '| what | reached | not reached |', '| --- | --- | --- |');
  for (const [k, v] of Object.entries(r.coverage.reached)) {
    const miss = r.coverage.missing[k as keyof typeof r.coverage.missing];
    out.push(`| ${k} | ${v} | ${miss.length ? esc(miss.join(', ')) : '—'} |`);
  }
  out.push('');
  for (const n of r.coverage.notes) out.push(`- ${n}`);
  out.push('');
  return out.join('\n');
}
