// machines/tenant.logic.ts: the tenant's guards and effects, as plain functions over the world.
// tenant.machine.ts names them, orders them and cites the rules; this file implements them. Guards are
// questions about the world; effects change it through a Tx, which routes every status change to the
// artifact's lifecycle machine (lifecycle.ts) and records it in the step's observation.
import { LIFECYCLE, type ArtifactKind } from './lifecycle.js';
import { eventClient, eventClientId, methodAllowed, type ModelEvent, type EventOf } from './events.js';
import { emptyObservation, NO_LOGS, ISSUED_TOKEN_TYPE, type Observation, type Reason } from './observation.js';
import { sessionTransferAudience, WARNING_TEXTS, type LogDetails, type LogEvent, type LogType } from './logs.js';
import type { Setting } from './setting.js';
import { MINT_SCOPE, MODEL_EPOCH_MS, TRANSACTION_PROTOCOL, type ActionEvent } from './actions.js';
import { NATIVE_CLIENT_ID, refreshTokenLifetimes, settingsOf, type ClientSettings } from './config.js';
import {
  activeSuccessor, deviceSession, familyRevoked, indexOfId, lineage, refreshToken, transferToken,
  type DeviceState, type RefreshToken, type Session, type TransferToken, type World,
} from './world.js';

// ---------------------------------------------------------------------------------------------
// Tx: one step's copy-on-write view of the world, and the observation it is building.

type Artifact = RefreshToken | TransferToken | Session;
const LIST = { refreshToken: 'refreshTokens', transferToken: 'transferTokens', session: 'sessions' } as const;

// Artifacts are built by these three literals only, for new artifacts and status changes alike: one key
// order, so one hidden class, per kind. Objects spread from differently ordered fields had several, and
// every reader of them (the fingerprint, the properties) went polymorphic, and a spread costs more than a
// literal. The type checker rejects a literal that misses a field.
type Fields<T> = Omit<T, 'id' | 'status'>;
const refreshTokenAs = (id: string, t: Omit<Fields<RefreshToken>, 'family' | 'usedAt'>, status: RefreshToken['status'], family: string, usedAt: number): RefreshToken => ({
  id, client: t.client, clientId: t.clientId, user: t.user, device: t.device, session: t.session, parent: t.parent, online: t.online,
  organization: t.organization, issuedAt: t.issuedAt, familyIssuedAt: t.familyIssuedAt, previous: t.previous, status, family, usedAt,
});
const transferTokenAs = (id: string, t: Fields<TransferToken>, status: TransferToken['status']): TransferToken => ({
  id, user: t.user, parent: t.parent, family: t.family, device: t.device, network: t.network, ip: t.ip, asn: t.asn,
  organization: t.organization, issuedAt: t.issuedAt, inUrl: t.inUrl, status,
});
type SessionFields = Omit<Fields<Session>, 'parent' | 'lastActiveAt' | 'expiresAt' | 'idleExpiresAt'>;
const sessionAs = (id: string, s: SessionFields, status: Session['status'], parent: string | null, lastActiveAt: number, expiresAt: number | null, idleExpiresAt: number | null): Session => ({
  id, user: s.user, device: s.device, via: s.via, transferToken: s.transferToken, createdAt: s.createdAt, parent, status, lastActiveAt, expiresAt, idleExpiresAt,
});

export interface LifecycleMessage { kind: ArtifactKind; id: string; event: string }

export class Tx {
  clock: number;
  readonly obs: Observation;
  // Performance (the explorer runs ~10^6 steps): the lists, their owned flags and the live system's
  // records are plain fields, the records allocated on first use, and status changes dispatch on the
  // kind without string-keyed look-ups: the step is the explorer's innermost call.
  private createdList: { kind: ArtifactKind; id: string }[] | null = null;
  private sentList: LifecycleMessage[] | null = null;
  // Copy on write: a list or the device record is copied the first time this step changes it, so what a
  // step leaves alone stays shared with the world before (cheap to store, cheap to compare).
  private devicesNow: Readonly<Record<string, DeviceState>>;
  private rts: RefreshToken[];
  private stts: TransferToken[];
  private ss: Session[];
  private ownDevices = false;
  private ownRts = false;
  private ownStts = false;
  private ownSs = false;

  /**
   * `journal`: also keep the artifacts created and the lifecycle events sent, for the live actor system
   * (tenant.machine.ts). The pure step leaves it off: the lists cost an allocation per status change,
   * and the explorer runs ~10^6 steps.
   */
  constructor(readonly setting: Setting, readonly before: World, readonly event: ModelEvent, step: number, private readonly journal = false) {
    this.clock = before.clock;
    this.devicesNow = before.devices;
    this.rts = before.refreshTokens as RefreshToken[];
    this.stts = before.transferTokens as TransferToken[];
    this.ss = before.sessions as Session[];
    this.obs = emptyObservation(step, event);
  }

  /** for the live actor system: artifacts created and lifecycle events sent, in order */
  get created(): { kind: ArtifactKind; id: string }[] { return this.journalled(this.createdList ??= []); }
  get sent(): LifecycleMessage[] { return this.journalled(this.sentList ??= []); }
  private journalled<T>(list: T): T {
    if (!this.journal) throw new Error('Tx: created and sent are kept only for a Tx built with journal = true');
    return list;
  }

  get devices(): Readonly<Record<string, DeviceState>> { return this.devicesNow; }
  get refreshTokens(): readonly RefreshToken[] { return this.rts; }
  get transferTokens(): readonly TransferToken[] { return this.stts; }
  get sessions(): readonly Session[] { return this.ss; }

  /** The world as it stands now in this step. */
  get world(): World {
    // a step that changed nothing answers the world it was given (half the explorer's steps are such
    // refusals, and the same object compares at once)
    if (!this.ownRts && !this.ownStts && !this.ownSs && !this.ownDevices && this.clock === this.before.clock) return this.before;
    return { clock: this.clock, devices: this.devicesNow, refreshTokens: this.rts, transferTokens: this.stts, sessions: this.ss };
  }

