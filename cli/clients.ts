// cli/clients.ts: the files reviewers have, read into clients in the Management API's shape. The format is
// told by content, not by name: a client object (`GET /api/v2/clients/{id}`, `auth0 apps show --json`), a
// client list (`GET /api/v2/clients`, with or without include_totals), an Auth0 Deploy CLI export
// (tenant.yaml, or the directory format's clients/*.json), or `terraform show -json` of a state or a plan.
// A file with no client in it is refused: read as defaults, it would make every goal hold.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { clientSchema, nearest, READ_FIELDS, tenantSchema, type ClientInput, type TenantInput } from '../machines/config.js';
import { formatPath, InputError } from './errors.js';
import { parseJsonText, readJsonFile, readText } from './read.js';

export type SourceFormat =
  | 'Management API client'
  | 'Management API client list'
  | 'Deploy CLI tenant.yaml'
  | 'Deploy CLI export (JSON)'
  | 'Deploy CLI directory'
  | 'terraform show -json (state)'
  | 'terraform show -json (plan)';

/** One client found in a file: what the model reads of it, and where it sits in the file. */
export interface FoundClient {
  name: string | null;
  clientId: string | null;
  appType: string | null;
  input: ClientInput;
  /** the file it was read from (a directory export: the client's own file) */
  file: string;
  /** its place in the file, as a JSON path ('' for the whole file) */
  where: string;
}

export interface ClientSource {
  file: string;
  format: SourceFormat;
  clients: FoundClient[];
  tenant: TenantInput | null;
}

/** `--keyword NAME=VALUE` values; VALUE is JSON where it parses as JSON, a string otherwise. */
export type Keywords = ReadonlyMap<string, unknown>;

export function parseKeywordFlags(flags: readonly string[]): Keywords {
  const out = new Map<string, unknown>();
  for (const f of flags) {
    // the same names replaceKeywords finds in files
    const m = /^([A-Za-z0-9_]+)=(.*)$/s.exec(f);
    if (!m) throw new InputError(`--keyword ${f}: expected NAME=VALUE, e.g. --keyword 'WEB_METHODS=["cookie"]'`);
    if (out.has(m[1])) throw new InputError(`--keyword ${f}: ${m[1]} is given twice; give it once`);
    let value: unknown = m[2];
    try { value = JSON.parse(m[2]); } catch { /* a plain string */ }
    out.set(m[1], value);
  }
  return out;
}

/**
 * Replaces the Deploy CLI's keywords: `@@NAME@@` by the JSON of the value, `##NAME##` by the value as text.
 * A keyword without a value is an error naming the line: left in place it would read as a wrong type.
 */
