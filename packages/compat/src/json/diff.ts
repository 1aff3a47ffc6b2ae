/**
 * The comparison itself: Confluent's SchemaDiff and its per-kind helpers (String/Number/Enum/Const/Combined/Not/
 * Object/ArraySchemaDiff) over the loaded model, in the same order and with the same sub-decisions.
 */
import { childPtr, isObject, SchemaLoadError } from './documents';
import { javaMapOrder, javaUnionOrder } from './java-order';
import { maximumMatching, type Edge } from './matching';
import {
  type ArrayNode,
  type CombinedNode,
  type ConstNode,
  type EnumNode,
  isEmptyLike,
  type NotNode,
  type NumberNode,
  type ObjectNode,
  ROOT_DOC,
  type SchemaNode,
  type StringNode,
} from './model';

/** A difference with its Confluent path kept as segments relative to the comparison it was found in. */
export interface RawDifference {
  readonly type: string;
  readonly rel: readonly string[];
  readonly originalPath: string;
  readonly updatePath: string;
}

/**
 * Which input a node was loaded from. Memo keys need it: a compiled schema may be diffed with itself, and `not`
 * compares update against original, so a node id alone does not say which side a pair's member came from.
 */
type Source = 'o' | 'u';

/** A schema being compared, with the pointer we report for it (see JsonDifference.originalPath). */
interface Side {
  readonly source: Source;
  readonly node?: SchemaNode;
  readonly ptr: string;
  /** False inside a document reached by a cross-file $ref: ptr is then that $ref's location. */
  readonly exact: boolean;
}

type Present = Side & { readonly node: SchemaNode };
type Of<N> = Side & { readonly node: N };

const MAX_FIXPOINT_ROUNDS = 32;

class Shared {
  readonly memo = new Map<string, readonly RawDifference[]>();
  readonly inProgress = new Set<string>();
  readonly cycleHits = new Set<string>();
  constructor(
    readonly compatible: ReadonlySet<string>,
    /** Results assumed for pairs met again while still being compared (greatest fixed point, starts all-compatible). */
    readonly assumed: ReadonlyMap<string, readonly RawDifference[]>,
  ) {}

  isCompatible(diffs: readonly RawDifference[]): boolean {
    return diffs.every((d) => this.compatible.has(d.type));
  }
}

class Context {
  readonly path: string[] = [];
  readonly diffs: RawDifference[] = [];

  constructor(
    readonly shared: Shared,
    /** True when the result feeds a decision (union matching, coverage, not): cycles then use the assumption. */
    readonly deciding: boolean,
  ) {}

  subcontext(): Context {
    const sub = new Context(this.shared, true);
    sub.path.push(...this.path);
    return sub;
  }

  isCompatible(): boolean {
    return this.shared.isCompatible(this.diffs);
  }

  in<T>(segment: string, body: () => T): T {
    this.path.push(segment);
    try {
      return body();
    } finally {
      this.path.pop();
    }
  }

  add(type: string, originalPath: string, updatePath: string): void {
    this.diffs.push({ type, rel: [...this.path], originalPath, updatePath });
  }

  addAll(diffs: readonly RawDifference[]): void {
    this.diffs.push(...diffs);
  }

  addRebased(diffs: readonly RawDifference[]): void {
    for (const d of diffs) this.diffs.push({ ...d, rel: [...this.path, ...d.rel] });
  }
}

/** Compares two loaded schemas; iterates to a fixed point when recursion feeds a decision. */
export function compareSchemas(original: SchemaNode, update: SchemaNode, compatible: ReadonlySet<string>): RawDifference[] {
  let assumed = new Map<string, readonly RawDifference[]>();
  for (let round = 0; ; round++) {
    const shared = new Shared(compatible, assumed);
    const ctx = new Context(shared, false);
    compare(ctx, rootSide(original, 'o'), rootSide(update, 'u'));
    const next = new Map(assumed);
    let changed = false;
    for (const key of shared.cycleHits) {
      const computed = shared.memo.get(key + '|d') ?? shared.memo.get(key) ?? [];
      if (shared.isCompatible(computed) !== shared.isCompatible(assumed.get(key) ?? [])) changed = true;
      next.set(key, computed);
    }
    if (!changed || round >= MAX_FIXPOINT_ROUNDS) return ctx.diffs;
    assumed = next;
  }
}

function rootSide(node: SchemaNode, source: Source): Side {
  return { source, node, ptr: '', exact: true };
}

