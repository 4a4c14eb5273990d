// conformance/paths.ts: sequences that drive artifacts through their lifecycles.
//
// (a) xstate/graph over the actor machines (machines/lifecycle.ts LIFECYCLE_MACHINES): the shortest path
//     to every state and every simple path (so every transition, rotated -> revoked included). Each
//     lifecycle path is translated into model events that make one artifact (the "target") take exactly
//     those states, by the translation table below. A lifecycle event may have several causes in the
//     tenant (a session is revoked by logout, by a cascade, by a user mismatch, by a login of another user):
//     each cause is a variant, and a path is emitted for every combination of variants. A translation is
//     checked on the model: the target must be in the path's state after each step; otherwise the path is
//     unreachable under this configuration (a rotation needs rotation on, a burn needs A8) and is dropped.
// (c) `coveringPaths`: event sequences from elsewhere (the explorer's shortest covering paths).
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { refreshTokenLifetimes, settingsOf, webSettings } from '../machines/config.js';
import { LIFECYCLE_MACHINES, type ArtifactKind } from '../machines/lifecycle.js';
import type { ModelEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { createModel, referenceError, type Model } from '../machines/step.js';
import { outcomeText } from '../properties/property.js';
import type { Setting } from '../machines/setting.js';
import { refreshToken, session, transferToken, type World } from '../machines/world.js';
import type { NamedPath } from './harness.js';

// ---------------------------------------------------------------------------------------------
// Lifecycle paths from xstate/graph

export interface LifecyclePath {
  kind: ArtifactKind;
  /** lifecycle event types, in order */
  events: string[];
  /** states after creation and after each event: states.length = events.length + 1 */
  states: string[];
}

export function lifecyclePaths(): LifecyclePath[] {
  const out: LifecyclePath[] = [];
  const seen = new Set<string>();
  for (const [kind, machine] of Object.entries(LIFECYCLE_MACHINES) as [ArtifactKind, AnyStateMachine][]) {
    for (const p of [...getShortestPaths(machine), ...getSimplePaths(machine)]) {
      // the first step is xstate's init event into the initial state
      const states = p.steps.map((s) => String(s.state.value));
      const lp: LifecyclePath = { kind, events: p.steps.slice(1).map((s) => s.event.type), states };
      const key = `${kind}:${states.join('>')}:${lp.events.join(',')}`;
      if (!seen.has(key)) { seen.add(key); out.push(lp); }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The translation table

/** Runs model events one at a time, so drivers can read ids and lineage off the world. */
export class PathBuilder {
  readonly model: Model;
  world: World;
  readonly events: ModelEvent[] = [];
  constructor(readonly setting: Setting) {
    this.model = createModel(setting);
    this.world = this.model.initial;
  }
  do(e: ModelEvent): Observation {
    const err = referenceError(this.setting, this.world, e);
    if (err) throw new Unreachable(`${e.type}: ${err.message}`);
    const r = this.model.step(this.world, e, this.events.length + 1);
    this.events.push(e);
    this.world = r.world;
    return r.observation;
  }
  /** the id of the last artifact of a kind this step issued/created */
  issued(o: Observation, prefix: 'rt' | 'stt'): string {
    const id = [...o.issued].reverse().find((x) => new RegExp(`^${prefix}\\d+$`).test(x));
    if (!id) throw new Unreachable(`no ${prefix} issued`);
    return id;
  }
  get method(): 'cookie' | 'query' { return this.methodOf(undefined); }
  /** the first method a web app allows (MODEL.md §8: `client` absent is the first web app) */
  methodOf(client: string | undefined): 'cookie' | 'query' { return webSettings(this.setting.config, client)?.allowedAuthenticationMethods[0] ?? 'cookie'; }
  /** MODEL.md §8: the second web app's client_id; unreachable when the configuration has one web app */
  get secondApp(): string {
    const app = this.setting.config.moreWeb[0];
    if (!app) throw new Unreachable('one web app');
    return app.clientId;
  }
  /** a fresh native login of `user` on `device`, then a mint: the transfer token's id */
  mintFrom(user: string, device: string): string {
    const rt = this.issued(this.do({ type: 'NATIVE_LOGIN', user, device }), 'rt');
    return this.issued(this.do({ type: 'MINT_TRANSFER_TOKEN', refreshToken: rt }), 'stt');
  }
}
class Unreachable extends Error {}

export interface Target { kind: ArtifactKind; id: string }
interface Variant { name: string; run(b: PathBuilder, t: Target): void }

const ALICE = 'alice';
const PHONE = 'alice-phone';
const LAPTOP = 'alice-laptop';
const MALLORY = 'mallory';
const MALLORY_PHONE = 'mallory-phone';

const stt = (b: PathBuilder, t: Target) => transferToken(b.world, t.id)!;
const sess = (b: PathBuilder, t: Target) => session(b.world, t.id)!;
const rt = (b: PathBuilder, t: Target) => refreshToken(b.world, t.id)!;

/** Seconds until a refresh token reaches a lifetime of its client (LT3 from its family's start, LT4 idle, active only). */
function refreshTokenLeft(b: PathBuilder, t: Target): number {
  const r = rt(b, t);
  const { absolute, idle } = refreshTokenLifetimes(settingsOf(b.setting.config, r));
  const clock = b.world.clock;
  const left = [absolute === null ? Infinity : absolute - (clock - r.familyIssuedAt), idle === null || r.status !== 'active' ? Infinity : idle - (clock - r.usedAt)];
  const s = Math.min(...left);
  if (s === Infinity) throw new Unreachable(`the ${r.client} client's refresh tokens do not expire`);
  return s;
}

/** Seconds until a session reaches its absolute (LT1) and its idle lifetime. */
function sessionLeft(b: PathBuilder, id: string): { absolute: number; idle: number } {
  const s = session(b.world, id)!;
  const c = b.setting.config;
  return { absolute: c.sessionLifetimeSeconds - (b.world.clock - s.createdAt), idle: c.idleSessionLifetimeSeconds - (b.world.clock - s.lastActiveAt) };
}

/** The clock moves exactly to the bound: expiry is at age >= lifetime, so one second less would not do. */
const advance = (b: PathBuilder, seconds: number) => { b.do({ type: 'ADVANCE_TIME', seconds: Math.max(1, seconds) }); };
const untilSessionEnds = (b: PathBuilder, id: string) => { const l = sessionLeft(b, id); advance(b, Math.min(l.absolute, l.idle)); };

/** How each kind of artifact is created (the path's first state). */
export const CREATE: Readonly<Record<ArtifactKind, readonly (Omit<Variant, 'run'> & { run(b: PathBuilder): string })[]>> = {
  refreshToken: [
    { name: 'native login', run: (b) => b.issued(b.do({ type: 'NATIVE_LOGIN', user: ALICE, device: PHONE }), 'rt') },
    {
      // a token with a predecessor, which the leeway (LV1) can stand in for
      name: 'native login, the successor of a rotation',
      run: (b) => b.issued(b.do({ type: 'REFRESH', refreshToken: b.issued(b.do({ type: 'NATIVE_LOGIN', user: ALICE, device: PHONE }), 'rt') }), 'rt'),
    },
    { name: 'web login with offline_access', run: (b) => b.issued(b.do({ type: 'WEB_LOGIN', user: ALICE, device: LAPTOP, offlineAccess: true }), 'rt') },
    {
      name: 'transfer login with offline_access',
      run: (b) => {
        const t = b.mintFrom(ALICE, PHONE);
        return b.issued(b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.method, offlineAccess: true }), 'rt');
      },
    },
    // MODEL.md §8: the token belongs to the second web app, which judges the redemption and gates the token
    {
      name: 'web login at the second web app with offline_access',
      run: (b) => b.issued(b.do({ type: 'WEB_LOGIN', user: ALICE, device: LAPTOP, offlineAccess: true, client: b.secondApp }), 'rt'),
    },
    {
      name: 'transfer login at the second web app with offline_access',
      run: (b) => {
        const client = b.secondApp;
        const t = b.mintFrom(ALICE, PHONE);
        return b.issued(b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.methodOf(client), offlineAccess: true, client }), 'rt');
      },
    },
    {
      // one session for every web app: SSO at the second app on a transfer login at the first, asking offline_access
      name: 'transfer login, then SSO at the second web app with offline_access',
      run: (b) => {
        const client = b.secondApp;
        const t = b.mintFrom(ALICE, PHONE);
        if (!b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.method }).session) throw new Unreachable('no session');
        return b.issued(b.do({ type: 'AUTHORIZE', device: PHONE, offlineAccess: true, client }), 'rt');
      },
    },
  ],
  transferToken: [{ name: 'native login, mint', run: (b) => b.mintFrom(ALICE, PHONE) }],
  session: [
    { name: 'web login', run: (b) => { const o = b.do({ type: 'WEB_LOGIN', user: ALICE, device: LAPTOP }); return o.session!; } },
    {
      name: 'transfer login',
      run: (b) => {
        const t = b.mintFrom(ALICE, PHONE);
        const o = b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.method });
        if (!o.session) throw new Unreachable('no session');
        return o.session;
      },
    },
    {
      name: 'transfer login at the second web app',
      run: (b) => {
        const client = b.secondApp;
        const t = b.mintFrom(ALICE, PHONE);
        const o = b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.methodOf(client), client });
        if (!o.session) throw new Unreachable('no session');
        return o.session;
      },
    },
    {
      // a refresh token of each web app off one transfer-linked session: its end revokes each by its own online flag
      name: 'transfer login with offline_access, then SSO at the second web app with offline_access',
      run: (b) => {
        const client = b.secondApp;
        const t = b.mintFrom(ALICE, PHONE);
        const o = b.do({ type: 'AUTHORIZE', device: PHONE, transferToken: t, method: b.method, offlineAccess: true });
        if (!o.session) throw new Unreachable('no session');
        b.do({ type: 'AUTHORIZE', device: PHONE, offlineAccess: true, client });
        return o.session;
      },
    },
  ],
};