  private writableRts(): RefreshToken[] {
    if (!this.ownRts) { this.rts = this.rts.slice(); this.ownRts = true; }
    return this.rts;
  }
  private writableStts(): TransferToken[] {
    if (!this.ownStts) { this.stts = this.stts.slice(); this.ownStts = true; }
    return this.stts;
  }
  private writableSs(): Session[] {
    if (!this.ownSs) { this.ss = this.ss.slice(); this.ownSs = true; }
    return this.ss;
  }

  /** Changes one device's network or session cookie. */
  setDevice(name: string, patch: Partial<DeviceState>): void {
    if (!this.ownDevices) {
      this.devicesNow = { ...this.devicesNow };
      this.ownDevices = true;
    }
    const cur = this.devicesNow[name];
    // the same object as `{ ...cur, ...patch }` (keys network, session in that order), built by one
    // literal so that device records share one shape (reads of them were megamorphic: 7 shapes)
    (this.devicesNow as Record<string, DeviceState>)[name] = cur === undefined ? { ...patch } as DeviceState : {
      network: 'network' in patch ? patch.network! : cur.network,
      session: 'session' in patch ? patch.session! : cur.session,
    };
  }

  /** Sends a lifecycle event to an artifact; true when its machine moved. */
  send(kind: ArtifactKind, id: string, event: string): boolean {
    const i = indexOfId(id);
    const current = (kind === 'refreshToken' ? this.rts : kind === 'transferToken' ? this.stts : this.ss)[i] as Artifact;
    const next = LIFECYCLE[kind][current.status]?.[event];
    if (next === undefined) return false;
    const list = (kind === 'refreshToken' ? this.writableRts() : kind === 'transferToken' ? this.writableStts() : this.writableSs()) as Artifact[];
    list[i] = kind === 'refreshToken' ? refreshTokenAs(id, current as RefreshToken, next as RefreshToken['status'], (current as RefreshToken).family, (current as RefreshToken).usedAt)
      : kind === 'transferToken' ? transferTokenAs(id, current as TransferToken, next as TransferToken['status'])
      : sessionAs(id, current as Session, next as Session['status'], (current as Session).parent, (current as Session).lastActiveAt, (current as Session).expiresAt, (current as Session).idleExpiresAt);
    if (this.journal) this.sent.push({ kind, id, event });
    if (event === 'REVOKE') this.obs.revoked[LIST[kind]].push(id);
    else if (event === 'REDEEM' || event === 'BURN') this.obs.consumed.push(id);
    else if (event === 'EXPIRE') (this.obs.expired ??= { sessions: [], refreshTokens: [], transferTokens: [] })[LIST[kind]].push(id);
    return true;
  }

  /**
   * A new refresh token, issued now. A rotation passes its predecessor's family, the family's start
   * (the absolute lifetime is not extended, LT3) and the predecessor's id (the leeway's, LV1).
   */
  issueRefreshToken(fields: Omit<RefreshToken, 'id' | 'status' | 'family' | 'issuedAt' | 'familyIssuedAt' | 'usedAt' | 'previous'>
    & { family?: string; familyIssuedAt?: number; previous?: string }): RefreshToken {
    const id = `rt${this.refreshTokens.length + 1}`;
    const f = fields, now = this.clock;
    // one literal, no spread of `fields` (a spread of a dozen keys was this function's main cost)
    const rt: RefreshToken = {
      id, client: f.client, clientId: f.clientId, user: f.user, device: f.device, session: f.session, parent: f.parent, online: f.online,
      organization: f.organization, issuedAt: now, familyIssuedAt: f.familyIssuedAt ?? now, previous: f.previous ?? null, status: 'active', family: f.family ?? id, usedAt: now,
    };
    this.writableRts().push(rt);
    if (this.journal) this.created.push({ kind: 'refreshToken', id });
    this.obs.issued.push(id);
    return rt;
  }

  issueTransferToken(fields: Omit<TransferToken, 'id' | 'status'>): TransferToken {
    const id = `stt${this.transferTokens.length + 1}`;
    const stt = transferTokenAs(id, fields, 'issued');
    this.writableStts().push(stt);
    if (this.journal) this.created.push({ kind: 'transferToken', id });
    this.obs.issued.push(id);
    return stt;
  }

  createSession(fields: Omit<Session, 'id' | 'status' | 'createdAt' | 'lastActiveAt' | 'expiresAt' | 'idleExpiresAt'>): Session {
    const id = `s${this.sessions.length + 1}`;
    const f = fields, now = this.clock;
    const s: Session = { id, user: f.user, device: f.device, via: f.via, transferToken: f.transferToken, createdAt: now, parent: f.parent, status: 'active', lastActiveAt: now, expiresAt: null, idleExpiresAt: null };
    this.writableSs().push(s);
    if (this.journal) this.created.push({ kind: 'session', id });
    this.setDevice(fields.device, { session: id });
    return s;
  }

  /** Links a session to a parent family (A6); returns the session as it is now. */
  linkSession(id: string, parent: string): Session {
    const i = indexOfId(id);
    const cur = this.sessions[i];
    const s = sessionAs(id, cur, cur.status, parent, cur.lastActiveAt, cur.expiresAt, cur.idleExpiresAt);
    this.writableSs()[i] = s;
    return s;
  }

  /** MODEL.md §10: a victim's device sent this token in a URL (read-url may learn it). */
  markInUrl(id: string): void {
    const i = indexOfId(id);
    const cur = this.transferTokens[i];
    if (!cur.inUrl) this.writableStts()[i] = transferTokenAs(id, { ...cur, inUrl: true }, cur.status);
  }

