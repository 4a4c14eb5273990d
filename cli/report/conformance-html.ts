// cli/report/conformance-html.ts: pages for what `n2w conform` saves. A divergence trace shows, step by
// step, the model's answer beside the implementation's, the first step where they differ marked and its
// differing fields named, with the model's sequence chart and the failing step's HTTP exchanges; a race
// history (conformance/races.ts) shows its requests as a timeline. Views of the saved JSON only; each page
// carries its style inline, since it is saved alone, wherever the trace is.
import { resolveConfig, resolveInterpretations, describeConfig } from '../../machines/config.js';
import { describeEvent } from '../../machines/events.js';
import type { Observation } from '../../machines/observation.js';
import { contractView, n2wView, type HttpExchange } from '../../conformance/adapter.js';
import type { Trace } from '../../conformance/harness.js';
import type { RaceHistory } from '../../conformance/races.js';
import { describeAnswer, describeInterpretations } from '../format.js';
import { page } from './html.js';
import { chartOf, sequenceSvg } from './sequence.js';
import { storyOf } from './story.js';
import { esc, n, svg, text, textWidth } from './svg.js';

/** The fields the harness compares, as one flat record per answer (what the two columns show). */
function fields(o: Observation): Record<string, string> {
  const c = contractView(o) as unknown as Record<string, unknown>;
  const v = n2wView(o);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(c)) out[k] = JSON.stringify(x ?? null);
  out.logs = JSON.stringify(v.logs);
  out.mint = JSON.stringify(v.mint);
  return out;
}

function sideBySide(model: Observation, impl: Observation, differing: readonly string[]): string {
  const m = fields(model);
  const i = fields(impl);
  const keys = [...new Set([...Object.keys(m), ...Object.keys(i)])];
  return `<table class="compare"><thead><tr><th>field</th><th>the model</th><th>the implementation</th></tr></thead><tbody>${keys.map((k) => {
    const bad = differing.includes(k);
    return `<tr${bad ? ' class="differs"' : ''} data-field="${esc(k)}"><td>${bad ? '✗ ' : ''}<code>${esc(k)}</code></td><td><code>${esc(m[k] ?? '—')}</code></td><td><code>${esc(i[k] ?? '—')}</code></td></tr>`;
  }).join('')}</tbody></table>`;
}

const exchangesHtml = (xs: readonly HttpExchange[]) => (xs.length === 0 ? '<p class="small">No HTTP exchange was recorded.</p>'
  : `<ol class="exchanges">${xs.map((x) => `<li><code>${esc(x.method)} ${esc(x.url)}</code> → <b>${x.status}</b>${x.ms !== undefined ? ` <span class="small">(${n(x.ms)} ms)</span>` : ''}${x.requestBody ? `<pre>${esc(x.requestBody)}</pre>` : ''}${x.responseBody ? `<pre>${esc(x.responseBody)}</pre>` : ''}</li>`).join('')}</ol>`);

const CSS = `
table.compare tr.differs td { background: #fee2e2; font-weight: 600; }
table.compare td code { white-space: pre-wrap; overflow-wrap: anywhere; }
table.steps tr.first-difference td { background: #fee2e2; }
table.steps td.same { color: #15803d; }
ol.exchanges pre { margin: 4px 0; max-height: 12em; }
`;

/**
 * A conformance divergence (or harness error) trace as a page: the model's and the implementation's
 * answers side by side at every step, the first difference marked. `file` names the trace in the replay line.
 */
export function renderConformanceTraceHtml(trace: Trace, file = 'TRACE.json'): string {
  const at = trace.divergence?.step ?? trace.error?.step ?? trace.steps.length;
  const differing = trace.divergence?.fields ?? [];
  const rows = trace.steps.map((e, k) => {
    const m = trace.modelObservations[k];
    const i = trace.implementationObservations[k];
    const first = k + 1 === at;
    const verdict = first ? (trace.divergence ? `<b>first difference</b>: ${differing.map((f) => `<code>${esc(f)}</code>`).join(', ')}` : `<b>harness error</b>: ${esc(trace.error?.message ?? '')}`) : '<span class="same">same</span>';
    return `<tr${first ? ' class="first-difference"' : ''} data-step="${k + 1}"><td>${first ? `${k + 1} ✗` : k + 1}</td><td>${esc(describeEvent(e))}</td><td>${m ? esc(describeAnswer(m)) : '—'}</td><td>${i ? esc(describeAnswer(i)) : '—'}</td><td>${verdict}</td></tr>`;
  }).join('');
  const config = resolveConfig(trace.config);
  const interpretations = resolveInterpretations(trace.interpretations);
  const story = storyOf({ config, interpretations, population: trace.population, steps: trace.steps });
  const src = trace.source;
  const body = [
    `<div class="violation"><b>${trace.divergence ? `Divergence at step ${at}` : `Harness error at step ${at}`}.</b> ${trace.divergence ? `The implementation answered otherwise on ${esc(differing.join(', '))}.` : esc(trace.error?.message ?? '')}</div>`,
    `<dl class="facts"><dt>Configuration</dt><dd>${esc(describeConfig(config))}</dd><dt>Interpretations</dt><dd>${esc(describeInterpretations(interpretations))}</dd>`,
    `<dt>Sequence</dt><dd>${esc(src.kind)}${src.name ? ` ${esc(src.name)}` : ''}${src.seed !== undefined ? `, seed ${src.seed}` : ''}${src.run !== undefined ? `, run ${src.run}` : ''}${src.originalLength !== undefined ? `; ${src.originalLength} steps before shrinking${src.shrinks !== undefined ? ` (${src.shrinks} shrinks)` : ''}` : ''}</dd>`,
    `<dt>Known divergences skipped</dt><dd>${esc(trace.known.join(', ') || 'none')}</dd>`,
    `<dt>Replay</dt><dd><pre><code>${esc(`n2w conform --replay ${file} --url URL`)}</code></pre></dd></dl>`,
    `<h2 id="steps">Step by step</h2><table class="steps"><thead><tr><th>#</th><th>event</th><th>the model answers</th><th>the implementation answers</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
    ...(trace.divergence ? [`<h2 id="difference">Step ${at}, field by field</h2>`, sideBySide(trace.divergence.model, trace.divergence.implementation, differing)] : []),
    `<h2 id="sequence">The model's run, request by request</h2><figure>${sequenceSvg(chartOf(story, at), 'seq')}</figure>`,
    `<h2 id="exchanges">HTTP exchanges of step ${at}</h2>${exchangesHtml(trace.exchanges)}`,
  ].join('\n');
  return page(`n2w conform: ${trace.kind} at step ${at}`, '<span class="small">n2w conform</span>', body, { inline: CSS });
}

