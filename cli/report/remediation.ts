// cli/report/remediation.ts: remediation over the whole space (issue 14's item 4, for the attacker of
// MODEL.md §6). For each goal, the fewest flag settings under which it holds in every configuration of
// the space that has them, with Native to Web SSO still working in one of them at least; then the
// combinations of those settings that close the most goals at the least cost in features, ranked. Read off
// the results already checked: no exploration of its own.
import { DIMENSIONS, type Config, type DimensionKey, type DimensionValue, dimensionValues } from '../../machines/config.js';
import { changeCost } from '../fixes.js';

/** A flag setting: one dimension of the space at one value. */
export interface FlagSetting { key: DimensionKey; value: DimensionValue }
export interface Remedy {
  /** the settings, in the space's dimension order */
  settings: FlagSetting[];
  /** configurations of the space that have them, and among them where Native to Web SSO still works */
  configurations: number;
  working: number;
  /** what each setting costs in features, against the most permissive value of its flag */
  costs: string[];
  cost: number;
}
export interface GoalRemedies {
  goal: string;
  failsIn: number;
  /** the cheapest remedies found, fewest settings first (at most MAX_PER_GOAL); empty: none within MAX_SETTINGS */
  remedies: Remedy[];
}
export interface Recommendation {
  settings: FlagSetting[];
  closes: string[];
  stillFailing: string[];
  costs: string[];
  cost: number;
}
export interface Remediation {
  /** what was searched, in words */
  searched: string;
  goals: GoalRemedies[];
  recommended: Recommendation[];
}

/** At most this many settings in one remedy: three reach every remedy the space has (see the tests). */
export const MAX_SETTINGS = 3;
const MAX_PER_GOAL = 3;
const MAX_RECOMMENDED = 3;

/**
 * The value of each flag that gives the most features (what a tenant gives up is measured from it): every
 * app may mint, both methods, no binding, refresh tokens allowed and offline, no cascade, no rotation.
 */
const PERMISSIVE: Record<string, DimensionValue> = {
  'native.can_create_session_transfer_token': true, 'web.can_create_session_transfer_token': true,
  'native.enforce_cascade_revocation': false, 'native.rotation_type': 'non-rotating',
  'web.allowed_authentication_methods': 'cookie+query', 'web.enforce_device_binding': 'none',
  'web.allow_refresh_token': true, 'web.enforce_online_refresh_tokens': false,
};
/** Turning Native to Web SSO off for an app costs more than any other restriction. */
const weight = (s: FlagSetting): number => (PERMISSIVE[s.key] === s.value ? 0
  : (s.key.endsWith('can_create_session_transfer_token') && s.value === false) || s.value === 'none' && s.key === 'web.allowed_authentication_methods' ? 3 : 1);

const costsOf = (settings: readonly FlagSetting[]) => settings.filter((s) => PERMISSIVE[s.key] !== undefined && PERMISSIVE[s.key] !== s.value)
  .map((s) => `${s.key} = ${JSON.stringify(s.value)}: ${changeCost(s.key, PERMISSIVE[s.key], s.value)}`);

/** Every set of 1..MAX_SETTINGS settings over distinct dimensions, in a fixed order. */
function candidates(): FlagSetting[][] {
  const out: FlagSetting[][] = [];
  const rec = (start: number, acc: FlagSetting[]) => {
    if (acc.length > 0) out.push(acc);
    if (acc.length === MAX_SETTINGS) return;
    for (let d = start; d < DIMENSIONS.length; d++) for (const value of DIMENSIONS[d].values) rec(d + 1, [...acc, { key: DIMENSIONS[d].key, value }]);
  };
  rec(0, []);
  return out;
}

const key = (settings: readonly FlagSetting[]) => settings.map((s) => `${s.key}=${String(s.value)}`).join('&');

