/**
 * The documents a schema spans (the root plus `SchemaInput.references`), JSON pointers into them, and $ref
 * resolution against base URIs set by $id.
 */
import type { SchemaInput } from '../types';
import { type Location, ROOT_DOC } from './model';

/** draft-04/06/07 load the everit way; 2019-09/2020-12 load through Confluent's json-sKema translation. */
export type Dialect = 'draft4' | 'draft6' | 'draft7' | 'modern';

export function dialectOf(schema: unknown): Dialect {
  const uri = isObject(schema) && typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (/draft-04\//.test(uri)) return 'draft4';
  if (/draft-06\//.test(uri)) return 'draft6';
  if (/draft\/(2019-09|2020-12)\//.test(uri)) return 'modern';
  return 'draft7'; // Confluent's default, also for unknown $schema values
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Pointers are built and walked for every schema object loaded; segments rarely need escaping, so skip the regexes then.

export function escapeSegment(s: string): string {
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function childPtr(ptr: string, ...segments: (string | number)[]): string {
  let out = ptr;
  for (const s of segments) out += '/' + escapeSegment(String(s));
  return out;
}

function segmentsOf(ptr: string): string[] {
  if (ptr === '') return [];
  const segments = ptr.slice(1).split('/');
  return ptr.includes('~') ? segments.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : segments;
}

function valueAt(json: unknown, ptr: string): unknown {
  let cur: unknown = json;
  for (const seg of segmentsOf(ptr)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

// Subtrees that hold data, not schemas: $id-like strings inside them mean nothing.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

function hasScheme(uri: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri);
}

function stripEmptyFragment(uri: string): string {
  return uri.endsWith('#') ? uri.slice(0, -1) : uri;
}

function normalizeUri(uri: string): string {
  if (hasScheme(uri)) {
    try {
      return stripEmptyFragment(new URL(uri).href);
    } catch {
      // not a URL the WHATWG parser accepts (e.g. some URNs): keep as written
    }
  }
  return stripEmptyFragment(uri);
}

/** RFC 3986 reference resolution, tolerant of relative or missing bases (Confluent keeps those as written). */
export function resolveUri(base: string | undefined, ref: string): string {
  if (hasScheme(ref) || base === undefined) return normalizeUri(ref);
  const baseDoc = base.split('#')[0] ?? '';
  if (ref.startsWith('#')) return baseDoc + ref;
  if (hasScheme(baseDoc)) {
    try {
      return normalizeUri(new URL(ref, baseDoc).href);
    } catch {
      // fall through to path merging
    }
  }
  if (ref.startsWith('/')) return ref;
  const slash = baseDoc.lastIndexOf('/');
  return normalizeUri((slash >= 0 ? baseDoc.slice(0, slash + 1) : '') + ref);
}

function splitFragment(uri: string): [string, string] {
  const hash = uri.indexOf('#');
  return hash < 0 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash + 1)];
}

function fragmentToPointer(fragment: string): string {
  let decoded = fragment;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    // keep undecodable fragments as written
  }
  return decoded === '/' ? '' : decoded.replace(/\/$/, '');
}

export class SchemaLoadError extends Error {
  override name = 'SchemaLoadError';
}

export class Documents {
  private readonly docs = new Map<string, unknown>();
  /** Absolute URIs ($id, $anchor, reference keys) to the location they name. */
  private readonly ids = new Map<string, Location>();
  private readonly idKeyword: string;

  constructor(input: SchemaInput, dialect: Dialect) {
    this.idKeyword = dialect === 'draft4' ? 'id' : '$id';
    this.docs.set(ROOT_DOC, input.schema);
    for (const [uri, json] of input.references ?? []) {
      const key = normalizeUri(uri);
      this.docs.set(key, json);
      this.ids.set(key, { doc: key, ptr: '' });
    }
    for (const [doc, json] of this.docs) this.indexIds(doc, json, '', doc === ROOT_DOC ? undefined : doc);
  }

  json(loc: Location): unknown {
    return valueAt(this.docs.get(loc.doc), loc.ptr);
  }

  private indexIds(doc: string, json: unknown, ptr: string, base: string | undefined): void {
    if (Array.isArray(json)) {
      json.forEach((v, i) => this.indexIds(doc, v, childPtr(ptr, i), base));
      return;
    }
    if (!isObject(json)) return;
    let scope = base;
    const id = json[this.idKeyword];
    if (typeof id === 'string') {
      scope = resolveUri(base, id);
      const [resource, fragment] = splitFragment(scope);
      // draft-07 "$id": "#name" names a location; anything else starts a resource
      this.ids.set(fragment === '' ? resource : scope, { doc, ptr });
    }
    const anchor = json['$anchor'];
    if (typeof anchor === 'string' && scope !== undefined) this.ids.set(`${splitFragment(scope)[0]}#${anchor}`, { doc, ptr });
    for (const [key, value] of Object.entries(json)) {
      if (!DATA_KEYWORDS.has(key)) this.indexIds(doc, value, childPtr(ptr, key), scope);
    }
  }

  /** The base URI in effect at a location: the document's URI refined by every enclosing $id. */
  private baseAt(loc: Location): string | undefined {
    let base: string | undefined = loc.doc === ROOT_DOC ? undefined : loc.doc;
    let cur: unknown = this.docs.get(loc.doc);
    const segments = segmentsOf(loc.ptr);
    for (let i = 0; ; i++) {
      if (isObject(cur) && typeof cur[this.idKeyword] === 'string') base = resolveUri(base, cur[this.idKeyword] as string);
      const seg = segments[i];
      if (seg === undefined || DATA_KEYWORDS.has(seg)) return base;
      cur = Array.isArray(cur) ? cur[Number(seg)] : isObject(cur) ? cur[seg] : undefined;
    }
  }

  /** Resolves a $ref written at `from` to the location of the schema it names. */
  resolve(from: Location, ref: string): Location {
    const parentPtr = from.ptr; // the $ref's own object; its $id (if any) already applies
    const base = this.baseAt({ doc: from.doc, ptr: parentPtr });
    const absolute = resolveUri(base, ref);
    const [resourceUri, fragment] = splitFragment(absolute);
    let resource: Location | undefined;
    if (resourceUri === '') resource = { doc: from.doc, ptr: '' };
    else resource = this.ids.get(resourceUri) ?? this.ids.get(normalizeUri(splitFragment(ref)[0]));
    if (resource === undefined) throw new SchemaLoadError(`Cannot resolve $ref "${ref}" (as ${absolute}): no such document in references`);
    let target: Location;
    if (fragment === '' || fragment.startsWith('/') || fragment.startsWith('%2F')) {
      target = { doc: resource.doc, ptr: resource.ptr + fragmentToPointer(fragment) };
    } else {
      const named = this.ids.get(`${resourceUri}#${fragment}`);
      if (named === undefined) throw new SchemaLoadError(`Cannot resolve $ref "${ref}": no anchor "${fragment}"`);
      target = named;
    }
    if (this.json(target) === undefined) throw new SchemaLoadError(`Cannot resolve $ref "${ref}": nothing at ${target.ptr || '(root)'}`);
    return target;
  }
}
