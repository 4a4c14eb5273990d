// properties/revocation.ts: cascade and online refresh tokens (spec §3.5).
import { settingsOf } from '../machines/config.js';
import { property, presentedRefreshToken, revokedAParent, endedASessionWithRefreshTokens, ended, type StepView } from './property.js';
import { familyRevoked, lineage, type World } from '../machines/world.js';
import type { Setting } from '../machines/setting.js';

/** Artifacts still active whose parent family is revoked (R21 lineage; a token's through its session too). */
export function orphans(w: World, onlyCascading?: Setting): string[] {
  // fast path: nothing can be an orphan while no session or refresh token has a parent (most worlds);
  // it skips the set and the family scans (checked once per new state by the explorer)
  let linked = false;
  for (const s of w.sessions) if (s.parent !== null) { linked = true; break; }
  if (!linked) for (const t of w.refreshTokens) if (t.parent !== null) { linked = true; break; }
  if (!linked) return [];
  // families that are parents of something, revoked, and (for complete-cascade) cascading; the flag is
  // read only for such families (explorer/config-classes.ts)
  const revoked = new Set<string>();
  const consider = (family: string) => {
    if (revoked.has(family) || !familyRevoked(w, family)) return;
    const root = w.refreshTokens.find((t) => t.id === family)!;
    if (!onlyCascading || settingsOf(onlyCascading.config, root).enforceCascadeRevocation) revoked.add(family);
  };
  for (const s of w.sessions) if (s.parent !== null) consider(s.parent);
  for (const t of w.refreshTokens) { const from = lineage(w, t); if (from !== null) consider(from); }
  if (revoked.size === 0) return [];
  return [
    ...w.sessions.filter((s) => s.status === 'active' && s.parent !== null && revoked.has(s.parent)).map((s) => `${s.id} (parent ${s.parent})`),
    ...w.refreshTokens.filter((t) => t.status !== 'revoked' && revoked.has(lineage(w, t) ?? '')).map((t) => `${t.id} (${t.parent !== null ? 'parent' : `via session ${t.session}, parent`} ${lineage(w, t)})`),
  ];
}

export const completeCascade = property({
  id: 'complete-cascade', kind: 'rule', relevance: 'state', rules: ['R26', 'A4', 'A5', 'WA2'],
  premise: (v) => revokedAParent(v, true),
  claim: 'Under enforce_cascade_revocation, once a refresh-token family is revoked, no session created from its transfer tokens and no refresh token issued to those sessions stays active.',
  check(v) {
    const left = orphans(v.after, v.setting);
    return left.length === 0 ? null : `cascade is on, but ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still active after the parent family was revoked`;
  },
});

export const onlineRefreshTokens = property({
  id: 'online-refresh-tokens', kind: 'rule', relevance: 'state+revoked', rules: ['R27', 'A17', 'A19', 'LT1'],
  premise: (v) => endedASessionWithRefreshTokens(v, false),
  claim: 'An online refresh token never outlives the transfer-linked session it was issued to, revoked or expired, and an offline one is not revoked with it.',
  check(v) {
    // a session's end (logout, user mismatch, replacement, expiry) revokes its online refresh tokens only
    const e = v.event.type;
    // (an administrator's revocation under A19 = always ends offline ones too: admin-session-revocation)
    const adminAlways = v.event.type === 'REVOKE_SESSION' && v.event.by === 'admin' && v.setting.interpretations.A19 === 'always';
    if ((e === 'REVOKE_SESSION' || e === 'AUTHORIZE' || e === 'WEB_LOGIN' || e === 'ADVANCE_TIME') && !adminAlways && v.observation.revoked.refreshTokens.length > 0) {
      for (const id of v.observation.revoked.refreshTokens) {
        const rt = v.before.refreshTokens.find((t) => t.id === id)!;
        if (!rt.online) return `${id} is offline (enforce_online_refresh_tokens was off when it was issued) but was revoked with session ${rt.session}`;
      }
    }
    // fast path: no online refresh token still unrevoked, nothing to check (no set built)
    if (!v.after.refreshTokens.some((t) => t.online && t.status !== 'revoked')) return null;
    const dead = new Map(v.after.sessions.filter(ended).map((s) => [s.id, s.status]));
    const alive = v.after.refreshTokens.filter((t) => t.online && t.session !== null && dead.has(t.session) && t.status !== 'revoked');
    return alive.length === 0 ? null : alive.map((t) => `${t.id} is online but still ${t.status} after its session ${t.session} ${dead.get(t.session!)}`).join('; ');
  },
});

/** The session an administrator revoked in this step (REVOKE_SESSION by admin of an active session), if any. */
function adminRevoked(v: StepView): string | null {
  const e = v.event;
  if (e.type !== 'REVOKE_SESSION' || e.by !== 'admin') return null;
  return v.before.sessions.find((s) => s.id === e.session)?.status === 'active' ? e.session : null;
}

