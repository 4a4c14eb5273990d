#!/usr/bin/env node
// cli/main.ts: the `n2w` command. Subcommands: check, run, replay.
// Exit codes: 0 fine, 1 a property failed, 2 bad input, 3 internal or harness failure.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { EXIT, InputError } from './errors.js';
import { checkCommand } from './check.js';
import { runCommand, replayCommand } from './run.js';

const program = new Command()
  .name('n2w')
  .description('A state-machine model of Auth0\'s Native to Web SSO (session_transfer_token): check its rules and security goals, run scenarios, replay counterexamples.')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(pc.red(s)) });

const intOption = (flag: string, description: string, dflt: number) =>
  new Option(flag, description).default(dflt).argParser((v) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer');
    return Number(v);
  });

program.command('check')
  .description('Check every spec rule and security goal with the random engine, over the whole configuration space or one configuration, and write reports/.')
  .option('--config <file>', 'one configuration: { native, web, transfer_token_ttl_seconds } in Management API shape')
  .option('--native <file>', 'the native client\'s JSON (GET /api/v2/clients/{id}); with --web, one configuration')
  .option('--web <file>', 'the web client\'s JSON (GET /api/v2/clients/{id})')
  .option('-i, --interpret <id=value...>', 'an interpretation switch, e.g. -i A8=false -i A10=invalid', [])
  .addOption(intOption('--runs <n>', 'random sequences per configuration', 300))
  .addOption(intOption('--max-steps <n>', 'steps per sequence at most', 12))
  .addOption(intOption('--seed <n>', 'seed of the random engine', 20261129))
  .addOption(intOption('--workers <n>', 'worker threads (default: one per core)', 0))
  .option('--out <dir>', 'where to write the report', 'reports')
  .addOption(new Option('--fail-on <what>', 'also exit 1 when a security goal fails').choices(['security']))
  .option('--json', 'print the report JSON instead of the summary')
  .addHelpText('after', `
Examples:
  $ n2w check                                     # all 768 configurations, default interpretations
  $ n2w check --native native.json --web web.json # your real clients, as the Management API returns them
  $ n2w check --config config.json -i A8=false --runs 2000 --seed 7 --fail-on security`)
  .action(async (opts) => process.exit(await checkCommand(opts)));

program.command('run')
  .description('Run a scenario: print each step\'s observation, the final world and any property violations.')
  .argument('<scenario>', 'a JSON file: { config?, interpretations?, world?, steps: [event...] }')
  .option('--json', 'print one JSON document: { observations, world, violations }')
  .addOption(new Option('--fail-on <what>', 'also exit 1 when a security goal fails').choices(['security']))
  .addHelpText('after', `
Example:
  $ n2w run examples/login-csrf.json
  $ n2w run examples/login-csrf.json --json | jq .violations`)
  .action((file, opts) => process.exit(runCommand(file, opts)));

program.command('replay')
  .description('Replay a saved counterexample and show that it fails the same way (exit 1 when it does).')
  .argument('<file>', 'a counterexample JSON file from reports/counterexamples/')
  .option('--json', 'print one JSON document')
  .addHelpText('after', `
Example:
  $ n2w replay reports/counterexamples/no-session-injection--n-mint-casc-norot_w-nomint-query-nobind-nort-online.json`)
  .action((file, opts) => process.exit(replayCommand(file, opts)));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exit(exitFor(e));
}

function exitFor(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.badInput;
  }
  if (e instanceof InputError) {
    process.stderr.write(`${pc.red('error:')} ${e.message}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(`${pc.red('internal error:')} ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.N2W_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return EXIT.internal;
}
