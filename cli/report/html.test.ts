// The HTML and Mermaid views: what they draw is what the model did (replayed), what the machines say (read
// off XState), and what the report holds; the bytes do not change between two writes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { lifecycleTransitions } from '../../machines/lifecycle.js';
import { TENANT_BRANCHES } from '../../machines/tenant.machine.js';
import { resolveConfig, resolveInterpretations } from '../../machines/config.js';
import { DEFAULT_POPULATION } from '../../machines/world.js';
import { renderCounterexample } from './markdown.js';
import { lifecycleDiagram, machineDiagrams } from './machines.js';
import { chartOf, sequenceMermaid } from './sequence.js';
import { storyOf } from './story.js';
import { lineageGraph } from './lineage.js';
import { storyOfFile, writeReport } from './write.js';
import { renderConformanceTraceHtml, renderRaceHistoryHtml } from './conformance-html.js';
import { harnessTrace, raceHistory, readBuilt } from './fixtures.js';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const built = readBuilt(join(root, 'reports'));
const named = (prefix: string) => [...built.counterexamples].find(([n]) => n.startsWith(prefix))!;
const storyFor = (prefix: string) => {
  const [name, ce] = named(prefix);
  return { ce, story: storyOfFile(ce, join(root, 'reports/counterexamples', name)) };
};

