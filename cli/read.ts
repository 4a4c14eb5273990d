// cli/read.ts: reading the files a user names, and checking the directories they name, so that every
// failure is an InputError (exit 2) that names the file and the place: never a hang, never a stack trace.
import { accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** What a file that is not a regular one is, for the message: "a FIFO", "a directory", ... */
function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return s.isFile() ? 'a file' : 'of an unknown kind';
}

/**
 * A regular file's text, a leading UTF-8 BOM dropped. Anything else (a FIFO, a directory, a device) is
 * refused from its stat, before it is opened: reading a FIFO or /dev/zero would never end.
 */
export function readText(file: string, expected = 'a JSON file'): string {
  checkRegularFile(file, expected);
  let text: string;
  let fd: number | undefined;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it does not wait
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const again = fstatSync(fd);
    if (!again.isFile()) throw new InputError(`${file}: not a regular file (${kindOf(again)}); expected ${expected}`);
    text = readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read the file (${errno(e)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Throws an InputError unless FILE is a regular file that exists (stat only: nothing is opened). */
export function checkRegularFile(file: string, expected = 'a JSON file'): void {
  let s: Stats;
  try {
    s = statSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read the file (${errno(e)})`);
  }
  if (!s.isFile()) throw new InputError(`${file}: not a regular file (${kindOf(s)}); expected ${expected}`);
}

/** JSON text parsed; a syntax error is `FILE:LINE:COLUMN: malformed JSON: what`, the position always given. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    // Node's messages often carry no position ("Unexpected end of JSON input"): find it by our own scan
    const found = findJsonError(body) ?? fromNodeMessage(body, e.message);
    throw new InputError(`${file}:${lineColumn(body, found.pos)}: malformed JSON: ${found.what}`);
  }
  // JSON.parse keeps the last of two equal keys: a flag given twice would be judged by whichever came last
  const dup = findDuplicateKey(body);
  if (dup) throw new InputError(`${file}:${lineColumn(body, dup.pos)}: the key ${dup.key} appears twice in the same object; keep one`);
  return value;
}

/** The first key that repeats within one object of valid JSON text, with its position. */
export function findDuplicateKey(text: string): { pos: number; key: string } | null {
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && top.expectKey) {
        const raw = text.slice(i, j + 1);
        const key = JSON.parse(raw) as string;
        if (top.keys.has(key)) return { pos: i, key: raw };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') { const top = stack[stack.length - 1]; if (top) top.expectKey = true; }
  }
  return null;
}

/** A JSON file read and parsed (readText, then parseJsonText). */
export function readJsonFile(file: string): unknown {
  return parseJsonText(readText(file), file);
}

/** `LINE:COLUMN` (1-based; the column in UTF-16 units, as editors of JSON mostly count). */
function lineColumn(text: string, pos: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return `${line}:${pos - start + 1}`;
}

/** Only when our scan and JSON.parse disagree: Node's own message, at its position or at the end. */
function fromNodeMessage(text: string, message: string): { pos: number; what: string } {
  const m = /at position (\d+)/.exec(message);
  return { pos: m ? Number(m[1]) : endOfInput(text), what: message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '') };
}

/** The end of input as a user sees it: just after the last character that is not white space. */
function endOfInput(text: string): number {
  let i = text.length;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}

function show(text: string, pos: number): string {
  if (pos >= text.length) return 'end of input';
  const c = text.codePointAt(pos)!;
  if (c === 10) return 'a line break';
  if (c === 9) return 'a tab';
  if (c < 0x20 || c === 0x7f) return `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${String.fromCodePoint(c)}'`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/**
 * Where JSON text first stops being JSON (RFC 8259), and what was expected there; null when it is valid.
 * Iterative (a stack of open containers), so that deeply nested input cannot overflow the call stack.
 */
export function findJsonError(text: string): { pos: number; what: string } | null {
  let i = 0;
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  const ws = () => { while (i < n && WS.has(text.charCodeAt(i))) i++; };
  const err = (what: string, at = i) => ({ pos: at >= n ? endOfInput(text) : at, what });
  const unexpected = (expected: string) => {
    const c = text[i];
    if (c === "'") return err(`unexpected "'"; ${expected} (JSON strings take double quotes)`);
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return err(`unexpected comment; ${expected} (JSON has no comments)`);
    return err(`unexpected ${show(text, i)}; ${expected}`);
  };

  // each returns an error or null, leaving i after what it read
  const string = (): { pos: number; what: string } | null => {
    const open = i++;
    for (;;) {
      if (i >= n) return err(`unterminated string (it starts at ${lineColumn(text, open)})`);
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return null; }
      if (c < 0x20) return err(`${show(text, i)} inside a string (write it as an escape, e.g. \\n)`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === undefined) return err(`unterminated string (it starts at ${lineColumn(text, open)})`);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return err('bad \\u escape; expected four hex digits', i);
          i += 6;
        } else if ('"\\/bfnrt'.includes(e)) i += 2;
        else return err(`bad escape \\${e}; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`, i);
      } else i++;
    }
  };
  const number = (): { pos: number; what: string } | null => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    // value() sends only '-' and digits here, so no match means '-' without a digit after it
    if (!m) return err(`malformed number: expected a digit after '-', got ${show(text, i + 1)}`, i + 1);
    const end = i + m[0].length;
    const next = text[end];
    if (m[1] === '0' && next !== undefined && next >= '0' && next <= '9') return err('malformed number: a number may not start with 0', i);
    if (next === '.' || next === 'e' || next === 'E') return err(`malformed number: expected digits after ${JSON.stringify(text.slice(i, end + 1))}`, end);
    i = end;
    return null;
  };
  const literal = (word: string): { pos: number; what: string } | null => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) return err(`unexpected ${show(text, i + k)}; expected ${word}`, i + k);
    }
    i += word.length;
    return null;
  };
  /** one value; a container is opened (pushed) and left for the loop below */
  const value = (expected: string): { pos: number; what: string } | null => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') { stack.push(c); i++; return null; }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (i >= n && stack.length === 0 && endOfInput(text) === 0) return err('no JSON value (the file is empty)', 0);
    return unexpected(expected);
  };
  /** a key and its colon, then the value */
  const member = (): { pos: number; what: string } | null => {
    ws();
    if (text[i] !== '"') return unexpected('expected a property name in double quotes');
    const e = string();
    if (e) return e;
    ws();
    if (text[i] !== ':') return unexpected('expected \':\' after the property name');
    i++;
    return value('expected a value');
  };

  let e = value('expected a JSON value');
  // justOpened: the top container was opened by the last value() and has no element yet
  let justOpened = stack.length > 0;
  while (!e && stack.length > 0) {
    ws();
    const top = stack[stack.length - 1];
    const close = top === '{' ? '}' : ']';
    if (justOpened) {
      justOpened = false;
      if (text[i] === close) { i++; stack.pop(); continue; }
      const depth = stack.length;
      e = top === '{' ? member() : value('expected a value or \']\'');
      justOpened = stack.length > depth;
      continue;
    }
    if (text[i] === close) { i++; stack.pop(); continue; }
    if (text[i] !== ',') { e = unexpected(`expected ',' or '${close}'`); break; }
    const comma = i++;
    ws();
    if (text[i] === close) { e = err(`trailing comma before '${close}'`, comma); break; }
    const depth = stack.length;
    e = top === '{' ? member() : value('expected a value');
    justOpened = stack.length > depth;
  }
  if (e) return e;
  ws();
  return i < n ? err(`unexpected ${show(text, i)} after the JSON value; expected the end of the file`) : null;
}

