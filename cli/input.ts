// cli/input.ts: reading what a user gives us (scenario files, client JSON, configuration files),
// validated with zod. Every failure is an InputError naming the file and the place in it.
import { CAPABILITIES, type Capability } from '../machines/attacker.js';
import { dirname } from 'node:path';
import { readJsonFile } from './read.js';
import { z } from 'zod';
import { configSchema, DEFAULT_INTERPRETATIONS, defaultedFields, nearest, interpretationsSchema, resolveConfig, resolveInterpretations, type ClientInput, type Config, type Interpretations, type TenantInput } from '../machines/config.js';
import { describeClient, isDirectory, pickClient, readClientSource, readDocument, sourceFromDocument, splitSelector, type ClientSource, type FoundClient, type Keywords, type SourceFormat } from './clients.js';
import { eventSchema } from '../machines/events.js';
import { DEFAULT_POPULATION, populationSchema, type Population } from '../machines/world.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import type { ScenarioInput } from '../random/scenario.js';
import { InputError, formatZodError } from './errors.js';

/** Reads and parses a JSON file (cli/read.ts: regular files only, BOM dropped, errors with line and column). */
export { readJsonFile as readJson } from './read.js';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(formatZodError(where, r.error));
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Scenarios (MODEL.md §7): { config?, interpretations?, world?, steps: [event...] }.
// Counterexample files are scenarios with more fields, which are ignored here.

const scenarioSchema = z.object({
  config: configSchema.optional(),
  interpretations: interpretationsSchema.optional(),
  world: populationSchema.optional(),
  /** MODEL.md §10: the attacker's capabilities (absent: the legacy set; the world's own, if it names them) */
  // a saved counterexample's `attacker` is an object with its capabilities (and how each token reached him)
  attacker: z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { capabilities?: unknown }).capabilities : v),
    z.array(z.enum(CAPABILITIES))).optional(),
  steps: z.array(z.unknown()),
});

export function parseScenario(value: unknown, file: string): ScenarioInput {
  const s = parseWith(scenarioSchema, value, file);
  // every bad step is reported (bounded when printed), not only the first
  const problems: string[] = [];
  const steps = s.steps.map((step, i) => {
    try {
      if (typeof step === 'object' && step !== null && 'type' in step) {
        const known = eventSchema.options.some((o) => o.shape.type.value === (step as { type: unknown }).type);
        if (!known) {
          throw new InputError(`${file}: steps[${i}].type: unknown event type ${JSON.stringify((step as { type: unknown }).type)}; expected one of ${eventSchema.options.map((o) => o.shape.type.value).join(', ')}`);
        }
      }
      return parseWith(eventSchema, step, `${file}: steps[${i}]`);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
      return null;
    }
  });
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return {
    config: resolveConfig(s.config, dirname(file)),
    interpretations: resolveInterpretations(s.interpretations),
    population: s.attacker ? { ...(s.world ?? DEFAULT_POPULATION), capabilities: s.attacker.filter((c) => c !== 'own-account') } : s.world ?? DEFAULT_POPULATION,
    steps: steps as NonNullable<(typeof steps)[number]>[],
  };
}

export const loadScenario = (file: string): ScenarioInput => parseScenario(readJsonFile(file), file);

// ---------------------------------------------------------------------------------------------
// Configurations for `n2w check`: a config file in MODEL.md §2's shape, a file the user has (an export,
// cli/clients.ts), or two clients given apart. Each comes with who was judged and what was defaulted.

/** A client the check judged: where it came from, and the fields the model reads that it left out. */
export interface JudgedClient {
  role: 'native' | 'web';
  name: string | null;
  clientId: string | null;
  appType: string | null;
  /** the file (and, in it, the JSON path) it was read from; null when no client was given for the role */
  file: string | null;
  where: string;
  format: SourceFormat | 'configuration file' | null;
  /** fields the model reads that took Auth0's default, with that default */
  defaulted: { field: string; value: unknown }[];
}

/** A configuration the user gave, with the clients it was read from. */
export interface GivenConfiguration {
  config: Config;
  clients: JudgedClient[];
  /** tenant settings found beside the clients (MODEL.md §8), with their file */
  tenant: (TenantInput & { file: string }) | null;
}

