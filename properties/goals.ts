// properties/goals.ts: the security goals of MODEL.md §6. A reviewer hopes for them; some fail under
// some configurations, and the point is to find which. A failure here is a finding, not a model bug.
//
// Threat model: the attacker is a user of the tenant with the capabilities of MODEL.md §10
// (machines/attacker.ts). The engines enumerate only what he can make happen, so the goals judge the
// steps as they are: they need not know how a token reached him. A token minted on a device that is not
// its user's (a login on someone else's phone) is outside the goals' concern.
import { property, presentation, redeemed, owner, isAttacker, revokedAParent, endedASessionWithRefreshTokens, ended, type StepView } from './property.js';
import { orphans } from './revocation.js';

const mintedOnOwnDevice = (v: StepView, token: { user: string; device: string }) => owner(v, token.device) === token.user;

export const noSessionInjection = property({
  id: 'no-session-injection', kind: 'goal', relevance: ['redeemed'], rules: ['R11', 'R13', 'R17'],
  claim: 'No browser of another user is logged in, through a transfer token sent by link, to a session of the attacker\'s account (login CSRF).',
  check(v) {
    if (!redeemed(v)) return null;
    const p = presentation(v)!;
    const victim = owner(v, p.event.device);
    if (!isAttacker(v, p.token.user) || !mintedOnOwnDevice(v, p.token) || isAttacker(v, victim) || p.event.method !== 'query') return null;
    return `${victim}'s ${p.event.device} (on ${v.before.devices[p.event.device].network}) was logged in as ${p.token.user} with ${p.token.id}, minted by ${p.token.user} on ${p.token.network}`;
  },
});

export const noTokenTheftTakeover = property({
  id: 'no-token-theft-takeover', kind: 'goal', relevance: ['redeemed'], rules: ['R9', 'R10', 'R11'],
  claim: 'No device of the attacker gets a session of another user\'s account from that user\'s transfer token.',
  check(v) {
    if (!redeemed(v)) return null;
    const p = presentation(v)!;
    // a theft: the token was minted by its (non-attacker) user on their own device, and redeemed on an attacker's
    if (isAttacker(v, p.token.user) || !mintedOnOwnDevice(v, p.token) || !isAttacker(v, owner(v, p.event.device))) return null;
    return `${owner(v, p.event.device)}'s ${p.event.device} (on ${v.before.devices[p.event.device].network}) got a session of ${p.token.user} with ${p.token.id}, minted on ${p.token.network}`;
  },
});

export const noOrphans = property({
  id: 'no-orphans', kind: 'goal', relevance: 'state', rules: ['R26', 'R20'],
  claim: 'No session or refresh token born of a transfer from a revoked refresh-token family stays active.',
  premise: (v) => revokedAParent(v, false),
  check(v) {
    const left = orphans(v.after);
    return left.length === 0 ? null : `${left.join(', ')} still active after the parent family was revoked`;
  },
});

export const logoutEndsWebRefreshTokens = property({
  id: 'logout-ends-web-refresh-tokens', kind: 'goal', relevance: 'state', rules: ['R27', 'R25'],
  claim: 'No refresh token issued to a transfer-linked session outlives that session (revoked or expired).',
  premise: (v) => endedASessionWithRefreshTokens(v, true),
  check(v) {
    // fast path: no unrevoked transfer-linked refresh token, nothing to check (no set built)
    if (!v.after.refreshTokens.some((t) => t.parent !== null && t.session !== null && t.status !== 'revoked')) return null;
    const dead = new Map(v.after.sessions.filter((s) => ended(s) && s.parent !== null).map((s) => [s.id, s.status]));
    const alive = v.after.refreshTokens.filter((t) => t.parent !== null && t.session !== null && dead.has(t.session) && t.status !== 'revoked');
    return alive.length === 0 ? null : alive.map((t) => `${t.id} is still ${t.status} after its session ${t.session} ${dead.get(t.session!)}`).join('; ');
  },
});

export const noReplay = property({
  id: 'no-replay', kind: 'goal', relevance: ['redeemed'], rules: ['R9', 'R10', 'R11'],
  claim: 'A transfer token redeems at most once, within its TTL, on the network it was minted on.',
  check(v) {
    if (!redeemed(v)) return null;
    const p = presentation(v)!;
    const ttl = v.setting.config.transferTokenTtlSeconds;
    if (p.token.status !== 'issued') return `${p.token.id} was redeemed although already ${p.token.status}`;
    if (p.age >= ttl) return `${p.token.id} was redeemed at age ${p.age} s, past its TTL of ${ttl} s`;
    if (!p.sameNetwork) return `${p.token.id} minted on ${p.token.network} was redeemed on ${v.before.devices[p.event.device].network}`;
    return null;
  },
});
