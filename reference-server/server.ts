// HTTP surface of the reference server (fastify): Auth0-shaped endpoints over the Tenant.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { ConfigError, type Fault, type Interpretations, type ServerConfig, parseConfig, parseFaults, withInterpretations } from './config.js';
import { LogQueryError, queryLogs } from './logs.js';
import { openDb } from './store.js';
import { type Effects, type OAuthFailure, Tenant, WARNINGS, newEffects } from './tenant.js';

export const SESSION_COOKIE = 'auth0';
export const STT_COOKIE = 'auth0_session_transfer_token';

export interface ServerOptions {
  /** Port to bind on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** SQLite file; in-memory when absent. */
  db?: string;
  faults?: readonly string[];
  /** Accept `auth0-forwarded-for` and expose /test/* endpoints and the x-n2w-effects header. */
  testMode?: boolean;
  /** A configuration document (MODEL.md §2 shape, or a §7 scenario) or an already parsed ServerConfig. */
  config?: unknown;
  interpretations?: Partial<Interpretations>;
  /** 'frozen' (default in test mode): time moves only through POST /test/clock. 'real' (default otherwise). */
  clock?: 'real' | 'frozen';
  /**
   * The bearer token the Management API (/api/v2/...) requires. Default: N2W_MANAGEMENT_TOKEN from the
   * environment, else a random one, printed at start (main.ts).
   */
  managementToken?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  /** what /api/v2/... requires as `Authorization: Bearer ...` */
  managementToken: string;
  tenant: Tenant;
  app: FastifyInstance;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error_description ?? body.message ?? body.error));
  }
}

/** How long a seeded race fault waits between its check and its update: a database round trip's worth. */
const RACE_WINDOW_MS = 20;

/**
 * The seeded race faults (racy-redemption, racy-rotation): under the fault, the token's status read now,
 * then an await before the update that trusts it; one request at a time cannot tell, overlapping ones can.
 */
async function racyReads(tenant: Tenant, fault: Fault, kind: 'transfer' | 'refresh', value: string | undefined): Promise<{ value: string; status: string | undefined } | undefined> {
  if (value === undefined || !tenant.has(fault)) return undefined;
  const status = tenant.peekStatus(kind, value);
  await new Promise((r) => setTimeout(r, RACE_WINDOW_MS));
  return { value, status };
}

function invalidRequest(description: string): HttpError {
  return new HttpError(400, { error: 'invalid_request', error_description: description });
}

type Params = Record<string, unknown>;

function paramsOf(v: unknown): Params {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('The request body must be a JSON object or a form.');
  return v as Params;
}

function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Parameter ${name} must be a single string.`);
  return v;
}

function reqStr(p: Params, name: string): string {
  const v = optStr(p, name);
  if (v === undefined || v === '') throw invalidRequest(`Missing required parameter: ${name}`);
  return v;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    let v = part.slice(i + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    try {
      v = decodeURIComponent(v);
    } catch {
      /* keep raw */
    }
    if (k && !(k in out)) out[k] = v;
  }
  return out;
}

const sessionCookie = (v: string) => `${SESSION_COOKIE}=${v}; Path=/; HttpOnly; SameSite=Lax`;
const clearCookie = (name: string) => `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function resolveConfig(config: unknown, interpretations?: Partial<Interpretations>): ServerConfig {
  let c: ServerConfig;
  if (config && typeof config === 'object' && 'native' in config && 'web' in config && 'users' in config && 'networks' in config && 'interpretations' in config) {
    c = config as ServerConfig; // already parsed
  } else c = parseConfig(config);
  if (interpretations) c = withInterpretations(c, interpretations);
  return c;
}

/** A `returnTo` that can go into a Location header: no control characters, nothing beyond Latin-1 (else Node refuses the header). */
const headerSafe = (s: string) => !/[\u0000-\u001f\u007f]|[^\u0000-\u00ff]/.test(s);

