// conformance/http-adapter.ts: an adapter for Auth0-shaped servers over HTTP.
//
// Every device of the population is a browser: a cookie jar, and a network whose IP is sent as
// `auth0-forwarded-for` (Auth0's trusted-forwarding header; a server in test mode trusts it). The native
// app of a device sends from the same network. The server's opaque values (refresh tokens, transfer
// tokens, session cookies) are mapped to the model's ids by what each response issued, counted per kind in
// order of creation as the model counts them. When the server reports its effects (`x-n2w-effects`, test
// mode), the server's own ids are mapped too, and the revoked, consumed and expired lists are read from
// there (the clock's answer carries them too: a clock move expires things and revokes by the online rule);
// otherwise those fields are reported as unobserved and the harness does not compare them.
//
// Event -> HTTP (MODEL.md §3):
//   NATIVE_LOGIN          POST /oauth/token grant_type=password (native client), from the device's network
//   MINT_TRANSFER_TOKEN   POST /oauth/token grant_type=refresh_token audience=urn:{domain}:session_transfer,
//                         by the client that holds the token, from the holder device's network
//   REFRESH               POST /oauth/token grant_type=refresh_token, by the client that holds the token
//   REVOKE_REFRESH_TOKEN  POST /oauth/revoke, by the client that holds the token
//   AUTHORIZE             GET /authorize for the event's web app (`client`, MODEL.md §8; absent: the
//                         first), in the device's browser; the transfer token as the cookie
//                         auth0_session_transfer_token or the parameter session_transfer_token (the cookie is
//                         dropped from the jar after the request: it is sent with this one request); with
//                         offlineAccess, a code is exchanged at POST /oauth/token
//   WEB_LOGIN             POST /login for the event's web app in the device's browser, then the code
//                         exchange with offlineAccess
//                         (a web refresh token belongs to the web app whose code it came from, and so do
//                         its rotation successors: that app's client_id refreshes, mints and revokes it)
//   REVOKE_SESSION        a logout: GET /v2/logout in the browser holding the session (none holding it: POST
//                         /api/v2/sessions/{id}/revoke, when the server's session id is known); `by: 'admin'`:
//                         POST /api/v2/sessions/{id}/revoke (the Management API; no credentials in test mode)
//   ADVANCE_TIME          POST /test/clock {seconds}; its x-n2w-effects says what expired and what was revoked
//   MOVE_DEVICE           nothing is sent: the adapter's network for that device changes
//
// After each step the log events it wrote are read (MODEL.md §4 "Logs"): GET /api/v2/logs?from=<the last
// log_id seen>&take=100, oldest first, until a page is short. The reset reads the newest log_id as the
// starting point. Each log's client_id, user_id and the ids in its details are mapped to the model's, as the
// step's answers are; a server without the endpoint (404 at the reset) has its logs unobserved.
import { configToInput, NATIVE_CLIENT_ID, webApps } from '../machines/config.js';
import type { ModelEvent, EventOf } from '../machines/events.js';
import { LOG_TYPES, type LogDetails, type LogEvent, type LogType } from '../machines/logs.js';
import { emptyObservation, type MintAnswer, type Observation, type Outcome } from '../machines/observation.js';
import { indexOfId, type Population } from '../machines/world.js';
import { HarnessError, renameIds, type Adapter, type AdapterSetup, type AdapterStep, type ApplyOptions, type CodeRaceAdapter, type ComparedField, type HttpExchange } from './adapter.js';

export interface HttpAdapterOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  nativeClientId?: string;
  /** the server's client_id for the model's first web app (default: the configuration's, `web-app` unless it names one) */
  webClientId?: string;
  /** MODEL.md §8: the server's client_id per model web client_id, for any web app (default: the same id) */
  webClientIds?: Record<string, string>;
  /** the tenant's domain; the mint audience is `urn:{domain}:session_transfer` unless `audience` is given */
  domain?: string;
  audience?: string;
  /** the web app's callback */
  redirectUri?: string;
  /** login names per model user (default: the user's name) */
  usernames?: Record<string, string>;
  /** passwords per model user (default: `defaultPassword`) */
  passwords?: Record<string, string>;
  defaultPassword?: string;
  /** header carrying the device's IP (default auth0-forwarded-for); null: send none */
  forwardedForHeader?: string | null;
  /** POST here with {config, interpretations, [faults]} to start a run; null: no reset request */
  resetPath?: string | null;
  /** send the configuration and population with the reset (default true) */
  sendConfigOnReset?: boolean;
  /** seeded faults to ask for at each reset (reference server); absent: the server's own */
  faults?: string[];
  /** POST here with {seconds} for ADVANCE_TIME; null: the implementation has no test clock */
  clockPath?: string | null;
  /** a custom reset (replaces the reset request) */
  onReset?: (setup: AdapterSetup, adapter: HttpAdapter) => Promise<void>;
  /** per request (default 10 s); a timeout is a harness error */
  timeoutMs?: number;
  /**
   * the Management API's bearer token (logs, an administrator's session revocation); default:
   * N2W_MANAGEMENT_TOKEN from the environment; the reference server prints its own at start
   */
  managementToken?: string;
  /** extra headers on every request (an API key, say) */
  headers?: Record<string, string>;
  /** the Management API's log events (default /api/v2/logs); null: logs are not read (unobserved) */
  logsPath?: string | null;
  /** the server's user_id per model user, to map logs' user_id (default: the user's name, as the reset sends) */
  userIds?: Record<string, string>;
}

