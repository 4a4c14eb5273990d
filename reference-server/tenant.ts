// The authorization server's logic (the "tenant"): native login, refresh, transfer-token mint, redemption at
// /authorize, interactive login, code exchange, revocation with cascade and the online-refresh-token rule,
// lifetimes and the rotation leeway.
// Written from the spec digest's rules R1..R33 and readings A1..A26, and MODEL.md's contract (§8 for lifetimes
// and several web apps). Every request names its client, and each artifact records the client it belongs to,
// so several web apps need nothing of their own: one Auth0 session per browser serves them all (SSO), a
// refresh token belongs to the client whose code it came from, a redemption is judged by the client of the
// /authorize request, and the lineage that the nesting ban and the cascade follow goes through sessions,
// whichever client holds the token.

import { type ActionEvent, type ActionOutcome, PostLoginAction } from './actions.js';
import type { ClientSettings, Fault, Interpretations, ServerConfig } from './config.js';
import { type LogInput, writeLog } from './logs.js';
import { patchClient as applyClientPatch, hoursToSeconds, refreshTokenLifetimes } from './config.js';
import {
  type CodeRow,
  type Db,
  type FamilyRow,
  type RefreshTokenRow,
  type SessionRow,
  type TransferTokenRow,
  type UserRow,
  getMeta,
  listClients,
  newSecret,
  nextId,
  passwordMatches,
  readClient,
  readTenantSettings,
  seedIfEmpty,
  setMeta,
  sha256,
  webClientIds,
  wipe,
  writeClient,
} from './store.js';

export const STT_TOKEN_TYPE = 'urn:auth0:params:oauth:token-type:session_transfer_token';
export const CODE_TTL_SECONDS = 300;
export const ACCESS_TOKEN_TTL_SECONDS = 86400;

/** MODEL.md §4 reasons, plus a few for requests outside the model's alphabet. */
export type Reason =
  | 'no_session'
  | 'transfer_token_not_found_or_expired'
  | 'parent_refresh_token_revoked'
  | 'device_binding_failed'
  | 'organization_mismatch'
  | 'user_mismatch'
  | 'method_not_allowed'
  | 'client_not_allowed'
  | 'nested_transfer_forbidden'
  | 'refresh_token_revoked'
  | 'refresh_token_reused'
  | 'refresh_token_expired'
  | 'session_revoked'
  | 'session_not_found'
  | 'already_expired'
  // MODEL.md §2: the post-login Action denied the login (or revoked its session), or failed
  | 'action_denied'
  | 'action_failed';

/** A frozen clock starts at the model's clock 0 (MODEL.md §2), so logs, sessions and an Action's Date read as the model's. */
export const FROZEN_CLOCK_START_MS = Date.UTC(2026, 0, 1);

/**
 * Thrown inside a login's transaction, which it rolls back, when the login reaches the post-login Action
 * and the Action has not yet answered for this event: the Action is async and a SQLite transaction is not,
 * so the request awaits it outside and runs the login again with its answer (Tenant.withActions).
 */
export class ActionNeeded extends Error {
  constructor(
    readonly key: string,
    readonly event: ActionEvent,
  ) {
    super('the post-login Action must run first');
  }
}
export type ActionAnswers = Map<string, ActionOutcome>;

/** Auth0-style warning texts for the documented redemption failures (spec §3.3). */
export const WARNINGS: Partial<Record<Reason, string>> = {
  transfer_token_not_found_or_expired: 'Session transfer token not found or expired. This can happen due to token reuse or expiration.',
  parent_refresh_token_revoked: "Parent refresh token not found. The session transfer token won't be used.",
  device_binding_failed: "Session transfer token device binding validation failed. The session transfer token won't be used.",
  organization_mismatch: "Session transfer token organization mismatch. The session transfer token won't be used.",
  user_mismatch: 'Session transfer token user mismatch. The existing session was revoked.',
  method_not_allowed: "Session transfer token sent by a method the client does not allow. The session transfer token won't be used.",
  no_session: 'Login required.',
};

export interface Effects {
  issued: { refreshTokens: string[]; transferTokens: string[]; sessions: string[] };
  revoked: { refreshTokens: string[]; sessions: string[]; transferTokens: string[] };
  consumed: string[];
  /** what reached a lifetime in this request (MODEL.md §8); present only when something did, ids in order */
  expired?: { sessions: string[]; refreshTokens: string[]; transferTokens: string[] };
  outcome?: string;
  reason?: Reason;
  session?: string;
  user?: string;
  sessionCreated?: boolean;
}

export function newEffects(): Effects {
  return {
    issued: { refreshTokens: [], transferTokens: [], sessions: [] },
    revoked: { refreshTokens: [], sessions: [], transferTokens: [] },
    consumed: [],
  };
}

function noteExpired(fx: Effects, kind: 'sessions' | 'refreshTokens' | 'transferTokens', id: string): void {
  (fx.expired ??= { sessions: [], refreshTokens: [], transferTokens: [] })[kind].push(id);
}

export interface OAuthFailure {
  ok: false;
  status: number;
  error: string;
  description: string;
  reason?: Reason;
}

export function fail(status: number, error: string, description: string, reason?: Reason): OAuthFailure {
  return { ok: false, status, error, description, reason };
}

export type TokenResponse = Record<string, string | number>;
export type TokenResult = { ok: true; body: TokenResponse } | OAuthFailure;

export interface AuthorizeInput {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope: string | undefined;
  state: string | undefined;
  organization: string | undefined;
  prompt: string | undefined;
  queryStt: string | undefined;
  cookieStt: string | undefined;
  sessionCookie: string | undefined;
  ip: string;
  /** racy-redemption: a transfer token's status as read before the await that split check from update */
  staleTransfer?: { value: string; status: string | undefined };
}

/** What the HTTP answer needs; who logged in, whether a session was made and the reason travel in the Effects. */
export type AuthorizeResult =
  | OAuthFailure
  | {
      ok: true;
      kind: 'code';
      redirect: string;
      /** new session cookie value to set (undefined: leave as is) */
      setSessionCookie?: string;
      clearSttCookie: boolean;
    }
  | {
      ok: true;
      /** login_required: a prompt; access_denied: the post-login Action refused the login */
      kind: 'login_required' | 'access_denied';
      /** the login page, or (prompt=none) the redirect_uri with error=login_required */
      redirect: string;
      clearSessionCookie: boolean;
      clearSttCookie: boolean;
    };

export interface WebLoginInput {
  username: string;
  password: string;
  sessionCookie: string | undefined;
  organization: string | undefined;
  clientId: string | undefined;
  redirectUri: string | undefined;
  scope: string | undefined;
  state: string | undefined;
  ip: string;
}

export type WebLoginResult =
  | OAuthFailure
  | { ok: true; denied?: false; sessionId: string; userId: string; sessionCreated: boolean; setSessionCookie?: string; redirect?: string }
  /** the post-login Action refused the login: the redirect_uri with error=access_denied, or (no client) 403 */
  | { ok: true; denied: true; description: string; redirect?: string; clearSessionCookie: boolean };

function hasOfflineAccess(scope: string | undefined): boolean {
  return (scope ?? '').split(/\s+/).includes('offline_access');
}

function redirectOk(client: ClientSettings, uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.hash) return false;
  if (client.callbacks === null) return true;
  return client.callbacks.includes(uri);
}

function loadAction(config: ServerConfig): PostLoginAction | undefined {
  const path = config.actions['post-login'];
  return path === undefined ? undefined : PostLoginAction.load(path);
}

/** What a refresh grant found before it answered, for its logs. */
interface GrantSeen {
  token?: string;
  user?: string;
}

export class Tenant {
  faults: Set<Fault>;
  private asnTable = new Map<string, number>();
  /** MODEL.md §2: the configured post-login Action, loaded at start and at each reset */
  action: PostLoginAction | undefined;
  /** set while a login runs again with its Action's answer, so that a real clock reads as it did the first time */
  private pinnedNow: number | undefined;

