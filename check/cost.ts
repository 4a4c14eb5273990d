// check/cost.ts: what a check is expected to cost before it runs, per family of configurations (the unit a
// worker takes, check.ts), so that progress can give a time left from the first moment (cli/progress.ts)
// and weigh what is done by what it cost, not by how many configurations it held. Only an estimate:
// progress corrects it by what each family really took.
import { webApps, type Config } from '../machines/config.js';
import { SCOPES } from '../explorer/scopes.js';
import { dispatchOrder, families, type Batch, type CheckOptions } from './check.js';

// Milliseconds in one thread on the project's shared 2-core machine (2026-12, `n2w check` families timed
// one by one; the machine's load moves these by 2 to 4 times, which progress corrects): a family of
// configurations searched in one pass costs one "unit" for its first member and FAMILY_MEMBER more per
// further member, far less than each searched alone (24 members: 2.8 units, not 24).
/** One unit of the explorer, by scope at its own depth: default 48 s / 65 units over the space, smoke 10 s / 65, deep one configuration alone. */
export const EXPLORER_UNIT_MS: Readonly<Record<string, number>> = { smoke: 150, default: 740, deep: 360_000 };
export const FAMILY_MEMBER = 0.08;
/** Each level of depth beyond (or short of) the scope's multiplies the states by about this (deep: 5.6 to 6.1, default: 3.5) */
export const DEPTH_GROWTH = 4;
/** A random step: 7.1 s for 768 × 300 sequences of up to 12 steps, per step allowed */
export const RANDOM_STEP_MS = 0.0026;
/**
 * How much smaller the worlds are, by who may mint and what is accepted (families of the space at scope
 * default, against those whose native app mints: 2.8 s): only the web app mints 2.0 s; no method accepted
 * 1.0 s; nobody mints 0.35 s the first time and nothing after (such configurations read few fields, so
 * most take an exploration already made, config-classes.ts). A rotating native app adds a fifth.
 */
export const WEB_MINT_ONLY = 0.7;
export const NO_METHOD = 0.35;
export const NO_MINT = 0.06;
export const ROTATING = 1.2;
/** Each further web app (MODEL.md §8): the two-app check's families, against one-app families of the same size and scope */
export const MORE_WEB_EXPLORER = 1.5;
export const MORE_WEB_RANDOM = 6;
/** A post-login Action: the explorer keeps ids and the clock (374 million states against 31 million over the space) */
export const ACTION_EXPLORER = 10;
export const ACTION_RANDOM = 3;
/**
 * A batch that checks the same configurations as an earlier one, in the same scope, depth and world, under
 * other readings: configurations whose exploration read none of the switches changed take it from the
 * earlier batch (config-classes.ts), so most of its explorer's work is already done.
 */
export const REREAD = 0.15;

/** The explorer's share of a family's expected cost: how much smaller the worlds of its first configuration are. */
function worldFactor(c: Config): number {
  const web = webApps(c).map((a) => a.settings);
  const rotating = c.native.rotationType === 'rotating' ? ROTATING : 1;
  if (!c.native.canCreateSessionTransferToken && !web.some((w) => w.canCreateSessionTransferToken)) return NO_MINT;
  if (web.every((w) => w.allowedAuthenticationMethods.length === 0)) return NO_METHOD * rotating;
  return (c.native.canCreateSessionTransferToken ? 1 : WEB_MINT_ONLY) * rotating;
}

/** The expected milliseconds of one family (its configurations checked together in one thread) under a batch's options. */
export function familyCost(family: readonly { config: Config }[], opts: CheckOptions, reread = false): number {
  const c = family[0].config;
  const more = c.moreWeb.length;
  const action = c.postLoginAction ? 1 : 0;
  let ms = 0;
  if (opts.explorer) {
    const scope = SCOPES[opts.explorer.scope];
    const unit = (EXPLORER_UNIT_MS[scope.name] ?? EXPLORER_UNIT_MS.default) * DEPTH_GROWTH ** (opts.explorer.depth - scope.depth);
    ms += unit * (1 + FAMILY_MEMBER * (family.length - 1)) * worldFactor(c) * MORE_WEB_EXPLORER ** more * ACTION_EXPLORER ** action * (reread ? REREAD : 1);
  }
  if (opts.random) ms += family.length * opts.random.runs * opts.random.maxSteps * RANDOM_STEP_MS * MORE_WEB_RANDOM ** more * ACTION_RANDOM ** action;
  return ms;
}

/** A family of the plan: its batch, its first configuration's index (what check.ts's onFamily names), its size and expected cost. */
export interface PlannedFamily { batch: number; first: number; size: number; ms: number }

/** Every family the batches will be checked in (check.ts's families), in the order workers take them, with its expected cost. */
export function planCost(batches: readonly Batch[]): PlannedFamily[] {
  const seen = new Set<string>();
  return batches.flatMap((b, k) => {
    // the same configurations in the same scope, depth and world as an earlier batch: the classes carry over
    const key = JSON.stringify([b.opts.explorer, b.opts.population, b.jobs.map((j) => j.index)]);
    const reread = seen.has(key);
    seen.add(key);
    return dispatchOrder(families(b.jobs).map((f) => ({ index: f[0].index, family: f })))
      .map(({ family: f }) => ({ batch: k, first: f[0].index, size: f.length, ms: familyCost(f, b.opts, reread) }));
  });
}
