/**
 * JSON as OPA's bundle code sees it.
 *
 * - {@link parseJson}: a strict RFC 8259 parser (what Go's encoding/json accepts) that keeps
 *   number literals as written and reports errors at `file:line:column`. OPA decodes bundle JSON
 *   with `UseNumber()`, so a number's digest depends on its literal (`1.0` and `1` differ).
 * - {@link opaJsonDigest}: OPA's digest of a structured bundle file (v1/bundle/hash.go `walk`):
 *   objects hash `{`, then each `"key":value` in byte-wise key order separated by `,`, then `}`;
 *   arrays `[`, the values separated by `,`, `]`; scalars as Go's `json.Encoder` with
 *   `SetEscapeHTML(false)` writes them. That is the digest of the document's compact form with
 *   sorted keys, whatever its whitespace or key order.
 * - {@link stringifyCanonical}: writes a JS value as compact JSON with keys in byte-wise order
 *   (what Go's `json.Marshal` does for maps), rejecting what JSON cannot hold.
 */
import { createHash, type Hash } from 'node:crypto';
import { BundleError } from './errors';

export type JsonNode =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'literal'; readonly raw: 'true' | 'false' | 'null' };

/** Deepest nesting accepted (Go allows 10000; JS recursion makes a lower bound prudent). */
export const MAX_JSON_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function describe(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  const ch = text[offset] ?? '';
  const code = ch.charCodeAt(0);
  return code < 0x20 ? `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}` : `"${ch}"`;
}

/** Decode UTF-8 bytes of a JSON file, rejecting what Go would not read as the same text. */
export function decodeJsonBytes(bytes: Uint8Array, file: string): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new BundleError('invalid-json', { file, line: 1, column: 1 }, 'the file starts with a UTF-8 byte order mark', 'Save it as UTF-8 without a BOM');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new BundleError('invalid-json', { file }, 'the file is not valid UTF-8', 'Save it as UTF-8');
  }
}

