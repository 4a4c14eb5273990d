// properties/property.ts: what a property is, and the public facts properties share.
// A property judges one step from what the system shows: the event, the observation, and the public
// world summary before and after. It never reads a machine's private context, so the same property can
// judge a real server's answers. Inputs the reviewer gave (configuration, interpretations, population)
// are public too.
import { settingsOf } from '../machines/config.js';
import { eventClient, methodAllowed, type ModelEvent, type EventOf } from '../machines/events.js';
import type { Observation } from '../machines/observation.js';
import type { Setting } from '../machines/setting.js';
import type { RuleId } from '../machines/rules.js';
import { deviceSession, familyRevoked, refreshToken, transferToken, type RefreshToken, type Session, type TransferToken, type World } from '../machines/world.js';

export interface StepView {
  readonly setting: Setting;
  readonly event: ModelEvent;
  readonly observation: Observation;
  readonly before: World;
  readonly after: World;
}

/**
 * When a property can answer non-null, declared beside its check so the two cannot drift apart; the
 * explorer calls a property only on such transitions (properties/relevance.test.ts checks each
 * declaration against the checks on random sequences of the mutants).
 *  - 'mint': MINT_TRANSFER_TOKEN; 'grant': MINT_TRANSFER_TOKEN or REFRESH; 'login': NATIVE_LOGIN, AUTHORIZE, WEB_LOGIN;
 *  - 'action': a post-login Action ran (the observation's `action`);
 *  - 'issued' / 'revoked': the observation issued something / revoked a session or refresh token;
 *  - 'state': a world invariant, reading only `after` and `setting`: the same verdict for every
 *    transition into a world (the explorer checks it on the first, a shortest one);
 *  - 'state+grant', 'state+revoked': both; omitted: every transition;
 *  - 'clock+login': ADVANCE_TIME, AUTHORIZE and WEB_LOGIN (what expires sessions and logs in to them);
 *  - 'clock+grant+issued': ADVANCE_TIME, MINT_TRANSFER_TOKEN, REFRESH, and any step that issued something;
 *  - a list of /authorize facts (AUTHORIZE_FACTS): AUTHORIZE where one of them holds. Each is the
 *    negation of an early `return null` of a check, so the list reads off its first lines.
 */
export type Relevance = 'mint' | 'grant' | 'login' | 'action' | 'grant+revoke' | 'issued' | 'revoked' | 'state' | 'state+grant' | 'state+revoked' | 'clock+login' | 'clock+grant+issued' | readonly AuthorizeFact[];

/**
 * Facts of an /authorize step: of the transfer-token presentation (Presentation below) and of the answer
 * to it, or that no token was presented. A token property is called only where one of its facts holds,
 * and the facts are fine enough (binding-refused, organization-refused, aged, used-up) that most
 * presentations call few of them.
 */
export const AUTHORIZE_FACTS = {
  /** a token presented at or over the TTL */
  aged: 1,
  /** a token used up before: consumed by a redemption or rejected (burned, A8) */
  'used-up': 2,
  /** a token sent by a method not in allowed_authentication_methods */
  'not-allowed': 4,
  /** a token sent by an allowed method, failing a check of A9 other than the session's user */
  invalid: 8,
  /** a token passing every check of A9 but the session's user */
  valid: 16,
  /** a token redeemed: a login that used it (redeemed() below) */
  redeemed: 32,
  /** a token presented, and the outcome is login_required */
  prompted: 64,
  /** a token presented, and refused as device_binding_failed */
  'binding-refused': 128,
  /** a token presented, and refused as organization_mismatch */
  'organization-refused': 256,
  /** no transfer token presented */
  'no-token': 512,
} as const;
export type AuthorizeFact = keyof typeof AUTHORIZE_FACTS;

/** The /authorize facts of a step as bits (0 for other events). */
export function authorizeFacts(v: StepView): number {
  if (v.event.type !== 'AUTHORIZE') return 0;
  const p = presentation(v);
  if (p === null) return AUTHORIZE_FACTS['no-token'];
  let m = p.age >= v.setting.config.transferTokenTtlSeconds ? AUTHORIZE_FACTS.aged : 0;
  if (p.token.status === 'consumed' || p.token.status === 'rejected') m |= AUTHORIZE_FACTS['used-up'];
  m |= !p.allowed ? AUTHORIZE_FACTS['not-allowed'] : p.valid ? AUTHORIZE_FACTS.valid : AUTHORIZE_FACTS.invalid;
  if (redeemed(v)) m |= AUTHORIZE_FACTS.redeemed;
  if (v.observation.outcome === 'login_required') m |= AUTHORIZE_FACTS.prompted;
  const reason = v.observation.reason;
  if (reason === 'device_binding_failed') m |= AUTHORIZE_FACTS['binding-refused'];
  else if (reason === 'organization_mismatch') m |= AUTHORIZE_FACTS['organization-refused'];
  return m;
}

/** The bits of a list of /authorize facts. */
export const factBits = (facts: readonly AuthorizeFact[]): number => facts.reduce((m, f) => m | AUTHORIZE_FACTS[f], 0);

