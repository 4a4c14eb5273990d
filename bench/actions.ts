// bench/actions.ts (`npm run bench:actions [-- --repeat N] [--write]`): what a post-login Action costs.
// Per call: one run of an example Action's module in the sandbox (a distinct event each time) and one
// answer from the cache (the same event again). Per check: the explorer on one configuration, scope
// smoke, without the Action (canonical fingerprints) and with it (raw: the Action may read ids and the
// clock), alternating, with their states. Numbers, not assertions.
import { join } from 'node:path';
import { loadPostLoginAction, packageRoot, type ActionEvent } from '../machines/actions.js';
import { DEFAULT_INTERPRETATIONS, resolveConfig, type ConfigInput } from '../machines/config.js';
import { makeSetting } from '../machines/setting.js';
import { DEFAULT_POPULATION } from '../machines/world.js';
import { explore } from '../explorer/explore.js';
import { SCOPES } from '../explorer/scopes.js';
import { PROPERTIES } from '../properties/index.js';
import { n, option, table, writeRequested, writeSection } from './results.js';

const repeat = Math.max(1, Number(option('--repeat') ?? 3));
const file = join(packageRoot(), 'examples', 'actions', 'deny-other-network.js');
const action = loadPostLoginAction(file);

const event = (i: number): ActionEvent => ({
  user: { user_id: 'alice' }, client: { client_id: 'web-app' }, organization: undefined,
  request: { ip: `198.51.100.${i % 250}`, asn: 64500 }, transaction: { protocol: 'oidc-basic-profile' },
  session_transfer_token: { client_id: 'native-app', scope: 'openid offline_access', request: { ip: '198.51.100.7', asn: 64500 } },
  session: { id: `s${i}`, created_at: '2026-01-01T00:00:00.000Z', session_transfer: { parent_refresh_token: { id: 'rt1' } } },
});

const CONFIG: ConfigInput = {
  native: { session_transfer: { can_create_session_transfer_token: true } },
  web: { session_transfer: { allowed_authentication_methods: ['cookie', 'query'], enforce_device_binding: 'asn' } },
};
const exploreWith = (withAction: boolean) => {
  const setting = makeSetting(resolveConfig({ ...CONFIG, ...(withAction ? { actions: { 'post-login': file } } : {}) }), DEFAULT_INTERPRETATIONS, DEFAULT_POPULATION);
  const t0 = performance.now();
  const r = explore(setting, SCOPES.smoke, { properties: PROPERTIES });
  return { ms: performance.now() - t0, states: r.states };
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const perCall: number[] = [], perHit: number[] = [], without: number[] = [], withA: number[] = [];
let statesWithout = 0, statesWith = 0;
for (let round = 0; round < repeat; round++) {
  const calls = 20_000, base = round * calls;
  let t0 = performance.now();
  for (let i = 0; i < calls; i++) action.run(event(base + i), i * 1000);
  perCall.push(((performance.now() - t0) * 1000) / calls);
  t0 = performance.now();
  for (let i = 0; i < calls; i++) action.run(event(base), 0);
  perHit.push(((performance.now() - t0) * 1000) / calls);
  const a = exploreWith(false), b = exploreWith(true);
  without.push(a.ms); withA.push(b.ms); statesWithout = a.states; statesWith = b.states;
}
const rows = [
  ['one Action run (a new event: the module runs in its sandbox)', `${median(perCall).toFixed(1)} µs`],
  ['one cached answer (the same event again)', `${median(perHit).toFixed(1)} µs`],
  [`explorer, one configuration, scope smoke, without the Action (${n(statesWithout)} states)`, `${n(median(without))} ms`],
  [`explorer, the same, with the Action (raw worlds: ${n(statesWith)} states)`, `${n(median(withA))} ms`],
  ['with / without', `${(median(withA) / median(without)).toFixed(2)}`],
];
console.log(`${action.file}: medians of ${repeat} rounds`);
for (const [what, v] of rows) console.log(`${what.padEnd(96)} ${v}`);
console.log(`distinct events asked: ${n(action.stats.runs)}; answered from the cache: ${n(action.stats.cached)}`);

if (writeRequested()) {
  writeSection('actions', `npm run bench:actions -- --repeat ${repeat} --write`, [
    `The Action \`examples/actions/deny-other-network.js\`; medians of ${repeat} rounds, each timing 20,000 calls.`
      + ' The model asks an Action once per distinct event it sees (JSON of the event and the clock) and answers again from that cache.',
    '',
    table(['what', 'median'], rows),
  ].join('\n'));
}
