// A small Auth0-shaped HTTP client for the reference server's own tests (and a starting point for an adapter):
// one cookie jar per browser, the browser's network sent as `auth0-forwarded-for` (test mode).

import type { RotationType } from './config.js';
import type { Effects } from './tenant.js';

export type { Effects };

export const NETWORKS = { home: '198.51.100.7', cafe: '198.51.100.99', mobile: '203.0.113.20' } as const;
export const REDIRECT_URI = 'http://web.example/callback';

export interface N2wOptions {
  native?: Record<string, unknown>;
  web?: Record<string, unknown>;
  rotation?: RotationType;
  /** added to the native / web client's refresh_token (lifetimes, leeway) */
  nativeRefreshToken?: Record<string, unknown>;
  webRefreshToken?: Record<string, unknown>;
  /** the tenant's session lifetimes, in hours (MODEL.md §8) */
  tenant?: Record<string, unknown>;
  /** MODEL.md §8: web apps after the first (client objects: client_id, session_transfer, refresh_token); `web` becomes a list */
  moreWeb?: Record<string, unknown>[];
}

/**
 * A configuration (MODEL.md §2 shape) where N2W is switched on: the native app mints, the web app takes the
 * token by cookie and query and gives refresh tokens. `native` and `web` add to or override session_transfer.
 */
export function n2wConfig(over: N2wOptions = {}) {
  const web = {
    session_transfer: { allowed_authentication_methods: ['cookie', 'query'], allow_refresh_token: true, ...over.web },
    ...(over.webRefreshToken ? { refresh_token: over.webRefreshToken } : {}),
  };
  return {
    native: {
      session_transfer: { can_create_session_transfer_token: true, ...over.native },
      refresh_token: { rotation_type: over.rotation ?? 'non-rotating', ...over.nativeRefreshToken },
    },
    web: over.moreWeb ? [web, ...over.moreWeb] : web,
    ...(over.tenant ? { tenant: over.tenant } : {}),
  };
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  reason?: string;
  outcome?: string;
  effects?: Effects;
  location?: string;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
  }
  const fx = res.headers.get('x-n2w-effects');
  return {
    status: res.status,
    body,
    headers: res.headers,
    reason: res.headers.get('x-n2w-reason') ?? undefined,
    outcome: res.headers.get('x-n2w-outcome') ?? undefined,
    effects: fx ? (JSON.parse(fx) as Effects) : undefined,
    location: res.headers.get('location') ?? undefined,
  };
}

/** A browser (or the native app's HTTP stack): a cookie jar and a network. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    public ip: string = NETWORKS.home,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    headers.set('auth0-forwarded-for', this.ip);
    // the Management API's token: the tests' servers take it from the environment (vitest.config.ts)
    if (path.startsWith('/api/v2/') && process.env.N2W_MANAGEMENT_TOKEN && !headers.has('authorization')) headers.set('authorization', `Bearer ${process.env.N2W_MANAGEMENT_TOKEN}`);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      const k = pair!.slice(0, i).trim();
      const v = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return toReply(res);
  }

  form(path: string, params: Record<string, string | undefined>): Promise<Reply> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  json(path: string, method: string, body: unknown): Promise<Reply> {
    return this.request(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  }
}

export interface AuthorizeOptions {
  stt?: string;
  method?: 'cookie' | 'query';
  organization?: string;
  offline?: boolean;
  prompt?: string;
  clientId?: string;
}

/** The flows of MODEL.md §3 over HTTP against one server. */
export class Kit {
  constructor(
    readonly url: string,
    readonly nativeId = 'native-app',
    readonly webId = 'web-app',
    readonly domain = 'n2w.test',
  ) {}

  /** A new browser; also the native app's HTTP stack, which keeps no cookies between requests. */
  browser(ip: string = NETWORKS.home): Browser {
    return new Browser(this.url, ip);
  }