const judged = (role: 'native' | 'web', input: ClientInput | undefined, from: Omit<JudgedClient, 'role' | 'defaulted'>): JudgedClient =>
  ({ role, ...from, defaulted: defaultedFields(input) });

const OWN_CONFIG_KEYS = ['native', 'web', 'transfer_token_ttl_seconds', 'tenant'];
/** The judged-client fields of a role no client was given for. */
const NO_CLIENT = { name: null, clientId: null, appType: null, file: null, where: '', format: null } as const;

export function loadConfigFile(file: string, keywords: Keywords = new Map()): GivenConfiguration {
  if (isDirectory(file)) return fromSource(readClientSource(file, keywords), file);
  // read once: the §2 format and a scenario are told from an export by their keys
  const { doc, syntax } = readDocument(file, keywords);
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    if ('steps' in d) {
      throw new InputError(`${file}: this is a ${'property' in d ? 'saved counterexample' : 'scenario'} (it has steps), not a configuration; ${'property' in d ? `replay it with n2w replay ${file}` : `run it with n2w run ${file}`}`);
    }
    if (OWN_CONFIG_KEYS.some((k) => k in d) && !('clients' in d) && !('format_version' in d)) {
      const input = parseWith(configSchema, d, file);
      if (!input.native && !input.web) throw new InputError(`${file}: neither native nor web: expected at least one client, e.g. { "native": { "session_transfer": { ... } }, "web": { ... } }`);
      const from = (role: 'native' | 'web', c: ClientInput | undefined, where: string) =>
        judged(role, c, c ? { ...NO_CLIENT, name: c.name ?? null, clientId: c.client_id ?? null, file, where, format: 'configuration file' } : NO_CLIENT);
      // MODEL.md §8: several web apps, each judged and shown
      const webs = Array.isArray(input.web) ? input.web.map((w, i) => from('web', w, `web[${i}]`)) : [from('web', input.web, 'web')];
      return { config: resolveConfig(input, dirname(file)), clients: [from('native', input.native, 'native'), ...webs], tenant: input.tenant ? { ...input.tenant, file } : null };
    }
  }
  return fromSource(sourceFromDocument(doc, file, syntax), file);
}

/** Both apps from one export: each the only client of its role's app types. */
function fromSource(source: ClientSource, file: string): GivenConfiguration {
  if (source.clients.length === 1) {
    throw new InputError(`${file}: one client (${describeClient(source.clients[0])}); --config needs both apps: give it with --native ${file} or --web ${file}, and the other app's file beside it`);
  }
  const pick = (role: 'native' | 'web') => {
    try {
      return pickClient(source, null, role, `--${role}`);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`--config ${file}: cannot tell which client is the ${role} app: ${e.message.replace(/^[^:]*: /, '')}\nName both: --native '${file}#CLIENT' --web '${file}#CLIENT'`);
      throw e;
    }
  };
  return fromClients(pick('native'), pick('web'), source, source);
}

export function loadClients(nativeArg: string | undefined, webArg: string | undefined, keywords: Keywords = new Map()): GivenConfiguration {
  const load = (arg: string | undefined, role: 'native' | 'web') => {
    if (arg === undefined) return { client: undefined, source: undefined };
    const { path, selector } = splitSelector(arg);
    const source = readClientSource(path, keywords);
    return { client: pickClient(source, selector, role, `--${role}`), source };
  };
  const n = load(nativeArg, 'native');
  const w = load(webArg, 'web');
  return fromClients(n.client, w.client, n.source, w.source);
}

/** A client whose app_type says it is the other app (or no interactive app at all) is a mix-up, not a verdict. */
function checkRole(c: FoundClient | undefined, role: 'native' | 'web'): void {
  if (!c || c.appType === null) return;
  const other = role === 'native' ? ['regular_web', 'spa'] : ['native'];
  if (other.includes(c.appType) || c.appType === 'non_interactive') {
    throw new InputError(`${c.file}${c.where ? `: ${c.where}` : ''}: ${describeClient(c)} is given as the ${role} app, but its app_type is ${c.appType}`
      + (other.includes(c.appType) ? `; did you swap --native and --web?` : '; a machine-to-machine client has no users to sign in'));
  }
}

