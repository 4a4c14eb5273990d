// The CLI contract at its edges: bad input is exit 2 with a message naming the file and the place (never a
// hang on a FIFO, never a stack trace, at most 20 problems), errors on stderr, unusable --out refused first.
// The CLI cases run the compiled CLI (npm test compiles first); read.ts and errors.ts are also tested directly.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutDir, findJsonError, parseJsonText, readJsonFile, readText } from './read.js';
import { boundedMessage, InputError } from './errors.js';
import type { Trace } from '../conformance/harness.js';
import { n2w, scratch } from './test-cli.js';

const { dir, file } = scratch('n2w-contract-');

const fifo = (name: string) => {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};
/** what bad input must look like on the command line: exit 2, the message on stderr, no stack trace */
const expectBadInput = (r: ReturnType<typeof n2w>, message: RegExp) => {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /);
};
const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
};
const LOGIN = { type: 'NATIVE_LOGIN', user: 'alice', device: 'alice-phone' };
const CONFIG = { native: { session_transfer: { can_create_session_transfer_token: true } }, web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'] } } };
// no server listens here; every case below must fail on its input before connecting
const URL = 'http://127.0.0.1:9';

describe('readText: regular files only', () => {
  it('refuses a FIFO from its stat, without opening it (which would wait for a writer for ever)', () => {
    const p = fifo('pipe.json');
    const e = thrown(() => readText(p));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(`${p}: not a regular file (a FIFO); expected a JSON file`);
  });

  it('refuses a directory and a device, and names a file it cannot read with the errno code', () => {
    expect(thrown(() => readText(dir)).message).toBe(`${dir}: not a regular file (a directory); expected a JSON file`);
    expect(thrown(() => readText('/dev/null')).message).toBe('/dev/null: not a regular file (a character device); expected a JSON file');
    expect(thrown(() => readText(join(dir, 'nope.json'))).message).toBe(`${join(dir, 'nope.json')}: cannot read the file (ENOENT)`);
    expect(thrown(() => readText(join(dir, 'pipe-none', 'x.json'))).message).toMatch(/cannot read the file \(ENOENT\)$/);
  });

  it('drops a leading UTF-8 BOM, and only a leading one', () => {
    expect(readText(file('bom.txt', '\uFEFFab\uFEFF'))).toBe('ab\uFEFF');
    expect(readJsonFile(file('bom.json', '\uFEFF{ "a": [1] }'))).toEqual({ a: [1] });
  });

  it('n2w run and n2w replay on a FIFO: exit 2 at once, not a hang', () => {
    const p = fifo('scenario-pipe.json');
    expectBadInput(n2w('run', p), /scenario-pipe\.json: not a regular file \(a FIFO\); expected a JSON file/);
    expectBadInput(n2w('replay', p), /scenario-pipe\.json: not a regular file \(a FIFO\)/);
    expectBadInput(n2w('run', dir), /not a regular file \(a directory\)/);
  });

  it('n2w run on a scenario saved with a BOM runs it', () => {
    const r = n2w('run', file('bom-scenario.json', `\uFEFF${JSON.stringify({ steps: [LOGIN] })}`));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('no property violated in 1 steps');
  });
});

describe('parseJsonText: malformed JSON always names the line and column', () => {
  // [what, text, the message after "f.json:"]: Node 20 gives no position for most of these
  const cases: [string, string, string][] = [
    ['a trailing comma in an object', '{\n  "a": 1,\n}', '2:9: malformed JSON: trailing comma before \'}\''],
    ['a trailing comma in an array', '[1, 2,]', '1:6: malformed JSON: trailing comma before \']\''],
    ['an unterminated string', '{ "a": "xyz', '1:12: malformed JSON: unterminated string (it starts at 1:8)'],
    ['a raw line break in a string', '{ "a": "x\ny" }', '1:10: malformed JSON: a line break inside a string (write it as an escape, e.g. \\n)'],
    ['an empty file', '', '1:1: malformed JSON: no JSON value (the file is empty)'],
    ['a file of white space', ' \n\n ', '1:1: malformed JSON: no JSON value (the file is empty)'],
    ['garbage after the value', '{ "a": 1 }\n}', '2:1: malformed JSON: unexpected \'}\' after the JSON value; expected the end of the file'],
    ['the end of input inside an object (at the last character, not past the final newline)', '{\n  "a": [1, 2]\n\n', '2:14: malformed JSON: unexpected end of input; expected \',\' or \'}\''],
    ['a missing colon', '{ "a" 1 }', '1:7: malformed JSON: unexpected \'1\'; expected \':\' after the property name'],
    ['single quotes', "{ 'a': 1 }", '1:3: malformed JSON: unexpected "\'"; expected a property name in double quotes (JSON strings take double quotes)'],
    ['a comment', '{ "a": 1 // one\n}', '1:10: malformed JSON: unexpected comment; expected \',\' or \'}\' (JSON has no comments)'],
    ['a truncated literal', '[tru', '1:5: malformed JSON: unexpected end of input; expected true'],
    ['a leading zero', '[01]', '1:2: malformed JSON: malformed number: a number may not start with 0'],
    ['a bad escape', '"a\\qb"', '1:3: malformed JSON: bad escape \\q; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      const e = thrown(() => parseJsonText(text, 'f.json'));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toBe(`f.json:${message}`);
    });
  }

  it('accepts valid JSON, with or without a BOM', () => {
    expect(parseJsonText('\uFEFF{ "steps": [] }', 'f.json')).toEqual({ steps: [] });
    expect(parseJsonText(' [1, -0.5e3, "a\\u0041", true, null, {}] ', 'f.json')).toEqual([1, -500, 'aA', true, null, {}]);
  });

  it('its scan finds an error exactly when JSON.parse does (random fragments)', () => {
    const parts = ['{', '}', '[', ']', ',', ':', '"', '"a"', '1', '-', '0', '.', 'e', ' ', '\n', 'true', 'null', '\\', 'x', '\\n', '\\u0041', '1e5', '-0.5', '\t'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const disagree: string[] = [];
    let valid = 0;
    for (let n = 0; n < 50_000; n++) {
      let t = '';
      for (let k = 1 + Math.floor(next() * 10); k > 0; k--) t += parts[Math.floor(next() * parts.length)];
      let ok = true;
      try { JSON.parse(t); valid++; } catch { ok = false; }
      if (ok !== (findJsonError(t) === null)) disagree.push(t);
    }
    expect(disagree.slice(0, 5)).toEqual([]);
    expect(valid).toBeGreaterThan(100); // the fragments do reach valid JSON too
  });

  it('does not overflow the stack on deep nesting', () => {
    expect(findJsonError('['.repeat(200_000))).toEqual({ pos: 200_000, what: 'unexpected end of input; expected a value or \']\'' });
  });

  it('n2w run: an empty file and an unterminated string, exit 2 with the position', () => {
    expectBadInput(n2w('run', file('empty.json', '')), /empty\.json:1:1: malformed JSON: no JSON value/);
    expectBadInput(n2w('run', file('unterminated.json', '{ "steps": [\n  { "type": "NATIVE_LOGIN\n] }')), /unterminated\.json:2:26: malformed JSON: a line break inside a string/);
    expectBadInput(n2w('run', file('cut.json', '{ "steps": [')), /cut\.json:1:13: malformed JSON: unexpected end of input; expected a value or '\]'/);
  });
});

describe('checkOutDir: an unusable output directory is bad input, found before any work', () => {
  it('accepts an existing directory and one that does not exist yet, and creates nothing', () => {
    expect(() => checkOutDir('--out', dir)).not.toThrow();
    const later = join(dir, 'not-yet', 'deeper');
    expect(() => checkOutDir('--out', later)).not.toThrow();
    expect(existsSync(join(dir, 'not-yet'))).toBe(false);
  });

  it('refuses an existing regular file', () => {
    const p = file('reports.txt', 'x');
    expect(thrown(() => checkOutDir('--out', p)).message).toBe(`--out ${p}: exists and is not a directory (a file); expected a directory to write into`);
  });

  it('refuses a path under an existing file, naming the file', () => {
    const p = file('plain.txt', 'x');
    const e = thrown(() => checkOutDir('--out', join(p, 'a', 'b')));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(`--out ${join(p, 'a', 'b')}: ${p} is a file, not a directory, so nothing can be created under it`);
  });

  it('refuses /proc and /sys (not writable even for root, which these tests run as)', () => {
    expect(thrown(() => checkOutDir('--out', '/proc/n2w-out')).message).toBe('--out /proc/n2w-out: under /proc, a kernel file system; expected a directory on a disk');
    expect(thrown(() => checkOutDir('--out', '/proc/self/n2w')).message).toMatch(/under \/proc/);
    expect(thrown(() => checkOutDir('--out', '/sys/n2w/out')).message).toMatch(/^--out \/sys\/n2w\/out: under \/sys/);
    // by a symbolic link too
    const link = join(dir, 'to-proc');
    symlinkSync('/proc', link);
    expect(thrown(() => checkOutDir('--out', join(link, 'x'))).message).toMatch(/under \/proc/);
  });

  it('refuses a symbolic link to nothing (mkdir would fail on it)', () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'nothing-here'), link);
    expect(thrown(() => checkOutDir('--out', join(link, 'x'))).message).toMatch(/dangling is a symbolic link to nothing/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory it may not write in (not as root: root may write anywhere)', () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    expect(thrown(() => checkOutDir('--out', join(ro, 'x'))).message).toMatch(/read-only is not writable \(EACCES\)/);
    expect(thrown(() => checkOutDir('--out', ro)).message).toMatch(/not writable \(EACCES\)/);
  });

  it('n2w conform --out: exit 2 before connecting (no server runs at the URL: that would be exit 3)', () => {
    const p = file('trace-out.txt', 'x');
    const r = n2w('conform', '--url', URL, '--runs', '1', '--out', p);
    expectBadInput(r, /^n2w conform: --out .*trace-out\.txt: exists and is not a directory/);
    expect(r.out).toBe('');
    expectBadInput(n2w('conform', '--url', URL, '--out', '/proc/n2w-conform'), /--out \/proc\/n2w-conform: under \/proc/);
  });

  it('n2w paths --out: exit 2, nothing written', () => {
    const p = file('suite-out.txt', 'x');
    const r = n2w('paths', '--emit', 'vitest', '--out', join(p, 'suite'));
    expectBadInput(r, /^n2w paths: --out .*suite-out\.txt\/suite: .*suite-out\.txt is a file, not a directory/);
    expect(r.out).toBe('');
    expectBadInput(n2w('paths', '--emit', 'vitest', '--out', '/sys/n2w-suite'), /under \/sys/);
  });
});

