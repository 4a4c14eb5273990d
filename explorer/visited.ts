// explorer/visited.ts: what the search keeps of the worlds it reached: 64-bit fingerprints (open addressing,
// linear probing, load <= 1/2), parent pointers to rebuild paths, and an equality of worlds that saves a
// fingerprint when a successor repeats its parent or the successor before.
import type { DeviceState, RefreshToken, Session, TransferToken, World } from '../machines/world.js';

export class FingerprintSet {
  private keys: Uint32Array;
  /** with values: a configuration mask per fingerprint (explorer/family.ts) */
  private values: Int32Array | null;
  private mask: number;
  size = 0;
  constructor(capacity = 1 << 16, withValues = false) {
    this.keys = new Uint32Array(capacity * 2);
    this.values = withValues ? new Int32Array(capacity) : null;
    this.mask = capacity - 1;
  }
  get bytes(): number { return this.keys.byteLength + (this.values?.byteLength ?? 0); }
  /** The slot holding (lo, hi), or -1 - the empty slot where it would go. (0, 0) marks an empty slot: callers map lo 0 to 1 when hi is 0. */
  private slot(lo: number, hi: number): number {
    const keys = this.keys;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const klo = keys[2 * i], khi = keys[2 * i + 1];
      if (klo === 0 && khi === 0) return -1 - i;
      if (klo === lo && khi === hi) return i;
      i = (i + 1) & this.mask;
    }
  }
  private put(i: number, lo: number, hi: number, value: number): void {
    this.keys[2 * i] = lo;
    this.keys[2 * i + 1] = hi;
    if (this.values) this.values[i] = value;
    if (++this.size * 2 > this.mask + 1) this.grow();
  }
  /** true when added (it was not there) */
  add(lo: number, hi: number): boolean {
    if (lo === 0 && hi === 0) lo = 1;
    const i = this.slot(lo, hi);
    if (i >= 0) return false;
    this.put(-1 - i, lo, hi, 0);
    return true;
  }
  /** ORs the bits m into the value of (lo, hi), adding it if absent; returns the bits of m it lacked. */
  merge(lo: number, hi: number, m: number): number {
    if (lo === 0 && hi === 0) lo = 1;
    const i = this.slot(lo, hi);
    if (i < 0) { this.put(-1 - i, lo, hi, m); return m; }
    const v = this.values![i];
    this.values![i] = v | m;
    return m & ~v;
  }
  private grow(): void {
    const old = this.keys, oldValues = this.values;
    this.keys = new Uint32Array(old.length * 2);
    this.values = oldValues ? new Int32Array(oldValues.length * 2) : null;
    this.mask = (this.keys.length >>> 1) - 1;
    this.size = 0;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j] === 0 && old[j + 1] === 0) continue;
      this.put(-1 - this.slot(old[j], old[j + 1]), old[j], old[j + 1], oldValues ? oldValues[j >> 1] : 0);
    }
  }
}

/** Growable parent pointers: state index -> parent state index, event index in the parent's enumeration. */
export class Parents {
  parent = new Int32Array(1 << 16);
  event = new Uint16Array(1 << 16);
  push(i: number, parent: number, event: number): void {
    if (i >= this.parent.length) {
      const p = new Int32Array(this.parent.length * 2); p.set(this.parent); this.parent = p;
      const e = new Uint16Array(this.event.length * 2); e.set(this.event); this.event = e;
    }
    this.parent[i] = parent;
    this.event[i] = event;
  }
  get bytes(): number { return this.parent.byteLength + this.event.byteLength; }
}

/**
 * Two worlds with the same contents (what the fingerprint reads and more: every field of every artifact,
 * the clock, every device). The step copies on write, so parts it left alone are the same objects and
 * compare at once; the artifacts it replaced are compared field by field.
 * Used twice in the loop: a successor equal to its parent is a self-loop (nothing to fingerprint), and
 * one equal to the previous successor of the same parent is that state again (refusals that differ only
 * in offline_access or the method, say, are most successors): comparing costs a few field reads, a
 * fingerprint far more.
 */
export function sameWorld(a: World, b: World, devices: readonly string[]): boolean {
  if (a === b) return true;
  if (a.clock !== b.clock) return false;
  if (a.refreshTokens !== b.refreshTokens && !sameItems(a.refreshTokens, b.refreshTokens, sameRefreshToken)) return false;
  if (a.transferTokens !== b.transferTokens && !sameItems(a.transferTokens, b.transferTokens, sameTransferToken)) return false;
  if (a.sessions !== b.sessions && !sameItems(a.sessions, b.sessions, sameSession)) return false;
  if (a.devices !== b.devices) {
    for (const d of devices) {
      const x = a.devices[d], y = b.devices[d];
      if (x !== y && !sameDevice(x, y)) return false;
    }
  }
  return true;
}

// Field by field, written out (a loop over key names would be keyed loads on a hot path).
// explore.test.ts checks that each tells apart artifacts differing in any one field, so a field added to
// an artifact and not compared here fails there.
export const sameRefreshToken = (x: RefreshToken, y: RefreshToken): boolean => x.status === y.status && x.id === y.id
  && x.client === y.client && x.clientId === y.clientId && x.user === y.user && x.device === y.device && x.family === y.family && x.session === y.session
  && x.parent === y.parent && x.online === y.online && x.organization === y.organization
  && x.issuedAt === y.issuedAt && x.familyIssuedAt === y.familyIssuedAt && x.usedAt === y.usedAt && x.previous === y.previous;
export const sameTransferToken = (x: TransferToken, y: TransferToken): boolean => x.status === y.status && x.id === y.id
  && x.user === y.user && x.parent === y.parent && x.family === y.family && x.device === y.device && x.network === y.network
  && x.ip === y.ip && x.asn === y.asn && x.organization === y.organization && x.issuedAt === y.issuedAt && x.inUrl === y.inUrl;
export const sameSession = (x: Session, y: Session): boolean => x.status === y.status && x.id === y.id && x.user === y.user
  && x.device === y.device && x.via === y.via && x.transferToken === y.transferToken && x.parent === y.parent
  && x.createdAt === y.createdAt && x.lastActiveAt === y.lastActiveAt && x.expiresAt === y.expiresAt && x.idleExpiresAt === y.idleExpiresAt;
export const sameDevice = (x: DeviceState, y: DeviceState): boolean => x.network === y.network && x.session === y.session;

function sameItems<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !same(a[i], b[i])) return false;
  return true;
}