/** kind -> lifecycle event -> the model events that cause it, one variant per cause. */
export const TRANSLATION: Readonly<Record<ArtifactKind, Readonly<Record<string, readonly Variant[]>>>> = {
  refreshToken: {
    ROTATE: [
      { name: 'refresh with rotation', run: (b, t) => { b.do({ type: 'REFRESH', refreshToken: t.id }); } },
      { name: 'mint with rotation', run: (b, t) => { b.do({ type: 'MINT_TRANSFER_TOKEN', refreshToken: t.id }); } },
      {
        // LV1: the immediately previous token, within the leeway, retires its successor
        name: 'its predecessor presented within the leeway',
        run: (b, t) => {
          const previous = rt(b, t).previous;
          if (previous === null || settingsOf(b.setting.config, rt(b, t)).leeway === 0) throw new Unreachable('no predecessor or no leeway');
          b.do({ type: 'REFRESH', refreshToken: previous });
        },
      },
    ],
    REVOKE: [
      { name: '/oauth/revoke', run: (b, t) => { b.do({ type: 'REVOKE_REFRESH_TOKEN', refreshToken: t.id }); } },
      {
        name: 'reuse detected',
        run: (b, t) => {
          if (rt(b, t).status !== 'rotated') throw new Unreachable('reuse needs a rotated token');
          b.do({ type: 'REFRESH', refreshToken: t.id });
        },
      },
      {
        // LV1: after one more rotation the token is no longer the immediately previous one, leeway or not
        name: 'reuse detected, two rotations on',
        run: (b, t) => {
          const r = rt(b, t);
          const active = b.world.refreshTokens.find((x) => x.family === r.family && x.status === 'active');
          if (r.status !== 'rotated' || !active) throw new Unreachable('reuse needs a rotated token and an active one');
          b.do({ type: 'REFRESH', refreshToken: active.id });
          b.do({ type: 'REFRESH', refreshToken: t.id });
        },
      },
      {
        name: 'reuse detected at the end of the leeway',
        run: (b, t) => {
          const leeway = settingsOf(b.setting.config, rt(b, t)).leeway;
          if (rt(b, t).status !== 'rotated' || leeway === 0) throw new Unreachable('no rotated token or no leeway');
          advance(b, leeway);
          b.do({ type: 'REFRESH', refreshToken: t.id });
        },
      },
      {
        name: 'cascade from the native family',
        run: (b, t) => {
          const parent = rt(b, t).parent;
          if (!parent) throw new Unreachable('no parent family');
          b.do({ type: 'REVOKE_REFRESH_TOKEN', refreshToken: parent });
        },
      },
      {
        name: 'logout (online refresh token)',
        run: (b, t) => {
          const s = rt(b, t).session;
          if (!s) throw new Unreachable('not issued to a session');
          b.do({ type: 'REVOKE_SESSION', session: s });
        },
      },
      {
        // R27 "revoking or expiring": the session's expiry revokes its online refresh tokens in the same step
        name: 'its session expired (online refresh token)',
        run: (b, t) => {
          const s = rt(b, t).session;
          if (!s) throw new Unreachable('not issued to a session');
          untilSessionEnds(b, s);
        },
      },
    ],
    EXPIRE: [{ name: 'a lifetime ran out', run: (b, t) => advance(b, refreshTokenLeft(b, t)) }],
  },
  transferToken: {
    REDEEM: [
      ...(['cookie', 'query'] as const).map((method): Variant => ({
        name: `redeemed by ${method} on the minting device`,
        run: (b, t) => {
          if (!b.setting.config.web.allowedAuthenticationMethods.includes(method)) throw new Unreachable(`${method} not allowed`);
          b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method });
        },
      })),
      {
        name: 'redeemed at the second web app on the minting device',
        run: (b, t) => {
          const client = b.secondApp;
          b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.methodOf(client), client });
        },
      },
      {
        // judged by the second app's binding: from the same ASN on another IP (passes asn and none, fails ip)
        name: 'redeemed at the second web app from another network of its ASN',
        run: (b, t) => {
          const client = b.secondApp;
          b.do({ type: 'MOVE_DEVICE', device: stt(b, t).device, network: 'cafe' });
          b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.methodOf(client), client });
        },
      },
      {
        name: 'redeemed into a same-user session',
        run: (b, t) => {
          const d = stt(b, t).device;
          b.do({ type: 'WEB_LOGIN', device: d, user: stt(b, t).user });
          b.do({ type: 'AUTHORIZE', device: d, transferToken: t.id, method: b.method });
        },
      },
    ],
    BURN: [
      {
        name: 'device binding failed',
        run: (b, t) => {
          b.do({ type: 'MOVE_DEVICE', device: stt(b, t).device, network: 'mobile' });
          b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.method });
        },
      },
      {
        name: 'device binding failed at the second web app',
        run: (b, t) => {
          const client = b.secondApp;
          b.do({ type: 'MOVE_DEVICE', device: stt(b, t).device, network: 'mobile' });
          b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.methodOf(client), client });
        },
      },
      { name: 'organization mismatch', run: (b, t) => { b.do({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.method, organization: 'org-a' }); } },
      {
        name: 'user mismatch',
        run: (b, t) => {
          const d = stt(b, t).device;
          b.do({ type: 'WEB_LOGIN', device: d, user: stt(b, t).user === ALICE ? MALLORY : ALICE });
          b.do({ type: 'AUTHORIZE', device: d, transferToken: t.id, method: b.method });
        },
      },
    ],
    EXPIRE: [{ name: 'TTL ran out', run: (b) => { b.do({ type: 'ADVANCE_TIME', seconds: b.setting.config.transferTokenTtlSeconds }); } }],
    REVOKE: [{ name: 'parent family revoked', run: (b, t) => { b.do({ type: 'REVOKE_REFRESH_TOKEN', refreshToken: stt(b, t).parent }); } }],
  },
  session: {
    REVOKE: [
      { name: 'logout', run: (b, t) => { b.do({ type: 'REVOKE_SESSION', session: t.id }); } },
      {
        name: 'cascade from the native family',
        run: (b, t) => {
          const p = sess(b, t).parent;
          if (!p) throw new Unreachable('not transfer-linked');
          b.do({ type: 'REVOKE_REFRESH_TOKEN', refreshToken: p });
        },
      },
      {
        name: 'user mismatch',
        run: (b, t) => {
          const s = sess(b, t);
          const other = s.user === ALICE ? MALLORY : ALICE;
          const token = b.mintFrom(other, other === ALICE ? PHONE : MALLORY_PHONE);
          b.do({ type: 'MOVE_DEVICE', device: s.device, network: b.world.devices[transferToken(b.world, token)!.device].network });
          b.do({ type: 'AUTHORIZE', device: s.device, transferToken: token, method: b.method });
        },
      },
      { name: 'replaced by a login of another user', run: (b, t) => { b.do({ type: 'WEB_LOGIN', device: sess(b, t).device, user: sess(b, t).user === ALICE ? MALLORY : ALICE }); } },
    ],
    EXPIRE: [
      {
        name: 'idle lifetime ran out',
        run: (b, t) => {
          const l = sessionLeft(b, t.id);
          if (l.idle >= l.absolute) throw new Unreachable('the absolute lifetime comes first');
          advance(b, l.idle);
        },
      },
      {
        // LT2: a login into the session just before its idle bound keeps it going until the absolute one
        name: 'absolute lifetime ran out, idle timer kept fresh',
        run: (b, t) => {
          for (let l = sessionLeft(b, t.id); l.absolute > l.idle; l = sessionLeft(b, t.id)) {
            if (l.idle < 2) throw new Unreachable('the idle lifetime is too short to keep the session fresh');
            advance(b, l.idle - 1);
            b.do({ type: 'AUTHORIZE', device: sess(b, t).device });
          }
          advance(b, sessionLeft(b, t.id).absolute);
        },
      },
    ],
  },
};

