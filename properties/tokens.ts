// properties/tokens.ts: minting and refreshing (spec §3.1, §3.4, §3.6; rotation per [RTR]).
import { settingsOf } from '../machines/config.js';
import { eventClient, eventClientId } from '../machines/events.js';
import { property, presentedRefreshToken, outcomeText, redeemed, leewaySuccessor, type StepView } from './property.js';
import { lineage } from '../machines/world.js';

const mintedToken = (v: StepView) => v.observation.issued.find((id) => id.startsWith('stt'));

/** A rotated token presented, not honoured by the leeway (MODEL.md §8): reuse. */
const reused = (v: StepView) => {
  const rt = presentedRefreshToken(v)!;
  return rt.status === 'rotated' && leewaySuccessor(v, rt) === undefined;
};
/** Under N1, a reused token presented for a mint by a client without the flag meets reuse detection first. */
const reuseFirst = (v: StepView) => v.setting.interpretations.N1 && reused(v);

/** A mint by a client without the flag: refused before its refresh token is looked at (mint-needs-flag judges it). */
const refusedClient = (v: StepView) =>
  v.event.type === 'MINT_TRANSFER_TOKEN' && !settingsOf(v.setting.config, presentedRefreshToken(v)!).canCreateSessionTransferToken && !reuseFirst(v);

export const mintNeedsFlag = property({
  id: 'mint-needs-flag', kind: 'rule', relevance: 'mint', rules: ['R2'],
  claim: 'Only a client with can_create_session_transfer_token mints a transfer token; any other client is refused with client_not_allowed, before its refresh token is looked at (under N1, a reused one meets reuse detection first).',
  check(v) {
    if (v.event.type !== 'MINT_TRANSFER_TOKEN') return null;
    const rt = presentedRefreshToken(v)!;
    const may = settingsOf(v.setting.config, rt).canCreateSessionTransferToken;
    const stt = mintedToken(v);
    // (plain if-chains, no closures or arrays: properties run on every transition of the explorer)
    if (may) return null;
    if (stt !== undefined) return `${stt} was minted from ${rt.id} of the ${rt.client} client, whose can_create_session_transfer_token is false`;
    if (reuseFirst(v)) return v.observation.reason === 'refresh_token_reused' ? null : `under N1, ${rt.id} is rotated: expected rejected (refresh_token_reused) before the client check, got ${outcomeText(v.observation)}`;
    if (v.observation.reason === 'client_not_allowed' && v.observation.revoked.refreshTokens.length === 0) return null;
    return `expected rejected (client_not_allowed) for the ${rt.client} client and nothing revoked, got ${outcomeText(v.observation)}`;
  },
});

export const noNestedTransfer = property({
  id: 'no-nested-transfer', kind: 'rule', relevance: 'mint', rules: ['R7', 'R8', 'WA2'],
  claim: 'A refresh token issued to a session linked to a transfer token, when it was issued or later, never mints a transfer token.',
  check(v) {
    if (v.event.type !== 'MINT_TRANSFER_TOKEN') return null;
    const rt = presentedRefreshToken(v)!;
    const stt = mintedToken(v);
    const may = settingsOf(v.setting.config, rt).canCreateSessionTransferToken;
    // judged by the session the token was issued to, whenever its link came (A6 links a session later)
    const from = lineage(v.before, rt);
    if (from === null) return null;
    if (stt !== undefined) return `${stt} was minted from ${rt.id}, issued to session ${rt.session}, which is linked to family ${from}`;
    if (!may || (rt.status !== 'active' && (rt.status !== 'rotated' || reused(v))) || v.observation.reason === 'nested_transfer_forbidden') return null;
    return `${rt.id} came from a transfer (family ${from}); expected rejected (nested_transfer_forbidden), got ${outcomeText(v.observation)}`;
  },
});

