/**
 * Bounded memory of nonces for replay detection: at most `max` nonces, each kept until its
 * message's expiry (issued_at_ms + ttl_ms) plus the allowed clock skew. A message older than
 * that is rejected as TTL_EXPIRED anyway, so forgetting its nonce is safe. When the bound evicts
 * a nonce before its expiry, a replay of it would go unnoticed: `prematureEvictions` counts those
 * so the bound can be sized (alert on it being > 0).
 *
 * Each nonce may be remembered with the position (partition, offset) of the record that carried
 * it: the same record delivered again (at-least-once redelivery after a rebalance) is not a replay.
 *
 * Layout, chosen for the consumer's hot path (one lookup and one insert per record, at up to
 * 100 000 live nonces): the nonces live in a ring in arrival order, which is close to expiry
 * order since the messages of a stream have similar TTLs, so expired ones are dropped from its
 * head (a couple per call: amortised O(1), no timers) and the bound evicts from the head too. An
 * open-addressing hash table (linear probing, at most half full) maps a nonce to its ring slot.
 * Everything is in typed arrays: the runtime's own 22-character nonces (16 random bytes,
 * base64url) are stored as three exact integers, so nothing per message stays on the JavaScript
 * heap for the garbage collector to promote and trace. Other valid nonces (up to 86 characters)
 * keep their string.
 */

export interface NonceStoreOptions {
  /** Most nonces kept (default 100 000). */
  readonly max?: number;
  /** Extra retention beyond a message's expiry, to cover consumer clock skew (default 0). */
  readonly graceMs?: number;
  /** Epoch milliseconds (default Date.now). */
  readonly clock?: () => number;
}

/** Expired nonces dropped from the ring's head per call: enough to keep up with one insert per call. */
const SWEEP_PER_CALL = 2;
/** Ring slots allocated at first; the ring and the table double as needed, up to `max`. */
const INITIAL_SLOTS = 1024;
/** A ring slot whose nonce was removed (replaced by a newer sighting, or purged). */
const DEAD = -1;
/** `keyA` of a nonce kept as a string (packed keys are >= 0). */
const TEXT_KEY = -2;
/** Positions of a nonce remembered without one. */
const NO_OFFSET = -1;

/** base64url digit of a character code, or -1. */
const DIGIT = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => (DIGIT[c.charCodeAt(0)] = i));

/** Per-process hash seed: nonces come from other processes, which should not be able to aim at one probe sequence. */
const SEED = (Math.random() * 0x100000000) >>> 0;

/** 32-bit hash of a string's character codes (FNV-1a, then murmur3's finaliser for the low bits the table uses). */
function hashOf(text: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** base64url digits text[from, to) as one integer (to - from <= 8: at most 48 bits, exact), or -1 if one is not a digit. */
function packed(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? (DIGIT[c] as number) : -1;
    if (d < 0) return -1;
    n = n * 64 + d;
  }
  return n;
}

export class NonceStore {
  private readonly clock: () => number;
  private readonly graceMs: number;
  private readonly max: number;
  /** Ring (capacity `slots`): live slots are head, head + 1, ... head + count - 1 (mod slots). */
  private slots = 0;
  private head = 0;
  private count = 0;
  /** Per ring slot: a 22-character nonce as three integers (8 + 7 + 7 digits), or keyA = TEXT_KEY. */
  private keyA = new Float64Array(0);
  private keyB = new Float64Array(0);
  private keyC = new Float64Array(0);
  /** Per ring slot: the nonce, when it is not kept packed. */
  private text: (string | undefined)[] = [];
  private hash = new Uint32Array(0);
  /** Per ring slot: epoch ms until which it is remembered, or DEAD. */
  private until = new Float64Array(0);
  private partition = new Int32Array(0);
  private offset = new Float64Array(0);
  /**
   * Hash table of buckets [ring slot + 1 (0 = empty), hash]: the hash beside the slot lets a probe
   * pass other nonces' buckets without reading the ring (one cache line instead of several).
   */
  private table = new Int32Array(0);
  private mask = 0;
  /** Held (live or expired, not dead) nonces. */
  private held = 0;
  prematureEvictions = 0;

  constructor(options: NonceStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.graceMs = options.graceMs ?? 0;
    this.max = options.max ?? 100_000;
    if (!(this.max >= 1) || !Number.isSafeInteger(this.max)) throw new RangeError('NonceStore max must be an integer >= 1');
    this.resize(Math.min(this.max, INITIAL_SLOTS));
  }

  /**
   * True if `nonce` is remembered from another record (a replay); otherwise remembers it until
   * `expiresAtMs` (+ grace) with the record's position and answers false. Without a position
   * (offset < 0) every second sighting is a replay.
   */
  seen(nonce: string, expiresAtMs: number, partition = 0, offset = NO_OFFSET): boolean {
    const now = this.clock();
    this.sweep(now, SWEEP_PER_CALL);
    const h = hashOf(nonce);
    let a = TEXT_KEY;
    let b = 0;
    let c = 0;
    if (nonce.length === 22) {
      a = packed(nonce, 0, 8);
      b = packed(nonce, 8, 15);
      c = packed(nonce, 15, 22);
      if (a < 0 || b < 0 || c < 0) a = TEXT_KEY;
    }
    const found = this.find(nonce, h, a, b, c);
    if (found >= 0) {
      const until = this.until[found] as number;
      if (until >= now) return offset < 0 || this.offset[found] !== offset || this.partition[found] !== partition;
      this.remove(found); // expired: remembered again below
    }
    const keepUntil = expiresAtMs + this.graceMs;
    if (keepUntil <= now) return false; // its message is expired: nothing to remember
    if (this.held >= this.max) {
      this.sweep(now, Infinity);
      while (this.held >= this.max) {
        if ((this.until[this.head] as number) >= now) this.prematureEvictions++;
        this.dropHead();
      }
    }
    this.insert(nonce, h, a, b, c, keepUntil, partition, offset);
    return false;
  }

