// cli/report/markdown.ts: Markdown views of the report and of each counterexample. Views only:
// everything shown comes from report.json or the counterexample's JSON.
import { MAX_SETTINGS } from './remediation.js';
import { RULES } from '../../machines/rules.js';
import { resolveConfig } from '../../machines/config.js';
import { describeEvent } from '../../machines/events.js';
import { describeAnswer, describeConfig, describeInterpretations } from '../format.js';
import type { CounterexampleFile, Report } from './report.js';
import type { FoundBy } from '../../random/random.js';
import { sequenceMermaid, type Chart } from './sequence.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');
const fmt = (n: number) => n.toLocaleString('en-US');

function describeFoundBy(f: FoundBy): string {
  return f.engine === 'explorer'
    ? `the explorer, breadth first in scope ${f.scope} up to depth ${f.depth}: no shorter counterexample exists in that scope`
    : `the random engine: seed ${f.seed}, run ${f.run}, shrunk by ${f.shrinks} successful shrinks (path \`${f.shrinkPath}\`)`;
}

/** A Mermaid block: code hosts draw it in a pull request, and it reads as text where they do not. */
const mermaid = (chart: Chart) => ['```mermaid', sequenceMermaid(chart), '```'];

export function renderCounterexample(ce: CounterexampleFile, chart?: Chart): string {
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
    `**The attacker** can: ${ce.attacker.capabilities.join(', ')} (MODEL.md §10).${ce.attacker.tokens.length ? ` How each token his devices presented reached him: ${ce.attacker.tokens.map((t) => `step ${t.step}: ${t.how}`).join('; ')}.` : ''}`,
    '',
    '| # | event | answer |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `**Violation at step ${ce.violation.step}.** ${ce.violation.message}`,
    '',
    ...(chart ? ['The attack, request by request (the failing step shaded; the HTML page beside this file draws the world at each step too):', '', ...mermaid(chart)] : []),
    '',
    `Replay: \`${ce.replay}\``,
    '',
  ].join('\n');
}

