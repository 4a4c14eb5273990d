#!/usr/bin/env node
// cli/main.ts: the `n2w` command. Subcommands: check, explore, merge-reports (check.ts), run, replay (run.ts),
// conform, paths (conform.ts).
// Exit codes: 0 fine, 1 a property failed, 2 bad input, 3 internal or harness failure.
import './start.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { boundedMessage, EXIT, exit, InputError } from './errors.js';
import { initAdapterCommand } from './init-adapter.js';
import { checkCommand, exploreCommand, mergeCommand } from './check.js';
import { runCommand, replayCommand } from './run.js';
import { conformCommand, pathsCommand } from './conform.js';
import { registerObserve } from './observe.js';
import { TOOL_VERSION } from './report/report.js';
import { ActionError } from '../machines/actions.js';
import { collectReporter } from './reporters.js';

const program = new Command()
  .name('n2w')
  .description('A state-machine model of Auth0\'s Native to Web SSO (session_transfer_token): check its rules and security goals, run scenarios, replay counterexamples.')
  .version(TOOL_VERSION)
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(pc.red(s)) });

function parseNat(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(v);
}
const REPORTER_HELP = 'junit or sarif (repeat it, or junit,sarif): also write report.junit.xml (a testsuite per property) or report.sarif (a result per failing goal cell or rule violation, located at its counterexample) into --out';
const intOption = (flag: string, description: string, dflt: number) => new Option(flag, description).default(dflt).argParser(parseNat);

const engineFlags = (cmd: Command) => cmd
  .option('--config <file>', 'one configuration: MODEL.md §2 JSON { native, web, transfer_token_ttl_seconds, tenant }, or an export holding both apps (GET /api/v2/clients list, Deploy CLI tenant.yaml or directory, terraform show -json)')
  .option('--native <file[#client]>', 'the native app: a client JSON (GET /api/v2/clients/{id}, auth0 apps show --json) or a file of several (list, Deploy CLI export, terraform show -json), #CLIENT naming it by client_id or name')
  .option('--web <file[#client]>', 'the web app, as --native')
  .option('--keyword <name=value...>', 'a Deploy CLI keyword: @@NAME@@ becomes the JSON of VALUE, ##NAME## the text (VALUE is read as JSON when it parses)', [])
  .option('-i, --interpret <id=value...>', 'an interpretation switch, e.g. -i A8=false -i A10=invalid', [])
  .option('--attacker <caps>', 'the attacker\'s capabilities (MODEL.md §10), comma-separated: own-account, send-link, join-network, read-url, device-malware, steal-in-transit (default: own-account,send-link,join-network,steal-in-transit)')
  .addOption(new Option('--workers <n>', 'worker threads').default(0, 'one per core').argParser(parseNat))
  .option('--shard <i/n>', 'check only the i-th of n slices of the configuration space and write a partial report (see merge-reports)')
  .addOption(new Option('--fail-on <what>', 'also exit 1 when a security goal fails').choices(['security']))
  .option('--reporter <name>', REPORTER_HELP, collectReporter, [])
  .option('--json', 'print the report JSON instead of the summary');