/** The side for a child schema (or for its absence, reported at the parent). */
function sideOf(node: SchemaNode | undefined, parent: Side): Side {
  if (node === undefined) return { source: parent.source, ptr: parent.ptr, exact: parent.exact };
  const inRoot = node.loc.doc === ROOT_DOC;
  return { source: parent.source, node, ptr: inRoot ? node.loc.ptr : parent.ptr, exact: inRoot };
}

/** Pointer to a keyword of a side's schema when it is written there, else to the schema. */
function at(side: Side, ...candidates: (readonly string[])[]): string {
  if (!side.exact) return side.ptr;
  for (const path of candidates) {
    let cur: unknown = side.node?.raw;
    let found = true;
    for (const seg of path) {
      if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
      else if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
      else {
        found = false;
        break;
      }
    }
    if (found) return childPtr(side.ptr, ...path);
  }
  return side.ptr;
}

function derefSide(side: Side): Side {
  let cur = side;
  const seen = new Set<number>();
  while (cur.node?.kind === 'ref') {
    if (seen.has(cur.node.nid)) throw new SchemaLoadError(`Circular $ref "${cur.node.ref}"`);
    seen.add(cur.node.nid);
    cur = sideOf(cur.node.target(), cur);
  }
  return cur;
}

function pairKey(o: Present, u: Present): string {
  return `${sideKey(o)}|${sideKey(u)}`;
}

function sideKey(s: Present): string {
  return `${s.source}${s.node.nid}${s.exact ? '' : '@' + s.ptr}`;
}

/** SchemaDiff.compare, memoized per schema pair (Confluent's Context.compareMemoized). */
function compare(ctx: Context, original: Side, update: Side): void {
  if (original.node === undefined && update.node === undefined) return;
  if (original.node === undefined) return ctx.add('SCHEMA_ADDED', original.ptr, update.ptr);
  if (update.node === undefined) return ctx.add('SCHEMA_REMOVED', original.ptr, update.ptr);
  const o = derefSide(original) as Present;
  const u = derefSide(update) as Present;
  const key = pairKey(o, u);
  const memoKey = ctx.deciding ? key + '|d' : key;
  const { shared } = ctx;
  const cached = shared.memo.get(memoKey);
  if (cached !== undefined) return ctx.addRebased(cached);
  if (shared.inProgress.has(key)) {
    // A recursive schema met itself: assume the pair compatible unless a previous round proved otherwise.
    if (ctx.deciding) {
      shared.cycleHits.add(key);
      ctx.addRebased(shared.assumed.get(key) ?? []);
    }
    return;
  }
  shared.inProgress.add(key);
  try {
    const pair = new Context(shared, ctx.deciding);
    compareResolved(pair, o, u);
    shared.memo.set(memoKey, pair.diffs);
    ctx.addRebased(pair.diffs);
  } finally {
    shared.inProgress.delete(key);
  }
}