/** GET /api/v2/logs's items as this adapter reads them. */
interface ServerLog {
  log_id?: unknown;
  type?: unknown;
  description?: unknown;
  client_id?: unknown;
  user_id?: unknown;
  ip?: unknown;
  details?: unknown;
}

const RT_DETAILS = ['refresh_token', 'rotated_to', 'parent_refresh_token', 'issued_refresh_token'] as const;
const LOGS_PAGE = 100;

/**
 * MODEL.md §4 reasons an OAuth error says without the server's x-n2w-reason: a client refused the grant, or
 * (LT5) a grant with an expired refresh token, which is `invalid_grant` like every bad token but says so.
 */
function reasonOfError(error: string | undefined, description: string | undefined): Observation['reason'] | undefined {
  if (error === 'unauthorized_client') return 'client_not_allowed';
  if (error === 'invalid_grant' && description !== undefined && /expired/i.test(description) && /refresh.?token/i.test(description)) return 'refresh_token_expired';
  return undefined;
}

const STT_COOKIE = 'auth0_session_transfer_token';
const SESSION_COOKIE = 'auth0';

interface ServerEffects {
  issued?: { refreshTokens?: string[]; transferTokens?: string[]; sessions?: string[] };
  revoked?: { refreshTokens?: string[]; sessions?: string[]; transferTokens?: string[] };
  consumed?: string[];
  /** MODEL.md §8: present only when the request expired something */
  expired?: { sessions?: string[]; refreshTokens?: string[]; transferTokens?: string[] };
  outcome?: string;
  reason?: string;
  session?: string;
  user?: string;
  sessionCreated?: boolean;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
  effects?: ServerEffects;
  location?: string;
}

/** `clientId`: the server's client_id of the client the token belongs to */
interface RtEntry { value: string; serverId?: string; client: 'native' | 'web'; clientId: string; device: string; user?: string }
interface SttEntry { value: string; serverId?: string; user?: string }
interface SessionEntry { cookie?: string; serverId?: string; user?: string; device: string }

/** What one step is building. */
class StepRecord {
  readonly exchanges: HttpExchange[] = [];
  readonly obs: Observation;
  readonly unobserved = new Set<ComparedField>();
  effectsSeen = false;
  constructor(event: ModelEvent, step: number) {
    this.obs = emptyObservation(step, event);
  }
}

export class HttpAdapter implements Adapter, CodeRaceAdapter {
  readonly options: Required<Pick<HttpAdapterOptions, 'nativeClientId' | 'domain' | 'redirectUri' | 'defaultPassword' | 'timeoutMs'>> & HttpAdapterOptions;
  private population: Population = { users: [], networks: [], devices: [] };
  private jars = new Map<string, Map<string, string>>();
  private network = new Map<string, string>();
  private rts: RtEntry[] = [];
  private stts: SttEntry[] = [];
  private sessions: SessionEntry[] = [];
  private byServerId = new Map<string, string>();
  private byCookie = new Map<string, string>();
  /** the model's client_id of the first web app (the one an event naming no client is for) */
  private firstWebClient = 'web-app';
  /** the server's client_id -> the model's (logs name clients the server's way) */
  private modelClientIds = new Map<string, string>();
  /** the last log_id read; undefined: none yet (the server had none at the reset) */
  private logCheckpoint: string | undefined;
  private logsObserved = true;