  /** A login into the session: its idle timer restarts (LT2); returns the session as it is now. */
  touchSession(id: string): Session {
    const i = indexOfId(id);
    const cur = this.sessions[i];
    if (cur.lastActiveAt === this.clock && cur.idleExpiresAt === null) return cur;
    // an Action's idle deadline lasts until the next login, whose Action may set one again (MODEL.md §2)
    const s = sessionAs(id, cur, cur.status, cur.parent, this.clock, cur.expiresAt, null);
    this.writableSs()[i] = s;
    return s;
  }

  /** MODEL.md §2: an Action's deadlines for a session; the earliest wins, and only one before the lifetimes' counts. */
  setSessionDeadlines(id: string, expiresAt: number | undefined, idleExpiresAt: number | undefined): Session {
    const i = indexOfId(id);
    const cur = this.sessions[i];
    const c = this.setting.config;
    const abs = expiresAt !== undefined && expiresAt < Math.min(cur.expiresAt ?? Infinity, cur.createdAt + c.sessionLifetimeSeconds) ? expiresAt : cur.expiresAt;
    const idle = idleExpiresAt !== undefined && idleExpiresAt < Math.min(cur.idleExpiresAt ?? Infinity, cur.lastActiveAt + c.idleSessionLifetimeSeconds) ? idleExpiresAt : cur.idleExpiresAt;
    if (abs === cur.expiresAt && idle === cur.idleExpiresAt) return cur;
    const s = sessionAs(id, cur, cur.status, cur.parent, cur.lastActiveAt, abs, idle);
    this.writableSs()[i] = s;
    return s;
  }

  /** An exchange with a refresh token that stays active (no rotation): its idle timer restarts (LT4). */
  touchRefreshToken(id: string): void {
    const i = indexOfId(id);
    const cur = this.refreshTokens[i];
    if (cur.usedAt !== this.clock) this.writableRts()[i] = refreshTokenAs(id, cur, cur.status, cur.family, this.clock);
  }

  loggedIn(s: Session, created: boolean): void {
    // what Object.assign did, in the same key order, without the temporary object
    const o = this.obs;
    o.outcome = 'logged_in';
    o.user = s.user;
    o.session = s.id;
    o.sessionCreated = created;
  }

  answer(outcome: Observation['outcome'], reason?: Observation['reason']): void {
    this.obs.outcome = outcome;
    if (reason) this.obs.reason = reason;
  }

