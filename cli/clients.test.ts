// Reading the files reviewers have (cli/clients.ts, cli/input.ts): strict where a mistake changes the
// verdict, told apart by content, a client picked by FILE#CLIENT, and nothing read as defaults silently.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClients, loadConfigFile, parseInterpretationFlags } from './input.js';
import { parseKeywordFlags, readClientSource } from './clients.js';
import { InputError } from './errors.js';
import { defaultedFields, nearest } from '../machines/config.js';

const dir = mkdtempSync(join(tmpdir(), 'n2w-clients-'));
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
};
/** The InputError message a call throws (fails the test when it throws nothing or something else). */
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError, got none');
};

const NATIVE = { client_id: 'nat1', name: 'Acme Mobile', app_type: 'native', callbacks: ['x://cb'], jwt_configuration: { alg: 'RS256' },
  session_transfer: { can_create_session_transfer_token: true, enforce_cascade_revocation: false }, refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0 } };
const WEB = { client_id: 'web1', name: 'Acme Portal', app_type: 'regular_web', grant_types: ['authorization_code'],
  session_transfer: { allowed_authentication_methods: ['query'], enforce_device_binding: 'asn', allow_refresh_token: true, enforce_online_refresh_tokens: false } };
const M2M = { client_id: 'm2m1', name: 'Billing Job', app_type: 'non_interactive', grant_types: ['client_credentials'] };

describe('strict inside session_transfer and refresh_token', () => {
  it('a one-letter typo is an error naming the JSON path, with a did-you-mean', () => {
    const f = file('typo.json', { ...WEB, session_transfer: { ...WEB.session_transfer, enforce_device_bindings: 'none' } });
    const m = errorOf(() => loadClients(undefined, f));
    expect(m).toContain(`${f}: session_transfer: unknown field "enforce_device_bindings" in session_transfer; did you mean "enforce_device_binding"?`);
  });

  it('refresh_token too; unknown fields elsewhere in a client are ignored', () => {
    const f = file('rt-typo.json', { ...NATIVE, refresh_token: { rotaton_type: 'rotating' } });
    expect(errorOf(() => loadClients(f, undefined))).toContain('did you mean "rotation_type"?');
    const g = loadClients(file('extra.json', { ...NATIVE, whatever_new_field: 1, addons: { aws: {} } }), undefined);
    expect(g.config.native.canCreateSessionTransferToken).toBe(true);
  });

  it('the top level of a MODEL.md §2 configuration file is ours: strict too', () => {
    const f = file('cfg-typo.json', { natve: { session_transfer: {} }, web: {} });
    expect(errorOf(() => loadConfigFile(f))).toContain('unknown field "natve" in the configuration; did you mean "native"?');
  });

  it('nearest() suggests only close words', () => {
    expect(nearest('enforce_device_bindings', ['enforce_device_binding', 'allow_refresh_token'])).toBe('enforce_device_binding');
    expect(nearest('zzz', ['enforce_device_binding'])).toBeUndefined();
  });
});

describe('a file with no client in it is refused, never read as defaults', () => {
  it('a bare session_transfer object says what it is', () => {
    const f = file('bare.json', WEB.session_transfer);
    expect(errorOf(() => loadClients(undefined, f))).toContain('no client found: this is a session_transfer object on its own');
    expect(errorOf(() => loadConfigFile(f))).toContain('session_transfer object on its own');
  });

  it('an empty object, an empty list, a configuration with neither app', () => {
    expect(errorOf(() => loadClients(file('empty.json', {}), undefined))).toContain('the file is an empty object');
    expect(errorOf(() => loadClients(file('empty-list.json', []), undefined))).toContain('an empty client list');
    expect(errorOf(() => loadConfigFile(file('nothing.json', { transfer_token_ttl_seconds: 60 })))).toContain('neither native nor web');
  });

  it('check --config given a scenario or a counterexample says so', () => {
    expect(errorOf(() => loadConfigFile(file('scenario.json', { config: {}, steps: [] })))).toContain('this is a scenario (it has steps), not a configuration; run it with n2w run');
    expect(errorOf(() => loadConfigFile(file('ce.json', { property: 'no-replay', config: {}, steps: [] })))).toContain('replay it with n2w replay');
  });

  it('--config given a single client says to use --native or --web', () => {
    expect(errorOf(() => loadConfigFile(file('one.json', NATIVE)))).toContain('--config needs both apps: give it with --native');
  });
});

