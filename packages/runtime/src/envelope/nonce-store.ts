/**
 * Bounded memory of nonces for replay detection: at most `max` nonces, each kept until its
 * message's expiry (issued_at_ms + ttl_ms) plus the allowed clock skew. A message older than
 * that is rejected as TTL_EXPIRED anyway, so forgetting its nonce is safe. When the bound evicts
 * a nonce before its expiry, a replay of it would go unnoticed: `prematureEvictions` counts those
 * so the bound can be sized (alert on it being > 0).
 *
 * A Map answers membership; a FIFO queue beside it keeps insertion order, which is close to
 * expiry order since the messages of a stream have similar TTLs. Each `seen` drops a few expired
 * nonces from the head of the queue (amortised O(1), no timers); the bound evicts from the head
 * too. (Iterating the Map itself from the front would walk over the holes V8 leaves for deleted
 * entries until its next rehash: quadratic under steady eviction.)
 */

export interface NonceStoreOptions {
  /** Most nonces kept (default 100 000). */
  readonly max?: number;
  /** Extra retention beyond a message's expiry, to cover consumer clock skew (default 0). */
  readonly graceMs?: number;
  /** Epoch milliseconds (default Date.now). */
  readonly clock?: () => number;
}

/** Expired nonces dropped from the front per call: enough to keep up with one insert per call. */
const SWEEP_PER_CALL = 2;

export class NonceStore {
  /** nonce -> epoch ms until which it is remembered. */
  private readonly expiries = new Map<string, number>();
  /** Insertion order: queue[head..] are the nonces of `expiries` (and some already dropped). */
  private queue: string[] = [];
  private head = 0;
  private readonly clock: () => number;
  private readonly graceMs: number;
  private readonly max: number;
  prematureEvictions = 0;

  constructor(options: NonceStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.graceMs = options.graceMs ?? 0;
    this.max = options.max ?? 100_000;
    if (!(this.max >= 1)) throw new RangeError('NonceStore max must be >= 1');
  }

  /** True if `nonce` is remembered (a replay); otherwise remembers it until `expiresAtMs` (+ grace) and answers false. */
  seen(nonce: string, expiresAtMs: number): boolean {
    const now = this.clock();
    this.sweep(now, SWEEP_PER_CALL);
    const until = this.expiries.get(nonce);
    if (until !== undefined) {
      if (until >= now) return true;
      this.expiries.delete(nonce);
    }
    const keepUntil = expiresAtMs + this.graceMs;
    if (keepUntil <= now) return false; // its message is expired: nothing to remember
    if (this.expiries.size >= this.max) {
      this.sweep(now, Infinity);
      while (this.expiries.size >= this.max) {
        const oldest = this.shift();
        if (oldest === undefined) break; // unreachable: every held nonce is queued
        if (this.expiries.delete(oldest)) this.prematureEvictions++;
      }
    }
    this.expiries.set(nonce, keepUntil);
    this.queue.push(nonce);
    return false;
  }

  /** Nonces held, expired ones included until `purge` (or they are swept from the front). */
  get size(): number {
    return this.expiries.size;
  }

  /** Drops every expired nonce now (they are otherwise dropped lazily). */
  purge(): void {
    const now = this.clock();
    for (const [nonce, until] of this.expiries) if (until < now) this.expiries.delete(nonce);
    this.queue = this.queue.slice(this.head).filter((n) => this.expiries.has(n));
    this.head = 0;
  }

  /** Drops up to `limit` expired nonces from the head of the queue (stops at the first live one). */
  private sweep(now: number, limit: number): void {
    for (let dropped = 0; dropped < limit && this.head < this.queue.length;) {
      const nonce = this.queue[this.head] as string;
      const until = this.expiries.get(nonce);
      if (until !== undefined && until >= now) return;
      this.shift();
      if (until !== undefined) {
        this.expiries.delete(nonce);
        dropped++;
      }
    }
  }

  /** The oldest queued nonce, removed from the queue (compacted once half of it is consumed). */
  private shift(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const nonce = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return nonce;
  }
}