let out: string;
beforeAll(() => { out = mkdtempSync(join(tmpdir(), 'n2w-html-')); });
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('writeReport', () => {
  it('writes index.html, machines.html, machines/*.svg and a page per counterexample, the same bytes twice', () => {
    writeReport(join(out, 'a'), built);
    writeReport(join(out, 'b'), built);
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();
    const a = files(join(out, 'a'));
    expect(a).toEqual(files(join(out, 'b')));
    for (const f of a) expect(readFileSync(join(out, 'a', f)), f).toEqual(readFileSync(join(out, 'b', f)));
    expect(a).toContain('index.html');
    expect(a).toContain('machines.html');
    expect(a).toContain('assets/report.css');
    expect(a.filter((f) => f.startsWith('machines/'))).toEqual(['machines/refresh-token.svg', 'machines/session.svg', 'machines/tenant.svg', 'machines/transfer-token.svg']);
    for (const name of built.counterexamples.keys()) expect(a).toContain(`counterexamples/${name.replace(/\.json$/, '.html')}`);
  });

  it('draws the pages from the files as saved: a value JSON drops (undefined) changes no byte (merge-reports reads them back)', () => {
    const [name, ce] = [...built.counterexamples][0];
    const withUndefined = structuredClone(ce);
    (withUndefined.observations[0].logs[0].details as Record<string, unknown>).extra = undefined;
    writeReport(join(out, 'c'), { report: built.report, counterexamples: new Map([...built.counterexamples, [name, withUndefined]]) });
    const page = `counterexamples/${name.replace(/\.json$/, '.html')}`;
    expect(readFileSync(join(out, 'c', page), 'utf8')).toBe(readFileSync(join(out, 'a', page), 'utf8'));
  });

  it('links only to files it wrote (its style sheet among them), and fetches nothing from elsewhere (no script)', () => {
    const dir = join(out, 'a');
    const pages = ['index.html', 'machines.html', ...readdirSync(join(dir, 'counterexamples')).filter((f) => f.endsWith('.html')).map((f) => `counterexamples/${f}`)];
    for (const p of pages) {
      const html = readFileSync(join(dir, p), 'utf8');
      expect(html, p).not.toMatch(/<script|src="http|href="http|url\(['"]?http/);
      for (const [, href] of html.matchAll(/href="([^"#]+)(#[^"]*)?"/g)) expect(existsSync(join(dir, dirname(p), href)), `${p} links ${href}`).toBe(true);
    }
  });

  it('puts every risk-matrix cell in the grid, linking its counterexample page', () => {
    const html = readFileSync(join(out, 'a', 'index.html'), 'utf8');
    for (const row of built.report.riskMatrix) {
      for (const t of [...row.terms, ...row.others]) expect(html).toContain(`href="${t.counterexample.replace(/\.json$/, '.html')}"`);
    }
    expect(html).toContain('id="goal-no-replay"');
  });
});

describe('the sequence chart', () => {
  it('has a lane per party and draws the stolen token reaching the attacker before he presents it', () => {
    const { ce, story } = storyFor('no-token-theft-takeover--n-mint');
    const chart = chartOf(story, ce.violation.step);
    expect(chart.lanes.map((l) => l.kind)).toEqual(['user', 'native', 'browser', 'token', 'authorize', 'web', 'attacker']);
    const lanes = new Set(chart.lanes.map((l) => l.id));
    for (const r of chart.rows) if (r.from !== '*') expect(lanes.has(r.from) && lanes.has(r.to), `${r.from} → ${r.to}`).toBe(true);
    const last = chart.rows.filter((r) => r.step === ce.violation.step);
    expect(last[0]).toMatchObject({ style: 'leak', from: 'native:alice-phone', to: 'attacker:mallory' });
    expect(last.find((r) => r.to === 'authorize')?.label).toMatch(/^\/authorize · stt1 by cookie/);
  });

  it('has a lane for each web app, and a login of the second app ends at its lane', () => {
    const { ce, story } = storyFor('logout-ends-web-refresh-tokens--n-mint-casc-norot_w-nomint-cookie-ip-nort-online_w2');
    const chart = chartOf(story, ce.violation.step);
    expect(chart.lanes.filter((l) => l.kind === 'web').map((l) => l.id)).toEqual(['web:web-app', 'web:web-app-2']);
    expect(chart.rows.some((r) => r.from === 'authorize' && r.to === 'web:web-app-2' && r.label.startsWith('code: alice'))).toBe(true);
    // an attacker signing in on the victim's device acts from his own lane
    expect(chart.rows.some((r) => r.from === 'attacker:mallory' && r.label === 'signs in')).toBe(true);
  });

  it('reads as Mermaid with a participant per lane, an arrow per request and the failing step shaded', () => {
    const { ce, story } = storyFor('no-replay--n-mint-casc-norot_w-nomint-cookie-asn');
    const chart = chartOf(story, ce.violation.step);
    const m = sequenceMermaid(chart);
    expect(m.split('\n')[0]).toBe('sequenceDiagram');
    expect(m.match(/^ {2}(actor|participant) /gm)).toHaveLength(chart.lanes.length);
    expect(m.match(/^ {2}P\d+->>P/gm)).toHaveLength(chart.rows.filter((r) => r.style === 'request').length);
    expect(m).toMatch(/rect rgb\(254, 226, 226\)\n {2}Note over P1,P\d+: step 3, the violation/);
    expect(m).not.toMatch(/;/);
    const md = renderCounterexample(ce, chart);
    expect(md).toContain(`\`\`\`mermaid\n${m}\n\`\`\``);
  });
});

describe('the state view', () => {
  it('marks what each step added, changed, revoked or expired', () => {
    const { story } = storyFor('no-orphans');
    const at = (step: number, id: string) => story.steps[step - 1].artifacts.find((a) => a.id === id);
    expect(at(1, 'rt1')).toMatchObject({ change: 'added', status: 'active' });
    expect(at(3, 'stt1')).toMatchObject({ change: 'changed', was: 'issued', status: 'consumed' });
    expect(at(4, 'rt1')).toMatchObject({ change: 'revoked', was: 'active' });
    // the orphan: its family is revoked and nothing touched it (no cascade)
    expect(at(4, 's1')).toMatchObject({ change: 'same', status: 'active' });
    const time = storyOf({
      config: resolveConfig({ native: { session_transfer: { can_create_session_transfer_token: true } } }), interpretations: resolveInterpretations(), population: DEFAULT_POPULATION,
      steps: [{ type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' }, { type: 'MINT_TRANSFER_TOKEN', refreshToken: 'rt1' }, { type: 'ADVANCE_TIME', seconds: 60 }],
    });
    expect(time.steps[2].artifacts.find((a) => a.id === 'stt1')).toMatchObject({ change: 'expired', was: 'issued' });
  });

  it('draws the lineage family → transfer token → session → web refresh token', () => {
    const { ce, story } = storyFor('logout-ends-web-refresh-tokens--n-mint-casc-norot_w-nomint-cookie-ip-rt-offline');
    const g = lineageGraph(story.steps[ce.violation.step - 1].after);
    const edges = g.edges.map((e) => `${e.from}>${e.to}`);
    const web = g.nodes.find((v) => v.lines[2]?.startsWith('web-app'))!;
    const session = story.steps[ce.violation.step - 1].after.refreshTokens.find((t) => t.id === web.id)!.session!;
    expect(edges).toEqual(expect.arrayContaining(['rt1>stt1', `stt1>${session}`, `${session}>${web.id}`]));
  });
});

describe('the machine diagrams', () => {
  it('draw every transition of the lifecycle machines with its rule ids', () => {
    const all = machineDiagrams();
    for (const t of lifecycleTransitions()) {
      const d = all.find((x) => x.id === { refreshToken: 'refresh-token', transferToken: 'transfer-token', session: 'session' }[t.kind])!;
      expect(d.svg, `${t.kind} ${t.from} ${t.event}`).toContain(`data-from="${t.from}" data-to="${t.to}"`);
    }
    expect(all.filter((d) => d.id !== 'tenant').reduce((s, d) => s + d.transitions, 0)).toBe(lifecycleTransitions().length);
  });

  it('draw every branch of the tenant in the order it is tried, with its rules', () => {
    const tenant = machineDiagrams().find((d) => d.id === 'tenant')!;
    for (const [event, branches] of Object.entries(TENANT_BRANCHES)) {
      const ladder = tenant.svg.slice(tenant.svg.indexOf(`data-event="${event}"`));
      let from = 0;
      for (const b of branches) {
        const at = ladder.indexOf(`data-node="${b.actions}"`, from);
        expect(at, `${event}: ${b.actions} after the branch before it`).toBeGreaterThan(from);
        expect(ladder.slice(at, ladder.indexOf('</g>', at))).toContain(b.meta.rules.join(' '));
        from = at;
      }
    }
  });

  it('follow the machine: a transition added to a definition shows up', () => {
    const m = createMachine({ id: 'probe', initial: 'a', states: { a: { on: { GO: { target: 'b', meta: { rules: ['R1'] } } } }, b: { type: 'final' } } });
    expect(lifecycleDiagram(m, 'a probe').svg).toContain('data-from="a" data-to="b"');
    expect(lifecycleDiagram(m, 'a probe').rules).toEqual(['R1']);
  });
});

describe('the conformance pages', () => {
  it('set the model and the implementation side by side and mark the first difference (a trace the harness made)', async () => {
    const trace = await harnessTrace();
    expect(trace.divergence?.step).toBe(3);
    const html = renderConformanceTraceHtml(trace, 'trace.json');
    const rows = [...html.matchAll(/<tr( class="first-difference")? data-step="(\d)">/g)].map((m) => [m[2], m[1] !== undefined]);
    expect(rows).toEqual([['1', false], ['2', false], ['3', true]]);
    for (const f of trace.divergence!.fields) expect(html).toContain(`<tr class="differs" data-field="${f}">`);
    expect(html).toContain('n2w conform --replay trace.json --url URL');
    expect(html).toContain('class="sequence"');
  });

  it('draw a race history as a timeline, a bar per request', () => {
    const html = renderRaceHistoryHtml(raceHistory());
    expect(html.match(/<g class="op( unexplained)?" data-op="\d">/g)).toHaveLength(2);
    expect(html).toContain('Not linearizable');
    // the model explains #1 alone: #2 is the request no order fits, drawn in red
    expect(html).toContain('<g class="op" data-op="1">');
    expect(html).toContain('<g class="op unexplained" data-op="2">');
    expect(html).toContain('✗ logged_in as alice in s2 (new); consumed stt1: unexplained');
  });
});