/** `charts`: each counterexample's sequence chart, by its path in the report (counterexamples/NAME.json). */
export function renderReport(r: Report, charts: ReadonlyMap<string, Chart> = new Map()): string {
  const s = r.scope;
  const out: string[] = [
    '# Native to Web SSO: check report',
    '',
    `Scope: ${s.configurations} configuration${s.configurations > 1 ? 's' : ''} (${s.source}), interpretations ${describeInterpretations(s.interpretations)}, ${s.population === 'default' ? 'the default world' : 'a custom world'}; the attacker can ${s.attacker.join(', ')} (MODEL.md §10).`,
    '',
    ...(s.explorer ? [`- Explorer: every world of scope \`${s.explorer.scope}\` up to depth ${s.explorer.depth}, breadth first (${fmt(s.explorer.states)} distinct states and ${fmt(s.explorer.transitions)} transitions, summed over the configurations, each configuration's own; configurations the scope cannot tell apart share one exploration, and families of configurations are searched together); its counterexamples are shortest within that scope.`] : []),
    ...(s.random ? [`- Random engine: seed ${s.random.seed}, ${s.random.runsPerConfiguration} sequences per configuration of up to ${s.random.maxSteps} steps (${fmt(s.random.sequences)} sequences, ${fmt(s.random.steps)} steps in all).`] : []),
    '',
    'Neither engine proves anything: "no violation" below means none exists within the explorer\'s scope and none was found by the random sequences.',
    '',
    `**Verdict.** ${r.verdict.specRulesHold ? 'No spec rule was violated in this scope.' : `${r.verdict.ruleViolations} spec-rule violation(s): a bug in the model (see below).`} `
      + `Security goals failing in some configuration: ${r.verdict.goalsFailing.length ? r.verdict.goalsFailing.join(', ') : 'none'}.`,
    '',
    ...givenSection(r),
    '## Configuration risk matrix',
    '',
    'For each security goal, the configurations under which it fails, as flag conditions, each with the shortest counterexample found.',
    '',
  ];
  for (const row of r.riskMatrix) {
    const p = r.properties.find((x) => x.id === row.goal)!;
    const head = row.failsIn > 0 ? `Fails in ${row.failsIn} of ${row.of} configurations` : row.vacuous ? 'Holds vacuously' : p.status === 'not exercised' ? 'Not exercised' : 'Holds';
    const why = row.vacuous ? row.vacuousBecause : head === 'Not exercised' ? 'its premise never occurred in the scope explored, so no violation means nothing' : row.condition;
    out.push(`### ${row.goal}`, '', `${row.claim}`, '', `**${head}**: ${why}.`, '');
    if (!row.vacuous && row.holdsVacuouslyIn > 0) out.push(`It holds vacuously in ${row.holdsVacuouslyIn} of the ${row.of} configurations, where no transfer token can be minted or redeemed.`, '');
    const fix = r.given?.fixes.find((f) => f.goal === row.goal);
    if (fix) out.push(...fixSection(fix), '');
    if (row.terms.length || row.others.length) {
      out.push(`Found failing by the explorer in ${row.foundBy.explorer} and by the random engine in ${row.foundBy.random} configurations.`, '');
      out.push('| when | configurations | shortest counterexample |', '| --- | --- | --- |');
      for (const t of row.terms) out.push(`| ${esc(t.when)} | ${t.configurations} | [${t.steps} steps](${t.counterexample.replace(/\.json$/, '.md')}) |`);
      for (const o of row.others) out.push(`| only \`${o.config}\` (${esc(o.readable)}) | 1 | [${o.steps} steps](${o.counterexample.replace(/\.json$/, '.md')}) |`);
      out.push('');
      const shortest = [...row.terms, ...row.others].reduce((a, b) => (b.steps < a.steps ? b : a));
      const chart = charts.get(shortest.counterexample);
      if (chart) out.push(`The shortest attack, [${shortest.steps} steps](${shortest.counterexample.replace(/\.json$/, '.md')}):`, '', ...mermaid(chart), '');
    }
  }
  out.push(...secondAppSection(r));
  out.push(...actionSection(r));
  out.push(...gridSection(r));
  out.push(...sensitivitySection(r));
  const verdict = (p: Report['properties'][number]) => [
    p.status === 'not exercised' ? '**not exercised**: its premise never occurred, so "no violation" says nothing' : '',
    p.status === 'holds vacuously' ? `**holds vacuously**: ${p.vacuousBecause}` : '',
    p.explorer && `explorer: ${p.explorer}`, p.random && `random: ${p.random}`,
  ].filter(Boolean).join('; ');
  const exercised = (p: Report['properties'][number]) => p.exercised === null ? '—'
    : [p.exercised.randomSteps !== undefined ? `${fmt(p.exercised.randomSteps)} random steps` : '', p.exercised.explorerTransitions !== undefined ? `${fmt(p.exercised.explorerTransitions)} explored transitions` : '']
      .filter(Boolean).join(', ') + (r.scope.configurations > 1 ? ` in ${p.exercised.configurations} configurations` : '');
  out.push('## Spec rules', '', 'Exercised: the random steps (and, for one configuration given, the explored transitions) on which the property\'s premise held, so that it could have failed there.', '',
    '| property | rules | claim | exercised | verdict |', '| --- | --- | --- | --- | --- |');
  for (const p of r.properties.filter((x) => x.kind === 'rule')) out.push(`| ${p.id} | ${p.rules.join(', ')} | ${esc(p.claim)} | ${exercised(p)} | ${verdict(p)} |`);
  out.push('');
  if (r.ruleViolations.length) {
    out.push('### Rule violations', '', '| property | configuration | counterexample |', '| --- | --- | --- |');
    const readable = new Map(r.configurations.map((c) => [c.label, c.readable]));
    for (const v of r.ruleViolations) out.push(`| ${v.property} | \`${v.config}\` (${esc(readable.get(v.config) ?? '')}) | [${v.steps} steps](${v.counterexample.replace(/\.json$/, '.md')}) |`);
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
  out.push('## Security goals', '', '| goal | rules | claim | exercised | verdict |', '| --- | --- | --- | --- | --- |');
  for (const p of r.properties.filter((x) => x.kind === 'goal')) out.push(`| ${p.id} | ${p.rules.join(', ')} | ${esc(p.claim)} | ${exercised(p)} | ${verdict(p)} |`);
  out.push('', '## Coverage', '', '| what | reached | not reached |', '| --- | --- | --- |');
  for (const [k, v] of Object.entries(r.coverage.reached)) {
    const miss = r.coverage.missing[k as keyof typeof r.coverage.missing];
    out.push(`| ${k} | ${v} | ${miss.length ? esc(miss.join(', ')) : '—'} |`);
  }
  out.push('');
  for (const n of r.coverage.notes) out.push(`- ${n}`);
  out.push('');
  out.push(...remediationSection(r));
  return out.join('\n');
}

const settingText = (s: { key: string; value: unknown }) => `\`${s.key}\` = \`${JSON.stringify(s.value)}\``;

/** Over the space: what to set, goal by goal, and the recommended settings ranked (for the attacker of MODEL.md §6). */
function remediationSection(r: Report): string[] {
  const m = r.remediation;
  if (!m) return [];
  const out = ['## Remediation: what to set', '', `Searched: ${m.searched}. Costs are counted against the most permissive value of each flag; turning Native to Web SSO off for an app counts three.`, '',
    '### Recommended settings, ranked', ''];
  if (m.recommended.length === 0) out.push('No combination of the remedies below closes a goal.', '');
  m.recommended.forEach((x, i) => {
    out.push(`${i + 1}. ${x.settings.map(settingText).join(', ')}: closes ${x.closes.join(', ')}${x.stillFailing.length ? `; still failing: ${x.stillFailing.join(', ')}` : ''}.`);
    for (const c of x.costs) out.push(`   - costs: ${esc(c)}`);
  });
  out.push('', '### Per goal', '', '| goal | fails in | fewest settings under which it holds | configurations (N2W working) | cost |', '| --- | --- | --- | --- | --- |');
  for (const g of m.goals) {
    if (g.remedies.length === 0 && g.failsIn > 0) out.push(`| ${g.goal} | ${g.failsIn} | none: no set of up to ${MAX_SETTINGS} settings keeps it while Native to Web SSO works (an Action may: \`n2w check --action\`) | — | — |`);
    for (const x of g.remedies) out.push(`| ${g.goal} | ${g.failsIn} | ${x.settings.map(settingText).join(', ')} | ${x.configurations} (${x.working}) | ${x.costs.length ? esc(x.costs.join('; ')) : 'nothing'} |`);
  }
  out.push('');
  return out;
}

/** MODEL.md §8: what a second web app changes, goal by goal. */
function secondAppSection(r: Report): string[] {
  const t = r.secondApp;
  if (!t) return [];
  const engines = [
    t.explorer && `the explorer: every world of scope ${t.explorer.scope} up to depth ${t.explorer.depth} (${fmt(t.explorer.states)} distinct states summed)`,
    t.random && `the random engine: ${fmt(t.random.sequences)} sequences of up to ${t.random.maxSteps} steps, seed ${t.random.seed}`,
  ].filter(Boolean).join('; ');
  const out = ['## What a second web app changes', '', `${t.description} Engines: ${engines}.`, '',
    t.ruleViolations.length === 0 ? 'No spec rule was violated in these configurations.' : `**${t.ruleViolations.length} spec-rule violation(s)** in these configurations: a bug in the model.`, '',
    '| goal | fails with the first app alone | fails with both apps | undone by the second app | verdict |', '| --- | --- | --- | --- | --- |'];
  for (const g of t.goals) out.push(`| ${g.goal} | ${g.alone.failsIn} of ${g.alone.of} | ${g.failsIn} of ${g.of} | ${g.undoneIn} | ${esc(g.verdict)} |`);
  out.push('');
  for (const g of t.goals.filter((x) => x.terms.length || x.others.length)) {
    out.push(`### ${g.goal}: when the second app undoes the first`, '', '| when | configurations | shortest counterexample |', '| --- | --- | --- |');
    for (const x of g.terms) out.push(`| ${esc(x.when)} | ${x.configurations} | [${x.steps} steps](${x.counterexample.replace(/\.json$/, '.md')}) |`);
    for (const o of g.others) out.push(`| only \`${o.config}\` (${esc(o.readable)}) | 1 | [${o.steps} steps](${o.counterexample.replace(/\.json$/, '.md')}) |`);
    out.push('');
  }
  return out;
}

/** MODEL.md §10: per goal, the minimal capability sets under which it fails, with their flag conditions. */
function gridSection(r: Report): string[] {
  const g = r.capabilityGrid;
  if (!g) return [];
  const out = ['## Risk matrix per capability set', '',
    `The space checked again under each of the ${g.sets} sets of the attacker's capabilities (own-account always on${g.explorer ? `; the explorer, scope ${g.explorer.scope} to depth ${g.explorer.depth}, ${fmt(g.explorer.states)} distinct states summed` : ''}). `
      + 'A row is a minimal set: the configurations named fail the goal with this set and with no set one capability smaller. A configuration can meet more than one row\'s condition (it can fail under two different minimal sets), so rows of a goal may sum to more than the configurations where it fails.', '',
    ...(g.action ? [`Each cell's configurations were checked again with the post-login Action \`${g.action}\` under the cell's set (same scope, ids and clock kept as they are): the last column says whether it closes the cell.`, ''] : []),
    `| goal | capabilities | fails with them | minimal in | when (flags, over those configurations) | shortest counterexample |${g.action ? ' with the Action |' : ''}`, `| --- | --- | --- | --- | --- | --- |${g.action ? ' --- |' : ''}`];
  for (const c of g.cells) {
    const ce = [...c.terms.map((t) => ({ f: t.counterexample, n: t.steps })), ...c.others.map((o) => ({ f: o.counterexample, n: o.steps }))].sort((a, b) => a.n - b.n)[0];
    const a = c.action;
    const withIt = a ? ` ${a.effect === 'closes' ? '**closes**' : a.effect}${a.effect === 'closes' ? '' : `: still in ${a.failsIn} of ${a.of}${a.counterexample ? `, [counterexample](${a.counterexample.replace(/\.json$/, '.md')})` : ''}`} |` : '';
    out.push(`| ${c.goal} | ${c.capabilities.filter((x) => x !== 'own-account').map((x) => `\`${x}\``).join(' + ') || 'own-account alone'} | ${c.failsIn} | ${c.minimalIn} | ${esc(c.condition)} | ${ce ? `[${ce.n} steps](${ce.f.replace(/\.json$/, '.md')})` : '—'} |${withIt}`);
  }
  const holding = [...new Set(r.riskMatrix.map((x) => x.goal))].filter((goal) => !g.cells.some((c) => c.goal === goal));
  if (holding.length) out.push('', `Under every capability set checked: ${holding.join(', ')} never fail${holding.length === 1 ? 's' : ''}.`);
  if (g.remediation) out.push('', '### What to set, per capability set', '',
    'The remediation of the space (as below, for the default attacker) against each capability set; sets that get the same advice share a row. A set whose attacker makes no goal fail has no row.', '',
    '| capability sets | goals failing | first recommendation (closes; cost) | a goal no setting keeps |', '| --- | --- | --- | --- |');
  const setText = (s: readonly string[]) => s.filter((x) => x !== 'own-account').map((x) => `\`${x}\``).join(' + ') || 'own-account alone';
  // what each setting costs, once below the table: the rows would repeat it
  const costs = new Map<string, string>();
  for (const row of g.remediation ?? []) {
    const top = row.recommended[0];
    const none = row.goals.filter((x) => x.remedy === null).map((x) => x.goal);
    for (const c of top?.costs ?? []) costs.set(c.slice(0, c.indexOf(':')), c.slice(c.indexOf(':') + 1).trim());
    out.push(`| ${row.sets.map(setText).join('; ')} | ${row.failing.join(', ')} | ${top ? `${top.settings.map(settingText).join(', ')} (closes ${top.closes.join(', ')})` : 'none closes a goal'} | ${none.join(', ') || '—'} |`);
  }
  if (costs.size) out.push('', 'What each setting of these recommendations costs:', '', ...[...costs].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `- \`${k}\`: ${v}`));
  out.push('');
  return out;
}