  /** Nonces held, expired ones included until `purge` (or they are swept from the ring's head). */
  get size(): number {
    return this.held;
  }

  /** Drops every expired nonce now (they are otherwise dropped lazily). */
  purge(): void {
    const now = this.clock();
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) % this.slots;
      const until = this.until[slot] as number;
      if (until !== DEAD && until < now) this.remove(slot);
    }
    this.sweep(now, Infinity);
  }

  /** Ring slot holding the nonce, or -1. */
  private find(nonce: string, h: number, a: number, b: number, c: number): number {
    const table = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = table[2 * i] as number;
      if (entry === 0) return -1;
      if (table[2 * i + 1] !== (h | 0)) continue;
      const slot = entry - 1;
      if (this.keyA[slot] !== a) continue;
      if (a === TEXT_KEY ? this.text[slot] === nonce : this.keyB[slot] === b && this.keyC[slot] === c) return slot;
    }
  }

  private insert(nonce: string, h: number, a: number, b: number, c: number, until: number, partition: number, offset: number): void {
    if (this.count === this.slots) {
      // the ring is full of held and dead slots: compact the dead ones away, or grow
      this.resize(this.held * 2 > this.slots || this.held === this.count ? Math.min(this.max, this.slots * 2) : this.slots);
    }
    const slot = (this.head + this.count) % this.slots;
    this.count++;
    this.held++;
    this.keyA[slot] = a;
    this.keyB[slot] = b;
    this.keyC[slot] = c;
    this.text[slot] = a === TEXT_KEY ? nonce : undefined;
    this.hash[slot] = h;
    this.until[slot] = until;
    this.partition[slot] = partition;
    this.offset[slot] = offset;
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (table[2 * i] !== 0) i = (i + 1) & mask;
    table[2 * i] = slot + 1;
    table[2 * i + 1] = h;
  }

  /** Drops up to `limit` expired nonces from the ring's head, and the dead slots among them (stops at the first live one). */
  private sweep(now: number, limit: number): void {
    for (let dropped = 0; dropped < limit && this.count > 0;) {
      const until = this.until[this.head] as number;
      if (until !== DEAD) {
        if (until >= now) return;
        dropped++;
      }
      this.dropHead();
    }
  }

  private dropHead(): void {
    const slot = this.head;
    if ((this.until[slot] as number) !== DEAD) this.remove(slot);
    this.text[slot] = undefined;
    this.head = (slot + 1) % this.slots;
    this.count--;
  }

  /** Takes a held slot out of the table and marks it dead (it leaves the ring when it reaches the head). */
  private remove(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = (this.hash[slot] as number) & mask;
    while (table[2 * i] !== slot + 1) i = (i + 1) & mask;
    // backward-shift deletion: pull later entries of the probe run into the hole when their home
    // position does not lie cyclically in (hole, their position]
    for (let j = (i + 1) & mask; table[2 * j] !== 0; j = (j + 1) & mask) {
      const home = (table[2 * j + 1] as number) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        table[2 * i] = table[2 * j] as number;
        table[2 * i + 1] = table[2 * j + 1] as number;
        i = j;
      }
    }
    table[2 * i] = 0;
    this.until[slot] = DEAD;
    this.text[slot] = undefined;
    this.held--;
  }

  /** New ring of `slots` slots holding the held nonces in order (dead slots dropped), and a table for it. */
  private resize(slots: number): void {
    const { keyA, keyB, keyC, text, hash, until, partition, offset } = this;
    const [oldSlots, oldHead, oldCount] = [this.slots, this.head, this.count];
    this.slots = slots;
    this.keyA = new Float64Array(slots);
    this.keyB = new Float64Array(slots);
    this.keyC = new Float64Array(slots);
    this.text = new Array<string | undefined>(slots).fill(undefined);
    this.hash = new Uint32Array(slots);
    this.until = new Float64Array(slots);
    this.partition = new Int32Array(slots);
    this.offset = new Float64Array(slots);
    let tableSize = 2;
    while (tableSize < slots * 2) tableSize *= 2;
    this.table = new Int32Array(2 * tableSize);
    this.mask = tableSize - 1;
    this.head = 0;
    this.count = 0;
    this.held = 0;
    for (let k = 0; k < oldCount; k++) {
      const s = (oldHead + k) % oldSlots;
      const u = until[s] as number;
      if (u === DEAD) continue;
      const a = keyA[s] as number;
      this.insert(
        a === TEXT_KEY ? (text[s] as string) : '',
        hash[s] as number,
        a,
        keyB[s] as number,
        keyC[s] as number,
        u,
        partition[s] as number,
        offset[s] as number,
      );
    }
  }
}