export const rotationReuseDetection = property({
  id: 'rotation-reuse-detection', kind: 'rule', relevance: 'state+grant', rules: ['R4', 'RTR', 'A15', 'LV1'],
  claim: 'With rotation on, a grant retires the presented refresh token for a successor of the same family, and presenting a retired one revokes the whole family, unless it is the immediately previous token within the leeway, which retires the family\'s current token for a new one; without rotation no token is ever retired.',
  check(v) {
    const e = v.event;
    let rotatedAfter: (typeof v.after.refreshTokens)[number] | undefined;
    for (const t of v.after.refreshTokens) if (t.status === 'rotated' && settingsOf(v.setting.config, t).rotationType !== 'rotating') { rotatedAfter = t; break; }
    if (rotatedAfter) return `${rotatedAfter.id} is rotated although the ${rotatedAfter.client} client's rotation_type is non-rotating`;
    if (e.type !== 'MINT_TRANSFER_TOKEN' && e.type !== 'REFRESH') return null;
    const rt = presentedRefreshToken(v)!;
    const o = v.observation;
    if (refusedClient(v)) return null;
    const honoured = leewaySuccessor(v, rt);
    if (honoured !== undefined) {
      // (a refusal before the rotation check: the nesting ban still applies)
      if (o.outcome === 'rejected' && o.reason === 'nested_transfer_forbidden') return null;
      const next = o.issued.map((id) => v.after.refreshTokens.find((t) => t.id === id)).find((t) => t !== undefined);
      const current = v.after.refreshTokens.find((t) => t.id === honoured.id)!;
      if (o.outcome === 'issued' && current.status === 'rotated' && next?.family === rt.family && next.previous === honoured.id) return null;
      return `${rt.id} is the token ${honoured.id} replaced ${v.before.clock - honoured.issuedAt} s ago, within the leeway of ${settingsOf(v.setting.config, rt).leeway} s: expected issued, ${honoured.id} rotated and a successor of it in family ${rt.family}; got ${outcomeText(o)}, ${honoured.id} ${current.status}, successor ${next?.id ?? 'none'}`;
    }
    if (rt.status === 'rotated') {
      const alive = v.after.refreshTokens.filter((t) => t.family === rt.family && t.status !== 'revoked').map((t) => t.id);
      if (!(o.outcome === 'rejected' && o.reason === 'refresh_token_reused')) return `${rt.id} was already rotated; expected rejected (refresh_token_reused), got ${outcomeText(o)}`;
      return alive.length === 0 ? null : `reuse of ${rt.id} detected, but ${alive.join(', ')} of family ${rt.family} still live`;
    }
    const succeeded = o.outcome === 'issued';
    if (!succeeded || settingsOf(v.setting.config, rt).rotationType !== 'rotating') return null;
    const successor = o.issued.map((id) => v.after.refreshTokens.find((t) => t.id === id)).find((t) => t !== undefined);
    const now = v.after.refreshTokens.find((t) => t.id === rt.id)!;
    if (now.status === 'rotated' && successor?.family === rt.family) return null;
    return `with rotation on, expected ${rt.id} rotated and a successor in family ${rt.family}; got ${rt.id} ${now.status}, successor ${successor?.id ?? 'none'}`;
  },
});

export const revokedRefreshTokenRefused = property({
  id: 'revoked-refresh-token-refused', kind: 'rule', relevance: 'grant', rules: ['A18'],
  claim: 'A revoked refresh token gets nothing: a mint or refresh with it is refused with refresh_token_revoked.',
  check(v) {
    if (v.event.type !== 'MINT_TRANSFER_TOKEN' && v.event.type !== 'REFRESH') return null;
    const rt = presentedRefreshToken(v)!;
    if (rt.status !== 'revoked' || refusedClient(v)) return null;
    const o = v.observation;
    if (o.outcome === 'rejected' && o.reason === 'refresh_token_revoked' && o.issued.length === 0) return null;
    return `${rt.id} is revoked; expected rejected (refresh_token_revoked), got ${outcomeText(o)}${o.issued.length ? `, issuing ${o.issued.join(', ')}` : ''}`;
  },
});

