/**
 * Rewrites a JSON Schema (and the documents it references) into one self-contained schema that
 * json-schema-to-typescript turns into the types we want. Pure: the inputs are never mutated.
 *
 * 1. References are bundled: every `$ref` (to the root's own definitions, to another document in
 *    `references` keyed by absolute `$id`, or to the root itself) is resolved against the base URI,
 *    its target hoisted into the root's `$defs` under its definition key (PascalCase; qualified by
 *    the document name on a clash) and the `$ref` replaced by `tsType: <Name>`. Names therefore
 *    come from definition keys, never from `title`s of referenced definitions, and a `$ref` with
 *    sibling keywords (a `description`, or constraints such as `minimum`) still names the
 *    definition instead of being inlined as an anonymous copy. Nothing is fetched or read.
 * 2. Conditionals (`if`/`then`/`else`) cannot be expressed as types and are dropped (validators
 *    enforce them); `allOf` members left with annotations only are removed, so they no longer
 *    turn a closed object into `{[k: string]: unknown} & {...}`.
 * 3. `not: {}` (the property must be absent) becomes an optional `never`; other `not`s are dropped.
 * 4. An object with `properties` and a `oneOf`/`anyOf` of object fragments (a discriminated union)
 *    becomes a union of complete branch types: each branch is the parent's properties and
 *    `additionalProperties` merged with the branch's own (`const` wins over the parent's `enum`,
 *    the parent's description wins over the branch's), named `<Root><Branch title or const>`.
 * 5. An object with declared properties and a schema-valued `additionalProperties` gets an
 *    `unknown` index signature: TypeScript requires every property to fit the index type.
 * 6. Titles of nested subschemas are made unique identifiers up front, so the library never
 *    renames a type by appending a counter; definitions unreachable after 2. are pruned. The
 *    root and each definition are compiled separately (the library emits `$defs` only when the
 *    root is an interface), so each definition is returned on its own.
 */
import { pascalCase, typeIdentifier } from './ts-text';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface NormalizedSchema {
  /** The root schema, ready for `compile`; its `title` is the root name. */
  readonly schema: JsonObject;
  /** The definitions it reaches (`tsType` names), in emission order, each titled with its name. */
  readonly definitions: readonly (readonly [string, JsonObject])[];
}

/** Keywords whose values are data, not subschemas. */
const LITERAL_KEYWORDS = new Set(['enum', 'const', 'examples', 'default', 'required', '$comment', 'description', 'title']);
/** Keywords that neither constrain the TypeScript type nor name it. */
const ANNOTATIONS = new Set(['description', '$comment', 'title', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords that decide a property's TypeScript type (a branch property with none of them only annotates). */
const TYPE_KEYWORDS = ['type', 'const', 'enum', 'tsType', 'properties', 'items', 'prefixItems', 'oneOf', 'anyOf', 'allOf', 'additionalProperties'];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new Error(`jsonSchemaToTypeScript: ${message}`);
}

function stripFragment(uri: string): string {
  const i = uri.indexOf('#');
  return i < 0 ? uri : uri.slice(0, i);
}

/** `https://x/a.schema.json#/$defs/A%20B` -> `https://x/a.schema.json#/$defs/A B` (one spelling per target). */
function canonicalRef(uri: string): string {
  const i = uri.indexOf('#');
  if (i < 0) return `${uri}#`;
  let fragment = uri.slice(i + 1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    // keep it as written
  }
  return `${uri.slice(0, i)}#${fragment}`;
}

function resolveUri(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    return fail(`cannot resolve $ref ${ref} against ${base}`);
  }
}

function pointerSegments(fragment: string): string[] {
  if (fragment === '' || fragment === '/') return fragment === '' ? [] : [''];
  if (!fragment.startsWith('/')) fail(`unsupported $ref fragment #${fragment} (only JSON Pointers are)`);
  return fragment
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(doc: Json, segments: readonly string[]): Json | undefined {
  let node: Json | undefined = doc;
  for (const s of segments) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, s) ? node[s] : undefined;
    else return undefined;
  }
  return node;
}

/** The document's file name without `.schema.json`/`.json`, PascalCase: a qualifier for clashing names. */
function documentQualifier(uri: string): string {
  const file = stripFragment(uri).split('/').pop() ?? '';
  return pascalCase(file.replace(/\.schema\.json$|\.json$/, '')) || 'Doc';
}

const constantName = (value: string): string =>
  value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w === w.toUpperCase() ? (w[0] ?? '') + w.slice(1).toLowerCase() : (w[0] ?? '').toUpperCase() + w.slice(1)))
    .join('');

