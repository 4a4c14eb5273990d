// cli/report/machines.ts: state diagrams of the actor machines, read off the XState definitions
// themselves (`machine.root`: states, transitions, their `meta.rules`), so a diagram cannot say other
// than the machine does. The lifecycle machines are drawn as state graphs; the tenant, whose one state
// answers each event by the first guarded branch that holds, as one decision ladder per event.
import type { AnyStateMachine } from 'xstate';
import { LIFECYCLE_MACHINES } from '../../machines/lifecycle.js';
import { createTenantMachine } from '../../machines/tenant.machine.js';
import { graphSvg, type GraphEdge, type GraphNode } from './graph.js';
import { arrowDefs, esc, n, svg, text, textWidth } from './svg.js';

interface TransitionLike { eventType: string; target?: readonly { key: string }[]; guard?: unknown; actions: readonly unknown[]; meta?: { rules?: readonly string[] }; description?: string }
interface StateLike { key: string; type: string; states: Record<string, StateLike>; transitions: Map<string, TransitionLike[]>; initial?: { target: readonly { key: string }[] } }

export interface MachineDiagram { id: string; title: string; what: string; svg: string; transitions: number; rules: string[] }

/** The states and rule-labelled transitions of a lifecycle machine, as a top-down graph. */
export function lifecycleDiagram(machine: AnyStateMachine, what: string): MachineDiagram {
  const root = machine.root as unknown as StateLike;
  const initial = root.initial?.target[0]?.key;
  const nodes: GraphNode[] = Object.values(root.states).map((s) => ({ id: s.key, lines: [s.key], tone: s.type === 'final' ? 'final' : 'state', final: s.type === 'final', initial: s.key === initial }));
  const edges: GraphEdge[] = [];
  for (const s of Object.values(root.states)) {
    for (const [event, ts] of s.transitions) {
      for (const t of ts) for (const target of t.target ?? []) edges.push({ from: s.key, to: target.key, label: [event, (t.meta?.rules ?? []).join(' ')], ...(t.description ? { title: t.description } : {}) });
    }
  }
  const rules = [...new Set(edges.flatMap((e) => e.label[1].split(' ').filter(Boolean)))];
  return { id: machine.id, title: `${machine.id} machine`, what, transitions: edges.length, rules, svg: graphSvg(nodes, edges, { id: `m-${machine.id}`, title: `${machine.id}: ${nodes.length} states, ${edges.length} transitions`, rankdir: 'TB', cls: 'machine' }) };
}

/** A guard or action as XState keeps it: its name, or an object with its `type`. */
const nameOf = (x: unknown) => (typeof x === 'string' ? x : String((x as { type?: string } | undefined)?.type));

const GUARD_FILL = '#eff6ff';
const EFFECT_FILL = '#f0fdf4';

/** The tenant's branches for one event, in the order they are tried: guard? yes → effect [rules]; no → next. */
function ladderSvg(event: string, branches: readonly TransitionLike[], id: string): string {
  const rows = branches.map((b) => ({
    guard: b.guard === undefined ? 'otherwise' : nameOf(b.guard),
    effect: nameOf(b.actions[0]),
    rules: (b.meta?.rules ?? []).join(' '),
  }));
  const gw = Math.max(...rows.map((r) => textWidth(r.guard)), textWidth(event)) + 24;
  const ew = Math.max(...rows.map((r) => Math.max(textWidth(r.effect), textWidth(r.rules, 11)))) + 24;
  const x0 = 12;
  const x1 = x0 + gw + 70;
  const rowH = 56;
  const parts: string[] = [arrowDefs(id, { edge: '#44403c' })];
  parts.push(`<g class="node event" data-node="${esc(event)}"><rect x="${x0}" y="8" width="${n(gw)}" height="26" rx="13" fill="#1e293b"/>${text(x0 + gw / 2, 25, event, { 'text-anchor': 'middle', fill: '#ffffff', 'font-weight': 'bold' })}</g>`);
  rows.forEach((r, i) => {
    const y = 50 + i * rowH;
    const cy = y + 18;
    const unguarded = r.guard === 'otherwise';
    parts.push(`<line x1="${n(x0 + gw / 2)}" y1="${n(y - (i === 0 ? 16 : 20))}" x2="${n(x0 + gw / 2)}" y2="${n(y - 1)}" stroke="#44403c" marker-end="url(#${id}-edge)"/>`);
    if (i > 0) parts.push(text(x0 + gw / 2 + 6, y - 8, 'no', { 'font-size': 11, fill: '#78716c' }));
    parts.push(`<g class="node guard" data-node="${esc(r.guard)}"><rect x="${x0}" y="${y}" width="${n(gw)}" height="36" rx="${unguarded ? 18 : 4}" fill="${unguarded ? '#f5f5f4' : GUARD_FILL}" stroke="#1d4ed8"/>${text(x0 + gw / 2, cy + 4, r.guard, { 'text-anchor': 'middle' })}</g>`);
    parts.push(`<g class="edge" data-from="${esc(r.guard)}" data-to="${esc(r.effect)}"><line x1="${n(x0 + gw)}" y1="${n(cy)}" x2="${n(x1 - 2)}" y2="${n(cy)}" stroke="#15803d" stroke-width="1.5" marker-end="url(#${id}-edge)"/>${unguarded ? '' : text(x0 + gw + 35, cy - 5, 'yes', { 'text-anchor': 'middle', 'font-size': 11, fill: '#15803d' })}</g>`);
    parts.push(`<g class="node effect" data-node="${esc(r.effect)}"><rect x="${n(x1)}" y="${y}" width="${n(ew)}" height="36" rx="6" fill="${EFFECT_FILL}" stroke="#15803d"/>${text(x1 + ew / 2, y + 15, r.effect, { 'text-anchor': 'middle', 'font-weight': 'bold' })}${text(x1 + ew / 2, y + 29, r.rules, { 'text-anchor': 'middle', 'font-size': 11, fill: '#7c2d12', class: 'rules' })}</g>`);
  });
  return svg(x1 + ew + 12, 50 + rows.length * rowH, 'machine ladder', `tenant, ${event}: ${rows.length} branches in the order they are tried`, parts.join(''), { 'data-event': event });
}

/** The tenant machine: one ladder per event type it answers, from its `serving` state's transitions. */
export function tenantDiagram(): MachineDiagram {
  const machine = createTenantMachine();
  const serving = (machine.root as unknown as StateLike).states.serving;
  const ladders: string[] = [];
  let transitions = 0;
  const rules = new Set<string>();
  for (const [event, ts] of serving.transitions) {
    transitions += ts.length;
    for (const t of ts) for (const r of t.meta?.rules ?? []) rules.add(r);
    ladders.push(`<figure class="ladder" id="tenant-${esc(event)}">${ladderSvg(event, ts, `t-${event}`)}</figure>`);
  }
  return { id: machine.id, title: 'tenant machine', what: 'the authorization server: each event is answered by the first branch whose guard holds (A9\'s order of checks for /authorize)', svg: `<div class="ladders">${ladders.join('')}</div>`, transitions, rules: [...rules] };
}

/** Every actor machine of the model, in the order a reader meets them. */
export function machineDiagrams(): MachineDiagram[] {
  return [
    tenantDiagram(),
    lifecycleDiagram(LIFECYCLE_MACHINES.refreshToken, 'one refresh token of a rotation family, native or web'),
    lifecycleDiagram(LIFECYCLE_MACHINES.transferToken, 'one session_transfer_token'),
    lifecycleDiagram(LIFECYCLE_MACHINES.session, 'one Auth0 session (the SSO cookie of a browser)'),
  ];
}