export const webRefreshTokenGate = property({
  id: 'web-refresh-token-gate', kind: 'rule', relevance: 'issued', rules: ['R25', 'A26', 'A17', 'WA1'],
  claim: 'A login that redeems a transfer token, or any login into a transfer-linked session, issues a refresh token only when the web app it is for has allow_refresh_token and offline_access was asked for; a transfer-linked one carries that app\'s online flag; every web refresh token belongs to the app the login was for.',
  check(v) {
    // logins issue; a refresh grant's rotation successor continues a family already issued (see lineage-kept)
    if (v.event.type !== 'AUTHORIZE' && v.event.type !== 'WEB_LOGIN') return null;
    // MODEL.md §8: the app the login is for decides, and gets the token
    const forApp = eventClientId(v.setting, v.event);
    const web = eventClient(v.setting, v.event);
    const asked = v.event.offlineAccess === true;
    const transferLogin = redeemed(v);
    for (const id of v.observation.issued) {
      const rt = v.after.refreshTokens.find((t) => t.id === id);
      if (rt?.client === 'web' && rt.clientId !== forApp) return `${rt.id} was issued to ${rt.clientId} by a login for ${forApp}`;
      if (!rt || rt.client !== 'web' || (rt.parent === null && !transferLogin)) continue;
      const why = transferLogin ? `by a login that redeemed ${(v.event as { transferToken?: string }).transferToken}` : `to transfer session ${rt.session}`;
      if (!web.allowRefreshToken || !asked) return `${rt.id} was issued ${why} with allow_refresh_token ${web.allowRefreshToken} and offline_access ${asked ? '' : 'not '}asked for`;
      if (rt.parent !== null && rt.online !== web.enforceOnlineRefreshTokens) return `${rt.id} was issued ${rt.online ? 'online' : 'offline'} although enforce_online_refresh_tokens is ${web.enforceOnlineRefreshTokens}`;
    }
    return null;
  },
});

export const lineageKept = property({
  id: 'lineage-kept', kind: 'rule', relevance: 'issued', rules: ['R21', 'A15'],
  claim: 'Every refresh token carries its lineage: a web token issued at login has its session\'s parent, and a rotation successor has its family\'s session and parent.',
  check(v) {
    for (const id of v.observation.issued) {
      const rt = v.after.refreshTokens.find((t) => t.id === id);
      if (!rt) continue;
      const root = v.after.refreshTokens.find((t) => t.id === rt.family)!;
      if (rt.session !== root.session || rt.parent !== root.parent) {
        return `${rt.id} of family ${rt.family} has session ${rt.session} and parent ${rt.parent}; its family's first token has ${root.session} and ${root.parent}`;
      }
      const s = rt.session === null ? undefined : v.after.sessions.find((x) => x.id === rt.session);
      if (rt.family === rt.id && s && rt.parent !== s.parent) return `${rt.id} was issued to ${s.id} (parent ${s.parent}) but carries parent ${rt.parent}`;
    }
    return null;
  },
});

export const mintRecordsContext = property({
  id: 'mint-records-context', kind: 'rule', relevance: 'mint', rules: ['R11', 'R19', 'A15', 'A21'],
  claim: 'A minted transfer token records what the later checks compare: its refresh token\'s user, family and organization, the holder device, the network that device is on when minting, and the time.',
  check(v) {
    if (v.event.type !== 'MINT_TRANSFER_TOKEN') return null;
    const id = mintedToken(v);
    if (id === undefined) return null;
    const rt = presentedRefreshToken(v)!;
    const stt = v.after.transferTokens.find((t) => t.id === id)!;
    const network = v.before.devices[rt.device].network;
    const net = v.setting.networks.get(network)!;
    const expected = { user: rt.user, parent: rt.id, family: rt.family, organization: rt.organization, device: rt.device, network, ip: net.ip, asn: net.asn, issuedAt: v.before.clock };
    const wrong = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => stt[k] !== expected[k]);
    return wrong.length === 0 ? null : `${id} minted from ${rt.id} on ${rt.device} (on ${network} at ${v.before.clock} s) records ${wrong.map((k) => `${k} ${String(stt[k])} instead of ${String(expected[k])}`).join(', ')}`;
  },
});
