// check/cost.ts: what a check is expected to cost before it runs, per family of configurations (the unit a
// worker takes, check.ts), so that progress can give a time left from the first moment (cli/progress.ts)
// and weigh what is done by what it cost, not by how many configurations it held. Only an estimate:
// progress corrects it by what each family really took.
import { INTERPRETATION_KEYS, webApps, type Config, type Interpretations } from '../machines/config.js';
import { SCOPES } from '../explorer/scopes.js';
import { dispatchOrder, families, type Batch, type CheckOptions } from './check.js';

// Milliseconds of one worker on the project's shared 2-core machine (2026-12, `n2w check` families timed
// in the workers of a real run, two side by side; other load moves these by 2 to 4 times, which progress
// corrects): a family of configurations searched in one pass costs one "unit" for its first member and
// FAMILY_MEMBER more per further member, far less than each searched alone (24 members: 2.8, not 24).
/** One unit of the explorer, by scope at its own depth: default 1.6 s (the native app alone mints, cookie), smoke 7 s / 65 (the extended check's batches of other readings: 6.4 s when all explore again), deep one configuration alone. */
export const EXPLORER_UNIT_MS: Readonly<Record<string, number>> = { smoke: 105, default: 1600, deep: 360_000 };
export const FAMILY_MEMBER = 0.08;
/** Each level of depth beyond (or short of) the scope's multiplies the states by about this (deep: 5.6 to 6.1, default: 3.5) */
export const DEPTH_GROWTH = 4;
/** A random step: 7.1 s for 768 × 300 sequences of up to 12 steps, per step allowed */
export const RANDOM_STEP_MS = 0.0026;
/**
 * How much smaller or larger the worlds are, by who may mint and what is accepted (families of the space
 * at scope default, against those where only the native app mints: 4.8 s on two workers, 2026-12): both
 * apps mint 7.7 s; only the web app 3.4 s; no method accepted 0.7 to 1.4 s; nobody mints 0.3 s (such
 * configurations read few fields, so most take an exploration already made, config-classes.ts). A
 * rotating native app adds a tenth to a fifth.
 */
export const BOTH_MINT = 1.6;
export const WEB_MINT_ONLY = 0.7;
export const NO_METHOD = 0.18;
export const NO_MINT = 0.03;
export const ROTATING = 1.2;
/** Each further web app (MODEL.md §8): the two-app check's families, against one-app families of the same size and scope */
export const MORE_WEB_EXPLORER = 2;
export const MORE_WEB_RANDOM = 6;
/**
 * An attacker given as a set of capabilities (MODEL.md §10, the capability grid), against the default
 * population's: the grid's fresh batches took 3.6 s with none of the optional five, 9.4 s with all five and
 * about 1.1 s more per capability between, against 6.4 s for the default population's.
 */
export const CAPABILITY_BASE = 0.56;
export const PER_CAPABILITY = 0.18;
/** A post-login Action: the explorer keeps ids and the clock (374 million states against 31 million over the space) */
export const ACTION_EXPLORER = 10;
export const ACTION_RANDOM = 3;
/**
 * A batch that checks the same configurations as an earlier one, in the same scope, depth and world, under
 * other readings (MODEL.md §2): a configuration's exploration serves every later reading that agrees with
 * its own on the switches it read (config-classes.ts), so only the configurations that read a switch the
 * batch changes are explored again. Which switches a configuration reads is known once it is explored
 * (reviser); before, READ_SHARE: the share of a fresh batch's cost that explores again when one switch
 * changes (the extended check's batches of one switch changed against fresh ones, 2026-12: the costly
 * configurations, those that accept a method, read A6 and A8), the switches taken as read independently
 * (two changed cost about the product of each alone there). A family none of whose configurations needs a
 * new exploration costs REUSED of one that does (its results are handed to it).
 */
export const READ_SHARE: Readonly<Record<keyof Interpretations, number>> = { A6: 1, A8: 0.9, A10: 0.6, N1: 0.6, A19: 1, N2: 1 };
export const REUSED = 0.02;

/** Whether an exploration that read `read` under reading `i` is new: no earlier reading agrees with `i` on those switches. */
export function needsExploring(read: ReadonlySet<string>, i: Interpretations, earlier: readonly Interpretations[]): boolean {
  return !earlier.some((e) => INTERPRETATION_KEYS.every((k) => !read.has(k) || e[k] === i[k]));
}

/** Before anything is explored: the share of the cost that will explore `i` again after `earlier` (READ_SHARE, independent). */
export function expectedFreshShare(i: Interpretations, earlier: readonly Interpretations[]): number {
  let share = 0;
  // every set of switches a configuration may read, with its weight
  for (let m = 0; m < 1 << INTERPRETATION_KEYS.length; m++) {
    const read = new Set(INTERPRETATION_KEYS.filter((_, k) => m & (1 << k)));
    const p = INTERPRETATION_KEYS.reduce((w, k) => w * (read.has(k) ? READ_SHARE[k] : 1 - READ_SHARE[k]), 1);
    if (p > 0 && needsExploring(read, i, earlier)) share += p;
  }
  return share;
}