/** The last step of every translated path: the target used once more. */
export const PROBE: Readonly<Record<ArtifactKind, (b: PathBuilder, t: Target) => ModelEvent | null>> = {
  // a mint where the token's client may mint (it exercises the nesting ban too), a refresh otherwise
  refreshToken: (b, t) => ({ type: settingsOf(b.setting.config, rt(b, t)).canCreateSessionTransferToken ? 'MINT_TRANSFER_TOKEN' : 'REFRESH', refreshToken: t.id }),
  transferToken: (b, t) => ({ type: 'AUTHORIZE', device: stt(b, t).device, transferToken: t.id, method: b.method }),
  session: (b, t) => ({ type: 'AUTHORIZE', device: sess(b, t).device }),
};

const statusOf = (w: World, t: Target): string | undefined =>
  (t.kind === 'refreshToken' ? refreshToken(w, t.id) : t.kind === 'transferToken' ? transferToken(w, t.id) : session(w, t.id))?.status;

export interface TranslatedPath extends NamedPath {
  lifecycle: LifecyclePath;
  variants: string[];
}

/** Every lifecycle path × every combination of causes, translated and checked on the model under `setting`. */
export function translatedPaths(setting: Setting): { paths: TranslatedPath[]; unreachable: { name: string; why: string }[] } {
  const paths: TranslatedPath[] = [];
  const unreachable: { name: string; why: string }[] = [];
  const seen = new Set<string>();
  for (const lp of lifecyclePaths()) {
    const choices: Variant[][] = lp.events.map((e) => [...(TRANSLATION[lp.kind][e] ?? [])]);
    const combos: Variant[][] = choices.reduce<Variant[][]>((acc, vs) => acc.flatMap((a) => vs.map((v) => [...a, v])), [[]]);
    for (const create of CREATE[lp.kind]) {
      for (const combo of combos) {
        const variants = [create.name, ...combo.map((v) => v.name)];
        const name = `${lp.kind}: ${lp.states.join(' → ')} (${variants.join('; ')}; then used again)`;
        const b = new PathBuilder(setting);
        let target: Target;
        try {
          target = { kind: lp.kind, id: create.run(b) };
          if (statusOf(b.world, target) !== lp.states[0]) throw new Unreachable(`created ${statusOf(b.world, target)}`);
          const t = target;
          combo.forEach((v, i) => {
            v.run(b, t);
            const now = statusOf(b.world, t);
            if (now !== lp.states[i + 1]) throw new Unreachable(`after "${v.name}" the ${lp.kind} is ${now}, not ${lp.states[i + 1]}`);
          });
        } catch (e) {
          if (e instanceof Unreachable) { unreachable.push({ name, why: e.message }); continue; }
          throw e;
        }
        // then the artifact is used once more, so that its final state is exercised (a consumed, expired or
        // revoked transfer token presented again, a refresh token minting or refreshing, a revoked session's browser)
        const probe = PROBE[lp.kind](b, target);
        if (probe && !referenceError(setting, b.world, probe)) b.do(probe);
        const key = JSON.stringify(b.events);
        if (seen.has(key)) continue;
        seen.add(key);
        const covers = [
          ...lp.states.map((s) => `${lp.kind}:${s}`),
          ...lp.events.map((e, i) => `${lp.kind}:${lp.states[i]} -${e}-> ${lp.states[i + 1]}`),
        ];
        paths.push({ name, events: b.events, covers, lifecycle: lp, variants });
      }
    }
  }
  return { paths, unreachable };
}

// ---------------------------------------------------------------------------------------------
// (c) Covering paths from elsewhere (the explorer)

/**
 * The hook for covering paths: plain event sequences (the explorer's shortest paths to every actor state,
 * transition and reason code), checked on the model under `setting` (a sequence naming an artifact the
 * model does not have is dropped, with the reason) and named after what each first reaches.
 */
export function coveringPaths(setting: Setting, sequences: readonly ModelEvent[][], label = 'covering path'): { paths: NamedPath[]; invalid: { index: number; why: string }[] } {
  const model = createModel(setting);
  const paths: NamedPath[] = [];
  const invalid: { index: number; why: string }[] = [];
  sequences.forEach((events, index) => {
    let world = model.initial;
    let last: Observation | undefined;
    for (let i = 0; i < events.length; i++) {
      const err = referenceError(setting, world, events[i]);
      if (err) { invalid.push({ index, why: `step ${i + 1}: ${err.message}` }); return; }
      const r = model.step(world, events[i], i + 1);
      world = r.world;
      last = r.observation;
    }
    const what = last ? `${last.event.type} → ${outcomeText(last)}` : 'empty';
    paths.push({ name: `${label} ${index + 1}: ${what}`, events: [...events] });
  });
  return { paths, invalid };
}
