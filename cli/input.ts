// cli/input.ts: reading what a user gives us (scenario files, client JSON, configuration files),
// validated with zod. Every failure is an InputError naming the file and the place in it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { clientSchema, configSchema, interpretationsSchema, resolveConfig, resolveInterpretations, type Config, type Interpretations } from '../machines/config.js';
import { eventSchema } from '../machines/events.js';
import { DEFAULT_POPULATION, populationSchema, type Population } from '../machines/world.js';
import { makeSetting, type Setting } from '../machines/setting.js';
import type { ScenarioInput } from '../engine/scenario.js';
import { InputError, formatZodError } from './errors.js';

/** Reads and parses a JSON file; a syntax error names the line and column. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const where = m ? lineColumn(text, Number(m[1])) : '';
    throw new InputError(`${file}${where}: malformed JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `:${before.length}:${before[before.length - 1].length + 1}`;
}

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
  steps: z.array(z.unknown()),
});

export function parseScenario(value: unknown, file: string): ScenarioInput {
  const s = parseWith(scenarioSchema, value, file);
  const steps = s.steps.map((step, i) => {
    if (typeof step === 'object' && step !== null && 'type' in step) {
      const known = eventSchema.options.some((o) => o.shape.type.value === (step as { type: unknown }).type);
      if (!known) {
        throw new InputError(`${file}: steps[${i}].type: unknown event type ${JSON.stringify((step as { type: unknown }).type)}; expected one of ${eventSchema.options.map((o) => o.shape.type.value).join(', ')}`);
      }
    }
    return parseWith(eventSchema, step, `${file}: steps[${i}]`);
  });
  return {
    config: resolveConfig(s.config),
    interpretations: resolveInterpretations(s.interpretations),
    population: s.world ?? DEFAULT_POPULATION,
    steps,
  };
}

export const loadScenario = (file: string): ScenarioInput => parseScenario(readJson(file), file);

// ---------------------------------------------------------------------------------------------
// Configurations for `n2w check`: a config file in MODEL.md §2's shape, or two clients' JSON.

export function loadConfigFile(file: string): Config {
  return resolveConfig(parseWith(configSchema, readJson(file), file));
}

export function loadClients(nativeFile: string | undefined, webFile: string | undefined): Config {
  const client = (f: string | undefined) => (f === undefined ? undefined : parseWith(clientSchema, readJson(f), f));
  return resolveConfig({ native: client(nativeFile), web: client(webFile) });
}

/**
 * A setting file (`n2w conform`, `n2w paths`): MODEL.md §2 JSON, optionally with `interpretations` and
 * `world` beside the two clients, or a §7 scenario (its config, interpretations and world; steps ignored).
 */
export function loadSettingFile(file: string): Setting {
  const doc = readJson(file);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${file}: expected a JSON object`);
  const d = doc as Record<string, unknown>;
  const cfgDoc = ('config' in d ? d.config : d) as Record<string, unknown> | undefined;
  const config = resolveConfig(parseWith(configSchema, cfgDoc ?? {}, `${file}: config`));
  const interpretations = resolveInterpretations(parseWith(interpretationsSchema, d.interpretations ?? cfgDoc?.interpretations ?? {}, `${file}: interpretations`));
  const world = d.world ?? cfgDoc?.world;
  const population: Population = world === undefined ? DEFAULT_POPULATION : parseWith(populationSchema, world, `${file}: world`) as Population;
  return makeSetting(config, interpretations, population);
}

/** `-i A8=false -i A10=invalid` into interpretations; an unknown id or value is an InputError. */
export function parseInterpretationFlags(flags: readonly string[]): Interpretations {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const m = /^([^=]+)=(.*)$/.exec(f);
    if (!m) throw new InputError(`--interpret ${f}: expected ID=VALUE, e.g. A8=false`);
    out[m[1]] = m[2] === 'true' ? true : m[2] === 'false' ? false : m[2];
  }
  return resolveInterpretations(parseWith(interpretationsSchema, out, '--interpret'));
}
