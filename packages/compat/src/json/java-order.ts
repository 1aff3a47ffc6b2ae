/**
 * Confluent iterates property and dependency names through java.util.HashMap/HashSet, so its difference lists
 * come out in Java hash order. We reproduce that order: bucket index (String.hashCode spread over the final table
 * size), ties in insertion order. Sizing follows JDK 17.
 */

const LOAD_FACTOR = 0.75;

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function tableSizeFor(capacity: number): number {
  let n = 1;
  while (n < capacity) n *= 2;
  return n;
}

/** Distinct keys in the iteration order of a Java hash table filled in the given order. */
function hashOrder(keys: readonly string[], initialCapacity: number): string[] {
  let capacity = tableSizeFor(initialCapacity);
  const inserted: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    inserted.push(key);
    if (inserted.length > Math.floor(capacity * LOAD_FACTOR)) capacity *= 2;
  }
  const mask = capacity - 1;
  return inserted
    .map((key, index) => {
      const h = javaStringHash(key);
      return { key, index, bucket: (h ^ (h >>> 16)) & mask };
    })
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}

/** Key order of a `new HashMap<>()` filled in the given order. */
export function javaMapOrder(keys: readonly string[]): string[] {
  return hashOrder(keys, 16);
}

/**
 * Order of `new HashSet<>(first)` followed by `addAll(second)`, where both are HashMap key sets: pass each in its
 * HashMap order (javaMapOrder of its keys).
 */
export function javaUnionOrder(first: readonly string[], second: readonly string[]): string[] {
  const initial = Math.max(Math.floor(Math.fround(first.length / Math.fround(LOAD_FACTOR))) + 1, 16);
  return hashOrder([...first, ...second], initial);
}
