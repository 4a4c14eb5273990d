// SQLite persistence for the reference server (better-sqlite3, synchronous).
// Secrets (refresh tokens, transfer tokens, session cookies, codes) are stored only as sha256 hashes.

import Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ClientSettings, DEFAULT_REFRESH_TOKEN, DEFAULT_TENANT, type ServerConfig, type TenantSettings } from './config.js';

export type Db = Database.Database;

/** A 256-bit random secret, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

export function passwordMatches(stored: string, given: string): boolean {
  const [salt, h] = stored.split('$');
  if (salt === undefined || h === undefined) return false;
  const a = Buffer.from(sha256(`${salt}:${given}`), 'hex');
  const b = Buffer.from(h, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function passwordHash(pw: string): string {
  const salt = randomBytes(8).toString('hex');
  return `${salt}$${sha256(`${salt}:${pw}`)}`;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, role TEXT NOT NULL, settings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (user_id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rt_families (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL, organization TEXT,
  scope TEXT, status TEXT NOT NULL, transfer_born INTEGER NOT NULL, parent_family_id TEXT, session_id TEXT,
  online INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT);
CREATE INDEX IF NOT EXISTS rt_families_parent ON rt_families(parent_family_id);
CREATE INDEX IF NOT EXISTS rt_families_session ON rt_families(session_id);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, family_id TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL, created_at INTEGER NOT NULL, status_at INTEGER, used_at INTEGER, previous_id TEXT);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
CREATE TABLE IF NOT EXISTS transfer_tokens (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, token_hash TEXT NOT NULL UNIQUE, family_id TEXT NOT NULL,
  refresh_token_id TEXT NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL, organization TEXT, scope TEXT,
  ip TEXT NOT NULL, asn INTEGER, ttl_seconds INTEGER NOT NULL, issued_at INTEGER NOT NULL, status TEXT NOT NULL,
  status_at INTEGER, status_reason TEXT, session_id TEXT);
CREATE INDEX IF NOT EXISTS transfer_tokens_family ON transfer_tokens(family_id);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, cookie_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
  organization TEXT, status TEXT NOT NULL, via TEXT NOT NULL, transfer_token_id TEXT, parent_family_id TEXT,
  linked_by TEXT, created_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT, last_active_at INTEGER);
CREATE INDEX IF NOT EXISTS sessions_parent ON sessions(parent_family_id);
CREATE TABLE IF NOT EXISTS codes (
  code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, session_id TEXT NOT NULL,
  user_id TEXT NOT NULL, scope TEXT, offline INTEGER NOT NULL, via_transfer INTEGER NOT NULL, created_at INTEGER NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS logs (
  seq INTEGER PRIMARY KEY, log_id TEXT NOT NULL UNIQUE, date INTEGER NOT NULL, type TEXT NOT NULL, description TEXT,
  client_id TEXT, client_name TEXT, user_id TEXT, ip TEXT, details TEXT NOT NULL);
`;

export interface FamilyRow {
  id: string;
  seq: number;
  client_id: string;
  user_id: string;
  organization: string | null;
  scope: string | null;
  status: 'active' | 'revoked';
  transfer_born: number;
  parent_family_id: string | null;
  session_id: string | null;
  online: number;
  created_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface RefreshTokenRow {
  id: string;
  seq: number;
  family_id: string;
  token_hash: string;
  status: 'active' | 'rotated' | 'revoked' | 'expired';
  /** issue time (ms); the family's first token's is rt_families.created_at */
  created_at: number;
  status_at: number | null;
  /** issue time, then the time of each exchange that did not rotate it (the idle lifetime counts from here) */
  used_at: number;
  /** for a successor issued by a rotation: the token it replaced (the leeway honours only that one) */
  previous_id: string | null;
}

export interface TransferTokenRow {
  id: string;
  seq: number;
  token_hash: string;
  family_id: string;
  refresh_token_id: string;
  client_id: string;
  user_id: string;
  organization: string | null;
  scope: string | null;
  ip: string;
  asn: number | null;
  ttl_seconds: number;
  issued_at: number;
  status: 'issued' | 'consumed' | 'rejected' | 'revoked' | 'expired';
  status_at: number | null;
  status_reason: string | null;
  session_id: string | null;
}

export interface SessionRow {
  id: string;
  seq: number;
  cookie_hash: string;
  user_id: string;
  organization: string | null;
  status: 'active' | 'revoked' | 'expired';
  via: 'login' | 'transfer';
  transfer_token_id: string | null;
  parent_family_id: string | null;
  linked_by: string | null;
  created_at: number;
  /** the last /authorize or interactive login into it (the idle lifetime counts from here) */
  last_active_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  /** a post-login Action's absolute deadline (ms), when one set it (api.session.setExpiresAt) */
  expires_at: number | null;
  /** a post-login Action's idle deadline (ms); a later login clears it (the idle timer restarts as usual) */
  idle_expires_at: number | null;
}

