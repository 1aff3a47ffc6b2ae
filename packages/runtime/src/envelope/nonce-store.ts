/**
 * Bounded memory of nonces for replay detection: an LRU of at most `max` nonces, each kept until
 * its message's expiry (issued_at_ms + ttl_ms) plus the allowed clock skew. A message older than
 * that is rejected as TTL_EXPIRED anyway, so forgetting its nonce is safe. When the bound evicts
 * a nonce before its expiry, a replay of it would go unnoticed: `prematureEvictions` counts those
 * so the bound can be sized (alert on it being > 0).
 */
import { LRUCache } from 'lru-cache';

export interface NonceStoreOptions {
  /** Most nonces kept (default 100 000). */
  readonly max?: number;
  /** Extra retention beyond a message's expiry, to cover consumer clock skew (default 0). */
  readonly graceMs?: number;
  /** Epoch milliseconds (default Date.now). */
  readonly clock?: () => number;
}

export class NonceStore {
  private readonly cache: LRUCache<string, true>;
  private readonly clock: () => number;
  private readonly graceMs: number;
  prematureEvictions = 0;

  constructor(options: NonceStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.graceMs = options.graceMs ?? 0;
    const clock = this.clock;
    this.cache = new LRUCache<string, true>({
      max: options.max ?? 100_000,
      ttlAutopurge: false,
      // read the clock on every check (the default caches it for 1 ms on a real timer)
      ttlResolution: 0,
      perf: { now: () => clock() },
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.prematureEvictions++;
      },
    });
  }

  /** True if `nonce` is remembered (a replay); otherwise remembers it until `expiresAtMs` (+ grace) and answers false. */
  seen(nonce: string, expiresAtMs: number): boolean {
    if (this.cache.has(nonce)) return true;
    const ttl = expiresAtMs + this.graceMs - this.clock();
    if (ttl > 0) this.cache.set(nonce, true, { ttl });
    return false;
  }

  /** Nonces held, expired ones included until `purge` (or their slot is reused). */
  get size(): number {
    return this.cache.size;
  }

  /** Drops expired nonces now (they are otherwise dropped lazily). */
  purge(): void {
    this.cache.purgeStale();
  }
}
