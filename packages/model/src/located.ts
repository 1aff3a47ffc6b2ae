import * as momoa from '@humanwhocodes/momoa';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { type SourceText, type Diagnostic } from './diagnostics';

/** Where a value (and, for object members, its key) sits in the source text. */
export interface Span {
  readonly keyOffset?: number;
  readonly valueOffset: number;
}

/**
 * A parsed JSON or YAML document that can say where any JSON pointer points in the source,
 * so later stages report line:column without knowing which parser ran.
 */
export interface LocatedDocument {
  readonly source: SourceText;
  readonly value: unknown;
  /** Offset of the value at `pointer` (or its key, when asked and it has one); nearest ancestor if absent. */
  offsetOf(pointer: string, part?: 'key' | 'value'): number;
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/** Resolve a JSON pointer in a plain value; undefined when absent. */
export function resolvePointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, key))
      current = (current as Record<string, unknown>)[key];
    else return undefined;
  }
  return current;
}

class IndexedDocument implements LocatedDocument {
  constructor(
    readonly source: SourceText,
    readonly value: unknown,
    private readonly spans: Map<string, Span>,
  ) {}

  offsetOf(pointer: string, part: 'key' | 'value' = 'value'): number {
    let p = pointer;
    for (;;) {
      const span = this.spans.get(p);
      if (span) return part === 'key' && span.keyOffset !== undefined ? span.keyOffset : span.valueOffset;
      if (p === '') return 0;
      p = parentPointer(p);
    }
  }
}

export type ParseResult = { ok: true; document: LocatedDocument } | { ok: false; diagnostic: Diagnostic };

/** Strict JSON (RFC 8259). A trailing comma is reported at the comma itself. */
export function parseJson(source: SourceText): ParseResult {
  let ast: momoa.DocumentNode;
  try {
    ast = momoa.parse(source.text, { mode: 'json' });
  } catch (error) {
    const e = error as { offset?: number; message?: string };
    const offset = typeof e.offset === 'number' ? e.offset : 0;
    const message = String(e.message ?? error).replace(/\s*\(\d+:\d+\)\s*$/, '');
    const ch = source.text[offset];
    if (ch === '}' || ch === ']') {
      let i = offset - 1;
      while (i >= 0 && /\s/.test(source.text[i] ?? '')) i--;
      if (source.text[i] === ',') {
        return {
          ok: false,
          diagnostic: source.diagnostic(
            i,
            'json-syntax',
            `trailing comma before '${ch}'`,
            'JSON does not allow a comma after the last element: remove this comma.',
          ),
        };
      }
    }
    return { ok: false, diagnostic: source.diagnostic(offset, 'json-syntax', `invalid JSON: ${message}`, 'Fix the JSON syntax at this position.') };
  }
  const spans = new Map<string, Span>();
  const value = jsonValue(ast.body, '', spans, undefined);
  return { ok: true, document: new IndexedDocument(source, value, spans) };
}

function jsonValue(node: momoa.ValueNode, pointer: string, spans: Map<string, Span>, keyOffset: number | undefined): unknown {
  spans.set(pointer, { valueOffset: node.loc.start.offset, ...(keyOffset === undefined ? {} : { keyOffset }) });
  switch (node.type) {
    case 'Object': {
      const out: Record<string, unknown> = {};
      for (const member of node.members) {
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        out[key] = jsonValue(member.value, pointer + pointerOf([key]), spans, member.name.loc.start.offset);
      }
      return out;
    }
    case 'Array':
      return node.elements.map((element, i) => jsonValue(element.value, pointer + '/' + i, spans, undefined));
    case 'String':
    case 'Number':
    case 'Boolean':
      return node.value;
    case 'Null':
      return null;
    default:
      // NaN/Infinity/identifiers only exist in JSON5 mode, which we never use.
      return null;
  }
}

/** YAML 1.2 with unique keys. Duplicate keys are reported with `duplicateKeyRule`'s ID by the caller. */
export function parseYaml(source: SourceText): { document?: LocatedDocument; errors: { offset: number; code: string; message: string }[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const errors = doc.errors.map((e) => ({ offset: e.pos[0], code: e.code, message: e.message.split('\n')[0] ?? e.message }));
  // Duplicate keys still leave a usable document; any other error makes the content untrustworthy.
  if (errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { errors };
  const spans = new Map<string, Span>();
  indexYaml(doc.contents as YamlNode | null, '', spans, undefined);
  return { document: new IndexedDocument(source, doc.toJS({ maxAliasCount: 100 }), spans), errors };
}

function indexYaml(node: YamlNode | null, pointer: string, spans: Map<string, Span>, keyOffset: number | undefined): void {
  const valueOffset = node?.range?.[0] ?? keyOffset ?? 0;
  spans.set(pointer, { valueOffset, ...(keyOffset === undefined ? {} : { keyOffset }) });
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const childPointer = pointer + pointerOf([key]);
      if (spans.has(childPointer)) continue; // keep the first of duplicate keys
      indexYaml(pair.value as YamlNode | null, childPointer, spans, keyNode?.range?.[0] ?? valueOffset);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => indexYaml(item as YamlNode | null, pointer + '/' + i, spans, undefined));
  }
}
