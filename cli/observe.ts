// cli/observe.ts: `n2w observe LOGS [--config CONFIG] [--json]`: a real tenant's saved logs judged against the
// properties logs alone can decide (properties/log-monitor.ts). This file reads and validates the input and
// prints; the judging is the pure core's. Exit 0 nothing violated, 1 something is, 2 bad input.
import type { Command } from 'commander';
import pc from 'picocolors';
import { z } from 'zod';
import { NATIVE_CLIENT_ID } from '../machines/config.js';
import { monitorLogs, orderLogs, type Judgment, type MonitorReport, type MonitorTenant, type ObservedLog } from '../properties/log-monitor.js';
import { EXIT, exit, InputError, formatZodError } from './errors.js';
import { loadConfigFile } from './input.js';
import { findJsonError, parseJsonText, readText } from './read.js';
import { TOOL_VERSION } from './report/report.js';

export type LogFormat = 'array' | 'include_totals' | 'ndjson';

export interface ReadLogs {
  format: LogFormat;
  logs: ObservedLog[];
  /** the same log_id with the same content more than once (overlapping pages saved together) */
  duplicatesDropped: number;
}

// ---------------------------------------------------------------------------------------------
// One log object: the fields the judgments read are checked; every other field is kept out of the way.

const optionalText = (what: string) => z.string({ error: `expected ${what}, a string, or null` }).nullable().optional();

const logSchema = z.looseObject({
  log_id: z.string({ error: 'expected the log\'s id, a string' }).min(1, 'expected the log\'s id, a non-empty string').optional(),
  // GET /api/v2/logs/{id} and some exports call it _id
  _id: z.string().min(1).optional(),
  date: z.union([z.string(), z.number()], {
    error: (iss) => (iss.input === undefined ? 'missing; expected the log\'s date (ISO 8601)' : 'expected the log\'s date, an ISO 8601 string'),
  }),
  type: z.string({ error: (iss) => (iss.input === undefined ? 'missing; expected the log type code (s, sertft, ...)' : 'expected the log type code, a string') })
    .min(1, 'expected the log type code, a non-empty string'),
  description: optionalText('the description'),
  client_id: optionalText('the client_id'),
  client_name: optionalText('the client name'),
  user_id: optionalText('the user_id'),
  ip: optionalText('the request\'s IP'),
  details: z.record(z.string(), z.unknown(), { error: 'expected an object of details, or null' }).nullable().optional(),
}).superRefine((l, ctx) => {
  if (l.log_id === undefined && l._id === undefined) ctx.addIssue({ code: 'custom', path: ['log_id'], message: 'missing; expected the log\'s id, a string' });
  if (!Number.isFinite(typeof l.date === 'number' ? l.date : Date.parse(l.date))) {
    ctx.addIssue({ code: 'custom', path: ['date'], message: `${JSON.stringify(l.date)} is not a date; expected ISO 8601, e.g. 2026-01-01T00:00:00.000Z` });
  }
});

const opt = (v: string | null | undefined): string | undefined => (v === null || v === undefined ? undefined : v);