describe('at most 20 problems printed, then "and N more"', () => {
  it('boundedMessage keeps the first 20 lines and counts the rest', () => {
    const lines = Array.from({ length: 33 }, (_, i) => `f.json: steps[${i}]: wrong`);
    const out = boundedMessage(lines.join('\n')).split('\n');
    expect(out).toEqual([...lines.slice(0, 20), 'and 13 more']);
    expect(boundedMessage(lines.slice(0, 20).join('\n'))).toBe(lines.slice(0, 20).join('\n'));
    expect(boundedMessage(`a\n${'x'.repeat(5000)}`)).toBe(`a\n${'x'.repeat(1000)}… (4000 more characters)`);
  });

  // 30 users without a valid name: 30 zod issues (and more for the missing networks and devices)
  const world = { users: Array.from({ length: 30 }, (_, i) => ({ name: i })) };

  it('n2w run: a scenario with more than 20 problems', () => {
    const r = n2w('run', file('many.json', { world, steps: [LOGIN] }));
    expectBadInput(r, /^error: .*many\.json: world\.users\[0\]\.name: /);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[19]).toMatch(/many\.json: world\.users\[19\]\.name: /);
    expect(Number(/^and (\d+) more$/.exec(lines[20])?.[1])).toBeGreaterThanOrEqual(10);
  });

  it('n2w conform: a --config with more than 20 problems', () => {
    const r = n2w('conform', '--url', URL, '--config', file('many-setting.json', { ...CONFIG, world }));
    expectBadInput(r, /^n2w conform: .*many-setting\.json: world: users\[0\]\.name: /);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toMatch(/^and \d+ more$/);
    expect(r.out).toBe('');
  });
});