export function buildApp(tenant: Tenant, opts: { testMode: boolean; startConfig: ServerConfig; managementToken: string }): FastifyInstance {
  const testMode = opts.testMode;
  const app = Fastify({
    logger: false, bodyLimit: 64 * 1024,
    // what the router refuses before a handler runs (a malformed URL, a path parameter over the limit) is
    // answered in OAuth's vocabulary too, not in the framework's
    frameworkErrors: (err, _req, reply) => {
      const status = typeof (err as { statusCode?: number }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500 ? (err as { statusCode: number }).statusCode : 400;
      void (reply as FastifyReply).code(status).send({ error: 'invalid_request', error_description: err.code === 'FST_ERR_BAD_URL' ? 'The URL is malformed.' : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : err.message });
    },
  });

  // the Management API needs its token, as Auth0's does (constant-time comparison)
  const expected = Buffer.from(`Bearer ${opts.managementToken}`);
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/v2/')) return;
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid bearer token for the Management API.', errorCode: 'invalid_token' });
    }
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, out);
  });

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send(err.body);
    if (err instanceof ConfigError) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message, errorCode: 'invalid_body' });
    const e = err as { statusCode?: number; message?: string; code?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: 'invalid_request', error_description: e.message ?? 'Bad request.' });
    }
    process.stderr.write(`reference-server: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return reply.code(500).send({ error: 'server_error', error_description: 'Internal error.' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', error_description: `No route ${req.method} ${req.url.split('?')[0]}` }));

  const ipOf = (req: FastifyRequest): string => {
    if (testMode) {
      const h = req.headers['auth0-forwarded-for'];
      if (typeof h === 'string' && h.trim() !== '') {
        const ip = h.split(',')[0]!.trim();
        if (!isIP(ip)) throw invalidRequest('auth0-forwarded-for must be an IP address.');
        return ip;
      }
    }
    return req.ip;
  };

  const fxHeaders = (reply: FastifyReply, fx: Effects): void => {
    if (fx.outcome) reply.header('x-n2w-outcome', fx.outcome);
    if (fx.reason) {
      reply.header('x-n2w-reason', fx.reason);
      const w = WARNINGS[fx.reason];
      if (w) reply.header('x-n2w-warning', w);
    }
    if (testMode) reply.header('x-n2w-effects', JSON.stringify(fx));
  };

  const sendFailure = (reply: FastifyReply, f: OAuthFailure, fx: Effects) => {
    if (f.reason) fx.reason = f.reason;
    if (!fx.outcome) fx.outcome = 'rejected';
    fxHeaders(reply, fx);
    reply.header('cache-control', 'no-store');
    return reply.code(f.status).send({ error: f.error, error_description: f.description });
  };

  // R6: the audience names the tenant's configured domain; a request's Host header is the client's to choose.
  // react-native-auth0 builds it from its domain's host, port included: an app pointed at the domain on this
  // server's port (a development set-up) sends urn:{domain}:{port}:session_transfer, also accepted.
  const sttAudiences = (): string[] => {
    const domain = tenant.config.domain;
    const a = app.server.address();
    const port = a !== null && typeof a === 'object' && !domain.includes(':') ? a.port : undefined;
    return [`urn:${domain}:session_transfer`, ...(port === undefined ? [] : [`urn:${domain}:${port}:session_transfer`])];
  };

  // ------------------------------------------------------------------ discovery
  app.get('/.well-known/openid-configuration', async (req) => {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    return {
      issuer: `${base}/`,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      end_session_endpoint: `${base}/v2/logout`,
      grant_types_supported: ['password', 'refresh_token', 'authorization_code'],
      response_types_supported: ['code'],
      session_transfer_audience: `urn:${tenant.config.domain}:session_transfer`,
    };
  });

  // ------------------------------------------------------------------ /oauth/token
  app.post('/oauth/token', async (req, reply) => {
    const p = paramsOf(req.body);
    const grant = reqStr(p, 'grant_type');
    const clientId = reqStr(p, 'client_id');
    const fx = newEffects();
    let r;
    if (grant === 'password') {
      r = tenant.passwordGrant(
        { clientId, username: reqStr(p, 'username'), password: reqStr(p, 'password'), organization: optStr(p, 'organization') || undefined, scope: optStr(p, 'scope'), ip: ipOf(req) },
        fx,
      );
    } else if (grant === 'refresh_token') {
      const refreshToken = reqStr(p, 'refresh_token');
      let audience = optStr(p, 'audience');
      let mint = false;
      if (audience !== undefined && audience !== '') {
        const accepted = sttAudiences();
        if (accepted.includes(audience)) {
          mint = true;
          audience = accepted[0]; // logged as the tenant's audience, whichever form named it
        } else if (/^urn:.*:session_transfer$/.test(audience))
          return sendFailure(reply, { ok: false, status: 403, error: 'access_denied', description: `Service not found: ${audience}` }, fx);
      }
      r = tenant.refreshGrant({ clientId, refreshToken, mint, ip: ipOf(req), audience, staleStatus: (await racyReads(tenant, 'racy-rotation', 'refresh', refreshToken))?.status }, fx);
    } else if (grant === 'authorization_code') {
      r = tenant.codeGrant({ clientId, code: reqStr(p, 'code'), redirectUri: optStr(p, 'redirect_uri') }, fx);
    } else {
      return sendFailure(reply, { ok: false, status: 400, error: 'unsupported_grant_type', description: `Unsupported grant type: ${grant}` }, fx);
    }
    if (!r.ok) return sendFailure(reply, r, fx);
    fxHeaders(reply, fx);
    reply.header('cache-control', 'no-store');
    return reply.code(200).send(r.body);
  });

  // ------------------------------------------------------------------ /authorize
  app.get('/authorize', async (req, reply) => {
    const q = paramsOf(req.query);
    const cookies = parseCookies(req.headers.cookie);
    const queryStt = optStr(q, 'session_transfer_token');
    const input = {
        clientId: reqStr(q, 'client_id'),
        redirectUri: reqStr(q, 'redirect_uri'),
        responseType: reqStr(q, 'response_type'),
        scope: optStr(q, 'scope'),
        state: optStr(q, 'state'),
        organization: optStr(q, 'organization') || undefined,
        prompt: optStr(q, 'prompt'),
        queryStt: queryStt === '' ? undefined : queryStt,
        cookieStt: cookies[STT_COOKIE] || undefined,
        sessionCookie: cookies[SESSION_COOKIE] || undefined,
        ip: ipOf(req),
        staleTransfer: await racyReads(tenant, 'racy-redemption', 'transfer', queryStt || cookies[STT_COOKIE] || undefined),
    };
    // a login the post-login Action decides runs again with its answer (Tenant.withActions)
    const { r, fx } = await tenant.withActions((answers) => {
      const fx = newEffects();
      return { r: tenant.authorize(input, fx, answers), fx };
    });
    if (!r.ok) return sendFailure(reply, r, fx);
    const setCookies: string[] = [];
    if (r.kind === 'code') {
      if (r.setSessionCookie) setCookies.push(sessionCookie(r.setSessionCookie));
    } else if (r.clearSessionCookie) setCookies.push(clearCookie(SESSION_COOKIE));
    if (r.clearSttCookie) setCookies.push(clearCookie(STT_COOKIE));
    if (setCookies.length) reply.header('set-cookie', setCookies);
    fxHeaders(reply, fx);
    reply.header('cache-control', 'no-store');
    return reply.code(302).header('location', r.redirect).send();
  });

  // ------------------------------------------------------------------ login page (WEB_LOGIN)
  app.get('/login', async (req, reply) => {
    const q = paramsOf(req.query);
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'organization']
      .map((k) => [k, q[k]] as const)
      .filter((e): e is readonly [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('');
    reply.header('content-type', 'text/html; charset=utf-8');
    return `<!doctype html><title>Log in</title><form method="post" action="/login">${hidden}<input name="username"><input name="password" type="password"><button>Log in</button></form>`;
  });

  app.post('/login', async (req, reply) => {
    const p = { ...paramsOf(req.query), ...paramsOf(req.body) };
    const cookies = parseCookies(req.headers.cookie);
    const input = {
        username: reqStr(p, 'username'),
        password: reqStr(p, 'password'),
        sessionCookie: cookies[SESSION_COOKIE] || undefined,
        organization: optStr(p, 'organization') || undefined,
        clientId: optStr(p, 'client_id') || undefined,
        redirectUri: optStr(p, 'redirect_uri') || undefined,
        scope: optStr(p, 'scope'),
        state: optStr(p, 'state'),
        ip: ipOf(req),
    };
    const { r, fx } = await tenant.withActions((answers) => {
      const fx = newEffects();
      return { r: tenant.webLogin(input, fx, answers), fx };
    });
    if (!r.ok) return sendFailure(reply, r, fx);
    if (r.denied) {
      // MODEL.md §2: the post-login Action refused the login
      if (r.clearSessionCookie) reply.header('set-cookie', [clearCookie(SESSION_COOKIE)]);
      fxHeaders(reply, fx);
      if (r.redirect) return reply.code(302).header('location', r.redirect).send();
      return reply.code(403).send({ error: 'access_denied', error_description: r.description });
    }
    if (r.setSessionCookie) reply.header('set-cookie', [sessionCookie(r.setSessionCookie)]);
    fxHeaders(reply, fx);
    if (r.redirect) return reply.code(302).header('location', r.redirect).send();
    return reply.code(200).send({ user_id: r.userId, ...(testMode ? { session_id: r.sessionId, session_created: r.sessionCreated } : {}) });
  });

  // ------------------------------------------------------------------ revocation
  app.post('/oauth/revoke', async (req, reply) => {
    const p = paramsOf(req.body);
    const fx = newEffects();
    const r = tenant.revokeRefreshToken({ clientId: reqStr(p, 'client_id'), token: reqStr(p, 'token'), ip: ipOf(req) }, fx);
    if (!r.ok) return sendFailure(reply, r, fx);
    fxHeaders(reply, fx);
    return reply.code(200).send();
  });

  app.get('/v2/logout', async (req, reply) => {
    const q = paramsOf(req.query);
    const returnTo = optStr(q, 'returnTo');
    const clientId = optStr(q, 'client_id') || undefined;
    // checked before the logout: a refused request changes nothing
    if (returnTo) {
      let ok = false;
      try {
        const u = new URL(returnTo);
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && headerSafe(returnTo);
      } catch {
        ok = false;
      }
      if (!ok) throw invalidRequest('returnTo must be an absolute http(s) URL without control characters or characters beyond U+00FF.');
    }
    const fx = newEffects();
    tenant.logout(parseCookies(req.headers.cookie)[SESSION_COOKIE] || undefined, fx, ipOf(req), clientId);
    reply.header('set-cookie', [clearCookie(SESSION_COOKIE)]);
    fxHeaders(reply, fx);
    if (returnTo) return reply.code(302).header('location', returnTo).send();
    return reply.code(200).type('text/plain').send('OK');
  });

  // ------------------------------------------------------------------ Management API
  const mgmtError = (reply: FastifyReply, status: number, message: string, errorCode: string) =>
    reply.code(status).send({ statusCode: status, error: status === 404 ? 'Not Found' : 'Bad Request', message, errorCode });

  app.get<{ Params: { id: string } }>('/api/v2/sessions/:id', async (req, reply) => {
    const v = tenant.sessionView(req.params.id);
    if (!v) return mgmtError(reply, 404, 'The session does not exist.', 'inexistent_session');
    return v;
  });

  app.post<{ Params: { id: string } }>('/api/v2/sessions/:id/revoke', async (req, reply) => {
    const fx = newEffects();
    if (!tenant.adminRevokeSession(req.params.id, fx, ipOf(req))) return mgmtError(reply, 404, 'The session does not exist.', 'inexistent_session');
    fxHeaders(reply, fx);
    return reply.code(202).send();
  });

  // MODEL.md §4's log events, in the Management API's shape (logs.ts: paging and its checks)
  app.get('/api/v2/logs', async (req, reply) => {
    try {
      return queryLogs(tenant.db, paramsOf(req.query));
    } catch (e) {
      if (e instanceof LogQueryError) return mgmtError(reply, 400, e.message, 'invalid_query_string');
      throw e;
    }
  });

  app.get<{ Params: { id: string } }>('/api/v2/clients/:id', async (req, reply) => {
    const v = tenant.clientView(req.params.id);
    if (!v) return mgmtError(reply, 404, 'The client does not exist.', 'inexistent_client');
    return v;
  });

  app.patch<{ Params: { id: string } }>('/api/v2/clients/:id', async (req, reply) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
      return mgmtError(reply, 400, 'Payload validation error: expected a JSON object.', 'invalid_body');
    const v = tenant.patchClient(req.params.id, req.body);
    if (!v) return mgmtError(reply, 404, 'The client does not exist.', 'inexistent_client');
    return v;
  });

  // ------------------------------------------------------------------ test mode
  if (testMode) {
    app.get('/test/state', async () => tenant.state());

    app.post('/test/clock', async (req, reply) => {
      const p = paramsOf(req.body);
      const raw = p.seconds;
      const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86400)
        throw invalidRequest('seconds must be a non-negative number.');
      // what the move expired (and revoked by the online rule) travels in x-n2w-effects, as for any step
      const fx = newEffects();
      const now = tenant.advanceClock(seconds, fx);
      fxHeaders(reply, fx);
      return { now };
    });

    app.post('/test/reset', async (req) => {
      const p = paramsOf(req.body);
      let config = opts.startConfig;
      if (p.config !== undefined) config = parseConfig(p.config);
      if (p.interpretations !== undefined) config = withInterpretations(config, p.interpretations);
      let faults: Fault[] | undefined;
      if (p.faults !== undefined) {
        if (!Array.isArray(p.faults)) throw invalidRequest('faults must be an array of fault names.');
        faults = parseFaults(p.faults, (f) => invalidRequest(`Unknown fault: ${JSON.stringify(f)}`));
      }
      tenant.reset(config, faults);
      return { ok: true, faults: [...tenant.faults], interpretations: tenant.interpretations };
    });
  }

  return app;
}

export async function startServer(o: ServerOptions = {}): Promise<RunningServer> {
  const faults = parseFaults(o.faults ?? [], (f) => new ConfigError('fault', `unknown fault ${JSON.stringify(f)}`));
  const config = resolveConfig(o.config, o.interpretations);
  const testMode = o.testMode ?? false;
  const managementToken = o.managementToken ?? process.env.N2W_MANAGEMENT_TOKEN ?? randomBytes(24).toString('base64url');
  const db = openDb(o.db);
  let app: FastifyInstance;
  let tenant: Tenant;
  try {
    tenant = new Tenant(db, config, faults, o.clock ?? (testMode ? 'frozen' : 'real'));
    app = buildApp(tenant, { testMode, startConfig: config, managementToken });
    await app.listen({ host: '127.0.0.1', port: o.port ?? 0 });
  } catch (e) {
    db.close();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    managementToken,
    tenant,
    app,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      db.close();
    },
  };
}