function compareResolved(ctx: Context, o: Present, u: Present): void {
  const on = o.node;
  const un = u.node;
  // A schema compared with a union/product: try the branches (SchemaDiff's special cases).
  if (on.kind !== 'combined' && un.kind === 'combined') {
    const [only] = un.subschemas;
    if (un.subschemas.length === 1 && only !== undefined) {
      const sub = ctx.subcontext();
      compare(sub, o, sideOf(only, u));
      if (sub.isCompatible()) return ctx.addAll(sub.diffs);
    } else if (un.criterion === 'anyOf' || un.criterion === 'oneOf') {
      for (const branch of un.subschemas) {
        const sub = ctx.subcontext();
        compare(sub, o, sideOf(branch, u));
        if (sub.isCompatible()) {
          ctx.addAll(sub.diffs);
          return ctx.add('SUM_TYPE_EXTENDED', o.ptr, u.ptr);
        }
      }
    }
  } else if (on.kind === 'combined' && un.kind !== 'combined') {
    const [only] = on.subschemas;
    if (on.subschemas.length === 1 && only !== undefined) {
      const sub = ctx.subcontext();
      compare(sub, sideOf(only, o), u);
      if (sub.isCompatible()) return ctx.addAll(sub.diffs);
    } else if (on.criterion === 'allOf') {
      for (const part of on.subschemas) {
        const sub = ctx.subcontext();
        compare(sub, sideOf(part, o), u);
        if (sub.isCompatible()) {
          ctx.addAll(sub.diffs);
          return ctx.add('PRODUCT_TYPE_NARROWED', o.ptr, u.ptr);
        }
      }
    }
  }

  if (!sameSchemaType(on, un)) {
    // Anything may become the empty schema, false may become anything, and Kafka Connect bytes stay bytes.
    if (on.kind !== 'false' && !isEmptyLike(un) && !(connectBytes(on) && connectBytes(un))) ctx.add('TYPE_CHANGED', o.ptr, u.ptr);
    return;
  }

  if (on.schemaId !== un.schemaId) ctx.add('ID_CHANGED', at(o, ['$id'], ['id']), at(u, ['$id'], ['id']));
  if (on.title !== un.title) ctx.add('TITLE_CHANGED', at(o, ['title']), at(u, ['title']));
  if (on.description !== un.description) ctx.add('DESCRIPTION_CHANGED', at(o, ['description']), at(u, ['description']));
  if (on.hasDefault !== un.hasDefault || !jsonEqual(on.defaultValue, un.defaultValue)) {
    ctx.add('DEFAULT_CHANGED', at(o, ['default']), at(u, ['default']));
  }

  switch (on.kind) {
    case 'string':
      return compareString(ctx, o as Of<StringNode>, u as Of<StringNode>);
    case 'number':
      return compareNumber(ctx, o as Of<NumberNode>, u as Of<NumberNode>);
    case 'const':
      return compareConst(ctx, o as Of<ConstNode>, u as Of<ConstNode>);
    case 'enum':
      return compareEnum(ctx, o as Of<EnumNode>, u as Of<EnumNode>);
    case 'combined':
      return compareCombined(ctx, o as Of<CombinedNode>, u as Of<CombinedNode>);
    case 'not':
      return compareNot(ctx, o as Of<NotNode>, u as Of<NotNode>);
    case 'object':
      return compareObject(ctx, o as Of<ObjectNode>, u as Of<ObjectNode>);
    case 'array':
      return compareArray(ctx, o as Of<ArrayNode>, u as Of<ArrayNode>);
    default:
      return;
  }
}

/** Confluent's schemaTypesEqual: the same everit class, with draft-07 and 2020-12 combined schemas alike. */
function sameSchemaType(a: SchemaNode, b: SchemaNode): boolean {
  if (isEmptyLike(a) && isEmptyLike(b)) return true;
  return a.kind === b.kind;
}

function connectBytes(n: SchemaNode): boolean {
  return isObject(n.raw) && n.raw['connect.type'] === 'bytes';
}

/** Added/removed/increased/decreased for an optional numeric keyword (the shape all Confluent limits share). */
function compareLimit(ctx: Context, o: Side, u: Side, keyword: string, before: number | undefined, after: number | undefined, name: string): void {
  if (before === after) return;
  let change: string | undefined;
  if (before === undefined) change = 'ADDED';
  else if (after === undefined) change = 'REMOVED';
  else if (before < after) change = 'INCREASED';
  else if (before > after) change = 'DECREASED';
  if (change !== undefined) ctx.in(keyword, () => ctx.add(`${name}_${change}`, at(o, [keyword]), at(u, [keyword])));
}

function compareString(ctx: Context, o: Of<StringNode>, u: Of<StringNode>): void {
  compareLimit(ctx, o, u, 'maxLength', o.node.maxLength, u.node.maxLength, 'MAX_LENGTH');
  compareLimit(ctx, o, u, 'minLength', o.node.minLength, u.node.minLength, 'MIN_LENGTH');
  const [before, after] = [o.node.pattern, u.node.pattern];
  let change: string | undefined;
  if (before === undefined && after !== undefined) change = 'PATTERN_ADDED';
  else if (before !== undefined && after === undefined) change = 'PATTERN_REMOVED';
  else if (before !== after) change = 'PATTERN_CHANGED';
  if (change !== undefined) ctx.in('pattern', () => ctx.add(change, at(o, ['pattern']), at(u, ['pattern'])));
}

