// The fixtures of examples/inputs/ (one per format, the same tenant in each) read to the same clients,
// and every n2w check example of the README's Inputs section runs as written.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClients, loadConfigFile } from './input.js';
import { parseKeywordFlags } from './clients.js';

const ROOT = join(import.meta.dirname, '..');
const at = (p: string) => join(ROOT, 'examples', 'inputs', p);
// the refresh-token lifetimes the fixtures give (MODEL.md §2): the native app's rotating tokens expire
const NATIVE_LIFETIMES = { expirationType: 'expiring', tokenLifetime: 2592000, infiniteTokenLifetime: false, idleTokenLifetime: 1296000, infiniteIdleTokenLifetime: false, leeway: 0 };
const WEB_LIFETIMES = { expirationType: 'non-expiring', tokenLifetime: 31557600, infiniteTokenLifetime: true, idleTokenLifetime: 2592000, infiniteIdleTokenLifetime: true, leeway: 0 };
const NATIVE = { ...NATIVE_LIFETIMES, canCreateSessionTransferToken: true, enforceCascadeRevocation: true, allowedAuthenticationMethods: [], enforceDeviceBinding: 'ip', allowRefreshToken: false, enforceOnlineRefreshTokens: true, rotationType: 'rotating' };
const WEB = { ...WEB_LIFETIMES, canCreateSessionTransferToken: false, enforceCascadeRevocation: true, allowedAuthenticationMethods: ['cookie'], enforceDeviceBinding: 'ip', allowRefreshToken: true, enforceOnlineRefreshTokens: true, rotationType: 'non-rotating' };
const KEYWORDS = parseKeywordFlags(['WEB_N2W_METHODS=["cookie"]', 'PORTAL_DOMAIN=account.acme.example']);

describe('examples/inputs: every format reads to the same tenant', () => {
  it.each([
    ['terraform-state.json', 'terraform show -json (state)', 'values.root_module.child_modules[0].resources[0].values'],
    ['deploy-cli/tenant.yaml', 'Deploy CLI tenant.yaml', 'clients[0]'],
    ['deploy-cli-dir', 'Deploy CLI directory', ''],
  ])('--config %s', (file, format, webWhere) => {
    const g = loadConfigFile(at(file), KEYWORDS);
    expect(g.config.native).toEqual(NATIVE);
    expect(g.config.web).toEqual(WEB);
    expect(g.clients.map((c) => [c.role, c.name, c.format])).toEqual([['native', 'Acme Mobile', format], ['web', 'Acme Account Portal', format]]);
    expect(g.clients[1].where).toBe(webWhere);
    expect(g.tenant).toMatchObject({ session_lifetime: 168, idle_session_lifetime: 72 });
    // and they are what is checked
    expect([g.config.sessionLifetimeSeconds, g.config.idleSessionLifetimeSeconds]).toEqual([168 * 3600, 72 * 3600]);
  });

  it('the plan judges the planned values: the web app gains query', () => {
    const g = loadConfigFile(at('terraform-plan.json'));
    expect(g.config.native).toEqual(NATIVE);
    expect(g.config.web).toEqual({ ...WEB, allowedAuthenticationMethods: ['cookie', 'query'] });
    expect(g.clients[1].where).toMatch(/^planned_values\.root_module/);
  });

  it('client objects, lists and the auth0 CLI output, picked by name or client_id', () => {
    const g = loadClients(at('auth0-apps-show.json'), at('mapi-client.json'));
    expect(g.config).toMatchObject({ native: NATIVE, web: WEB });
    expect(g.clients[0].clientId).toBe('nAt1v3Cl13nt1d0000000000000000000');
    const list = loadClients(`${at('mapi-clients.json')}#Acme Mobile`, `${at('mapi-clients-paged.json')}#w3bCl13nt1d00000000000000000000000`);
    expect(list.config).toMatchObject({ native: NATIVE, web: WEB });
    expect(list.clients.map((c) => c.format)).toEqual(['Management API client list', 'Management API client list']);
  });

  it('tenant.yaml without its keywords is refused, naming the line and the flag to give', () => {
    expect(() => loadConfigFile(at('deploy-cli/tenant.yaml'))).toThrow(/tenant\.yaml:\d+: ##PORTAL_DOMAIN## is a Deploy CLI keyword with no value; give it with --keyword PORTAL_DOMAIN=VALUE/);
  });
});

describe('README: the Inputs examples run as written', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Inputs'), readme.indexOf('What is read, and how strictly'));
  const commands = [...section.matchAll(/`(n2w check [^`]*)`/g)].map((m) => m[1]).filter((c) => !c.includes('config.json'));
  it('finds the examples', () => expect(commands.length).toBeGreaterThanOrEqual(6));
  it.each(commands)('%s', (command) => {
    // the shell's quoting of the README, undone: 'a b' is one argument
    const args = [...command.replace(/^n2w /, '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args, '--scope', 'smoke', '--depth', '3', '--runs', '10', '--out', mkdtempSync(join(tmpdir(), 'n2w-readme-'))],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).not.toContain('error:');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('judged:');
  });
});