export function normalizeJsonSchema(root: unknown, references: ReadonlyMap<string, unknown>, rootName: string): NormalizedSchema {
  if (!isObject(root)) fail('the schema is not a JSON object');
  const rootBase = typeof root['$id'] === 'string' ? stripFragment(resolveUri(root['$id'], 'urn:contracts:root')) : 'urn:contracts:root';
  const documents = new Map<string, Json>();
  for (const [id, doc] of references) {
    const value = doc as Json;
    documents.set(stripFragment(resolveUri(id, rootBase)), value);
    if (isObject(value) && typeof value['$id'] === 'string') documents.set(stripFragment(resolveUri(value['$id'], rootBase)), value);
  }
  documents.set(rootBase, root);

  const used = new Set<string>([rootName]);
  const unique = (wanted: string, qualifier: string): string => {
    let name = wanted;
    if (used.has(name)) name = `${qualifier}${wanted}`;
    for (let i = 2; used.has(name); i++) name = `${qualifier}${wanted}${i}`;
    used.add(name);
    return name;
  };

  /** canonical ref -> definition name */
  const refNames = new Map<string, string>();
  const definitions = new Map<string, Json>();

  const hoist = (absolute: string): string => {
    const canonical = canonicalRef(absolute);
    const known = refNames.get(canonical);
    if (known !== undefined) return known;
    const docUri = stripFragment(canonical);
    const segments = pointerSegments(canonical.slice(docUri.length + 1));
    if (docUri === rootBase && segments.length === 0) return rootName;
    const doc = documents.get(docUri) ?? fail(`$ref ${absolute}: no document with that $id among the references`);
    const target = resolvePointer(doc, segments);
    if (target === undefined) fail(`$ref ${absolute} does not resolve`);
    const last = segments[segments.length - 1];
    const name = unique(typeIdentifier(last ?? documentQualifier(docUri)), documentQualifier(docUri));
    refNames.set(canonical, name);
    definitions.set(name, null); // reserve the slot: definition order = first encounter
    const docBase = isObject(doc) && typeof doc['$id'] === 'string' ? stripFragment(resolveUri(doc['$id'], docUri)) : docUri;
    const body = rewrite(target, docBase);
    definitions.set(name, isObject(body) ? withoutKeys(body, ['title', '$id', '$schema']) : body);
    return name;
  };

  const rewrite = (node: Json, base: string): Json => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, base));
    if (!isObject(node)) return node;
    const here = typeof node['$id'] === 'string' && node !== root ? stripFragment(resolveUri(node['$id'], base)) : base;
    const out: JsonObject = {};
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      out['tsType'] = hoist(resolveUri(ref, here));
      // Siblings of $ref: annotations are kept (they document the property); constraints are the
      // validator's business and the definition already has the type.
      for (const [k, v] of Object.entries(node)) if (ANNOTATIONS.has(k) && k !== 'title') out[k] = v;
      return out;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === '$defs' || k === 'definitions' || k === '$id' || k === '$schema' || k === '$anchor') continue;
      if (k === 'properties' && isObject(v)) {
        const props: JsonObject = {};
        for (const [name, schema] of Object.entries(v)) props[name] = rewrite(schema, here);
        out[k] = props;
      } else out[k] = LITERAL_KEYWORDS.has(k) ? v : rewrite(v, here);
    }
    return out;
  };

  // The root's own definitions first, in their order (so they keep their keys as names).
  for (const container of ['$defs', 'definitions']) {
    const defs = root[container];
    if (isObject(defs)) for (const key of Object.keys(defs)) hoist(`${rootBase}#/${container}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
  let schema = rewrite(root, rootBase);
  if (!isObject(schema)) fail('the schema is not a JSON object');

  // Passes 2-5 over the root and every definition.
  const branchNames = { used, rootName };
  schema = simplify(schema, branchNames, true) as JsonObject;
  for (const [name, body] of definitions) definitions.set(name, simplify(body, branchNames, false));

  // Pass 6a: prune definitions nothing reaches any more.
  const reachable = new Set<string>();
  const visit = (n: Json): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (isObject(n)) {
      const t = n['tsType'];
      if (typeof t === 'string' && definitions.has(t) && !reachable.has(t)) {
        reachable.add(t);
        visit(definitions.get(t) ?? null);
      }
      for (const [k, v] of Object.entries(n)) if (!LITERAL_KEYWORDS.has(k)) visit(v);
    }
  };
  visit(schema);
  const kept = [...definitions].filter(([name]) => reachable.has(name));

  // Pass 6b: nested titles -> unique identifiers (merged branches already have theirs).
  const retitle = (n: Json, top: boolean): Json => {
    if (Array.isArray(n)) return n.map((x) => retitle(x, false));
    if (!isObject(n)) return n;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(n)) out[k] = LITERAL_KEYWORDS.has(k) ? v : retitle(v, false);
    if (!top && typeof n['title'] === 'string' && n['x-branch'] !== true) out['title'] = unique(typeIdentifier(n['title']), rootName);
    delete out['x-branch'];
    return out;
  };
  const result: JsonObject = { ...(retitle(schema, true) as JsonObject), title: rootName };
  return {
    schema: result,
    definitions: kept.map(
      ([name, body]) => [name, { ...(isObject(body) ? (retitle(body, true) as JsonObject) : body === false ? { tsType: 'never' } : {}), title: name }] as const,
    ),
  };
}

function withoutKeys(node: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) if (!keys.includes(k)) out[k] = v;
  return out;
}

const isAnnotationOnly = (n: Json): boolean =>
  n === true || (isObject(n) && Object.entries(n).every(([k, v]) => ANNOTATIONS.has(k) || (k === 'additionalProperties' && v === true)));

const isNever = (n: Json | undefined): boolean => isObject(n) && n['tsType'] === 'never';

/** Passes 2-5, bottom-up. */
function simplify(node: Json, names: { used: Set<string>; rootName: string }, isRoot: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => simplify(n, names, false));
  if (!isObject(node)) return node;
  let out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'if' || k === 'then' || k === 'else') continue;
    if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const [name, schema] of Object.entries(v)) props[name] = simplify(schema, names, false);
      out[k] = props;
    } else out[k] = LITERAL_KEYWORDS.has(k) ? v : simplify(v, names, false);
  }

  // 3. not
  if ('not' in out) {
    const not = out['not'];
    delete out['not'];
    if (not === true || (isObject(not) && Object.keys(not).every((k) => ANNOTATIONS.has(k)))) out = { ...withoutKeys(out, TYPE_KEYWORDS), tsType: 'never' };
  }

  // 2. allOf members that only annotate (what is left of conditional fragments)
  if (Array.isArray(out['allOf'])) {
    const members = out['allOf'].filter((m) => !isAnnotationOnly(m));
    if (members.length === 0) delete out['allOf'];
    else out['allOf'] = members;
  }

  // 4. discriminated oneOf/anyOf over an object's properties
  for (const keyword of ['oneOf', 'anyOf']) {
    const branches = out[keyword];
    if (!isObject(out['properties']) || !Array.isArray(branches) || branches.length === 0) continue;
    if (!branches.every((b) => isObject(b) && !('tsType' in b) && (isObject(b['properties']) || Array.isArray(b['required'])))) continue;
    out = mergeBranches(out, keyword, branches as JsonObject[], names, isRoot);
  }

  // 5. typed additionalProperties beside declared properties
  if (isObject(out['properties']) && Object.keys(out['properties']).length > 0 && isObject(out['additionalProperties'])) out['additionalProperties'] = true;
  return out;
}

function mergeBranches(
  parent: JsonObject,
  keyword: string,
  branches: readonly JsonObject[],
  names: { used: Set<string>; rootName: string },
  isRoot: boolean,
): JsonObject {
  const parentProps = (parent['properties'] ?? {}) as JsonObject;
  const parentRequired = Array.isArray(parent['required']) ? parent['required'].filter((r): r is string => typeof r === 'string') : [];
  const merged = branches.map((branch, index) => {
    const branchProps = isObject(branch['properties']) ? branch['properties'] : {};
    const props: JsonObject = {};
    const never = new Set<string>();
    for (const name of [...Object.keys(parentProps), ...Object.keys(branchProps).filter((k) => !(k in parentProps))]) {
      const p = parentProps[name];
      const b = branchProps[name];
      const description = (isObject(p) ? p['description'] : undefined) ?? (isObject(b) ? b['description'] : undefined);
      let prop: Json;
      if (b === undefined) prop = p ?? true;
      else if (b === false || isNever(b)) {
        never.add(name);
        prop = { tsType: 'never' };
      } else if (!isObject(b) || !TYPE_KEYWORDS.some((k) => k in b)) prop = p ?? b;
      else if ('const' in b) prop = { ...withoutKeys(isObject(p) ? p : {}, ['enum', 'type', 'tsType']), ...b };
      else prop = { ...(isObject(p) ? p : {}), ...b };
      if (isObject(prop) && description !== undefined) prop = { ...prop, description };
      props[name] = prop;
    }
    const branchRequired = Array.isArray(branch['required']) ? branch['required'].filter((r): r is string => typeof r === 'string') : [];
    const required = [...new Set([...parentRequired, ...branchRequired])].filter((r) => !never.has(r));
    const parentAp = parent['additionalProperties'];
    const branchAp = branch['additionalProperties'];
    const additionalProperties = parentAp === false || branchAp === false ? false : parentAp !== undefined ? parentAp : (branchAp ?? true);
    const discriminator = Object.values(branchProps).find((v) => isObject(v) && typeof v['const'] === 'string');
    const label =
      typeof branch['title'] === 'string'
        ? typeIdentifier(branch['title'])
        : isObject(discriminator)
          ? constantName(String(discriminator['const']))
          : `Variant${index + 1}`;
    const wanted = isRoot ? `${names.rootName}${label}` : label;
    let name = wanted;
    for (let i = 2; names.used.has(name); i++) name = `${wanted}${i}`;
    names.used.add(name);
    const out: JsonObject = { 'x-branch': true, title: name, type: 'object' };
    if (typeof branch['description'] === 'string') out['description'] = branch['description'];
    out['properties'] = props;
    out['required'] = required;
    out['additionalProperties'] = additionalProperties;
    return out;
  });
  const rest = withoutKeys(parent, ['properties', 'required', 'additionalProperties', 'type', 'patternProperties', 'propertyNames', keyword]);
  return { ...rest, [keyword === 'anyOf' ? 'anyOf' : 'oneOf']: merged };
}
