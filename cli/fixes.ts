// cli/fixes.ts: for a configuration the user gave, the nearest configurations of the space where a failing
// security goal holds (fewest flag changes), each change with what it costs the tenant, so that "fails"
// comes with "set X to Y". The neighbours are checked with the same engines and options as the given one.
import { clientField, dimension, DIMENSIONS, dimensionValues, withDimension, type App, type SpaceKey, type Config, type DimensionKey, type DimensionValue } from '../machines/config.js';
import type { ConfigResult } from '../check/check.js';
import { describeConfig } from './format.js';
import { vacuousBecause, type FlagChange, type GoalFix } from './report/report.js';
import { configLabel } from '../machines/config.js';

/** The most flag changes searched; three reach every goal's fix in the space measured (see the tests). */
export const MAX_CHANGES = 3;
/** Options listed per goal. */
const MAX_OPTIONS = 5;

/** Every configuration that differs from `c` in exactly `k` dimensions of the space, with the changes. */
export function neighbours(c: Config, k: number): { config: Config; changes: { key: DimensionKey; from: DimensionValue; to: DimensionValue }[] }[] {
  const v = dimensionValues(c);
  const out: ReturnType<typeof neighbours> = [];
  const rec = (start: number, config: Config, changes: { key: DimensionKey; from: DimensionValue; to: DimensionValue }[]) => {
    if (changes.length === k) { out.push({ config, changes }); return; }
    for (let d = start; d < DIMENSIONS.length; d++) {
      const { key, values } = DIMENSIONS[d];
      for (const to of values as readonly DimensionValue[]) {
        if (to === v[key]) continue;
        rec(d + 1, withDimension(config, key, to), [...changes, { key, from: v[key], to }]);
      }
    }
  };
  rec(0, c, []);
  return out;
}

const show = (x: DimensionValue, key: DimensionKey) =>
  dimension(key).field === 'allowedAuthenticationMethods' ? (x === 'none' ? '[]' : JSON.stringify(String(x).split('+'))) : JSON.stringify(x);


const methodList = (v: DimensionValue) => (v === 'none' ? [] : String(v).split('+'));

/** What changing each field costs the tenant, in a sentence (spec §2's effects); every field of the table has one. */
const COSTS: { readonly [K in SpaceKey]: (app: App, from: DimensionValue, to: DimensionValue) => string } = {
  canCreateSessionTransferToken: (app, _from, to) => (to ? `the ${app} app may mint transfer tokens: more tokens that can be stolen or replayed`
    : `the ${app} app can no longer mint: its users sign in again in the web app (Native to Web SSO off from this app)`),
  enforceCascadeRevocation: (_app, _from, to) => (to ? 'revoking the native refresh token also ends the web sessions and refresh tokens born of its transfers'
    : 'revoking the native refresh token leaves the web sessions born of its transfers running'),
  rotationType: (_app, _from, to) => (to === 'rotating' ? 'the native app must store each new refresh token; presenting a retired one revokes its family (reuse detection)'
    : 'no reuse detection for the native app\'s refresh tokens'),
  allowedAuthenticationMethods: (_app, from, to) => {
    if (to === 'none') return 'an empty allowed_authentication_methods turns Native to Web SSO off for this app: every user signs in again in the web app';
    const had = methodList(from);
    const has = methodList(to);
    return [
      ...had.filter((m) => !has.includes(m)).map((m) => (m === 'query' ? 'links carrying the token in the URL (query) no longer log in: the native app must set the cookie in its WebView'
        : 'the token is no longer accepted as a cookie: the native app must put it in the URL, where it can leak (history, logs, Referer)')),
      ...has.filter((m) => !had.includes(m)).map((m) => (m === 'query' ? 'the token may arrive in a URL: a link can carry it into another user\'s browser'
        : 'the token may arrive as a cookie set by the native app\'s WebView')),
    ].join('; ');
  },
  enforceDeviceBinding: (_app, _from, to) => (to === 'ip' ? 'a token must be redeemed from the IP address it was minted from: users who change network in between (mobile data to Wi-Fi) sign in again'
    : to === 'asn' ? 'a token must be redeemed from the minting network\'s carrier (ASN): anyone on the same carrier passes the check'
      : 'no device binding: a token works from any network'),
  allowRefreshToken: (_app, _from, to) => (to ? 'transfer logins that ask for offline_access get a refresh token for the web app' : 'transfer logins get no refresh token for the web app (offline_access is not honoured)'),
  enforceOnlineRefreshTokens: (_app, _from, to) => (to ? 'web refresh tokens from transfer logins end with their session: no offline use after logout'
    : 'web refresh tokens from transfer logins outlive their session (offline use after logout)'),
};