  async nativeLogin(user: string, ip: string = NETWORKS.home, organization?: string): Promise<{ rt: string; reply: Reply }> {
    const reply = await this.browser(ip).form('/oauth/token', {
      grant_type: 'password',
      client_id: this.nativeId,
      username: user,
      password: 'password',
      organization,
    });
    if (reply.status !== 200) throw new Error(`native login failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { rt: reply.body.refresh_token as string, reply };
  }

  mint(rt: string, ip: string = NETWORKS.home, clientId = this.nativeId): Promise<Reply> {
    return this.browser(ip).form('/oauth/token', {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: rt,
      audience: `urn:${this.domain}:session_transfer`,
    });
  }

  /** Mint and return the transfer token (throws if refused). */
  async stt(rt: string, ip: string = NETWORKS.home): Promise<string> {
    const r = await this.mint(rt, ip);
    if (r.status !== 200) throw new Error(`mint failed: ${r.status} ${JSON.stringify(r.body)} ${r.reason}`);
    return r.body.access_token as string;
  }

  refresh(rt: string, clientId = this.nativeId): Promise<Reply> {
    return this.browser().form('/oauth/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: rt });
  }

  revoke(rt: string, clientId = this.nativeId): Promise<Reply> {
    return this.browser().form('/oauth/revoke', { client_id: clientId, token: rt });
  }

  authorize(b: Browser, o: AuthorizeOptions = {}): Promise<Reply> {
    const q = new URLSearchParams({
      client_id: o.clientId ?? this.webId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: o.offline ? 'openid profile offline_access' : 'openid profile',
      state: 'xyz',
    });
    if (o.organization) q.set('organization', o.organization);
    if (o.prompt) q.set('prompt', o.prompt);
    if (o.stt !== undefined) {
      if ((o.method ?? 'cookie') === 'query') q.set('session_transfer_token', o.stt);
      else b.cookies.set('auth0_session_transfer_token', o.stt);
    }
    return b.request(`/authorize?${q.toString()}`);
  }

  codeOf(r: Reply): string | undefined {
    if (!r.location || r.location.startsWith('/')) return undefined;
    return new URL(r.location).searchParams.get('code') ?? undefined;
  }

  exchange(code: string, clientId = this.webId): Promise<Reply> {
    return this.browser().form('/oauth/token', { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT_URI });
  }

  /** /authorize, then the code exchange when a code came back. */
  async authorizeAndExchange(b: Browser, o: AuthorizeOptions = {}): Promise<{ auth: Reply; tokens?: Reply }> {
    const auth = await this.authorize(b, o);
    const code = this.codeOf(auth);
    return { auth, tokens: code ? await this.exchange(code, o.clientId) : undefined };
  }

  /** A transfer-token login: alice logs in natively, mints, and a new browser redeems asking offline_access (throws unless it logs in). */
  async transferSession(): Promise<{ rt: string; b: Browser; webRt: string }> {
    const { rt } = await this.nativeLogin('alice');
    const b = this.browser();
    const { auth, tokens } = await this.authorizeAndExchange(b, { stt: await this.stt(rt), offline: true });
    if (auth.outcome !== 'logged_in') throw new Error(`transfer login failed: ${auth.status} ${auth.outcome} ${auth.reason}`);
    return { rt, b, webRt: tokens!.body.refresh_token as string };
  }

  /** Interactive login on the login page; with offline, the code is exchanged and the reply carries the tokens. */
  async webLogin(b: Browser, user: string, offline = false, clientId = this.webId): Promise<{ login: Reply; tokens: Reply }> {
    const login = await b.form('/login', {
      username: user,
      password: 'password',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: offline ? 'openid offline_access' : 'openid',
    });
    const code = this.codeOf(login);
    if (!code) throw new Error(`web login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return { login, tokens: await this.exchange(code, clientId) };
  }

  logout(b: Browser): Promise<Reply> {
    return b.request('/v2/logout');
  }

  adminRevokeSession(id: string): Promise<Reply> {
    return this.browser().request(`/api/v2/sessions/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
  }

  patchClient(id: string, body: unknown): Promise<Reply> {
    return this.browser().json(`/api/v2/clients/${encodeURIComponent(id)}`, 'PATCH', body);
  }

  async state(): Promise<State> {
    const r = await this.browser().request('/test/state');
    return r.body as unknown as State;
  }

  advance(seconds: number): Promise<Reply> {
    return this.browser().json('/test/clock', 'POST', { seconds });
  }

  reset(body: unknown = {}): Promise<Reply> {
    return this.browser().json('/test/reset', 'POST', body);
  }
}

export interface State {
  now: number;
  refreshTokens: {
    id: string; client_id: string; family: string; status: string; familyStatus: string; session: string | null; parent: string | null; online: boolean; transferBorn: boolean; user: string;
    issuedAt: number; familyIssuedAt: number; usedAt: number; previous: string | null;
  }[];
  transferTokens: { id: string; status: string; family: string; session: string | null; user: string }[];
  sessions: {
    id: string; status: string; via: string; parent: string | null; user: string; transferToken: string | null; revoked_reason: string | null;
    createdAt: number; lastActiveAt: number;
  }[];
  faults: string[];
  interpretations: Record<string, unknown>;
}
