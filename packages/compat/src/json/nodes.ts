/** Node construction shared by both loaders. */
import { isObject } from './documents';
import type { Location, NodeInit, SchemaNode } from './model';

export class NodeFactory {
  private next = 1;

  make<N extends SchemaNode>(init: NodeInit<N>): N {
    return { ...init, nid: this.next++ } as unknown as N;
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

/** title, description and default as read from a schema object (everit and json-sKema agree on these). */
export function annotations(raw: unknown): { title?: string; description?: string; hasDefault: boolean; defaultValue?: unknown } {
  if (!isObject(raw)) return { hasDefault: false };
  const has = Object.prototype.hasOwnProperty.call(raw, 'default');
  return {
    ...(str(raw['title']) !== undefined ? { title: str(raw['title']) } : {}),
    ...(str(raw['description']) !== undefined ? { description: str(raw['description']) } : {}),
    hasDefault: has,
    ...(has ? { defaultValue: raw['default'] } : {}),
  };
}