  constructor(
    readonly db: Db,
    public config: ServerConfig,
    faults: Iterable<Fault>,
    private readonly clockMode: 'real' | 'frozen',
  ) {
    this.faults = new Set(faults);
    this.action = loadAction(config);
    this.init();
  }

  private init(): void {
    seedIfEmpty(this.db, this.config);
    this.asnTable = new Map(this.config.networks.map((n) => [n.ip, n.asn]));
    if (getMeta(this.db, 'clock_offset_ms') === undefined) setMeta(this.db, 'clock_offset_ms', '0');
    if (this.clockMode === 'frozen' && getMeta(this.db, 'clock_frozen_at') === undefined) setMeta(this.db, 'clock_frozen_at', String(FROZEN_CLOCK_START_MS));
  }

  get interpretations(): Interpretations {
    return this.config.interpretations;
  }

  has(f: Fault): boolean {
    return this.faults.has(f);
  }

  // ---------------------------------------------------------------- clock, networks

  now(): number {
    if (this.pinnedNow !== undefined) return this.pinnedNow;
    const offset = Number(getMeta(this.db, 'clock_offset_ms') ?? '0');
    const frozen = getMeta(this.db, 'clock_frozen_at');
    const base = this.clockMode === 'frozen' && frozen !== undefined ? Number(frozen) : Date.now();
    return base + offset;
  }

  /** POST /test/clock: the clock moves and what reached a lifetime expires, in the same transaction. */
  advanceClock(seconds: number, fx: Effects = newEffects()): number {
    return this.db.transaction(() => {
      const offset = Number(getMeta(this.db, 'clock_offset_ms') ?? '0');
      setMeta(this.db, 'clock_offset_ms', String(offset + Math.round(seconds * 1000)));
      this.expireDue(fx);
      fx.outcome = 'ok';
      return this.now();
    })();
  }

  /**
   * A frozen clock moves only through advanceClock, which expires what is due; a real one moves between
   * requests, so each request first expires what came due since the last one.
   */
  private catchUp(fx: Effects): void {
    if (this.clockMode === 'real') this.expireDue(fx);
  }

  asnOf(ip: string): number | null {
    return this.asnTable.get(ip) ?? null;
  }

  /** Wipe everything and start a fresh tenant (test mode). */
  reset(config: ServerConfig, faults?: Iterable<Fault>): void {
    const action = loadAction(config); // before the wipe: a module that cannot load leaves the tenant as it was
    const before = { action: this.action, config: this.config, faults: this.faults };
    // one transaction: a configuration the store refuses leaves the previous tenant as it was
    try {
      this.db.transaction(() => {
        wipe(this.db);
        this.action = action;
        this.config = config;
        if (faults) this.faults = new Set(faults);
        this.init();
      })();
    } catch (e) {
      Object.assign(this, before);
      this.asnTable = new Map(before.config.networks.map((n) => [n.ip, n.asn]));
      throw e;
    }
  }

  // ---------------------------------------------------------------- logs, the post-login Action

  /** One log event, in the transaction of the change it describes (MODEL.md §4 "Logs"). */
  private log(e: LogInput): void {
    const name = e.client_id !== undefined ? this.client(e.client_id)?.name : undefined;
    writeLog(this.db, this.now(), { ...e, client_name: e.client_name ?? name });
  }

  /**
   * Runs a login (a synchronous transaction) until it no longer needs the post-login Action's answer: each
   * ActionNeeded rolls the attempt back, the Action runs on the event it names, and the login runs again
   * with the answers so far. A real clock is pinned to the first attempt's time, so the event repeats.
   */
  async withActions<T>(attempt: (answers: ActionAnswers) => T): Promise<T> {
    const answers: ActionAnswers = new Map();
    const t0 = this.now();
    for (let i = 0; ; i++) {
      let needed: ActionNeeded;
      try {
        this.pinnedNow = this.clockMode === 'real' ? t0 : undefined;
        return attempt(answers);
      } catch (e) {
        if (!(e instanceof ActionNeeded) || !this.action || i >= 8) throw e;
        needed = e;
      } finally {
        this.pinnedNow = undefined;
      }
      answers.set(needed.key, await this.action.run(needed.event, t0));
    }
  }

  /** The Action's answer for this event (MODEL.md §2), or undefined when no Action is configured. */
  private actionPoint(event: ActionEvent, answers: ActionAnswers | undefined): ActionOutcome | undefined {
    if (!this.action) return undefined;
    const key = JSON.stringify(event);
    const a = answers?.get(key);
    if (a) return a;
    throw new ActionNeeded(key, event);
  }

