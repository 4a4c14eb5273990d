// The README and MODEL.md say what the code does: the README opens with its two commands; MODEL.md lists
// every property, every mutant and every rule id the code knows; no link points outside the repository.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROPERTIES } from '../properties/index.js';
import { MUTANTS } from '../machines/mutants/index.js';
import { RULES } from '../machines/rules.js';

const ROOT = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const readme = read('README.md');
const model = read('MODEL.md');
const rows = model.split('\n').filter((l) => l.startsWith('| `'));

describe('README', () => {
  it('opens with the two set-up commands', () => {
    const first = readme.split('\n').slice(0, 4).join('\n');
    expect(first).toContain('npm ci && npm run check');
    expect(first).toContain('npm test');
  });

  it('is at most 200 lines', () => expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200));
});

describe('MODEL.md', () => {
  it('lists every property with its kind and rules', () => {
    for (const p of PROPERTIES) {
      const row = rows.find((l) => l.startsWith(`| \`${p.id}\` | ${p.kind} |`));
      expect(row, p.id).toBeDefined();
      expect(row).toContain(`| ${p.rules.join(', ')} |`);
    }
  });

  it('lists every mutant with its main catcher first', () => {
    for (const m of MUTANTS) {
      const row = rows.find((l) => l.startsWith(`| \`${m.id}\` |`));
      expect(row, m.id).toBeDefined();
      expect(row!.split('|').at(-2)!.trim().startsWith(`\`${m.catches[0]}\``), m.id).toBe(true);
    }
  });

  it('says what every rule and reading id means, as machines/rules.ts does', () => {
    for (const [id, meaning] of Object.entries(RULES)) expect(rows, id).toContain(`| \`${id}\` | ${meaning} |`);
  });
});

/** The anchors of a Markdown file's headings, as GitHub makes them. */
const anchors = (text: string) => new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));

describe('links', () => {
  // [text](target): a relative target must name a file or directory of this repository, and an anchor a heading
  it.each(['README.md', 'MODEL.md', 'bench/RESULTS.md'])('%s links only inside the repository, to files and headings that exist', (file) => {
    const text = read(file);
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(https?:|mailto:)/.test(t));
    for (const target of targets) {
      const [to, anchor] = target.split('#');
      const path = to === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), to);
      expect(relative(ROOT, path).startsWith('..'), `${file}: ${target}`).toBe(false);
      expect(existsSync(path), `${file}: ${target}`).toBe(true);
      if (anchor !== undefined) expect(anchors(readFileSync(path, 'utf8')).has(anchor), `${file}: ${target}`).toBe(true);
    }
    expect(text).not.toContain('../shared');
  });
});