  constructor(options: HttpAdapterOptions) {
    this.options = {
      nativeClientId: NATIVE_CLIENT_ID, domain: 'n2w.test', redirectUri: 'http://web.example/callback',
      defaultPassword: 'password', timeoutMs: 10_000, ...options, baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  // ------------------------------------------------------------------------------------------ run set-up

  async reset(setup: AdapterSetup): Promise<void> {
    this.population = setup.population;
    this.firstWebClient = setup.config.webClientId;
    this.jars = new Map(setup.population.devices.map((d) => [d.name, new Map()]));
    this.network = new Map(setup.population.devices.map((d) => [d.name, d.network]));
    this.rts = [];
    this.stts = [];
    this.sessions = [];
    this.byServerId = new Map();
    this.byCookie = new Map();
    this.modelClientIds = new Map([[this.options.nativeClientId, NATIVE_CLIENT_ID], ...webApps(setup.config).map((w) => [this.webClientId(w.clientId), w.clientId] as [string, string])]);
    if (this.options.onReset) {
      await this.options.onReset(setup, this);
      return this.logStart();
    }
    const path = this.options.resetPath === undefined ? '/test/reset' : this.options.resetPath;
    if (path === null) return this.logStart();
    const body: Record<string, unknown> = {};
    if (this.options.sendConfigOnReset !== false) {
      body.config = {
        ...configToInput(setup.config),
        world: {
          users: setup.population.users.map((u) => ({ name: this.username(u.name), user_id: u.name, password: this.password(u.name) })),
          networks: setup.population.networks.map((n) => ({ name: n.name, ip: n.ip, asn: n.asn })),
        },
      };
      // MODEL.md §2: the Action's module by its absolute path, so a server started elsewhere finds it
      const action = (setup.config as { postLoginAction?: string | null }).postLoginAction;
      if (typeof action === 'string') (body.config as Record<string, unknown>).actions = { 'post-login': action };
      const i = setup.interpretations;
      body.interpretations = { A6: i.A6, A8: i.A8, A10: i.A10, N1: i.N1, A19: i.A19, N2: i.N2 };
    }
    if (this.options.faults) body.faults = this.options.faults;
    const rec: HttpExchange[] = [];
    const r = await this.send(rec, null, 'POST', path, { json: body });
    if (r.status >= 300) throw new HarnessError(`reset failed: ${r.status} ${r.text.slice(0, 300)}`, rec);
    await this.logStart();
  }

  /** The newest log_id at the start of a run: the steps' logs are those after it. */
  private async logStart(): Promise<void> {
    this.logCheckpoint = undefined;
    this.logsObserved = this.options.logsPath !== null;
    if (!this.logsObserved) return;
    const rec: HttpExchange[] = [];
    const r = await this.send(rec, null, 'GET', `${this.logsPath()}?take=1`, {});
    if (r.status === 404) {
      this.logsObserved = false;
      return;
    }
    const list = this.logList(r, rec);
    if (list.length > 0) this.logCheckpoint = String(list[0]!.log_id);
  }

  private logsPath(): string {
    return this.options.logsPath ?? '/api/v2/logs';
  }

  private logList(r: Reply, rec: HttpExchange[]): ServerLog[] {
    let v: unknown;
    try {
      v = JSON.parse(r.text);
    } catch {
      v = undefined;
    }
    if (r.status === 401) throw new HarnessError(`the logs endpoint answered 401: give the Management API's token (HttpAdapterOptions.managementToken, or N2W_MANAGEMENT_TOKEN; the reference server prints its own at start): ${r.text.slice(0, 200)}`, rec);
    if (r.status !== 200 || !Array.isArray(v)) throw new HarnessError(`the logs endpoint answered ${r.status}: ${r.text.slice(0, 200)}`, rec);
    for (const l of v as ServerLog[]) if (!l || typeof l !== 'object' || typeof l.log_id !== 'string') throw new HarnessError(`a log without a log_id: ${JSON.stringify(l).slice(0, 200)}`, rec);
    return v as ServerLog[];
  }

  /** The log events written since the last read, oldest first, in the model's vocabulary. */
  private async readLogs(rec: StepRecord): Promise<void> {
    const out: LogEvent[] = [];
    for (;;) {
      const q = this.logCheckpoint === undefined ? `take=${LOGS_PAGE}` : `from=${encodeURIComponent(this.logCheckpoint)}&take=${LOGS_PAGE}`;
      const r = await this.send(rec.exchanges, null, 'GET', `${this.logsPath()}?${q}`, {});
      let list = this.logList(r, rec.exchanges);
      // without a `from` the newest come first
      if (this.logCheckpoint === undefined) list = [...list].reverse();
      if (list.length > 0) this.logCheckpoint = String(list[list.length - 1]!.log_id);
      out.push(...list.map((l) => this.modelLog(l)));
      if (list.length < LOGS_PAGE) break;
    }
    rec.obs.logs = out;
  }

  /** A server log with the model's ids: clients, users, and the artifacts its details name. */
  private modelLog(l: ServerLog): LogEvent {
    const type = (LOG_TYPES as readonly string[]).includes(String(l.type)) ? (l.type as LogType) : (String(l.type) as LogType);
    const out: LogEvent = { type };
    if (typeof l.description === 'string') out.description = l.description;
    if (typeof l.client_id === 'string') out.client_id = this.modelClientIds.get(l.client_id) ?? l.client_id;
    if (typeof l.user_id === 'string') out.user_id = this.modelUser(l.user_id);
    if (typeof l.ip === 'string') out.ip = l.ip;
    if (l.details && typeof l.details === 'object') {
      const d = { ...(l.details as Record<string, unknown>) } as LogDetails & Record<string, unknown>;
      const map = (kind: 'rt' | 'stt' | 's', v: unknown) => (typeof v === 'string' ? (this.byServerId.get(`${kind}:${v}`) ?? `?${v}`) : v);
      for (const k of RT_DETAILS) if (k in d) d[k] = map('rt', d[k]) as string;
      if ('session_transfer_token' in d) d.session_transfer_token = map('stt', d.session_transfer_token) as string;
      if ('session_id' in d) d.session_id = map('s', d.session_id) as string;
      out.details = d;
    }
    return out;
  }

  private modelUser(serverUserId: string): string {
    const byOption = Object.entries(this.options.userIds ?? {}).find(([, v]) => v === serverUserId)?.[0];
    return byOption ?? serverUserId;
  }

  // ------------------------------------------------------------------------------------------ events

  async apply(event: ModelEvent, step: number, options: ApplyOptions = {}): Promise<AdapterStep> {
    const rec = new StepRecord(event, step);
    try {
      switch (event.type) {
        case 'NATIVE_LOGIN': await this.nativeLogin(rec, event); break;
        case 'MINT_TRANSFER_TOKEN': await this.grant(rec, event.refreshToken, true); break;
        case 'REFRESH': await this.grant(rec, event.refreshToken, false); break;
        case 'REVOKE_REFRESH_TOKEN': await this.revokeRefreshToken(rec, event.refreshToken); break;
        case 'AUTHORIZE': await this.authorize(rec, event); break;
        case 'WEB_LOGIN': await this.webLogin(rec, event); break;
        case 'REVOKE_SESSION': await this.revokeSession(rec, event.session, event.by ?? 'logout'); break;
        case 'ADVANCE_TIME': await this.advance(rec, event.seconds); break;
        case 'MOVE_DEVICE': this.move(rec, event); break;
      }
    } catch (e) {
      if (e instanceof HarnessError) throw new HarnessError(e.message, rec.exchanges, e.cause ?? e);
      throw new HarnessError(`step ${step} (${event.type}): ${(e as Error).message ?? String(e)}`, rec.exchanges, e);
    }
    try {
      // overlapping steps: which step wrote a log cannot be told from the log list, so none is compared
      if (event.type !== 'MOVE_DEVICE' && this.logsObserved && !options.concurrent) await this.readLogs(rec);
    } catch (e) {
      if (e instanceof HarnessError) throw new HarnessError(e.message, rec.exchanges, e.cause ?? e);
      throw new HarnessError(`step ${step} (${event.type}), reading its logs: ${(e as Error).message ?? String(e)}`, rec.exchanges, e);
    }
    if (!this.logsObserved || options.concurrent) rec.unobserved.add('logs');
    if (!rec.effectsSeen && event.type !== 'MOVE_DEVICE') {
      // a clock move consumes nothing, whoever reports it; what it expires and revokes needs the effects
      if (event.type !== 'ADVANCE_TIME') rec.unobserved.add('consumed');
      rec.unobserved.add('revoked');
      rec.unobserved.add('expired');
    }
    return { observation: rec.obs, exchanges: rec.exchanges, ...(rec.unobserved.size ? { unobserved: [...rec.unobserved] } : {}) };
  }

  /** An id this adapter had no name for when the step answered (`?server-id`), named as it is known now. */
  settle(o: Observation): Observation {
    return renameIds(o, (id) => (id.startsWith('?') ? (['rt', 'stt', 's'].map((k) => this.byServerId.get(`${k}:${id.slice(1)}`)).find((x) => x !== undefined) ?? id) : id));
  }

  /** CodeRaceAdapter: an interactive login on `device`'s browser, stopped at the code the redirect carries. */
  async authorizationCode(device: string, user: string): Promise<string> {
    const log: HttpExchange[] = [];
    this.device(device);
    const r = await this.send(log, device, 'POST', '/login', {
      form: new URLSearchParams({
        username: this.username(user), password: this.password(user), client_id: this.webClientId(undefined),
        redirect_uri: this.options.redirectUri, response_type: 'code', scope: 'openid profile offline_access', state: 'n2w-code-race',
      }).toString(),
    });
    const code = r.location ? new URL(r.location, this.options.baseUrl + '/').searchParams.get('code') : null;
    if (!code) throw new HarnessError(`the login gave no code (${r.status}${r.location ? ` -> ${r.location}` : ''})`, log);
    return code;
  }

  /** CodeRaceAdapter: the web app's one exchange of `code`. */
  async redeemCode(code: string, device: string): Promise<{ status: number; exchanges: HttpExchange[] }> {
    const log: HttpExchange[] = [];
    const r = await this.send(log, device, 'POST', '/oauth/token', {
      form: new URLSearchParams({ grant_type: 'authorization_code', client_id: this.webClientId(undefined), code, redirect_uri: this.options.redirectUri }).toString(),
      cookies: false,
    });
    return { status: r.status, exchanges: log };
  }

  private async nativeLogin(rec: StepRecord, e: EventOf<'NATIVE_LOGIN'>): Promise<void> {
    this.device(e.device);
    const r = await this.form(rec, e.device, '/oauth/token', {
      grant_type: 'password', client_id: this.options.nativeClientId, username: this.username(e.user), password: this.password(e.user),
      // MODEL.md §2: what a native login asks for, which an Action reads as the transfer token's scope
      organization: e.organization, scope: 'openid offline_access',
    }, false);
    this.readEffects(rec, r);
    if (r.status === 200 && typeof r.json.refresh_token === 'string') {
      this.registerRt(rec, r.json.refresh_token, r.effects?.issued?.refreshTokens?.[0], { client: 'native', clientId: this.options.nativeClientId, device: e.device, user: e.user });
      this.answer(rec, 'issued', r);
    } else this.fail(rec, r);
  }

  private async grant(rec: StepRecord, rtId: string, mint: boolean): Promise<void> {
    const rt = this.rt(rtId);
    const r = await this.form(rec, rt.device, '/oauth/token', {
      grant_type: 'refresh_token', client_id: rt.clientId, refresh_token: rt.value,
      audience: mint ? (this.options.audience ?? `urn:${this.options.domain}:session_transfer`) : undefined,
    }, false);
    this.readEffects(rec, r);
    if (r.status !== 200) return this.fail(rec, r);
    const fx = r.effects?.issued;
    if (mint) {
      if (typeof r.json.access_token !== 'string') throw new HarnessError(`mint: 200 without an access_token: ${r.text.slice(0, 200)}`, rec.exchanges);
      this.registerStt(rec, r.json.access_token, fx?.transferTokens?.[0], rt.user);
    }
    let successor: string | undefined;
    if (typeof r.json.refresh_token === 'string' && r.json.refresh_token !== rt.value) {
      successor = this.registerRt(rec, r.json.refresh_token, fx?.refreshTokens?.[0], { client: rt.client, clientId: rt.clientId, device: rt.device, user: rt.user });
    }
    if (mint) {
      // R3, R4: the mint's answer as the server gave it
      rec.obs.mint = {
        tokenType: r.json.token_type, expiresIn: r.json.expires_in, issuedTokenType: r.json.issued_token_type,
        ...(successor !== undefined ? { refreshToken: successor } : {}),
      } as MintAnswer;
    }
    this.answer(rec, 'issued', r);
  }

  private async revokeRefreshToken(rec: StepRecord, rtId: string): Promise<void> {
    const rt = this.rt(rtId);
    const r = await this.form(rec, rt.device, '/oauth/revoke', {
      client_id: rt.clientId, token: rt.value,
    }, false);
    this.readEffects(rec, r);
    if (r.status !== 200) return this.fail(rec, r);
    this.answer(rec, 'revoked', r);
  }

  private async authorize(rec: StepRecord, e: EventOf<'AUTHORIZE'>): Promise<void> {
    const jar = this.device(e.device);
    const clientId = this.webClientId(e.client);
    const q = new URLSearchParams({
      client_id: clientId, redirect_uri: this.options.redirectUri, response_type: 'code',
      scope: e.offlineAccess ? 'openid profile offline_access' : 'openid profile', state: `n2w-${rec.obs.step}`,
    });
    if (e.organization !== undefined) q.set('organization', e.organization);
    if (e.transferToken !== undefined) {
      const stt = this.stt(e.transferToken);
      if ((e.method ?? 'cookie') === 'query') q.set('session_transfer_token', stt.value);
      else jar.set(STT_COOKIE, stt.value);
    }
    const before = jar.get(SESSION_COOKIE);
    let r: Reply;
    try {
      r = await this.send(rec.exchanges, e.device, 'GET', `/authorize?${q.toString()}`, {});
    } finally {
      jar.delete(STT_COOKIE);
    }
    this.readEffects(rec, r);
    await this.afterLoginRedirect(rec, r, e.device, before, e.offlineAccess, undefined, clientId);
  }

  private async webLogin(rec: StepRecord, e: EventOf<'WEB_LOGIN'>): Promise<void> {
    const jar = this.device(e.device);
    const before = jar.get(SESSION_COOKIE);
    const clientId = this.webClientId(e.client);
    const r = await this.form(rec, e.device, '/login', {
      username: this.username(e.user), password: this.password(e.user), client_id: clientId,
      redirect_uri: this.options.redirectUri, response_type: 'code',
      scope: e.offlineAccess ? 'openid profile offline_access' : 'openid profile', state: `n2w-${rec.obs.step}`,
    }, true);
    this.readEffects(rec, r);
    await this.afterLoginRedirect(rec, r, e.device, before, e.offlineAccess, e.user, clientId);
  }

  /** A /authorize or /login answer: a code (logged in), the login page or an error redirect (prompt). */
  private async afterLoginRedirect(
    rec: StepRecord, r: Reply, device: string, cookieBefore: string | undefined, offline: boolean | undefined, loginUser: string | undefined, clientId: string,
  ): Promise<void> {
    const where = r.location ? new URL(r.location, this.options.baseUrl + '/') : undefined;
    const code = where?.searchParams.get('code') ?? undefined;
    if (r.status >= 300 && r.status < 400 && code) {
      const jar = this.device(device);
      const cookie = jar.get(SESSION_COOKIE);
      const fxSession = r.effects?.session;
      const createdServerId = r.effects?.issued?.sessions?.[0];
      let sessionId: string | undefined;
      let created: boolean;
      if (createdServerId !== undefined || (cookie !== undefined && cookie !== cookieBefore && !this.byCookie.has(cookie))) {
        sessionId = this.registerSession(createdServerId, cookie !== cookieBefore ? cookie : undefined, device, r.effects?.user ?? loginUser);
        created = true;
      } else {
        sessionId = (fxSession !== undefined ? this.byServerId.get(`s:${fxSession}`) : undefined) ?? (cookie !== undefined ? this.byCookie.get(cookie) : undefined);
        created = false;
      }
      if (fxSession !== undefined && sessionId === undefined) sessionId = `?${fxSession}`;
      if (r.effects?.sessionCreated !== undefined) created = r.effects.sessionCreated;
      const entry = sessionId ? this.sessions[indexOfId(sessionId)] : undefined;
      const user = r.effects?.user ?? entry?.user ?? loginUser;
      Object.assign(rec.obs, { outcome: 'logged_in' as Outcome, session: sessionId, sessionCreated: created, ...(user !== undefined ? { user } : {}) });
      if (user === undefined) rec.unobserved.add('user');
      if (sessionId === undefined) rec.unobserved.add('session');
      if (offline) await this.exchangeCode(rec, code, device, entry?.user ?? user, clientId);
      return;
    }
    if (r.status >= 300 && r.status < 400 && where?.searchParams.get('error') === 'access_denied') {
      // MODEL.md §2: the post-login Action refused the login (a revoke also ended the browser's session)
      rec.obs.outcome = 'access_denied';
      rec.obs.reason = (r.headers.get('x-n2w-reason') ?? r.effects?.reason ?? 'action_denied') as Observation['reason'];
      return;
    }
    if (r.status >= 300 && r.status < 400 && where && (where.pathname.endsWith('/login') || where.searchParams.get('error') === 'login_required')) {
      rec.obs.outcome = 'login_required';
      const reason = r.headers.get('x-n2w-reason') ?? r.effects?.reason;
      if (reason) rec.obs.reason = reason as Observation['reason'];
      else rec.unobserved.add('reason');
      return;
    }
    this.fail(rec, r);
  }

  /** The code is exchanged by the web app it was issued to, which the refresh token then belongs to. */
  private async exchangeCode(rec: StepRecord, code: string, device: string, user: string | undefined, clientId: string): Promise<void> {
    const r = await this.form(rec, device, '/oauth/token', {
      grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: this.options.redirectUri,
    }, false);
    this.readEffects(rec, r);
    if (r.status !== 200) {
      (rec.obs as Observation & { codeExchange?: string }).codeExchange = `${r.status} ${String(r.json.error ?? r.text.slice(0, 100))}`;
      return;
    }
    if (typeof r.json.refresh_token === 'string') {
      this.registerRt(rec, r.json.refresh_token, r.effects?.issued?.refreshTokens?.[0], { client: 'web', clientId, device, user });
    }
  }

  /**
   * A logout is GET /v2/logout in the browser holding the session; when none does (the session is over, as
   * far as a browser can tell), the Management API's revoke by id, which then changes nothing either. An
   * administrator's revoke (`by: 'admin'`) is always POST /api/v2/sessions/{id}/revoke.
   */
  private async revokeSession(rec: StepRecord, sId: string, by: 'logout' | 'admin'): Promise<void> {
    const s = this.sessions[indexOfId(sId)];
    if (!s) throw new HarnessError(`REVOKE_SESSION: the implementation never created a session the model calls ${sId}`, rec.exchanges);
    let r: Reply;
    const holder = by === 'logout' ? [...this.jars].find(([, jar]) => s.cookie !== undefined && jar.get(SESSION_COOKIE) === s.cookie)?.[0] : undefined;
    if (holder !== undefined) {
      r = await this.send(rec.exchanges, holder, 'GET', '/v2/logout', {});
    } else if (s.serverId !== undefined) {
      r = await this.send(rec.exchanges, null, 'POST', `/api/v2/sessions/${encodeURIComponent(s.serverId)}/revoke`, {});
    } else {
      // No browser holds it and its server id is unknown: nothing to call; most likely it is already over.
      rec.obs.outcome = 'ok';
      rec.obs.reason = 'already_revoked';
      for (const f of ['outcome', 'reason', 'revoked'] as const) rec.unobserved.add(f);
      return;
    }
    this.readEffects(rec, r);
    if (r.status >= 400) return this.fail(rec, r);
    this.answer(rec, 'revoked', r);
  }

  private async advance(rec: StepRecord, seconds: number): Promise<void> {
    const path = this.options.clockPath === undefined ? '/test/clock' : this.options.clockPath;
    if (path === null) throw new HarnessError('ADVANCE_TIME: the implementation has no test clock (clockPath is null)');
    const r = await this.send(rec.exchanges, null, 'POST', path, { json: { seconds } });
    if (r.status >= 300) throw new HarnessError(`the test clock answered ${r.status}: ${r.text.slice(0, 200)}`, rec.exchanges);
    this.readEffects(rec, r);
    rec.obs.outcome = 'ok';
  }

  private move(rec: StepRecord, e: EventOf<'MOVE_DEVICE'>): void {
    this.device(e.device);
    if (!this.population.networks.some((n) => n.name === e.network)) throw new HarnessError(`MOVE_DEVICE: unknown network ${e.network}`);
    this.network.set(e.device, e.network);
    rec.obs.outcome = 'ok';
  }

  // ------------------------------------------------------------------------------------------ observations

  /** The outcome the HTTP status gave, unless the server said more (x-n2w-outcome). */
  private answer(rec: StepRecord, outcome: Outcome, r: Reply): void {
    const said = r.headers.get('x-n2w-outcome') ?? r.effects?.outcome;
    rec.obs.outcome = (said ?? outcome) as Outcome;
    const reason = r.headers.get('x-n2w-reason') ?? r.effects?.reason;
    if (reason) rec.obs.reason = reason as Observation['reason'];
  }

  /** A refused grant or an unexpected answer. */
  private fail(rec: StepRecord, r: Reply): void {
    const error = typeof r.json.error === 'string' ? r.json.error : undefined;
    const said = r.headers.get('x-n2w-reason') ?? r.effects?.reason;
    const expected = r.status >= 400 && r.status < 500;
    rec.obs.outcome = (expected ? (r.headers.get('x-n2w-outcome') ?? 'rejected') : 'rejected') as Outcome;
    const reason = said ?? reasonOfError(error, typeof r.json.error_description === 'string' ? r.json.error_description : undefined);
    if (reason) rec.obs.reason = reason as Observation['reason'];
    else rec.unobserved.add('reason');
    (rec.obs as Observation & { http?: string }).http = `${r.status}${error ? ` ${error}` : ''}${r.location ? ` -> ${r.location}` : ''}`;
  }

  private readEffects(rec: StepRecord, r: Reply): void {
    const fx = r.effects;
    if (!fx) return;
    rec.effectsSeen = true;
    const map = (kind: 'rt' | 'stt' | 's', ids: string[] | undefined) => (ids ?? []).map((id) => this.byServerId.get(`${kind}:${id}`) ?? `?${id}`);
    rec.obs.revoked.refreshTokens.push(...map('rt', fx.revoked?.refreshTokens));
    rec.obs.revoked.sessions.push(...map('s', fx.revoked?.sessions));
    rec.obs.revoked.transferTokens.push(...map('stt', fx.revoked?.transferTokens));
    rec.obs.consumed.push(...map('stt', fx.consumed));
    const expired = { sessions: map('s', fx.expired?.sessions), refreshTokens: map('rt', fx.expired?.refreshTokens), transferTokens: map('stt', fx.expired?.transferTokens) };
    if (expired.sessions.length + expired.refreshTokens.length + expired.transferTokens.length > 0) rec.obs.expired = expired;
  }

  private registerRt(rec: StepRecord, value: string, serverId: string | undefined, meta: Omit<RtEntry, 'value' | 'serverId'>): string {
    this.rts.push({ value, serverId, ...meta });
    const id = `rt${this.rts.length}`;
    if (serverId !== undefined) this.byServerId.set(`rt:${serverId}`, id);
    rec.obs.issued.push(id);
    return id;
  }

  private registerStt(rec: StepRecord, value: string, serverId: string | undefined, user: string | undefined): string {
    this.stts.push({ value, serverId, user });
    const id = `stt${this.stts.length}`;
    if (serverId !== undefined) this.byServerId.set(`stt:${serverId}`, id);
    rec.obs.issued.push(id);
    return id;
  }

  private registerSession(serverId: string | undefined, cookie: string | undefined, device: string, user: string | undefined): string {
    this.sessions.push({ serverId, cookie, device, user });
    const id = `s${this.sessions.length}`;
    if (serverId !== undefined) this.byServerId.set(`s:${serverId}`, id);
    if (cookie !== undefined) this.byCookie.set(cookie, id);
    return id;
  }

  // ------------------------------------------------------------------------------------------ plumbing

  /**
   * The server's client_id for a model web app (MODEL.md §8: an event's `client`, absent for the first):
   * `webClientIds` maps any, `webClientId` the first; otherwise the model's own id, which the reset sends.
   */
  private webClientId(modelClient: string | undefined): string {
    const id = modelClient ?? this.firstWebClient;
    const mapped = this.options.webClientIds?.[id];
    if (mapped !== undefined) return mapped;
    return id === this.firstWebClient && this.options.webClientId !== undefined ? this.options.webClientId : id;
  }

  private username(user: string): string { return this.options.usernames?.[user] ?? user; }
  private password(user: string): string { return this.options.passwords?.[user] ?? this.options.defaultPassword; }

  private device(name: string): Map<string, string> {
    const jar = this.jars.get(name);
    if (!jar) throw new HarnessError(`unknown device ${name}`);
    return jar;
  }

  private rt(id: string): RtEntry {
    const rt = this.rts[indexOfId(id)];
    if (!rt || !/^rt\d+$/.test(id)) throw new HarnessError(`the implementation never issued a refresh token the model calls ${id}`);
    return rt;
  }

  private stt(id: string): SttEntry {
    const stt = this.stts[indexOfId(id)];
    if (!stt || !/^stt\d+$/.test(id)) throw new HarnessError(`the implementation never issued a transfer token the model calls ${id}`);
    return stt;
  }

  private ipOf(device: string | null): string | undefined {
    if (device === null) return undefined;
    const net = this.network.get(device);
    return this.population.networks.find((n) => n.name === net)?.ip;
  }

  /** A form POST; `browser`: with the device's cookies (a page), else from its app (no cookies). */
  private form(rec: StepRecord, device: string, path: string, params: Record<string, string | undefined>, browser: boolean): Promise<Reply> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
    return this.send(rec.exchanges, device, 'POST', path, { form: body.toString(), cookies: browser });
  }

  /** One request. `device`: sent from that device's network, with its browser's cookies unless cookies=false. */
  async send(log: HttpExchange[], device: string | null, method: string, path: string, o: { json?: unknown; form?: string; cookies?: boolean }): Promise<Reply> {
    const headers: Record<string, string> = { ...(this.options.headers ?? {}) };
    const ip = this.ipOf(device);
    const fwd = this.options.forwardedForHeader === undefined ? 'auth0-forwarded-for' : this.options.forwardedForHeader;
    if (ip && fwd) headers[fwd] = ip;
    const token = this.options.managementToken ?? process.env.N2W_MANAGEMENT_TOKEN;
    if (token && path.startsWith('/api/v2/') && headers.authorization === undefined) headers.authorization = `Bearer ${token}`;
    const jar = device !== null && o.cookies !== false ? this.jars.get(device) : undefined;
    if (jar && jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (o.json !== undefined) { body = JSON.stringify(o.json); headers['content-type'] = 'application/json'; }
    else if (o.form !== undefined) { body = o.form; headers['content-type'] = 'application/x-www-form-urlencoded'; }
    const url = this.options.baseUrl + path;
    const exchange: HttpExchange = { method, url, requestHeaders: headers, ...(body !== undefined ? { requestBody: body } : {}), status: 0, responseHeaders: {} };
    log.push(exchange);
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const what = err.name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : `${err.message}${err.cause?.code ? ` (${err.cause.code})` : ''}`;
      exchange.ms = performance.now() - t0;
      throw new HarnessError(`${method} ${url}: ${what}`, log, e);
    }
    exchange.ms = performance.now() - t0;
    exchange.status = res.status;
    res.headers.forEach((v, k) => { exchange.responseHeaders[k] = v; });
    const setCookies = res.headers.getSetCookie();
    if (setCookies.length) exchange.responseHeaders['set-cookie'] = setCookies.join('\n');
    if (text) exchange.responseBody = text;
    if (jar || (device !== null && o.cookies !== false)) this.storeCookies(device!, setCookies);
    let json: Record<string, unknown> = {};
    if (text) {
      try {
        const v = JSON.parse(text) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
      } catch { /* not JSON */ }
    }
    const fxHeader = res.headers.get('x-n2w-effects');
    let effects: ServerEffects | undefined;
    if (fxHeader) {
      try { effects = JSON.parse(fxHeader) as ServerEffects; } catch { throw new HarnessError(`unreadable x-n2w-effects header: ${fxHeader.slice(0, 200)}`, log); }
    }
    return { status: res.status, headers: res.headers, text, json, effects, location: res.headers.get('location') ?? undefined };
  }

  private storeCookies(device: string, setCookies: string[]): void {
    const jar = this.jars.get(device);
    if (!jar) return;
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      if (i < 0) continue;
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || (/^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || v === '') jar.delete(k);
      else jar.set(k, v);
    }
  }
}

export function createHttpAdapter(options: HttpAdapterOptions): HttpAdapter {
  return new HttpAdapter(options);
}