// ---------------------------------------------------------------------------------------------
// Output directories

const SPECIAL = ['/proc', '/sys'];

/**
 * Throws an InputError when DIR cannot be used as an output directory (exists and is not a directory, an
 * ancestor is a file, under /proc or /sys, not writable), so a command fails before any work. Creates nothing.
 */
export function checkOutDir(flag: string, dir: string): void {
  const where = `${flag} ${dir}`;
  if (dir === '') throw new InputError(`${flag}: empty; expected a directory path`);
  const abs = resolve(dir);
  // the nearest path that exists: the directory itself, or the ancestor it would be created in
  let p = abs;
  let s: Stats | undefined;
  for (;;) {
    try {
      s = statSync(p);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && isDanglingLink(p)) throw new InputError(`${where}: ${p === abs ? 'it' : p} is a symbolic link to nothing; expected a directory`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`${where}: cannot use it (${errno(e)})`);
      const up = dirname(p);
      if (up === p) throw new InputError(`${where}: cannot use it (${errno(e)})`);
      p = up;
    }
  }
  if (!s.isDirectory()) {
    throw new InputError(p === abs
      ? `${where}: exists and is not a directory (${kindOf(s)}); expected a directory to write into`
      : `${where}: ${p} is ${kindOf(s)}, not a directory, so nothing can be created under it`);
  }
  let real = p;
  try { real = realpathSync(p); } catch { /* keep the resolved path */ }
  const special = SPECIAL.find((d) => real === d || real.startsWith(d + sep) || abs === d || abs.startsWith(d + sep));
  if (special) throw new InputError(`${where}: under ${special}, a kernel file system; expected a directory on a disk`);
  try {
    accessSync(p, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new InputError(`${where}: ${p === abs ? 'not writable' : `cannot be created: ${p} is not writable`} (${errno(e)})`);
  }
}

function isDanglingLink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}
