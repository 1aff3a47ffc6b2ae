/**
 * Bounded memory of nonces for replay detection: at most `max` nonces, each kept until its
 * message's expiry (issued_at_ms + ttl_ms) plus the allowed clock skew. A message older than
 * that is rejected as TTL_EXPIRED anyway, so forgetting its nonce is safe. When the bound evicts
 * a nonce before its expiry, a replay of it would go unnoticed: `prematureEvictions` counts those
 * so the bound can be sized (alert on it being > 0).
 *
 * A Map in insertion order is the whole structure: the oldest nonce is the first key, and since
 * every message of a stream has a similar TTL, insertion order is close to expiry order. Each
 * `seen` drops a few expired nonces from the front (amortised O(1), no timers); the bound evicts
 * from the front too.
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
  /** nonce -> epoch ms until which it is remembered, in insertion order. */
  private readonly expiries = new Map<string, number>();
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
        const oldest = this.expiries.keys().next().value as string;
        this.expiries.delete(oldest);
        this.prematureEvictions++;
      }
    }
    this.expiries.set(nonce, keepUntil);
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
  }

  /** Drops up to `limit` expired nonces from the front (stops at the first live one). */
  private sweep(now: number, limit: number): void {
    let dropped = 0;
    for (const [nonce, until] of this.expiries) {
      if (dropped >= limit || until >= now) return;
      this.expiries.delete(nonce);
      dropped++;
    }
  }
}
