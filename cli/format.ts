// cli/format.ts: observations, world summaries and configurations as text for people.
import { describeEvent } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import { outcomeText } from '../properties/property.js';
import type { World } from '../machines/world.js';
import { INTERPRETATION_KEYS, type Interpretations } from '../machines/config.js';

/** `logged_in as mallory in s1 (new); issued rt2; consumed stt1` */
export function describeAnswer(o: Observation): string {
  const parts: string[] = [outcomeText(o)];
  if (o.outcome === 'logged_in') parts[0] += ` as ${o.user} in ${o.session}${o.sessionCreated ? ' (new)' : ''}`;
  if (o.transferTokenIgnored) parts.push('transfer token ignored');
  if (o.issued.length) {
    if (o.outcome === 'issued') parts[0] = `issued ${o.issued.join(', ')}`;
    else parts.push(`issued ${o.issued.join(', ')}`);
  }
  const revoked = [...o.revoked.refreshTokens, ...o.revoked.sessions, ...o.revoked.transferTokens];
  if (revoked.length) parts.push(`revoked ${revoked.join(', ')}`);
  if (o.consumed.length) parts.push(`consumed ${o.consumed.join(', ')}`);
  const expired = o.expired ? [...o.expired.refreshTokens, ...o.expired.sessions, ...o.expired.transferTokens] : [];
  if (expired.length) parts.push(`expired ${expired.join(', ')}`);
  return parts.join('; ');
}

export function describeStep(o: Observation): string {
  return `${describeEvent(o.event)} → ${describeAnswer(o)}`;
}

/** The world summary as aligned text tables. */
export function describeWorld(w: World): string {
  const table = (title: string, head: string[], rows: string[][]) => {
    if (rows.length === 0) return `${title}: none`;
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return [`${title}:`, line(head), ...rows.map(line)].join('\n');
  };
  const dash = (x: string | null) => x ?? '-';
  return [
    `clock: ${w.clock} s`,
    table('devices', ['device', 'network', 'session'], Object.entries(w.devices).map(([d, s]) => [d, s.network, dash(s.session)])),
    table('refresh tokens', ['id', 'client', 'user', 'device', 'status', 'family', 'session', 'parent', 'online', 'issued', 'used', 'previous'],
      w.refreshTokens.map((t) => [t.id, t.client, t.user, t.device, t.status, t.family, dash(t.session), dash(t.parent), t.client === 'web' ? String(t.online) : '-',
        `${t.issuedAt} s`, `${t.usedAt} s`, dash(t.previous)])),
    table('transfer tokens', ['id', 'user', 'status', 'parent', 'family', 'minted on', 'at', 'organization'],
      w.transferTokens.map((t) => [t.id, t.user, t.status, t.parent, t.family, `${t.device} @ ${t.network}`, `${t.issuedAt} s`, dash(t.organization)])),
    table('sessions', ['id', 'user', 'device', 'status', 'via', 'transfer token', 'parent', 'created', 'last login'],
      w.sessions.map((s) => [s.id, s.user, s.device, s.status, s.via, dash(s.transferToken), dash(s.parent), `${s.createdAt} s`, `${s.lastActiveAt} s`])),
  ].join('\n');
}

export { describeConfig } from '../machines/config.js';

/** Every switch with its reading, in the table's order (MODEL.md §2). */
export const describeInterpretations = (i: Interpretations) => INTERPRETATION_KEYS.map((k) => `${k} ${i[k]}`).join(', ');
