// machines/actions.ts: post-login Actions (MODEL.md §2), run inside the model's step.
// An Action is the reviewer's own module in Auth0's shape. The step is synchronous (the explorer runs
// millions of them), so the module runs in a node:vm context whose microtasks drain when a script ends
// (`microtaskMode: 'afterEvaluate'`): an async Action that awaits only what the sandbox offers has settled
// when the call returns. The sandbox offers no require, no timers, no network, no Math.random, and a Date
// that reads the model's clock, so the same event gives the same answer; answers are cached by the event.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** Clock 0 of the model, as the Action's Date sees it. */
export const MODEL_EPOCH_MS = Date.UTC(2026, 0, 1);
export const TRANSACTION_PROTOCOL = 'oidc-basic-profile';
/** What a native login asks for, as the transfer token's `scope` records it. */
export const MINT_SCOPE = 'openid offline_access';

/** The event an Action sees: exactly the fields of MODEL.md §2's table. */
export interface ActionEvent {
  user: { user_id: string };
  client: { client_id: string };
  organization: { id: string } | undefined;
  request: { ip: string; asn: number };
  transaction: { protocol: string };
  session_transfer_token: { client_id: string; scope: string; request: { ip: string; asn: number } } | undefined;
  session: { id: string; created_at: string; session_transfer: { parent_refresh_token: { id: string } } | undefined };
}

/** What the Action asked, deadlines in epoch milliseconds as it gave them. */
export interface ActionAnswer {
  readonly denied?: string;
  readonly revoked?: string;
  readonly expiresAtMs?: number;
  readonly idleExpiresAtMs?: number;
}

/** An Action that throws or uses what the model does not offer: a scenario error naming the file and the call. */
export class ActionError extends Error {
  constructor(readonly file: string, readonly call: string, readonly detail: string) {
    super(`${file}: ${call}: ${detail}`);
    this.name = 'ActionError';
  }
}

export interface PostLoginAction {
  /** the module's path, as the configuration resolved it */
  readonly file: string;
  run(event: ActionEvent, nowMs: number): ActionAnswer;
  /** distinct events asked so far, and calls answered from the cache (for the README's cost figures) */
  readonly stats: { runs: number; cached: number };
}