/** What a change of one flag costs the tenant, in a sentence. */
export function changeCost(key: DimensionKey, from: DimensionValue, to: DimensionValue): string {
  const d = dimension(key);
  return COSTS[d.field](d.app, from, to);
}

/** The clients' names to say whose flag a change is ("the web app (Acme Account Portal)"). */
export type ClientNames = { native: string; web: string };

/**
 * The nearest configurations where each failing goal holds: neighbours at 1, then 2, then up to
 * MAX_CHANGES flag changes, checked with `check` until every goal has an option that holds not vacuously.
 */
export async function findFixes(given: ConfigResult, failing: readonly string[], names: ClientNames,
  check: (configs: Config[]) => Promise<ConfigResult[]>): Promise<GoalFix[]> {
  const found = new Map<string, { distance: number; result: ConfigResult; changes: FlagChange[]; because: string | null }[]>(failing.map((g) => [g, []]));
  const failsIn = (r: ConfigResult) => new Set([...(r.explorer?.counterexamples ?? []), ...(r.random?.counterexamples ?? [])].map((c) => c.property));
  const failedGiven = failsIn(given);
  let searched = 0;
  const useful = (g: string) => found.get(g)!.some((o) => o.because === null);
  const any = (g: string) => found.get(g)!.length > 0;
  // Search further while a goal has no option at all, or only vacuous ones and one more change may find a
  // useful one: a goal that fails whenever tokens flow (theft, say) has only vacuous fixes, at any distance.
  let distance = 0;
  let onlyVacuousSince = 0;
  while (distance < MAX_CHANGES) {
    if (failing.every(useful)) break;
    if (failing.every(any)) {
      if (onlyVacuousSince === 0) onlyVacuousSince = distance;
      else if (distance > onlyVacuousSince) break;
    }
    distance++;
    const ns = neighbours(given.config, distance);
    searched += ns.length;
    const results = await check(ns.map((n) => n.config));
    results.forEach((r, i) => {
      const fails = failsIn(r);
      const because = vacuousBecause(r.config, r.coverage.outcomeRows);
      for (const g of failing) {
        if (fails.has(g)) continue;
        // no violation where the goal's premise never occurred is no evidence that it holds there
        if (because === null && r.random && (r.random.exercised[g] ?? 0) === 0) continue;
        const changes = ns[i].changes.map(({ key, from, to }) => ({
          field: clientField(dimension(key).field).path,
          client: names[dimension(key).app],
          from: show(from, key), to: show(to, key), cost: changeCost(key, from, to),
        }));
        found.get(g)!.push({ distance, result: r, changes, because });
      }
    });
  }
  const what = `every configuration within ${distance} flag change${distance > 1 ? 's' : ''} of the space (${searched} configurations), checked with the same engines`;
  return failing.map((goal) => {
    const options = found.get(goal)!
      .map((o) => {
        const alsoFails = [...failsIn(o.result)].filter((p) => !failedGiven.has(p));
        return { ...o, alsoFails };
      })
      // fewest changes first; then options that keep Native to Web SSO working; then fewer new failures
      .sort((a, b) => a.distance - b.distance || Number(a.because !== null) - Number(b.because !== null) || a.alsoFails.length - b.alsoFails.length)
      // a fix that adds changes to a nearer fix says nothing new
      .filter((o, i, all) => !all.slice(0, i).some((n) => n.distance < o.distance && n.changes.every((c) => o.changes.some((d) => d.field === c.field && d.client === c.client && d.to === c.to))))
      .slice(0, MAX_OPTIONS)
      .map((o) => ({
        changes: o.changes, label: configLabel(o.result.config), readable: describeConfig(o.result.config),
        vacuous: o.because !== null, vacuousBecause: o.because, alsoFails: o.alsoFails,
      }));
    return { goal, searched: what, options, onlyVacuous: options.length > 0 && options.every((o) => o.vacuous) };
  });
}