/** Parse JSON text strictly, keeping number literals and duplicate keys. */
export function parseJson(text: string, file: string): JsonNode {
  let pos = 0;
  const fail = (detail: string, at = pos): never => {
    throw new BundleError('invalid-json', { file, ...lineColumn(text, at) }, detail, 'Fix the JSON syntax at this position');
  };
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else return;
    }
  };
  const parseString = (): string => {
    // at the opening quote
    pos++;
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string: expected closing `"`');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunk, pos);
        pos++;
        return out.replace(LONE_SURROGATE, '\uFFFD');
      }
      if (c < 0x20) fail(`${describe(text, pos)} in string: escape it (e.g. \\n)`);
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(chunk, pos);
      const e = text[pos + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          pos += 2;
          break;
        case 'b':
          out += '\b';
          pos += 2;
          break;
        case 'f':
          out += '\f';
          pos += 2;
          break;
        case 'n':
          out += '\n';
          pos += 2;
          break;
        case 'r':
          out += '\r';
          pos += 2;
          break;
        case 't':
          out += '\t';
          pos += 2;
          break;
        case 'u': {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape: expected four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
          break;
        }
        default:
          fail(`invalid escape \\${e ?? ''} in string`);
      }
      chunk = pos;
    }
  };
  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    skipSpace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: [string, JsonNode][] = [];
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail(`expected a string key, found ${describe(text, pos)}`);
        const key = parseString();
        skipSpace();
        if (text[pos] !== ':') fail(`expected ":" after object key, found ${describe(text, pos)}`);
        pos++;
        entries.push([key, parseValue(depth + 1)]);
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { kind: 'object', entries };
        }
        fail(`expected "," or "}" in object, found ${describe(text, pos)}`);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { kind: 'array', items };
        }
        fail(`expected "," or "]" in array, found ${describe(text, pos)}`);
      }
    }
    if (c === '"') return { kind: 'string', value: parseString() };
    for (const raw of ['true', 'false', 'null'] as const) {
      if (text.startsWith(raw, pos)) {
        pos += raw.length;
        return { kind: 'literal', raw };
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0 && m[0] !== '-') {
      pos += m[0].length;
      return { kind: 'number', raw: m[0] };
    }
    return fail(`expected a JSON value, found ${describe(text, pos)}`);
  };
  const node = parseValue(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe(text, pos)} after the top-level value`);
  return node;
}

/** The JS value of a parsed node: duplicate keys keep the last value (as Go does); numbers become JS numbers. */
export function jsonValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      // fromEntries defines own properties, so a "__proto__" key is data, not a prototype
      return Object.fromEntries(node.entries.map(([k, v]) => [k, jsonValue(v)]));
    case 'array':
      return node.items.map(jsonValue);
    case 'string':
      return node.value;
    case 'number':
      return Number(node.raw);
    case 'literal':
      return node.raw === 'null' ? null : node.raw === 'true';
  }
}

/** Byte-wise comparison of the UTF-8 encodings (Go's string order). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A string as Go's json.Encoder writes it with SetEscapeHTML(false) (Go 1.22+: `\b`, `\f` short escapes). */
export function goQuote(s: string): string {
  return JSON.stringify(s.replace(LONE_SURROGATE, '\uFFFD'))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function walk(node: JsonNode, h: Hash): void {
  switch (node.kind) {
    case 'object': {
      const last = new Map<string, JsonNode>();
      for (const [k, v] of node.entries) last.set(k, v);
      const keys = [...last.keys()].sort(compareUtf8);
      h.update('{');
      keys.forEach((k, i) => {
        if (i > 0) h.update(',');
        h.update(goQuote(k));
        h.update(':');
        walk(last.get(k) as JsonNode, h);
      });
      h.update('}');
      return;
    }
    case 'array':
      h.update('[');
      node.items.forEach((item, i) => {
        if (i > 0) h.update(',');
        walk(item, h);
      });
      h.update(']');
      return;
    case 'string':
      h.update(goQuote(node.value));
      return;
    case 'number':
    case 'literal':
      h.update(node.raw);
      return;
  }
}

/** OPA's digest (hex) of a structured document, with a Node hash algorithm name (`sha256`, ...). */
export function opaJsonDigest(node: JsonNode, nodeAlgorithm: string): string {
  const h = createHash(nodeAlgorithm);
  walk(node, h);
  return h.digest('hex');
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Compact JSON with object keys in byte-wise order and no insignificant whitespace. Throws a
 * {@link BundleError} naming `file` and the JSON path of anything JSON cannot represent.
 */
export function stringifyCanonical(value: unknown, file: string, root = 'data'): string {
  const stack = new Set<object>();
  const bad = (path: string, what: string, hint: string): never => {
    throw new BundleError('invalid-input', { file, field: path }, `${path} is ${what}, which JSON cannot represent`, hint);
  };
  const write = (v: unknown, path: string): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(v)) return bad(path, String(v), 'Use a finite number, or a string such as "inf"');
        return Object.is(v, -0) ? '0' : JSON.stringify(v);
      case 'bigint':
        return bad(path, `the BigInt ${v}`, 'Use a number within ±2^53, or a string');
      case 'undefined':
        return bad(path, 'undefined', 'Remove the key, or use null');
      case 'function':
      case 'symbol':
        return bad(path, `a ${typeof v}`, 'Remove it');
      case 'object': {
        if (v === null) return 'null';
        if (stack.has(v)) return bad(path, 'a reference back to an enclosing value (a cycle)', 'Pass a tree, not a graph');
        if (v instanceof Date) return bad(path, 'a Date', 'Convert it to an ISO 8601 string');
        stack.add(v);
        try {
          if (Array.isArray(v)) return `[${v.map((item: unknown, i) => write(item, `${path}[${i}]`)).join(',')}]`;
          if (!isPlainObject(v)) return bad(path, `a ${v.constructor.name}`, 'Use plain objects and arrays');
          const keys = Object.keys(v).sort(compareUtf8);
          return `{${keys.map((k) => `${JSON.stringify(k)}:${write(v[k], /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`)}`).join(',')}}`;
        } finally {
          stack.delete(v);
        }
      }
    }
    return bad(path, 'unsupported', 'Use JSON values');
  };
  return write(value, root);
}
