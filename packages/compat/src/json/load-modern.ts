/**
 * 2019-09/2020-12 loading as Confluent does it: json-sKema reads each keyword as its own subschema, and
 * Confluent's SchemaTranslator turns each into an everit schema and joins them in document order (same-kind
 * schemas merge, others gather in a generated allOf; a type array is a generated anyOf). Quirks kept on
 * purpose because they change verdicts: `{"properties": {}}` alone is the empty schema, minContains defaults
 * to 1, $id is not compared, and a merge keeps only the later keyword's unprocessed properties.
 */
import { childPtr, type Documents, isObject, SchemaLoadError } from './documents';
import type { ArrayNode, CombinedNode, Criterion, Extras, Kind, Location, NodeInit, NumberNode, ObjectNode, SchemaNode, StringNode } from './model';
import { annotations, type NodeFactory, num, origin, str } from './nodes';

type Parent = 'composite' | Criterion;
type Plain = ReturnType<typeof origin>;

export class ModernLoader {
  private readonly cache = new Map<string, SchemaNode>();

  constructor(
    private readonly docs: Documents,
    private readonly nodes: NodeFactory,
  ) {}

  load(loc: Location): SchemaNode {
    const key = `${loc.doc}\u0000${loc.ptr}`;
    let node = this.cache.get(key);
    if (node === undefined) {
      node = this.translate(this.docs.json(loc), loc);
      this.cache.set(key, node);
    }
    return node;
  }

  private child(loc: Location, ...segments: (string | number)[]): SchemaNode {
    return this.load({ doc: loc.doc, ptr: childPtr(loc.ptr, ...segments) });
  }

  private translate(json: unknown, loc: Location): SchemaNode {
    if (typeof json === 'boolean') return this.nodes.make({ kind: json ? 'true' : 'false', ...origin(loc, json) });
    if (!isObject(json)) throw new SchemaLoadError(`Not a schema at ${loc.ptr || '(root)'}: ${JSON.stringify(json)}`);
    const plain = origin(loc, json);

    let keywords: SchemaNode | null = null;
    for (const key of Object.keys(json)) {
      const part = this.keyword(key, json, loc);
      if (part !== null) keywords = this.accumulate('composite', keywords, part);
    }
    // With no keyword subschemas the translator yields an empty generated allOf, never nothing.
    let result: SchemaNode = keywords ?? this.generatedAllOf([], loc, json);

    // The translator makes one single-property object schema per entry and merges them in order. Merging object
    // schemas concatenates their properties, so that fold is one object schema holding every entry; we build it
    // directly (folding copies the growing map once per property: quadratic in the property count).
    const props = json['properties'];
    if (isObject(props)) {
      const names = Object.keys(props);
      if (names.length > 0) {
        const properties = new Map<string, SchemaNode>();
        for (const name of names) properties.set(name, this.child(loc, 'properties', name));
        result = this.join('composite', result, this.object(plain, { properties }));
      }
    }
    const patterns = json['patternProperties'];
    if (isObject(patterns)) {
      const names = Object.keys(patterns);
      if (names.length > 0) {
        const patternProperties = names.map((pattern) => [pattern, this.child(loc, 'patternProperties', pattern)] as const);
        result = this.join('composite', result, this.object(plain, { patternProperties }));
      }
    }
    if (json['unevaluatedItems'] !== undefined) {
      const one = this.array(plain, { extras: { unevaluatedItems: this.child(loc, 'unevaluatedItems') } });
      result = this.join('composite', result, one);
    }
    if (json['unevaluatedProperties'] !== undefined) {
      const one = this.object(plain, { extras: { unevaluatedProperties: this.child(loc, 'unevaluatedProperties') } });
      result = this.join('composite', result, one);
    }

    if (result.kind === 'combined' && result.generated && result.criterion === 'allOf') {
      const [only] = result.subschemas;
      if (result.subschemas.length === 0) result = this.nodes.make({ kind: 'empty', ...plain });
      else if (result.subschemas.length === 1 && only !== undefined) result = only;
    }
    // title/description/default land on whatever the composite became; its location is the composite's.
    return this.nodes.copy(result, { loc, raw: json, ...annotations(json) } as Partial<NodeInit>);
  }