describe('formats told apart by content', () => {
  it('a GET /api/v2/clients list, and its include_totals form; FILE#CLIENT by name or client_id', () => {
    const list = file('list.json', [M2M, NATIVE, WEB]);
    const g = loadClients(`${list}#Acme Mobile`, `${list}#web1`);
    expect(g.clients.map((c) => [c.role, c.name, c.clientId, c.where, c.format])).toEqual([
      ['native', 'Acme Mobile', 'nat1', '[1]', 'Management API client list'],
      ['web', 'Acme Portal', 'web1', '[2]', 'Management API client list'],
    ]);
    expect(g.config.web.enforceDeviceBinding).toBe('asn');
    const paged = file('paged.json', { total: 3, start: 0, limit: 50, clients: [M2M, NATIVE, WEB] });
    expect(readClientSource(paged).format).toBe('Management API client list');
    // without #CLIENT: the only client of the role's app types
    expect(loadClients(list, list).clients.map((c) => c.name)).toEqual(['Acme Mobile', 'Acme Portal']);
  });

  it('a missing or ambiguous #CLIENT lists the clients found', () => {
    const list = file('list2.json', [M2M, NATIVE, WEB, { ...WEB, client_id: 'web2', name: 'Other Portal' }]);
    const missing = errorOf(() => loadClients(undefined, `${list}#Acme Portl`));
    expect(missing).toContain('no client with that client_id or name; did you mean "Acme Portal"?');
    expect(missing).toContain('  - Billing Job (m2m1), non_interactive');
    const ambiguous = errorOf(() => loadClients(undefined, list));
    expect(ambiguous).toContain('2 of them regular_web or spa apps: say which with --web');
    expect(ambiguous).toContain('  - Other Portal (web2), regular_web');
  });

  it('a Deploy CLI tenant.yaml, with @@KEYWORD@@ and ##KEYWORD## replaced, and the tenant settings', () => {
    const y = file('tenant.yaml', [
      'tenant:', '  friendly_name: Acme', '  session_lifetime: 168', '  idle_session_lifetime: 72',
      'clients:', '  - name: Acme Mobile', '    app_type: native', '    session_transfer:', '      can_create_session_transfer_token: true',
      '  - name: Acme Portal', '    app_type: regular_web', '    callbacks:', '      - https://##DOMAIN##/cb',
      '    session_transfer:', '      allowed_authentication_methods: @@METHODS@@', '      enforce_device_binding: none', '',
    ].join('\n'));
    const kw = parseKeywordFlags(['METHODS=["cookie","query"]', 'DOMAIN=portal.example']);
    const g = loadConfigFile(y, kw);
    expect(g.config.web.allowedAuthenticationMethods).toEqual(['cookie', 'query']);
    expect(g.config.native.canCreateSessionTransferToken).toBe(true);
    expect(g.clients[1]).toMatchObject({ name: 'Acme Portal', where: 'clients[1]', format: 'Deploy CLI tenant.yaml' });
    expect(g.tenant).toEqual({ session_lifetime: 168, idle_session_lifetime: 72, file: y });
    expect(errorOf(() => loadConfigFile(y))).toContain(`${y}:13: ##DOMAIN## is a Deploy CLI keyword with no value; give it with --keyword DOMAIN=VALUE`);
  });

  it('malformed YAML names line and column', () => {
    const y = file('bad.yaml', 'clients:\n  - name: a\n   app_type: native\n');
    expect(errorOf(() => loadConfigFile(y))).toMatch(new RegExp(`^${y.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: malformed YAML`));
  });

  it('a Deploy CLI directory export: clients/*.json and tenant.json', () => {
    const root = join(dir, 'deploy');
    file('deploy/clients/Acme Mobile.json', { name: 'Acme Mobile', app_type: 'native', session_transfer: { can_create_session_transfer_token: true } });
    file('deploy/clients/Acme Portal.json', { name: 'Acme Portal', app_type: 'spa', session_transfer: { allowed_authentication_methods: ['cookie'] } });
    file('deploy/tenant.json', { session_lifetime: 24 });
    const g = loadConfigFile(root);
    expect(g.clients.map((c) => [c.name, c.format])).toEqual([['Acme Mobile', 'Deploy CLI directory'], ['Acme Portal', 'Deploy CLI directory']]);
    expect(g.clients[1].file).toBe(join(root, 'clients', 'Acme Portal.json'));
    expect(g.tenant?.session_lifetime).toBe(24);
    expect(loadClients(undefined, `${root}#Acme Portal`).config.web.allowedAuthenticationMethods).toEqual(['cookie']);
  });

  const tfClient = (name: string, appType: string, st: Record<string, unknown>) => ({
    address: `auth0_client.${name}`, mode: 'managed', type: 'auth0_client', name, provider_name: 'registry.terraform.io/auth0/auth0', schema_version: 0,
    values: { name, app_type: appType, client_id: `${name}-id`, callbacks: [], jwt_configuration: [{ alg: 'RS256' }],
      session_transfer: [{ ...st }], refresh_token: [{ rotation_type: 'non-rotating', expiration_type: 'non-expiring', leeway: 0, token_lifetime: null }] },
  });

  it('terraform show -json of a state: auth0_client resources in child modules too, blocks as one-element lists', () => {
    const state = file('state.json', {
      format_version: '1.0', terraform_version: '1.9.0',
      values: { root_module: {
        resources: [tfClient('mobile', 'native', { can_create_session_transfer_token: true, allowed_authentication_methods: [] }),
          { address: 'auth0_tenant.t', type: 'auth0_tenant', name: 't', values: { session_lifetime: 72, idle_session_lifetime: 24 } }],
        child_modules: [{ address: 'module.portal', resources: [tfClient('portal', 'regular_web', { allowed_authentication_methods: ['cookie'], enforce_device_binding: 'none' })] }],
      } },
    });
    const g = loadConfigFile(state);
    expect(g.clients.map((c) => [c.name, c.where, c.format])).toEqual([
      ['mobile', 'values.root_module.resources[0].values', 'terraform show -json (state)'],
      ['portal', 'values.root_module.child_modules[0].resources[0].values', 'terraform show -json (state)'],
    ]);
    expect(g.config.web.enforceDeviceBinding).toBe('none');
    expect(g.tenant).toMatchObject({ session_lifetime: 72, idle_session_lifetime: 24 });
    // a typo inside the block names the path in the Terraform document, [0] included
    const bad = file('state-typo.json', { format_version: '1.0', values: { root_module: { resources: [tfClient('portal', 'regular_web', { enforce_device_bindings: 'none' })] } } });
    expect(errorOf(() => loadClients(undefined, bad))).toContain(`${bad}: values.root_module.resources[0].values.session_transfer[0]: unknown field "enforce_device_bindings"`);
  });

  it('terraform show -json of a plan: the planned values are judged', () => {
    const plan = file('plan.json', {
      format_version: '1.2', planned_values: { root_module: { resources: [tfClient('portal', 'regular_web', { allowed_authentication_methods: ['cookie', 'query'] })] } },
      prior_state: { values: { root_module: { resources: [tfClient('portal', 'regular_web', { allowed_authentication_methods: ['cookie'] })] } } },
    });
    const g = loadClients(undefined, plan);
    expect(g.clients[1].format).toBe('terraform show -json (plan)');
    expect(g.config.web.allowedAuthenticationMethods).toEqual(['cookie', 'query']);
  });
});

