// cli/report/sequence.ts: a counterexample as a message sequence chart (as Spin and P draw them): one lane
// per party (the user, the native app and the browser of each device used, Auth0's /oauth/token and
// /authorize, each web app, the attacker), one arrow per request labelled with the token it carries, and
// the answer back. One list of rows, two views of it: SVG for the HTML page, Mermaid for the Markdown.
import type { ModelEvent } from '../../machines/events.js';
import type { Observation } from '../../machines/observation.js';
import { webApps } from '../../machines/config.js';
import type { Story, StoryStep } from './story.js';
import { arrowDefs, HALO, n, svg, text, textWidth } from './svg.js';

export type LaneKind = 'user' | 'native' | 'browser' | 'token' | 'authorize' | 'web' | 'attacker';
export interface Lane { id: string; kind: LaneKind; title: string; sub: string }
export type RowStyle = 'request' | 'response' | 'refused' | 'leak' | 'note' | 'time';
/** `more`: what else the answer did (revoked, consumed, ...), drawn under the arrow */
export interface Row { step: number; from: string; to: string; label: string; more?: string; style: RowStyle }
export interface Chart { lanes: Lane[]; rows: Row[]; failingStep: number }

const LANE_ORDER: readonly LaneKind[] = ['user', 'native', 'browser', 'token', 'authorize', 'web', 'attacker'];
const TOKEN = 'token';
const AUTHORIZE = 'authorize';

const HOW_TEXT = { 'steal-in-transit': 'taken in transit', 'device-malware': 'read by malware', 'read-url': 'read from the URL' } as const;

/** The chart of a replayed counterexample; `failingStep` is marked. */
export function chartOf(story: Story, failingStep: number): Chart {
  const { setting } = story;
  const a = setting.attacker;
  const isAttackerDevice = (d: string) => a.attackers.has(a.owners.get(d) ?? '');
  const attackerLane = (d: string) => `attacker:${a.owners.get(d)}`;
  const nativeOf = (d: string) => (isAttackerDevice(d) ? attackerLane(d) : `native:${d}`);
  const browserOf = (d: string) => (isAttackerDevice(d) ? attackerLane(d) : `browser:${d}`);
  // a user's own lane; an attacker signing in on a victim's device acts from his lane
  const userOf = (u: string) => (a.attackers.has(u) ? `attacker:${u}` : `user:${u}`);
  const firstWeb = setting.config.webClientId;
  const rows: Row[] = [];
  for (const s of story.steps) rows.push(...rowsOf(s, { nativeOf, browserOf, userOf, firstWeb, isAttackerDevice, attackerLane }));

  // lanes: those the rows name, and at least one of each kind, so every chart reads the same way
  const used = new Set(rows.flatMap((r) => [r.from, r.to]));
  const victims = setting.population.users.filter((u) => !a.attackers.has(u.name));
  const victimDevices = setting.population.devices.filter((d) => !a.attackers.has(d.owner));
  const lanes: Lane[] = [];
  const add = (l: Lane, always: boolean) => { if (always || used.has(l.id)) lanes.push(l); };
  victims.forEach((u, i) => add({ id: `user:${u.name}`, kind: 'user', title: u.name, sub: 'user' }, i === 0));
  victimDevices.forEach((d, i) => add({ id: `native:${d.name}`, kind: 'native', title: 'native app', sub: d.name }, i === 0 && ![...used].some((x) => x.startsWith('native:'))));
  victimDevices.forEach((d, i) => add({ id: `browser:${d.name}`, kind: 'browser', title: 'browser/WebView', sub: d.name }, i === 0 && ![...used].some((x) => x.startsWith('browser:'))));
  add({ id: TOKEN, kind: 'token', title: 'Auth0', sub: '/oauth/token' }, true);
  add({ id: AUTHORIZE, kind: 'authorize', title: 'Auth0', sub: '/authorize' }, true);
  for (const w of webApps(setting.config)) add({ id: `web:${w.clientId}`, kind: 'web', title: w.clientId, sub: w.name ?? 'web app' }, true);
  setting.population.users.filter((u) => a.attackers.has(u.name)).forEach((u, i) => {
    const devices = setting.population.devices.filter((d) => d.owner === u.name).map((d) => d.name);
    add({ id: `attacker:${u.name}`, kind: 'attacker', title: u.name, sub: `attacker · ${devices.join(', ')}` }, i === 0);
  });
  lanes.sort((x, y) => LANE_ORDER.indexOf(x.kind) - LANE_ORDER.indexOf(y.kind));
  return { lanes, rows, failingStep };
}