  /** The everit schema one keyword of a composite becomes, or null for keywords the translation ignores. */
  private keyword(key: string, json: Record<string, unknown>, loc: Location): SchemaNode | null {
    const value = json[key];
    const plain = origin(loc, json);
    switch (key) {
      case 'minLength':
        return num(value) === undefined ? null : this.string(plain, { minLength: num(value) });
      case 'maxLength':
        return num(value) === undefined ? null : this.string(plain, { maxLength: num(value) });
      case 'pattern':
        return str(value) === undefined ? null : this.string(plain, { pattern: str(value) });
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'multipleOf':
        return num(value) === undefined ? null : this.number(plain, { [key]: num(value) });
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        let product: SchemaNode = this.nodes.make<CombinedNode>({ kind: 'combined', criterion: key, subschemas: [], generated: false, ...plain });
        if (Array.isArray(value)) value.forEach((_, i) => (product = this.join(key, product, this.child(loc, key, i))));
        return product;
      }
      case 'additionalProperties': {
        const sub = this.child(loc, key);
        if (sub.kind === 'false') return this.object(plain, { additionalProperties: false });
        return sub.kind === 'true' ? this.object(plain, {}) : this.object(plain, { schemaOfAdditionalProperties: sub });
      }
      case '$ref': {
        if (typeof value !== 'string') return null;
        let resolved: SchemaNode | undefined;
        return this.nodes.make({ kind: 'ref', ref: value, target: () => (resolved ??= this.load(this.docs.resolve(loc, value))), ...plain });
      }
      case 'const':
        return this.nodes.make({ kind: 'const', value, ...plain });
      case 'enum':
        return this.nodes.make({ kind: 'enum', values: Array.isArray(value) ? value : [], ...plain });
      case 'type':
        if (Array.isArray(value)) {
          const subschemas = value.map((t) => this.typeSchema(t, loc, json));
          return this.nodes.make({ kind: 'combined', criterion: 'anyOf', subschemas, generated: true, ...plain });
        }
        return this.typeSchema(value, loc, json);
      case 'not':
        return this.nodes.make({ kind: 'not', mustNotMatch: this.child(loc, key), ...plain });
      case 'required':
        return this.object(plain, { required: Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [] });
      case 'uniqueItems':
        return this.array(plain, { uniqueItems: value === true });
      case 'items': {
        if (Array.isArray(value)) return this.array(plain, { itemSchemas: value.map((_, i) => this.child(loc, key, i)) }); // 2019-09 tuple form
        const prefixItems = json['prefixItems'];
        return this.additionalItems(this.child(loc, key), Array.isArray(prefixItems) && prefixItems.length > 0, plain);
      }
      case 'additionalItems': // 2019-09 companion of tuple items; 2020-12 ignores it
        return Array.isArray(json['items']) ? this.additionalItems(this.child(loc, key), json['items'].length > 0, plain) : null;
      case 'prefixItems':
        return Array.isArray(value) ? this.array(plain, { itemSchemas: value.map((_, i) => this.child(loc, key, i)) }) : null;
      case 'contains': {
        const extras: Extras = {
          minContains: num(json['minContains']) ?? 1,
          ...(num(json['maxContains']) !== undefined ? { maxContains: num(json['maxContains']) } : {}),
        };
        return this.array(plain, { extras });
      }
      case 'if':
        return this.nodes.make({ kind: 'conditional', ...plain });
      case 'dependentSchemas':
        if (!isObject(value)) return null;
        return this.object(plain, { schemaDependencies: new Map(Object.keys(value).map((k) => [k, this.child(loc, key, k)])) });
      case 'dependentRequired':
        if (!isObject(value)) return null;
        return this.object(plain, {
          propertyDependencies: new Map(
            Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []] as const),
          ),
        });
      case 'propertyNames':
        return this.object(plain, {});
      case 'minItems':
        return num(value) === undefined ? null : this.array(plain, { minItems: num(value) });
      case 'maxItems':
        return num(value) === undefined ? null : this.array(plain, { maxItems: num(value) });
      case 'minProperties':
        return num(value) === undefined ? null : this.object(plain, { minProperties: num(value) });
      case 'maxProperties':
        return num(value) === undefined ? null : this.object(plain, { maxProperties: num(value) });
      default:
        return null; // annotations, $defs, format, unknown keywords
    }
  }

  /** ItemsSchema: false closes the array, true adds nothing, a schema covers all items or those after the tuple. */
  private additionalItems(sub: SchemaNode, afterTuple: boolean, plain: Plain): SchemaNode {
    if (sub.kind === 'false') return this.array(plain, { additionalItems: false });
    if (sub.kind === 'true') return this.array(plain, {});
    return afterTuple ? this.array(plain, { schemaOfAdditionalItems: sub }) : this.array(plain, { allItemSchema: sub });
  }

  // One-keyword schemas: methods rather than closures made per keyword (the loader runs once per schema object).
  private string(plain: Plain, fields: Partial<NodeInit<StringNode>>): StringNode {
    return this.nodes.make<StringNode>({ kind: 'string', ...plain, ...fields });
  }

  private number(plain: Plain, fields: Partial<NodeInit<NumberNode>>): NumberNode {
    return this.nodes.make<NumberNode>({ kind: 'number', requiresInteger: false, ...plain, ...fields });
  }

  /** An array schema: no constraints but `fields`. */
  private array(plain: Plain, fields: Partial<NodeInit<ArrayNode>>): ArrayNode {
    return this.nodes.make<ArrayNode>({ kind: 'array', additionalItems: true, uniqueItems: false, ...plain, ...fields });
  }

  /** An object schema: no constraints but `fields`. */
  private object(plain: Plain, fields: Partial<NodeInit<ObjectNode>>): ObjectNode {
    return this.nodes.make<ObjectNode>({
      kind: 'object',
      properties: new Map(),
      required: [],
      additionalProperties: true,
      patternProperties: [],
      propertyDependencies: new Map(),
      schemaDependencies: new Map(),
      ...plain,
      ...fields,
    });
  }

  private typeSchema(type: unknown, loc: Location, json: Record<string, unknown>): SchemaNode {
    const plain = origin(loc, json);
    switch (type) {
      case 'string':
        return this.nodes.make({ kind: 'string', ...plain });
      case 'integer':
        return this.nodes.make({ kind: 'number', requiresInteger: true, ...plain });
      case 'number':
        return this.nodes.make({ kind: 'number', requiresInteger: false, ...plain });
      case 'boolean':
        return this.nodes.make({ kind: 'boolean', ...plain });
      case 'null':
        return this.nodes.make({ kind: 'null', ...plain });
      case 'array':
        return this.array(plain, {});
      case 'object':
        return this.object(plain, {});
      default:
        throw new SchemaLoadError(`Unknown type ${JSON.stringify(type)} at ${loc.ptr || '(root)'}`);
    }
  }

  private generatedAllOf(subschemas: readonly SchemaNode[], loc: Location, raw: unknown): CombinedNode {
    return this.nodes.make<CombinedNode>({ kind: 'combined', criterion: 'allOf', subschemas, generated: true, ...origin(loc, raw) });
  }

  private accumulate(parent: Parent, previous: SchemaNode | null, current: SchemaNode | null): SchemaNode | null {
    if (previous === null) return current;
    if (current === null) return previous;
    return this.join(parent, previous, current);
  }

  /** SchemaTranslator.SchemaContext.join: how two translated siblings combine. */
  private join(parent: Parent, previous: SchemaNode, current: SchemaNode): SchemaNode {
    const merged = this.merge(previous, current);
    if (merged !== null) return merged;
    if (isGeneratedAnyOf(previous) && containsClass(previous, current)) return this.generatedAnyOf(previous, current);
    if (isGeneratedAnyOf(current) && containsClass(current, previous)) return this.generatedAnyOf(current, previous);
    if (parent !== 'composite' && previous.kind === 'combined') {
      // Children of allOf/anyOf/oneOf are appended, generated allOfs flattened into the list.
      return this.nodes.make<CombinedNode>({ ...previous, criterion: parent, subschemas: [...previous.subschemas, ...flatten(current)], generated: false });
    }
    return this.generatedAllOf(this.accumulateList([...flatten(previous), ...flatten(current)]), previous.loc, previous.raw);
  }

  private generatedAnyOf(union: CombinedNode, extra: SchemaNode): SchemaNode {
    return this.nodes.make<CombinedNode>({ ...union, subschemas: this.accumulateList([...union.subschemas], extra), generated: true });
  }

  /** Folds schemas left to right, merging each into the first mergeable one of the same class. */
  private accumulateList(schemas: readonly SchemaNode[], extra?: SchemaNode): SchemaNode[] {
    const product: SchemaNode[] = [];
    for (const s of extra === undefined ? schemas : [...schemas, extra]) {
      const i = product.findIndex((p) => p.kind === s.kind && MERGEABLE.has(s.kind));
      const target = product[i];
      if (i >= 0 && target !== undefined) product[i] = this.merge(target, s) ?? target;
      else product.push(s);
    }
    return product;
  }

  /**
   * SchemaUtils.merge(toBuilder(previous), current) for the four mergeable kinds; null for others. The model's
   * maps and arrays are never mutated once a node is made, so a merge shares them where one side adds nothing.
   */
  private merge(previous: SchemaNode, current: SchemaNode): SchemaNode | null {
    if (previous.kind !== current.kind || !MERGEABLE.has(previous.kind)) return null;
    // copyGenericAttrs: the later schema's non-null annotations win; its unprocessed map replaces the earlier one.
    const generic = {
      title: current.title ?? previous.title,
      description: current.description ?? previous.description,
      hasDefault: current.hasDefault || previous.hasDefault,
      defaultValue: current.hasDefault ? current.defaultValue : previous.defaultValue,
      extras: current.extras,
    };
    if (previous.kind === 'string' && current.kind === 'string') {
      return this.nodes.copy(
        previous,
        defined(generic, {
          minLength: current.minLength ?? previous.minLength,
          maxLength: current.maxLength ?? previous.maxLength,
          pattern: current.pattern ?? previous.pattern,
        }),
      );
    }
    if (previous.kind === 'number' && current.kind === 'number') {
      return this.nodes.copy(
        previous,
        defined(generic, {
          requiresInteger: previous.requiresInteger || current.requiresInteger,
          maximum: current.maximum ?? previous.maximum,
          minimum: current.minimum ?? previous.minimum,
          exclusiveMaximum: current.exclusiveMaximum ?? previous.exclusiveMaximum,
          exclusiveMinimum: current.exclusiveMinimum ?? previous.exclusiveMinimum,
          multipleOf: current.multipleOf ?? previous.multipleOf,
        }),
      );
    }
    if (previous.kind === 'array' && current.kind === 'array') {
      const items =
        previous.itemSchemas !== undefined || current.itemSchemas !== undefined ? concat(previous.itemSchemas ?? [], current.itemSchemas ?? []) : undefined;
      return this.nodes.copy(
        previous,
        defined(generic, {
          allItemSchema: current.allItemSchema ?? previous.allItemSchema,
          itemSchemas: items,
          additionalItems: previous.additionalItems && current.additionalItems,
          schemaOfAdditionalItems: current.schemaOfAdditionalItems ?? previous.schemaOfAdditionalItems,
          maxItems: current.maxItems ?? previous.maxItems,
          minItems: current.minItems ?? previous.minItems,
          uniqueItems: previous.uniqueItems || current.uniqueItems,
        }),
      );
    }
    if (previous.kind === 'object' && current.kind === 'object') {
      let propertyDependencies = previous.propertyDependencies;
      if (current.propertyDependencies.size > 0) {
        const merged = new Map(previous.propertyDependencies);
        for (const [k, v] of current.propertyDependencies) merged.set(k, [...new Set([...(merged.get(k) ?? []), ...v])]);
        propertyDependencies = merged;
      }
      return this.nodes.copy(
        previous,
        defined(generic, {
          properties: mapUnion(previous.properties, current.properties),
          required: concat(previous.required, current.required),
          additionalProperties: previous.additionalProperties && current.additionalProperties,
          schemaOfAdditionalProperties: current.schemaOfAdditionalProperties ?? previous.schemaOfAdditionalProperties,
          patternProperties: concat(previous.patternProperties, current.patternProperties),
          propertyDependencies,
          schemaDependencies: mapUnion(previous.schemaDependencies, current.schemaDependencies),
          maxProperties: current.maxProperties ?? previous.maxProperties,
          minProperties: current.minProperties ?? previous.minProperties,
        }),
      );
    }
    return null;
  }
}

