// A bench script replaces its own section of bench/RESULTS.md and nothing else.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { replaceSection, RESULTS_FILE } from './results.js';

const FILE = ['# Figures', 'by hand, before', '<!-- bench:a -->', 'old a', '<!-- /bench:a -->', 'by hand, between',
  '<!-- bench:b -->', 'old b', '<!-- /bench:b -->', 'by hand, after', ''].join('\n');

describe('replaceSection', () => {
  it('replaces only the section named, keeping the text around it and the other sections', () => {
    const out = replaceSection(FILE, 'a', 'new a\n');
    expect(out).toBe(FILE.replace('old a', 'new a'));
    expect(replaceSection(out, 'a', 'new a')).toBe(out);
  });

  it('appends a section not there yet', () => {
    expect(replaceSection(FILE, 'c', 'c')).toBe(`${FILE}\n<!-- bench:c -->\nc\n<!-- /bench:c -->\n`);
    expect(replaceSection('', 'c', 'c')).toBe('<!-- bench:c -->\nc\n<!-- /bench:c -->\n');
  });

  it('refuses markers out of order, half there or given twice, rather than lose text written by hand', () => {
    expect(() => replaceSection('<!-- /bench:a -->\nx\n<!-- bench:a -->', 'a', 'y')).toThrow(/once each, in that order/);
    expect(() => replaceSection('<!-- bench:a -->\nx', 'a', 'y')).toThrow(/once each/);
    expect(() => replaceSection(`${FILE}<!-- bench:a -->\n`, 'a', 'y')).toThrow(/once each/);
  });

  it('bench/RESULTS.md has the section of each script once', () => {
    const text = readFileSync(RESULTS_FILE, 'utf8');
    for (const name of ['model', 'explore', 'conform', 'spin']) {
      expect(text.split(`<!-- bench:${name} -->`), name).toHaveLength(2);
      expect(() => replaceSection(text, name, 'x'), name).not.toThrow();
    }
  });
});