export function replaceKeywords(text: string, file: string, keywords: Keywords): string {
  // as the Deploy CLI does, a quoted '@@NAME@@' loses its quotes: YAML needs them around a bare marker
  return text.replace(/(['"]?)@@([A-Za-z0-9_]+)@@\1|##([A-Za-z0-9_]+)##/g, (whole, _q: string, json: string | undefined, plain: string | undefined, at: number) => {
    const name = (json ?? plain)!;
    if (!keywords.has(name)) {
      const line = text.slice(0, at).split('\n').length;
      throw new InputError(`${file}:${line}: ${whole.replace(/^['"]|['"]$/g, '')} is a Deploy CLI keyword with no value; give it with --keyword ${name}=VALUE`);
    }
    const v = keywords.get(name);
    return json !== undefined ? JSON.stringify(v) : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

// ---------------------------------------------------------------------------------------------

/** Reads a file or a Deploy CLI directory and finds every client in it. */
export function readClientSource(path: string, keywords: Keywords = new Map()): ClientSource {
  if (isDirectory(path)) return readDeployDirectory(path, keywords);
  const { doc, syntax } = readDocument(path, keywords);
  return sourceFromDocument(doc, path, syntax);
}

export const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** A file's document, JSON or YAML, with Deploy CLI keywords replaced where they belong. */
export function readDocument(path: string, keywords: Keywords): { doc: unknown; syntax: 'json' | 'yaml' } {
  const raw = readText(path, 'a JSON or YAML file');
  // keywords belong to Deploy CLI files: elsewhere (an API response, Terraform) '@@' is only text, unless asked
  const deployLike = /\.ya?ml$/i.test(path) || keywords.size > 0;
  const text = deployLike ? replaceKeywords(raw, path, keywords) : raw;
  const trimmed = text.trimStart();
  // JSON when it looks like JSON (YAML would accept a malformed JSON file and misread it)
  if (path.endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) return { doc: parseJsonText(text, path), syntax: 'json' };
  return { doc: parseYaml(text, path), syntax: 'yaml' };
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lineCounter.linePos(e.pos[0]);
    throw new InputError(`${file}:${line}:${col}: malformed YAML: ${e.message.split('\n')[0]}`);
  }
  return doc.toJS();
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const SESSION_TRANSFER_KEYS = READ_FIELDS.map(([f]) => f).filter((f) => f.startsWith('session_transfer.')).map((f) => f.slice('session_transfer.'.length));
/** Keys every exported client has one of (name is the Deploy CLI's key; client_id the Management API's). */
const looksLikeClient = (x: unknown): x is Record<string, unknown> =>
  isObject(x) && ('client_id' in x || 'session_transfer' in x || 'app_type' in x || ('name' in x && ('callbacks' in x || 'grant_types' in x)));

export function sourceFromDocument(doc: unknown, file: string, syntax: 'json' | 'yaml'): ClientSource {
  if (isObject(doc) && 'format_version' in doc && ('values' in doc || 'planned_values' in doc)) return fromTerraform(doc, file);
  if (Array.isArray(doc)) {
    if (doc.length === 0) throw new InputError(`${file}: an empty client list; expected at least one client`);
    return { file, format: 'Management API client list', clients: allClients(doc, file, (i) => `[${i}]`), tenant: null };
  }
  if (isObject(doc) && Array.isArray(doc.clients)) {
    const paged = 'total' in doc || 'start' in doc || 'limit' in doc;
    const format: SourceFormat = paged ? 'Management API client list' : syntax === 'yaml' ? 'Deploy CLI tenant.yaml' : 'Deploy CLI export (JSON)';
    if (doc.clients.length === 0) throw new InputError(`${file}: clients: an empty list; expected at least one client`);
    return { file, format, clients: allClients(doc.clients, file, (i) => `clients[${i}]`), tenant: tenantAt(doc.tenant, file, 'tenant') };
  }
  if (looksLikeClient(doc)) return { file, format: 'Management API client', clients: [clientAt(doc, file, '')], tenant: null };
  throw new InputError(`${file}: no client found: ${whatItIs(doc)}`);
}

/** Why a document holds no client, in words that say what to do instead. */
function whatItIs(doc: unknown): string {
  if (isObject(doc) && SESSION_TRANSFER_KEYS.some((k) => k in doc)) {
    return 'this is a session_transfer object on its own; a client carries it as { "session_transfer": { ... } } (give the whole client, e.g. GET /api/v2/clients/{id})';
  }
  if (isObject(doc) && 'steps' in doc) return 'this is a scenario (it has steps); run it with n2w run FILE';
  if (isObject(doc) && ('native' in doc || 'web' in doc)) return 'this is a configuration file { native, web }; give it with --config';
  if (isObject(doc) && Object.keys(doc).length === 0) return 'the file is an empty object';
  return 'expected a client object (GET /api/v2/clients/{id}, auth0 apps show --json), a client list (GET /api/v2/clients), a Deploy CLI export (tenant.yaml or a directory with clients/) or terraform show -json output';
}

/** Every client of a list, the problems of all of them reported together (bounded when printed). */
function allClients(list: readonly unknown[], file: string, where: (i: number) => string): FoundClient[] {
  const problems: string[] = [];
  const clients = list.map((c, i) => {
    try {
      return clientAt(c, file, where(i));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
      return null;
    }
  });
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return clients as FoundClient[];
}

function clientAt(raw: unknown, file: string, where: string): FoundClient {
  if (!looksLikeClient(raw)) throw new InputError(`${file}: ${where || '(top level)'}: no client here: expected an object with client_id, name and app_type, ${whatItIs(raw).replace(/^expected /, 'as in ')}`);
  return found(raw, file, where, (x) => x);
}

/** Validates what the model reads of a client; `unwrap` turns the format's blocks into the API's objects. */
function found(raw: Record<string, unknown>, file: string, where: string, unwrap: (block: unknown) => unknown, pathOf: (p: readonly PropertyKey[]) => string = (p) => formatPath(p)): FoundClient {
  // the other fields go along only to be checked for near misses of these two (machines/config.ts)
  const doc: Record<string, unknown> = { ...raw };
  delete doc.session_transfer;
  delete doc.refresh_token;
  for (const key of ['session_transfer', 'refresh_token'] as const) {
    if (raw[key] !== undefined) doc[key] = withoutNulls(unwrap(raw[key]));
  }
  const r = clientSchema.safeParse(doc);
  if (!r.success) {
    const at = (p: readonly PropertyKey[]) => [where, pathOf(p)].filter(Boolean).join('.').replace(/\.\[/g, '[');
    throw new InputError(r.error.issues.map((i) => `${file}: ${at(i.path)}: ${i.message}`).join('\n'));
  }
  const str = (k: string) => (typeof raw[k] === 'string' ? raw[k] as string : null);
  const input: ClientInput = { session_transfer: r.data.session_transfer, refresh_token: r.data.refresh_token };
  return { name: str('name'), clientId: str('client_id'), appType: str('app_type'), input, file, where };
}

/** null inside session_transfer and refresh_token means "not set": the default, listed as defaulted. */
function withoutNulls(block: unknown): unknown {
  if (!isObject(block)) return block;
  return Object.fromEntries(Object.entries(block).filter(([k, v]) => v !== null || k === 'allowed_authentication_methods'));
}

function tenantAt(raw: unknown, file: string, where: string): TenantInput | null {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) throw new InputError(`${file}: ${where}: expected an object of tenant settings`);
  const picked = Object.fromEntries(['session_lifetime', 'idle_session_lifetime'].filter((k) => raw[k] !== undefined && raw[k] !== null).map((k) => [k, raw[k]]));
  const r = tenantSchema.safeParse(picked);
  if (!r.success) throw new InputError(r.error.issues.map((i) => `${file}: ${where}.${formatPath(i.path)}: ${i.message}`).join('\n'));
  return Object.keys(r.data).length ? r.data : null;
}

// ---------------------------------------------------------------------------------------------
// The Deploy CLI's directory format: DIR/clients/*.json (one client each), DIR/tenant.json.

function readDeployDirectory(dir: string, keywords: Keywords): ClientSource {
  const clientsDir = basename(dir) === 'clients' ? dir : join(dir, 'clients');
  if (!existsSync(clientsDir) || !statSync(clientsDir).isDirectory()) {
    throw new InputError(`${dir}: a directory without clients/; expected a Deploy CLI directory export (DIR/clients/*.json)`);
  }
  const files = readdirSync(clientsDir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new InputError(`${clientsDir}: no client files (*.json) in it`);
  const clients = files.map((f) => {
    const file = join(clientsDir, f);
    return clientAt(parseJsonText(replaceKeywords(readText(file), file, keywords), file), file, '');
  });
  const root = basename(dir) === 'clients' ? join(dir, '..') : dir;
  const tenantFile = join(root, 'tenant.json');
  const tenant = existsSync(tenantFile) ? tenantAt(parseJsonText(replaceKeywords(readText(tenantFile), tenantFile, keywords), tenantFile), tenantFile, '(top level)') : null;
  return { file: dir, format: 'Deploy CLI directory', clients, tenant };
}

// ---------------------------------------------------------------------------------------------
// `terraform show -json`: auth0_client resources in values.root_module (state) or planned_values.root_module
// (plan), child modules included; nested blocks are lists of one element.

interface TfModule { resources?: unknown[]; child_modules?: unknown[] }

function fromTerraform(doc: Record<string, unknown>, file: string): ClientSource {
  const plan = 'planned_values' in doc;
  const top = plan ? 'planned_values' : 'values';
  const clients: FoundClient[] = [];
  let tenant: TenantInput | null = null;
  const walk = (m: unknown, path: string) => {
    if (!isObject(m)) return;
    const mod = m as TfModule;
    (mod.resources ?? []).forEach((r, i) => {
      if (!isObject(r) || !isObject(r.values)) return;
      const where = `${path}.resources[${i}].values`;
      if (r.type === 'auth0_client') {
        clients.push(found(r.values, file, where, unwrapBlock, tfPath));
      } else if (r.type === 'auth0_tenant') {
        tenant = tenantAt(r.values, file, where);
      }
    });
    (mod.child_modules ?? []).forEach((c, i) => walk(c, `${path}.child_modules[${i}]`));
  };
  walk((doc[top] as Record<string, unknown> | undefined)?.root_module, `${top}.root_module`);
  if (clients.length === 0) throw new InputError(`${file}: no auth0_client resource in ${top}.root_module (nor in its child modules)`);
  return { file, format: plan ? 'terraform show -json (plan)' : 'terraform show -json (state)', clients, tenant };
}

/** A Terraform block (a list of at most one object) as the Management API's object; `delegation` inside too. */
function unwrapBlock(block: unknown): unknown {
  const one = (b: unknown) => (Array.isArray(b) ? (b.length === 0 ? undefined : b.length === 1 && isObject(b[0]) ? b[0] : b) : b);
  const o = one(block);
  if (!isObject(o) || !('delegation' in o)) return o;
  const { delegation, ...rest } = o;
  const d = one(delegation);
  return d === undefined ? rest : { ...rest, delegation: d };
}

/** A path in the unwrapped client as a path in the Terraform document: blocks get their [0]. */
function tfPath(p: readonly PropertyKey[]): string {
  const out: PropertyKey[] = [];
  p.forEach((k, i) => { out.push(k); if (i === 0 || (i === 1 && k === 'delegation')) out.push(0); });
  return formatPath(out);
}

// ---------------------------------------------------------------------------------------------
// Picking the client: FILE#CLIENT names it by client_id or name; without it, the file's only client, or
// its only client of the role's application types.

const ROLE_TYPES = { native: ['native'], web: ['regular_web', 'spa'] } as const;

/** `FILE#CLIENT` split (a file whose name has a # is taken whole when it exists). */
export function splitSelector(arg: string): { path: string; selector: string | null } {
  const at = arg.lastIndexOf('#');
  if (at < 0 || existsSync(arg)) return { path: arg, selector: null };
  return { path: arg.slice(0, at), selector: arg.slice(at + 1) };
}

export const describeClient = (c: FoundClient) =>
  `${c.name ?? '(no name)'}${c.clientId ? ` (${c.clientId})` : ''}${c.appType ? `, ${c.appType}` : ''}`;

function listClients(clients: readonly FoundClient[]): string {
  const shown = clients.slice(0, 20).map((c) => `  - ${describeClient(c)}`);
  if (clients.length > 20) shown.push(`  and ${clients.length - 20} more`);
  return shown.join('\n');
}

export function pickClient(source: ClientSource, selector: string | null, role: 'native' | 'web', flag: string): FoundClient {
  const { clients, file } = source;
  if (selector !== null) {
    const hits = clients.filter((c) => c.clientId === selector || c.name === selector);
    if (hits.length === 1) return hits[0];
    const near = nearest(selector, clients.flatMap((c) => [c.name, c.clientId]).filter((x): x is string => x !== null));
    throw new InputError(`${flag} ${file}#${selector}: ${hits.length === 0 ? 'no client with that client_id or name' : `${hits.length} clients with that client_id or name`}${near && hits.length === 0 ? `; did you mean "${near}"?` : '.'} Clients found:\n${listClients(clients)}`);
  }
  if (clients.length === 1) return clients[0];
  const ofRole = clients.filter((c) => c.appType !== null && (ROLE_TYPES[role] as readonly string[]).includes(c.appType));
  if (ofRole.length === 1) return ofRole[0];
  throw new InputError(`${flag} ${file}: ${clients.length} clients${ofRole.length > 1 ? `, ${ofRole.length} of them ${ROLE_TYPES[role].join(' or ')} apps` : ''}: say which with ${flag} '${file}#CLIENT' (a client_id or a name). Clients found:\n${listClients(clients)}`);
}
