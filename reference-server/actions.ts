// Post-login Actions (MODEL.md §2): an Auth0-shaped CommonJS module, `exports.onExecutePostLogin = async
// (event, api) => ...`, run in a node:vm context of its own per login. The event, the api and Date are built
// inside that context (no host object is reachable from the Action), code generation from strings is off, and
// `require` does not exist. `Date` reads the tenant's clock. The Action's calls come back as JSON.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import vm from 'node:vm';
import { ConfigError } from './config.js';

/** MODEL.md §2's event, every field the model lists and no other. */
export interface ActionEvent {
  user: { user_id: string };
  client: { client_id: string };
  organization?: { id: string };
  request: { ip: string; asn: number | null };
  transaction: { protocol: 'oidc-basic-profile' };
  session_transfer_token?: { client_id: string; scope: string | null; request: { ip: string; asn: number | null } };
  session: { id: string; created_at: string; session_transfer?: { parent_refresh_token: { id: string } } };
}

/** What the Action asked. `failed`: it threw, read a field not offered, called a member not offered, or timed out. */
export interface ActionOutcome {
  denied?: string;
  revoked?: string;
  /** epoch ms, the earliest of the Action's calls */
  expiresAt?: number;
  idleExpiresAt?: number;
  failed?: string;
}

/** A module that cannot serve as the Action: a configuration error (400 at /test/reset, exit 2 at start). */
export class ActionLoadError extends ConfigError {
  constructor(message: string) {
    super('config.actions.post-login', message);
  }
}

const SYNC_TIMEOUT_MS = 1000;
const ASYNC_TIMEOUT_MS = 5000;

// Runs first in each context. Unlisted reads throw, so an Action that relies on a field the model does not
// give fails here as it would be a scenario error in the model.
const BOOTSTRAP = new vm.Script(`(() => {
  const NOW = __n2w.now;
  const RealDate = Date;
  class N2wDate extends RealDate {
    constructor(...a) { if (a.length === 0) super(NOW); else super(...a); }
    static now() { return NOW; }
  }
  globalThis.Date = N2wDate;
  globalThis.console = { log() {}, info() {}, warn() {}, error() {}, debug() {} };
  const strict = (o, path) => new Proxy(o, {
    get(t, k, r) {
      if (typeof k === 'symbol' || k in t || k === 'then' || k === 'toJSON') return Reflect.get(t, k, r);
      throw new TypeError(path + '.' + String(k) + ' is not offered (MODEL.md §2 lists the fields and calls an Action may use)');
    },
  });
  const deep = (o, path) => {
    for (const k of Object.keys(o)) if (o[k] && typeof o[k] === 'object') o[k] = deep(o[k], path + '.' + k);
    return strict(o, path);
  };
  const ev = JSON.parse(__n2w.event);
  for (const k of ['organization', 'session_transfer_token']) if (!(k in ev)) ev[k] = undefined;
  if (ev.session && !('session_transfer' in ev.session)) ev.session.session_transfer = undefined;
  const calls = [];
  const reason = (name, r) => { if (typeof r !== 'string') throw new TypeError(name + ': the reason must be a string'); return r; };
  const ms = (name, v) => { if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(name + ': expected epoch milliseconds'); return v; };
  const api = strict({
    access: strict({ deny(r) { calls.push(['deny', reason('api.access.deny', r)]); } }, 'api.access'),
    session: strict({
      revoke(r) { calls.push(['revoke', reason('api.session.revoke', r)]); },
      setExpiresAt(v) { calls.push(['expiresAt', ms('api.session.setExpiresAt', v)]); },
      setIdleExpiresAt(v) { calls.push(['idleExpiresAt', ms('api.session.setIdleExpiresAt', v)]); },
    }, 'api.session'),
  }, 'api');
  globalThis.__n2wRun = async (f) => { await f(deep(ev, 'event'), api); return JSON.stringify(calls); };
})();`);

const wrap = (source: string) => `(function (exports, module) {\n${source}\n})`;

export class PostLoginAction {
  private constructor(
    /** as configured */
    readonly path: string,
    private readonly script: vm.Script,
  ) {}

  /** Reads and checks the module: it must compile and export an onExecutePostLogin function. */
  static load(path: string): PostLoginAction {
    const file = resolve(path);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ActionLoadError(`cannot read ${path}: ${(e as Error).message}`);
    }
    let script: vm.Script;
    try {
      script = new vm.Script(wrap(source), { filename: file, lineOffset: -1 });
    } catch (e) {
      throw new ActionLoadError(`${path} does not compile: ${(e as Error).message}`);
    }
    const a = new PostLoginAction(path, script);
    let kind: string;
    try {
      kind = vm.runInContext('(() => { const m = { exports: {} }; __n2wModule(m.exports, m); return typeof m.exports.onExecutePostLogin; })()', a.context(0, '{}'), { timeout: SYNC_TIMEOUT_MS }) as string;
    } catch (e) {
      throw new ActionLoadError(`${path} throws when loaded: ${String((e as Error)?.message ?? e)}`);
    }
    if (kind !== 'function') throw new ActionLoadError(`${path} does not export onExecutePostLogin (exports.onExecutePostLogin = async (event, api) => { ... })`);
    return a;
  }

  private context(now: number, event: string): vm.Context {
    const ctx = vm.createContext({ __n2w: { now, event } }, { codeGeneration: { strings: false, wasm: false } });
    BOOTSTRAP.runInContext(ctx);
    ctx.__n2wModule = this.script.runInContext(ctx, { timeout: SYNC_TIMEOUT_MS });
    return ctx;
  }

  /** One login's run, in a fresh context; `now` is the tenant's clock (ms). Never throws: a failure is `failed`. */
  async run(event: ActionEvent, now: number): Promise<ActionOutcome> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const ctx = this.context(now, JSON.stringify(event));
      const done = vm.runInContext(
        '(() => { const m = { exports: {} }; __n2wModule(m.exports, m); return __n2wRun(m.exports.onExecutePostLogin); })()',
        ctx,
        { timeout: SYNC_TIMEOUT_MS },
      ) as Promise<string>;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${ASYNC_TIMEOUT_MS} ms`)), ASYNC_TIMEOUT_MS);
      });
      const calls = JSON.parse(await Promise.race([done, timeout])) as [string, string | number][];
      const out: ActionOutcome = {};
      for (const [k, v] of calls) {
        if (k === 'deny' && out.denied === undefined) out.denied = v as string;
        if (k === 'revoke' && out.revoked === undefined) out.revoked = v as string;
        if (k === 'expiresAt') out.expiresAt = Math.min(out.expiresAt ?? Infinity, v as number);
        if (k === 'idleExpiresAt') out.idleExpiresAt = Math.min(out.idleExpiresAt ?? Infinity, v as number);
      }
      return out;
    } catch (e) {
      let message: string;
      try {
        message = String((e as Error)?.message ?? e);
      } catch {
        message = 'unreadable error';
      }
      return { failed: message };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