function compareNumber(ctx: Context, o: Of<NumberNode>, u: Of<NumberNode>): void {
  compareLimit(ctx, o, u, 'maximum', o.node.maximum, u.node.maximum, 'MAXIMUM');
  compareLimit(ctx, o, u, 'minimum', o.node.minimum, u.node.minimum, 'MINIMUM');
  compareLimit(ctx, o, u, 'exclusiveMaximum', o.node.exclusiveMaximum, u.node.exclusiveMaximum, 'EXCLUSIVE_MAXIMUM');
  compareLimit(ctx, o, u, 'exclusiveMinimum', o.node.exclusiveMinimum, u.node.exclusiveMinimum, 'EXCLUSIVE_MINIMUM');
  const [before, after] = [o.node.multipleOf, u.node.multipleOf];
  if (before !== after) {
    let change: string;
    if (before === undefined) change = 'MULTIPLE_OF_ADDED';
    else if (after === undefined) change = 'MULTIPLE_OF_REMOVED';
    else if (divides(before, after)) change = 'MULTIPLE_OF_EXPANDED';
    else if (divides(after, before)) change = 'MULTIPLE_OF_REDUCED';
    else change = 'MULTIPLE_OF_CHANGED';
    ctx.in('multipleOf', () => ctx.add(change, at(o, ['multipleOf']), at(u, ['multipleOf'])));
  }
  if (o.node.requiresInteger !== u.node.requiresInteger) {
    ctx.add(o.node.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED', at(o, ['type']), at(u, ['type']));
  }
}

/**
 * Whether `multiple` is a multiple of `divisor`. Confluent compares intValue()s (so 2.5 counts as 2); we do the
 * same, but decide exactly where that would divide by zero (Confluent throws there).
 */
function divides(divisor: number, multiple: number): boolean {
  const [d, m] = [Math.trunc(divisor), Math.trunc(multiple)];
  if (d !== 0) return m % d === 0;
  const ratio = multiple / divisor;
  return Number.isFinite(ratio) && Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

function compareConst(ctx: Context, o: Of<ConstNode>, u: Of<ConstNode>): void {
  if (!jsonEqual(o.node.value, u.node.value)) ctx.in('const', () => ctx.add('ENUM_ARRAY_CHANGED', at(o, ['const']), at(u, ['const'])));
}

function compareEnum(ctx: Context, o: Of<EnumNode>, u: Of<EnumNode>): void {
  const before = new Set(o.node.values.map(canonicalJson));
  const after = new Set(u.node.values.map(canonicalJson));
  if (before.size === after.size && containsAll(before, after)) return;
  let change = 'ENUM_ARRAY_CHANGED';
  if (containsAll(after, before)) change = 'ENUM_ARRAY_EXTENDED';
  else if (containsAll(before, after)) change = 'ENUM_ARRAY_NARROWED';
  ctx.in('enum', () => ctx.add(change, at(o, ['enum']), at(u, ['enum'])));
}

function containsAll(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return [...b].every((v) => a.has(v));
}

function compareNot(ctx: Context, o: Of<NotNode>, u: Of<NotNode>): void {
  ctx.in('not', () => {
    const sub = ctx.subcontext();
    // Reversed on purpose: excluding less is the compatible direction.
    compare(sub, sideOf(u.node.mustNotMatch, u), sideOf(o.node.mustNotMatch, o));
    ctx.add(sub.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', at(o, ['not']), at(u, ['not']));
  });
}

function compareCombined(ctx: Context, o: Of<CombinedNode>, u: Of<CombinedNode>): void {
  const criterionChange = compareCriteria(o.node, u.node);
  if (criterionChange !== undefined) ctx.add(criterionChange, at(o, [o.node.criterion]), at(u, [u.node.criterion]));
  if (criterionChange === 'COMBINED_TYPE_CHANGED') return;

  // Duplicate subschemas collapse (Confluent keeps them in a LinkedHashSet).
  const before = distinct(o.node.subschemas);
  const after = distinct(u.node.subschemas);
  // Growth is judged by the update's criterion, shrinkage by the original's.
  if (before.length < after.length) ctx.add(u.node.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', o.ptr, u.ptr);
  else if (before.length > after.length) ctx.add(o.node.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', o.ptr, u.ptr);

  const edges: Edge<readonly RawDifference[]>[] = [];
  before.forEach((left, i) => {
    ctx.in(`${o.node.criterion}/${i}`, () => {
      after.forEach((right, j) => {
        const sub = ctx.subcontext();
        compare(sub, sideOf(left, o), sideOf(right, u));
        if (sub.isCompatible()) edges.push({ left: i, right: j, value: sub.diffs });
      });
    });
  });
  const matching = maximumMatching(before.length, after.length, edges);
  for (const edge of matching) ctx.addAll(edge.value);
  if (matching.length < Math.min(before.length, after.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', o.ptr, u.ptr);
}

function compareCriteria(o: CombinedNode, u: CombinedNode): string | undefined {
  if (o.criterion === u.criterion) return undefined;
  const singleton = (n: CombinedNode): boolean => n.subschemas.length === 1;
  const relaxed =
    u.criterion === 'anyOf' || (singleton(o) && singleton(u)) || (singleton(o) && u.criterion === 'oneOf') || (singleton(u) && o.criterion === 'allOf');
  return relaxed ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
}

function distinct(schemas: readonly SchemaNode[]): SchemaNode[] {
  const seen = new Set<string>();
  return schemas.filter((s) => {
    const key = canonicalSchema(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------- objects

function compareObject(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>): void {
  compareRequired(ctx, o, u);
  compareProperties(ctx, o, u);
  compareDependencies(ctx, o, u);
  compareAdditionalProperties(ctx, o, u);
  compareUnevaluated(ctx, o, u, 'unevaluatedProperties', 'UNEVALUATED_PROPERTIES');
  compareLimit(ctx, o, u, 'maxProperties', o.node.maxProperties, u.node.maxProperties, 'MAX_PROPERTIES');
  compareLimit(ctx, o, u, 'minProperties', o.node.minProperties, u.node.minProperties, 'MIN_PROPERTIES');
}

const keyOrders = new WeakMap<ReadonlyMap<string, unknown>, readonly string[]>();

/** A model map's keys in Java HashMap order, computed once per map (model maps never change once made). */
function keyOrder(map: ReadonlyMap<string, unknown>): readonly string[] {
  let order = keyOrders.get(map);
  if (order === undefined) {
    order = javaMapOrder([...map.keys()]);
    keyOrders.set(map, order);
  }
  return order;
}

function requiredAt(side: Of<ObjectNode>, name: string): string {
  const raw = side.node.raw;
  const list = isObject(raw) ? raw['required'] : undefined;
  const index = Array.isArray(list) ? list.indexOf(name) : -1;
  return index >= 0 ? at(side, ['required', String(index)]) : at(side, ['properties', name]);
}

function compareRequired(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>): void {
  ctx.in('required', () => {
    for (const name of keyOrder(o.node.properties)) {
      const updated = u.node.properties.get(name);
      if (updated === undefined) continue;
      const wasRequired = o.node.required.includes(name);
      const isRequired = u.node.required.includes(name);
      let change: string | undefined;
      if (wasRequired && !isRequired) change = 'REQUIRED_ATTRIBUTE_REMOVED';
      else if (!wasRequired && isRequired) change = updated.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED';
      if (change !== undefined) ctx.in(name, () => ctx.add(change, requiredAt(o, name), requiredAt(u, name)));
    }
  });
}

function unevaluated(n: ObjectNode | ArrayNode, keyword: 'unevaluatedProperties' | 'unevaluatedItems'): SchemaNode | undefined {
  return keyword === 'unevaluatedProperties' ? n.extras.unevaluatedProperties : n.extras.unevaluatedItems;
}

/** Open: anything unlisted is accepted (no patternProperties, additional/unevaluated absent or true). */
function isOpenObject(n: ObjectNode): boolean {
  const rest = unevaluated(n, 'unevaluatedProperties');
  return (
    n.patternProperties.length === 0 && n.schemaOfAdditionalProperties === undefined && n.additionalProperties && (rest === undefined || isEmptyLike(rest))
  );
}

const patternCache = new Map<string, RegExp | null>();

function patternMatches(pattern: string, name: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    patternCache.set(pattern, re);
  }
  return re?.test(name) ?? false;
}

/** The schema a partially open content model applies to an unlisted property, if any. */
function coveringSchema(n: ObjectNode, name: string): SchemaNode | undefined {
  for (const [pattern, schema] of n.patternProperties) if (patternMatches(pattern, name)) return schema;
  if (n.schemaOfAdditionalProperties !== undefined) return n.schemaOfAdditionalProperties;
  const rest = unevaluated(n, 'unevaluatedProperties');
  if (n.additionalProperties && rest !== undefined && rest.kind !== 'false' && !isEmptyLike(rest)) return rest;
  return undefined;
}

function compareProperties(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>): void {
  ctx.in('properties', () => {
    for (const name of javaUnionOrder(keyOrder(o.node.properties), keyOrder(u.node.properties))) {
      ctx.in(name, () => {
        const before = o.node.properties.get(name);
        const after = u.node.properties.get(name);
        if (before !== undefined && after !== undefined) return compare(ctx, sideOf(before, o), sideOf(after, u));
        if (before !== undefined) return propertyRemoved(ctx, sideOf(before, o) as Present, u, name);
        if (after !== undefined) return propertyAdded(ctx, o, u, sideOf(after, u) as Present, name);
      });
    }
  });
}

function propertyRemoved(ctx: Context, before: Present, u: Of<ObjectNode>, name: string): void {
  const where = at(u, ['properties']);
  // Only the update's content model matters: it decides whether the old property may still appear.
  if (isOpenObject(u.node)) return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', before.ptr, where);
  const covering = coveringSchema(u.node, name);
  if (covering !== undefined) {
    const sub = ctx.subcontext();
    compare(sub, before, sideOf(covering, u));
    ctx.addAll(sub.diffs);
    const covered = sub.isCompatible() ? 'IS_COVERED' : 'NOT_COVERED';
    return ctx.add(`PROPERTY_REMOVED_${covered}_BY_PARTIALLY_OPEN_CONTENT_MODEL`, before.ptr, where);
  }
  const type = before.node.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL';
  ctx.add(type, before.ptr, where);
}

function propertyAdded(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>, after: Present, name: string): void {
  const where = at(o, ['properties']);
  const required = u.node.required.includes(name);
  const withDefault = after.node.hasDefault;
  // Only the original's content model matters: it decides what old data may hold under this name.
  if (isOpenObject(o.node)) {
    let type: string;
    if (isEmptyLike(after.node)) type = 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL';
    else if (required) type = withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL';
    else type = 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL';
    return ctx.add(type, where, after.ptr);
  }
  const covering = coveringSchema(o.node, name);
  if (covering !== undefined) {
    const sub = ctx.subcontext();
    compare(sub, sideOf(covering, o), after);
    ctx.addAll(sub.diffs);
    ctx.add(`PROPERTY_ADDED_${sub.isCompatible() ? 'IS_COVERED' : 'NOT_COVERED'}_BY_PARTIALLY_OPEN_CONTENT_MODEL`, where, after.ptr);
  }
  let type: string;
  if (required) type = withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL';
  else type = 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL';
  ctx.add(type, where, after.ptr);
}

function compareDependencies(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>): void {
  ctx.in('dependencies', () => {
    const before = o.node.propertyDependencies;
    const after = u.node.propertyDependencies;
    for (const name of javaUnionOrder(keyOrder(before), keyOrder(after))) {
      const was = before.get(name);
      const is = after.get(name);
      let change: string | undefined;
      if (is === undefined) change = 'DEPENDENCY_ARRAY_REMOVED';
      else if (was === undefined) change = 'DEPENDENCY_ARRAY_ADDED';
      else {
        const [a, b] = [new Set(was), new Set(is)];
        const aInB = [...a].every((x) => b.has(x));
        const bInA = [...b].every((x) => a.has(x));
        if (!(aInB && bInA)) change = aInB ? 'DEPENDENCY_ARRAY_EXTENDED' : bInA ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED';
      }
      if (change !== undefined) ctx.in(name, () => ctx.add(change, dependencyArrayAt(o, name), dependencyArrayAt(u, name)));
    }
    const beforeSchemas = o.node.schemaDependencies;
    const afterSchemas = u.node.schemaDependencies;
    for (const name of javaUnionOrder(keyOrder(beforeSchemas), keyOrder(afterSchemas))) {
      ctx.in(name, () => {
        const was = beforeSchemas.get(name);
        const is = afterSchemas.get(name);
        if (is === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED', dependencySchemaAt(o, name), dependencySchemaAt(u, name));
        else if (was === undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED', dependencySchemaAt(o, name), dependencySchemaAt(u, name));
        else compare(ctx, sideOf(was, o), sideOf(is, u));
      });
    }
  });
}

function dependencyArrayAt(side: Of<ObjectNode>, name: string): string {
  return at(side, ['dependencies', name], ['dependentRequired', name]);
}

function dependencySchemaAt(side: Of<ObjectNode>, name: string): string {
  return at(side, ['dependencies', name], ['dependentSchemas', name]);
}

function compareAdditionalProperties(ctx: Context, o: Of<ObjectNode>, u: Of<ObjectNode>): void {
  ctx.in('additionalProperties', () => {
    const [before, after] = [o.node, u.node];
    if (before.additionalProperties !== after.additionalProperties) {
      ctx.add(
        after.additionalProperties ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED',
        additionalPropertiesAt(o),
        additionalPropertiesAt(u),
      );
    } else if (before.schemaOfAdditionalProperties === undefined && after.schemaOfAdditionalProperties !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED', additionalPropertiesAt(o), additionalPropertiesAt(u));
    } else if (after.schemaOfAdditionalProperties === undefined && before.schemaOfAdditionalProperties !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED', additionalPropertiesAt(o), additionalPropertiesAt(u));
    } else {
      compare(ctx, sideOf(before.schemaOfAdditionalProperties, o), sideOf(after.schemaOfAdditionalProperties, u));
    }
  });
}

function additionalPropertiesAt(side: Side): string {
  return at(side, ['additionalProperties']);
}

/** unevaluatedProperties / unevaluatedItems (2019-09+): ArraySchemaDiff.compareUnevaluatedItems and its twin. */
function compareUnevaluated(
  ctx: Context,
  o: Of<ObjectNode> | Of<ArrayNode>,
  u: Of<ObjectNode> | Of<ArrayNode>,
  keyword: 'unevaluatedProperties' | 'unevaluatedItems',
  name: string,
): void {
  const before = unevaluated(o.node, keyword);
  const after = unevaluated(u.node, keyword);
  if (before === undefined && after === undefined) return;
  ctx.in(keyword, () => {
    const add = (change: string): void => ctx.add(`${name}_${change}`, at(o, [keyword]), at(u, [keyword]));
    if (before === undefined) add(after?.kind === 'false' ? 'REMOVED' : 'NARROWED');
    else if (after === undefined) add(before.kind === 'false' ? 'ADDED' : 'EXTENDED');
    else if (before.kind === 'false' && after.kind !== 'false') add('ADDED');
    else if (before.kind !== 'false' && after.kind === 'false') add('REMOVED');
    else if (before.kind === 'empty' && after.kind !== 'empty') add('NARROWED');
    else if (before.kind !== 'empty' && after.kind === 'empty') add('EXTENDED');
    else compare(ctx, sideOf(before, o), sideOf(after, u));
  });
}

// ----------------------------------------------------------------------------------------------- arrays

function compareArray(ctx: Context, o: Of<ArrayNode>, u: Of<ArrayNode>): void {
  ctx.in('items', () => compare(ctx, sideOf(o.node.allItemSchema, o), sideOf(u.node.allItemSchema, u)));
  compareTuple(ctx, o, u);
  compareAdditionalItems(ctx, o, u);
  compareUnevaluated(ctx, o, u, 'unevaluatedItems', 'UNEVALUATED_ITEMS');
  compareLimit(ctx, o, u, 'maxItems', o.node.maxItems, u.node.maxItems, 'MAX_ITEMS');
  compareLimit(ctx, o, u, 'minItems', o.node.minItems, u.node.minItems, 'MIN_ITEMS');
  if (o.node.uniqueItems !== u.node.uniqueItems) {
    ctx.in('uniqueItems', () => ctx.add(o.node.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', at(o, ['uniqueItems']), at(u, ['uniqueItems'])));
  }
  compareLimit(ctx, o, u, 'maxContains', o.node.extras.maxContains, u.node.extras.maxContains, 'MAX_CONTAINS');
  compareLimit(ctx, o, u, 'minContains', o.node.extras.minContains, u.node.extras.minContains, 'MIN_CONTAINS');
}

/** Fully open: additional items absent or true, and unevaluatedItems absent or true. */
function isOpenArray(n: ArrayNode): boolean {
  const rest = unevaluated(n, 'unevaluatedItems');
  return n.additionalItems && n.schemaOfAdditionalItems === undefined && (rest === undefined || isEmptyLike(rest));
}

function coveringItemSchema(n: ArrayNode): SchemaNode | undefined {
  if (n.schemaOfAdditionalItems !== undefined) return n.schemaOfAdditionalItems;
  const rest = unevaluated(n, 'unevaluatedItems');
  if (n.additionalItems && rest !== undefined && rest.kind !== 'false' && !isEmptyLike(rest)) return rest;
  return undefined;
}

function compareTuple(ctx: Context, o: Of<ArrayNode>, u: Of<ArrayNode>): void {
  const before = o.node.itemSchemas ?? [];
  const after = u.node.itemSchemas ?? [];
  const shared = Math.min(before.length, after.length);
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const was = before[i];
    const is = after[i];
    ctx.in(`items/${i}`, () => {
      if (i < shared && was !== undefined && is !== undefined) return compare(ctx, sideOf(was, o), sideOf(is, u));
      if (was !== undefined) {
        const item = sideOf(was, o) as Present;
        if (isOpenArray(u.node)) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', item.ptr, tupleAt(u));
        const covering = coveringItemSchema(u.node);
        if (covering !== undefined) {
          const sub = ctx.subcontext();
          compare(sub, item, sideOf(covering, u));
          ctx.addAll(sub.diffs);
          return ctx.add(`ITEM_REMOVED_${sub.isCompatible() ? 'IS_COVERED' : 'NOT_COVERED'}_BY_PARTIALLY_OPEN_CONTENT_MODEL`, item.ptr, tupleAt(u));
        }
        const type = was.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL';
        return ctx.add(type, item.ptr, tupleAt(u));
      }
      if (is !== undefined) {
        const item = sideOf(is, u) as Present;
        if (isOpenArray(o.node)) {
          const type = isEmptyLike(is) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL';
          return ctx.add(type, tupleAt(o), item.ptr);
        }
        const covering = coveringItemSchema(o.node);
        if (covering !== undefined) {
          const sub = ctx.subcontext();
          compare(sub, sideOf(covering, o), item);
          ctx.addAll(sub.diffs);
          return ctx.add(`ITEM_ADDED_${sub.isCompatible() ? 'IS_COVERED' : 'NOT_COVERED'}_BY_PARTIALLY_OPEN_CONTENT_MODEL`, tupleAt(o), item.ptr);
        }
        return ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', tupleAt(o), item.ptr);
      }
    });
  }
}

/** Where a tuple is written: 2019-09 and older use an `items` array, 2020-12 `prefixItems`. */
function tupleAt(side: Of<ArrayNode>): string {
  const raw = side.node.raw;
  return isObject(raw) && Array.isArray(raw['items']) ? at(side, ['items']) : at(side, ['prefixItems']);
}

/** Where additional items are written: 2020-12 writes them as `items` next to `prefixItems`. */
function additionalItemsAt(side: Side): string {
  const raw = side.node?.raw;
  return isObject(raw) && raw['prefixItems'] !== undefined ? at(side, ['items']) : at(side, ['additionalItems']);
}

function compareAdditionalItems(ctx: Context, o: Of<ArrayNode>, u: Of<ArrayNode>): void {
  ctx.in('additionalItems', () => {
    const [before, after] = [o.node, u.node];
    if (before.additionalItems !== after.additionalItems) {
      ctx.add(before.additionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED', additionalItemsAt(o), additionalItemsAt(u));
    } else if (before.schemaOfAdditionalItems === undefined && after.schemaOfAdditionalItems !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED', additionalItemsAt(o), additionalItemsAt(u));
    } else if (after.schemaOfAdditionalItems === undefined && before.schemaOfAdditionalItems !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED', additionalItemsAt(o), additionalItemsAt(u));
    } else {
      compare(ctx, sideOf(before.schemaOfAdditionalItems, o), sideOf(after.schemaOfAdditionalItems, u));
    }
  });
}

// ---------------------------------------------------------------------------------------------- values

/** JSON text with sorted keys: equality for enum/const/default values. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const canonicalSchemas = new WeakMap<SchemaNode, string>();

/** A structural fingerprint of a loaded schema, standing in for Confluent's canonical-string equality. */
function canonicalSchema(n: SchemaNode): string {
  const cached = canonicalSchemas.get(n);
  if (cached !== undefined) return cached;
  const identity = new Set(['nid', 'loc', 'raw']);
  const rendered = Object.entries(n)
    .filter(([k, v]) => !identity.has(k) && v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${renderField(v)}`)
    .join(';');
  const result = n.kind === 'ref' ? `ref(${n.loc.doc}:${n.ref})` : `{${rendered}}`;
  canonicalSchemas.set(n, result);
  return result;
}

function renderField(v: unknown): string {
  if (isSchemaNode(v)) return canonicalSchema(v);
  if (v instanceof Map) return `map(${[...v.entries()].map(([k, x]) => `${JSON.stringify(k)}:${renderField(x)}`).join(',')})`;
  if (Array.isArray(v)) return `[${v.map(renderField).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${renderField(v[k])}`)
      .join(',')}}`;
  return canonicalJson(v);
}

function isSchemaNode(v: unknown): v is SchemaNode {
  return isObject(v) && typeof v['nid'] === 'number' && typeof v['kind'] === 'string';
}