describe('what was defaulted is said', () => {
  it('lists the fields the model reads that a client leaves out or sets to null', () => {
    expect(defaultedFields({ session_transfer: { can_create_session_transfer_token: true, allowed_authentication_methods: null } }).map((d) => d.field)).toEqual([
      'session_transfer.enforce_cascade_revocation', 'session_transfer.allowed_authentication_methods', 'session_transfer.enforce_device_binding',
      'session_transfer.allow_refresh_token', 'session_transfer.enforce_online_refresh_tokens', 'refresh_token.rotation_type',
      'refresh_token.expiration_type', 'refresh_token.token_lifetime', 'refresh_token.infinite_token_lifetime',
      'refresh_token.idle_token_lifetime', 'refresh_token.infinite_idle_token_lifetime', 'refresh_token.leeway',
    ]);
    const g = loadClients(file('only-native.json', NATIVE), undefined);
    expect(g.clients[1]).toMatchObject({ role: 'web', file: null });
    expect(g.clients[1].defaulted).toHaveLength(13);
  });
});

describe('interpretation flags', () => {
  it('refuses __proto__ and unknown ids, with a did-you-mean', () => {
    expect(errorOf(() => parseInterpretationFlags(['__proto__=x']))).toContain('unknown interpretation "__proto__"');
    expect(errorOf(() => parseInterpretationFlags(['A9=true']))).toContain('unknown interpretation "A9"; did you mean A6?');
    expect(parseInterpretationFlags(['A8=false']).A8).toBe(false);
  });
});

