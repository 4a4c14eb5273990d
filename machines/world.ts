// machines/world.ts: who and what exists (MODEL.md §1), and the world state the model steps over.
// The world state is a plain, serialisable value, and it is also the *public world summary*:
// every field here is something a reviewer may see (statuses, owners, lineage). Properties read it.
import { z } from 'zod';
import { CAPABILITIES, type Capability } from './attacker.js';

// ---------------------------------------------------------------------------------------------
// The population: users, networks, devices. Fixed for a run; a scenario may declare its own.

export interface User { readonly name: string; readonly attacker?: boolean }
export interface Network { readonly name: string; readonly ip: string; readonly asn: number }
export interface Device { readonly name: string; readonly owner: string; readonly network: string }
export interface Population {
  readonly users: readonly User[];
  readonly networks: readonly Network[];
  readonly devices: readonly Device[];
  /** MODEL.md §10: what the attacker can do (absent: the legacy set of machines/attacker.ts) */
  readonly capabilities?: readonly Capability[];
}

/** MODEL.md §1: alice with a phone and a laptop at home, mallory on a café network of the same carrier. */
export const DEFAULT_POPULATION: Population = {
  users: [{ name: 'alice' }, { name: 'mallory', attacker: true }],
  networks: [
    { name: 'home', ip: '198.51.100.7', asn: 64500 },
    { name: 'cafe', ip: '198.51.100.99', asn: 64500 },
    { name: 'mobile', ip: '203.0.113.20', asn: 64501 },
  ],
  devices: [
    { name: 'alice-phone', owner: 'alice', network: 'home' },
    { name: 'alice-laptop', owner: 'alice', network: 'home' },
    { name: 'mallory-phone', owner: 'mallory', network: 'cafe' },
  ],
};

const name = z.string().min(1);
export const populationSchema = z
  .object({
    users: z.array(z.object({ name, attacker: z.boolean().optional() })).min(1),
    networks: z.array(z.object({ name, ip: z.string().min(1), asn: z.number().int().nonnegative() })).min(1),
    devices: z.array(z.object({ name, owner: name, network: name })).min(1),
    capabilities: z.array(z.enum(CAPABILITIES)).optional(),
  })
  .superRefine((p, ctx) => {
    const users = new Set(p.users.map((u) => u.name));
    const networks = new Set(p.networks.map((n) => n.name));
    for (const [kind, list] of [['users', p.users], ['networks', p.networks], ['devices', p.devices]] as const) {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x.name)) ctx.addIssue({ code: 'custom', path: [kind, i, 'name'], message: `duplicate name "${x.name}"` });
        seen.add(x.name);
      });
    }
    p.devices.forEach((d, i) => {
      if (!users.has(d.owner)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'owner'], message: `unknown user "${d.owner}"; expected one of ${[...users].join(', ')}` });
      if (!networks.has(d.network)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'network'], message: `unknown network "${d.network}"; expected one of ${[...networks].join(', ')}` });
    });
  });

// ---------------------------------------------------------------------------------------------
// Artifacts. Ids are counted per kind from 1 in order of creation (MODEL.md §3).

export type RefreshTokenStatus = 'active' | 'rotated' | 'revoked' | 'expired';
export type TransferTokenStatus = 'issued' | 'consumed' | 'rejected' | 'expired' | 'revoked';
export type SessionStatus = 'active' | 'revoked' | 'expired';

export interface RefreshToken {
  readonly id: string;
  readonly client: 'native' | 'web';
  /** MODEL.md §8: the client it belongs to (NATIVE_CLIENT_ID, or a web app's client_id) */
  readonly clientId: string;
  readonly user: string;
  /** the device whose app (native) or browser (web) holds it */
  readonly device: string;
  readonly status: RefreshTokenStatus;
  /** the first token of its rotation family; revocation and reuse detection act on the family (A15, A18) */
  readonly family: string;
  /** web tokens: the session they were issued to */
  readonly session: string | null;
  /** web tokens issued to a transfer-linked session: the native family they descend from (R21, A5) */
  readonly parent: string | null;
  /** A17: online (dies with its session) as read from the web client when issued; only transfer-linked tokens */
  readonly online: boolean;
  readonly organization: string | null;
  /** MODEL.md §8, clock seconds: when it was issued; when its family's first token was (the absolute
   * lifetime counts from there, rotation does not extend it); its last exchange (the idle lifetime) */
  readonly issuedAt: number;
  readonly familyIssuedAt: number;
  readonly usedAt: number;
  /** a rotated successor: the token whose rotation issued it (the leeway honours only that one) */
  readonly previous: string | null;
}

