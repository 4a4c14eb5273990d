// machines/setting.ts: what is fixed for one run: configuration, interpretations, population.
import type { Config, Interpretations } from './config.js';
import type { Device, Network, Population, User } from './world.js';
import { loadPostLoginAction, type PostLoginAction } from './actions.js';
import { attackerView, type AttackerView } from './attacker.js';

export interface Setting {
  readonly config: Config;
  readonly interpretations: Interpretations;
  readonly population: Population;
  readonly users: ReadonlyMap<string, User>;
  readonly networks: ReadonlyMap<string, Network>;
  readonly devices: ReadonlyMap<string, Device>;
  /** MODEL.md §2: the post-login Action the configuration names, loaded (null: none) */
  readonly action: PostLoginAction | null;
  /** MODEL.md §10: the attacker's capabilities, with what they read of the population */
  readonly attacker: AttackerView;
}

export function makeSetting(config: Config, interpretations: Interpretations, population: Population): Setting {
  return {
    config, interpretations, population,
    users: new Map(population.users.map((u) => [u.name, u])),
    networks: new Map(population.networks.map((n) => [n.name, n])),
    devices: new Map(population.devices.map((d) => [d.name, d])),
    action: config.postLoginAction === null ? null : loadPostLoginAction(config.postLoginAction),
    attacker: attackerView(population),
  };
}