// ---------------------------------------------------------------------------------------------
// A race history

const ROW = 30;

/**
 * The requests of a race as bars on a common time scale, from sent to answered (open: no answer); those
 * in `unexplained` (no order of the model fits their answer after the ones it explains) in red, marked ✗.
 */
export function raceTimelineSvg(h: Pick<RaceHistory, 'ops'>, unexplained: ReadonlySet<number> = new Set()): string {
  const label = (k: number) => `#${k + 1} ${describeEvent(h.ops[k].event)}`;
  const left = Math.max(...h.ops.map((_, k) => textWidth(label(k)))) + 16;
  const span = 400;
  const end = Math.max(1, ...h.ops.map((op) => op.answeredAt ?? op.sentAt));
  const x = (t: number) => left + (t / end) * span;
  const answerText = (k: number) => {
    const op = h.ops[k];
    const answer = op.observation ? describeAnswer(op.observation) : 'no answer: may or may not have taken effect';
    return unexplained.has(k) ? `✗ ${answer}: unexplained` : answer;
  };
  const parts = [text(left, 14, '0 ms', { 'font-size': 11, fill: '#57534e' }), text(left + span, 14, `${n(end)} ms`, { 'font-size': 11, fill: '#57534e', 'text-anchor': 'end' })];
  h.ops.forEach((op, k) => {
    const y = 30 + k * ROW;
    const a = x(op.sentAt);
    const b = op.answeredAt === null ? left + span + 20 : Math.max(a + 2, x(op.answeredAt));
    const bad = unexplained.has(k);
    const fill = bad ? '#fee2e2' : op.answeredAt === null ? '#fef3c7' : '#dbeafe';
    parts.push(`<g class="op${bad ? ' unexplained' : ''}" data-op="${k + 1}">${text(8, y + 4, label(k))}<rect x="${n(a)}" y="${n(y - 7)}" width="${n(b - a)}" height="14" rx="3" fill="${fill}" stroke="${bad ? '#b91c1c' : '#1d4ed8'}"${op.answeredAt === null ? ' stroke-dasharray="4 3"' : ''}/>${text(left + span + 28, y + 4, answerText(k), { 'font-size': 11, fill: bad ? '#b91c1c' : '#44403c' })}</g>`);
  });
  const width = left + span + 40 + Math.max(...h.ops.map((_, k) => textWidth(answerText(k), 11)));
  return svg(width, 30 + h.ops.length * ROW, 'timeline', `race of ${h.ops.length} overlapping requests`, parts.join(''));
}

/** A race history as a page: its timeline and the linearizability verdict. */
export function renderRaceHistoryHtml(h: RaceHistory, file = 'HISTORY.json'): string {
  const v = h.verdict;
  const verdict = v.kind === 'linearizable' ? `Linearizable: the model explains every answer in the order ${v.order.map((i) => `#${i + 1}`).join(', ')}.`
    : v.kind === 'not-linearizable' ? `Not linearizable: the model explains at most ${v.longest.length ? v.longest.map((i) => `#${i + 1}`).join(' then ') : 'none of them first'}; after that no request left can come next with the answer it got.`
      : v.kind === 'inconclusive' ? `Inconclusive: the search ran out of its budget (${v.explored} of ${v.budget} nodes).` : `The sequential prefix already diverged at step ${v.step} (${v.fields.join(', ')}).`;
  const body = [
    `<div class="violation"><b>${esc(h.scenario)}</b>, ${h.concurrency} at once. ${esc(verdict)}</div>`,
    `<p>Before the race: ${h.prefix.length ? h.prefix.map((e) => esc(describeEvent(e))).join('; ') : 'nothing'}.</p>`,
    `<figure>${raceTimelineSvg(h, v.kind === 'not-linearizable' ? new Set(h.ops.map((_, k) => k).filter((k) => !v.longest.includes(k))) : undefined)}</figure>`,
    `<p>Replay: <code>${esc(`n2w conform --replay ${file}`)}</code> (judged again offline; add <code>--url URL</code> to run it again).</p>`,
  ].join('\n');
  return page(`n2w conform: race ${h.scenario}`, '<span class="small">n2w conform</span>', body, { inline: '' });
}