engineFlags(program.command('check')
  .description('Check every spec rule and security goal with both engines (the explorer on a bounded scope, then random sequences), over the whole configuration space or one configuration, and write reports/.'))
  .addOption(intOption('--runs <n>', 'random sequences per configuration (0: no random engine)', 300))
  .addOption(intOption('--max-steps <n>', 'steps per random sequence at most', 12))
  .addOption(intOption('--seed <n>', 'seed of the random engine', 20261129))
  .option('--scope <name>', 'the explorer\'s scope: smoke, default or deep (explorer/scopes.ts)', 'default')
  .addOption(new Option('--depth <k>', 'the explorer\'s depth (default: the scope\'s)').argParser(parseNat))
  .option('--no-explore', 'leave the explorer out')
  .option('--capability-grid', 'also check the configurations under each of the 32 sets of the attacker\'s capabilities (explorer, scope smoke) and report, per goal, the minimal sets under which it fails (MODEL.md §10)')
  .option('--interpretations <which>', 'all: also check the space under every combination of the interpretation switches (explorer, scope smoke) and report which verdicts change with a reading (MODEL.md §2)', 'default')
  .option('--action <file>', 'a post-login Action module (MODEL.md §2): check every configuration without it and with it, and report side by side which goals it closes')
  .option('--out <dir>', 'where to write the report', 'reports')
  .addHelpText('after', `
Examples:
  $ n2w check                                     # all 768 configurations, default interpretations
  $ n2w check --action examples/actions/deny-other-network.js   # what a post-login Action closes
  $ n2w check --interpretations all               # which verdicts change with a reading of the docs' silences
  $ n2w check --native native.json --web web.json # your real clients, as the Management API returns them
  $ n2w check --native 'clients.json#Acme Mobile' --web 'clients.json#Acme Portal'   # from GET /api/v2/clients
  $ n2w check --config tenant.yaml --keyword 'WEB_METHODS=["cookie"]'                # a Deploy CLI export
  $ terraform show -json > tf.json && n2w check --config tf.json                      # the auth0_client resources
  $ n2w check --config config.json -i A8=false --runs 2000 --seed 7 --fail-on security
  $ n2w check --shard 2/4 --out part2             # one CI job of four; then n2w merge-reports part1 part2 part3 part4
  $ n2w check --reporter sarif --reporter junit   # also reports/report.sarif (code scanning) and reports/report.junit.xml`)
  .action(async (opts) => exit(await checkCommand(opts)));

engineFlags(program.command('explore')
  .description('Explore every world of a scope breadth first, checking every property on every transition: per property, "no violation up to depth K" or a shortest counterexample.'))
  .option('--scope <name>', 'smoke, default or deep (explorer/scopes.ts)', 'default')
  .addOption(new Option('--depth <k>', 'depth bound (default: the scope\'s)').argParser(parseNat))
  .option('--all-configs', 'every configuration of the space (default: native mints, web takes cookie and query)')
  .option('--out <dir>', 'where to write the report', 'explore-report')
  .addHelpText('after', `
Examples:
  $ n2w explore                                   # scope default, the reference configuration
  $ n2w explore --scope deep --config config.json
  $ n2w explore --all-configs --scope smoke --workers 2`)
  .action(async (opts) => exit(await exploreCommand(opts)));

program.command('merge-reports')
  .description('Combine the partial reports of --shard runs into the report one machine would have written.')
  .argument('<dirs...>', 'the --out directories of the shards')
  .option('--out <dir>', 'where to write the merged report', 'reports')
  .addOption(new Option('--fail-on <what>', 'also exit 1 when a security goal fails').choices(['security']))
  .option('--reporter <name>', REPORTER_HELP, collectReporter, [])
  .option('--json', 'print the report JSON instead of the summary')
  .addHelpText('after', `
Example:
  $ n2w merge-reports part1 part2 part3 part4 --out reports`)
  .action(async (dirs, opts) => exit(await mergeCommand(dirs, opts)));