export function remediation(configs: readonly Config[], failing: ReadonlyMap<string, ReadonlySet<number>>, vacuity: readonly (string | null)[]): Remediation {
  const values = configs.map(dimensionValues);
  const matching = (settings: readonly FlagSetting[]) => {
    const out: number[] = [];
    for (let i = 0; i < values.length; i++) if (settings.every((s) => values[i][s.key] === s.value)) out.push(i);
    return out;
  };
  // fewest settings first, so that a remedy's subsets are judged before it (minimality below)
  const all = candidates().sort((a, b) => a.length - b.length).map((settings) => ({ settings, match: matching(settings) })).filter((c) => c.match.length > 0);
  const remedy = (settings: FlagSetting[], match: number[]): Remedy => {
    const costs = costsOf(settings);
    return { settings, configurations: match.length, working: match.filter((i) => vacuity[i] === null).length, costs, cost: settings.reduce((n, s) => n + weight(s), 0) };
  };
  const holds = (goal: string, match: readonly number[]) => match.every((i) => !failing.get(goal)!.has(i)) && match.some((i) => vacuity[i] === null);
  const goals: GoalRemedies[] = [...failing.keys()].map((goal) => {
    const found: { settings: FlagSetting[]; match: number[] }[] = [];
    for (const c of all) {
      if (!holds(goal, c.match)) continue;
      // minimal: no smaller set of these settings holds already
      const smaller = c.settings.length > 1 && found.some((f) => f.settings.every((s) => c.settings.some((t) => t.key === s.key && t.value === s.value)));
      if (!smaller) found.push(c);
    }
    const ranked = found.map((f) => remedy(f.settings, f.match))
      .sort((a, b) => a.settings.length - b.settings.length || a.cost - b.cost || b.working - a.working || key(a.settings).localeCompare(key(b.settings)));
    return { goal, failsIn: failing.get(goal)!.size, remedies: ranked.slice(0, MAX_PER_GOAL) };
  });

  // recommendations: one remedy per goal (or none), merged where they agree, judged on the space again
  const choices = goals.map((g) => [null, ...g.remedies]);
  const seen = new Set<string>();
  const recs: Recommendation[] = [];
  const rec = (g: number, acc: FlagSetting[]) => {
    if (g === choices.length) {
      if (acc.length === 0) return;
      const settings = DIMENSIONS.flatMap((d) => acc.filter((s) => s.key === d.key).slice(0, 1));
      const k = key(settings);
      if (seen.has(k)) return;
      seen.add(k);
      const match = matching(settings);
      if (match.length === 0) return;
      const closes = goals.filter((x) => x.failsIn > 0 && holds(x.goal, match)).map((x) => x.goal);
      if (closes.length === 0) return;
      recs.push({ settings, closes, stillFailing: goals.filter((x) => x.failsIn > 0 && !closes.includes(x.goal)).map((x) => x.goal), costs: costsOf(settings), cost: settings.reduce((n, s) => n + weight(s), 0) });
      return;
    }
    for (const r of choices[g]) {
      if (r !== null && r.settings.some((s) => acc.some((t) => t.key === s.key && t.value !== s.value))) continue;
      rec(g + 1, r === null ? acc : [...acc, ...r.settings.filter((s) => !acc.some((t) => t.key === s.key))]);
    }
  };
  rec(0, []);
  recs.sort((a, b) => b.closes.length - a.closes.length || a.cost - b.cost || a.settings.length - b.settings.length || key(a.settings).localeCompare(key(b.settings)));
  // keep a recommendation only if no earlier one closes a superset of its goals at no greater cost
  const kept: Recommendation[] = [];
  for (const r of recs) {
    if (kept.some((k) => r.closes.every((g) => k.closes.includes(g)) && k.cost <= r.cost)) continue;
    kept.push(r);
    if (kept.length === MAX_RECOMMENDED) break;
  }
  return {
    searched: `every set of up to ${MAX_SETTINGS} flag settings of the space (${all.length} that some configuration has), judged on the ${configs.length} configurations checked: a remedy holds in every configuration that has it, with Native to Web SSO working in one at least`,
    goals, recommended: kept,
  };
}
