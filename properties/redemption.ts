// properties/redemption.ts: what /authorize does with a transfer token (spec §3.3, A9 order of checks).
import { eventClient } from '../machines/events.js';
import { property, presentation, redeemed, sessionAfter, outcomeText, transferTokenAfter, refusedByAction } from './property.js';
import { deviceSession } from '../machines/world.js';

export const transferTokenExpiry = property({
  id: 'transfer-token-expiry', kind: 'rule', relevance: ['aged'], rules: ['R9', 'A14'],
  claim: 'A transfer token is never redeemed at or after its TTL; presented then by an allowed method, it is refused as not found or expired.',
  check(v) {
    const p = presentation(v);
    if (!p) return null;
    const ttl = v.setting.config.transferTokenTtlSeconds;
    // (plain if-chains, here and below, no closures or arrays: properties run on every transition of the
    // explorer, and allocation-free checks cost about a third)
    if (p.age >= ttl && redeemed(v)) return `${p.token.id} was redeemed at age ${p.age} s; expected a refusal at or after the TTL of ${ttl} s`;
    if (p.allowed && p.age >= ttl && v.observation.reason !== 'transfer_token_not_found_or_expired') {
      return `${p.token.id} presented at age ${p.age} s (TTL ${ttl} s); expected login_required (transfer_token_not_found_or_expired), got ${outcomeText(v.observation)}`;
    }
    return null;
  },
});

export const singleUse = property({
  id: 'single-use', kind: 'rule', relevance: ['used-up', 'redeemed'], rules: ['R10', 'A8'],
  claim: 'A transfer token is used up by its redemption, and one already used up is refused as not found or expired.',
  check(v) {
    const p = presentation(v);
    if (!p) return null;
    const usedUp = p.token.status === 'consumed' || p.token.status === 'rejected';
    if (p.allowed && usedUp && v.observation.reason !== 'transfer_token_not_found_or_expired') {
      return `${p.token.id} was already ${p.token.status}; expected login_required (transfer_token_not_found_or_expired), got ${outcomeText(v.observation)}`;
    }
    if (!redeemed(v)) return null;
    const after = transferTokenAfter(v, p.token.id)!;
    if (after.status === 'consumed' && v.observation.consumed.includes(p.token.id)) return null;
    return `${p.token.id} was redeemed; expected it consumed, but it is ${after.status}${v.observation.consumed.includes(p.token.id) ? '' : ' and not listed in consumed'}`;
  },
});

export const deviceBinding = property({
  id: 'device-binding', kind: 'rule', relevance: ['binding-refused', 'redeemed'], rules: ['R11', 'A13', 'WA1'],
  claim: 'A transfer token is redeemed only from a network that passes the web app\'s enforce_device_binding, and a binding refusal means the networks really differ.',
  check(v) {
    const p = presentation(v);
    if (!p) return null;
    const refused = v.observation.reason === 'device_binding_failed';
    if (!refused && !redeemed(v)) return null;
    if (refused ? !p.bindingHolds : p.bindingHolds) return null;
    const binding = eventClient(v.setting, p.event).enforceDeviceBinding;
    const here = v.before.devices[p.event.device].network;
    return !p.bindingHolds
      ? `${p.token.id} minted on ${p.token.network} was redeemed on ${here} although enforce_device_binding is ${binding}; expected device_binding_failed`
      : `${p.token.id} minted on ${p.token.network} was refused for binding on ${here}, but ${binding} binding holds there`;
  },
});

export const allowedMethods = property({
  id: 'allowed-methods', kind: 'rule', relevance: ['not-allowed'], rules: ['R13', 'R14', 'A10', 'WA1'],
  claim: 'A transfer token sent by a method the web app does not allow is never used: ignored (standard SSO) or refused with method_not_allowed, as A10 says.',
  check(v) {
    const p = presentation(v);
    if (!p || p.allowed) return null;
    const method = p.event.method ?? 'cookie';
    const o = v.observation;
    const expected = v.setting.interpretations.A10 === 'invalid'
      ? o.outcome === 'login_required' && o.reason === 'method_not_allowed'
      : o.transferTokenIgnored === true && (p.sessionBefore ? o.outcome === 'logged_in' && o.session === p.sessionBefore.id : o.reason === 'no_session');
    if (o.consumed.includes(p.token.id) || redeemed(v)) return `${p.token.id} sent by ${method}, not in allowed_authentication_methods, was used`;
    if (!expected) return `${p.token.id} sent by ${method} (not allowed, A10 = ${v.setting.interpretations.A10}); got ${outcomeText(o)}`;
    return null;
  },
});

