// The tenant's log events (MODEL.md §4 "Logs"), in the Management API's shape: written in the transaction of
// the change each describes, served at GET /api/v2/logs with its checkpoint (from/take) and page paging.
// The type codes and detail keys re-state the contract's; ids in `details` are this server's own.

import type { Db } from './store.js';

export const LOG_TYPES = ['s', 'f', 'w', 'sertft', 'fertft', 'ferrt', 'srrt', 'slo', 'sapi'] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** A type's description when the event has none of its own (Auth0's wording for the codes). */
const TYPE_TEXT: Record<LogType, string> = {
  s: 'Success Login',
  f: 'Failed Login',
  w: 'Warnings During Login',
  sertft: 'Successful Refresh Token exchange',
  fertft: 'Failed Refresh Token exchange',
  ferrt: 'Failed exchange of a rotated refresh token: reuse detected',
  srrt: 'Successfully revoked a refresh token',
  slo: 'Success Logout',
  sapi: 'Success API Operation',
};

export interface LogDetails {
  audience?: string;
  triggered_by_session_transfer_token?: boolean;
  session_transfer_token?: string;
  refresh_token?: string;
  rotated_to?: string;
  session_id?: string;
  parent_refresh_token?: string;
  issued_refresh_token?: string;
  reason?: string;
  asn?: number;
}

export interface LogInput {
  type: LogType;
  description?: string;
  client_id?: string;
  client_name?: string;
  user_id?: string;
  ip?: string;
  details: LogDetails;
}

interface LogRow {
  seq: number;
  log_id: string;
  date: number;
  type: LogType;
  description: string | null;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  ip: string | null;
  details: string;
}

// Opaque to clients but ordered: 20 digits, sequence-numbered, so a `from` from before a reset still reads.
const LOG_ID = /^9\d{19}$/;
const logIdOf = (seq: number): string => `9${String(seq).padStart(19, '0')}`;

export function writeLog(db: Db, date: number, e: LogInput): void {
  const seq = ((db.prepare('SELECT MAX(seq) AS m FROM logs').get() as { m: number | null }).m ?? 0) + 1;
  const details = Object.fromEntries(Object.entries(e.details).filter(([, v]) => v !== undefined && v !== null));
  db.prepare('INSERT INTO logs(seq, log_id, date, type, description, client_id, client_name, user_id, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    seq, logIdOf(seq), date, e.type, e.description ?? TYPE_TEXT[e.type], e.client_id ?? null, e.client_name ?? null, e.user_id ?? null, e.ip ?? null, JSON.stringify(details),
  );
}

function view(r: LogRow): Record<string, unknown> {
  return {
    log_id: r.log_id,
    date: new Date(r.date).toISOString(),
    type: r.type,
    description: r.description,
    client_id: r.client_id,
    ...(r.client_name !== null ? { client_name: r.client_name } : {}),
    user_id: r.user_id,
    ip: r.ip,
    details: JSON.parse(r.details) as LogDetails,
  };
}

/** A query parameter the Management API would refuse (400 invalid_query_string, naming it). */
export class LogQueryError extends Error {
  constructor(readonly parameter: string, message: string) {
    super(`Query validation error: ${parameter}: ${message}`);
  }
}

const PARAMS = ['from', 'take', 'page', 'per_page', 'include_totals', 'sort'] as const;

function intParam(q: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw new LogQueryError(name, 'expected an integer');
  const n = Number(v);
  if (n < min || n > max) throw new LogQueryError(name, `expected an integer from ${min} to ${max}`);
  return n;
}

/**
 * GET /api/v2/logs. Checkpoint paging: `from` (logs after that log_id, oldest first) and `take` (without
 * `from`: the newest, newest first). Page paging: `page`, `per_page` (default 50), `sort` (date:-1, the
 * default, or date:1), `include_totals`. The two kinds do not mix; at most 100 a request.
 */
export function queryLogs(db: Db, q: Record<string, unknown>): unknown {
  for (const k of Object.keys(q)) {
    if (!(PARAMS as readonly string[]).includes(k)) throw new LogQueryError(k, 'not a supported parameter');
    if (typeof q[k] !== 'string') throw new LogQueryError(k, 'given more than once');
  }
  const from = q.from as string | undefined;
  if (from !== undefined && !LOG_ID.test(from)) throw new LogQueryError('from', 'not a log_id of this tenant');
  const take = intParam(q, 'take', 1, 100);
  const page = intParam(q, 'page', 0, 1e9);
  const perPage = intParam(q, 'per_page', 1, 100);
  const totals = q.include_totals;
  if (totals !== undefined && totals !== 'true' && totals !== 'false') throw new LogQueryError('include_totals', 'expected true or false');
  const sort = q.sort as string | undefined;
  if (sort !== undefined && sort !== 'date:1' && sort !== 'date:-1') throw new LogQueryError('sort', 'expected date:1 or date:-1');
  const checkpoint = from !== undefined || take !== undefined;
  if (checkpoint) {
    const mixed = ['page', 'per_page', 'include_totals', 'sort'].find((k) => q[k] !== undefined);
    if (mixed) throw new LogQueryError(mixed, 'cannot be combined with from or take');
    const n = take ?? 50;
    const rows = from !== undefined
      ? (db.prepare('SELECT * FROM logs WHERE seq > ? ORDER BY seq ASC LIMIT ?').all(Number(from.slice(1)), n) as LogRow[])
      : (db.prepare('SELECT * FROM logs ORDER BY seq DESC LIMIT ?').all(n) as LogRow[]);
    return rows.map(view);
  }
  const limit = perPage ?? 50;
  const start = (page ?? 0) * limit;
  const order = sort === 'date:1' ? 'ASC' : 'DESC';
  const rows = db.prepare(`SELECT * FROM logs ORDER BY seq ${order} LIMIT ? OFFSET ?`).all(limit, start) as LogRow[];
  const logs = rows.map(view);
  if (totals !== 'true') return logs;
  const total = (db.prepare('SELECT COUNT(*) AS n FROM logs').get() as { n: number }).n;
  return { logs, start, limit, length: logs.length, total };
}