describe('n2w replay and n2w conform --replay each refuse the other\'s file', () => {
  // a minimal trace of the shape n2w conform writes (conformance/harness.ts, Trace)
  const observation = (outcome: string) => ({ step: 1, event: LOGIN, outcome, issued: outcome === 'ok' ? ['rt1'] : [], revoked: { refreshTokens: [], sessions: [], transferTokens: [] }, consumed: [] });
  const trace = {
    kind: 'divergence',
    config: CONFIG,
    interpretations: { A6: true, A8: true, A10: 'ignored' },
    population: { users: [{ name: 'alice' }], networks: [{ name: 'home', ip: '198.51.100.7', asn: 64500 }], devices: [{ name: 'alice-phone', owner: 'alice', network: 'home' }] },
    steps: [LOGIN],
    divergence: { step: 1, fields: ['outcome'], model: observation('ok'), implementation: observation('rejected') },
    modelObservations: [observation('ok')],
    implementationObservations: [observation('rejected')],
    exchanges: [],
    source: { kind: 'random', seed: 7, run: 0, originalLength: 4, shrinks: 2 },
    known: [],
  } as unknown as Trace;

  it('n2w replay on a conformance trace points to n2w conform --replay', () => {
    const p = file('conform-divergence-seed7.json', trace);
    const r = n2w('replay', p);
    expectBadInput(r, /conform-divergence-seed7\.json: a conformance trace written by n2w conform \(a divergence at step 1\), not a counterexample/);
    expect(r.err).toContain(`n2w conform --replay ${p} --url URL (or --adapter FILE)`);
    expect(r.out).toBe('');
  });

  it('n2w conform --replay on a counterexample points to n2w replay', () => {
    const p = file('counterexample.json', { property: 'no-replay', kind: 'rule', config: CONFIG, steps: [LOGIN] });
    const r = n2w('conform', '--replay', p, '--url', URL);
    expectBadInput(r, /counterexample\.json: a counterexample of n2w check \(property no-replay\), not a conformance trace; replay it on the model with n2w replay /);
    expect(r.out).toBe('');
  });
});