export const validTokenNoSessionLogsIn = property({
  id: 'valid-token-no-session-logs-in', kind: 'rule', relevance: ['valid'], rules: ['R15'],
  claim: 'A valid transfer token in a browser without a session logs its user in without a prompt, in a new session created from that token and linked to its parent family.',
  check(v) {
    const p = presentation(v);
    if (!p || !p.valid || p.sessionBefore || refusedByAction(v)) return null;
    const o = v.observation;
    if (!(o.outcome === 'logged_in' && o.sessionCreated === true)) return `expected logged_in in a new session, got ${outcomeText(o)}${o.sessionCreated === false ? ' in an existing session' : ''}`;
    const s = sessionAfter(v, o.session);
    if (s !== undefined && s.via === 'transfer' && s.transferToken === p.token.id && s.parent === p.token.family && s.user === p.token.user
      && s.device === p.event.device && v.after.devices[p.event.device].session === s.id) return null;
    return `expected a session of ${p.token.user} on ${p.event.device} created from ${p.token.id} with parent ${p.token.family}, got ${JSON.stringify(s ?? null)}`;
  },
});

export const sameUserReusesSession = property({
  id: 'same-user-reuses-session', kind: 'rule', relevance: ['valid'], rules: ['R16', 'A6'],
  claim: 'A valid transfer token meeting a session of the same user logs in without a prompt, reusing that session, using the token up, and linking an unlinked session to the token\'s parent exactly when A6 says so.',
  check(v) {
    const p = presentation(v);
    if (!p || !p.valid || !p.sessionBefore || p.sessionBefore.user !== p.token.user || refusedByAction(v)) return null;
    const o = v.observation;
    const old = p.sessionBefore;
    if (!(o.outcome === 'logged_in' && o.session === old.id && o.sessionCreated === false)) {
      return `expected logged_in reusing ${old.id}, got ${outcomeText(o)}${o.session ? ` in ${o.session}${o.sessionCreated ? ' (new)' : ''}` : ''}`;
    }
    if (!o.consumed.includes(p.token.id)) return `expected ${p.token.id} consumed, but consumed is [${o.consumed.join(', ')}]`;
    const parent = old.parent ?? (v.setting.interpretations.A6 ? p.token.family : null);
    const now = sessionAfter(v, old.id)!;
    return now.parent === parent ? null : `with A6 = ${v.setting.interpretations.A6}, expected ${old.id}'s parent to be ${parent ?? 'none'}, got ${now.parent ?? 'none'}`;
  },
});

export const otherUserPromptsAndRevokes = property({
  id: 'other-user-prompts-and-revokes', kind: 'rule', relevance: ['valid'], rules: ['R17', 'A8'],
  claim: 'A valid transfer token meeting a session of another user asks for a login and revokes that session.',
  check(v) {
    const p = presentation(v);
    if (!p || !p.valid || !p.sessionBefore || p.sessionBefore.user === p.token.user) return null;
    const o = v.observation;
    const old = p.sessionBefore;
    if (!(o.outcome === 'login_required' && o.reason === 'user_mismatch')) return `${p.token.id} of ${p.token.user} met ${old.id} of ${old.user}; expected login_required (user_mismatch), got ${outcomeText(o)}`;
    if (o.revoked.sessions.includes(old.id) && deviceSession(v.after, p.event.device) === undefined) return null;
    return `expected ${old.id} of ${old.user} revoked and ${p.event.device} left without a session`;
  },
});

export const invalidTokenPrompts = property({
  id: 'invalid-token-prompts', kind: 'rule', relevance: ['invalid'], rules: ['R18', 'A1', 'A3'],
  claim: 'An invalid transfer token sent by an allowed method asks for a login with the reason of the first check it fails in A9\'s order, and a session already in the browser is neither used nor revoked.',
  check(v) {
    const p = presentation(v);
    if (!p || !p.allowed || p.valid) return null;
    const o = v.observation;
    const kept = p.sessionBefore;
    const [reason, why] = firstFailedCheck(p);
    if (o.outcome !== 'login_required' || o.reason !== reason) return `${p.token.id} is invalid (${why}); expected login_required (${reason}), got ${outcomeText(o)}`;
    if (!kept || (deviceSession(v.after, p.event.device)?.id === kept.id && !o.revoked.sessions.includes(kept.id))) return null;
    return `expected ${kept.id} kept in ${p.event.device}, but it was ${o.revoked.sessions.includes(kept.id) ? 'revoked' : 'replaced'}`;
  },
});

