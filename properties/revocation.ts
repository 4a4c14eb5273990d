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
    if ((e === 'REVOKE_SESSION' || e === 'AUTHORIZE' || e === 'WEB_LOGIN' || e === 'ADVANCE_TIME') && v.observation.revoked.refreshTokens.length > 0) {
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

/** The session or refresh-token family this step aimed at, if any. */
function target(v: StepView): { sessions: string[]; family: string | null } {
  const e = v.event;
  if (e.type === 'REVOKE_SESSION') return { sessions: [e.session], family: null };
  if (e.type === 'AUTHORIZE' || e.type === 'WEB_LOGIN') {
    const s = v.before.devices[e.device].session;
    return { sessions: s ? [s] : [], family: null };
  }
  const rt = presentedRefreshToken(v);
  return { sessions: [], family: rt?.family ?? null };
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
      if (rt.family === t.family) continue;
      if (lineage(v.before, rt) === null) return `${id} is not linked to a transfer (family ${rt.family}) but was revoked by ${v.event.type}`;
      const viaSession = rt.session !== null && o.revoked.sessions.includes(rt.session) && rt.online;
      if (cascadeOff && !viaSession) return `${id} was revoked with family ${t.family} although enforce_cascade_revocation is off`;
    }
    return null;
  },
});
