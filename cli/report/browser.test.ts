// The HTML report in a real browser: headless Chromium from the operating system's package (driven by
// playwright-core; `npx playwright install` downloads are not used). Every page written from the committed
// reports (and the conformance pages) loads without a console error, every diagram is laid out with the
// lanes it should have, every link resolves, and a screenshot of each kind of page shows its content.
// Without Chromium the test says so and skips; under CI=true that is a failure (.ci/run installs it).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { webApps, resolveConfig } from '../../machines/config.js';
import { writeReport } from './write.js';
import { renderConformanceTraceHtml, renderRaceHistoryHtml } from './conformance-html.js';
import { harnessTrace, raceHistory, readBuilt } from './fixtures.js';

const CHROMIUM = process.env.N2W_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** where the screenshots go, to be looked at (kept after the run) */
const SHOTS = process.env.N2W_SCREENSHOTS ?? join(tmpdir(), 'n2w-screenshots');

if (!present) {
  if (process.env.CI === 'true') {
    it('has Chromium to test the HTML report with', () => { expect.fail(`no Chromium at ${CHROMIUM}: .ci/run installs the chromium package; the HTML report is not tested without it`); });
  } else console.warn(`browser.test.ts: no Chromium at ${CHROMIUM} (apt-get install -y chromium); skipping the HTML report's browser tests`);
}

describe.skipIf(!present)('the HTML report in Chromium', () => {
  let out: string;
  let profile: string;
  let browser: BrowserContext;
  const pages: { file: string; kind: 'index' | 'counterexample' | 'machines' | 'conformance' | 'race'; webApps?: number }[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'n2w-browser-'));
    profile = mkdtempSync(join(tmpdir(), 'n2w-chromium-'));
    for (const [sub, src] of [['main', 'reports'], ['extended', 'reports/extended']] as const) {
      const built = readBuilt(join(root, src));
      writeReport(join(out, sub), built);
      pages.push({ file: join(out, sub, 'index.html'), kind: 'index' }, { file: join(out, sub, 'machines.html'), kind: 'machines' });
      for (const [name, ce] of built.counterexamples) {
        pages.push({ file: join(out, sub, 'counterexamples', name.replace(/\.json$/, '.html')), kind: 'counterexample', webApps: webApps(resolveConfig(ce.config)).length });
      }
    }
    mkdirSync(join(out, 'conform'));
    writeFileSync(join(out, 'conform', 'trace.html'), renderConformanceTraceHtml(await harnessTrace(), 'trace.json'));
    writeFileSync(join(out, 'conform', 'race.html'), renderRaceHistoryHtml(raceHistory(), 'race.json'));
    pages.push({ file: join(out, 'conform', 'trace.html'), kind: 'conformance' }, { file: join(out, 'conform', 'race.html'), kind: 'race' });
    // the flags the machine notes name: no first-run, sync or background connections on a closed network
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  /** Opens a page, failing on any console error, uncaught exception or failed request. */
  async function open(file: string): Promise<Page> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(problems, file).toEqual([]);
    return page;
  }

  it('loads every page without a console error, with every diagram laid out and every link resolving', async () => {
    expect(pages.filter((p) => p.kind === 'counterexample').length).toBeGreaterThan(20);
    for (const p of pages) {
      const page = await open(p.file);
      const svgs = await page.$$eval('svg', (els) => els.map((e) => { const b = e.getBoundingClientRect(); return { cls: e.getAttribute('class') ?? '', w: b.width, h: b.height, lanes: e.getAttribute('data-lanes') }; }));
      for (const s of svgs) expect(s.w > 20 && s.h > 20, `${p.file}: an svg.${s.cls} of ${s.w}×${s.h}`).toBe(true);
      const kinds = svgs.map((s) => s.cls);
      if (p.kind === 'counterexample') {
        expect(kinds, p.file).toEqual(expect.arrayContaining(['sequence', 'lineage']));
        const lanes = await page.$$eval('svg.sequence g.lane', (els) => els.map((e) => e.getAttribute('data-kind')));
        for (const k of ['user', 'native', 'browser', 'token', 'authorize', 'web', 'attacker']) expect(lanes, `${p.file}: a ${k} lane`).toContain(k);
        expect(lanes.filter((k) => k === 'web'), p.file).toHaveLength(p.webApps!);
        // every arrow starts and ends on a lane the chart drew
        const ends = await page.$$eval('svg.sequence g.msg', (els) => els.flatMap((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]));
        const ids = await page.$$eval('svg.sequence g.lane', (els) => els.map((e) => e.getAttribute('data-lane')));
        for (const e of ends) expect(ids, p.file).toContain(e);
        expect(await page.$$eval('svg.sequence g.band.failing', (els) => els.length), p.file).toBe(1);
      }
      if (p.kind === 'machines') expect(kinds.filter((k) => k === 'machine').length + kinds.filter((k) => k === 'machine ladder').length).toBeGreaterThanOrEqual(12);
      if (p.kind === 'conformance') expect(kinds).toContain('sequence');
      if (p.kind === 'race') expect(kinds).toContain('timeline');
      // links: a file beside the page, or an anchor on it
      const links = await page.$$eval('a[href]', (els) => els.map((a) => ({ href: (a as HTMLAnchorElement).href, raw: a.getAttribute('href')! })));
      for (const l of links) {
        if (l.raw.startsWith('#')) expect(await page.$(`[id="${l.raw.slice(1)}"]`), `${p.file}: anchor ${l.raw}`).not.toBeNull();
        else expect(existsSync(fileURLToPath(l.href.replace(/#.*$/, ''))), `${p.file}: link ${l.raw}`).toBe(true);
      }
      await page.close();
    }
  }, 300_000);

  it('shows content in a screenshot of each kind of page', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const expected: Record<string, string[]> = {
      index: ['Native to Web SSO: check report', 'Risk matrix', 'no-token-theft-takeover', 'steps'],
      counterexample: ['Violation at step', 'The attack, request by request', 'Lineage after step', '/oauth/token'],
      machines: ['tenant machine', 'AUTHORIZE', 'refresh-token machine'],
      conformance: ['Divergence at step 3', 'first difference', 'the implementation answers'],
      race: ['double-redemption', 'Not linearizable'],
    };
    const probe = await browser.newPage();
    for (const kind of Object.keys(expected)) {
      const p = pages.find((x) => x.kind === kind && (kind !== 'counterexample' || x.file.includes('no-token-theft-takeover')))!;
      const page = await open(p.file);
      const shot = await page.screenshot({ path: join(SHOTS, `${kind}.png`), fullPage: false });
      const visible = await page.evaluate(() => document.body.innerText);
      for (const t of expected[kind]) expect(visible, `${kind}: "${t}"`).toContain(t);
      await page.close();
      // the screenshot itself, decoded by the browser: not blank, and not a single colour
      const stats = await probe.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 4 * 7) {
          if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
          colours.add((d[i] >> 4) << 8 | (d[i + 1] >> 4) << 4 | (d[i + 2] >> 4));
        }
        return { width: img.width, height: img.height, ink: ink / (d.length / (4 * 7)), colours: colours.size };
      }, shot.toString('base64'));
      expect(stats.width, kind).toBe(1400);
      expect(stats.ink, `${kind}: share of dark pixels`).toBeGreaterThan(0.03);
      expect(stats.colours, `${kind}: colours`).toBeGreaterThan(8);
    }
    await probe.close();
    expect(readdirSync(SHOTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