/** MODEL.md §2: which verdicts change with a reading of the docs' silences (--interpretations all). */
function sensitivitySection(r: Report): string[] {
  const z = r.sensitivity;
  if (!z) return [];
  const ce = (t: { counterexample: string; steps: number }) => `[${t.steps} steps](${t.counterexample.replace(/\.json$/, '.md')})`;
  const out = ['## Interpretation sensitivity', '',
    `The space checked again under each of the ${z.readings} combinations of the interpretation switches (MODEL.md §2)${z.explorer ? `, by the explorer: every world of scope ${z.explorer.scope} up to depth ${z.explorer.depth}, ${fmt(z.explorer.states)} distinct states summed over the combinations` : ''}. `
      + 'An exploration that never read a switch gives the same result under both of its readings, so it is run once for both; "read in" counts the configurations where the switch was read at all, and elsewhere its readings cannot differ.', '',
    '| switch | what it decides | readings (default first) | read in |', '| --- | --- | --- | --- |'];
  for (const w of z.switches) out.push(`| ${w.id} | ${esc(w.meaning)} | ${w.readings.map((v) => `\`${v}\``).join(', ')} | ${w.readIn} configurations |`);
  out.push('');
  if (z.changes.length === 0) {
    out.push(`**No verdict changes with a reading**: each of the ${z.unchanged.length} properties fails in the same configurations under every combination `
      + `(${z.unchanged.filter((u) => u.failsIn > 0).map((u) => `${u.property} in ${u.failsIn}`).join(', ') || 'none fails'}; the others nowhere).`, '');
  } else {
    out.push('| property | fails under the defaults | under some reading | changes in | where (flags) | depends on | fails in more when (readings) | in fewer when |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const c of z.changes) {
      out.push(`| ${c.kind === 'rule' ? `**${c.property}** (rule)` : c.property} | ${c.underDefault} | ${c.underSome} | ${c.changesIn} | ${esc(c.where)} | ${c.dependsOn.map((d) => `${d.switch} (${d.configurations})`).join(', ')} | `
        + `${c.widens ? c.widens.terms.map((t) => `${esc(t.when)}: ${t.configurations} configurations, ${ce(t)}`).join('; ') : '—'} | ${c.narrows ? `${esc(c.narrows.condition)}: ${c.narrows.configurations} configurations` : '—'} |`);
    }
    out.push('', `Unchanged under every reading: ${z.unchanged.map((u) => u.property).join(', ') || 'none'}.`, '');
  }
  if (z.lengths.length === 0) out.push('No goal\'s shortest attack gets shorter or longer with a reading, where the goal fails under every reading.', '');
  else {
    out.push('Where a goal fails under every reading, the readings can still change how short the attack is:', '', '| goal | configurations | where (flags) | shorter when (readings) | longer when |', '| --- | --- | --- | --- | --- |');
    for (const l of z.lengths) {
      out.push(`| ${l.goal} | ${l.configurations} | ${esc(l.where)} | ${l.shorter ? l.shorter.terms.map((t) => `${esc(t.when)}: ${t.configurations} configurations, ${ce(t)} instead of ${t.defaultSteps}`).join('; ') : '—'} | ${l.longer ? `${esc(l.longer.condition)}: ${l.longer.configurations} configurations` : '—'} |`);
    }
    out.push('');
  }
  if (z.coverage.length) {
    out.push('What only other readings reach (so that "not reached" under the defaults is not read as dead code):', '');
    for (const c of z.coverage) out.push(`- ${c.category}: ${c.items.map((x) => `\`${x}\``).join(', ')}, when ${c.when}`);
    out.push('');
  }
  return out;
}

/** MODEL.md §2: what the post-login Action changes, goal by goal, beside the matrix without it. */
function actionSection(r: Report): string[] {
  const a = r.action;
  if (!a) return [];
  const engines = [
    a.explorer && `the explorer: every world of scope ${a.explorer.scope} up to depth ${a.explorer.depth}, ids and clock kept as they are (the Action may read both: ${fmt(a.explorer.states)} distinct states summed)`,
    a.random && `the random engine: ${fmt(a.random.sequences)} sequences (${fmt(a.random.steps)} steps)`,
  ].filter(Boolean).join('; ');
  const out = [`## What the post-login Action \`${a.file}\` changes`, '',
    `The same configurations, checked again with the Action running on every login it applies to (MODEL.md §2). Engines: ${engines}. The full report with the Action: [${a.report}](${a.report}).`, '',
    a.ruleViolations === 0 ? 'No spec rule was violated with the Action.' : `**${a.ruleViolations} spec-rule violation(s) with the Action**: see its report.`, '',
    '| goal | fails without the Action | fails with it | effect | where it still fails | shortest counterexample with it |', '| --- | --- | --- | --- | --- | --- |'];
  for (const g of a.goals) {
    out.push(`| ${g.goal} | ${g.without.failsIn} of ${g.without.of} | ${g.with.failsIn} of ${g.with.of} | ${g.effect} | ${esc(g.condition)} | ${g.counterexample ? `[${g.steps} steps](${g.counterexample.replace(/\.json$/, '.md')})` : '—'} |`);
  }
  out.push('');
  return out;
}

