// machines/attacker.ts: the attacker's capabilities (MODEL.md §10). The tenant does not know who is an
// attacker; these are constraints on the environment: which events an attacker can make happen. The
// engines enumerate only the events they allow, and a scenario that asks for another is refused.
//
// Knowledge is derived, not stepped: what the attacker knows of a transfer token follows from the token
// (who minted it, where, whether it travelled in a URL) and the capabilities. Learning has no effect on the
// tenant, and learning at the earliest moment only adds options, so an explicit learning step would add
// interleavings and no behaviour; a counterexample still says how each token reached him (howKnown).
import type { ModelEvent } from './events.js';
import type { Population } from './world.js';
import type { TransferToken, World } from './world.js';

export const CAPABILITIES = ['own-account', 'send-link', 'join-network', 'read-url', 'device-malware', 'steal-in-transit'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const CAPABILITY_TEXT: Record<Capability, string> = {
  'own-account': 'signs in as himself and mints his own transfer tokens on his own devices (always on)',
  'send-link': 'makes a victim\'s browser open a URL he chose: his token arrives there by query only',
  'join-network': 'puts his device on a victim\'s network (same IP and ASN)',
  'read-url': 'learns a transfer token that travelled in a URL (query) from a victim\'s device, while it is still usable',
  'device-malware': 'reads the transfer tokens minted on one victim device, and sets cookies in its browser',
  'steal-in-transit': 'learns every transfer token once minted (the weakest assumption)',
};

/** The attacker of the goals before capabilities (MODEL.md §6): the set it equals. */
export const LEGACY_ATTACKER: readonly Capability[] = ['own-account', 'send-link', 'join-network', 'steal-in-transit'];

/** The capabilities of a population's attacker (absent: the legacy set); own-account is always on. */
export function capabilitiesOf(p: Population): ReadonlySet<Capability> {
  return new Set<Capability>(['own-account', ...(p.capabilities ?? LEGACY_ATTACKER)]);
}

/** The victim device malware runs on: the first device of a user who is not an attacker. */
export function malwareDevice(p: Population): string | undefined {
  const attackers = new Set(p.users.filter((u) => u.attacker).map((u) => u.name));
  return p.devices.find((d) => !attackers.has(d.owner))?.name;
}

export interface AttackerView {
  readonly capabilities: ReadonlySet<Capability>;
  readonly attackers: ReadonlySet<string>;
  readonly owners: ReadonlyMap<string, string>;
  /** networks a victim device starts on */
  readonly victimNetworks: ReadonlySet<string>;
  readonly malware: string | undefined;
}

export function attackerView(p: Population): AttackerView {
  const attackers = new Set(p.users.filter((u) => u.attacker).map((u) => u.name));
  return {
    capabilities: capabilitiesOf(p), attackers,
    owners: new Map(p.devices.map((d) => [d.name, d.owner])),
    victimNetworks: new Set(p.devices.filter((d) => !attackers.has(d.owner)).map((d) => d.network)),
    malware: malwareDevice(p),
  };
}

export type HowKnown = 'own-account' | 'steal-in-transit' | 'device-malware' | 'read-url';

/** How the attacker knows this token, or null when he does not (MODEL.md §10). */
export function howKnown(a: AttackerView, t: TransferToken): HowKnown | null {
  if (a.attackers.has(t.user)) return 'own-account';
  if (a.capabilities.has('steal-in-transit')) return 'steal-in-transit';
  if (a.capabilities.has('device-malware') && t.device === a.malware) return 'device-malware';
  if (a.capabilities.has('read-url') && t.inUrl) return 'read-url';
  return null;
}

/**
 * Why the attacker cannot make this event happen in this world, or null when he can (or it is no
 * attacker's doing). Checked before the step: the tenant never sees a refused event.
 */
export function refusedByCapabilities(a: AttackerView, w: World, e: ModelEvent, method: string | undefined = e.type === 'AUTHORIZE' ? e.method : undefined): string | null {
  if (e.type === 'AUTHORIZE' && e.transferToken !== undefined) {
    // (world.ts imports this module for the population schema: its look-ups are not imported back)
    const t = w.transferTokens[Number(e.transferToken.slice(3)) - 1];
    if (t === undefined) return null;
    const device = a.owners.get(e.device);
    const byAttacker = device !== undefined && a.attackers.has(device);
    if (byAttacker && howKnown(a, t) === null) {
      return `${device} does not know ${t.id} (minted by ${t.user} on ${t.device}): it needs steal-in-transit, device-malware on ${t.device}${a.malware === t.device ? '' : ' (malware runs on ' + (a.malware ?? 'no device') + ')'}, or read-url once it travelled in a URL`;
    }
    // the attacker's own token in a victim's browser: by a link (query), or a cookie planted by malware there
    if (!byAttacker && a.attackers.has(t.user)) {
      method ??= 'cookie';
      if (method === 'query' && !a.capabilities.has('send-link')) return `${t.user}'s ${t.id} reaches ${e.device} by a link only with send-link`;
      if (method === 'cookie' && !(a.capabilities.has('device-malware') && e.device === a.malware)) return `${t.user}'s ${t.id} cannot be set as a cookie in ${e.device}'s browser (a cookie on the Auth0 domain is not set cross-site; device-malware on ${e.device} could)`;
    }
    return null;
  }
  if (e.type === 'MOVE_DEVICE') {
    const owner = a.owners.get(e.device);
    if (owner === undefined || !a.attackers.has(owner) || a.capabilities.has('join-network')) return null;
    const onVictim = a.victimNetworks.has(e.network) || Object.entries(w.devices).some(([d, s]) => s.network === e.network && !a.attackers.has(a.owners.get(d) ?? ''));
    return onVictim ? `${e.device} cannot join ${e.network}, a victim's network, without join-network` : null;
  }
  return null;
}
