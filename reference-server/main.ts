#!/usr/bin/env node
// CLI: node dist/reference-server/main.js [--port N] [--db FILE] [--fault NAME]... [--test-mode]
//      [--config FILE] [--interpretations JSON] [--clock real|frozen]

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, FAULTS, parseFaults } from './config.js';
import { type ServerOptions, startServer } from './server.js';

export const USAGE = `usage: reference-server [--port N] [--db FILE] [--fault NAME]... [--test-mode]
                        [--config FILE] [--interpretations JSON] [--clock real|frozen]
faults: ${FAULTS.join(', ')}`;

export class UsageError extends Error {}

/** JSON.parse, with a failure told as a usage error that starts with `what`. */
function jsonOf(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: ${(e as Error).message}`);
  }
}

type CliOptions = ServerOptions & { help?: boolean };

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = { faults: [] };
  const faults: string[] = [];
  let configDoc: unknown;
  let interp: unknown;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port: not a port number: ${v}`);
        o.port = n;
        break;
      }
      case '--db':
        o.db = value();
        break;
      case '--fault': {
        const names = value().split(',').map((s) => s.trim()).filter(Boolean);
        faults.push(...parseFaults(names, (f) => new UsageError(`unknown fault "${String(f)}"; known faults: ${FAULTS.join(', ')}`)));
        break;
      }
      case '--test-mode':
        o.testMode = true;
        break;
      case '--config': {
        const file = value();
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new UsageError(`--config: cannot read ${file}: ${(e as Error).message}`);
        }
        configDoc = jsonOf(text, `--config: ${file} is not JSON`);
        break;
      }
      case '--interpretations':
        interp = jsonOf(value(), '--interpretations: not JSON');
        break;
      case '--clock': {
        const v = value();
        if (v !== 'real' && v !== 'frozen') throw new UsageError(`--clock: expected real or frozen, got ${v}`);
        o.clock = v;
        break;
      }
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  o.faults = faults;
  if (configDoc !== undefined) o.config = configDoc;
  if (interp !== undefined) o.interpretations = interp as ServerOptions['interpretations'];
  return o;
}

/** Runs the CLI; resolves to an exit code when start-up fails, or to a handle when the server runs. */
export async function runCli(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<{ code: number; close?: () => Promise<void> }> {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`reference-server: ${e.message}\n${USAGE}\n`);
      return { code: 2 };
    }
    throw e;
  }
  if (opts.help) {
    out(`${USAGE}\n`);
    return { code: 0 };
  }
  try {
    const s = await startServer(opts);
    out(`listening on ${s.url}\nManagement API token (Authorization: Bearer ...; N2W_MANAGEMENT_TOKEN sets it): ${s.managementToken}\n`);
    return { code: 0, close: s.close };
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`reference-server: invalid configuration: ${e.message}\n`);
      return { code: 2 };
    }
    err(`reference-server: cannot start: ${(e as Error).message}\n`);
    return { code: 1 };
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const r = await runCli(process.argv.slice(2));
  if (!r.close) process.exit(r.code);
  const stop = () => {
    void r.close!().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