function fromClients(native: FoundClient | undefined, web: FoundClient | undefined, nSource: ClientSource | undefined, wSource: ClientSource | undefined): GivenConfiguration {
  if (native && web && (native === web || (native.clientId !== null && native.clientId === web.clientId) || (native.file === web.file && native.where === web.where))) {
    throw new InputError(`${web.file}: the same client (${describeClient(web)}) given as both the native and the web app`);
  }
  checkRole(native, 'native');
  checkRole(web, 'web');
  const from = (role: 'native' | 'web', c: FoundClient | undefined, s: ClientSource | undefined) => judged(role, c?.input, c
    ? { name: c.name, clientId: c.clientId, appType: c.appType, file: c.file, where: c.where, format: s!.format }
    : NO_CLIENT);
  const tenantSource = [nSource, wSource].find((s) => s?.tenant);
  return {
    // the tenant's session lifetimes found beside the clients decide verdicts too (MODEL.md §2)
    config: resolveConfig({ native: native?.input, web: web?.input, ...(tenantSource ? { tenant: tenantSource.tenant! } : {}) }),
    clients: [from('native', native, nSource), from('web', web, wSource)],
    tenant: tenantSource ? { ...tenantSource.tenant!, file: tenantSource.file } : null,
  };
}

/**
 * A setting file (`n2w conform`, `n2w paths`): MODEL.md §2 JSON, optionally with `interpretations` and
 * `world` beside the two clients, or a §7 scenario (its config, interpretations and world; steps ignored).
 */
export function loadSettingFile(file: string): Setting {
  const doc = readJsonFile(file);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${file}: expected a JSON object`);
  const d = doc as Record<string, unknown>;
  const cfgDoc = ('config' in d ? d.config : d) as Record<string, unknown> | undefined;
  // interpretations and world may sit beside the clients; the rest is the strict §2 configuration
  const { interpretations: _i, world: _w, ...cfgOnly } = cfgDoc ?? {};
  const input = parseWith(configSchema, cfgOnly, `${file}${'config' in d ? ': config' : ''}`);
  if (!input.native && !input.web) throw new InputError(`${file}: no client: expected { "native": { "session_transfer": { ... } }, "web": { ... } }${'steps' in d ? ' under "config"' : ''}`);
  const config = resolveConfig(input, dirname(file));
  const interpretations = resolveInterpretations(parseWith(interpretationsSchema, d.interpretations ?? cfgDoc?.interpretations ?? {}, `${file}: interpretations`));
  const world = d.world ?? cfgDoc?.world;
  const population: Population = world === undefined ? DEFAULT_POPULATION : parseWith(populationSchema, world, `${file}: world`) as Population;
  return makeSetting(config, interpretations, population);
}

/** `-i A8=false -i A10=invalid` into interpretations; an unknown id or value is an InputError. */
/** `--attacker CAP,...` (MODEL.md §10): the capabilities, checked by name; own-account is always on. */
export function parseAttackerFlag(value: string): Capability[] {
  const names = value.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const bad = names.filter((x) => !(CAPABILITIES as readonly string[]).includes(x));
  if (bad.length > 0) throw new InputError(`--attacker: unknown capability ${bad.map((b) => JSON.stringify(b)).join(', ')}; expected a comma-separated list of ${CAPABILITIES.join(', ')}`);
  return [...new Set(names as Capability[])];
}

export function parseInterpretationFlags(flags: readonly string[]): Interpretations {
  // no prototype: `-i __proto__=x` must be an unknown id, not a prototype change
  const out: Record<string, unknown> = Object.create(null);
  const ids = Object.keys(DEFAULT_INTERPRETATIONS);
  for (const f of flags) {
    const m = /^([^=]+)=(.*)$/.exec(f);
    if (!m) throw new InputError(`--interpret ${f}: expected ID=VALUE, e.g. A8=false`);
    if (!ids.includes(m[1])) {
      const near = nearest(m[1], ids);
      throw new InputError(`--interpret ${f}: unknown interpretation "${m[1]}"${near ? `; did you mean ${near}?` : ''}; expected one of ${ids.join(', ')}`);
    }
    out[m[1]] = m[2] === 'true' ? true : m[2] === 'false' ? false : m[2];
  }
  return resolveInterpretations(parseWith(interpretationsSchema, out, '--interpret'));
}
