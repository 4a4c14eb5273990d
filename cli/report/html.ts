// cli/report/html.ts: HTML views of the report (index.html), of each counterexample, and of the actor
// machines. Views only, like markdown.ts: every fact comes from report.json or a counterexample's JSON
// (its worlds recomputed by the model's own step, story.ts). Pages share one style sheet in the report's
// own assets/ and have their diagrams drawn as SVG at write time: the report opens offline, without a
// script, and is the same bytes for the same report.
import { MAX_SETTINGS } from './remediation.js';
import { RULES, type RuleId } from '../../machines/rules.js';
import { DIMENSIONS, describeConfig, resolveConfig } from '../../machines/config.js';
import { describeEvent } from '../../machines/events.js';
import { LOG_TYPE_TEXT, type LogType } from '../../machines/logs.js';
import { describeAnswer, describeInterpretations } from '../format.js';
import type { CounterexampleFile, Report, RiskRow, CapabilityCell } from './report.js';
import type { FoundBy } from '../../random/random.js';
import type { ArtifactKind, ArtifactView, Story } from './story.js';
import { chartOf, sequenceSvg } from './sequence.js';
import { lineageSvg } from './lineage.js';
import type { MachineDiagram } from './machines.js';
import { esc } from './svg.js';

const fmt = (x: number) => x.toLocaleString('en-US');
/** A counterexample's page, from the JSON path the report records (relative to the report). */
export const pageOf = (json: string) => json.replace(/\.json$/, '.html');

export const STYLE = `
:root { color-scheme: light; --ink: #1c1917; --muted: #57534e; --line: #d6d3d1; --bad: #b91c1c; --ok: #15803d; --warn: #b45309; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: var(--ink); background: #fafaf9; }
header.top { background: #1e293b; color: #f8fafc; padding: 14px 28px; }
header.top a { color: #bfdbfe; } header.top .small { color: #cbd5e1; }
header.top h1 { margin: 4px 0; font-size: 24px; }
main { padding: 8px 28px 48px; max-width: 1500px; }
h2 { margin-top: 36px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin-top: 24px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 12px 0; font-size: 14px; }
code, pre, .mono { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
pre { background: #f5f5f4; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 10px 0; background: #fff; }
th, td { border: 1px solid var(--line); padding: 5px 9px; vertical-align: top; text-align: left; }
th { background: #f5f5f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.card { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 240px; flex: 1; }
.card.ok { border-left-color: var(--ok); } .card.bad { border-left-color: var(--bad); } .card.warn { border-left-color: var(--warn); }
.card b.big { display: block; font-size: 19px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 13px; font-weight: 600; white-space: nowrap; }
.badge.fails { background: #fee2e2; color: var(--bad); } .badge.holds { background: #dcfce7; color: var(--ok); } .badge.vacuous { background: #e7e5e4; color: var(--muted); }
table.matrix td.cell { text-align: center; min-width: 92px; }
table.matrix td.cell a { display: inline-block; background: #fee2e2; color: var(--bad); border-radius: 4px; padding: 2px 8px; font-weight: 600; text-decoration: none; }
table.matrix td.cell a:hover { background: #fecaca; }
table.matrix td.none { color: #a8a29e; }
table.matrix th.cap, table.matrix th.flag { font-size: 12px; font-weight: 600; max-width: 120px; }
table.matrix td.flagv { background: #fff7ed; font-size: 13px; white-space: nowrap; }
table.matrix tr.first td { border-top: 2px solid #a8a29e; }
.scroll { overflow-x: auto; }
caption { caption-side: top; text-align: left; padding: 2px 0; }
td.goal { max-width: 340px; } td.goal p { margin: 4px 0; font-size: 14px; }
ul.when { margin: 0; padding-left: 16px; font-size: 13px; } ul.when li { margin: 1px 0; }
.small { font-size: 13px; color: var(--muted); }
.violation { background: #fef2f2; border: 1px solid #fecaca; border-left: 6px solid var(--bad); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 10px 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; }
figure { margin: 10px 0; overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figure svg { display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; font-size: 13px; color: var(--muted); margin: 6px 0; }
.legend span::before { content: ''; display: inline-block; width: 26px; height: 0; vertical-align: middle; margin-right: 6px; border-top: 2px solid; }
.legend .request::before { border-color: #1f2937; } .legend .response::before { border-top-style: dashed; border-color: #2563eb; }
.legend .refused::before { border-top-style: dashed; border-color: #b45309; } .legend .leak::before { border-top-style: dotted; border-color: #dc2626; }
.step { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; padding: 8px 12px; }
.step.failing { border: 2px solid var(--bad); background: #fffafa; }
.step h3 { margin: 2px 0 6px; font-size: 15px; }
.step .answer { color: var(--muted); }
.kinds { display: grid; grid-template-columns: repeat(5, minmax(150px, 1fr)); gap: 8px; }
.kinds h4 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.chip { display: block; border: 1px solid var(--line); border-radius: 5px; padding: 2px 6px; margin: 3px 0; font-size: 13px; background: #fff; }
.chip .id { font-weight: 700; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
.chip .d { display: block; font-size: 12px; color: var(--muted); }
.chip.same { opacity: .62; }
.chip.culprit { opacity: 1; outline: 3px solid var(--bad); outline-offset: 1px; }
.chip.added { border-color: var(--ok); background: #f0fdf4; } .chip.added .mark { color: var(--ok); }
.chip.changed { border-color: var(--warn); background: #fffbeb; } .chip.changed .mark { color: var(--warn); }
.chip.revoked { border-color: var(--bad); background: #fef2f2; } .chip.revoked .mark { color: var(--bad); }
.chip.expired { border-color: #78716c; background: #f5f5f4; } .chip.expired .mark { color: #57534e; }
.mark { font-size: 11px; font-weight: 700; text-transform: uppercase; margin-left: 4px; }
.st-revoked { color: var(--bad); } .st-expired { color: #57534e; } .st-active { color: var(--ok); }
table.logs { font-size: 13px; margin: 6px 0 2px; } table.logs td { padding: 2px 6px; } table.logs td.details { overflow-wrap: anywhere; }
.was { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.ladders { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; } .ladders figure { margin: 0; }
.lifecycles { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; } .lifecycles section { flex: 1 1 380px; max-width: 470px; }
`;