/** A9's order of the token's own checks: the first one an invalid token fails, and why. */
function firstFailedCheck(p: NonNullable<ReturnType<typeof presentation>>): [string, string] {
  if (!p.fresh) return ['transfer_token_not_found_or_expired', `status ${p.token.status}, age ${p.age} s`];
  if (!p.parentAlive) return ['parent_refresh_token_revoked', `parent family ${p.token.family} revoked`];
  if (!p.bindingHolds) return ['device_binding_failed', 'binding fails'];
  return ['organization_mismatch', 'organization mismatch'];
}

export const organizationMatch = property({
  id: 'organization-match', kind: 'rule', relevance: ['organization-refused', 'redeemed'], rules: ['R19', 'A24'],
  claim: 'A transfer token is redeemed only for its own organization (none matches none), and an organization refusal means they really differ.',
  check(v) {
    const p = presentation(v);
    if (!p) return null;
    if (p.organizationMatches ? v.observation.reason !== 'organization_mismatch' : !redeemed(v)) return null;
    const asked = p.event.organization ?? 'none';
    return !p.organizationMatches
      ? `${p.token.id} of organization ${p.token.organization ?? 'none'} was redeemed for organization ${asked}`
      : `${p.token.id} was refused for organization mismatch, but both are ${asked}`;
  },
});

export const liveParent = property({
  id: 'live-parent', kind: 'rule', relevance: ['redeemed'], rules: ['R20', 'A2'],
  claim: 'A transfer token whose parent refresh-token family is revoked is never redeemed, whatever the cascade flag.',
  check(v) {
    const p = presentation(v);
    if (!p) return null;
    if (p.parentAlive || !redeemed(v)) return null;
    return `${p.token.id} was redeemed although its parent family ${p.token.family} was revoked; expected a refusal`;
  },
});

export const standardSsoUnchanged = property({
  id: 'standard-sso-unchanged', kind: 'rule', relevance: ['no-token', 'not-allowed'], rules: ['R29'],
  claim: 'Without a usable transfer token, /authorize is standard SSO: the browser\'s session is reused, or a login is asked, and nothing is revoked or consumed.',
  check(v) {
    const e = v.event;
    if (e.type !== 'AUTHORIZE') return null;
    const p = presentation(v);
    const noToken = e.transferToken === undefined || (p !== null && !p.allowed && v.setting.interpretations.A10 === 'ignored');
    if (!noToken) return null;
    const o = v.observation;
    const s = deviceSession(v.before, e.device);
    if (!(s ? o.outcome === 'logged_in' && o.session === s.id && o.sessionCreated === false : o.outcome === 'login_required' && o.reason === 'no_session')) {
      return s ? `expected logged_in reusing ${s.id}, got ${outcomeText(o)}` : `expected login_required (no_session), got ${outcomeText(o)}`;
    }
    if (o.consumed.length === 0 && o.revoked.sessions.length === 0 && o.revoked.refreshTokens.length === 0 && o.revoked.transferTokens.length === 0) return null;
    return `expected nothing revoked or consumed, got ${JSON.stringify({ revoked: o.revoked, consumed: o.consumed })}`;
  },
});

export const failedCheckUsesTokenUp = property({
  id: 'failed-check-uses-token-up', kind: 'rule', relevance: ['prompted'], rules: ['A8'],
  claim: 'A redemption that fails the binding, organization or user check uses the token up exactly when A8 says so; no other refusal does.',
  check(v) {
    const p = presentation(v);
    if (!p || v.observation.outcome !== 'login_required') return null;
    const reason = v.observation.reason;
    const checked = reason === 'device_binding_failed' || reason === 'organization_mismatch' || reason === 'user_mismatch';
    const burns = checked && v.setting.interpretations.A8;
    const after = transferTokenAfter(v, p.token.id)!;
    const used = v.observation.consumed.includes(p.token.id);
    if (used === burns && (!burns || after.status === 'rejected') && (burns || after.status === p.token.status)) return null;
    return `${reason} with A8 = ${v.setting.interpretations.A8}: expected ${p.token.id} ${burns ? 'consumed (rejected)' : 'left as it was'}, got ${after.status}${used ? ', listed in consumed' : ''}`;
  },
});
