// The README says what the code does: its two commands first, every property and every mutant listed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROPERTIES } from '../properties/index.js';
import { MUTANTS } from '../machines/mutants/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const rows = readme.split('\n').filter((l) => l.startsWith('| `'));

describe('README', () => {
  it('opens with the two set-up commands', () => {
    const first = readme.split('\n').slice(0, 4).join('\n');
    expect(first).toContain('npm ci && npm run check');
    expect(first).toContain('npm test');
  });

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
});