/** The report's style sheet, written once per report directory (write.ts) and linked by its pages. */
export const STYLESHEET = 'assets/report.css';

/**
 * A whole page, with no script and nothing from the network: its style from the report's own
 * `assets/report.css` (`css.href`, relative to the page), or inline for a page that stands alone.
 */
export function page(title: string, crumbs: string, body: string, css: { href: string } | { inline: string }): string {
  const style = 'href' in css ? `<link rel="stylesheet" href="${esc(css.href)}">` : `<style>${STYLE}${css.inline}</style>`;
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(title)}</title>\n${style}\n</head>\n<body>\n<header class="top">${crumbs}<h1>${esc(title)}</h1></header>\n<main>\n${body}\n</main>\n</body>\n</html>\n`;
}

export const link = (href: string, label: string) => `<a href="${esc(href)}">${esc(label)}</a>`;
const ruleList = (rules: readonly RuleId[]) => rules.map((r) => `<abbr title="${esc(RULES[r])}">${esc(r)}</abbr>`).join(', ');
const table = (head: string[], rows: string[][], cls = '') => `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
const capText = (caps: readonly string[]) => caps.filter((x) => x !== 'own-account').join(' + ') || 'own-account alone';
/** A flag condition's clauses, one per line: "a is true and b is not empty" reads better stacked. */
const clauses = (when: string) => `<ul class="when">${when.split(' and ').map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`;

// ---------------------------------------------------------------------------------------------
// index.html

/** The report as a page: verdict, risk matrix grid, the sections report.md has, the machines. */
export function renderIndexHtml(r: Report): string {
  const s = r.scope;
  const sections: [string, string, string][] = [
    ['verdict', 'Verdict', verdictHtml(r)],
    ...(r.given ? [['given', 'Who was judged', givenHtml(r)] as [string, string, string]] : []),
    ['matrix', 'Risk matrix', matrixHtml(r)],
    ...(r.secondApp ? [['second-app', 'A second web app', secondAppHtml(r)] as [string, string, string]] : []),
    ...(r.action ? [['action', 'The post-login Action', actionHtml(r)] as [string, string, string]] : []),
    ...(r.capabilityGrid ? [['grid', 'Risk matrix per capability set', gridHtml(r)] as [string, string, string]] : []),
    ...(r.sensitivity ? [['sensitivity', 'Interpretation sensitivity', sensitivityHtml(r)] as [string, string, string]] : []),
    ['rules', 'Spec rules', rulesHtml(r)],
    ['mutants', 'Non-vacuity', mutantsHtml(r)],
    ['goals', 'Security goals', goalsHtml(r)],
    ['coverage', 'Coverage', coverageHtml(r)],
    ...(r.remediation ? [['remediation', 'Remediation', remediationHtml(r)] as [string, string, string]] : []),
    ['machines', 'The machines', `<p>State diagrams of the model's actor machines, drawn from their XState definitions when this report was written, with the rule ids on the transitions: ${link('machines.html', 'machines.html')}.</p>`],
  ];
  const scope = [
    `${fmt(s.configurations)} configuration${s.configurations > 1 ? 's' : ''} (${esc(s.source)})`,
    `interpretations ${esc(describeInterpretations(s.interpretations))}`,
    s.population === 'default' ? 'the default world' : 'a custom world',
    `the attacker can ${esc(s.attacker.join(', '))}`,
  ].join('; ');
  const engines = [
    s.explorer && `<li>Explorer: every world of scope <code>${esc(s.explorer.scope)}</code> up to depth ${s.explorer.depth}, breadth first: ${fmt(s.explorer.states)} distinct states, ${fmt(s.explorer.transitions)} transitions summed over the configurations.</li>`,
    s.random && `<li>Random engine: seed ${s.random.seed}, ${s.random.runsPerConfiguration} sequences per configuration of up to ${s.random.maxSteps} steps (${fmt(s.random.sequences)} sequences, ${fmt(s.random.steps)} steps).</li>`,
  ].filter(Boolean).join('');
  const body = [
    `<p>Scope: ${scope}.</p><ul>${engines}</ul>`,
    '<p class="small">Neither engine proves anything: "no violation" means none exists within the explorer\'s scope and none was found by the random sequences.</p>',
    `<p class="small">The same report as ${link('report.md', 'Markdown')} and ${link('report.json', 'JSON')}.</p>`,
    `<nav class="toc">${sections.map(([id, t]) => link(`#${id}`, t)).join('')}</nav>`,
    ...sections.map(([id, t, html]) => `<section id="${id}"><h2>${esc(t)}</h2>${html}</section>`),
  ].join('\n');
  return page('Native to Web SSO: check report', '<span class="small">n2w check</span>', body, { href: STYLESHEET });
}