interface Lanes {
  userOf: (u: string) => string;
  nativeOf: (d: string) => string;
  browserOf: (d: string) => string;
  firstWeb: string;
  isAttackerDevice: (d: string) => boolean;
  attackerLane: (d: string) => string;
}

/** What else an answer did, in a few words: `revoked rt1, s1; consumed stt1`. */
function effects(o: Observation): string {
  const revoked = [...o.revoked.refreshTokens, ...o.revoked.transferTokens, ...o.revoked.sessions];
  const expired = o.expired ? [...o.expired.refreshTokens, ...o.expired.transferTokens, ...o.expired.sessions] : [];
  return [o.transferTokenIgnored ? 'transfer token ignored' : '', revoked.length ? `revoked ${revoked.join(', ')}` : '', expired.length ? `expired ${expired.join(', ')}` : '', o.consumed.length ? `consumed ${o.consumed.join(', ')}` : ''].filter(Boolean).join('; ');
}
const refusal = (o: Observation) => `${o.outcome}${o.reason ? `: ${o.reason}` : ''}`;
const join = (...parts: string[]) => parts.filter(Boolean).join('; ');

/** The rows one step draws: its request, its answer, and the code exchange of a web login. */
function rowsOf(s: StoryStep, l: Lanes): Row[] {
  const { event: e, observation: o, before: w, step } = s;
  const rows: Row[] = [];
  const row = (from: string, to: string, label: string, style: RowStyle, more = '') => rows.push({ step, from, to, label, style, ...(more ? { more } : {}) });
  const answer = (from: string, to: string, ok: string) => (o.outcome === 'rejected' || o.outcome === 'login_required' || o.outcome === 'access_denied'
    ? row(from, to, refusal(o), 'refused', effects(o))
    : row(from, to, ok || o.outcome, 'response', effects(o)));
  const holder = (id: string) => {
    const t = w.refreshTokens.find((x) => x.id === id);
    if (!t) return l.nativeOf('?');
    if (l.isAttackerDevice(t.device)) return l.attackerLane(t.device);
    return t.client === 'native' ? l.nativeOf(t.device) : `web:${t.clientId}`;
  };
  // a web login that issued refresh tokens: the web app redeems its code at /oauth/token for them
  const codeExchange = (web: string) => {
    if (o.outcome !== 'logged_in' || o.issued.length === 0) return;
    row(web, TOKEN, 'authorization_code grant', 'request');
    row(TOKEN, web, `issued ${o.issued.join(', ')}`, 'response');
  };
  switch (e.type) {
    case 'NATIVE_LOGIN': {
      const app = l.nativeOf(e.device);
      if (!l.isAttackerDevice(e.device)) row(l.userOf(e.user), app, 'signs in', 'request');
      row(app, TOKEN, `login${e.organization ? ` · org ${e.organization}` : ''}`, 'request');
      answer(TOKEN, app, `issued ${o.issued.join(', ')}`);
      break;
    }
    case 'MINT_TRANSFER_TOKEN': {
      const from = holder(e.refreshToken);
      row(from, TOKEN, `token exchange · ${e.refreshToken}`, 'request');
      answer(TOKEN, from, `issued ${o.issued.join(', ')}${o.mint ? ` (expires_in ${o.mint.expiresIn})` : ''}`);
      break;
    }
    case 'AUTHORIZE': {
      const from = l.browserOf(e.device);
      const web = `web:${e.client ?? l.firstWeb}`;
      const t = e.transferToken && w.transferTokens.find((x) => x.id === e.transferToken);
      if (s.leak) {
        const src = s.leak.how === 'read-url' ? l.browserOf(s.leak.from) : l.nativeOf(s.leak.from);
        row(src, from, `${s.leak.token} ${HOW_TEXT[s.leak.how]}`, 'leak');
      } else if (t && !l.isAttackerDevice(e.device) && l.isAttackerDevice(t.device)) {
        // MODEL.md §10 send-link: the victim's browser opens a link the attacker made with his own token
        row(l.attackerLane(t.device), from, `link carrying ${t.id}`, 'leak');
      }
      const cookie = w.devices[e.device]?.session;
      const carries = [e.transferToken ? `${e.transferToken} by ${e.method ?? 'cookie'}` : 'no transfer token', cookie ? `cookie ${cookie}` : ''].filter(Boolean).join(' + ');
      row(from, AUTHORIZE, `/authorize${e.client ? ` (${e.client})` : ''} · ${carries}`, 'request');
      if (o.outcome === 'logged_in') {
        row(AUTHORIZE, web, `code: ${o.user} in ${o.session}${o.sessionCreated ? ' (new)' : ''}`, 'response', effects(o));
        codeExchange(web);
      } else answer(AUTHORIZE, from, '');
      break;
    }
    case 'WEB_LOGIN': {
      const from = l.browserOf(e.device);
      const web = `web:${e.client ?? l.firstWeb}`;
      if (!l.isAttackerDevice(e.device)) row(l.userOf(e.user), from, 'signs in', 'request');
      row(from, AUTHORIZE, `/authorize${e.client ? ` (${e.client})` : ''} · ${e.user}'s password${e.offlineAccess ? ' · offline_access' : ''}`, 'request');
      if (o.outcome === 'logged_in') {
        row(AUTHORIZE, web, `code: ${o.user} in ${o.session}${o.sessionCreated ? ' (new)' : ''}`, 'response', effects(o));
        codeExchange(web);
      } else answer(AUTHORIZE, from, '');
      break;
    }
    case 'REFRESH': {
      const from = holder(e.refreshToken);
      row(from, TOKEN, `refresh_token grant · ${e.refreshToken}`, 'request');
      answer(TOKEN, from, o.issued.length ? `issued ${o.issued.join(', ')}` : 'ok');
      break;
    }
    case 'REVOKE_REFRESH_TOKEN': {
      const from = holder(e.refreshToken);
      row(from, TOKEN, `/oauth/revoke · ${e.refreshToken}`, 'request');
      answer(TOKEN, from, o.reason ? `ok: ${o.reason}` : '');
      break;
    }
    case 'REVOKE_SESSION': {
      const sess = w.sessions.find((x) => x.id === e.session);
      if (e.by === 'admin') row(AUTHORIZE, AUTHORIZE, join(`an administrator revokes ${e.session} (Management API)`, effects(o)), 'note');
      else {
        const from = l.browserOf(sess?.device ?? '?');
        row(from, AUTHORIZE, `/v2/logout · cookie ${e.session}`, 'request');
        answer(AUTHORIZE, from, o.reason ? `ok: ${o.reason}` : '');
      }
      break;
    }
    case 'ADVANCE_TIME':
      row('*', '*', join(`${e.seconds} s pass (clock ${s.after.clock} s)`, effects(o)), 'time');
      break;
    case 'MOVE_DEVICE': {
      const net = w.devices[e.device] ? `${w.devices[e.device].network} → ${e.network}` : e.network;
      const lane = l.isAttackerDevice(e.device) ? l.attackerLane(e.device) : l.browserOf(e.device);
      row(lane, lane, `${e.device} moves: ${net}`, 'note');
      break;
    }
    default: {
      const never: never = e;
      throw new Error(`sequence: no drawing for ${(never as ModelEvent).type}`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// SVG

const COLOURS = { request: '#1f2937', response: '#2563eb', refused: '#b45309', leak: '#dc2626' } as const;
const LANE_FILL: Record<LaneKind, string> = { user: '#f1f5f9', native: '#ecfdf5', browser: '#ecfeff', token: '#eef2ff', authorize: '#eef2ff', web: '#fefce8', attacker: '#fef2f2' };
const ROW_H = 30;
const HEAD_H = 46;
const GUTTER = 44;

/** The chart as SVG: lanes as columns with lifelines, a band per step, the failing one in red. */
export function sequenceSvg(chart: Chart, id: string): string {
  const { lanes, rows } = chart;
  const index = new Map(lanes.map((l, i) => [l.id, i]));
  const headW = (l: Lane) => Math.max(textWidth(l.title), textWidth(l.sub, 11)) + 16;
  const need = (r: Row) => Math.max(textWidth(r.label), r.more ? textWidth(r.more, 11) : 0) + 24;
  // lane centres, left to right: each far enough from the last for both headers, and from every lane
  // to its left for the labels of the arrows between them (a longest path, since arrows only span lanes)
  const xs: number[] = [];
  lanes.forEach((l, k) => {
    let at = k === 0 ? GUTTER + headW(l) / 2 + 4 : xs[k - 1] + Math.max(120, (headW(lanes[k - 1]) + headW(l)) / 2 + 12);
    for (const r of rows) {
      const i = index.get(r.from);
      const j = index.get(r.to);
      if (i === undefined || j === undefined || i === j || Math.max(i, j) !== k) continue;
      at = Math.max(at, xs[Math.min(i, j)] + need(r));
    }
    xs.push(at);
  });
  const x = (laneId: string) => xs[index.get(laneId) ?? 0];
  const width = xs[xs.length - 1] + headW(lanes[lanes.length - 1]) / 2 + 8;
  const clampLabel = (cx: number, w: number) => Math.min(Math.max(cx, GUTTER + w / 2 + 4), width - w / 2 - 4);
  const parts: string[] = [arrowDefs(id, COLOURS)];
  let y = HEAD_H + 10;
  const bands: string[] = [];
  const body: string[] = [];
  for (const step of [...new Set(rows.map((r) => r.step))]) {
    const own = rows.filter((r) => r.step === step);
    const top = y;
    for (const r of own) {
      y += ROW_H;
      if (r.more) y += 4;
      const attrs = { 'data-step': step, 'data-from': r.from, 'data-to': r.to };
      if (r.style === 'note' || r.style === 'time') {
        const w = textWidth(r.label) + 16;
        const cx = r.style === 'time' ? (GUTTER + width) / 2 : clampLabel(x(r.from), w);
        body.push(`<g class="note ${r.style}" data-step="${step}"><rect x="${n(cx - w / 2)}" y="${n(y - 19)}" width="${n(w)}" height="22" rx="4" fill="${r.style === 'time' ? '#f5f5f4' : '#fffbeb'}" stroke="#a8a29e"/>${text(cx, y - 4, r.label, { 'text-anchor': 'middle', fill: '#292524' })}</g>`);
        continue;
      }
      const x1 = x(r.from);
      const x2 = x(r.to);
      const colour = COLOURS[r.style];
      const dash = r.style === 'response' || r.style === 'refused' ? ' stroke-dasharray="6 4"' : r.style === 'leak' ? ' stroke-dasharray="2 3"' : '';
      const w = textWidth(r.label);
      const lx = clampLabel((x1 + x2) / 2, w);
      const attr = Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`).join('');
      body.push(`<g class="msg ${r.style}"${attr}><line x1="${n(x1)}" y1="${n(y)}" x2="${n(x2 + (x2 > x1 ? -2 : 2))}" y2="${n(y)}" stroke="${colour}" stroke-width="${r.style === 'leak' ? 2 : 1.5}"${dash} marker-end="url(#${id}-${r.style})"/>`
        + `${text(lx, y - 6, r.label, { 'text-anchor': 'middle', fill: colour, class: 'label', ...HALO })}`
        + `${r.more ? text(clampLabel((x1 + x2) / 2, textWidth(r.more, 11)), y + 13, r.more, { 'text-anchor': 'middle', fill: colour, 'font-size': 11, class: 'more', ...HALO }) : ''}</g>`);
      if (r.more) y += 12;
    }
    y += 10;
    const failing = step === chart.failingStep;
    bands.push(`<g class="band${failing ? ' failing' : ''}" data-step="${step}"><rect x="2" y="${n(top + 2)}" width="${n(width - 4)}" height="${n(y - top - 2)}" rx="4" fill="${failing ? '#fee2e2' : step % 2 ? '#fafafa' : '#ffffff'}"${failing ? ' stroke="#dc2626"' : ''}/>`
      + `${text(GUTTER / 2, top + 22, failing ? `${step} ✗` : String(step), { 'text-anchor': 'middle', 'font-weight': 'bold', fill: failing ? '#b91c1c' : '#57534e' })}</g>`);
  }
  const height = y + 8;
  const heads = lanes.map((l) => {
    const cx = x(l.id);
    const w = headW(l);
    return `<g class="lane" data-lane="${l.id}" data-kind="${l.kind}"><line x1="${n(cx)}" y1="${HEAD_H}" x2="${n(cx)}" y2="${n(height - 4)}" stroke="#a8a29e" stroke-dasharray="3 4"/>`
      + `<rect x="${n(cx - w / 2)}" y="4" width="${n(w)}" height="${HEAD_H - 8}" rx="6" fill="${LANE_FILL[l.kind]}" stroke="${l.kind === 'attacker' ? '#dc2626' : '#78716c'}"/>`
      + `${text(cx, 21, l.title, { 'text-anchor': 'middle', 'font-weight': 'bold' })}${text(cx, 35, l.sub, { 'text-anchor': 'middle', 'font-size': 11, fill: '#57534e' })}</g>`;
  });
  parts.push(...bands, ...heads, ...body);
  return svg(width, height, 'sequence', `sequence of ${rows.length} messages over ${lanes.length} lanes`, parts.join(''), { 'data-lanes': lanes.map((l) => l.id).join(' ') });
}

// ---------------------------------------------------------------------------------------------
// Mermaid

/** Mermaid's sequenceDiagram text: `;` and `#` have meanings there, so labels avoid them. */
const mm = (s: string) => s.replace(/;/g, ',').replace(/#/g, 'no. ').replace(/[\r\n]+/g, ' ');

/** The chart as a Mermaid sequence diagram (GitHub and GitLab render ```mermaid blocks). */
export function sequenceMermaid(chart: Chart): string {
  const ids = new Map(chart.lanes.map((l, i) => [l.id, `P${i + 1}`]));
  const first = ids.get(chart.lanes[0].id)!;
  const last = ids.get(chart.lanes[chart.lanes.length - 1].id)!;
  const out = ['sequenceDiagram'];
  for (const l of chart.lanes) out.push(`  ${l.kind === 'user' || l.kind === 'attacker' ? 'actor' : 'participant'} ${ids.get(l.id)} as ${mm(`${l.title} (${l.sub})`)}`);
  for (const step of [...new Set(chart.rows.map((r) => r.step))]) {
    const failing = step === chart.failingStep;
    const body: string[] = [];
    for (const r of chart.rows.filter((x) => x.step === step)) {
      const label = mm(r.more ? `${r.label} (${r.more})` : r.label);
      if (r.style === 'time') body.push(`  Note over ${first},${last}: ${label}`);
      else if (r.style === 'note') body.push(`  Note over ${ids.get(r.from)}: ${label}`);
      else body.push(`  ${ids.get(r.from)}${r.style === 'request' ? '->>' : r.style === 'leak' ? '-)' : '-->>'}${ids.get(r.to)}: ${label}`);
    }
    if (failing) out.push('  rect rgb(254, 226, 226)', `  Note over ${first},${last}: step ${step}, the violation`, ...body, '  end');
    else out.push(`  Note over ${first},${last}: step ${step}`, ...body);
  }
  return out.join('\n');
}
