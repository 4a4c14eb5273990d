// properties/log-monitor.ts: runtime verification of a tenant's logs (`n2w observe`). The pure core: log events
// in the Management API's shape (MODEL.md §4 "Logs", machines/logs.ts) and, when given, the tenant's resolved
// configuration in; a report of judgments out. Each judgment encodes rule ids of machines/rules.ts and says
// what it needs; it holds, is violated, was not exercised (no log met its premise) or was not judged (a field
// the logs never carry, or a configuration it was not given). Nothing here claims more than the logs show.
import type { ClientSettings, Config } from '../machines/config.js';
import { isSessionTransferAudience, LOG_TYPES, WARNING_PHRASES, type LogEvent, type WarnedReason } from '../machines/logs.js';
import type { RuleId } from '../machines/rules.js';

/** One log event as read from a file: the fields the judgments read, and where it was (for messages). */
export interface ObservedLog {
  readonly log_id: string;
  /** as the log gave it (ISO 8601) */
  readonly date: string;
  /** `date` in epoch milliseconds */
  readonly time: number;
  /** kept as a string: a type outside LOG_TYPES is kept and ignored */
  readonly type: string;
  readonly description?: string;
  readonly client_id?: string;
  readonly client_name?: string;
  readonly user_id?: string;
  readonly ip?: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** where in the input it was: `line 3`, `[4]` */
  readonly where: string;
}

/** The configuration a judgment may need, with the native app's client_id (resolveConfig keeps only the web apps'). */
export interface MonitorTenant {
  readonly config: Config;
  readonly nativeClientId: string;
}

export type JudgmentStatus = 'holds' | 'violated' | 'not exercised' | 'not judged';

/** A log as a violation shows it: its id, date, type and the fields the judgment read. */
export type LogLine = Record<string, unknown> & { log_id: string; date: string; type: string };

export interface MonitorViolation {
  readonly message: string;
  readonly logs: readonly LogLine[];
}

export interface Judgment {
  readonly id: string;
  readonly rules: readonly RuleId[];
  readonly claim: string;
  /** the log fields (and the configuration fields) it reads */
  readonly needs: readonly string[];
  readonly status: JudgmentStatus;
  /** how many times its premise was met */
  readonly judged: number;
  /** e.g. "12 transfer logins judged", or why it was not judged */
  readonly summary: string;
  /** what was left out of the count, and why (one line each) */
  readonly notes: readonly string[];
  readonly violations: readonly MonitorViolation[];
}

export interface MonitorReport {
  readonly events: number;
  readonly first: string | null;
  readonly last: string | null;
  /** events per type, the types sorted */
  readonly types: Readonly<Record<string, number>>;
  /** events of types no judgment reads, per type */
  readonly ignoredTypes: Readonly<Record<string, number>>;
  readonly configGiven: boolean;
  readonly judgments: readonly Judgment[];
  readonly undecidable: readonly { readonly what: string; readonly why: string }[];
  readonly violated: number;
}

/** MODEL.md §2's default TTL (R3: expires_in 60), used when no configuration is given. */
export const DEFAULT_TTL_SECONDS = 60;

/**
 * What the logs alone cannot decide: a fixed list, so a reader knows what holding judgments do not cover.
 */
export const UNDECIDABLE: readonly { what: string; why: string }[] = [
  { what: 'a refused redemption that wrote no warning (R9, R10, R11, R18, R20)', why: 'Auth0 writes nothing else for a refused /authorize, so a refusal without its w is invisible, and so is an ignored token (A10 = ignored)' },
  { what: 'the method a token came by (R13, R14, A10)', why: 'neither s nor w says whether the token came in the cookie or the query' },
  { what: 'the cascade to web sessions and their refresh tokens (R26, A4, A5)', why: 'revoking a family writes one srrt or ferrt; the sessions and web refresh tokens it ends write no log of their end' },
  { what: 'online refresh tokens (R27, A17, A19, N2)', why: 'a session\'s end revokes its online refresh tokens without a log, and no log names the session a refresh token was issued to' },
  { what: 'the web refresh-token gate (R25, A26)', why: 'the scope asked for and whether a refresh token came back are decided at the code exchange, which the logs do not describe' },
  { what: 'organization and user checks (R17, R19, A24)', why: 'the logs name neither the request\'s organization nor the session a user mismatch revoked' },
  { what: 'session and refresh-token lifetimes (LT1 to LT5, A16)', why: 'an expiry writes no log, and a refused exchange of an expired token is told only by its reason' },
  { what: 'the security goals (no-session-injection, no-token-theft-takeover, no-replay, ...)', why: 'they are about whose device and browser a request came from, which no log records' },
];

// ---------------------------------------------------------------------------------------------
// Reading the logs

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const detail = (l: ObservedLog, key: string): string | undefined => str(l.details[key]);