function verdictHtml(r: Report): string {
  const v = r.verdict;
  const card = (cls: string, big: string, small: string) => `<div class="card ${cls}"><b class="big">${big}</b><span class="small">${small}</span></div>`;
  return `<div class="cards">${[
    card(v.specRulesHold ? 'ok' : 'bad', v.specRulesHold ? 'No spec rule violated' : `${v.ruleViolations} spec-rule violation${v.ruleViolations === 1 ? '' : 's'}`, v.specRulesHold ? 'in this scope: the model keeps every rule property' : 'a bug in the model: see the spec rules below'),
    card(v.everyRulePropertyCatchesItsMutants ? 'ok' : 'bad', v.everyRulePropertyCatchesItsMutants ? `All ${r.nonVacuity.mutants.length} mutants caught` : 'A mutant was missed', 'each rule property fails on a deliberately wrong model'),
    card(v.goalsFailing.length ? 'warn' : 'ok', `${v.goalsFailing.length} of ${r.riskMatrix.length} security goals fail`, v.goalsFailing.length ? `in some configuration: ${esc(v.goalsFailing.join(', '))}` : 'in no configuration checked'),
  ].join('')}</div>`;
}

const rowStatus = (row: RiskRow, r: Report) => {
  const p = r.properties.find((x) => x.id === row.goal);
  if (row.failsIn > 0) return `<span class="badge fails">fails in ${row.failsIn} of ${row.of}</span>`;
  if (row.vacuous) return '<span class="badge vacuous">holds vacuously</span>';
  return p?.status === 'not exercised' ? '<span class="badge vacuous">not exercised</span>' : '<span class="badge holds">no violation</span>';
};
const ceLink = (t: { counterexample: string; steps: number }, extra = '') => `<a href="${esc(pageOf(t.counterexample))}" title="the shortest counterexample found">${t.steps} steps${extra}</a>`;

/** A clause of a flag condition, `web enforce_device_binding is asn or none`, as (flag, value). */
function clause(c: string): { flag: string; value: string } | null {
  const m = /^(\S+) (\S+) (is|include) (.+)$/.exec(c);
  return m ? { flag: `${m[1]}.${m[2]}`, value: m[3] === 'include' ? `include ${m[4]}` : m[4] } : null;
}
const SHORT: Record<string, string> = {
  can_create_session_transfer_token: 'can_create', enforce_cascade_revocation: 'cascade', rotation_type: 'rotation', allowed_authentication_methods: 'methods',
  enforce_device_binding: 'binding', allow_refresh_token: 'allow refresh token', enforce_online_refresh_tokens: 'online',
};
const FLAG_ORDER = DIMENSIONS.map((d) => d.key as string);
const flagRank = (f: string) => {
  const i = FLAG_ORDER.indexOf(f);
  // a second web app's flags (web-app-2.x) after the space's, in the same field order
  return i >= 0 ? i : FLAG_ORDER.length + FLAG_ORDER.indexOf(`web.${f.slice(f.indexOf('.') + 1)}`);
};

interface GridRow { goal: string; prose: string; conditions: { when: string; cells: Map<string, string> }[] }

/**
 * The grid: a row per flag condition of a goal (the goal's prose beside its rows), a column per flag the
 * conditions name (its value there; blank: any) and a column per capability set of the attacker, whose
 * cell links the shortest counterexample of that condition under that set.
 */