/** A world invariant (checked once per distinct state by the explorer): 'state', 'state+grant', 'state+revoked'. */
export const isStateRelevance = (r: Relevance): boolean => typeof r === 'string' && r.startsWith('state');

/** Whether the transition alone makes a property of this relevance answerable ('state': never). */
export function triggered(r: Relevance, v: StepView): boolean {
  const e = v.event, o = v.observation;
  if (typeof r !== 'string') return (authorizeFacts(v) & factBits(r)) !== 0;
  switch (r) {
    case 'mint': return e.type === 'MINT_TRANSFER_TOKEN';
    case 'login': return e.type === 'NATIVE_LOGIN' || e.type === 'AUTHORIZE' || e.type === 'WEB_LOGIN';
    case 'action': return o.action !== undefined;
    case 'grant': case 'state+grant': return e.type === 'MINT_TRANSFER_TOKEN' || e.type === 'REFRESH';
    case 'grant+revoke': return e.type === 'MINT_TRANSFER_TOKEN' || e.type === 'REFRESH' || e.type === 'REVOKE_REFRESH_TOKEN';
    case 'issued': return o.issued.length > 0;
    case 'revoked': case 'state+revoked': return o.revoked.sessions.length > 0 || o.revoked.refreshTokens.length > 0;
    case 'state': return false;
    case 'clock+login': return e.type === 'ADVANCE_TIME' || e.type === 'AUTHORIZE' || e.type === 'WEB_LOGIN';
    case 'clock+grant+issued': return e.type === 'ADVANCE_TIME' || e.type === 'MINT_TRANSFER_TOKEN' || e.type === 'REFRESH' || o.issued.length > 0;
  }
}

export interface Property {
  /** stable id, used in reports and counterexample file names */
  readonly id: string;
  /** `rule`: must hold in every configuration (a violation is a model bug); `goal`: a security goal, may fail */
  readonly kind: 'rule' | 'goal';
  readonly rules: readonly RuleId[];
  /** one sentence: what holds */
  readonly claim: string;
  /** null when the step is fine; otherwise what was expected and what happened */
  check(v: StepView): string | null;
  /** on which transitions `check` can answer non-null (omitted: any) */
  readonly relevance?: Relevance;
  /**
   * Whether the step meets the claim's premise, so that the property could have failed on it (omitted:
   * the relevance's trigger). A property whose premise never occurred was not exercised: its "no
   * violation" says nothing. Required for 'state' invariants, which no single transition triggers.
   */
  readonly premise?: (v: StepView) => boolean;
}

/** Whether a step exercised a property (its premise held); `facts`: authorizeFacts(v), computed once. */
export function exercised(p: Property, v: StepView, facts: number): boolean {
  if (p.premise) return p.premise(v);
  const r = p.relevance;
  if (r === undefined) return true;
  if (typeof r !== 'string') return (facts & factBits(r)) !== 0;
  return triggered(r, v);
}

/** The step revoked a refresh-token family that some session or refresh token descends from (R21). */
export function revokedAParent(v: StepView, cascadingOnly: boolean): boolean {
  for (const id of v.observation.revoked.refreshTokens) {
    const rt = v.before.refreshTokens.find((t) => t.id === id);
    if (!rt) continue;
    const family = rt.family;
    if (cascadingOnly) {
      const root = v.before.refreshTokens.find((t) => t.id === family);
      if (!root || !settingsOf(v.setting.config, root).enforceCascadeRevocation) continue;
    }
    if (v.after.sessions.some((s) => s.parent === family) || v.after.refreshTokens.some((t) => t.parent === family)) return true;
  }
  return false;
}

/** The step ended (revoked or expired, R27) a session that had refresh tokens issued to it (transfer-linked ones only, if asked). */
export function endedASessionWithRefreshTokens(v: StepView, transferLinkedOnly: boolean): boolean {
  return [...v.observation.revoked.sessions, ...(v.observation.expired?.sessions ?? [])].some((id) => {
    const s = v.before.sessions.find((x) => x.id === id);
    return s !== undefined && (!transferLinkedOnly || s.parent !== null) && v.before.refreshTokens.some((t) => t.session === id);
  });
}

export const property = (p: Property): Property => p;


// ---------------------------------------------------------------------------------------------
// Public facts about a transfer token presented at /authorize, read from the world before the step.

export interface Presentation {
  readonly event: EventOf<'AUTHORIZE'>;
  readonly token: TransferToken;
  /** the method is in the web app's allowed_authentication_methods (R13) */
  readonly allowed: boolean;
  readonly age: number;
  /** not used before, not burned, not expired, age under the TTL (R9, R10) */
  readonly fresh: boolean;
  readonly parentAlive: boolean;
  readonly bindingHolds: boolean;
  /** same IP and same ASN as at mint: the token is on its minting network */
  readonly sameNetwork: boolean;
  readonly organizationMatches: boolean;
  readonly sessionBefore: Session | undefined;
  /** every check of A9 but the session's user passes */
  readonly valid: boolean;
}

// Properties are checked one after another on the same step: a one-entry cache computes the
// presentation once per step however many properties ask.
let cachedView: StepView | null = null;
let cachedPresentation: Presentation | null = null;