// Members of JavaScript's own protocol that code reads from any object (await, JSON, string conversion).
const PROTOCOL = new Set(['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'hasOwnProperty', 'inspect', 'nodeType', '$$typeof']);

const loaded = new Map<string, PostLoginAction>();

/** The package's root folder (where package.json is), from the sources or from dist/: for files it ships. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('n2w: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The Action in this file, loaded once per process. Throws ActionError for a file that cannot be one. */
export function loadPostLoginAction(file: string): PostLoginAction {
  let a = loaded.get(file);
  if (!a) { a = compile(file); loaded.set(file, a); }
  return a;
}

function compile(file: string): PostLoginAction {
  let source: string;
  try { source = readFileSync(file, 'utf8'); } catch (e) {
    throw new ActionError(file, 'load', `cannot read the Action module (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const context = vm.createContext({}, { microtaskMode: 'afterEvaluate', codeGeneration: { strings: false, wasm: false } });
  // the sandbox's globals: a Date on the model's clock; require, timers and Math.random refuse
  new vm.Script(`(() => {
    const RealDate = Date;
    class ModelDate extends RealDate {
      constructor(...a) { if (a.length === 0) super(globalThis.__now); else super(...a); }
      static now() { return globalThis.__now; }
    }
    globalThis.Date = ModelDate;
    const refuse = (name) => () => { globalThis.__refuse(name); throw new Error(name + ' is not offered by the model'); };
    Math.random = refuse('Math.random');
    globalThis.require = refuse('require');
    globalThis.setTimeout = refuse('setTimeout');
    globalThis.setInterval = refuse('setInterval');
    globalThis.fetch = refuse('fetch');
    globalThis.exports = {};
    globalThis.module = { exports: globalThis.exports };
  })();`).runInContext(context);
  const sandbox = context as Record<string, unknown>;
  // the first misuse of a run, set from inside the sandbox's calls (an object: closures write it)
  const misuseOf: { first: string | null } = { first: null };
  sandbox.__refuse = (name: string) => { misuseOf.first ??= `${name}(): not offered by the model (MODEL.md §2)`; };
  try {
    new vm.Script(source, { filename: file }).runInContext(context);
  } catch (e) {
    throw new ActionError(file, 'load', misuseOf.first ?? `the module does not run: ${firstLine(e)}`);
  }
  if (misuseOf.first) throw new ActionError(file, 'load', misuseOf.first);
  const exported = (sandbox.module as { exports: Record<string, unknown> }).exports;
  if (typeof exported.onExecutePostLogin !== 'function') {
    throw new ActionError(file, 'load', 'expected `exports.onExecutePostLogin = async (event, api) => { ... }`');
  }
  const invoke = new vm.Script(`globalThis.__done = false; globalThis.__error = undefined;
    Promise.resolve().then(() => module.exports.onExecutePostLogin(globalThis.__event, globalThis.__api))
      .then(() => { globalThis.__done = true; }, (e) => { globalThis.__error = e; globalThis.__done = true; });`);

  const cache = new Map<string, ActionAnswer>();
  const stats = { runs: 0, cached: 0 };
  return {
    file, stats,
    run(event, nowMs) {
      const key = `${nowMs} ${JSON.stringify(event)}`;
      const hit = cache.get(key);
      if (hit) { stats.cached++; return hit; }
      stats.runs++;
      misuseOf.first = null;
      const answer: { denied?: string; revoked?: string; expiresAtMs?: number; idleExpiresAtMs?: number } = {};
      const misuse = (call: string, detail: string) => { misuseOf.first ??= `${call}: ${detail}`; };
      sandbox.__now = nowMs;
      sandbox.__event = guard(structuredClone(event), 'event', misuse);
      sandbox.__api = guard(apiFor(answer, misuse), 'api', misuse);
      invoke.runInContext(context);
      const first = misuseOf.first as string | null;
      if (first !== null) { const at = first.indexOf(': '); throw new ActionError(file, first.slice(0, at), first.slice(at + 2)); }
      if (!sandbox.__done) throw new ActionError(file, 'onExecutePostLogin', 'did not settle: it awaits something the model does not run (a timer, I/O)');
      if (sandbox.__error !== undefined) throw new ActionError(file, 'onExecutePostLogin', `threw: ${firstLine(sandbox.__error)}`);
      const frozen = Object.freeze(answer);
      cache.set(key, frozen);
      return frozen;
    },
  };
}

/** The api of MODEL.md §2; each call checks its argument. Earliest deadline wins; the first deny or revoke reason stays. */
function apiFor(a: { denied?: string; revoked?: string; expiresAtMs?: number; idleExpiresAtMs?: number }, misuse: (call: string, detail: string) => void) {
  const reason = (call: string, r: unknown): string | undefined => {
    if (typeof r !== 'string' || r === '') { misuse(call, `expected a non-empty reason string, got ${JSON.stringify(r) ?? String(r)}`); return undefined; }
    return r;
  };
  const ms = (call: string, v: unknown): number | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) { misuse(call, `expected epoch milliseconds (a finite number), got ${JSON.stringify(v) ?? String(v)}`); return undefined; }
    return v;
  };
  return {
    access: {
      deny: (r: unknown) => { const x = reason('api.access.deny', r); if (x !== undefined) a.denied ??= x; },
    },
    session: {
      revoke: (r: unknown) => { const x = reason('api.session.revoke', r); if (x !== undefined) a.revoked ??= x; },
      setExpiresAt: (v: unknown) => { const x = ms('api.session.setExpiresAt', v); if (x !== undefined) a.expiresAtMs = Math.min(a.expiresAtMs ?? Infinity, x); },
      setIdleExpiresAt: (v: unknown) => { const x = ms('api.session.setIdleExpiresAt', v); if (x !== undefined) a.idleExpiresAtMs = Math.min(a.idleExpiresAtMs ?? Infinity, x); },
    },
  };
}

/**
 * Reading or calling a member the model does not offer is recorded (the first one), so a misuse is
 * reported even when the Action catches the TypeError it then meets. Own fields, even undefined ones
 * (a field MODEL.md lists that this login lacks), are offered.
 */
function guard<T extends object>(o: T, path: string, misuse: (call: string, detail: string) => void): T {
  return new Proxy(o, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || PROTOCOL.has(key)) return Reflect.get(target, key, receiver);
      if (!Object.prototype.hasOwnProperty.call(target, key)) {
        misuse(`${path}.${key}`, 'not offered by the model (MODEL.md §2 lists what an Action sees)');
        return undefined;
      }
      const v = Reflect.get(target, key, receiver);
      return v !== null && typeof v === 'object' ? guard(v as object, `${path}.${key}`, misuse) : v;
    },
    set(_t, key) { misuse(`${path}.${String(key)}`, 'the model does not let an Action change its event or api'); return true; },
  });
}

function firstLine(e: unknown): string {
  const m = e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e) ? String((e as Error).message) : String(e);
  return m.split('\n')[0];
}