describe('n2w paths and n2w conform: errors on stderr, nothing on stdout', () => {
  it('n2w paths: a missing --config', () => {
    const out = join(dir, 'suite-a');
    const r = n2w('paths', '--emit', 'vitest', '--out', out, '--config', join(dir, 'missing.json'));
    expectBadInput(r, /^n2w paths: .*missing\.json: cannot read the file \(ENOENT\)/);
    expect(r.out).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('n2w paths: an --adapter that is not a file', () => {
    const r = n2w('paths', '--emit', 'vitest', '--out', join(dir, 'suite-b'), '--adapter', join(dir, 'no-adapter.ts'));
    expectBadInput(r, /^n2w paths: --adapter .*no-adapter\.ts: no such file; expected your adapter module \(or leave --adapter out: the suite then imports \.\/adapter\.ts beside it\)/);
    expect(r.out).toBe('');
    expectBadInput(n2w('paths', '--emit', 'vitest', '--out', join(dir, 'suite-c'), '--adapter', dir), /not a regular file \(a directory\); expected your adapter module/);
  });

  it('n2w conform: a missing --config, a missing --adapter, a FIFO, a broken module, a bad --url', () => {
    const cases: [string[], RegExp][] = [
      [['--url', URL, '--config', join(dir, 'missing.json')], /^n2w conform: .*missing\.json: cannot read the file \(ENOENT\)/],
      [['--adapter', join(dir, 'missing-adapter.mjs')], /^n2w conform: .*missing-adapter\.mjs: cannot read the file \(ENOENT\)/],
      [['--adapter', fifo('adapter-pipe.mjs')], /adapter-pipe\.mjs: not a regular file \(a FIFO\); expected an adapter module/],
      [['--adapter', file('broken.mjs', 'export default (;\n')], /^n2w conform: --adapter .*broken\.mjs: /],
      [['--url', 'not a url'], /^n2w conform: --url: not a URL: not a url/],
      [['--replay', file('trace.json', '{ "steps": [ }'), '--url', URL], /^n2w conform: .*trace\.json:1:14: malformed JSON: unexpected '\}'; expected a value or '\]'/],
    ];
    for (const [args, message] of cases) {
      const r = n2w('conform', ...args);
      expectBadInput(r, message);
      expect(r.out, args.join(' ')).toBe('');
    }
  });

  it('n2w conform --json: bad input leaves stdout empty, so a JSON reader is not given an error as a report', () => {
    const r = n2w('conform', '--json', '--url', URL, '--config', file('bad-setting.json', { web: { session_transfer: { enforce_device_binding: 'mac' } } }));
    expectBadInput(r, /enforce_device_binding/);
    expect(r.out).toBe('');
  });
});
