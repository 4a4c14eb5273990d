// explorer/golden.ts: the configuration and interpretations the golden numbers (expected.json) are for,
// and the numbers a run gives, in the file's shape. `node dist/explorer/golden.js [scope...]` prints them.
import { resolveConfig, DEFAULT_INTERPRETATIONS } from '../machines/config.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { PROPERTIES } from '../properties/index.js';
import { explore } from './explore.js';
import { scopeByName } from './scopes.js';

/** The default configuration of the golden numbers: native may mint, web accepts cookie and query. */
export const GOLDEN_CONFIG = resolveConfig({
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'] } },
});
export const goldenSetting = (): Setting => makeSetting(GOLDEN_CONFIG, DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);

export interface Golden { states: number; transitions: number; maxDepth: number; complete: boolean }

export function goldenNumbers(scopeName: string): Golden {
  const r = explore(goldenSetting(), scopeByName(scopeName), { properties: PROPERTIES });
  return { states: r.states, transitions: r.transitions, maxDepth: r.maxDepth, complete: r.complete };
}

if (process.argv[1]?.endsWith('explorer/golden.js')) {
  const names = process.argv.slice(2);
  const out: Record<string, Golden> = {};
  for (const n of names.length ? names : ['smoke', 'default']) out[n] = goldenNumbers(n);
  console.log(JSON.stringify(out, null, 2));
}