/** The kinds SchemaUtils.merge combines (same kind only); everything else joins in a generated allOf. */
const MERGEABLE: ReadonlySet<Kind> = new Set<Kind>(['string', 'number', 'array', 'object']);

/** `a` then `b`, sharing either one when the other is empty. */
function concat<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (b.length === 0) return a;
  return a.length === 0 ? b : [...a, ...b];
}

/** Map union, later entries winning (in the earlier position), sharing either map when the other is empty. */
function mapUnion<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>): ReadonlyMap<string, V> {
  if (b.size === 0) return a;
  return a.size === 0 ? b : new Map([...a, ...b]);
}

/**
 * The set fields of `generic` and `specific` in one object: a merge leaves absent keywords absent rather than
 * present as undefined. (Built key by key, not as `{ ...generic, ...specific }`: see nodes.ts on spreads.)
 */
function defined<G extends object, S extends object>(generic: G, specific: S): Partial<G & S> {
  const set: Partial<G & S> = {};
  for (const key in generic) if (generic[key] !== undefined) (set as G)[key] = generic[key];
  for (const key in specific) if (specific[key] !== undefined) (set as S)[key] = specific[key];
  return set;
}

function isGeneratedAnyOf(n: SchemaNode): n is CombinedNode {
  return n.kind === 'combined' && n.generated && n.criterion === 'anyOf';
}

function containsClass(union: CombinedNode, n: SchemaNode): boolean {
  return union.subschemas.some((s) => s.kind === n.kind);
}

function flatten(n: SchemaNode): readonly SchemaNode[] {
  return n.kind === 'combined' && n.generated && n.criterion === 'allOf' ? n.subschemas : [n];
}