export interface TransferToken {
  readonly id: string;
  readonly user: string;
  readonly status: TransferTokenStatus;
  /** the refresh token presented to mint it, and that token's family (A15) */
  readonly parent: string;
  readonly family: string;
  /** the holder device and the network it was on when minting (R11) */
  readonly device: string;
  readonly network: string;
  readonly ip: string;
  readonly asn: number;
  readonly organization: string | null;
  readonly issuedAt: number;
  /** MODEL.md §10: a victim's device presented it by query (only recorded when the attacker has read-url) */
  readonly inUrl: boolean;
}

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly device: string;
  readonly status: SessionStatus;
  readonly via: 'login' | 'transfer';
  readonly transferToken: string | null;
  /** the native refresh-token family this session is a child of (R21): via transfer, or relinked under A6 */
  readonly parent: string | null;
  /** MODEL.md §8, clock seconds: the absolute lifetime counts from creation, the idle one from the last login into it */
  readonly createdAt: number;
  readonly lastActiveAt: number;
  /** MODEL.md §2, clock seconds: deadlines a post-login Action set (null: none), earlier than the lifetimes' */
  readonly expiresAt: number | null;
  readonly idleExpiresAt: number | null;
}

export interface DeviceState {
  readonly network: string;
  /** the Auth0 session whose cookie this browser holds, if any */
  readonly session: string | null;
}

export interface World {
  /** seconds since the start of the run */
  readonly clock: number;
  readonly devices: Readonly<Record<string, DeviceState>>;
  readonly refreshTokens: readonly RefreshToken[];
  readonly transferTokens: readonly TransferToken[];
  readonly sessions: readonly Session[];
}

export function initialWorld(population: Population): World {
  return {
    clock: 0,
    devices: Object.fromEntries(population.devices.map((d) => [d.name, { network: d.network, session: null }])),
    refreshTokens: [],
    transferTokens: [],
    sessions: [],
  };
}

/** Ids are `rt<n>`, `stt<n>`, `s<n>`: the n-th artifact of its kind sits at index n-1. */
export function indexOfId(id: string): number {
  let n = 0;
  for (let i = 0; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) n = n * 10 + d;
  }
  return n - 1;
}
export const refreshToken = (w: World, id: string): RefreshToken | undefined => w.refreshTokens[indexOfId(id)];
export const transferToken = (w: World, id: string): TransferToken | undefined => w.transferTokens[indexOfId(id)];
export const session = (w: Pick<World, 'sessions'>, id: string): Session | undefined => w.sessions[indexOfId(id)];

/**
 * The native family a refresh token descends from: its own `parent`, or that of the session it was issued
 * to. A session can be linked to a family after some of its tokens were issued (A6), and the nesting ban
 * (R7, R8) and the cascade (R26) reach those tokens too.
 */
export function lineage(w: Pick<World, 'sessions'>, t: RefreshToken): string | null {
  if (t.parent !== null || t.session === null) return t.parent;
  // a token never descends from its own family (a web token's transfer redeemed into its own session)
  const p = session(w, t.session)?.parent ?? null;
  return p === t.family ? null : p;
}

/** The browser's current session, if its cookie points at an active one. */
export function deviceSession(w: World, device: string): Session | undefined {
  const id = w.devices[device]?.session;
  const s = id ? session(w, id) : undefined;
  return s && s.status === 'active' ? s : undefined;
}

/**
 * The immediately previous token of a rotated one's family: the family's active token replaced it (MODEL.md
 * §8's leeway honours only that one). Returns that successor, or undefined.
 */
export function activeSuccessor(w: Pick<World, 'refreshTokens'>, t: RefreshToken): RefreshToken | undefined {
  if (t.status !== 'rotated') return undefined;
  for (const s of w.refreshTokens) if (s.previous === t.id && s.status === 'active') return s;
  return undefined;
}

/** A family is revoked when none of its tokens is still usable. */
export const familyRevoked = (w: World, family: string): boolean => {
  // a loop rather than every(): this runs in guards and properties on every presentation of a token
  for (const t of w.refreshTokens) if (t.family === family && t.status !== 'revoked') return false;
  return true;
};