export interface CodeRow {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  session_id: string;
  user_id: string;
  scope: string | null;
  offline: number;
  /** 1 when the code came from a transfer-token redemption (an STT login, R25) */
  via_transfer: number;
  created_at: number;
  used: number;
}

export interface UserRow {
  user_id: string;
  username: string;
  password_hash: string;
}

export function openDb(file: string | undefined): Db {
  const db = new Database(file ?? ':memory:');
  if (file) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

/**
 * Columns added after the first schema, for a --db file written before them. A missing time falls back to the
 * row's creation, which is what it would have held had it been recorded.
 */
function migrate(db: Db): void {
  const has = (table: string, column: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
  db.transaction(() => {
    if (!has('refresh_tokens', 'used_at')) db.exec('ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER');
    if (!has('refresh_tokens', 'previous_id')) db.exec('ALTER TABLE refresh_tokens ADD COLUMN previous_id TEXT');
    if (!has('sessions', 'last_active_at')) db.exec('ALTER TABLE sessions ADD COLUMN last_active_at INTEGER');
    if (!has('sessions', 'expires_at')) db.exec('ALTER TABLE sessions ADD COLUMN expires_at INTEGER');
    if (!has('sessions', 'idle_expires_at')) db.exec('ALTER TABLE sessions ADD COLUMN idle_expires_at INTEGER');
    db.exec('UPDATE refresh_tokens SET used_at = created_at WHERE used_at IS NULL');
    db.exec('UPDATE sessions SET last_active_at = created_at WHERE last_active_at IS NULL');
  })();
}

export function getMeta(db: Db, key: string): string | undefined {
  const r = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return r?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Next id of a kind: rt1, rt2, ... / stt1, ... / s1, ... (counted per kind, persisted). */
export function nextId(db: Db, prefix: string): { id: string; seq: number } {
  const key = `seq:${prefix}`;
  const n = Number(getMeta(db, key) ?? '0') + 1;
  setMeta(db, key, String(n));
  return { id: `${prefix}${n}`, seq: n };
}

/** Seed a fresh database from the configuration (clients, users). Existing tenants are left as they are. */
export function seedIfEmpty(db: Db, config: ServerConfig): void {
  if (getMeta(db, 'initialized') === '1') return;
  db.transaction(() => {
    writeClient(db, 'native', config.native);
    for (const w of config.web) writeClient(db, 'web', w); // in order: the first web app is the one inserted first
    const ins = db.prepare('INSERT INTO users(user_id, username, password_hash) VALUES (?, ?, ?)');
    for (const u of config.users) ins.run(u.user_id, u.username, passwordHash(u.password));
    setMeta(db, 'tenant_settings', JSON.stringify(config.tenant));
    setMeta(db, 'initialized', '1');
  })();
}

export function wipe(db: Db): void {
  db.transaction(() => {
    for (const t of ['meta', 'clients', 'users', 'rt_families', 'refresh_tokens', 'transfer_tokens', 'sessions', 'codes', 'logs']) db.exec(`DELETE FROM ${t}`);
  })();
}

/** The stored tenant's session lifetimes (a file written before they existed has Auth0's defaults). */
export function readTenantSettings(db: Db): TenantSettings {
  const v = getMeta(db, 'tenant_settings');
  return v === undefined ? { ...DEFAULT_TENANT } : { ...DEFAULT_TENANT, ...(JSON.parse(v) as Partial<TenantSettings>) };
}

export function writeClient(db: Db, role: 'native' | 'web', c: ClientSettings): void {
  db.prepare(
    'INSERT INTO clients(client_id, role, settings) VALUES (?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET settings = excluded.settings, role = excluded.role',
  ).run(c.client_id, role, JSON.stringify(c));
}

/** Stored settings; refresh_token fields a file written before them lacks take their defaults. */
function settingsOf(json: string): ClientSettings {
  const c = JSON.parse(json) as ClientSettings;
  return { ...c, refresh_token: { ...DEFAULT_REFRESH_TOKEN, ...c.refresh_token } };
}

export function readClient(db: Db, clientId: string): { role: 'native' | 'web'; settings: ClientSettings } | undefined {
  const r = db.prepare('SELECT role, settings FROM clients WHERE client_id = ?').get(clientId) as { role: 'native' | 'web'; settings: string } | undefined;
  if (!r) return undefined;
  return { role: r.role, settings: settingsOf(r.settings) };
}

/** The web apps' client_ids in the configuration's order (a PATCH updates a row in place, so rowid keeps it). */
export function webClientIds(db: Db): string[] {
  return (db.prepare(`SELECT client_id FROM clients WHERE role = 'web' ORDER BY rowid`).all() as { client_id: string }[]).map((r) => r.client_id);
}

export function listClients(db: Db): { role: 'native' | 'web'; settings: ClientSettings }[] {
  const rows = db.prepare('SELECT role, settings FROM clients ORDER BY role, rowid').all() as { role: 'native' | 'web'; settings: string }[];
  return rows.map((r) => ({ role: r.role, settings: settingsOf(r.settings) }));
}