program.command('conform')
  .description('Run model-generated sequences against a real implementation and compare its answers with the model, step by step: exit 0 conformant, 1 divergence (shrunk, saved as a trace), 3 harness error.')
  .option('--url <url>', 'base URL of an Auth0-shaped server (the HTTP adapter)')
  .option('--adapter <file>', 'your own adapter module (default-exports an Adapter factory: conformance/adapter.ts)')
  .option('--config <file>', 'the configuration the implementation runs with (MODEL.md §2, or a scenario)')
  .addOption(intOption('--runs <n>', 'random sequences after the covering paths', 200))
  .addOption(intOption('--seed <n>', 'seed of the random sequences', 20261129))
  .addOption(intOption('--max-steps <n>', 'steps per random sequence at most', 10))
  .option('--out <dir>', 'where a divergence trace is written', 'conform-report')
  .option('--no-known', 'also report the known divergences listed in conformance/DIVERGENCES.md')
  .option('--reporter <name>', 'junit or sarif (repeat it, or junit,sarif): also write report.junit.xml (a testsuite per configuration) or report.sarif (a result per divergence, located at its trace) into --out', collectReporter, [])
  .option('--replay <trace>', 'run a saved divergence trace again (exit 1 when it still diverges); a saved race history is judged again, and run again when --url or --adapter is given')
  .addOption(new Option('--concurrency <k>', 'then the races: each scenario sends K overlapping requests, and the history must be linearizable against the model (exit 1 if not, 3 if the search runs out of budget)').argParser(parseNat))
  .addOption(intOption('--histories <n>', 'histories per race scenario', 25))
  .addOption(intOption('--budget <n>', 'search nodes per race history before it is inconclusive', 100000))
  .option('--json', 'print one JSON document')
  .addHelpText('after', `
Examples:
  $ export N2W_MANAGEMENT_TOKEN=secret             # the reference server's Management API token; the adapter sends it
  $ node dist/reference-server/main.js --port 4000 --test-mode &
  $ n2w conform --url http://127.0.0.1:4000 --runs 500 --seed 7
  $ n2w conform --adapter ./my-adapter.mjs --config my-tenant.json
  $ n2w conform --url http://127.0.0.1:4000 --replay conform-report/conform-divergence-seed7.json
  $ n2w conform --url http://127.0.0.1:4000 --concurrency 4 --histories 50`)
  .action(async (opts) => exit(await conformCommand(opts)));

program.command('paths')
  .description('Write a test suite, one test per model-generated path with the model\'s expected observations, that calls your adapter: for you to commit in your own repository.')
  .addOption(new Option('--emit <format>', 'the kind of suite').choices(['vitest']).makeOptionMandatory())
  .requiredOption('--out <dir>', 'where to write the suite')
  .option('--adapter <file>', 'your adapter module (default: ./adapter.ts beside the suite)')
  .option('--config <file>', 'the configuration (MODEL.md §2, or a scenario)')
  .addHelpText('after', `
Example:
  $ n2w paths --emit vitest --out test/n2w --adapter test/n2w/my-adapter.ts && npx vitest run test/n2w`)
  .action(async (opts) => exit(await pathsCommand(opts)));

program.command('init-adapter')
  .description('Write a starting adapter for your server (Auth0\'s endpoints), with an ADAPT: comment at each thing a server may do differently, a tsconfig and the next steps; never overwrites a file.')
  .argument('<dir>', 'where to write adapter.mts, tsconfig.json and README.md')
  .action((dir) => exit(initAdapterCommand(dir)));

program.command('run')
  .description('Run a scenario: print each step\'s observation, the final world and any property violations.')
  .argument('<scenario>', 'a JSON file: { config?, interpretations?, world?, steps: [event...] }')
  .option('--json', 'print one JSON document: { observations, world, violations }')
  .addOption(new Option('--fail-on <what>', 'also exit 1 when a security goal fails').choices(['security']))
  .addHelpText('after', `
Example:
  $ n2w run examples/login-csrf.json
  $ n2w run examples/login-csrf.json --json | jq .violations`)
  .action((file, opts) => exit(runCommand(file, opts)));

program.command('replay')
  .description('Replay a saved counterexample and show that it fails the same way (exit 1 when it does).')
  .argument('<file>', 'a counterexample JSON file from reports/counterexamples/')
  .option('--json', 'print one JSON document')
  .addHelpText('after', `
Example:
  $ n2w replay reports/counterexamples/no-session-injection--n-mint-casc-norot_w-nomint-query-nobind-nort-online.json`)
  .action((file, opts) => exit(replayCommand(file, opts)));

registerObserve(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  exit(exitFor(e));
}

function exitFor(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.badInput;
  }
  if (e instanceof InputError || e instanceof ActionError) {
    // an Action that throws or calls what the model does not offer is a scenario error (MODEL.md §2)
    process.stderr.write(`${pc.red('error:')} ${boundedMessage(e.message)}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(`${pc.red('internal error:')} ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.N2W_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return EXIT.internal;
}