/** The date the model's clock counts from, as the reference server's frozen clock starts. */
export const MODEL_EPOCH = Date.UTC(2026, 0, 1);

/**
 * Log events as the model writes them (MODEL.md §4: no id, no date) as a tenant's: numbered in the order
 * written, dated by the clock (seconds) of the step that wrote them. So the model's logs, and a mutant's,
 * can be judged as a real tenant's are.
 */
export function observedFromModel(steps: readonly { readonly clock: number; readonly logs: readonly LogEvent[] }[], epoch = MODEL_EPOCH): ObservedLog[] {
  const out: ObservedLog[] = [];
  for (const { clock, logs } of steps) {
    for (const l of logs) {
      const n = out.length + 1;
      const time = epoch + clock * 1000;
      out.push({
        log_id: `9${String(n).padStart(19, '0')}`, date: new Date(time).toISOString(), time, type: l.type,
        ...(l.description !== undefined ? { description: l.description } : {}),
        ...(l.client_id !== undefined ? { client_id: l.client_id } : {}),
        ...(l.user_id !== undefined ? { user_id: l.user_id } : {}),
        ...(l.ip !== undefined ? { ip: l.ip } : {}),
        details: Object.fromEntries(Object.entries(l.details ?? {}).filter(([, v]) => v !== undefined)),
        where: `log ${n}`,
      });
    }
  }
  return out;
}

/** Log ids order events of one instant: numeric ids by length then digits (Auth0's are digit strings). */
export function compareLogIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest first: by date, then by log_id (the Management API answers newest first). */
export function orderLogs<L extends { time: number; log_id: string }>(logs: readonly L[]): L[] {
  return [...logs].sort((a, b) => a.time - b.time || compareLogIds(a.log_id, b.log_id));
}