/** Who was judged (name, client_id, file), what was defaulted, and the configuration in words. */
function givenSection(r: Report): string[] {
  const g = r.given;
  if (!g) return [];
  const out = ['## Who was judged', '', '| app | name | client_id | read from | fields defaulted (Auth0\'s default decides) |', '| --- | --- | --- | --- | --- |'];
  for (const c of g.clients) {
    const from = c.file === null ? '**no client given**' : `\`${c.file}\`${c.where ? ` at \`${c.where}\`` : ''} (${c.format})`;
    const defaulted = c.defaulted.length ? c.defaulted.map((d) => `\`${d.field}\` = \`${JSON.stringify(d.value)}\``).join(', ') : 'none';
    out.push(`| ${c.role} | ${esc(c.name ?? '—')} | ${c.clientId ? `\`${c.clientId}\`` : '—'} | ${esc(from)} | ${esc(defaulted)} |`);
  }
  out.push('');
  if (g.tenant) out.push(`Tenant: \`session_lifetime\` ${g.tenant.session_lifetime ?? '—'} h, \`idle_session_lifetime\` ${g.tenant.idle_session_lifetime ?? '—'} h, from \`${g.tenant.file}\`; ${g.tenantNote}.`, '');
  out.push(`Configuration \`${r.configurations[0].label}\`: ${r.configurations[0].readable}.`, '');
  if (r.configurations[0].vacuousBecause) out.push(`**Every security goal can only hold vacuously here:** ${r.configurations[0].vacuousBecause}.`, '');
  return out;
}

function fixSection(f: NonNullable<Report['given']>['fixes'][number]): string[] {
  if (f.options.length === 0) return [`No configuration where it holds was found (${f.searched}).`];
  return [
    `**What to change.** The nearest configurations where it holds (${f.searched})${f.onlyVacuous ? '; none of them keeps Native to Web SSO working' : ''}:`, '',
    ...f.options.map((o) => `- ${o.changes.map((c) => `set ${c.client}'s \`${c.field}\` to \`${c.to}\` (now \`${c.from}\`): ${c.cost}`).join('; and ')}`
      + `${o.vacuous ? ` (holds only vacuously: ${o.vacuousBecause})` : ''}${o.alsoFails.length ? ` (but then ${o.alsoFails.join(', ')} fail${o.alsoFails.length === 1 ? 's' : ''})` : ''}`),
  ];
}
