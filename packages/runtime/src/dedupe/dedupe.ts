/**
 * Dedupe stores: where a consumer remembers the idempotency keys it has handled. A key is
 * *claimed* atomically before the handler runs (so two instances of a group never both run it)
 * and *released* when the message is not handled after all (transient failure, dead-lettered),
 * so a redelivery or a replay from the DLQ is handled again.
 */
import type { Cluster, Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

export interface DedupeStore {
  /** True if `key` was free and is now claimed for `ttlMs`; false if it is already claimed (a duplicate). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Frees a claimed key. */
  release(key: string): Promise<void>;
}

export interface MemoryDedupeOptions {
  /** Most keys remembered (default 100 000); the oldest are forgotten first. */
  readonly max?: number;
  /** Epoch ms (default Date.now). */
  readonly clock?: () => number;
}

/** Per-process store: an LRU with a TTL per key. Does not dedupe across instances. */
export function memoryDedupeStore(options: MemoryDedupeOptions = {}): DedupeStore {
  const clock = options.clock ?? Date.now;
  const cache = new LRUCache<string, true>({ max: options.max ?? 100_000, ttlResolution: 0, perf: { now: () => clock() } });
  return {
    claim: async (key, ttlMs) => {
      if (cache.has(key)) return false;
      cache.set(key, true, { ttl: ttlMs });
      return true;
    },
    release: async (key) => {
      cache.delete(key);
    },
  };
}

/**
 * Shared store on Redis: `SET <prefix><key> 1 NX PX <ttl>` claims (atomic across every instance
 * of a group), `DEL` releases. `ttlMs` given here overrides the consumer's per-key TTL.
 */
export function redisDedupeStore(client: Redis | Cluster, prefix: string, ttlMs?: number): DedupeStore {
  return {
    claim: async (key, keyTtlMs) => (await client.set(prefix + key, '1', 'PX', ttlMs ?? keyTtlMs, 'NX')) === 'OK',
    release: async (key) => {
      await client.del(prefix + key);
    },
  };
}