/** Public facts about the transfer token this step presents at /authorize, or null. */
export function presentation(v: StepView): Presentation | null {
  if (v !== cachedView) {
    cachedPresentation = computePresentation(v);
    cachedView = v;
  }
  return cachedPresentation;
}

function computePresentation(v: StepView): Presentation | null {
  const e = v.event;
  if (e.type !== 'AUTHORIZE' || e.transferToken === undefined) return null;
  return new PresentationFacts(v, e, transferToken(v.before, e.transferToken)!);
}

class PresentationFacts implements Presentation {
  readonly allowed: boolean;
  readonly age: number;
  readonly fresh: boolean;
  readonly parentAlive: boolean;
  readonly sameNetwork: boolean;
  readonly sessionBefore: Session | undefined;
  readonly valid: boolean;
  private readonly here: { ip: string; asn: number };
  private binding: boolean | undefined;
  private orgMatches: boolean | undefined;

  constructor(private readonly v: StepView, readonly event: EventOf<'AUTHORIZE'>, readonly token: TransferToken) {
    const { config } = v.setting;
    const here = v.setting.networks.get(v.before.devices[event.device].network)!;
    this.here = here;
    this.age = v.before.clock - token.issuedAt;
    this.allowed = methodAllowed(v.setting, event);
    this.fresh = (token.status === 'issued' || token.status === 'revoked') && this.age < config.transferTokenTtlSeconds;
    this.parentAlive = !familyRevoked(v.before, token.family);
    this.sameNetwork = here.ip === token.ip && here.asn === token.asn;
    this.sessionBefore = deviceSession(v.before, event.device);
    this.valid = this.allowed && this.fresh && this.parentAlive && this.bindingHolds && this.organizationMatches;
  }

  /** Read lazily: a configuration's binding is read only when a check needs it (explorer/config-classes.ts). */
  get bindingHolds(): boolean {
    if (this.binding === undefined) {
      // MODEL.md §8: the redeeming web app's binding
      const b = eventClient(this.v.setting, this.event).enforceDeviceBinding;
      this.binding = b === 'none' || (b === 'ip' ? this.here.ip === this.token.ip : this.here.asn === this.token.asn);
    }
    return this.binding;
  }

  /**
   * Read lazily as well: the organization asked is read only when a check needs it (valid reads it last),
   * so the explorer can tell that /authorize events differing only in it were processed alike (twins,
   * explorer/explore.ts).
   */
  get organizationMatches(): boolean {
    return this.orgMatches ??= (this.event.organization ?? null) === this.token.organization;
  }
}

/** A post-login Action refused this login (MODEL.md §2): action-refusal-honoured judges it, not the login rules. */
export const refusedByAction = (v: StepView): boolean => v.observation.action !== undefined && (v.observation.action.denied !== undefined || v.observation.action.revoked !== undefined);

/** The step redeemed the presented transfer token: a login that used it (not one that ignored it). */
export const redeemed = (v: StepView): boolean =>
  v.event.type === 'AUTHORIZE' && v.event.transferToken !== undefined && v.observation.outcome === 'logged_in' && !v.observation.transferTokenIgnored;

export const sessionAfter = (v: StepView, id: string | undefined): Session | undefined => {
  if (id === undefined) return undefined;
  for (const s of v.after.sessions) if (s.id === id) return s; // find() without a closure per call
  return undefined;
};

/** The transfer token with this id in the world after the step (the first, as find() would). */
export function transferTokenAfter(v: StepView, id: string): TransferToken | undefined {
  for (const t of v.after.transferTokens) if (t.id === id) return t;
  return undefined;
}

export const presentedRefreshToken = (v: StepView) => {
  const e = v.event;
  return e.type === 'MINT_TRANSFER_TOKEN' || e.type === 'REFRESH' || e.type === 'REVOKE_REFRESH_TOKEN' ? refreshToken(v.before, e.refreshToken) : undefined;
};

/**
 * MODEL.md §8's leeway, judged from the world before the step: a rotated token is honoured when the family's
 * active token replaced it (its `previous`) less than `leeway` seconds ago. Returns that successor, or undefined.
 */
export function leewaySuccessor(v: StepView, rt: RefreshToken): RefreshToken | undefined {
  if (rt.status !== 'rotated') return undefined;
  const leeway = settingsOf(v.setting.config, rt).leeway;
  if (leeway === 0) return undefined;
  for (const t of v.before.refreshTokens) {
    if (t.previous === rt.id && t.status === 'active' && t.family === rt.family) return v.before.clock - t.issuedAt < leeway ? t : undefined;
  }
  return undefined;
}

/** A session that has ended: revoked, or expired (R27: "revoking or expiring"). */
export const ended = (s: Session): boolean => s.status === 'revoked' || s.status === 'expired';

export const owner = (v: StepView, device: string): string => v.setting.devices.get(device)!.owner;
export const isAttacker = (v: StepView, user: string): boolean => v.setting.users.get(user)?.attacker === true;
export const outcomeText = (o: Observation): string => `${o.outcome}${o.reason ? ` (${o.reason})` : ''}`;