function grid(rows: readonly GridRow[], columns: readonly string[], caption: string): string {
  const conds = rows.flatMap((g) => g.conditions);
  const flags = [...new Set(conds.flatMap((c) => c.when.split(' and ').map(clause).filter((x) => x !== null).map((x) => x!.flag)))].sort((a, b) => flagRank(a) - flagRank(b) || a.localeCompare(b));
  const flagHead = flags.map((f) => {
    const [who, field] = [f.slice(0, f.indexOf('.')), f.slice(f.indexOf('.') + 1)];
    return `<th class="flag" title="${esc(`${who} ${field}`)}">${esc(who)}<br>${esc(SHORT[field] ?? field)}</th>`;
  }).join('');
  const body: string[] = [];
  for (const g of rows) {
    const span = Math.max(g.conditions.length, 1);
    const goalCell = `<td class="goal" rowspan="${span}" id="goal-${esc(g.goal)}"><b>${esc(g.goal)}</b>${g.prose}</td>`;
    if (g.conditions.length === 0) body.push(`<tr>${goalCell}<td class="small" colspan="${flags.length || 1}">nowhere</td>${columns.map(() => '<td class="cell none">—</td>').join('')}</tr>`);
    g.conditions.forEach((c, i) => {
      const parsed = c.when.split(' and ').map(clause);
      const values = new Map(parsed.filter((x) => x !== null).map((x) => [x!.flag, x!.value]));
      const flagCells = parsed.some((x) => x === null)
        ? `<td colspan="${flags.length || 1}"><code>${esc(c.when)}</code></td>`
        : flags.map((f) => (values.has(f) ? `<td class="flagv">${esc(values.get(f)!)}</td>` : '<td class="any"></td>')).join('');
      const cells = columns.map((col) => (c.cells.has(col) ? `<td class="cell">${c.cells.get(col)}</td>` : '<td class="cell none">—</td>')).join('');
      body.push(`<tr${i === 0 ? ' class="first"' : ''}>${i === 0 ? goalCell : ''}${flagCells}${cells}</tr>`);
    });
  }
  return `<div class="scroll"><table class="matrix"><caption class="small">${esc(caption)}</caption><thead>`
    + `<tr><th rowspan="2">goal</th><th colspan="${flags.length || 1}">fails where every named flag has the value shown (blank: any)</th><th colspan="${columns.length}">the attacker's capabilities</th></tr>`
    + `<tr>${flagHead || '<th></th>'}${columns.map((c) => `<th class="cap">${esc(c)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function matrixHtml(r: Report): string {
  const col = capText(r.scope.attacker);
  const rows = r.riskMatrix.map((row) => {
    const prose = [
      `<p>${esc(row.claim)}</p>`, `<p>${rowStatus(row, r)}</p>`,
      row.failsIn > 0 ? `<p class="small">Found failing by the explorer in ${row.foundBy.explorer} and by the random engine in ${row.foundBy.random} configurations.</p>` : '',
      row.vacuous ? `<p class="small">${esc(row.vacuousBecause ?? '')}.</p>` : row.holdsVacuouslyIn > 0 ? `<p class="small">Holds vacuously in ${row.holdsVacuouslyIn}: no transfer token can be minted or redeemed there.</p>` : '',
    ].join('');
    const conditions = [
      ...row.terms.map((t) => ({ when: t.when, cells: new Map([[col, `${ceLink(t)}<div class="small">${t.configurations} configurations</div>`]]) })),
      ...row.others.map((o) => ({ when: `only ${o.config}`, cells: new Map([[col, ceLink(o)]]) })),
    ];
    return { goal: row.goal, prose, conditions };
  });
  return `<p>For each security goal, the flag conditions under which it fails and, in the cell of the attacker's capability set, its shortest counterexample (a page with the attack drawn step by step).</p>${grid(rows, [col], `the attacker of this check: ${r.scope.attacker.join(', ')}`)}`;
}

function gridHtml(r: Report): string {
  const g = r.capabilityGrid!;
  const cols = [...new Set(g.cells.map((c) => capText(c.capabilities)))];
  const rows = [...new Set(r.riskMatrix.map((x) => x.goal))].map((goal) => {
    const byWhen = new Map<string, Map<string, string>>();
    for (const c of g.cells.filter((x) => x.goal === goal)) {
      const cellOf = (t: { counterexample: string; steps: number }, configurations: number | null) => `${ceLink(t)}<div class="small">${configurations === null ? 'one configuration' : `${configurations} configurations`}${actionNote(c)}</div>`;
      for (const t of c.terms) (byWhen.get(t.when) ?? byWhen.set(t.when, new Map()).get(t.when)!).set(capText(c.capabilities), cellOf(t, t.configurations));
      for (const o of c.others) (byWhen.get(`only ${o.config}`) ?? byWhen.set(`only ${o.config}`, new Map()).get(`only ${o.config}`)!).set(capText(c.capabilities), cellOf(o, null));
    }
    const failing = g.cells.some((c) => c.goal === goal);
    return { goal, prose: `<p>${failing ? '<span class="badge fails">fails under some set</span>' : '<span class="badge holds">fails under no set checked</span>'}</p>`, conditions: [...byWhen].map(([when, cells]) => ({ when, cells })) };
  });
  return `<p>The space checked again under each of the ${g.sets} sets of the attacker's capabilities (own-account always on${g.explorer ? `; the explorer, scope <code>${esc(g.explorer.scope)}</code> to depth ${g.explorer.depth}, ${fmt(g.explorer.states)} distinct states summed` : ''}). A column is a minimal set: its cells fail with that set and with no set one capability smaller.</p>${grid(rows, cols, 'columns: the minimal capability sets, own-account always included')}${gridRemediationHtml(r)}`;
}

const actionNote = (c: CapabilityCell) => (c.action ? `; with the Action: ${c.action.effect === 'closes' ? 'closes' : `${c.action.effect}, ${c.action.failsIn} of ${c.action.of}`}` : '');

const settingText = (s: { key: string; value: unknown }) => `<code>${esc(s.key)}</code> = <code>${esc(JSON.stringify(s.value))}</code>`;

function gridRemediationHtml(r: Report): string {
  const g = r.capabilityGrid!;
  if (!g.remediation) return '';
  const rows = g.remediation.map((row) => {
    const top = row.recommended[0];
    const none = row.goals.filter((x) => x.remedy === null).map((x) => x.goal);
    return [row.sets.map((s) => esc(capText(s))).join('<br>'), esc(row.failing.join(', ')), top ? `${top.settings.map(settingText).join(', ')} (closes ${esc(top.closes.join(', '))})` : 'none closes a goal', esc(none.join(', ') || '—')];
  });
  return `<h3>What to set, per capability set</h3>${table(['capability sets', 'goals failing', 'first recommendation', 'a goal no setting keeps'], rows)}`;
}

function secondAppHtml(r: Report): string {
  const t = r.secondApp!;
  const rows = t.goals.map((g) => [esc(g.goal), `${g.alone.failsIn} of ${g.alone.of}`, `${g.failsIn} of ${g.of}`, String(g.undoneIn),
    `${esc(g.verdict)}${[...g.terms, ...g.others].length ? `<div>${[...g.terms.map((x) => ceLink(x)), ...g.others.map((o) => ceLink(o))].join(' ')}</div>` : ''}`]);
  return `<p>${esc(t.description)}</p><p>${t.ruleViolations.length === 0 ? 'No spec rule was violated in these configurations.' : `<b>${t.ruleViolations.length} spec-rule violation(s)</b>: a bug in the model.`}</p>${table(['goal', 'fails with the first app alone', 'with both apps', 'undone by the second', 'verdict'], rows)}`;
}

function actionHtml(r: Report): string {
  const a = r.action!;
  const rows = a.goals.map((g) => [esc(g.goal), `${g.without.failsIn} of ${g.without.of}`, `${g.with.failsIn} of ${g.with.of}`, esc(g.effect), esc(g.condition), g.counterexample ? link(pageOf(g.counterexample), `${g.steps} steps`) : '—']);
  return `<p>The same configurations checked again with <code>${esc(a.file)}</code> on every login it applies to; the full report with it: ${link(a.report.replace(/report\.md$/, 'index.html'), a.report.replace(/report\.md$/, 'index.html'))}.</p>${table(['goal', 'without the Action', 'with it', 'effect', 'where it still fails', 'shortest counterexample with it'], rows)}`;
}

function givenHtml(r: Report): string {
  const g = r.given!;
  const rows = g.clients.map((c) => [esc(c.role), esc(c.name ?? '—'), c.clientId ? `<code>${esc(c.clientId)}</code>` : '—', c.file === null ? '<b>no client given</b>' : `<code>${esc(c.file)}</code>`,
    c.defaulted.length ? c.defaulted.map((d) => `<code>${esc(d.field)}</code> = <code>${esc(JSON.stringify(d.value))}</code>`).join(', ') : 'none']);
  const fixes = g.fixes.map((f) => `<h3>${esc(f.goal)}: what to change</h3>${f.options.length === 0 ? `<p>No configuration where it holds was found (${esc(f.searched)}).</p>`
    : `<ul>${f.options.map((o) => `<li>${o.changes.map((c) => `set ${esc(c.client)}'s <code>${esc(c.field)}</code> to <code>${esc(c.to)}</code> (now <code>${esc(c.from)}</code>): ${esc(c.cost)}`).join('; and ')}${o.vacuous ? ` (holds only vacuously: ${esc(o.vacuousBecause ?? '')})` : ''}${o.alsoFails.length ? ` (but then ${esc(o.alsoFails.join(', '))} fail)` : ''}</li>`).join('')}</ul>`}`).join('');
  const c0 = r.configurations[0];
  return `${table(['app', 'name', 'client_id', 'read from', 'fields defaulted'], rows)}<p>Configuration <code>${esc(c0.label)}</code>: ${esc(c0.readable)}.</p>${c0.vacuousBecause ? `<p><b>Every security goal can only hold vacuously here:</b> ${esc(c0.vacuousBecause)}.</p>` : ''}${fixes}`;
}

function sensitivityHtml(r: Report): string {
  const z = r.sensitivity!;
  const sw = table(['switch', 'what it decides', 'readings (default first)', 'read in'], z.switches.map((w) => [`<b>${esc(w.id)}</b>`, esc(w.meaning), w.readings.map((v) => `<code>${esc(String(v))}</code>`).join(', '), `${w.readIn} configurations`]));
  const changes = z.changes.length === 0
    ? `<p><b>No verdict changes with a reading</b>: each of the ${z.unchanged.length} properties fails in the same configurations under every combination (${esc(z.unchanged.filter((u) => u.failsIn > 0).map((u) => `${u.property} in ${u.failsIn}`).join(', ') || 'none fails')}).</p>`
    : table(['property', 'under the defaults', 'under some reading', 'changes in', 'where', 'depends on', 'fails in more when', 'in fewer when'], z.changes.map((c) => [
      `${esc(c.property)}${c.kind === 'rule' ? ' <b>(rule)</b>' : ''}`, String(c.underDefault), String(c.underSome), String(c.changesIn), esc(c.where), esc(c.dependsOn.map((d) => `${d.switch} (${d.configurations})`).join(', ')),
      c.widens ? c.widens.terms.map((t) => `${esc(t.when)}: ${t.configurations} configurations, ${ceLink(t)}`).join('<br>') : '—', c.narrows ? `${esc(c.narrows.condition)}: ${c.narrows.configurations}` : '—']));
  const lengths = z.lengths.length === 0 ? '<p>No goal\'s shortest attack gets shorter or longer with a reading, where the goal fails under every reading.</p>'
    : table(['goal', 'configurations', 'where', 'shorter when', 'longer when'], z.lengths.map((l) => [esc(l.goal), String(l.configurations), esc(l.where),
      l.shorter ? l.shorter.terms.map((t) => `${esc(t.when)}: ${t.configurations} configurations, ${ceLink(t)} instead of ${t.defaultSteps}`).join('<br>') : '—', l.longer ? `${esc(l.longer.condition)}: ${l.longer.configurations}` : '—']));
  const cov = z.coverage.length ? `<p>What only other readings reach:</p><ul>${z.coverage.map((c) => `<li>${esc(c.category)}: ${c.items.map((x) => `<code>${esc(x)}</code>`).join(', ')}, when ${esc(c.when)}</li>`).join('')}</ul>` : '';
  return `<p>The space checked again under each of the ${z.readings} combinations of the interpretation switches${z.explorer ? `, by the explorer (scope <code>${esc(z.explorer.scope)}</code>, depth ${z.explorer.depth}, ${fmt(z.explorer.states)} distinct states summed)` : ''}.</p>${sw}${changes}<h3>Shortest attacks</h3>${lengths}${cov}`;
}

function exercisedText(r: Report, p: Report['properties'][number]): string {
  if (p.exercised === null) return '—';
  const parts = [p.exercised.randomSteps !== undefined ? `${fmt(p.exercised.randomSteps)} random steps` : '', p.exercised.explorerTransitions !== undefined ? `${fmt(p.exercised.explorerTransitions)} explored transitions` : ''].filter(Boolean);
  return `${parts.join(', ')}${r.scope.configurations > 1 ? ` in ${p.exercised.configurations} configurations` : ''}`;
}
const statusBadge = (p: Report['properties'][number]) => (p.status === 'violated' ? `<span class="badge fails">violated in ${p.violatedIn}</span>`
  : p.status === 'no violation' ? '<span class="badge holds">no violation</span>' : `<span class="badge vacuous">${esc(p.status)}</span>`);

/** An engine's finding, short: the scope it ran in is said once above the table (the full line on hover). */
const engineCell = (line: string | null) => (line === null ? '—' : `<span title="${esc(line)}">${line.startsWith('no violation') ? 'none found' : esc(line)}</span>`);

function propertyTable(r: Report, kind: 'rule' | 'goal'): string {
  const s = r.scope;
  const scope = [s.explorer && `the explorer: every world of scope <code>${esc(s.explorer.scope)}</code> up to depth ${s.explorer.depth} in each configuration (${fmt(s.explorer.states)} distinct states summed)`,
    s.random && `the random engine: ${fmt(s.random.sequences)} sequences of up to ${s.random.maxSteps} steps`].filter(Boolean).join('; ');
  return `<p class="small">Violations searched by ${scope}, across ${fmt(s.configurations)} configuration${s.configurations > 1 ? 's' : ''}.</p>`
    + table(['property', 'rules', 'claim', 'exercised', 'verdict', 'explorer', 'random engine'], r.properties.filter((p) => p.kind === kind).map((p) => [
      `<b>${esc(p.id)}</b>`, ruleList(p.rules), esc(p.claim), esc(exercisedText(r, p)),
      `${statusBadge(p)}${p.vacuousBecause ? `<div class="small">${esc(p.vacuousBecause)}</div>` : ''}`, engineCell(p.explorer), engineCell(p.random)]));
}

function rulesHtml(r: Report): string {
  const readable = new Map(r.configurations.map((c) => [c.label, c.readable]));
  const violations = r.ruleViolations.length ? `<h3>Rule violations</h3>${table(['property', 'configuration', 'counterexample'], r.ruleViolations.map((v) => [esc(v.property), `<code>${esc(v.config)}</code> (${esc(readable.get(v.config) ?? '')})`, ceLink(v)]))}` : '';
  return `<p>What each engine explored for each rule property. Exercised: the steps on which the property's premise held, so that it could have failed there. Hover a rule id for its line.</p>${propertyTable(r, 'rule')}${violations}`;
}

const goalsHtml = (r: Report) => propertyTable(r, 'goal');

function mutantsHtml(r: Report): string {
  const nv = r.nonVacuity;
  const rows = nv.mutants.map((m) => [`<code>${esc(m.id)}</code>`, esc(m.description), ruleList(m.rules), m.caughtBy.includes(m.mainCatcher) ? esc(m.mainCatcher) : `<b class="st-revoked">${esc(m.mainCatcher)} (missed)</b>`, esc(m.caughtBy.join(', ')), `<td class="num">${m.shortest ?? '—'}</td>`]);
  return `<p>Each mutant is the model with one deliberate defect (machines/mutants/). The random engine ran ${nv.runs} sequences on each (seed ${nv.seed}); its main catcher must find it. ${nv.allCaught ? 'Every mutant was caught.' : '<b>Some mutant was not caught: that property is vacuous.</b>'}</p>${table(['mutant', 'defect', 'rules', 'main catcher', 'caught by', 'shortest'], rows)}`;
}

function coverageHtml(r: Report): string {
  const rows = Object.entries(r.coverage.reached).map(([k, v]) => {
    const miss = r.coverage.missing[k as keyof typeof r.coverage.missing];
    return [esc(k), esc(v), miss.length ? miss.map((x) => `<code>${esc(x)}</code>`).join(', ') : '—'];
  });
  return `${table(['what', 'reached', 'not reached'], rows)}${r.coverage.notes.length ? `<ul>${r.coverage.notes.map((x) => `<li class="small">${esc(x)}</li>`).join('')}</ul>` : ''}`;
}

function remediationHtml(r: Report): string {
  const m = r.remediation!;
  const rec = m.recommended.length === 0 ? '<p>No combination of the remedies below closes a goal.</p>'
    : `<ol>${m.recommended.map((x) => `<li>${x.settings.map(settingText).join(', ')}: closes ${esc(x.closes.join(', '))}${x.stillFailing.length ? `; still failing: ${esc(x.stillFailing.join(', '))}` : ''}.${x.costs.length ? `<ul>${x.costs.map((c) => `<li class="small">costs: ${esc(c)}</li>`).join('')}</ul>` : ''}</li>`).join('')}</ol>`;
  const rows: string[][] = [];
  for (const g of m.goals) {
    if (g.remedies.length === 0 && g.failsIn > 0) rows.push([esc(g.goal), String(g.failsIn), `none: no set of up to ${MAX_SETTINGS} settings keeps it while Native to Web SSO works`, '—', '—']);
    for (const x of g.remedies) rows.push([esc(g.goal), String(g.failsIn), x.settings.map(settingText).join(', '), `${x.configurations} (${x.working})`, x.costs.length ? esc(x.costs.join('; ')) : 'nothing']);
  }
  return `<p>Searched: ${esc(m.searched)}. Costs are counted against the most permissive value of each flag.</p><h3>Recommended settings, ranked</h3>${rec}<h3>Per goal</h3>${table(['goal', 'fails in', 'fewest settings under which it holds', 'configurations (N2W working)', 'cost'], rows)}`;
}

// ---------------------------------------------------------------------------------------------
// A counterexample's page

function describeFoundBy(f: FoundBy): string {
  return f.engine === 'explorer'
    ? `the explorer, breadth first in scope ${f.scope} up to depth ${f.depth}: no shorter counterexample exists in that scope`
    : `the random engine: seed ${f.seed}, run ${f.run}, shrunk by ${f.shrinks} successful shrinks`;
}

const KIND_TITLES: [ArtifactKind, string][] = [['family', 'refresh-token families'], ['transfer', 'transfer tokens'], ['session', 'sessions'], ['web', 'web refresh tokens'], ['device', 'browsers']];

/** The artifacts a violation message names (rt3, stt1, s2): marked on the failing step and in the lineage. */
export const namedIn = (message: string) => new Set(message.match(/\b(?:stt|rt|s)\d+\b/g) ?? []);

function chip(a: ArtifactView, culprits: ReadonlySet<string> = new Set()): string {
  const mark = a.change === 'same' ? '' : `<span class="mark">${esc(a.change)}</span>`;
  const now = a.kind === 'device' ? esc(a.status) : `<span class="st-${esc(a.status)}">${esc(a.status)}</span>`;
  const status = a.was ? `<span class="was">${esc(a.was)}</span> → ${now}` : now;
  return `<span class="chip ${a.change}${culprits.has(a.id) ? ' culprit' : ''}" data-id="${esc(a.id)}" data-change="${a.change}"><span class="id">${esc(a.id)}</span> ${status}${mark}${a.detail ? `<span class="d">${esc(a.detail)}</span>` : ''}</span>`;
}

function stateColumn(kind: ArtifactKind, title: string, items: ArtifactView[], culprits: ReadonlySet<string>): string {
  const chipOf = (a: ArtifactView) => chip(a, culprits);
  let body: string;
  if (items.length === 0) body = '<span class="empty">none</span>';
  else if (kind === 'family') {
    // native tokens by family: a rotation chain reads as one family
    const families = [...new Set(items.map((a) => a.group!))];
    body = families.map((f) => `<div class="family" data-family="${esc(f)}"><span class="small">family ${esc(f)}</span>${items.filter((a) => a.group === f).map(chipOf).join('')}</div>`).join('');
  } else body = items.map(chipOf).join('');
  return `<div><h4>${esc(title)}</h4>${body}</div>`;
}

function logsTable(logs: CounterexampleFile['observations'][number]['logs']): string {
  if (logs.length === 0) return '<p class="small">No log line.</p>';
  return `<table class="logs"><thead><tr><th>type</th><th>client_id</th><th>user_id</th><th>ip</th><th>details</th></tr></thead><tbody>${logs.map((g) => `<tr><td><abbr title="${esc(LOG_TYPE_TEXT[g.type as LogType] ?? '')}"><code>${esc(g.type)}</code></abbr></td><td><code>${esc(g.client_id ?? '—')}</code></td><td>${esc(g.user_id ?? '—')}</td><td><code>${esc(g.ip ?? '—')}</code></td><td class="details">${Object.entries(g.details ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `<code>${esc(k)}</code>: <code>${esc(JSON.stringify(v))}</code>`).join(', ')}</td></tr>`).join('')}</tbody></table>`;
}

/** `name` is the file's name under counterexamples/ (NAME.json); the page sits beside it. */
export function renderCounterexampleHtml(ce: CounterexampleFile, story: Story, name: string): string {
  const failing = ce.violation.step;
  const chart = chartOf(story, failing);
  const base = name.replace(/\.json$/, '');
  const at = story.steps[failing - 1];
  const culprits = namedIn(ce.violation.message);
  const steps = story.steps.map((s) => {
    const o = ce.observations[s.step - 1];
    const cols = KIND_TITLES.map(([k, t]) => stateColumn(k, t, s.artifacts.filter((a) => a.kind === k), s.step === failing ? culprits : new Set())).join('');
    return `<section class="step${s.step === failing ? ' failing' : ''}" id="step-${s.step}" data-step="${s.step}"><h3>${s.step === failing ? '✗ ' : ''}Step ${s.step}: ${esc(describeEvent(s.event))}</h3>`
      + `<p class="answer">→ ${esc(describeAnswer(o))}${o.rules.length ? ` <span class="small">(model branch: ${ruleList(o.rules)})</span>` : ''}</p>`
      + `<div class="kinds">${cols}</div><details${s.step === failing ? ' open' : ''}><summary class="small">log lines of this step (${o.logs.length})</summary>${logsTable(o.logs)}</details></section>`;
  }).join('');
  const attacker = ce.attacker.tokens.length ? ` How each token his devices presented reached him: ${ce.attacker.tokens.map((t) => `step ${t.step}: ${esc(t.how)}`).join('; ')}.` : '';
  const body = [
    `<div class="violation"><b>Violation at step ${failing}.</b> ${esc(ce.violation.message)}</div>`,
    `<p><b>Claim.</b> ${esc(ce.claim)}</p>`,
    '<h2 id="sequence">The attack, request by request</h2>',
    '<div class="legend"><span class="request">request, with the token it carries</span><span class="response">answer</span><span class="refused">refusal</span><span class="leak">a token reaching another party</span></div>',
    `<figure>${sequenceSvg(chart, 'seq')}</figure>`,
    `<h2 id="lineage">Lineage after step ${failing}, the violation</h2>`,
    '<p class="small">Native refresh-token family → transfer token → session → web refresh tokens (MODEL.md §1); colour is status: green active, blue issued, indigo consumed, amber rotated, red revoked, grey expired; a thick border: named by the violation.</p>',
    `<figure>${lineageSvg(at.after, 'lin', failing, culprits)}</figure>`,
    '<h2 id="about">The rule, the configuration, the replay</h2>',
    `<dl class="facts"><dt>Rules</dt><dd>${ce.rules.map((r) => `<b>${esc(r)}</b>: ${esc(RULES[r])}`).join('<br>')}</dd>`,
    `<dt>Configuration</dt><dd><code>${esc(ce.configLabel)}</code>: ${esc(describeConfig(resolveConfig(ce.config)))}</dd>`,
    `<dt>Interpretations</dt><dd>${esc(describeInterpretations(ce.interpretations))}</dd>`,
    `<dt>Found by</dt><dd>${esc(describeFoundBy(ce.foundBy))}</dd>`,
    `<dt>The attacker</dt><dd>can ${esc(ce.attacker.capabilities.join(', '))}.${attacker}</dd>`,
    `<dt>Replay</dt><dd><pre class="replay"><code>${esc(ce.replay)}</code></pre></dd></dl>`,
    `<p class="small">The same counterexample as ${link(`${base}.md`, 'Markdown')} and ${link(`${base}.json`, 'JSON')} (the file the replay reads).</p>`,
    '<h2 id="state">The world, step by step</h2>',
    '<p class="small">After each step, every artifact: <b>added</b>, <b>changed</b> (its status before →), <b>revoked</b> or <b>expired</b> by the step are marked; the others are faded. At the failing step, what the violation names is outlined in red.</p>',
    steps,
  ].join('\n');
  return page(`${ce.property}: ${ce.kind === 'rule' ? 'spec rule violated' : 'security goal fails'}`, `<a href="../index.html">← the report</a>`, body, { href: `../${STYLESHEET}` });
}

// ---------------------------------------------------------------------------------------------
// machines.html

const section = (d: MachineDiagram, drawing: string, h = 'h2') => `<section id="${esc(d.id)}" class="machine-section"><${h}>${esc(d.title)}</${h}><p>${esc(d.what)}. ${d.transitions} transitions; rules cited: ${ruleList(d.rules as RuleId[])}. Also as ${link(`machines/${d.id}.svg`, `machines/${d.id}.svg`)}.</p>${drawing}</section>`;

export function renderMachinesHtml(diagrams: readonly MachineDiagram[]): string {
  const body = [
    '<p>Drawn from the XState definitions under machines/ when the report was written (their states, transitions and <code>meta.rules</code>), so they say what the code does. Hover a rule id in the tables of the report for its line.</p>',
    `<nav class="toc">${diagrams.map((d) => link(`#${d.id}`, d.title)).join('')}</nav>`,
    ...diagrams.filter((d) => d.id === 'tenant').map((d) => section(d, d.svg)),
    '<h2>The lifecycle machines</h2><p class="small">Each artifact is one of these; the tenant sends it the events named on the arrows. Hover an arrow for what it means.</p>',
    `<div class="lifecycles">${diagrams.filter((d) => d.id !== 'tenant').map((d) => section(d, `<figure>${d.svg}</figure>`, 'h3')).join('')}</div>`,
  ].join('\n');
  return page('The actor machines', '<a href="index.html">← the report</a>', body, { href: STYLESHEET });
}

/** A machine's diagram as a file of its own (the tenant's ladders stacked in one SVG). */
export function machineSvgFile(d: MachineDiagram): string {
  if (d.id !== 'tenant') return `<?xml version="1.0" encoding="UTF-8"?>\n${d.svg}\n`;
  const svgs = [...d.svg.matchAll(/<svg [^>]*width="([\d.]+)" height="([\d.]+)"[^>]*>[\s\S]*?<\/svg>/g)];
  let y = 0;
  const width = Math.max(...svgs.map((m) => Number(m[1])));
  const placed = svgs.map((m) => {
    const at = y;
    y += Number(m[2]) + 16;
    return m[0].replace('<svg ', `<svg x="0" y="${at}" `);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"><rect width="100%" height="100%" fill="#ffffff"/>${placed.join('')}</svg>\n`;
}
