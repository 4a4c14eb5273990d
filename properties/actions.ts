// properties/actions.ts: post-login Actions are honoured (MODEL.md §2; AC1, AC2). The observation's
// `action` says what the Action asked; the answer and the world summary must show it done. (The deadline's
// expiry itself is session-lifetimes' to judge: it reads the session's public deadlines.)
import { deviceSession, transferToken } from '../machines/world.js';
import { property, outcomeText } from './property.js';

export const actionRefusalHonoured = property({
  id: 'action-refusal-honoured', kind: 'rule', relevance: 'action', rules: ['AC1'],
  claim: 'A login a post-login Action denies, or whose session it revokes, answers access_denied: no session is made or entered, no refresh token issued, the transfer token is used up, and a revoked session ends.',
  premise: (v) => v.observation.action !== undefined,
  check(v) {
    const o = v.observation, a = o.action;
    if (a === undefined) return null;
    if (a.denied === undefined && a.revoked === undefined) return o.outcome === 'logged_in' ? null : `the Action let the login through, got ${outcomeText(o)}`;
    if (o.outcome !== 'access_denied' || o.reason !== 'action_denied') return `the Action ${a.denied !== undefined ? 'denied' : 'revoked'} the login, got ${outcomeText(o)}`;
    if (v.after.sessions.length !== v.before.sessions.length) return 'a refused login made a session';
    if (o.issued.length > 0) return `a refused login issued ${o.issued.join(', ')}`;
    const e = v.event;
    if (e.type === 'AUTHORIZE' && e.transferToken !== undefined && !o.consumed.includes(e.transferToken)) return `${e.transferToken} was not used up by the refused login`;
    if (a.revoked !== undefined) {
      // the session the login would have used: the browser's, of the user logging in
      const user = e.type === 'AUTHORIZE' ? transferToken(v.before, e.transferToken!)?.user : e.type === 'WEB_LOGIN' ? e.user : undefined;
      const s = deviceSession(v.before, (e as { device: string }).device);
      if (s !== undefined && s.user === user && !o.revoked.sessions.includes(s.id)) return `the Action revoked the session, but ${s.id} is still ${v.after.sessions.find((x) => x.id === s.id)?.status}`;
    }
    return null;
  },
});

export const actionDeadlinesSet = property({
  id: 'action-deadlines-set', kind: 'rule', relevance: 'action', rules: ['AC2'],
  claim: 'A login whose Action sets session deadlines leaves the session with the earliest of them, unless the tenant\'s lifetimes end it sooner.',
  premise: (v) => v.observation.action?.expiresAt !== undefined || v.observation.action?.idleExpiresAt !== undefined,
  check(v) {
    const o = v.observation, a = o.action;
    if (a === undefined || o.outcome !== 'logged_in' || (a.expiresAt === undefined && a.idleExpiresAt === undefined)) return null;
    const s = v.after.sessions.find((x) => x.id === o.session)!;
    const c = v.setting.config;
    if (a.expiresAt !== undefined) {
      const bound = Math.min(a.expiresAt, s.createdAt + c.sessionLifetimeSeconds);
      const now = s.expiresAt ?? s.createdAt + c.sessionLifetimeSeconds;
      if (now > bound) return `the Action asked ${s.id} to end by ${a.expiresAt} s, but it may last until ${now} s`;
    }
    if (a.idleExpiresAt !== undefined) {
      const bound = Math.min(a.idleExpiresAt, s.lastActiveAt + c.idleSessionLifetimeSeconds);
      const now = s.idleExpiresAt ?? s.lastActiveAt + c.idleSessionLifetimeSeconds;
      if (now > bound) return `the Action asked ${s.id} to end by ${a.idleExpiresAt} s when idle, but it may stay until ${now} s`;
    }
    return null;
  },
});