/** One event, at `where` (`logs.json: [3]`, `stream.ndjson:7`); a log stream's `{ log_id, data }` is unwrapped. */
function parseEvent(value: unknown, where: string, label: string): ObservedLog {
  let v = value;
  let at = where;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !('type' in v) && 'data' in v && typeof (v as { data: unknown }).data === 'object' && (v as { data: unknown }).data !== null) {
    // Auth0 log streams wrap each event: { log_id, data: { ...the log } }
    const outer = v as { log_id?: unknown; data: Record<string, unknown> };
    v = { ...(outer.data.log_id === undefined && outer.log_id !== undefined ? { log_id: outer.log_id } : {}), ...outer.data };
    at = `${where}: data`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InputError(`${where}: expected a log event object ({ log_id, date, type, ... }), got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
  }
  const r = logSchema.safeParse(v);
  if (!r.success) throw new InputError(formatZodError(at, r.error));
  const l = r.data;
  const time = typeof l.date === 'number' ? l.date : Date.parse(l.date);
  return {
    log_id: l.log_id ?? l._id!,
    date: typeof l.date === 'number' ? new Date(l.date).toISOString() : l.date,
    time,
    type: l.type,
    ...(opt(l.description) !== undefined ? { description: opt(l.description) } : {}),
    ...(opt(l.client_id) !== undefined ? { client_id: opt(l.client_id) } : {}),
    ...(opt(l.client_name) !== undefined ? { client_name: opt(l.client_name) } : {}),
    ...(opt(l.user_id) !== undefined ? { user_id: opt(l.user_id) } : {}),
    ...(opt(l.ip) !== undefined ? { ip: opt(l.ip) } : {}),
    details: l.details ?? {},
    where: label,
  };
}

/** Every bad event is reported (bounded when printed), not only the first. */
function parseAll(items: { value: unknown; where: string; label: string }[]): ObservedLog[] {
  const problems: string[] = [];
  const out: ObservedLog[] = [];
  for (const it of items) {
    try {
      out.push(parseEvent(it.value, it.where, it.label));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return out;
}

/**
 * A saved GET /api/v2/logs answer (an array, or include_totals' { logs, ... }) or a log-stream export (one JSON
 * event a line, bare or wrapped in { log_id, data }), told apart by its text; oldest first, duplicates dropped.
 */
export function parseLogsText(text: string, file: string): ReadLogs {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  const nonBlank = lines.map((l, i) => ({ l: l.replace(/\r$/, ''), n: i + 1 })).filter((x) => x.l.trim() !== '');
  if (nonBlank.length === 0) throw new InputError(`${file}: empty; expected a JSON array of log events (GET /api/v2/logs), { "logs": [...] }, or one JSON event a line`);
  // NDJSON when its first line is a value of its own and more follows; otherwise one JSON document
  const firstLineParses = findJsonError(nonBlank[0].l) === null;
  const whole = findJsonError(body) === null;
  let format: LogFormat;
  let items: { value: unknown; where: string; label: string }[];
  if (whole || !firstLineParses || nonBlank.length === 1) {
    const doc = parseJsonText(body, file);
    if (Array.isArray(doc)) {
      format = 'array';
      items = doc.map((value, i) => ({ value, where: `${file}: [${i}]`, label: `[${i}]` }));
    } else if (typeof doc === 'object' && doc !== null && 'logs' in doc) {
      const logs = (doc as { logs: unknown }).logs;
      if (!Array.isArray(logs)) throw new InputError(`${file}: logs: expected an array of log events (GET /api/v2/logs?include_totals=true answers { logs: [...], start, limit, length, total })`);
      format = 'include_totals';
      items = logs.map((value, i) => ({ value, where: `${file}: logs[${i}]`, label: `logs[${i}]` }));
    } else if (typeof doc === 'object' && doc !== null && ('type' in doc || 'data' in doc)) {
      // a log stream export of one event
      format = 'ndjson';
      items = [{ value: doc, where: `${file}:${nonBlank[0].n}`, label: `line ${nonBlank[0].n}` }];
    } else {
      throw new InputError(`${file}: expected a JSON array of log events (GET /api/v2/logs), an object { "logs": [...] } (include_totals), or one JSON event a line (a log stream); got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc === 'object' ? `an object with keys ${Object.keys(doc).slice(0, 5).join(', ') || '(none)'}` : typeof doc}`);
    }
  } else {
    format = 'ndjson';
    const problems: string[] = [];
    items = [];
    for (const { l, n } of nonBlank) {
      const err = findJsonError(l);
      if (err) { problems.push(`${file}:${n}:${err.pos + 1}: malformed JSON: ${err.what}`); continue; }
      let value: unknown;
      try {
        value = parseJsonText(l, file);
      } catch (e) {
        // a duplicate key: parseJsonText counts lines within the one line it was given
        if (!(e instanceof InputError)) throw e;
        problems.push(e.message.replace(`${file}:1:`, `${file}:${n}:`));
        continue;
      }
      // a batch a line (a webhook's body) is accepted too
      if (Array.isArray(value)) value.forEach((v, i) => items.push({ value: v, where: `${file}:${n}: [${i}]`, label: `line ${n} [${i}]` }));
      else items.push({ value, where: `${file}:${n}`, label: `line ${n}` });
    }
    if (problems.length > 0) throw new InputError(problems.join('\n'));
  }
  const parsed = parseAll(items);
  // the same log_id twice: an overlap of saved pages when equal, a broken file when not
  const seen = new Map<string, ObservedLog>();
  const logs: ObservedLog[] = [];
  let duplicatesDropped = 0;
  const content = (l: ObservedLog) => JSON.stringify({ ...l, where: undefined });
  for (const l of parsed) {
    const prev = seen.get(l.log_id);
    if (prev === undefined) { seen.set(l.log_id, l); logs.push(l); continue; }
    if (content(prev) !== content(l)) throw new InputError(`${file}: ${l.where}: log_id ${l.log_id} also at ${prev.where} with other contents; expected each log once`);
    duplicatesDropped++;
  }
  return { format, logs: orderLogs(logs), duplicatesDropped };
}

export const readLogsFile = (file: string): ReadLogs => parseLogsText(readText(file, 'a JSON file of log events'), file);

// ---------------------------------------------------------------------------------------------
// The report

export interface ObserveDocument {
  tool: string;
  version: string;
  input: { file: string; format: LogFormat; events: number; duplicatesDropped: number; first: string | null; last: string | null; types: Record<string, number>; ignoredTypes: Record<string, number> };
  config: { file: string; nativeClientId: string; webClientIds: string[]; transferTokenTtlSeconds: number } | null;
  judgments: Judgment[];
  undecidable: MonitorReport['undecidable'];
  violated: number;
  exitCode: number;
}

export function observeDocument(file: string, read: ReadLogs, report: MonitorReport, configFile: string | null, tenant: MonitorTenant | null): ObserveDocument {
  const exitCode = report.violated > 0 ? EXIT.propertyFailed : EXIT.ok;
  return {
    tool: 'n2w observe',
    version: TOOL_VERSION,
    input: { file, format: read.format, events: report.events, duplicatesDropped: read.duplicatesDropped, first: report.first, last: report.last, types: { ...report.types }, ignoredTypes: { ...report.ignoredTypes } },
    config: tenant && configFile !== null
      ? { file: configFile, nativeClientId: tenant.nativeClientId, webClientIds: [tenant.config.webClientId, ...tenant.config.moreWeb.map((w) => w.clientId)], transferTokenTtlSeconds: tenant.config.transferTokenTtlSeconds }
      : null,
    judgments: [...report.judgments],
    undecidable: report.undecidable,
    violated: report.violated,
    exitCode,
  };
}

/** How many violations of one judgment the text shows; --json has them all. */
const SHOWN = 10;

const STATUS_TEXT: Record<Judgment['status'], (s: string) => string> = {
  holds: (s) => pc.green(s),
  violated: (s) => pc.red(pc.bold(s)),
  'not exercised': (s) => pc.yellow(s),
  'not judged': (s) => pc.dim(s),
};

function showLine(l: Record<string, unknown>): string {
  const { log_id, date, type, ...rest } = l;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  return `${String(log_id)}  ${String(date)}  ${String(type).padEnd(6)} ${fields}`;
}

export function formatText(d: ObserveDocument): string {
  const out: string[] = [];
  const i = d.input;
  const types = Object.entries(i.types).map(([t, n]) => `${t} ${n}`).join(', ');
  out.push(`${pc.bold('n2w observe')} ${i.file}: ${i.events} log event${i.events === 1 ? '' : 's'} (${i.format}${i.first ? `, ${i.first} to ${i.last}` : ''})${types ? `: ${types}` : ''}`);
  const ignored = Object.entries(i.ignoredTypes);
  if (ignored.length > 0) out.push(`  ${ignored.reduce((n, [, c]) => n + c, 0)} of types no judgment reads, kept and ignored: ${ignored.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (i.duplicatesDropped > 0) out.push(`  ${i.duplicatesDropped} duplicate${i.duplicatesDropped === 1 ? '' : 's'} (same log_id, same contents) dropped`);
  out.push(d.config
    ? `configuration: ${d.config.file} (native ${d.config.nativeClientId}, web ${d.config.webClientIds.join(', ')}, TTL ${d.config.transferTokenTtlSeconds} s)`
    : 'configuration: none (judgments that need one are not judged; give --config)');
  out.push('', pc.bold('judgments'));
  const width = Math.max(...d.judgments.map((j) => j.status.length));
  for (const j of d.judgments) {
    const n = j.violations.length;
    out.push(`  ${STATUS_TEXT[j.status](j.status.padEnd(width))}  ${pc.bold(j.id)} (${j.rules.join(', ')}): ${j.summary}${n > 0 ? `, ${n} violation${n === 1 ? '' : 's'}` : ''}`);
    if (j.status === 'not judged') out.push(`  ${' '.repeat(width)}    ${pc.dim(`reads: ${j.needs.join('; ')}`)}`);
    for (const note of j.notes) out.push(`  ${' '.repeat(width)}    ${pc.dim(note)}`);
  }
  const violated = d.judgments.filter((j) => j.violations.length > 0);
  if (violated.length > 0) {
    out.push('', pc.bold('violations'));
    for (const j of violated) {
      out.push(`  ${pc.red(pc.bold(j.id))}: ${j.claim}`);
      for (const v of j.violations.slice(0, SHOWN)) {
        out.push(`    ${v.message}`);
        for (const l of v.logs) out.push(`      ${showLine(l)}`);
      }
      if (j.violations.length > SHOWN) out.push(`    and ${j.violations.length - SHOWN} more (--json lists them all)`);
    }
  }
  out.push('', pc.bold('what logs alone cannot decide'));
  for (const u of d.undecidable) out.push(`  - ${u.what}: ${u.why}`);
  out.push('');
  out.push(d.violated > 0
    ? pc.red(`${d.violated} judgment${d.violated === 1 ? '' : 's'} violated`)
    : `${pc.green('no judgment violated')}: the logs show no breach of what they can decide (see above for what they cannot)`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The command

/** The configuration, read as n2w check reads --config (same errors), with the native app's client_id. */
export function loadTenant(file: string): MonitorTenant {
  const given = loadConfigFile(file);
  const native = given.clients.find((c) => c.role === 'native');
  return { config: given.config, nativeClientId: native?.clientId ?? NATIVE_CLIENT_ID };
}

export function observeCommand(file: string, opts: { config?: string; json?: boolean }): number {
  const read = readLogsFile(file);
  const tenant = opts.config !== undefined ? loadTenant(opts.config) : null;
  const report = monitorLogs(read.logs, tenant);
  const doc = observeDocument(file, read, report, opts.config ?? null, tenant);
  process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : formatText(doc));
  return doc.exitCode;
}

/** Registers `n2w observe` on the program (cli/main.ts calls it once). */
export function registerObserve(program: Command): void {
  program.command('observe')
    .description('Judge a tenant\'s saved logs (GET /api/v2/logs, or a log-stream export) against the rules logs alone can decide: exit 0 nothing violated, 1 a violation, 2 bad input.')
    .argument('<logs>', 'a JSON array of log events (GET /api/v2/logs), { "logs": [...] } (include_totals), or one JSON event a line (a log stream, bare or { log_id, data })')
    .option('--config <file>', 'the tenant\'s configuration, as n2w check --config reads it: which client may mint, each web app\'s device binding, the TTL')
    .option('--json', 'print one JSON document (the same input gives the same bytes)')
    .addHelpText('after', `
Examples:
  $ n2w observe examples/logs/clean.json
  $ n2w observe logs.json --config config.json
  $ n2w observe stream.ndjson --config tenant.yaml --json | jq '.judgments[] | select(.status == "violated")'`)
    .action((logs: string, opts: { config?: string; json?: boolean }) => exit(observeCommand(logs, opts)));
}