export const adminSessionRevocation = property({
  id: 'admin-session-revocation', kind: 'rule', relevance: 'revoked', rules: ['A19', 'R27'],
  claim: 'An administrator\'s session revocation ends the session and, under A19 = always, every refresh token issued to it, online or not; under A19 = online-flag it ends what a logout ends.',
  premise: (v) => adminRevoked(v) !== null,
  check(v) {
    const id = adminRevoked(v);
    if (id === null) return null;
    if (v.after.sessions.find((s) => s.id === id)!.status !== 'revoked') return `an administrator revoked ${id}, but it is still ${v.after.sessions.find((s) => s.id === id)!.status}`;
    // under online-flag the online rule's properties judge it as the logout it equals
    if (v.setting.interpretations.A19 !== 'always') return null;
    const alive = v.after.refreshTokens.filter((t) => t.session === id && t.status !== 'revoked');
    return alive.length === 0 ? null : `${alive.map((t) => `${t.id} (${t.online ? 'online' : 'offline'}, ${t.status})`).join(', ')} issued to ${id} outlived an administrator's revocation of it under A19 = always`;
  },
});

/** The presented online refresh token and the session it is tied to, when that session was active. */
function onlineTie(v: StepView) {
  const rt = presentedRefreshToken(v);
  if (!rt?.online || rt.session === null) return null;
  const before = v.before.sessions.find((s) => s.id === rt.session)!;
  return before.status === 'active' ? { rt, before, after: v.after.sessions.find((s) => s.id === rt.session)! } : null;
}

export const onlineRefreshTokenSessions = property({
  id: 'online-refresh-token-sessions', kind: 'rule', relevance: 'grant+revoke', rules: ['N2', 'A17'],
  claim: 'Under N2 (Online Refresh Tokens), an exchange of an online web refresh token restarts its session\'s idle time and revoking one ends its session; without N2 an exchange leaves the session\'s times alone.',
  premise: (v) => onlineTie(v) !== null && (v.observation.outcome === 'issued' || v.observation.outcome === 'revoked'),
  check(v) {
    const tie = onlineTie(v);
    if (!tie) return null;
    const n2 = v.setting.interpretations.N2;
    const o = v.observation;
    if (o.outcome === 'issued') {
      if (n2 && tie.after.lastActiveAt !== v.after.clock) return `${tie.rt.id} (online) was exchanged at ${v.after.clock} s under N2, but session ${tie.before.id}'s last activity is still ${tie.after.lastActiveAt} s`;
      if (!n2 && tie.after.lastActiveAt !== tie.before.lastActiveAt) return `${tie.rt.id} (online) was exchanged without N2, and session ${tie.before.id}'s last activity moved from ${tie.before.lastActiveAt} s to ${tie.after.lastActiveAt} s`;
    }
    if (v.event.type === 'REVOKE_REFRESH_TOKEN' && o.outcome === 'revoked' && n2 && tie.after.status === 'active') {
      return `${tie.rt.id} (online) was revoked under N2, but its session ${tie.before.id} is still active`;
    }
    return null;
  },
});

/**
 * The sessions and refresh-token families this step aimed at: an administrator's revocation under A19 =
 * always aims at the families of the tokens issued to its session too, and under N2 a revoked online
 * token's session is aimed at with it.
 */
function target(v: StepView): { sessions: string[]; family: string | null; families: string[] } {
  const e = v.event;
  if (e.type === 'REVOKE_SESSION') {
    const families = e.by === 'admin' && v.setting.interpretations.A19 === 'always'
      ? v.before.refreshTokens.filter((t) => t.session === e.session).map((t) => t.family) : [];
    return { sessions: [e.session], family: null, families };
  }
  if (e.type === 'AUTHORIZE' || e.type === 'WEB_LOGIN') {
    const s = v.before.devices[e.device].session;
    return { sessions: s ? [s] : [], family: null, families: [] };
  }
  const rt = presentedRefreshToken(v);
  const ended = e.type === 'REVOKE_REFRESH_TOKEN' && v.setting.interpretations.N2 && rt?.online && rt.session !== null ? [rt.session] : [];
  return { sessions: ended, family: rt?.family ?? null, families: [] };
}

export const flagsTouchOnlyTransferArtifacts = property({
  id: 'flags-touch-only-transfer-artifacts', kind: 'rule', relevance: 'revoked', rules: ['R28', 'A5'],
  claim: 'Cascade and online revocation reach only artifacts linked to a transfer (a token through its session too): a session or refresh token from an ordinary login is revoked only when it is itself the target.',
  check(v) {
    const t = target(v);
    const o = v.observation;
    const cascadeOff = t.family !== null && !settingsOf(v.setting.config, v.before.refreshTokens.find((r) => r.id === t.family)!).enforceCascadeRevocation;
    for (const id of o.revoked.sessions) {
      const s = v.before.sessions.find((x) => x.id === id)!;
      if (t.sessions.includes(id)) continue;
      if (s.parent === null) return `${id} came from an ordinary login but was revoked by ${v.event.type}`;
      if (cascadeOff) return `${id} was revoked with family ${t.family} although enforce_cascade_revocation is off`;
    }
    for (const id of o.revoked.refreshTokens) {
      const rt = v.before.refreshTokens.find((x) => x.id === id)!;
      if (rt.family === t.family || t.families.includes(rt.family)) continue;
      if (lineage(v.before, rt) === null) return `${id} is not linked to a transfer (family ${rt.family}) but was revoked by ${v.event.type}`;
      const viaSession = rt.session !== null && o.revoked.sessions.includes(rt.session) && rt.online;
      if (cascadeOff && !viaSession) return `${id} was revoked with family ${t.family} although enforce_cascade_revocation is off`;
    }
    return null;
  },
});
