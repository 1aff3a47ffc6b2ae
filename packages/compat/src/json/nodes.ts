/**
 * Node construction shared by both loaders.
 *
 * Object literals that build nodes start with a plain key (`{ nid, ...init }`, `{ kind: 'array', ...plain }`), or
 * start with a spread and then only overwrite keys it set. On Node 20, V8 adds every new key that follows a leading
 * spread through a slow path (~0.5 µs a key); such literals were the loaders' main cost.
 */
import { isObject } from './documents';
import type { Location, NodeInit, SchemaNode } from './model';

export class NodeFactory {
  private next = 1;

  make<N extends SchemaNode>(init: NodeInit<N>): N {
    return { nid: this.next++, ...init } as unknown as N;
  }

  /** A copy with a new identity, like everit's schemaToBuilder(...).build(). */
  copy<N extends SchemaNode>(node: N, changes: Partial<NodeInit<N>> = {}): N {
    return { ...node, ...changes, nid: this.next++ };
  }
}

/** Fields every node starts with: where it was read, and no common attributes yet. */
export function origin(loc: Location, raw: unknown): { loc: Location; raw: unknown; hasDefault: false; extras: Record<string, never> } {
  return { loc, raw, hasDefault: false, extras: {} };
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

type Annotations = { title?: string; description?: string; hasDefault: boolean; defaultValue?: unknown };

/** title, description and default as read from a schema object (everit and json-sKema agree on these). */
export function annotations(raw: unknown): Annotations {
  if (!isObject(raw)) return { hasDefault: false };
  const has = Object.prototype.hasOwnProperty.call(raw, 'default');
  const result: Annotations = { hasDefault: has };
  const title = str(raw['title']);
  const description = str(raw['description']);
  if (title !== undefined) result.title = title;
  if (description !== undefined) result.description = description;
  if (has) result.defaultValue = raw['default'];
  return result;
}