  private actionEvent(
    client: ClientSettings,
    userId: string,
    organization: string | undefined,
    ip: string,
    session: { id: string; created_at: number },
    t?: TransferTokenRow,
  ): ActionEvent {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      user: { user_id: userId },
      client: { client_id: client.client_id },
      ...(organization !== undefined ? { organization: { id: organization } } : {}),
      request: { ip, asn: this.asnOf(ip) },
      transaction: { protocol: 'oidc-basic-profile' },
      ...(t ? { session_transfer_token: { client_id: t.client_id, scope: t.scope, request: { ip: t.ip, asn: t.asn } } } : {}),
      session: { id: session.id, created_at: iso(session.created_at), ...(t ? { session_transfer: { parent_refresh_token: { id: t.refresh_token_id } } } : {}) },
    };
  }

  /** The id the next session will get, for the event of a login that would make one. */
  private nextSessionId(): string {
    return `s${Number(getMeta(this.db, 'seq:s') ?? '0') + 1}`;
  }

  /** The Action's deadlines on the session the login used or made: the earliest wins; the tenant's lifetimes still apply. */
  private applyDeadlines(sessionId: string, a: ActionOutcome | undefined): void {
    if (a?.expiresAt !== undefined) this.db.prepare('UPDATE sessions SET expires_at = MIN(COALESCE(expires_at, ?), ?) WHERE id = ?').run(a.expiresAt, a.expiresAt, sessionId);
    if (a?.idleExpiresAt !== undefined) this.db.prepare('UPDATE sessions SET idle_expires_at = MIN(COALESCE(idle_expires_at, ?), ?) WHERE id = ?').run(a.idleExpiresAt, a.idleExpiresAt, sessionId);
  }

  /** A refused login's answer fields and its `f` log (api.access.deny, api.session.revoke, or a failed Action). */
  private actionDenied(a: ActionOutcome, fx: Effects, log: Omit<LogInput, 'type' | 'description'>): string {
    const description = a.failed !== undefined ? `The post-login Action failed: ${a.failed}` : (a.denied ?? a.revoked ?? 'Access denied.');
    fx.outcome = 'access_denied';
    fx.reason = a.failed !== undefined ? 'action_failed' : 'action_denied';
    this.log({ ...log, type: 'f', description, details: { ...log.details, reason: fx.reason } });
    return description;
  }

  // ---------------------------------------------------------------- lookups

  client(clientId: string): ClientSettings | undefined {
    return readClient(this.db, clientId)?.settings;
  }

  private family(id: string): FamilyRow | undefined {
    return this.db.prepare('SELECT * FROM rt_families WHERE id = ?').get(id) as FamilyRow | undefined;
  }

  private sessionById(id: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
  }

  /** The active session a browser's session cookie points to, if any. */
  private sessionByCookie(cookie: string | undefined): SessionRow | undefined {
    if (!cookie) return undefined;
    const s = this.db.prepare('SELECT * FROM sessions WHERE cookie_hash = ?').get(sha256(cookie)) as SessionRow | undefined;
    return s && s.status === 'active' ? s : undefined;
  }

  private sessionStatusByCookie(cookie: string): SessionRow['status'] | undefined {
    return (this.db.prepare('SELECT status FROM sessions WHERE cookie_hash = ?').get(sha256(cookie)) as { status: SessionRow['status'] } | undefined)?.status;
  }

  private user(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  // ---------------------------------------------------------------- creation

  /** `previous`: on a rotation, the token this one replaces (LV1: the leeway honours only that one). */
  private issueRefreshToken(
    familyId: string | null,
    fam: Omit<FamilyRow, 'id' | 'seq' | 'status' | 'created_at' | 'revoked_at' | 'revoked_reason'>,
    fx: Effects,
    previous: string | null = null,
  ): string {
    const { id, seq } = nextId(this.db, 'rt');
    const now = this.now();
    let famId = familyId;
    if (famId === null) {
      famId = id;
      this.db
        .prepare(
          `INSERT INTO rt_families(id, seq, client_id, user_id, organization, scope, status, transfer_born, parent_family_id, session_id, online, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
        )
        .run(famId, seq, fam.client_id, fam.user_id, fam.organization, fam.scope, fam.transfer_born, fam.parent_family_id, fam.session_id, fam.online, now);
    }
    const value = newSecret();
    this.db
      .prepare(`INSERT INTO refresh_tokens(id, seq, family_id, token_hash, status, created_at, used_at, previous_id) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)`)
      .run(id, seq, famId, sha256(value), now, now, previous);
    fx.issued.refreshTokens.push(id);
    return value;
  }

  private createSession(
    userId: string,
    organization: string | null,
    via: 'login' | 'transfer',
    transferTokenId: string | null,
    parentFamilyId: string | null,
    fx: Effects,
  ): { cookie: string; session: SessionRow } {
    const { id, seq } = nextId(this.db, 's');
    const cookie = newSecret();
    this.db
      .prepare(
        `INSERT INTO sessions(id, seq, cookie_hash, user_id, organization, status, via, transfer_token_id, parent_family_id, created_at, last_active_at)
         VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      )
      .run(id, seq, sha256(cookie), userId, organization, via, transferTokenId, parentFamilyId, this.now(), this.now());
    fx.issued.sessions.push(id);
    return { cookie, session: this.sessionById(id)! };
  }

  /** N2: the active session an online refresh-token family was issued to, when N2 is on; otherwise undefined. */
  private onlineSession(fam: FamilyRow): SessionRow | undefined {
    if (!this.interpretations.N2 || fam.online !== 1 || fam.session_id === null) return undefined;
    const s = this.sessionById(fam.session_id);
    return s && s.status === 'active' ? s : undefined;
  }

  /**
   * LT2: a login into the session (at /authorize or on the login page), or under N2 an exchange with its
   * online token, restarts its idle timer, and with it any idle deadline a login's Action set (MODEL.md §2).
   */
  private touchSession(id: string): void {
    this.db.prepare('UPDATE sessions SET last_active_at = ?, idle_expires_at = NULL WHERE id = ?').run(this.now(), id);
  }

  private issueCode(
    clientId: string,
    redirectUri: string,
    session: SessionRow,
    scope: string | undefined,
    state: string | undefined,
    viaTransfer: boolean,
  ): string {
    const code = newSecret();
    this.db
      .prepare(
        `INSERT INTO codes(code_hash, client_id, redirect_uri, session_id, user_id, scope, offline, via_transfer, created_at, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      )
      .run(sha256(code), clientId, redirectUri, session.id, session.user_id, scope ?? null, hasOfflineAccess(scope) ? 1 : 0, viaTransfer ? 1 : 0, this.now());
    const u = new URL(redirectUri);
    u.searchParams.set('code', code);
    if (state !== undefined) u.searchParams.set('state', state);
    return u.toString();
  }

  // ---------------------------------------------------------------- revocation

  /** Revoke a refresh-token family (R18 of the brief: /oauth/revoke, reuse detection, cascade), then run the cascade (R26, A5). */
  private revokeFamily(famId: string, reason: string, fx: Effects): void {
    const fam = this.family(famId);
    if (!fam || fam.status === 'revoked') return;
    const now = this.now();
    this.db.prepare(`UPDATE rt_families SET status = 'revoked', revoked_at = ?, revoked_reason = ? WHERE id = ?`).run(now, reason, famId);
    // an expired token is revoked with its family too (A16: its expiry did not end the family); rotated ones stay rotated
    const live = this.db.prepare(`SELECT id FROM refresh_tokens WHERE family_id = ? AND status IN ('active', 'expired') ORDER BY seq`).all(famId) as { id: string }[];
    this.db.prepare(`UPDATE refresh_tokens SET status = 'revoked', status_at = ? WHERE family_id = ? AND status IN ('active', 'expired')`).run(now, famId);
    fx.revoked.refreshTokens.push(...live.map((r) => r.id));
    // Unredeemed, unexpired transfer tokens of this family can no longer be used (R20, A2).
    const stts = this.db.prepare(`SELECT * FROM transfer_tokens WHERE family_id = ? AND status = 'issued' ORDER BY seq`).all(famId) as TransferTokenRow[];
    for (const t of stts) {
      if (this.expired(t, now)) continue;
      this.db.prepare(`UPDATE transfer_tokens SET status = 'revoked', status_at = ?, status_reason = 'parent_revoked' WHERE id = ?`).run(now, t.id);
      fx.revoked.transferTokens.push(t.id);
    }
    // Cascade: read the issuing client's flag now (A17).
    const issuer = this.client(fam.client_id);
    const cascade = issuer?.session_transfer.enforce_cascade_revocation ?? true;
    if (!cascade) return;
    const shallow = this.has('shallow-cascade');
    const sessions = this.db.prepare(`SELECT id FROM sessions WHERE parent_family_id = ? AND status = 'active' ORDER BY seq`).all(famId) as { id: string }[];
    for (const s of sessions) this.revokeSession(s.id, 'cascade', fx, shallow ? 'none' : 'online');
    if (shallow) return;
    // children: families born of this one's transfers, and families issued to a session that was linked to it
    // later (A6): lineage goes through the session a token was issued to
    const children = this.db.prepare(
      `SELECT id FROM rt_families WHERE status = 'active' AND id != ? AND (parent_family_id = ?
         OR (parent_family_id IS NULL AND session_id IN (SELECT id FROM sessions WHERE parent_family_id = ?))) ORDER BY seq`,
    ).all(famId, famId, famId) as { id: string }[];
    for (const c of children) this.revokeFamily(c.id, 'cascade', fx);
  }

  /** R7, R8: the family was issued to a session linked to a transfer, when it was issued or later (A6), by another family. */
  private transferLinked(fam: { id: string; transfer_born: number; session_id: string | null }): boolean {
    if (fam.transfer_born === 1) return true;
    if (fam.session_id === null) return false;
    const s = this.db.prepare('SELECT parent_family_id FROM sessions WHERE id = ?').get(fam.session_id) as { parent_family_id: string | null } | undefined;
    return s?.parent_family_id != null && s.parent_family_id !== fam.id;
  }

  /**
   * The seeded fault second-app-nests: the nesting ban is checked only for the first web app's refresh
   * tokens, so a token of any later web app issued to a transfer-linked session may mint.
   */
  private nestingBanSkipped(fam: FamilyRow): boolean {
    if (!this.has('second-app-nests')) return false;
    const webs = webClientIds(this.db);
    return webs.includes(fam.client_id) && fam.client_id !== webs[0];
  }

  /**
   * Revoke a session. `rts` says which refresh tokens issued to it die with it: 'online' (R27: those issued
   * online), 'all' (A19 'always' reading of the admin endpoint), 'none'.
   */
  private revokeSession(id: string, reason: string, fx: Effects, rts: 'online' | 'all' | 'none'): void {
    const r = this.db.prepare(`UPDATE sessions SET status = 'revoked', revoked_at = ?, revoked_reason = ? WHERE id = ? AND status = 'active'`).run(this.now(), reason, id);
    if (r.changes === 0) return;
    fx.revoked.sessions.push(id);
    if (rts !== 'none') this.revokeSessionTokens(id, rts, 'session_revoked', fx);
  }

  /** The refresh-token families issued to a session that end with it: its online ones (R27), or all of them (A19 'always'). */
  private revokeSessionTokens(id: string, rts: 'online' | 'all', reason: string, fx: Effects): void {
    const fams = this.db
      .prepare(`SELECT id FROM rt_families WHERE session_id = ? AND status = 'active' ${rts === 'online' ? 'AND online = 1' : ''} ORDER BY seq`)
      .all(id) as { id: string }[];
    for (const f of fams) this.revokeFamily(f.id, reason, fx);
  }

  private expired(t: TransferTokenRow, now: number): boolean {
    if (this.has('no-expiry')) return false;
    return now - t.issued_at >= t.ttl_seconds * 1000; // A14: valid while age < TTL
  }

  /**
   * Everything whose age reached a lifetime becomes `expired` (MODEL.md §8), in this order: transfer tokens
   * (R9, A14), refresh tokens (LT3 absolute, from the family's first token; LT4 idle, from the last exchange),
   * sessions (LT1), whose online refresh tokens are then revoked (R27: "revoking or expiring"). Each kind in
   * id order; a bound is reached at age >= lifetime, as the TTL is.
   */
  private expireDue(fx: Effects): void {
    const now = this.now();
    const stts = this.db.prepare(`SELECT * FROM transfer_tokens WHERE status = 'issued' ORDER BY seq`).all() as TransferTokenRow[];
    for (const t of stts) {
      if (!this.expired(t, now)) continue;
      this.db.prepare(`UPDATE transfer_tokens SET status = 'expired', status_at = ?, status_reason = 'ttl' WHERE id = ?`).run(now, t.id);
      noteExpired(fx, 'transferTokens', t.id);
    }

    // a token obeys the settings of the client that holds it, as they are now; a revoked family has nothing left to expire
    const rts = this.db
      .prepare(
        `SELECT t.id, t.status, t.used_at, f.created_at AS family_issued_at, f.client_id FROM refresh_tokens t JOIN rt_families f ON f.id = t.family_id
         WHERE t.status IN ('active', 'rotated') AND f.status = 'active' ORDER BY t.seq`,
      )
      .all() as { id: string; status: 'active' | 'rotated'; used_at: number; family_issued_at: number; client_id: string }[];
    const lifetimes = new Map<string, { absolute: number | null; idle: number | null }>();
    for (const r of rts) {
      let l = lifetimes.get(r.client_id);
      if (!l) {
        const c = this.client(r.client_id);
        l = c ? refreshTokenLifetimes(c.refresh_token) : { absolute: null, idle: null };
        lifetimes.set(r.client_id, l);
      }
      const absolute = l.absolute !== null && now - r.family_issued_at >= l.absolute * 1000;
      // a rotated token is not used any more: only the absolute lifetime ends it
      const idle = r.status === 'active' && l.idle !== null && now - r.used_at >= l.idle * 1000;
      if (!absolute && !idle) continue;
      this.db.prepare(`UPDATE refresh_tokens SET status = 'expired', status_at = ? WHERE id = ?`).run(now, r.id);
      noteExpired(fx, 'refreshTokens', r.id);
    }

    const t = readTenantSettings(this.db);
    const life = hoursToSeconds(t.session_lifetime) * 1000;
    const idle = hoursToSeconds(t.idle_session_lifetime) * 1000;
    // an Action's deadlines (MODEL.md §2) end a session too, whichever comes first
    const due = this.db
      .prepare(
        `SELECT * FROM sessions WHERE status = 'active' AND (? - created_at >= ? OR ? - last_active_at >= ?
           OR (expires_at IS NOT NULL AND ? >= expires_at) OR (idle_expires_at IS NOT NULL AND ? >= idle_expires_at)) ORDER BY seq`,
      )
      .all(now, life, now, idle, now, now) as SessionRow[];
    // all of them end at this instant before any online rule runs, so a cascade from one cannot call another revoked
    for (const s of due) {
      this.db.prepare(`UPDATE sessions SET status = 'expired' WHERE id = ?`).run(s.id);
      noteExpired(fx, 'sessions', s.id);
    }
    if (this.has('expiry-keeps-online-tokens')) return;
    for (const s of due) if (s.parent_family_id !== null) this.revokeSessionTokens(s.id, 'online', 'session_expired', fx);
  }

  // ---------------------------------------------------------------- /oauth/token

  /** grant_type=password: native login (NATIVE_LOGIN). Always issues a refresh token (a new family). */
  passwordGrant(p: { clientId: string; username: string; password: string; organization?: string; scope?: string; ip?: string }, fx: Effects): TokenResult {
    return this.db.transaction((): TokenResult => {
      this.catchUp(fx);
      const client = this.client(p.clientId);
      if (!client) return fail(401, 'invalid_client', 'Unknown client.');
      const user = this.user(p.username);
      if (!user || !passwordMatches(user.password_hash, p.password)) {
        this.log({ type: 'f', description: 'Wrong email or password.', client_id: client.client_id, user_id: user?.user_id, ip: p.ip, details: { triggered_by_session_transfer_token: false, reason: 'wrong_credentials' } });
        return fail(403, 'invalid_grant', 'Wrong email or password.');
      }
      const scope = p.scope ?? 'openid profile offline_access';
      const rt = this.issueRefreshToken(
        null,
        { client_id: client.client_id, user_id: user.user_id, organization: p.organization ?? null, scope, transfer_born: 0, parent_family_id: null, session_id: null, online: 0 },
        fx,
      );
      this.log({
        type: 's', client_id: client.client_id, user_id: user.user_id, ip: p.ip,
        details: { triggered_by_session_transfer_token: false, issued_refresh_token: fx.issued.refreshTokens.at(-1) },
      });
      fx.outcome = 'issued';
      fx.user = user.user_id;
      return {
        ok: true,
        body: { access_token: newSecret(), refresh_token: rt, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, scope },
      };
    })();
  }

  /**
   * grant_type=refresh_token: plain refresh (REFRESH) or, with the session_transfer audience, the
   * transfer-token mint (MINT_TRANSFER_TOKEN). Checks, in order: client, token known and the client's own,
   * mint flag (R2), family revoked, token expired (LT5), reuse of a rotated token (revokes the family,
   * cascade applies) unless the leeway honours it (LV1), nesting ban (R7, R8). Then rotation (R4) and the
   * mint (R3), which records the caller's network.
   */
  /**
   * The seeded race faults' first half: the status a check reads (of a transfer token or a refresh token,
   * by value), which the request then carries across an await to the update (racy-redemption, racy-rotation).
   */
  peekStatus(kind: 'transfer' | 'refresh', value: string): string | undefined {
    const table = kind === 'transfer' ? 'transfer_tokens' : 'refresh_tokens';
    return (this.db.prepare(`SELECT status FROM ${table} WHERE token_hash = ?`).get(sha256(value)) as { status: string } | undefined)?.status;
  }

  refreshGrant(p: { clientId: string; refreshToken: string; mint: boolean; ip: string; audience?: string; staleStatus?: string }, fx: Effects): TokenResult {
    return this.db.transaction((): TokenResult => {
      this.catchUp(fx);
      const seen: GrantSeen = {};
      const r = this.refreshGrantIn(p, fx, seen);
      // MODEL.md §4: sertft / fertft (with the audience on a mint, R6), ferrt before the fertft of a reuse
      const base = { client_id: p.clientId, user_id: seen.user, ip: p.ip };
      const audience = p.mint ? p.audience : undefined;
      if (r.ok) {
        this.log({
          ...base, type: 'sertft',
          details: {
            audience, refresh_token: seen.token, session_transfer_token: fx.issued.transferTokens[0], rotated_to: fx.issued.refreshTokens[0],
            asn: p.mint ? (this.asnOf(p.ip) ?? undefined) : undefined,
          },
        });
      } else {
        if (r.reason === 'refresh_token_reused') this.log({ ...base, type: 'ferrt', description: r.description, details: { refresh_token: seen.token, reason: r.reason } });
        this.log({ ...base, type: 'fertft', description: r.description, details: { audience, refresh_token: seen.token, reason: r.reason ?? r.error } });
      }
      return r;
    })();
  }

  private refreshGrantIn(p: { clientId: string; refreshToken: string; mint: boolean; ip: string; staleStatus?: string }, fx: Effects, seen: GrantSeen): TokenResult {
    {
      const client = this.client(p.clientId);
      if (!client) return fail(401, 'invalid_client', 'Unknown client.');
      const row = this.db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(sha256(p.refreshToken)) as RefreshTokenRow | undefined;
      // racy-rotation: the checks see the status read before the await, not the status now
      const stale = this.has('racy-rotation') ? p.staleStatus : undefined;
      const tok = row && stale !== undefined ? { ...row, status: stale as RefreshTokenRow['status'] } : row;
      const fam = tok ? this.family(tok.family_id) : undefined;
      if (!tok || !fam) return fail(403, 'invalid_grant', 'Unknown or invalid refresh token.', 'refresh_token_revoked');
      if (fam.client_id !== client.client_id) return fail(403, 'invalid_grant', 'Unknown or invalid refresh token.', 'refresh_token_revoked');
      seen.token = tok.id;
      seen.user = fam.user_id;
      const now = this.now();
      // LV1: a rotated token honoured by the leeway acts as the active one, its successor is retired in its place
      const successor = tok.status === 'rotated' && fam.status !== 'revoked' ? this.leewaySuccessor(client, tok, now) : undefined;
      const reuseFirst = this.interpretations.N1 && tok.status === 'rotated' && fam.status !== 'revoked' && !successor;
      if (p.mint && !client.session_transfer.can_create_session_transfer_token && !reuseFirst)
        return fail(403, 'unauthorized_client', 'The client is not allowed to create session transfer tokens.', 'client_not_allowed');
      if (fam.status === 'revoked' || tok.status === 'revoked') return fail(403, 'invalid_grant', 'Unknown or invalid refresh token.', 'refresh_token_revoked');
      if (tok.status === 'expired') return fail(403, 'invalid_grant', 'Expired refresh token.', 'refresh_token_expired');
      if (tok.status === 'rotated' && !successor) {
        this.revokeFamily(fam.id, 'reuse_detected', fx);
        fx.outcome = 'rejected';
        return fail(403, 'invalid_grant', 'Unknown or invalid refresh token. Reuse of a rotated refresh token was detected; its family was revoked.', 'refresh_token_reused');
      }
      if (p.mint && this.transferLinked(fam) && !this.has('nested-transfer-allowed') && !this.nestingBanSkipped(fam))
        return fail(403, 'invalid_grant', 'A refresh token issued from a session transfer cannot create a session transfer token.', 'nested_transfer_forbidden');

      const body: TokenResponse = {};
      const rotate = client.refresh_token.rotation_type === 'rotating';
      // The mint's transfer token first, so that issued lists it before the rotated refresh token.
      if (p.mint) {
        const { id, seq } = nextId(this.db, 'stt');
        const value = newSecret();
        const ttl = this.config.transfer_token_ttl_seconds;
        this.db
          .prepare(
            `INSERT INTO transfer_tokens(id, seq, token_hash, family_id, refresh_token_id, client_id, user_id, organization, scope, ip, asn, ttl_seconds, issued_at, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued')`,
          )
          .run(id, seq, sha256(value), fam.id, tok.id, client.client_id, fam.user_id, fam.organization, fam.scope, p.ip, this.asnOf(p.ip), ttl, now);
        fx.issued.transferTokens.push(id);
        body.access_token = value;
        body.issued_token_type = STT_TOKEN_TYPE;
        body.token_type = 'N_A';
        body.expires_in = ttl;
      } else {
        body.access_token = newSecret();
        body.token_type = 'Bearer';
        body.expires_in = ACCESS_TOKEN_TTL_SECONDS;
        if (fam.scope) body.scope = fam.scope;
      }
      // the token retired now: the presented one, or under the leeway the family's active one
      const retired = successor ?? tok;
      if (rotate) {
        this.db.prepare(`UPDATE refresh_tokens SET status = 'rotated', status_at = ? WHERE id = ?`).run(now, retired.id);
        body.refresh_token = this.issueRefreshToken(fam.id, fam, fx, retired.id);
      } else this.db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE id = ?').run(now, tok.id); // LT4: the idle timer restarts
      // N2 (Online Refresh Tokens): using an online token keeps its session alive (LT2's idle timer restarts)
      const session = this.onlineSession(fam);
      if (session) this.touchSession(session.id);
      fx.outcome = 'issued';
      fx.user = fam.user_id;
      return { ok: true, body };
    }
  }

  /**
   * LV1: the family's active token, when `tok` is the immediately previous one (that token replaced it) and
   * its rotation was less than the holder client's leeway ago; otherwise undefined (reuse detection).
   * Under the fault leeway-any-old-token any rotated token of the family retired within the leeway passes.
   */
  private leewaySuccessor(client: ClientSettings, tok: RefreshTokenRow, now: number): RefreshTokenRow | undefined {
    const leeway = client.refresh_token.leeway;
    if (leeway <= 0 || client.refresh_token.rotation_type !== 'rotating') return undefined;
    const active = this.db.prepare(`SELECT * FROM refresh_tokens WHERE family_id = ? AND status = 'active' ORDER BY seq DESC`).get(tok.family_id) as
      | RefreshTokenRow
      | undefined;
    if (!active) return undefined;
    // t was retired when the token that replaced it was issued
    const replacedBy = this.has('leeway-any-old-token')
      ? (this.db.prepare('SELECT * FROM refresh_tokens WHERE previous_id = ?').get(tok.id) as RefreshTokenRow | undefined)
      : active.previous_id === tok.id
        ? active
        : undefined;
    if (!replacedBy || now - replacedBy.created_at >= leeway * 1000) return undefined;
    return active;
  }

  /** grant_type=authorization_code: the web app exchanges its code. A refresh token only as R25 / A26 allow. */
  codeGrant(p: { clientId: string; code: string; redirectUri: string | undefined }, fx: Effects): TokenResult {
    return this.db.transaction((): TokenResult => {
      this.catchUp(fx);
      const client = this.client(p.clientId);
      if (!client) return fail(401, 'invalid_client', 'Unknown client.');
      const row = this.db.prepare('SELECT * FROM codes WHERE code_hash = ?').get(sha256(p.code)) as CodeRow | undefined;
      if (!row || row.used === 1 || this.now() - row.created_at >= CODE_TTL_SECONDS * 1000) return fail(403, 'invalid_grant', 'Invalid authorization code.');
      if (row.client_id !== client.client_id) return fail(403, 'invalid_grant', 'Invalid authorization code.');
      if (p.redirectUri !== undefined && p.redirectUri !== row.redirect_uri) return fail(403, 'invalid_grant', 'redirect_uri does not match the authorization request.');
      const used = this.db.prepare('UPDATE codes SET used = 1 WHERE code_hash = ? AND used = 0').run(row.code_hash);
      if (used.changes !== 1) return fail(403, 'invalid_grant', 'Invalid authorization code.');
      const session = this.sessionById(row.session_id);
      if (!session || session.status !== 'active') return fail(403, 'invalid_grant', 'The session of this authorization code has ended.', 'session_revoked');
      const body: TokenResponse = { access_token: newSecret(), token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
      if (row.scope) body.scope = row.scope;
      if (row.offline === 1) {
        const transferBorn = session.parent_family_id !== null;
        // R25 / A26 / A17: the gate applies to an STT login (even one that reused a same-user session) and to
        // every later login riding on a transfer-born session; allow_refresh_token is read from W now, the
        // online flag is read now and stored on the token.
        const gated = transferBorn || row.via_transfer === 1;
        const allowed = !gated || client.session_transfer.allow_refresh_token;
        if (allowed) {
          const online = transferBorn && client.session_transfer.enforce_online_refresh_tokens && !this.has('offline-web-refresh-tokens');
          body.refresh_token = this.issueRefreshToken(
            null,
            {
              client_id: client.client_id,
              user_id: session.user_id,
              organization: session.organization,
              scope: row.scope,
              transfer_born: transferBorn ? 1 : 0,
              parent_family_id: session.parent_family_id,
              session_id: session.id,
              online: online ? 1 : 0,
            },
            fx,
          );
        }
      }
      fx.outcome = 'issued';
      fx.session = session.id;
      fx.user = session.user_id;
      return { ok: true, body };
    })();
  }

  // ---------------------------------------------------------------- /authorize

  /** `answers`: the post-login Action's answers so far (Tenant.withActions); absent, a login that needs one throws ActionNeeded. */
  authorize(p: AuthorizeInput, fx: Effects, answers?: ActionAnswers): AuthorizeResult {
    return this.db.transaction((): AuthorizeResult => {
      this.catchUp(fx);
      const client = this.client(p.clientId);
      if (!client) return fail(400, 'invalid_request', 'Unknown client_id.');
      if (!redirectOk(client, p.redirectUri)) return fail(400, 'invalid_request', 'The redirect_uri is not allowed for this client.');
      const errorRedirect = (error: string, description: string): string => {
        const u = new URL(p.redirectUri);
        u.searchParams.set('error', error);
        u.searchParams.set('error_description', description);
        if (p.state !== undefined) u.searchParams.set('state', p.state);
        return u.toString();
      };
      if (p.responseType !== 'code') return fail(400, 'unsupported_response_type', 'Only response_type=code is supported.');

      const loginRequired = (reason: Reason, clearSessionCookie: boolean, clearSttCookie: boolean): AuthorizeResult => {
        fx.outcome = 'login_required';
        fx.reason = reason;
        let redirect: string;
        if (p.prompt === 'none') redirect = errorRedirect('login_required', WARNINGS[reason] ?? 'Login required.');
        else {
          const q = new URLSearchParams({ client_id: p.clientId, redirect_uri: p.redirectUri, response_type: 'code' });
          if (p.scope !== undefined) q.set('scope', p.scope);
          if (p.state !== undefined) q.set('state', p.state);
          if (p.organization !== undefined) q.set('organization', p.organization);
          redirect = `/login?${q.toString()}`;
        }
        return { ok: true, kind: 'login_required', redirect, clearSessionCookie, clearSttCookie };
      };
      const loggedIn = (
        session: SessionRow, created: boolean, cookie: string | undefined, clearSttCookie: boolean, t: TransferTokenRow | undefined, action?: ActionOutcome,
      ): AuthorizeResult => {
        const viaTransfer = t !== undefined;
        this.touchSession(session.id); // LT2, whether the session was reused or made
        this.applyDeadlines(session.id, action);
        this.log({
          type: 's', client_id: client.client_id, user_id: session.user_id, ip: p.ip,
          details: {
            triggered_by_session_transfer_token: viaTransfer, session_id: session.id,
            ...(t ? { session_transfer_token: t.id, parent_refresh_token: t.refresh_token_id, asn: this.asnOf(p.ip) ?? undefined } : {}),
          },
        });
        fx.outcome = 'logged_in';
        fx.session = session.id;
        fx.user = session.user_id;
        fx.sessionCreated = created;
        const redirect = this.issueCode(client.client_id, p.redirectUri, session, p.scope, p.state, viaTransfer);
        return { ok: true, kind: 'code', redirect, setSessionCookie: cookie, clearSttCookie };
      };

      const existing = this.sessionByCookie(p.sessionCookie);
      const staleCookie = p.sessionCookie !== undefined && !existing;

      // A9.1 / R13 / A10 / A11: which transfer token (if any) is evaluated.
      const candidates: { method: 'query' | 'cookie'; value: string }[] = [];
      if (p.queryStt !== undefined) candidates.push({ method: 'query', value: p.queryStt });
      if (p.cookieStt !== undefined) candidates.push({ method: 'cookie', value: p.cookieStt });
      if (this.interpretations.A11 === 'cookie') candidates.reverse();
      const allowed = client.session_transfer.allowed_authentication_methods;
      const chosen = candidates.find((c) => allowed.includes(c.method));
      // MODEL.md §4: a refused redemption writes a warning holding the documented phrase
      const warn = (reason: Reason, t: TransferTokenRow | undefined) =>
        this.log({
          type: 'w', description: WARNINGS[reason], client_id: client.client_id, user_id: t?.user_id ?? existing?.user_id, ip: p.ip,
          details: { session_transfer_token: t?.id, reason },
        });
      if (!chosen && candidates.length > 0 && this.interpretations.A10 === 'invalid') {
        warn('method_not_allowed', this.transferTokenByValue(candidates[0]!.value));
        return loginRequired('method_not_allowed', staleCookie, false);
      }

      if (!chosen) {
        // R29: standard SSO.
        if (existing) return loggedIn(existing, false, undefined, false, undefined);
        return loginRequired('no_session', staleCookie, false);
      }
      // A12: the transfer-token cookie is cleared once it has been evaluated.
      const clearStt = chosen.method === 'cookie';
      const r = this.redeem(client, chosen.value, p.organization, existing, p.ip, fx, answers, p.staleTransfer?.value === chosen.value ? p.staleTransfer.status : undefined);
      if ('denied' in r) {
        const description = this.actionDenied(r.denied, fx, {
          client_id: client.client_id, user_id: r.token.user_id, ip: p.ip,
          details: { triggered_by_session_transfer_token: true, session_transfer_token: r.token.id, parent_refresh_token: r.token.refresh_token_id, asn: this.asnOf(p.ip) ?? undefined },
        });
        return { ok: true, kind: 'access_denied', redirect: errorRedirect('access_denied', description), clearSessionCookie: r.sessionRevoked, clearSttCookie: clearStt };
      }
      if (!r.ok) {
        warn(r.reason, r.token);
        return loginRequired(r.reason, staleCookie || r.reason === 'user_mismatch', clearStt);
      }
      if (r.created) return loggedIn(r.session, true, r.cookie, clearStt, r.token, r.action);
      return loggedIn(r.session, false, undefined, clearStt, r.token, r.action);
    })();
  }

  private transferTokenByValue(value: string): TransferTokenRow | undefined {
    return this.db.prepare('SELECT * FROM transfer_tokens WHERE token_hash = ?').get(sha256(value)) as TransferTokenRow | undefined;
  }

  /**
   * Redeem a transfer token (A9's order): exists / not used / not expired (R9, R10, A14); parent family
   * live (R20, A2); device binding of the redeeming client W (R11, A13); organization (R19, A24); user of
   * the existing session (R16, R17). Failures of binding, organization and user burn the token under A8;
   * only the user mismatch revokes anything (the existing session). An invalid token keeps the session (A3).
   */
  private redeem(
    client: ClientSettings,
    value: string,
    organization: string | undefined,
    existing: SessionRow | undefined,
    ip: string,
    fx: Effects,
    answers: ActionAnswers | undefined,
    staleStatus?: string,
  ):
    | { ok: false; reason: Reason; token?: TransferTokenRow }
    | { ok: true; session: SessionRow; created: boolean; cookie?: string; token: TransferTokenRow; action?: ActionOutcome }
    | { ok: false; denied: ActionOutcome; token: TransferTokenRow; sessionRevoked: boolean } {
    const now = this.now();
    const row = this.transferTokenByValue(value);
    // racy-redemption: the checks see the status read before the await, not the status now
    const stale = this.has('racy-redemption') ? staleStatus : undefined;
    const t = row && stale !== undefined ? { ...row, status: stale as TransferTokenRow['status'] } : row;
    const ignoreParent = this.has('revoked-parent-still-redeems');
    // 'revoked' = made unusable by its parent's revocation: that is reported by the parent check (step 3).
    const usable = t && (t.status === 'issued' || t.status === 'revoked');
    if (!t || !usable || this.expired(t, now)) return { ok: false, reason: 'transfer_token_not_found_or_expired', token: t };
    const parent = this.family(t.family_id);
    if (!ignoreParent && (!parent || parent.status === 'revoked')) return { ok: false, reason: 'parent_refresh_token_revoked', token: t };

    const burn = (reason: Reason): { ok: false; reason: Reason; token: TransferTokenRow } => {
      if (this.interpretations.A8 && !this.has('reusable-transfer-token')) {
        const r = this.db
          .prepare(`UPDATE transfer_tokens SET status = 'rejected', status_at = ?, status_reason = ? WHERE id = ? AND status IN ('issued', 'revoked')`)
          .run(now, reason, t.id);
        if (r.changes === 1) fx.consumed.push(t.id);
      }
      return { ok: false, reason, token: t };
    };

    if (!this.has('ignore-device-binding')) {
      const binding = client.session_transfer.enforce_device_binding;
      if (binding === 'ip' && t.ip !== ip) return burn('device_binding_failed');
      if (binding === 'asn') {
        const asn = this.asnOf(ip);
        const same = t.ip === ip || (t.asn !== null && asn !== null && t.asn === asn);
        if (!same) return burn('device_binding_failed');
      }
    }
    if ((t.organization ?? null) !== (organization ?? null)) return burn('organization_mismatch');
    if (existing && existing.user_id !== t.user_id) {
      if (!this.has('mismatch-keeps-session')) this.revokeSession(existing.id, 'user_mismatch', fx, 'online');
      return burn('user_mismatch');
    }

    // Atomic single use (R10): exactly one redemption can move the token out of 'issued'.
    if (!this.has('reusable-transfer-token')) {
      const r = this.db
        .prepare(`UPDATE transfer_tokens SET status = 'consumed', status_at = ?, status_reason = 'redeemed' WHERE id = ? AND (status IN ('issued', 'revoked') OR ?)`)
        .run(now, t.id, stale !== undefined ? 1 : 0);
      if (r.changes !== 1) return { ok: false, reason: 'transfer_token_not_found_or_expired', token: t };
      fx.consumed.push(t.id);
    }
    // MODEL.md §2: the redemption passed every check; the post-login Action decides, the token used up either way
    const action = this.actionPoint(
      this.actionEvent(client, t.user_id, organization, ip, existing ?? { id: this.nextSessionId(), created_at: now }, t),
      answers,
    );
    if (action && (action.denied !== undefined || action.revoked !== undefined || action.failed !== undefined)) {
      const revoke = existing !== undefined && action.revoked !== undefined && action.failed === undefined;
      if (revoke) this.revokeSession(existing.id, 'action_revoked', fx, 'online');
      return { ok: false, denied: action, token: t, sessionRevoked: revoke };
    }
    if (existing) {
      // R16, A6: same user: the session is reused; linked to the token's parent only under A6=true (and only if unlinked).
      if (this.interpretations.A6 && existing.parent_family_id === null) {
        this.db.prepare('UPDATE sessions SET parent_family_id = ?, transfer_token_id = ?, linked_by = ? WHERE id = ?').run(t.family_id, t.id, t.id, existing.id);
      }
      this.db.prepare('UPDATE transfer_tokens SET session_id = ? WHERE id = ?').run(existing.id, t.id);
      return { ok: true, session: this.sessionById(existing.id)!, created: false, token: t, action };
    }
    // R15: a new session made from the token, linked to its parent family (lineage for cascade and nesting).
    const { cookie, session } = this.createSession(t.user_id, t.organization, 'transfer', t.id, t.family_id, fx);
    this.db.prepare('UPDATE transfer_tokens SET session_id = ? WHERE id = ?').run(session.id, t.id);
    return { ok: true, session, created: true, cookie, token: t, action };
  }

  // ---------------------------------------------------------------- interactive login (WEB_LOGIN)

  /**
   * The user signs in on the login page. Same user as the browser's session: the session is reused.
   * Otherwise a new ordinary session replaces the browser's session (which is revoked, A3; online rule applies).
   */
  webLogin(p: WebLoginInput, fx: Effects, answers?: ActionAnswers): WebLoginResult {
    return this.db.transaction((): WebLoginResult => {
      this.catchUp(fx);
      let client: ClientSettings | undefined;
      if (p.clientId !== undefined || p.redirectUri !== undefined) {
        if (p.clientId === undefined || p.redirectUri === undefined) return fail(400, 'invalid_request', 'client_id and redirect_uri go together.');
        client = this.client(p.clientId);
        if (!client) return fail(400, 'invalid_request', 'Unknown client_id.');
        if (!redirectOk(client, p.redirectUri)) return fail(400, 'invalid_request', 'The redirect_uri is not allowed for this client.');
      }
      const user = this.user(p.username);
      if (!user || !passwordMatches(user.password_hash, p.password)) {
        this.log({ type: 'f', description: 'Wrong email or password.', client_id: p.clientId, user_id: user?.user_id, ip: p.ip, details: { triggered_by_session_transfer_token: false, reason: 'wrong_credentials' } });
        return fail(401, 'access_denied', 'Wrong username or password.');
      }
      const existing = this.sessionByCookie(p.sessionCookie);
      const same = existing && existing.user_id === user.user_id ? existing : undefined;
      // MODEL.md §2: every interactive login runs the post-login Action, before it changes anything
      const actionClient = client ?? this.client(webClientIds(this.db)[0]!)!;
      const action = this.actionPoint(
        this.actionEvent(actionClient, user.user_id, p.organization, p.ip, same ?? { id: this.nextSessionId(), created_at: this.now() }),
        answers,
      );
      if (action && (action.denied !== undefined || action.revoked !== undefined || action.failed !== undefined)) {
        const revoke = same !== undefined && action.revoked !== undefined && action.failed === undefined;
        if (revoke) this.revokeSession(same.id, 'action_revoked', fx, 'online');
        const description = this.actionDenied(action, fx, {
          client_id: actionClient.client_id, user_id: user.user_id, ip: p.ip, details: { triggered_by_session_transfer_token: false },
        });
        let redirect: string | undefined;
        if (client && p.redirectUri) {
          const u = new URL(p.redirectUri);
          u.searchParams.set('error', 'access_denied');
          u.searchParams.set('error_description', description);
          if (p.state !== undefined) u.searchParams.set('state', p.state);
          redirect = u.toString();
        }
        return { ok: true, denied: true, description, redirect, clearSessionCookie: revoke };
      }
      let session: SessionRow;
      let created = false;
      let cookie: string | undefined;
      if (existing && existing.user_id === user.user_id) {
        session = existing;
        this.touchSession(session.id); // LT2: a re-authentication restarts the idle timer
      } else {
        if (existing) this.revokeSession(existing.id, 'replaced_by_login', fx, 'online');
        const c = this.createSession(user.user_id, p.organization ?? null, 'login', null, null, fx);
        session = c.session;
        cookie = c.cookie;
        created = true;
      }
      this.applyDeadlines(session.id, action);
      this.log({ type: 's', client_id: actionClient.client_id, user_id: user.user_id, ip: p.ip, details: { triggered_by_session_transfer_token: false, session_id: session.id } });
      fx.outcome = 'logged_in';
      fx.session = session.id;
      fx.user = session.user_id;
      fx.sessionCreated = created;
      const redirect = client && p.redirectUri ? this.issueCode(client.client_id, p.redirectUri, session, p.scope, p.state, false) : undefined;
      return { ok: true, sessionId: session.id, userId: user.user_id, sessionCreated: created, setSessionCookie: cookie, redirect };
    })();
  }

  // ---------------------------------------------------------------- revocation endpoints

  /**
   * POST /oauth/revoke: the token's family is revoked, then the cascade rules run (R26). Unknown, already
   * revoked and newly revoked tokens all get the same 200; the effects tell them apart.
   */
  revokeRefreshToken(p: { clientId: string; token: string; ip?: string }, fx: Effects): { ok: true } | OAuthFailure {
    return this.db.transaction(() => {
      this.catchUp(fx);
      const client = this.client(p.clientId);
      if (!client) return fail(401, 'invalid_client', 'Unknown client.');
      const tok = this.db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(sha256(p.token)) as RefreshTokenRow | undefined;
      const fam = tok ? this.family(tok.family_id) : undefined;
      if (!tok || !fam) return { ok: true as const }; // RFC 7009: unknown tokens are not an error
      if (fam.client_id !== client.client_id) return fail(403, 'unauthorized_client', 'The token was not issued to this client.');
      if (fam.status === 'revoked') {
        fx.outcome = 'rejected';
        fx.reason = 'refresh_token_revoked';
        return { ok: true as const };
      }
      // N2 (Online Refresh Tokens): revoking an online token also ends its session, found before the family goes
      const session = this.onlineSession(fam);
      this.revokeFamily(fam.id, 'revoked', fx);
      if (session) this.revokeSession(session.id, 'online_token_revoked', fx, 'online');
      this.log({ type: 'srrt', client_id: client.client_id, user_id: fam.user_id, ip: p.ip, details: { refresh_token: tok.id } });
      fx.outcome = 'revoked';
      return { ok: true as const };
    })();
  }

  /** GET /v2/logout: ends the browser's session; the online-refresh-token rule runs (R27). */
  logout(sessionCookie: string | undefined, fx: Effects, ip?: string, clientId?: string): void {
    this.db.transaction(() => {
      this.catchUp(fx);
      const s = this.sessionByCookie(sessionCookie);
      const ended = !s && sessionCookie ? this.sessionStatusByCookie(sessionCookie) : undefined;
      if (ended === 'expired' || ended === 'revoked') {
        // the browser still holds the cookie of a session that ended by itself or was revoked elsewhere (a cascade, an administrator)
        fx.outcome = 'ok';
        fx.reason = ended === 'expired' ? 'already_expired' : 'session_revoked';
        return;
      }
      if (!s) {
        fx.outcome = 'ok';
        fx.reason = 'no_session';
        return;
      }
      this.revokeSession(s.id, 'logout', fx, 'online');
      this.log({ type: 'slo', client_id: clientId, user_id: s.user_id, ip, details: { session_id: s.id } });
      fx.outcome = 'revoked';
    })();
  }

  /** POST /api/v2/sessions/{id}/revoke. False when there is no such session; an already revoked one is found. */
  adminRevokeSession(id: string, fx: Effects, ip?: string): boolean {
    return this.db.transaction(() => {
      this.catchUp(fx);
      const s = this.sessionById(id);
      if (!s) return false;
      if (s.status === 'expired') {
        fx.outcome = 'ok';
        fx.reason = 'already_expired'; // it ended by itself; its online refresh tokens went with it then
        return true;
      }
      if (s.status !== 'active') {
        fx.outcome = 'ok';
        fx.reason = 'session_revoked';
        return true;
      }
      this.revokeSession(id, 'admin_revoke', fx, this.interpretations.A19 === 'always' ? 'all' : 'online');
      this.log({ type: 'sapi', description: 'Revoke a session', user_id: s.user_id, ip, details: { session_id: id } });
      fx.outcome = 'revoked';
      return true;
    })();
  }

  // ---------------------------------------------------------------- management

  sessionView(id: string): Record<string, unknown> | undefined {
    if (this.clockMode === 'real') this.db.transaction(() => this.expireDue(newEffects()))();
    const s = this.sessionById(id);
    if (!s) return undefined;
    return this.viewSession(s);
  }

  private viewSession(s: SessionRow): Record<string, unknown> {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const rts = this.db.prepare('SELECT id FROM rt_families WHERE session_id = ? ORDER BY seq').all(s.id) as { id: string }[];
    const t = readTenantSettings(this.db);
    return {
      id: s.id,
      user_id: s.user_id,
      status: s.status,
      via: s.via,
      organization: s.organization,
      transfer_token: s.transfer_token_id,
      created_at: iso(s.created_at),
      updated_at: iso(s.revoked_at ?? s.created_at),
      authenticated_at: iso(s.created_at),
      last_interacted_at: iso(s.last_active_at),
      // Auth0's session object: when the absolute and the idle lifetime end it (LT1)
      expires_at: iso(Math.min(s.created_at + hoursToSeconds(t.session_lifetime) * 1000, s.expires_at ?? Infinity)),
      idle_expires_at: iso(Math.min(s.last_active_at + hoursToSeconds(t.idle_session_lifetime) * 1000, s.idle_expires_at ?? Infinity)),
      revoked_at: iso(s.revoked_at),
      revoked_reason: s.revoked_reason,
      refresh_token_families: rts.map((r) => r.id),
      session_transfer: s.parent_family_id === null ? null : { parent_refresh_token: { id: s.parent_family_id, metadata: {} } },
    };
  }

  clientView(id: string): Record<string, unknown> | undefined {
    const c = this.client(id);
    return c ? { ...c } : undefined;
  }

  patchClient(id: string, body: unknown): Record<string, unknown> | undefined {
    return this.db.transaction(() => {
      const r = readClient(this.db, id);
      if (!r) return undefined;
      const next = applyClientPatch(r.settings, body); // throws ConfigError on bad input
      writeClient(this.db, r.role, next);
      return { ...next };
    })();
  }

  /** Everything, for the conformance harness (test mode). Times are the clock's milliseconds, as `now`. */
  state(): Record<string, unknown> {
    if (this.clockMode === 'real') this.db.transaction(() => this.expireDue(newEffects()))();
    const now = this.now();
    const fams = new Map((this.db.prepare('SELECT * FROM rt_families').all() as FamilyRow[]).map((f) => [f.id, f]));
    const rts = this.db.prepare('SELECT * FROM refresh_tokens ORDER BY seq').all() as RefreshTokenRow[];
    const stts = this.db.prepare('SELECT * FROM transfer_tokens ORDER BY seq').all() as TransferTokenRow[];
    const sessions = this.db.prepare('SELECT * FROM sessions ORDER BY seq').all() as SessionRow[];
    return {
      now,
      clock: { mode: this.clockMode, offset_ms: Number(getMeta(this.db, 'clock_offset_ms') ?? '0') },
      faults: [...this.faults],
      interpretations: this.interpretations,
      transfer_token_ttl_seconds: this.config.transfer_token_ttl_seconds,
      tenant: readTenantSettings(this.db),
      domain: this.config.domain,
      clients: listClients(this.db).map((c) => ({ role: c.role, ...c.settings })),
      refreshTokens: rts.map((r) => {
        const f = fams.get(r.family_id)!;
        return {
          id: r.id,
          family: r.family_id,
          familyStatus: f.status,
          status: r.status,
          client_id: f.client_id,
          user: f.user_id,
          organization: f.organization,
          session: f.session_id,
          parent: f.parent_family_id,
          transferBorn: f.transfer_born === 1,
          online: f.online === 1,
          created_at: r.created_at,
          issuedAt: r.created_at,
          familyIssuedAt: f.created_at,
          usedAt: r.used_at,
          previous: r.previous_id,
        };
      }),
      transferTokens: stts.map((t) => ({
        id: t.id,
        user: t.user_id,
        status: t.status === 'issued' && this.expired(t, now) ? 'expired' : t.status,
        statusReason: t.status_reason,
        family: t.family_id,
        refreshToken: t.refresh_token_id,
        client_id: t.client_id,
        organization: t.organization,
        ip: t.ip,
        asn: t.asn,
        issued_at: t.issued_at,
        age_ms: now - t.issued_at,
        session: t.session_id,
      })),
      sessions: sessions.map((s) => ({
        id: s.id,
        user: s.user_id,
        status: s.status,
        via: s.via,
        transferToken: s.transfer_token_id,
        parent: s.parent_family_id,
        organization: s.organization,
        created_at: s.created_at,
        createdAt: s.created_at,
        lastActiveAt: s.last_active_at,
        revoked_reason: s.revoked_reason,
      })),
    };
  }
}
