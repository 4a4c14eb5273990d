// properties/lifetimes.ts: lifetimes and expiry (MODEL.md §8; LT1..LT5, A16). Judged from the public world
// summary's times (createdAt, lastActiveAt; issuedAt, familyIssuedAt, usedAt, previous) and the observation:
// each step must set those times as the rules say, and the clock must expire exactly what they bound.
import { refreshTokenLifetimes, settingsOf } from '../machines/config.js';
import type { RefreshToken, Session } from '../machines/world.js';
import { property, presentedRefreshToken, outcomeText, type StepView } from './property.js';

/** An active session's bound reached at the clock `now` (null: none), judged from its public times. */
function sessionBound(v: StepView, s: Session, now: number): string | null {
  const { sessionLifetimeSeconds: life, idleSessionLifetimeSeconds: idle } = v.setting.config;
  if (now - s.createdAt >= life) return `its age ${now - s.createdAt} s reached session_lifetime ${life} s`;
  if (now - s.lastActiveAt >= idle) return `${now - s.lastActiveAt} s since its last login reached idle_session_lifetime ${idle} s`;
  if (s.expiresAt !== null && now >= s.expiresAt) return `the clock reached the deadline ${s.expiresAt} s a post-login Action set`;
  if (s.idleExpiresAt !== null && now >= s.idleExpiresAt) return `the clock reached the idle deadline ${s.idleExpiresAt} s a post-login Action set`;
  return null;
}

export const sessionLifetimes = property({
  id: 'session-lifetimes', kind: 'rule', relevance: 'clock+login', rules: ['LT1', 'LT2', 'R27'],
  claim: 'A session expires exactly when the clock brings its age to session_lifetime or the time since its last login to idle_session_lifetime, and every login into it restarts that idle time.',
  premise: (v) => v.event.type === 'ADVANCE_TIME' ? v.before.sessions.some((s) => s.status === 'active') : v.observation.outcome === 'logged_in',
  check(v) {
    const o = v.observation;
    if (o.outcome === 'logged_in') {
      const s = v.after.sessions.find((x) => x.id === o.session)!;
      if (s.lastActiveAt !== v.after.clock) return `${s.id} was logged in to at ${v.after.clock} s, but its last login is still ${s.lastActiveAt} s`;
      return null;
    }
    if (v.event.type !== 'ADVANCE_TIME') return null;
    const listed = o.expired?.sessions ?? [];
    for (const s of v.before.sessions) {
      if (s.status !== 'active') continue;
      const why = sessionBound(v, s, v.after.clock);
      const now = v.after.sessions.find((x) => x.id === s.id)!;
      if (why !== null && (now.status !== 'expired' || !listed.includes(s.id))) return `${s.id}: ${why}; expected it expired and listed, got ${now.status}${listed.includes(s.id) ? '' : ', not listed'}`;
      if (why === null && now.status === 'expired') return `${s.id} expired at ${v.after.clock} s, within both its lifetimes (created ${s.createdAt} s, last login ${s.lastActiveAt} s)`;
    }
    return null;
  },
});

/** A token's bound reached at `now` (null: none): the family's absolute lifetime (active or rotated), its own idle one (active). */
function tokenBound(v: StepView, t: RefreshToken, now: number): string | null {
  const { absolute, idle } = refreshTokenLifetimes(settingsOf(v.setting.config, t));
  if (absolute !== null && now - t.familyIssuedAt >= absolute) return `its family's age ${now - t.familyIssuedAt} s reached token_lifetime ${absolute} s`;
  if (idle !== null && t.status === 'active' && now - t.usedAt >= idle) return `${now - t.usedAt} s since its last exchange reached idle_token_lifetime ${idle} s`;
  return null;
}

export const refreshTokenLifetimesHold = property({
  id: 'refresh-token-lifetimes', kind: 'rule', relevance: 'clock+grant+issued', rules: ['LT3', 'LT4', 'LT5', 'A16'],
  claim: 'A refresh token expires exactly when the clock brings its family\'s age (from the first token: rotation does not extend it) to token_lifetime, or its time since its last exchange to idle_token_lifetime, where the client sets them; an expired one gets nothing (refresh_token_expired).',
  premise: (v) => v.event.type === 'ADVANCE_TIME' ? v.before.refreshTokens.some((t) => t.status === 'active' || t.status === 'rotated')
    : v.observation.issued.some((id) => id.startsWith('rt')) || presentedRefreshToken(v)?.status === 'expired',
  check(v) {
    const o = v.observation;
    const e = v.event;
    // every token issued now: its own times start now; a rotation's successor keeps its family's start
    for (const id of o.issued) {
      if (!id.startsWith('rt')) continue;
      const t = v.after.refreshTokens.find((x) => x.id === id)!;
      const first = t.family === t.id ? t : v.after.refreshTokens.find((x) => x.id === t.family)!;
      if (t.issuedAt !== v.after.clock || t.usedAt !== v.after.clock) return `${t.id} was issued at ${v.after.clock} s but records issuedAt ${t.issuedAt} s, usedAt ${t.usedAt} s`;
      if (t.familyIssuedAt !== first.issuedAt) return `${t.id} counts its family ${t.family}'s lifetime from ${t.familyIssuedAt} s, not from its first token's ${first.issuedAt} s`;
    }
    if (e.type === 'MINT_TRANSFER_TOKEN' || e.type === 'REFRESH') {
      const rt = presentedRefreshToken(v)!;
      if (rt.status === 'expired') {
        if (o.reason === 'client_not_allowed') return null; // refused before the token is looked at (mint-needs-flag)
        if (o.outcome === 'rejected' && o.reason === 'refresh_token_expired' && o.issued.length === 0 && o.revoked.refreshTokens.length === 0) return null;
        return `${rt.id} is expired; expected rejected (refresh_token_expired) and nothing issued or revoked, got ${outcomeText(o)}`;
      }
      // an exchange that keeps the token restarts its idle time (LT4)
      const now = v.after.refreshTokens.find((x) => x.id === rt.id)!;
      if (o.outcome === 'issued' && now.status === 'active' && rt.status === 'active' && now.usedAt !== v.after.clock) return `${rt.id} was exchanged at ${v.after.clock} s, but its last exchange is still ${now.usedAt} s`;
      return null;
    }
    if (e.type !== 'ADVANCE_TIME') return null;
    const listed = o.expired?.refreshTokens ?? [];
    for (const t of v.before.refreshTokens) {
      if (t.status !== 'active' && t.status !== 'rotated') continue;
      const why = tokenBound(v, t, v.after.clock);
      const now = v.after.refreshTokens.find((x) => x.id === t.id)!;
      if (why !== null && (now.status !== 'expired' || !listed.includes(t.id))) return `${t.id}: ${why}; expected it expired and listed, got ${now.status}${listed.includes(t.id) ? '' : ', not listed'}`;
      if (why === null && now.status === 'expired') return `${t.id} expired at ${v.after.clock} s within its lifetimes (family from ${t.familyIssuedAt} s, last exchange ${t.usedAt} s)`;
    }
    return null;
  },
});
