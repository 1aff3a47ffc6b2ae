/**
 * 2019-09/2020-12 loading as Confluent does it: json-sKema reads each keyword as its own subschema, and
 * Confluent's SchemaTranslator turns each into an everit schema and joins them in document order (same-kind
 * schemas merge, others gather in a generated allOf; a type array is a generated anyOf). Quirks kept on
 * purpose because they change verdicts: `{"properties": {}}` alone is the empty schema, minContains defaults
 * to 1, $id is not compared, and a merge keeps only the later keyword's unprocessed properties.
 */
import { childPtr, type Documents, isObject, SchemaLoadError } from './documents';
import type { ArrayNode, CombinedNode, Criterion, Extras, Location, NodeInit, NumberNode, ObjectNode, SchemaNode, StringNode } from './model';
import { annotations, type NodeFactory, num, origin, str } from './nodes';

type Parent = 'composite' | Criterion;

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
    const make = <N extends SchemaNode>(init: NodeInit<N>): N => this.nodes.make(init);

    let keywords: SchemaNode | null = null;
    for (const key of Object.keys(json)) {
      const part = this.keyword(key, json, loc);
      if (part !== null) keywords = this.accumulate('composite', keywords, part);
    }
    // With no keyword subschemas the translator yields an empty generated allOf, never nothing.
    let result: SchemaNode = keywords ?? this.generatedAllOf([], loc, json);

    const props = json['properties'];
    if (isObject(props)) {
      let product: SchemaNode | null = null;
      for (const name of Object.keys(props)) {
        const one = make<ObjectNode>({ ...this.emptyObject(plain), properties: new Map([[name, this.child(loc, 'properties', name)]]) });
        product = this.accumulate('composite', product, one);
      }
      result = this.accumulate('composite', result, product) ?? result;
    }
    const patterns = json['patternProperties'];
    if (isObject(patterns)) {
      let product: SchemaNode | null = null;
      for (const pattern of Object.keys(patterns)) {
        const one = make<ObjectNode>({ ...this.emptyObject(plain), patternProperties: [[pattern, this.child(loc, 'patternProperties', pattern)]] });
        product = this.accumulate('composite', product, one);
      }
      result = this.accumulate('composite', result, product) ?? result;
    }
    if (json['unevaluatedItems'] !== undefined) {
      const one = make<ArrayNode>({ ...this.emptyArray(plain), extras: { unevaluatedItems: this.child(loc, 'unevaluatedItems') } });
      result = this.join('composite', result, one);
    }
    if (json['unevaluatedProperties'] !== undefined) {
      const one = make<ObjectNode>({ ...this.emptyObject(plain), extras: { unevaluatedProperties: this.child(loc, 'unevaluatedProperties') } });
      result = this.join('composite', result, one);
    }

    if (result.kind === 'combined' && result.generated && result.criterion === 'allOf') {
      const [only] = result.subschemas;
      if (result.subschemas.length === 0) result = make({ kind: 'empty', ...plain });
      else if (result.subschemas.length === 1 && only !== undefined) result = only;
    }
    // title/description/default land on whatever the composite became; its location is the composite's.
    return this.nodes.copy(result, { loc, raw: json, ...annotations(json) } as Partial<NodeInit>);
  }

  /** The everit schema one keyword of a composite becomes, or null for keywords the translation ignores. */
  private keyword(key: string, json: Record<string, unknown>, loc: Location): SchemaNode | null {
    const value = json[key];
    const plain = origin(loc, json);
    const make = <N extends SchemaNode>(init: NodeInit<N>): N => this.nodes.make(init);
    const string = (fields: Partial<NodeInit<StringNode>>): SchemaNode => make<StringNode>({ kind: 'string', ...plain, ...fields });
    const number = (fields: Partial<NodeInit<NumberNode>>): SchemaNode => make<NumberNode>({ kind: 'number', requiresInteger: false, ...plain, ...fields });
    const array = (fields: Partial<NodeInit<ArrayNode>>): SchemaNode => make<ArrayNode>({ ...this.emptyArray(plain), ...fields });
    const object = (fields: Partial<NodeInit<ObjectNode>>): SchemaNode => make<ObjectNode>({ ...this.emptyObject(plain), ...fields });
    switch (key) {
      case 'minLength':
        return num(value) === undefined ? null : string({ minLength: num(value) });
      case 'maxLength':
        return num(value) === undefined ? null : string({ maxLength: num(value) });
      case 'pattern':
        return str(value) === undefined ? null : string({ pattern: str(value) });
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'multipleOf':
        return num(value) === undefined ? null : number({ [key]: num(value) });
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        let product: SchemaNode = make<CombinedNode>({ kind: 'combined', criterion: key, subschemas: [], generated: false, ...plain });
        if (Array.isArray(value)) value.forEach((_, i) => (product = this.join(key, product, this.child(loc, key, i))));
        return product;
      }
      case 'additionalProperties': {
        const sub = this.child(loc, key);
        if (sub.kind === 'false') return object({ additionalProperties: false });
        return sub.kind === 'true' ? object({}) : object({ schemaOfAdditionalProperties: sub });
      }
      case '$ref': {
        if (typeof value !== 'string') return null;
        let resolved: SchemaNode | undefined;
        return make({ kind: 'ref', ref: value, target: () => (resolved ??= this.load(this.docs.resolve(loc, value))), ...plain });
      }
      case 'const':
        return make({ kind: 'const', value, ...plain });
      case 'enum':
        return make({ kind: 'enum', values: Array.isArray(value) ? value : [], ...plain });
      case 'type':
        if (Array.isArray(value)) {
          const subschemas = value.map((t) => this.typeSchema(t, loc, json));
          return make({ kind: 'combined', criterion: 'anyOf', subschemas, generated: true, ...plain });
        }
        return this.typeSchema(value, loc, json);
      case 'not':
        return make({ kind: 'not', mustNotMatch: this.child(loc, key), ...plain });
      case 'required':
        return object({ required: Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [] });
      case 'uniqueItems':
        return array({ uniqueItems: value === true });
      case 'items': {
        if (Array.isArray(value)) return array({ itemSchemas: value.map((_, i) => this.child(loc, key, i)) }); // 2019-09 tuple form
        const prefixItems = json['prefixItems'];
        return this.additionalItems(this.child(loc, key), Array.isArray(prefixItems) && prefixItems.length > 0, array);
      }
      case 'additionalItems': // 2019-09 companion of tuple items; 2020-12 ignores it
        return Array.isArray(json['items']) ? this.additionalItems(this.child(loc, key), json['items'].length > 0, array) : null;
      case 'prefixItems':
        return Array.isArray(value) ? array({ itemSchemas: value.map((_, i) => this.child(loc, key, i)) }) : null;
      case 'contains': {
        const extras: Extras = {
          minContains: num(json['minContains']) ?? 1,
          ...(num(json['maxContains']) !== undefined ? { maxContains: num(json['maxContains']) } : {}),
        };
        return array({ extras });
      }
      case 'if':
        return make({ kind: 'conditional', ...plain });
      case 'dependentSchemas':
        if (!isObject(value)) return null;
        return object({ schemaDependencies: new Map(Object.keys(value).map((k) => [k, this.child(loc, key, k)])) });
      case 'dependentRequired':
        if (!isObject(value)) return null;
        return object({
          propertyDependencies: new Map(
            Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []] as const),
          ),
        });
      case 'propertyNames':
        return object({});
      case 'minItems':
        return num(value) === undefined ? null : array({ minItems: num(value) });
      case 'maxItems':
        return num(value) === undefined ? null : array({ maxItems: num(value) });
      case 'minProperties':
        return num(value) === undefined ? null : object({ minProperties: num(value) });
      case 'maxProperties':
        return num(value) === undefined ? null : object({ maxProperties: num(value) });
      default:
        return null; // annotations, $defs, format, unknown keywords
    }
  }

  /** ItemsSchema: false closes the array, true adds nothing, a schema covers all items or those after the tuple. */
  private additionalItems(sub: SchemaNode, afterTuple: boolean, array: (fields: Partial<NodeInit<ArrayNode>>) => SchemaNode): SchemaNode {
    if (sub.kind === 'false') return array({ additionalItems: false });
    if (sub.kind === 'true') return array({});
    return afterTuple ? array({ schemaOfAdditionalItems: sub }) : array({ allItemSchema: sub });
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
        return this.nodes.make<ArrayNode>(this.emptyArray(plain));
      case 'object':
        return this.nodes.make<ObjectNode>(this.emptyObject(plain));
      default:
        throw new SchemaLoadError(`Unknown type ${JSON.stringify(type)} at ${loc.ptr || '(root)'}`);
    }
  }

  private emptyObject(plain: ReturnType<typeof origin>): NodeInit<ObjectNode> {
    return {
      kind: 'object',
      ...plain,
      properties: new Map(),
      required: [],
      additionalProperties: true,
      patternProperties: [],
      propertyDependencies: new Map(),
      schemaDependencies: new Map(),
    };
  }

  private emptyArray(plain: ReturnType<typeof origin>): NodeInit<ArrayNode> {
    return { kind: 'array', ...plain, additionalItems: true, uniqueItems: false };
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
      const i = product.findIndex((p) => p.kind === s.kind && this.merge(p, s) !== null);
      const target = product[i];
      if (i >= 0 && target !== undefined) product[i] = this.merge(target, s) ?? target;
      else product.push(s);
    }
    return product;
  }

  /** SchemaUtils.merge(toBuilder(previous), current) for the four mergeable kinds; null for others. */
  private merge(previous: SchemaNode, current: SchemaNode): SchemaNode | null {
    // copyGenericAttrs: the later schema's non-null annotations win; its unprocessed map replaces the earlier one.
    const generic = {
      title: current.title ?? previous.title,
      description: current.description ?? previous.description,
      hasDefault: current.hasDefault || previous.hasDefault,
      defaultValue: current.hasDefault ? current.defaultValue : previous.defaultValue,
      extras: current.extras,
    };
    const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
    if (previous.kind === 'string' && current.kind === 'string') {
      return this.nodes.copy(
        previous,
        strip({
          ...generic,
          minLength: current.minLength ?? previous.minLength,
          maxLength: current.maxLength ?? previous.maxLength,
          pattern: current.pattern ?? previous.pattern,
        }),
      );
    }
    if (previous.kind === 'number' && current.kind === 'number') {
      return this.nodes.copy(
        previous,
        strip({
          ...generic,
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
        previous.itemSchemas !== undefined || current.itemSchemas !== undefined ? [...(previous.itemSchemas ?? []), ...(current.itemSchemas ?? [])] : undefined;
      return this.nodes.copy(
        previous,
        strip({
          ...generic,
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
      const propertyDependencies = new Map(previous.propertyDependencies);
      for (const [k, v] of current.propertyDependencies) propertyDependencies.set(k, [...new Set([...(propertyDependencies.get(k) ?? []), ...v])]);
      return this.nodes.copy(
        previous,
        strip({
          ...generic,
          properties: new Map([...previous.properties, ...current.properties]),
          required: [...previous.required, ...current.required],
          additionalProperties: previous.additionalProperties && current.additionalProperties,
          schemaOfAdditionalProperties: current.schemaOfAdditionalProperties ?? previous.schemaOfAdditionalProperties,
          patternProperties: [...previous.patternProperties, ...current.patternProperties],
          propertyDependencies,
          schemaDependencies: new Map([...previous.schemaDependencies, ...current.schemaDependencies]),
          maxProperties: current.maxProperties ?? previous.maxProperties,
          minProperties: current.minProperties ?? previous.minProperties,
        }),
      );
    }
    return null;
  }
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