  /** Writes a log event (MODEL.md §4's table): from the device's network now, for a client and user. */
  log(type: LogType, clientId: string | undefined, user: string | undefined, device: string | null, details: LogDetails, description?: string): void {
    const o = this.obs;
    if (o.logs === NO_LOGS) o.logs = [];
    const here = device === null ? undefined : this.devicesNow[device];
    const ip = here === undefined ? undefined : this.setting.networks.get(here.network)?.ip;
    // one literal, one key order, one shape: an absent field is undefined (JSON leaves it out), never
    // deleted (a deleted key turns the object into a slow dictionary, and the explorer writes ~10^6 of them)
    const entry: LogEvent = { type, description, client_id: clientId, user_id: user, ip, details };
    o.logs.push(entry);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of effects.

/** Revokes a session; the online-refresh-token rule runs (R27, A17, A19). */
export function revokeSession(tx: Tx, id: string): void {
  if (tx.send('session', id, 'REVOKE')) endSession(tx, id);
}

/** Expires a session (LT1); "revoking or expiring" runs the same online rule (R27). */
function expireSession(tx: Tx, id: string): void {
  if (tx.send('session', id, 'EXPIRE')) endSession(tx, id);
}

/** What follows the end of a session: the browser holds none, and its online refresh tokens are revoked. */
function endSession(tx: Tx, id: string): void {
  const s = tx.sessions[indexOfId(id)];
  if (tx.devices[s.device]?.session === id) tx.setDevice(s.device, { session: null });
  for (const rt of tx.refreshTokens) if (rt.session === id && rt.online) tx.send('refreshToken', rt.id, 'REVOKE');
}

/** Revokes a refresh-token family, its pending transfer tokens (A2), then the cascade (R26, A5). */
export function revokeFamily(tx: Tx, family: string): void {
  const root = tx.refreshTokens[indexOfId(family)];
  for (const rt of tx.refreshTokens) if (rt.family === family) tx.send('refreshToken', rt.id, 'REVOKE');
  for (const stt of tx.transferTokens) if (stt.family === family) tx.send('transferToken', stt.id, 'REVOKE');
  // the flag is read only when the family has transfer-linked children: a configuration's flags are
  // read where they matter (explorer/config-classes.ts explores once per class of configurations)
  const children = tx.sessions.some((s) => s.parent === family) || tx.refreshTokens.some((rt) => rt.parent === family);
  if (!children || !settingsOf(tx.setting.config, root).enforceCascadeRevocation) return;
  // the tokens are found by lineage before the sessions' revocation changes anything
  const tokens = tx.refreshTokens.filter((rt) => lineage(tx, rt) === family).map((rt) => rt.id);
  for (const s of tx.sessions) if (s.parent === family) revokeSession(tx, s.id);
  for (const id of tokens) tx.send('refreshToken', id, 'REVOKE');
}

/** A transfer token from a refresh token, recording the holder device's network now (R11) and the family (A15). */
export function issueTransferTokenFrom(tx: Tx, rt: RefreshToken): void {
  const network = tx.setting.networks.get(tx.devices[rt.device].network)!;
  tx.issueTransferToken({
    user: rt.user, parent: rt.id, family: rt.family, device: rt.device, network: network.name, ip: network.ip,
    asn: network.asn, organization: rt.organization, issuedAt: tx.clock, inUrl: false,
  });
}

/**
 * With rotation on for the token's client, retires the token and issues its successor (R4); without, the
 * exchange restarts the token's idle timer (LT4).
 */
export function rotateIfOn(tx: Tx, rt: RefreshToken): void {
  if (settingsOf(tx.setting.config, rt).rotationType !== 'rotating') { tx.touchRefreshToken(rt.id); return; }
  tx.send('refreshToken', rt.id, 'ROTATE');
  tx.issueRefreshToken(successorOf(rt));
}

/** What a rotation's successor inherits: everything but its own times, and `previous` names the retired token. */
export function successorOf(rt: RefreshToken): Parameters<Tx['issueRefreshToken']>[0] {
  return {
    client: rt.client, clientId: rt.clientId, user: rt.user, device: rt.device, session: rt.session, parent: rt.parent, online: rt.online,
    organization: rt.organization, family: rt.family, familyIssuedAt: rt.familyIssuedAt, previous: rt.id,
  };
}

// ---------------------------------------------------------------------------------------------
// Log events (MODEL.md §4): which step writes what. Details list their keys in one order.

const MINT_AUDIENCE = sessionTransferAudience();
const asnOf = (tx: Tx, device: string): number => tx.setting.networks.get(tx.devices[device].network)!.asn;

/** A mint (with the session_transfer audience, R6) or a refresh at /oauth/token, issued or refused. */
function logExchange(tx: Tx, rt: RefreshToken, mint: boolean, reason?: Reason): void {
  let stt: string | undefined, rotatedTo: string | undefined;
  if (reason === undefined) for (const id of tx.obs.issued) { if (id.charCodeAt(0) === 115 /* s */) stt = id; else rotatedTo = id; }
  const details: LogDetails = {
    audience: mint ? MINT_AUDIENCE : undefined, refresh_token: rt.id, session_transfer_token: stt, rotated_to: rotatedTo, reason,
    asn: mint ? asnOf(tx, rt.device) : undefined,
  };
  tx.log(reason === undefined ? 'sertft' : 'fertft', rt.clientId, rt.user, rt.device, details, reason);
}

/** A login (s), or a login an Action refused (f): R24's flag is true exactly when a transfer token was redeemed. */
function logLogin(tx: Tx, type: 's' | 'f', clientId: string, user: string, device: string, s: Session | null, stt: TransferToken | null, issued: RefreshToken | undefined, description?: string): void {
  // one literal, one shape: absent fields are undefined (JSON leaves them out)
  const details: LogDetails = {
    triggered_by_session_transfer_token: stt !== null, session_id: s?.id, session_transfer_token: stt?.id, parent_refresh_token: stt?.parent,
    issued_refresh_token: issued?.id, reason: type === 'f' ? 'action_denied' : undefined, asn: stt === null ? undefined : asnOf(tx, device),
  };
  tx.log(type, clientId, user, device, details, description);
}

/** A refused redemption's warning (spec §3.3), naming the token presented. */
function logWarning(tx: Tx, e: EventOf<'AUTHORIZE'>, reason: keyof typeof WARNING_TEXTS): void {
  const stt = transferToken(tx.before, e.transferToken!)!;
  tx.log('w', eventClientId(tx.setting, e), stt.user, e.device, { session_transfer_token: stt.id, reason }, WARNING_TEXTS[reason]);
}

/**
 * Within the leeway, the immediately previous token stands in for its successor (LV1): the exchange
 * rotates the family's active token, so the presented one is no longer the immediately previous.
 */
function rotateWithinLeeway(tx: Tx, rt: RefreshToken): void {
  rotateIfOn(tx, activeSuccessor(tx.before, rt)!);
}

/** The presented token was rotated and is not honoured by the leeway (LV1): presenting it is reuse (RTR). */
function reused(m: Setting, w: World, rt: RefreshToken): boolean {
  return rt.status === 'rotated' && !withinLeeway(m, w, rt);
}
function withinLeeway(m: Setting, w: World, rt: RefreshToken): boolean {
  const leeway = settingsOf(m.config, rt).leeway;
  if (leeway === 0) return false;
  const successor = activeSuccessor(w, rt);
  return successor !== undefined && w.clock - successor.issuedAt < leeway;
}

/**
 * A web refresh token, when asked for and allowed. R25 gates every token issued by a login that redeemed a
 * transfer token (even into a same-user session that A6 leaves unlinked) and A26 every token issued off a
 * transfer-linked session. A token takes its session's lineage: under A6 = false a same-user session stays
 * unlinked, and so does the token (the README's Interpretations; the reference server reads it the same
 * way). Transfer-linked tokens carry the web app's online flag (A17). MODEL.md §8: the token belongs to
 * the web app the login was for, and that app's flags decide.
 */
function maybeIssueWebRefreshToken(tx: Tx, s: Session, e: { readonly offlineAccess?: boolean; readonly client?: string }, redeemed: TransferToken | null): RefreshToken | undefined {
  if (!e.offlineAccess) return undefined;
  const web: ClientSettings = eventClient(tx.setting, e);
  if ((s.parent !== null || redeemed !== null) && !web.allowRefreshToken) return undefined;
  return tx.issueRefreshToken({
    client: 'web', clientId: eventClientId(tx.setting, e), user: s.user, device: s.device, session: s.id, parent: s.parent,
    online: s.parent !== null && web.enforceOnlineRefreshTokens, organization: null,
  });
}

/**
 * A mint (a transfer token from the presented refresh token) or a refresh, then the rotation given
 * (`extendsSession: false` is a mutant's: N2 forgotten).
 */
export function exchange(mint: boolean, rotate: (tx: Tx, rt: RefreshToken) => void, extendsSession = true): Effect {
  return (tx, e) => {
    const rt = presentedRefreshToken(tx.before, e);
    if (mint) issueTransferTokenFrom(tx, rt);
    rotate(tx, rt);
    // N2 (Online Refresh Tokens): using an online token keeps its session alive
    if (extendsSession && tx.setting.interpretations.N2) { const s = onlineSession(tx, rt); if (s) tx.touchSession(s.id); }
    tx.answer('issued');
    if (mint) mintAnswer(tx);
  };
}

/** R3: the mint's answer; R4: the successor, when the rotation issued one. */
function mintAnswer(tx: Tx): void {
  const successor = tx.obs.issued.find((id) => id.startsWith('rt'));
  tx.obs.mint = successor === undefined
    ? { tokenType: 'N_A', expiresIn: tx.setting.config.transferTokenTtlSeconds, issuedTokenType: ISSUED_TOKEN_TYPE }
    : { tokenType: 'N_A', expiresIn: tx.setting.config.transferTokenTtlSeconds, issuedTokenType: ISSUED_TOKEN_TYPE, refreshToken: successor };
}

/** The active session an online refresh token is tied to (A17), if any. */
function onlineSession(tx: Tx, rt: RefreshToken): Session | undefined {
  if (!rt.online || rt.session === null) return undefined;
  const s = tx.sessions[indexOfId(rt.session)];
  return s.status === 'active' ? s : undefined;
}

/** The clock's expiry of transfer tokens (R9, A14) and refresh tokens (LT3, LT4; no cascade, A16), at tx.clock. */
export function expireTokens(tx: Tx): void {
  const config = tx.setting.config;
  const ttl = config.transferTokenTtlSeconds;
  for (const stt of tx.transferTokens) if (stt.status === 'issued' && tx.clock - stt.issuedAt >= ttl) tx.send('transferToken', stt.id, 'EXPIRE');
  for (const rt of tx.refreshTokens) {
    if (rt.status !== 'active' && rt.status !== 'rotated') continue;
    const { absolute, idle } = refreshTokenLifetimes(settingsOf(config, rt));
    if ((absolute !== null && tx.clock - rt.familyIssuedAt >= absolute)
      || (idle !== null && rt.status === 'active' && tx.clock - rt.usedAt >= idle)) tx.send('refreshToken', rt.id, 'EXPIRE');
  }
}

/** The active sessions whose absolute or idle lifetime tx.clock has reached (LT1). */
export function sessionsDue(tx: Tx): Session[] {
  const config = tx.setting.config;
  return tx.sessions.filter((s) => s.status === 'active' && (tx.clock - s.createdAt >= config.sessionLifetimeSeconds
    || tx.clock - s.lastActiveAt >= config.idleSessionLifetimeSeconds
    || (s.expiresAt !== null && tx.clock >= s.expiresAt) || (s.idleExpiresAt !== null && tx.clock >= s.idleExpiresAt)));
}

// ---------------------------------------------------------------------------------------------
// Post-login Actions (MODEL.md §2): where a login would succeed, the Action sees it first.

interface Login {
  readonly clientId: string;
  readonly user: string;
  readonly device: string;
  readonly organization: string | undefined;
  /** the transfer token redeemed, on a transfer login */
  readonly stt: TransferToken | null;
  /** the session the login uses, or the id and creation time of the one it would make */
  readonly sessionId: string;
  readonly sessionCreatedAt: number;
}

/** The organization asked, read only for an Action: the explorer counts an event's reads (twins). */
const orgForAction = (tx: Tx, a: EventOf<'AUTHORIZE'>): string | undefined => (tx.setting.action === null ? undefined : a.organization);

/**
 * Runs the configured Action on a login (its caller asks only when there is one). A deny or revoke answers
 * `access_denied`, the transfer token used up as any redemption (the login's log writer then writes `f`).
 */
function runAction(tx: Tx, login: Login): { refused: boolean; expiresAt?: number; idleExpiresAt?: number } {
  const action = tx.setting.action!;
  const net = tx.setting.networks.get(tx.devices[login.device].network)!;
  const stt = login.stt;
  const event: ActionEvent = {
    user: { user_id: login.user },
    client: { client_id: login.clientId },
    organization: login.organization === undefined ? undefined : { id: login.organization },
    request: { ip: net.ip, asn: net.asn },
    transaction: { protocol: TRANSACTION_PROTOCOL },
    session_transfer_token: stt === null ? undefined : {
      client_id: tx.before.refreshTokens[indexOfId(stt.parent)].clientId, scope: MINT_SCOPE, request: { ip: stt.ip, asn: stt.asn },
    },
    session: {
      id: login.sessionId, created_at: new Date(MODEL_EPOCH_MS + login.sessionCreatedAt * 1000).toISOString(),
      session_transfer: stt === null ? undefined : { parent_refresh_token: { id: stt.parent } },
    },
  };
  const a = action.run(event, MODEL_EPOCH_MS + tx.clock * 1000);
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.ceil((ms - MODEL_EPOCH_MS) / 1000));
  const record = { ...(a.denied !== undefined ? { denied: a.denied } : {}), ...(a.revoked !== undefined ? { revoked: a.revoked } : {}),
    ...(a.expiresAtMs !== undefined ? { expiresAt: seconds(a.expiresAtMs) } : {}), ...(a.idleExpiresAtMs !== undefined ? { idleExpiresAt: seconds(a.idleExpiresAtMs) } : {}) };
  tx.obs.action = record;
  if (a.denied === undefined && a.revoked === undefined) return { refused: false, expiresAt: record.expiresAt, idleExpiresAt: record.idleExpiresAt };
  if (stt !== null) tx.send('transferToken', stt.id, 'REDEEM');
  const existing = tx.sessions[indexOfId(login.sessionId)];
  if (a.revoked !== undefined && existing !== undefined) revokeSession(tx, existing.id);
  tx.answer('access_denied', 'action_denied');
  return { refused: true };
}

/**
 * A new session from the presented token, after the Action (R15). The options are a mutant's: an Action's
 * refusal or its deadlines disregarded.
 */
export function sessionFromTransfer(opts: { honourRefusal?: boolean; setDeadlines?: boolean } = {}): Effect {
  return (tx, e) => {
    const a = ev<'AUTHORIZE'>(e);
    const stt = presentedTransferToken(tx.before, a);
    // the login's view is built only for an Action (most steps have none)
    const allowed = tx.setting.action === null ? null : runAction(tx, { clientId: eventClientId(tx.setting, a), user: stt.user, device: a.device, organization: orgForAction(tx, a), stt, sessionId: `s${tx.sessions.length + 1}`, sessionCreatedAt: tx.clock });
    if (allowed?.refused && (opts.honourRefusal ?? true)) return;
    if (!allowed?.refused) tx.send('transferToken', stt.id, 'REDEEM');
    const s = tx.createSession({ user: stt.user, device: a.device, via: 'transfer', transferToken: stt.id, parent: stt.family });
    loggedInWith(tx, s, true, (opts.setDeadlines ?? true) ? allowed : null, a, stt);
  };
}

/** A login the Action let through: its deadlines on the session, the answer, then the web refresh token. */
function loggedInWith(tx: Tx, s: Session, created: boolean, allowed: ReturnType<typeof runAction> | null, e: { readonly offlineAccess?: boolean; readonly client?: string }, redeemed: TransferToken | null): void {
  if (allowed !== null && (allowed.expiresAt !== undefined || allowed.idleExpiresAt !== undefined)) s = tx.setSessionDeadlines(s.id, allowed.expiresAt, allowed.idleExpiresAt);
  tx.loggedIn(s, created);
  maybeIssueWebRefreshToken(tx, s, e, redeemed);
}

// ---------------------------------------------------------------------------------------------
// Guards: questions about the world before the step. Each takes (setting, world, event).

type Guard = (m: Setting, w: World, e: ModelEvent) => boolean;
const ev = <T extends ModelEvent['type']>(e: ModelEvent) => e as EventOf<T>;

const presentedRefreshToken = (w: World, e: ModelEvent): RefreshToken => refreshToken(w, (e as { refreshToken: string }).refreshToken)!;
const presentedTransferToken = (w: World, e: ModelEvent): TransferToken => transferToken(w, ev<'AUTHORIZE'>(e).transferToken!)!;

/** The transfer token is absent, or sent by a method the web app does not allow while A10 = ignored. */
function noUsableTransferToken(m: Setting, e: ModelEvent): boolean {
  const a = ev<'AUTHORIZE'>(e);
  return a.transferToken === undefined || (!methodAllowed(m, a) && m.interpretations.A10 === 'ignored');
}

export const GUARDS = {
  'refresh token revoked?': (_m, w, e) => presentedRefreshToken(w, e).status === 'revoked',
  'refresh token expired?': (_m, w, e) => presentedRefreshToken(w, e).status === 'expired',
  'refresh token reused?': (m, w, e) => reused(m, w, presentedRefreshToken(w, e)),
  // only a rotated token that the leeway honours passes 'refresh token reused?'
  'refresh token rotated, within leeway?': (_m, w, e) => presentedRefreshToken(w, e).status === 'rotated',
  // N1: with the switch on, a reused token is refused by reuse detection (below) even from such a client
  'client may not mint?': (m, w, e) => {
    const rt = presentedRefreshToken(w, e);
    return !settingsOf(m.config, rt).canCreateSessionTransferToken && !(m.interpretations.N1 && reused(m, w, rt));
  },
  'refresh token came from a transfer?': (_m, w, e) => lineage(w, presentedRefreshToken(w, e)) !== null,
  'session revoked?': (_m, w, e) => w.sessions[indexOfId(ev<'REVOKE_SESSION'>(e).session)].status === 'revoked',
  'session expired?': (_m, w, e) => w.sessions[indexOfId(ev<'REVOKE_SESSION'>(e).session)].status === 'expired',

  'no usable transfer token, session present?': (m, w, e) => noUsableTransferToken(m, e) && deviceSession(w, ev<'AUTHORIZE'>(e).device) !== undefined,
  'no usable transfer token, no session?': (m, w, e) => noUsableTransferToken(m, e) && deviceSession(w, ev<'AUTHORIZE'>(e).device) === undefined,
  'method not allowed?': (m, _w, e) => !methodAllowed(m, ev<'AUTHORIZE'>(e)),
  'transfer token not found or expired?': (m, w, e) => {
    const stt = presentedTransferToken(w, e);
    return stt.status === 'consumed' || stt.status === 'rejected' || stt.status === 'expired'
      || w.clock - stt.issuedAt >= m.config.transferTokenTtlSeconds;
  },
  'parent refresh token revoked?': (_m, w, e) => familyRevoked(w, presentedTransferToken(w, e).family),
  'device binding fails?': (m, w, e) => {
    const stt = presentedTransferToken(w, e);
    const here = m.networks.get(w.devices[ev<'AUTHORIZE'>(e).device].network)!;
    const binding = eventClient(m, ev<'AUTHORIZE'>(e)).enforceDeviceBinding;
    return (binding === 'ip' && here.ip !== stt.ip) || (binding === 'asn' && here.asn !== stt.asn);
  },
  'organization mismatch?': (_m, w, e) => (ev<'AUTHORIZE'>(e).organization ?? null) !== presentedTransferToken(w, e).organization,
  'session of another user?': (_m, w, e) => {
    const s = deviceSession(w, ev<'AUTHORIZE'>(e).device);
    return s !== undefined && s.user !== presentedTransferToken(w, e).user;
  },
  'session of the same user?': (_m, w, e) => deviceSession(w, ev<'AUTHORIZE'>(e).device)?.user === presentedTransferToken(w, e).user,
  'session of the signing-in user?': (_m, w, e) => deviceSession(w, ev<'WEB_LOGIN'>(e).device)?.user === ev<'WEB_LOGIN'>(e).user,
} satisfies Record<string, Guard>;
export type GuardName = keyof typeof GUARDS;

// ---------------------------------------------------------------------------------------------
// Effects: what the tenant does. Each takes the step's Tx and the event.

type Effect = (tx: Tx, e: ModelEvent) => void;

/** A redemption check failed: prompt; under A8 the token is used up. */
export const failRedemption = (reason: Reason & keyof typeof WARNING_TEXTS): Effect => (tx, e) => {
  if (tx.setting.interpretations.A8) tx.send('transferToken', ev<'AUTHORIZE'>(e).transferToken!, 'BURN');
  tx.answer('login_required', reason);
};
const prompt = (reason: Reason): Effect => (tx, e) => {
  tx.answer('login_required', reason);
  if (ev<'AUTHORIZE'>(e).transferToken !== undefined && reason === 'no_session') tx.obs.transferTokenIgnored = true;
};
const reject = (reason: Reason): Effect => (tx) => tx.answer('rejected', reason);

export const EFFECTS = {
  issueNativeRefreshToken: (tx, e) => {
    const { user, device, organization } = ev<'NATIVE_LOGIN'>(e);
    tx.issueRefreshToken({ client: 'native', clientId: NATIVE_CLIENT_ID, user, device, session: null, parent: null, online: false, organization: organization ?? null });
    tx.answer('issued');
  },

  rejectRevokedRefreshToken: reject('refresh_token_revoked'),
  rejectExpiredRefreshToken: reject('refresh_token_expired'),
  rejectClientNotAllowed: reject('client_not_allowed'),
  rejectNestedTransfer: reject('nested_transfer_forbidden'),
  detectReuse: (tx, e) => {
    revokeFamily(tx, presentedRefreshToken(tx.before, e).family);
    tx.answer('rejected', 'refresh_token_reused');
  },
  mintTransferToken: exchange(true, rotateIfOn),
  refresh: exchange(false, rotateIfOn),
  // the transfer token records the presented token as its parent, and the rotation moves the family on
  mintWithinLeeway: exchange(true, rotateWithinLeeway),
  refreshWithinLeeway: exchange(false, rotateWithinLeeway),

  revokeRefreshTokenFamily: (tx, e) => {
    const rt = presentedRefreshToken(tx.before, e);
    // N2 (Online Refresh Tokens): revoking an online token ends its session (found before the family goes)
    const s = tx.setting.interpretations.N2 ? onlineSession(tx, rt) : undefined;
    revokeFamily(tx, rt.family);
    if (s) revokeSession(tx, s.id);
    tx.answer('revoked');
  },
  revokeSession: (tx, e) => {
    const r = ev<'REVOKE_SESSION'>(e);
    revokeSession(tx, r.session);
    // A19 'always': the Management API's session revocation ends every refresh token issued to the session,
    // each as a revocation does: its whole family, with its pending transfer tokens (A2) and the cascade
    if (r.by === 'admin' && tx.setting.interpretations.A19 === 'always') {
      const families = [...new Set(tx.refreshTokens.filter((rt) => rt.session === r.session && rt.status !== 'revoked').map((rt) => rt.family))];
      for (const f of families) revokeFamily(tx, f);
    }
    tx.answer('revoked');
  },
  alreadyRevoked: (tx) => tx.answer('ok', 'already_revoked'),
  alreadyExpired: (tx) => tx.answer('ok', 'already_expired'),

  // SSO without a redemption: the Action does not run (MODEL.md §2)
  reuseSession: (tx, e) => {
    const a = ev<'AUTHORIZE'>(e);
    const s = tx.touchSession(deviceSession(tx.before, a.device)!.id);
    tx.loggedIn(s, false);
    if (a.transferToken !== undefined) tx.obs.transferTokenIgnored = true;
    maybeIssueWebRefreshToken(tx, s, a, null);
  },
  promptNoSession: prompt('no_session'),
  promptMethodNotAllowed: prompt('method_not_allowed'),
  promptNotFoundOrExpired: prompt('transfer_token_not_found_or_expired'),
  promptParentRevoked: prompt('parent_refresh_token_revoked'),
  promptBindingFailed: failRedemption('device_binding_failed'),
  promptOrganizationMismatch: failRedemption('organization_mismatch'),
  promptUserMismatch: (tx, e) => {
    revokeSession(tx, deviceSession(tx.before, ev<'AUTHORIZE'>(e).device)!.id);
    failRedemption('user_mismatch')(tx, e);
  },
  reuseSessionWithTransfer: (tx, e) => {
    const a = ev<'AUTHORIZE'>(e);
    const stt = presentedTransferToken(tx.before, a);
    let s = deviceSession(tx.before, a.device)!;
    // the login's view is built only for an Action (most steps have none)
    const allowed = tx.setting.action === null ? null : runAction(tx, { clientId: eventClientId(tx.setting, a), user: stt.user, device: a.device, organization: orgForAction(tx, a), stt, sessionId: s.id, sessionCreatedAt: s.createdAt });
    if (allowed?.refused) return;
    tx.send('transferToken', stt.id, 'REDEEM');
    if (tx.setting.interpretations.A6 && s.parent === null) {
      s = tx.linkSession(s.id, stt.family);
    }
    s = tx.touchSession(s.id);
    loggedInWith(tx, s, false, allowed, a, stt);
  },
  createSessionFromTransfer: sessionFromTransfer(),

  reauthenticate: (tx, e) => {
    const w = ev<'WEB_LOGIN'>(e);
    const before = deviceSession(tx.before, w.device)!;
    // the login's view is built only for an Action (most steps have none)
    const allowed = tx.setting.action === null ? null : runAction(tx, { clientId: eventClientId(tx.setting, w), user: w.user, device: w.device, organization: undefined, stt: null, sessionId: before.id, sessionCreatedAt: before.createdAt });
    if (allowed?.refused) return;
    const s = tx.touchSession(before.id);
    loggedInWith(tx, s, false, allowed, w, null);
  },
  /** an ordinary login replaces another user's session in the browser (A3, A7); an Action's refusal leaves it */
  interactiveLogin: (tx, e) => {
    const w = ev<'WEB_LOGIN'>(e);
    // the login's view is built only for an Action (most steps have none)
    const allowed = tx.setting.action === null ? null : runAction(tx, { clientId: eventClientId(tx.setting, w), user: w.user, device: w.device, organization: undefined, stt: null, sessionId: `s${tx.sessions.length + 1}`, sessionCreatedAt: tx.clock });
    if (allowed?.refused) return;
    const old = deviceSession(tx.before, w.device);
    if (old) revokeSession(tx, old.id);
    const s = tx.createSession({ user: w.user, device: w.device, via: 'login', transferToken: null, parent: null });
    loggedInWith(tx, s, true, allowed, w, null);
  },

  // Time is the only thing that expires artifacts (MODEL.md §8), in this order: transfer tokens (R9, A14),
  // refresh tokens (LT3, LT4; no cascade, A16), sessions (LT1, with the online rule, R27).
  advanceClock: (tx, e) => {
    tx.clock += ev<'ADVANCE_TIME'>(e).seconds;
    expireTokens(tx);
    for (const s of sessionsDue(tx)) expireSession(tx, s.id);
    tx.answer('ok');
  },
  moveDevice: (tx, e) => {
    const { device, network } = ev<'MOVE_DEVICE'>(e);
    tx.setDevice(device, { network });
    tx.answer('ok');
  },
} satisfies Record<string, Effect>;
export type EffectName = keyof typeof EFFECTS;

// ---------------------------------------------------------------------------------------------
// Log writers (MODEL.md §4's table): what each branch writes, run after its effect from the step's
// answer. Apart from the effects, so that a mutant of what the tenant does still logs as its code path
// would, and a mutant of what it logs replaces a writer alone.

type LogWriter = (tx: Tx, e: ModelEvent) => void;
const nothing: LogWriter = () => {};
/** The exchange's sertft or fertft (R6: a mint's with the audience). */
const exchangeLog: LogWriter = (tx, e) => {
  const o = tx.obs;
  logExchange(tx, presentedRefreshToken(tx.before, e), e.type === 'MINT_TRANSFER_TOKEN', o.outcome === 'issued' ? undefined : o.reason as Reason);
};
/** A refused redemption's warning, for the reason of its branch (spec §3.3). */
const warning = (reason: keyof typeof WARNING_TEXTS): LogWriter => (tx, e) => logWarning(tx, ev<'AUTHORIZE'>(e), reason);
/** A login's s, or f when the Action refused it (R24: flagged when it redeems a transfer token). */
const loginLog = (redeems: boolean): LogWriter => (tx, e) => {
  const o = tx.obs;
  const a = e as EventOf<'AUTHORIZE'> | EventOf<'WEB_LOGIN'>;
  const stt = redeems ? presentedTransferToken(tx.before, e) : null;
  const clientId = eventClientId(tx.setting, a);
  if (o.outcome === 'access_denied') {
    logLogin(tx, 'f', clientId, stt?.user ?? (a as EventOf<'WEB_LOGIN'>).user, a.device, null, stt, undefined, o.action?.denied ?? o.action?.revoked);
    return;
  }
  if (o.outcome !== 'logged_in') return;
  const s = tx.sessions[indexOfId(o.session!)];
  let issued: RefreshToken | undefined;
  for (const id of o.issued) if (id.startsWith('rt')) issued = tx.refreshTokens[indexOfId(id)];
  logLogin(tx, 's', clientId, s.user, a.device, s, stt, issued);
};

export const LOG_WRITERS = {
  issueNativeRefreshToken: (tx, e) => {
    const { user, device } = ev<'NATIVE_LOGIN'>(e);
    tx.log('s', NATIVE_CLIENT_ID, user, device, { triggered_by_session_transfer_token: false });
  },
  rejectRevokedRefreshToken: exchangeLog,
  rejectExpiredRefreshToken: exchangeLog,
  rejectClientNotAllowed: exchangeLog,
  rejectNestedTransfer: exchangeLog,
  // reuse detection writes ferrt, then the exchange's own failure (R6 asks one per mint)
  detectReuse: (tx, e) => {
    const rt = presentedRefreshToken(tx.before, e);
    tx.log('ferrt', rt.clientId, rt.user, rt.device, { refresh_token: rt.id, reason: 'refresh_token_reused' }, 'refresh_token_reused');
    exchangeLog(tx, e);
  },
  mintTransferToken: exchangeLog,
  refresh: exchangeLog,
  mintWithinLeeway: exchangeLog,
  refreshWithinLeeway: exchangeLog,
  revokeRefreshTokenFamily: (tx, e) => {
    const rt = presentedRefreshToken(tx.before, e);
    tx.log('srrt', rt.clientId, rt.user, rt.device, { refresh_token: rt.id });
  },
  revokeSession: (tx, e) => {
    const r = ev<'REVOKE_SESSION'>(e);
    const s = tx.before.sessions[indexOfId(r.session)];
    if (r.by === 'admin') tx.log('sapi', undefined, s.user, null, { session_id: s.id }, 'Revoke a session');
    else tx.log('slo', undefined, s.user, s.device, { session_id: s.id });
  },
  alreadyRevoked: nothing,
  alreadyExpired: nothing,
  reuseSession: loginLog(false),
  promptNoSession: nothing,
  promptMethodNotAllowed: warning('method_not_allowed'),
  promptNotFoundOrExpired: warning('transfer_token_not_found_or_expired'),
  promptParentRevoked: warning('parent_refresh_token_revoked'),
  promptBindingFailed: warning('device_binding_failed'),
  promptOrganizationMismatch: warning('organization_mismatch'),
  promptUserMismatch: warning('user_mismatch'),
  reuseSessionWithTransfer: loginLog(true),
  createSessionFromTransfer: loginLog(true),
  reauthenticate: loginLog(false),
  interactiveLogin: loginLog(false),
  advanceClock: nothing,
  moveDevice: nothing,
} satisfies Record<EffectName, LogWriter>;

/** The implementations a tenant machine is built from; a mutant replaces some of them. */
export interface TenantImplementation {
  readonly guards: Readonly<Record<GuardName, Guard>>;
  readonly effects: Readonly<Record<EffectName, Effect>>;
  readonly logs: Readonly<Record<EffectName, LogWriter>>;
}
export const TENANT_IMPLEMENTATION: TenantImplementation = { guards: GUARDS, effects: EFFECTS, logs: LOG_WRITERS };
export type { Guard, Effect, LogWriter };
