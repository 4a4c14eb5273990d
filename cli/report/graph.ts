// cli/report/graph.ts: a small directed graph laid out by dagre (a Sugiyama layout in plain JavaScript,
// deterministic for the same input) and drawn as SVG: the lineage graph of a counterexample and the state
// diagrams of the lifecycle machines. Boxes are sized from their text (svg.ts), so no browser is needed.
import dagre from '@dagrejs/dagre';
import { arrowDefs, esc, HALO, n, svg, text, textWidth } from './svg.js';

export interface GraphNode {
  id: string;
  /** lines of text, the first in bold */
  lines: string[];
  /** CSS-like class for the fill: a status (active, revoked, ...) or a role */
  tone: string;
  /** a final state (drawn with a double border) */
  final?: boolean;
  /** the initial state (an entry dot points at it) */
  initial?: boolean;
  /** drawn with a thick border: what a violation names */
  emphasis?: boolean;
}
/** `title`: shown on hover (a transition's description) */
export interface GraphEdge { from: string; to: string; label: string[]; dashed?: boolean; title?: string }

const TONES: Record<string, [fill: string, stroke: string]> = {
  active: ['#dcfce7', '#15803d'], issued: ['#e0f2fe', '#0369a1'], consumed: ['#e0e7ff', '#4338ca'],
  rotated: ['#fef3c7', '#b45309'], rejected: ['#ffedd5', '#c2410c'], revoked: ['#fee2e2', '#b91c1c'],
  expired: ['#e7e5e4', '#57534e'], state: ['#f8fafc', '#334155'], final: ['#f1f5f9', '#334155'],
};
const LINE_H = 15;

/** Lays the graph out (left to right or top down) and draws it; `id` prefixes the arrow markers. */
export function graphSvg(nodes: readonly GraphNode[], edges: readonly GraphEdge[], o: { id: string; title: string; rankdir: 'LR' | 'TB'; cls: string }): string {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: o.rankdir, nodesep: 28, ranksep: o.rankdir === 'LR' ? 70 : 56, edgesep: 18, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const v of nodes) {
    const w = Math.max(...v.lines.map((l, i) => textWidth(l, i === 0 ? 12 : 11))) + 22;
    g.setNode(v.id, { width: Math.max(w, 60), height: v.lines.length * LINE_H + 14 });
  }
  const known = new Set(nodes.map((v) => v.id));
  edges = edges.filter((e) => known.has(e.from) && known.has(e.to));
  edges.forEach((e, i) => {
    const lw = e.label.length ? Math.max(...e.label.map((l) => textWidth(l, 11))) + 8 : 0;
    g.setEdge(e.from, e.to, { width: lw, height: e.label.length * 13 + (e.label.length ? 4 : 0), labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  const parts: string[] = [arrowDefs(o.id, { edge: '#44403c' })];
  edges.forEach((e, i) => {
    const lab = g.edge(e.from, e.to, `e${i}`) as { points: { x: number; y: number }[]; x?: number; y?: number };
    const d = smooth(lab.points);
    parts.push(`<g class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}">${e.title ? `<title>${esc(e.title)}</title>` : ''}<path d="${d}" fill="none" stroke="#44403c" stroke-width="1.3"${e.dashed ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#${o.id}-edge)"/>`
      + e.label.map((l, k) => text(lab.x ?? 0, (lab.y ?? 0) - (e.label.length - 1) * 6.5 + k * 13 + 4, l, { 'text-anchor': 'middle', 'font-size': 11, fill: k === 0 ? '#1c1917' : '#7c2d12', class: 'edge-label', ...HALO })).join('')
      + '</g>');
  });
  for (const v of nodes) {
    const p = g.node(v.id) as { x: number; y: number; width: number; height: number };
    const [fill, stroke] = TONES[v.tone] ?? TONES.state;
    const x0 = p.x - p.width / 2;
    const y0 = p.y - p.height / 2;
    const inner = v.final ? `<rect x="${n(x0 + 3)}" y="${n(y0 + 3)}" width="${n(p.width - 6)}" height="${n(p.height - 6)}" rx="6" fill="none" stroke="${stroke}"/>` : '';
    const entry = v.initial ? `<circle cx="${n(o.rankdir === 'TB' ? p.x : x0 - 26)}" cy="${n(o.rankdir === 'TB' ? y0 - 26 : p.y)}" r="5" fill="#1c1917"/>`
      + `<line x1="${n(o.rankdir === 'TB' ? p.x : x0 - 21)}" y1="${n(o.rankdir === 'TB' ? y0 - 21 : p.y)}" x2="${n(o.rankdir === 'TB' ? p.x : x0 - 2)}" y2="${n(o.rankdir === 'TB' ? y0 - 2 : p.y)}" stroke="#1c1917" marker-end="url(#${o.id}-edge)"/>` : '';
    const lines = v.lines.map((l, k) => text(p.x, y0 + 18 + k * LINE_H, l, { 'text-anchor': 'middle', 'font-size': k === 0 ? 12 : 11, ...(k === 0 ? { 'font-weight': 'bold' } : { fill: '#44403c' }) })).join('');
    parts.push(`<g class="node ${esc(v.tone)}${v.emphasis ? ' named' : ''}" data-node="${esc(v.id)}">${entry}<rect x="${n(x0)}" y="${n(y0)}" width="${n(p.width)}" height="${n(p.height)}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="${v.emphasis ? 4 : 1.5}"/>${inner}${lines}</g>`);
  }
  // the entry dot of a left-to-right graph sits left of the first rank: leave room for it
  const pad = nodes.some((v) => v.initial) ? 30 : 0;
  const width = (graph.width ?? 100) + (o.rankdir === 'LR' ? pad : 0);
  const height = (graph.height ?? 100) + (o.rankdir === 'TB' ? pad : 0);
  const shift = o.rankdir === 'LR' ? `translate(${pad},0)` : `translate(0,${pad})`;
  return svg(width, height, o.cls, o.title, `<g transform="${pad ? shift : 'translate(0,0)'}">${parts.join('')}</g>`);
}

/** A path through dagre's points: straight ends, quadratic curves through the bends. */
function smooth(points: readonly { x: number; y: number }[]): string {
  if (points.length < 3) return `M${points.map((p) => `${n(p.x)},${n(p.y)}`).join('L')}`;
  let d = `M${n(points[0].x)},${n(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    d += `Q${n(points[i].x)},${n(points[i].y)} ${n(mid.x)},${n(mid.y)}`;
  }
  const last = points[points.length - 1];
  return `${d}L${n(last.x)},${n(last.y)}`;
}
