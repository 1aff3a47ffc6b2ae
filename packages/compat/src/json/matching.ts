/**
 * Maximum-cardinality bipartite matching (Hopcroft–Karp), run the way Confluent's MaximumCardinalityMatch runs it
 * (greedy start, smaller side first), so that where several maximum matchings exist we tend to pick the same one.
 */

export interface Edge<T> {
  readonly left: number;
  readonly right: number;
  readonly value: T;
}

const INF = Number.MAX_SAFE_INTEGER;

/** Matched edges, ordered by their left index. */
export function maximumMatching<T>(leftSize: number, rightSize: number, edges: readonly Edge<T>[]): Edge<T>[] {
  // Vertices 1..n1 are the smaller partition (left when sizes tie), n1+1..n1+n2 the other; 0 is nil.
  const swap = leftSize > rightSize;
  const n1 = swap ? rightSize : leftSize;
  const n2 = swap ? leftSize : rightSize;
  const vertexOfLeft = (i: number): number => (swap ? n1 + 1 + i : 1 + i);
  const vertexOfRight = (j: number): number => (swap ? 1 + j : n1 + 1 + j);
  const neighbors: number[][] = Array.from({ length: n1 + n2 + 1 }, () => []);
  const edgeOf = new Map<string, Edge<T>>();
  for (const e of edges) {
    const a = vertexOfLeft(e.left);
    const b = vertexOfRight(e.right);
    neighbors[a]?.push(b);
    neighbors[b]?.push(a);
    edgeOf.set(`${Math.min(a, b)}:${Math.max(a, b)}`, e);
  }
  const adj = (v: number): readonly number[] => neighbors[v] ?? [];
  const matching = new Array<number>(n1 + n2 + 2).fill(0);
  const dist = new Array<number>(n1 + 1).fill(0);
  const at = (arr: number[], i: number): number => arr[i] ?? 0;
  let matched = 0;

  for (let u = 1; u <= n1; u++) {
    for (const v of adj(u)) {
      if (at(matching, v) === 0) {
        matching[v] = u;
        matching[u] = v;
        matched++;
        break;
      }
    }
  }

  const bfs = (): boolean => {
    const queue: number[] = [];
    for (let u = 1; u <= n1; u++) {
      if (at(matching, u) === 0) {
        dist[u] = 0;
        queue.push(u);
      } else dist[u] = INF;
    }
    dist[0] = INF;
    while (queue.length > 0) {
      const u = queue.shift() ?? 0;
      if (at(dist, u) < at(dist, 0)) {
        for (const v of adj(u)) {
          const w = at(matching, v);
          if (at(dist, w) === INF) {
            dist[w] = at(dist, u) + 1;
            queue.push(w);
          }
        }
      }
    }
    return at(dist, 0) !== INF;
  };

  const dfs = (u: number): boolean => {
    if (u === 0) return true;
    for (const v of adj(u)) {
      const w = at(matching, v);
      if (at(dist, w) === at(dist, u) + 1 && dfs(w)) {
        matching[v] = u;
        matching[u] = v;
        return true;
      }
    }
    dist[u] = INF;
    return false;
  };

  while (matched < n1 && bfs()) {
    for (let u = 1; u <= n1 && matched < n1; u++) {
      if (at(matching, u) === 0 && dfs(u)) matched++;
    }
  }

  const result: Edge<T>[] = [];
  for (let u = 1; u <= n1; u++) {
    const v = at(matching, u);
    const e = v === 0 ? undefined : edgeOf.get(`${Math.min(u, v)}:${Math.max(u, v)}`);
    if (e !== undefined) result.push(e);
  }
  return result.sort((a, b) => a.left - b.left);
}