describe('mix-ups are refused', () => {
  it('a near miss of session_transfer or refresh_token at the client level', () => {
    const f = file('near.json', { ...WEB, session_transfers: WEB.session_transfer });
    expect(errorOf(() => loadClients(undefined, f))).toContain('session_transfers: unknown field "session_transfers"; did you mean "session_transfer"?');
    expect(errorOf(() => loadConfigFile(file('near-cfg.json', { native: { refresh_tokn: {} }, web: WEB })))).toContain('did you mean "refresh_token"?');
  });

  it('the same client as both apps, from one file or two', () => {
    const a = file('same-a.json', WEB);
    const b = file('same-b.json', [M2M, WEB]);
    expect(errorOf(() => loadClients(a, a))).toContain('the same client');
    expect(errorOf(() => loadClients(`${b}#Acme Portal`, a))).toContain('the same client');
  });

  it('an app_type that says the roles are swapped, or a machine-to-machine client', () => {
    const list = file('roles.json', [M2M, NATIVE, WEB]);
    expect(errorOf(() => loadClients(`${list}#Acme Portal`, `${list}#Acme Mobile`))).toContain('did you swap --native and --web?');
    expect(errorOf(() => loadClients(undefined, `${list}#Billing Job`))).toContain('a machine-to-machine client has no users to sign in');
  });
});

describe('what JSON.parse would hide', () => {
  it('a key given twice in one object is refused with its place (JSON.parse keeps the last)', () => {
    const f = file('dup.json', '{\n  "client_id": "w", "app_type": "regular_web",\n  "session_transfer": { "allowed_authentication_methods": ["cookie"], "allowed_authentication_methods": [] }\n}');
    expect(errorOf(() => loadClients(undefined, f))).toBe(`${f}:3:71: the key "allowed_authentication_methods" appears twice in the same object; keep one`);
  });

  it('every bad client of a list is reported, not only the first', () => {
    const f = file('many-bad.json', Array.from({ length: 3 }, (_, i) => ({ ...WEB, client_id: `w${i}`, session_transfer: { enforce_device_binding: 'nope' } })));
    const m = errorOf(() => loadClients(undefined, f));
    expect(m.split('\n').filter((l) => l.includes('enforce_device_binding'))).toHaveLength(3);
    expect(m).toContain(`${f}: [2].session_transfer.enforce_device_binding`);
  });

  it("'@@' in an API response is only text; in YAML, or when keywords are given, it is a keyword", () => {
    const f = file('at.json', { ...WEB, description: 'ops@@team@@acme' });
    expect(loadClients(undefined, f).clients[1].name).toBe('Acme Portal');
    expect(errorOf(() => loadClients(undefined, f, parseKeywordFlags(['OTHER=1'])))).toContain('@@team@@ is a Deploy CLI keyword with no value');
  });
});

describe('--keyword', () => {
  it('takes the names files use, refuses a name given twice, and reads VALUE as JSON when it parses', () => {
    expect(parseKeywordFlags(['1M=x', 'N=[1]']).get('N')).toEqual([1]);
    expect(errorOf(() => parseKeywordFlags(['A=1', 'A=2']))).toContain('A is given twice');
    expect(errorOf(() => parseKeywordFlags(['no-equals']))).toContain('expected NAME=VALUE');
  });
});