/** The explorer's share of a family's expected cost: how much smaller the worlds of its first configuration are. */
function worldFactor(c: Config): number {
  const web = webApps(c).map((a) => a.settings);
  const webMints = web.some((w) => w.canCreateSessionTransferToken);
  if (!c.native.canCreateSessionTransferToken && !webMints) return NO_MINT;
  const mints = c.native.canCreateSessionTransferToken ? (webMints ? BOTH_MINT : 1) : WEB_MINT_ONLY;
  const methods = web.every((w) => w.allowedAuthenticationMethods.length === 0) ? NO_METHOD : 1;
  return mints * methods * (c.native.rotationType === 'rotating' ? ROTATING : 1);
}

/** The expected milliseconds of one family (its configurations checked together in one thread) under a batch's options. */
/** `fresh`: the share of the family explored anew (below 1 in a batch of other readings, planCost). */
export function familyCost(family: readonly { config: Config }[], opts: CheckOptions, fresh = 1): number {
  const c = family[0].config;
  const more = c.moreWeb.length;
  const action = c.postLoginAction ? 1 : 0;
  let ms = 0;
  if (opts.explorer) {
    const scope = SCOPES[opts.explorer.scope];
    const unit = (EXPLORER_UNIT_MS[scope.name] ?? EXPLORER_UNIT_MS.default) * DEPTH_GROWTH ** (opts.explorer.depth - scope.depth);
    const n = fresh * family.length;
    // no member explored: REUSED; part of one (an expected share): between that and one
    const members = n >= 1 ? 1 + FAMILY_MEMBER * (n - 1) : REUSED + n * (1 - REUSED);
    const caps = opts.population.capabilities;
    const attacker = caps === undefined ? 1 : CAPABILITY_BASE + PER_CAPABILITY * caps.filter((x) => x !== 'own-account').length;
    ms += unit * members * worldFactor(c) * attacker * MORE_WEB_EXPLORER ** more * ACTION_EXPLORER ** action;
  }
  if (opts.random) ms += family.length * opts.random.runs * opts.random.maxSteps * RANDOM_STEP_MS * MORE_WEB_RANDOM ** more * ACTION_RANDOM ** action;
  return ms;
}

/** A family of the plan: its batch, its first configuration's index (what check.ts's onFamily names), its size and expected cost. */
export interface PlannedFamily { batch: number; first: number; size: number; ms: number }

/** Per batch, the first batch over the same configurations in the same scope, depth and world, and the readings of those before it (their explorations it may take). */
export function rereads(batches: readonly Batch[]): { base: number; earlier: Interpretations[] }[] {
  const seen = new Map<string, { base: number; readings: Interpretations[] }>();
  return batches.map((b, k) => {
    const key = JSON.stringify([b.opts.explorer, b.opts.population, b.jobs.map((j) => j.index)]);
    let s = seen.get(key);
    if (!s) seen.set(key, (s = { base: k, readings: [] }));
    const earlier = [...s.readings];
    s.readings.push(b.opts.interpretations);
    return { base: s.base, earlier };
  });
}

/** Every family the batches will be checked in (check.ts's families), in the order workers take them, with its expected cost. */
export function planCost(batches: readonly Batch[]): PlannedFamily[] {
  const again = rereads(batches);
  return batches.flatMap((b, k) => {
    const fresh = b.opts.explorer ? expectedFreshShare(b.opts.interpretations, again[k].earlier) : 1;
    return dispatchOrder(families(b.jobs).map((f) => ({ index: f[0].index, family: f })))
      .map(({ family: f }) => ({ batch: k, first: f[0].index, size: f.length, ms: familyCost(f, b.opts, fresh) }));
  });
}

/**
 * For the batches of other readings: the batch each takes its explorations from, and a family's cost once
 * the switches each configuration read there are known (`read`, by configuration index): those that must
 * be explored again (needsExploring) against the family's size; null while a read is unknown.
 */
export function reviser(batches: readonly Batch[]): { base: (batch: number) => number; cost: (f: PlannedFamily, read: (index: number) => ReadonlySet<string> | undefined) => number | null } {
  const again = rereads(batches);
  const byFirst = batches.map((b) => new Map(families(b.jobs).map((f) => [f[0].index, f])));
  return {
    base: (k) => again[k].base,
    cost: (f, read) => {
      const b = batches[f.batch];
      const family = byFirst[f.batch].get(f.first);
      if (again[f.batch].base === f.batch || !b.opts.explorer || !family) return null;
      let fresh = 0;
      for (const j of family) {
        const r = read(j.index);
        if (!r) return null;
        if (needsExploring(r, b.opts.interpretations, again[f.batch].earlier)) fresh++;
      }
      return familyCost(family, b.opts, fresh / family.length);
    },
  };
}