/** The fields a violation shows of a log: id, date, type, then the named ones it has. */
function line(l: ObservedLog, fields: readonly string[]): LogLine {
  const out: LogLine = { log_id: l.log_id, date: l.date, type: l.type };
  for (const f of fields) {
    const v = f.startsWith('details.') ? l.details[f.slice('details.'.length)] : (l as unknown as Record<string, unknown>)[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

const isLogin = (l: ObservedLog) => l.type === 's' || l.type === 'f';
/** A login that redeemed a transfer token (R24's flag true); `f`: one a post-login Action refused, its token used up. */
const isTransferLogin = (l: ObservedLog) => isLogin(l) && l.details.triggered_by_session_transfer_token === true;
const isMint = (l: ObservedLog) => l.type === 'sertft' && isSessionTransferAudience(l.details.audience);

/** Union-find over refresh-token ids: a family is a token and its rotation successors (sertft refresh_token → rotated_to). */
class Families {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let r = x;
    while (this.parent.has(r) && this.parent.get(r) !== r) r = this.parent.get(r)!;
    // path compression keeps repeated lookups short on long rotation chains
    let c = x;
    while (c !== r) { const n = this.parent.get(c) ?? r; this.parent.set(c, r); c = n; }
    return r;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/** What every judgment reads, computed once. */
interface Facts {
  readonly logs: readonly ObservedLog[];
  readonly tenant: MonitorTenant | null;
  readonly ttlSeconds: number;
  readonly families: Families;
  /** transfer token id → the sertft that minted it (the first) */
  readonly mints: ReadonlyMap<string, ObservedLog>;
  /** index of each log in `logs` */
  readonly index: ReadonlyMap<ObservedLog, number>;
  /** family root → the srrt / ferrt logs that revoked it, oldest first */
  readonly revocations: ReadonlyMap<string, readonly ObservedLog[]>;
  /** some log of one of these types carries details.KEY (or a top-level KEY) */
  carries(key: string, types?: readonly string[]): boolean;
}

function facts(logs: readonly ObservedLog[], tenant: MonitorTenant | null): Facts {
  const families = new Families();
  const mints = new Map<string, ObservedLog>();
  const index = new Map<ObservedLog, number>();
  logs.forEach((l, i) => {
    index.set(l, i);
    if (l.type !== 'sertft') return;
    const from = detail(l, 'refresh_token');
    const to = detail(l, 'rotated_to');
    if (from !== undefined && to !== undefined) families.union(from, to);
    const stt = detail(l, 'session_transfer_token');
    if (stt !== undefined && !mints.has(stt)) mints.set(stt, l);
  });
  const revocations = new Map<string, ObservedLog[]>();
  for (const l of logs) {
    if (l.type !== 'srrt' && l.type !== 'ferrt') continue;
    const rt = detail(l, 'refresh_token');
    if (rt === undefined) continue;
    const root = families.find(rt);
    revocations.set(root, [...(revocations.get(root) ?? []), l]);
  }
  return {
    logs, tenant, families, mints, index, revocations,
    ttlSeconds: tenant?.config.transferTokenTtlSeconds ?? DEFAULT_TTL_SECONDS,
    carries: (key, types) => logs.some((l) => (types === undefined || types.includes(l.type))
      && (key.startsWith('details.') ? l.details[key.slice(8)] !== undefined : (l as unknown as Record<string, unknown>)[key] !== undefined)),
  };
}

/** The settings of the client with this client_id in the configuration, or undefined (not one of its clients). */
function clientSettings(t: MonitorTenant, clientId: string | undefined): ClientSettings | undefined {
  if (clientId === undefined) return undefined;
  if (clientId === t.nativeClientId) return t.config.native;
  if (clientId === t.config.webClientId) return t.config.web;
  return t.config.moreWeb.find((w) => w.clientId === clientId)?.settings;
}

/** The client_ids a configuration names, for a note when the logs name none of them. */
const configClientIds = (t: MonitorTenant) => [t.nativeClientId, t.config.webClientId, ...t.config.moreWeb.map((w) => w.clientId)];

// ---------------------------------------------------------------------------------------------
// Judgments

interface Spec {
  readonly id: string;
  readonly rules: readonly RuleId[];
  readonly claim: string;
  readonly needs: readonly string[];
  readonly judge: (f: Facts) => Judgment;
}

/** The pieces a judgment's result is built from. */
interface Outcome {
  judged: number;
  /** "transfer login(s)" in "1 transfer login judged", "12 transfer logins judged": singular, plural */
  premise: readonly [string, string];
  violations: MonitorViolation[];
  notes?: string[];
  /** set: not judged, for this reason */
  notJudged?: string;
}

function result(spec: Omit<Spec, 'judge'>, o: Outcome): Judgment {
  const base = { id: spec.id, rules: spec.rules, claim: spec.claim, needs: spec.needs };
  const notes = o.notes ?? [];
  // the summary says why beside the status, which says what
  if (o.notJudged !== undefined) return { ...base, status: 'not judged', judged: 0, summary: o.notJudged, notes, violations: [] };
  if (o.judged === 0) return { ...base, status: 'not exercised', judged: 0, summary: `no ${o.premise[0]}`, notes, violations: [] };
  return {
    ...base,
    status: o.violations.length > 0 ? 'violated' : 'holds',
    judged: o.judged,
    summary: `${o.judged} ${o.premise[o.judged === 1 ? 0 : 1]} judged`,
    notes,
    violations: o.violations,
  };
}

const define = (spec: Omit<Spec, 'judge'>, judge: (f: Facts) => Outcome): Spec => ({ ...spec, judge: (f) => result(spec, judge(f)) });
const NONE = ['', ''] as const;
const NEEDS_CONFIG = 'needs --config (the tenant\'s configuration)';
const absent = (field: string, on: string) => `${field} is absent from every ${on} log`;

const mintLogAudience = define({
  id: 'mint-log-audience', rules: ['R6', 'R1'],
  claim: 'Every sertft that names a minted transfer token carries the session_transfer audience.',
  needs: ['sertft details.session_transfer_token', 'sertft details.audience'],
}, (f) => {
  const sertft = f.logs.filter((l) => l.type === 'sertft');
  const minted = sertft.filter((l) => detail(l, 'session_transfer_token') !== undefined);
  if (sertft.length > 0 && minted.length === 0 && !f.carries('details.session_transfer_token')) {
    return { judged: 0, premise: NONE, violations: [], notJudged: `${absent('details.session_transfer_token', 'sertft')}, so no mint can be told from a refresh` };
  }
  const violations = minted.filter((l) => !isSessionTransferAudience(l.details.audience)).map((l) => ({
    message: `sertft ${l.log_id} names the minted transfer token ${detail(l, 'session_transfer_token')} but carries audience ${JSON.stringify(l.details.audience ?? null)}, expected urn:{domain}:session_transfer`,
    logs: [line(l, ['client_id', 'details.audience', 'details.session_transfer_token'])],
  }));
  return { judged: minted.length, premise: ['logged mint (sertft naming a transfer token)', 'logged mints (sertft naming a transfer token)'], violations };
});

const loginLogFlag = define({
  id: 'login-log-flag', rules: ['R24'],
  claim: 'Every s and f carries a boolean details.triggered_by_session_transfer_token; a true one names a transfer token an earlier sertft minted.',
  needs: ['s/f details.triggered_by_session_transfer_token', 's/f details.session_transfer_token', 'sertft details.session_transfer_token'],
}, (f) => {
  const logins = f.logs.filter(isLogin);
  const violations: MonitorViolation[] = [];
  const notes: string[] = [];
  const tokensLogged = f.carries('details.session_transfer_token', ['sertft']);
  const start = f.logs.length > 0 ? f.logs[0].time : 0;
  let early = 0;
  for (const l of logins) {
    const flag = l.details.triggered_by_session_transfer_token;
    if (typeof flag !== 'boolean') {
      violations.push({ message: `${l.type} ${l.log_id} carries triggered_by_session_transfer_token ${JSON.stringify(flag ?? null)}, expected true or false`, logs: [line(l, ['client_id', 'user_id', 'details.triggered_by_session_transfer_token'])] });
      continue;
    }
    if (!flag || !tokensLogged) continue;
    const stt = detail(l, 'session_transfer_token');
    const fields = ['client_id', 'user_id', 'details.triggered_by_session_transfer_token', 'details.session_transfer_token'];
    if (stt === undefined) {
      violations.push({ message: `${l.type} ${l.log_id} says a transfer token triggered it but names none, while the logs name minted tokens`, logs: [line(l, fields)] });
      continue;
    }
    const mint = f.mints.get(stt);
    if (mint !== undefined && f.index.get(mint)! < f.index.get(l)!) continue;
    // the logs may begin after the mint: only a login at least a TTL after their start must find its mint in them
    if (l.time - start < f.ttlSeconds * 1000) { early++; continue; }
    violations.push({
      message: `${l.type} ${l.log_id} redeemed ${stt}, which no earlier sertft minted, though the logs begin ${Math.round((l.time - start) / 1000)} s before it (the TTL is ${f.ttlSeconds} s)`,
      logs: [line(l, fields), ...(mint ? [line(mint, ['client_id', 'details.session_transfer_token'])] : [])],
    });
  }
  if (!tokensLogged && logins.some(isTransferLogin)) notes.push('whether each transfer login names a minted token is not judged: no sertft names details.session_transfer_token');
  if (early > 0) notes.push(`${early} transfer login(s) less than the TTL after the logs begin: their mint may precede the logs, not required in them`);
  return { judged: logins.length, premise: ['login (s, f)', 'logins (s, f)'], violations, notes };
});

const singleUse = define({
  id: 'single-use', rules: ['R10', 'A8'],
  claim: 'No two transfer logins (s, or an f an Action refused, with triggered_by_session_transfer_token true) name the same transfer token.',
  needs: ['s/f details.triggered_by_session_transfer_token', 's/f details.session_transfer_token'],
}, (f) => {
  const transfer = f.logs.filter(isTransferLogin);
  const named = transfer.filter((l) => detail(l, 'session_transfer_token') !== undefined);
  if (transfer.length > 0 && named.length === 0) return { judged: 0, premise: NONE, violations: [], notJudged: absent('details.session_transfer_token', 'transfer login') };
  const first = new Map<string, ObservedLog>();
  const violations: MonitorViolation[] = [];
  const fields = ['client_id', 'user_id', 'ip', 'details.session_transfer_token', 'details.session_id'];
  for (const l of named) {
    const stt = detail(l, 'session_transfer_token')!;
    const earlier = first.get(stt);
    if (earlier === undefined) { first.set(stt, l); continue; }
    violations.push({ message: `${stt} redeemed again by ${l.type} ${l.log_id}, after ${earlier.type} ${earlier.log_id}`, logs: [line(earlier, fields), line(l, fields)] });
  }
  return { judged: named.length, premise: ['transfer login naming its token', 'transfer logins naming their token'], violations };
});

/** A transfer login's parent refresh token: its mint's presented token, else the login's parent_refresh_token. */
function parentOf(f: Facts, l: ObservedLog): { rt: string; mint?: ObservedLog } | undefined {
  const stt = detail(l, 'session_transfer_token');
  const mint = stt !== undefined ? f.mints.get(stt) : undefined;
  const rt = (mint && detail(mint, 'refresh_token')) ?? detail(l, 'parent_refresh_token');
  return rt === undefined ? undefined : { rt, mint };
}

const noLoginAfterFamilyRevoked = define({
  id: 'no-login-after-family-revoked', rules: ['R20', 'A2', 'R26', 'A15', 'A18'],
  claim: 'No transfer login redeems a token whose parent refresh token\'s family an earlier srrt or ferrt revoked (families from sertft refresh_token → rotated_to).',
  needs: ['s/f details.parent_refresh_token, or details.session_transfer_token and its sertft\'s details.refresh_token', 'srrt/ferrt details.refresh_token', 'sertft details.rotated_to'],
}, (f) => {
  const transfer = f.logs.filter(isTransferLogin);
  const withParent = transfer.map((l) => ({ l, p: parentOf(f, l) })).filter((x) => x.p !== undefined) as { l: ObservedLog; p: { rt: string; mint?: ObservedLog } }[];
  if (transfer.length > 0 && withParent.length === 0) return { judged: 0, premise: NONE, violations: [], notJudged: 'no transfer login names its parent refresh token (details.parent_refresh_token), nor a token a sertft minted' };
  if (f.logs.some((l) => l.type === 'srrt' || l.type === 'ferrt') && !f.carries('details.refresh_token', ['srrt', 'ferrt'])) {
    return { judged: 0, premise: NONE, violations: [], notJudged: absent('details.refresh_token', 'srrt and ferrt') };
  }
  const violations: MonitorViolation[] = [];
  let judged = 0;
  for (const { l, p } of withParent) {
    const revs = f.revocations.get(f.families.find(p.rt)) ?? [];
    if (revs.length === 0) continue;
    // the premise: a family revoked at some point, so this login could have come after it
    judged++;
    const before = revs.find((r) => f.index.get(r)! < f.index.get(l)!);
    if (before === undefined) continue;
    violations.push({
      message: `${l.type} ${l.log_id} redeemed ${detail(l, 'session_transfer_token') ?? 'a transfer token'} of parent ${p.rt}, whose family ${before.type} ${before.log_id} revoked (by ${detail(before, 'refresh_token')}) before`,
      logs: [...(p.mint ? [line(p.mint, ['client_id', 'details.refresh_token', 'details.session_transfer_token'])] : []), line(before, ['client_id', 'details.refresh_token', 'details.reason']), line(l, ['client_id', 'user_id', 'details.session_transfer_token', 'details.parent_refresh_token', 'details.session_id'])],
    });
  }
  const spared = withParent.length - judged;
  return { judged, premise: ['transfer login whose parent family was revoked at some point', 'transfer logins whose parent family was revoked at some point'], violations, notes: spared > 0 ? [`${spared} transfer login(s) whose parent family no log revokes: nothing to judge`] : [] };
});

const mintNeedsFlag = define({
  id: 'mint-needs-flag', rules: ['R2'],
  claim: 'No sertft with the session_transfer audience is by a client whose configuration has can_create_session_transfer_token false.',
  needs: ['sertft details.audience', 'sertft client_id', 'config session_transfer.can_create_session_transfer_token'],
}, (f) => {
  if (f.tenant === null) return { judged: 0, premise: NONE, violations: [], notJudged: NEEDS_CONFIG };
  const t = f.tenant;
  const mints = f.logs.filter(isMint);
  const known = mints.filter((l) => clientSettings(t, l.client_id) !== undefined);
  const violations = known.filter((l) => !clientSettings(t, l.client_id)!.canCreateSessionTransferToken).map((l) => ({
    message: `sertft ${l.log_id}: client ${l.client_id} minted a transfer token, but its configuration has can_create_session_transfer_token false`,
    logs: [line(l, ['client_id', 'client_name', 'details.audience', 'details.refresh_token', 'details.session_transfer_token'])],
  }));
  const unnamed = `the configuration names ${configClientIds(t).join(', ')}`;
  if (mints.length > 0 && known.length === 0) return { judged: 0, premise: NONE, violations: [], notJudged: `no mint is by a client of the configuration (${unnamed})` };
  const notes = mints.length > known.length ? [`${mints.length - known.length} mint(s) by clients the configuration does not name (${unnamed}): not judged`] : [];
  return { judged: known.length, premise: ['mint by a client of the configuration', 'mints by clients of the configuration'], violations, notes };
});

const noNestedMint = define({
  id: 'no-nested-mint', rules: ['R7', 'R8', 'WA2'],
  claim: 'No successful mint presents a refresh token a transfer login issued (details.issued_refresh_token), or a rotation successor of one.',
  needs: ['transfer login details.issued_refresh_token', 'sertft details.refresh_token', 'sertft details.rotated_to'],
}, (f) => {
  const transfer = f.logs.filter(isTransferLogin);
  const issuing = transfer.filter((l) => detail(l, 'issued_refresh_token') !== undefined);
  if (transfer.length > 0 && issuing.length === 0) {
    // a tenant that issues the web refresh token at the code exchange (the reference server, Auth0) logs it nowhere
    return { judged: 0, premise: NONE, violations: [], notJudged: `${absent('details.issued_refresh_token', 'transfer login')}: no refresh token can be traced to a transfer` };
  }
  // the families a transfer issued into, each from its issuing login
  const born = new Map<string, ObservedLog>();
  for (const l of issuing) {
    const root = f.families.find(detail(l, 'issued_refresh_token')!);
    if (!born.has(root)) born.set(root, l);
  }
  const violations: MonitorViolation[] = [];
  for (const m of f.logs.filter(isMint)) {
    const rt = detail(m, 'refresh_token');
    if (rt === undefined) continue;
    const login = born.get(f.families.find(rt));
    if (login === undefined || f.index.get(login)! > f.index.get(m)!) continue;
    violations.push({
      message: `sertft ${m.log_id} minted ${detail(m, 'session_transfer_token') ?? 'a transfer token'} from ${rt}, of the family ${detail(login, 'issued_refresh_token')} a transfer login (${login.log_id}) issued`,
      logs: [line(login, ['client_id', 'user_id', 'details.session_transfer_token', 'details.issued_refresh_token']), line(m, ['client_id', 'details.audience', 'details.refresh_token', 'details.session_transfer_token'])],
    });
  }
  return { judged: born.size, premise: ['refresh token issued by a transfer login', 'refresh tokens issued by transfer logins'], violations };
});

/** The transfer logins whose mint is in the logs, with it. */
function withMints(f: Facts): { l: ObservedLog; mint: ObservedLog }[] {
  return f.logs.filter(isTransferLogin).flatMap((l) => {
    const stt = detail(l, 'session_transfer_token');
    const mint = stt === undefined ? undefined : f.mints.get(stt);
    return mint !== undefined && f.index.get(mint)! < f.index.get(l)! ? [{ l, mint }] : [];
  });
}
const noMintNote = (f: Facts, n: number): string[] => {
  const all = f.logs.filter(isTransferLogin).length;
  return all > n ? [`${all - n} transfer login(s) whose mint is not in the logs (or names no token): not judged`] : [];
};

const deviceBinding = define({
  id: 'device-binding', rules: ['R11', 'A13', 'WA1'],
  claim: 'A transfer login\'s ip (binding ip) or details.asn (binding asn) equals its mint\'s, by the redeeming web app\'s enforce_device_binding.',
  needs: ['transfer login and sertft details.session_transfer_token', 'ip', 'details.asn', 'config session_transfer.enforce_device_binding'],
}, (f) => {
  if (f.tenant === null) return { judged: 0, premise: NONE, violations: [], notJudged: NEEDS_CONFIG };
  const t = f.tenant;
  const pairs = withMints(f);
  const violations: MonitorViolation[] = [];
  const notes = noMintNote(f, pairs.length);
  let judged = 0;
  let unknownClient = 0;
  let unbound = 0;
  let missing = 0;
  for (const { l, mint } of pairs) {
    const s = clientSettings(t, l.client_id);
    if (s === undefined) { unknownClient++; continue; }
    const binding = s.enforceDeviceBinding;
    if (binding === 'none') { unbound++; continue; }
    const key = binding === 'ip' ? 'ip' : 'details.asn';
    const at = (x: ObservedLog) => (binding === 'ip' ? x.ip : x.details.asn);
    if (at(l) === undefined || at(mint) === undefined) { missing++; continue; }
    judged++;
    if (String(at(l)) === String(at(mint))) continue;
    violations.push({
      message: `${l.type} ${l.log_id} redeemed ${detail(l, 'session_transfer_token')} at ${l.client_id} (binding ${binding}) from ${binding} ${String(at(l))}; it was minted from ${String(at(mint))}`,
      logs: [line(mint, ['client_id', key, 'details.session_transfer_token']), line(l, ['client_id', key, 'details.session_transfer_token'])],
    });
  }
  if (pairs.length > 0 && unknownClient === pairs.length) return { judged: 0, premise: NONE, violations: [], notJudged: `no transfer login is at a web app of the configuration (it names ${configClientIds(t).join(', ')})` };
  if (unknownClient > 0) notes.push(`${unknownClient} transfer login(s) at clients the configuration does not name (it names ${configClientIds(t).join(', ')}): not judged`);
  if (unbound > 0) notes.push(`${unbound} transfer login(s) at web apps with enforce_device_binding none: nothing to compare`);
  if (missing > 0) notes.push(`${missing} transfer login(s) where the login or its mint carries no ip (binding ip) or details.asn (binding asn): not judged`);
  return { judged, premise: ['transfer login with its mint in the logs', 'transfer logins with their mint in the logs'], violations, notes };
});

const transferTokenExpiry = define({
  id: 'transfer-token-expiry', rules: ['R9', 'A14'],
  claim: 'No transfer login comes TTL seconds or more after its mint\'s date (TTL from --config, else 60 s).',
  needs: ['transfer login and sertft details.session_transfer_token', 'date', 'config transfer_token_ttl_seconds'],
}, (f) => {
  const pairs = withMints(f);
  const notes = noMintNote(f, pairs.length);
  if (f.tenant === null) notes.push(`the TTL is the default ${DEFAULT_TTL_SECONDS} s: give --config for the tenant's`);
  const violations = pairs.filter(({ l, mint }) => l.time - mint.time >= f.ttlSeconds * 1000).map(({ l, mint }) => ({
    message: `${l.type} ${l.log_id} redeemed ${detail(l, 'session_transfer_token')} ${((l.time - mint.time) / 1000).toFixed(3).replace(/\.?0+$/, '')} s after its mint; the TTL is ${f.ttlSeconds} s`,
    logs: [line(mint, ['client_id', 'details.session_transfer_token']), line(l, ['client_id', 'details.session_transfer_token'])],
  }));
  return { judged: pairs.length, premise: ['transfer login with its mint in the logs', 'transfer logins with their mint in the logs'], violations, notes };
});

const warningText = define({
  id: 'warning-text', rules: ['R9', 'R10', 'R11', 'R17', 'R19', 'R20'],
  claim: 'Every w whose details.reason is a documented N2W refusal holds that refusal\'s documented phrase in its description.',
  needs: ['w details.reason', 'w description'],
}, (f) => {
  const ws = f.logs.filter((l) => l.type === 'w');
  const warned = ws.filter((l) => { const r = detail(l, 'reason'); return r !== undefined && r in WARNING_PHRASES; });
  if (ws.length > 0 && !f.carries('details.reason', ['w'])) return { judged: 0, premise: NONE, violations: [], notJudged: absent('details.reason', 'w') };
  const violations = warned.filter((l) => !(l.description ?? '').includes(WARNING_PHRASES[detail(l, 'reason') as WarnedReason])).map((l) => ({
    message: `w ${l.log_id} reports ${detail(l, 'reason')} but says ${JSON.stringify(l.description ?? null)}, expected the phrase "${WARNING_PHRASES[detail(l, 'reason') as WarnedReason]}"`,
    logs: [line(l, ['client_id', 'description', 'details.reason', 'details.session_transfer_token'])],
  }));
  const other = ws.length - warned.length;
  return { judged: warned.length, premise: ['warning reporting an N2W refusal', 'warnings reporting an N2W refusal'], violations, notes: other > 0 ? [`${other} warning(s) of other reasons (or none): no phrase is documented for them`] : [] };
});

/** Every sertft after `after` that presents a token of `rt`'s family, as violations. */
function usesAfter(f: Facts, after: ObservedLog, rt: string, what: string): MonitorViolation[] {
  const root = f.families.find(rt);
  const i = f.index.get(after)!;
  return f.logs.slice(i + 1).filter((l) => l.type === 'sertft' && detail(l, 'refresh_token') !== undefined && f.families.find(detail(l, 'refresh_token')!) === root).map((l) => ({
    message: `sertft ${l.log_id} exchanged ${detail(l, 'refresh_token')}, of the family ${after.type} ${after.log_id} ${what} (by ${rt})`,
    logs: [line(after, ['client_id', 'details.refresh_token', 'details.reason']), line(l, ['client_id', 'details.audience', 'details.refresh_token', 'details.rotated_to', 'details.session_transfer_token'])],
  }));
}

const familyOutcome = (f: Facts, type: 'ferrt' | 'srrt', what: string, premise: readonly [string, string]): Outcome => {
  const logs = f.logs.filter((l) => l.type === type);
  const named = logs.filter((l) => detail(l, 'refresh_token') !== undefined);
  if (logs.length > 0 && named.length === 0) return { judged: 0, premise: NONE, violations: [], notJudged: absent('details.refresh_token', type) };
  return { judged: named.length, premise, violations: named.flatMap((l) => usesAfter(f, l, detail(l, 'refresh_token')!, what)) };
};

const reuseLogged = define({
  id: 'reuse-logged', rules: ['RTR', 'A18'],
  claim: 'No ferrt (reuse detected) is followed by a successful exchange (sertft) of any token of that family.',
  needs: ['ferrt details.refresh_token', 'sertft details.refresh_token', 'sertft details.rotated_to'],
}, (f) => familyOutcome(f, 'ferrt', 'revoked on reuse', ['reuse detection (ferrt)', 'reuse detections (ferrt)']));

const revokedFamilyRefused = define({
  id: 'revoked-refresh-token-refused', rules: ['A18'],
  claim: 'No srrt (refresh token revoked) is followed by a successful exchange (sertft) of any token of that family.',
  needs: ['srrt details.refresh_token', 'sertft details.refresh_token', 'sertft details.rotated_to'],
}, (f) => familyOutcome(f, 'srrt', 'revoked', ['revocation (srrt)', 'revocations (srrt)']));

const rotatedTokenRefused = define({
  id: 'rotated-token-refused', rules: ['R4', 'RTR', 'LV1'],
  claim: 'A rotated refresh token presented again is honoured (sertft) only when it is the immediately previous token of its family, within the client\'s leeway of its successor\'s issue.',
  needs: ['sertft details.refresh_token', 'sertft details.rotated_to', 'date', 'config refresh_token.leeway'],
}, (f) => {
  if (!f.carries('details.rotated_to', ['sertft'])) {
    return f.logs.some((l) => l.type === 'sertft')
      ? { judged: 0, premise: NONE, violations: [], notJudged: `${absent('details.rotated_to', 'sertft')} (no rotation, or the logs do not name successors)` }
      : { judged: 0, premise: ['presentation of a rotated refresh token', 'presentations of a rotated refresh token'], violations: [] };
  }
  // replayed in order: each family's active token, when it was issued, and the token it replaced
  const active = new Map<string, string>();
  const issuedAt = new Map<string, number>();
  const previous = new Map<string, string>();
  const retired = new Map<string, ObservedLog>();
  const violations: MonitorViolation[] = [];
  const notes: string[] = [];
  let judged = 0;
  let leewayUnknown = 0;
  for (const l of f.logs) {
    if (l.type === 's' && detail(l, 'issued_refresh_token') !== undefined) issuedAt.set(detail(l, 'issued_refresh_token')!, l.time);
    if (l.type !== 'sertft' && l.type !== 'fertft' && l.type !== 'ferrt') continue;
    const x = detail(l, 'refresh_token');
    if (x === undefined) continue;
    const root = f.families.find(x);
    const rotatedBy = retired.get(x);
    if (rotatedBy !== undefined) {
      // a reuse detection writes ferrt then the exchange's fertft: one presentation
      const prev = f.logs[f.index.get(l)! - 1];
      if (!(l.type === 'fertft' && prev?.type === 'ferrt' && detail(prev, 'refresh_token') === x)) judged++;
      if (l.type !== 'sertft') continue;
      const cur = active.get(root)!;
      const immediate = previous.get(cur) === x;
      const age = l.time - (issuedAt.get(cur) ?? rotatedBy.time);
      const fields = ['client_id', 'details.refresh_token', 'details.rotated_to'];
      if (!immediate) {
        violations.push({ message: `sertft ${l.log_id} honoured ${x}, rotated by ${rotatedBy.log_id} and not the immediately previous token of its family (the active one is ${cur}): no leeway honours it`, logs: [line(rotatedBy, fields), line(l, fields)] });
      } else if (f.tenant === null) leewayUnknown++;
      else {
        const s = clientSettings(f.tenant, l.client_id);
        if (s === undefined) leewayUnknown++;
        else if (s.rotationType !== 'rotating' || s.leeway === 0 || age >= s.leeway * 1000) {
          violations.push({ message: `sertft ${l.log_id} honoured ${x}, the immediately previous token, ${age / 1000} s after its successor ${cur} was issued; ${l.client_id}'s leeway is ${s.leeway} s`, logs: [line(rotatedBy, fields), line(l, fields)] });
        }
      }
      const to = detail(l, 'rotated_to');
      // within the leeway the family's active token is the one retired (LV1)
      if (to !== undefined) { retired.set(cur, l); previous.set(to, cur); active.set(root, to); issuedAt.set(to, l.time); }
      continue;
    }
    const to = detail(l, 'rotated_to');
    if (l.type !== 'sertft' || to === undefined) continue;
    retired.set(x, l);
    previous.set(to, x);
    active.set(root, to);
    issuedAt.set(to, l.time);
    if (!issuedAt.has(x)) issuedAt.set(x, l.time);
  }
  if (leewayUnknown > 0) notes.push(`${leewayUnknown} immediately previous token(s) honoured: within the leeway or not is not judged (${f.tenant === null ? NEEDS_CONFIG : 'their client is not in the configuration'})`);
  return { judged, premise: ['presentation of a rotated refresh token', 'presentations of a rotated refresh token'], violations, notes };
});

/** Every judgment, in report order. */
export const JUDGMENTS: readonly Spec[] = [
  mintLogAudience, loginLogFlag, singleUse, noLoginAfterFamilyRevoked, mintNeedsFlag, noNestedMint,
  deviceBinding, transferTokenExpiry, warningText, reuseLogged, revokedFamilyRefused, rotatedTokenRefused,
];

const KNOWN_TYPES: readonly string[] = LOG_TYPES;

const countBy = (xs: readonly string[]): Record<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};

/** Judges the logs (any order: they are ordered by date, then log_id) against every judgment. */
export function monitorLogs(input: readonly ObservedLog[], tenant: MonitorTenant | null = null): MonitorReport {
  const logs = orderLogs(input);
  const f = facts(logs, tenant);
  const judgments = JUDGMENTS.map((j) => j.judge(f));
  return {
    events: logs.length,
    first: logs[0]?.date ?? null,
    last: logs.at(-1)?.date ?? null,
    types: countBy(logs.map((l) => l.type)),
    ignoredTypes: countBy(logs.map((l) => l.type).filter((t) => !KNOWN_TYPES.includes(t))),
    configGiven: tenant !== null,
    judgments,
    undecidable: UNDECIDABLE,
    violated: judgments.filter((j) => j.status === 'violated').length,
  };
}
