// cli/report/lineage.ts: the lineage of MODEL.md §1 at one step, as a graph: each native refresh-token
// family gives transfer tokens, a redeemed transfer token gives a session (R15), and a session gives web
// refresh tokens (R25); a session relinked to a family under A6 hangs off the family directly. Colours are
// the artifacts' statuses, so a revoked family with an active child (no-orphans, R26) shows at a glance.
import type { World } from '../../machines/world.js';
import { graphSvg, type GraphEdge, type GraphNode } from './graph.js';

export function lineageGraph(w: World): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const families = [...new Set(w.refreshTokens.filter((t) => t.client === 'native').map((t) => t.family))];
  for (const f of families) {
    const members = w.refreshTokens.filter((t) => t.family === f);
    // a family's colour: active while a member is; else the last member's status
    const live = members.find((t) => t.status === 'active');
    const tone = live ? 'active' : members[members.length - 1].status;
    nodes.push({ id: f, tone, lines: [`family ${f}`, ...members.map((t) => `${t.id} ${t.status}`), `${members[0].user} · ${members[0].device}`] });
  }
  for (const t of w.transferTokens) {
    nodes.push({ id: t.id, tone: t.status, lines: [t.id, t.status, `${t.device} on ${t.network}`] });
    edges.push({ from: t.family, to: t.id, label: [`minted from ${t.parent}`] });
  }
  for (const s of w.sessions) {
    nodes.push({ id: s.id, tone: s.status, lines: [`session ${s.id}`, s.status, `${s.user} · ${s.device}`] });
    if (s.via === 'transfer' && s.transferToken) edges.push({ from: s.transferToken, to: s.id, label: ['redeemed'] });
    else if (s.parent) edges.push({ from: s.parent, to: s.id, label: ['linked (A6)'], dashed: true });
  }
  for (const t of w.refreshTokens.filter((x) => x.client === 'web')) {
    nodes.push({ id: t.id, tone: t.status, lines: [t.id, t.status, `${t.clientId}${t.parent ? (t.online ? ' · online' : ' · offline') : ''}`] });
    if (t.session) edges.push({ from: t.session, to: t.id, label: ['issued'] });
    else if (t.parent) edges.push({ from: t.parent, to: t.id, label: ['parent'], dashed: true });
  }
  return { nodes, edges };
}

/** `named`: the artifacts the violation names, drawn with a thick border. */
export function lineageSvg(w: World, id: string, step: number, named: ReadonlySet<string> = new Set()): string {
  const graph = lineageGraph(w);
  const edges = graph.edges;
  const nodes = graph.nodes.map((v) => (named.has(v.id) || (v.lines[0].startsWith('family ') && v.lines.some((l) => named.has(l.split(' ')[0]))) ? { ...v, emphasis: true } : v));
  if (nodes.length === 0) return '<p class="empty">Nothing exists yet at this step: no token was issued and no session made.</p>';
  return graphSvg(nodes, edges, { id, title: `lineage after step ${step}: ${nodes.length} artifacts`, rankdir: 'LR', cls: 'lineage' });
}
