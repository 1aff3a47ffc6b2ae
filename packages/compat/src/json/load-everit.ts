/**
 * draft-04/06/07 loading as everit-json-schema does it for Confluent: keywords are claimed by extractors in a
 * fixed order (enum, allOf/anyOf/oneOf, not, const, type, then keyword sniffing), one schema per extractor
 * result, and several results become a synthetic allOf. A $ref hides its siblings.
 */
import { childPtr, type Dialect, type Documents, isObject, SchemaLoadError } from './documents';
import type { ArrayNode, Criterion, Location, NodeInit, NumberNode, ObjectNode, SchemaNode, StringNode } from './model';
import { annotations, type NodeFactory, num, origin, str } from './nodes';

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];
// java.util.HashMap order of everit's combined-keyword table
const COMBINED_KEYWORDS: readonly Criterion[] = ['allOf', 'anyOf', 'oneOf'];

export class EveritLoader {
  private readonly cache = new Map<string, SchemaNode>();
  private readonly arrayKeywords: readonly string[];
  private readonly objectKeywords: readonly string[];

  constructor(
    private readonly docs: Documents,
    private readonly dialect: Dialect,
    private readonly nodes: NodeFactory,
  ) {
    const draft4 = dialect === 'draft4';
    this.arrayKeywords = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', ...(draft4 ? [] : ['contains'])];
    this.objectKeywords = [
      'properties',
      'required',
      'minProperties',
      'maxProperties',
      'dependencies',
      'patternProperties',
      'additionalProperties',
      ...(draft4 ? [] : ['propertyNames']),
    ];
  }

  load(loc: Location): SchemaNode {
    const key = `${loc.doc}\u0000${loc.ptr}`;
    let node = this.cache.get(key);
    if (node === undefined) {
      node = this.build(this.docs.json(loc), loc);
      this.cache.set(key, node);
    }
    return node;
  }

  private child(loc: Location, ...segments: (string | number)[]): SchemaNode {
    return this.load({ doc: loc.doc, ptr: childPtr(loc.ptr, ...segments) });
  }

  private build(json: unknown, loc: Location): SchemaNode {
    if (typeof json === 'boolean') return this.nodes.make({ kind: json ? 'true' : 'false', ...origin(loc, json) });
    if (!isObject(json)) throw new SchemaLoadError(`Not a schema at ${loc.ptr || '(root)'}: ${JSON.stringify(json)}`);
    const common = {
      ...origin(loc, json),
      ...annotations(json),
      ...(str(json[this.dialect === 'draft4' ? 'id' : '$id']) !== undefined ? { schemaId: str(json[this.dialect === 'draft4' ? 'id' : '$id']) } : {}),
    };

    const ref = json['$ref'];
    if (typeof ref === 'string') {
      let resolved: SchemaNode | undefined;
      return this.nodes.make({
        kind: 'ref',
        ref,
        target: () => (resolved ??= this.load(this.docs.resolve(loc, ref))),
        ...common,
      });
    }

    const keywords = new Keywords(json);
    const parts: NodeInit[] = [];
    const plain = origin(loc, json);

    if (keywords.has('enum')) {
      keywords.claim(['enum']);
      parts.push({ kind: 'enum', values: Array.isArray(json['enum']) ? json['enum'] : [], ...plain });
    }
    const combined = COMBINED_KEYWORDS.filter((k) => keywords.has(k));
    keywords.claim(combined);
    for (const criterion of combined) {
      const list = json[criterion];
      const subschemas = Array.isArray(list) ? list.map((_, i) => this.child(loc, criterion, i)) : [];
      parts.push({ kind: 'combined', criterion, subschemas, generated: false, ...plain });
    }
    if (keywords.has('not')) {
      keywords.claim(['not']);
      parts.push({ kind: 'not', mustNotMatch: this.child(loc, 'not'), ...plain });
    }
    if (this.dialect !== 'draft4' && keywords.has('const')) {
      keywords.claim(['const']);
      parts.push({ kind: 'const', value: json['const'], ...plain });
    }
    if (keywords.has('type')) {
      keywords.claim(['type']);
      const type = json['type'];
      if (Array.isArray(type)) {
        const subschemas = type.map((t) => this.nodes.make(this.explicitType(t, json, loc, keywords)));
        parts.push({ kind: 'combined', criterion: 'anyOf', subschemas, generated: false, ...plain });
      } else {
        parts.push(this.explicitType(type, json, loc, keywords));
      }
    }
    // Keyword sniffing sees only what the extractors above left unclaimed.
    if (this.arrayKeywords.some((k) => keywords.has(k))) parts.push(this.arraySchema(json, loc, keywords));
    if (this.objectKeywords.some((k) => keywords.has(k))) parts.push(this.objectSchema(json, loc, keywords));
    if (NUMBER_KEYWORDS.some((k) => keywords.has(k))) parts.push(this.numberSchema(json, loc, false, keywords));
    if (STRING_KEYWORDS.some((k) => keywords.has(k))) parts.push(this.stringSchema(json, loc, keywords));
    if (this.dialect === 'draft7' && CONDITIONAL_KEYWORDS.some((k) => keywords.has(k))) {
      keywords.claim(CONDITIONAL_KEYWORDS);
      parts.push({ kind: 'conditional', ...plain });
    }

    let effective: NodeInit;
    const [only] = parts;
    if (parts.length === 0) effective = { kind: 'empty', ...plain };
    else if (parts.length === 1 && only !== undefined) effective = only;
    else effective = { kind: 'combined', criterion: 'allOf', subschemas: parts.map((p) => this.nodes.make(p)), generated: false, ...plain };

    // Unclaimed keywords stay on the effective schema as unprocessed properties; the differ reads two of them.
    const extras =
      effective.kind === 'array'
        ? {
            ...(num(json['minContains']) !== undefined ? { minContains: num(json['minContains']) } : {}),
            ...(num(json['maxContains']) !== undefined ? { maxContains: num(json['maxContains']) } : {}),
          }
        : {};
    return this.nodes.make({ ...effective, ...common, extras } as NodeInit);
  }

  private explicitType(type: unknown, json: Record<string, unknown>, loc: Location, keywords: Keywords): NodeInit {
    const plain = origin(loc, json);
    switch (type) {
      case 'string':
        return this.stringSchema(json, loc, keywords);
      case 'integer':
        return this.numberSchema(json, loc, true, keywords);
      case 'number':
        return this.numberSchema(json, loc, false, keywords);
      case 'boolean':
        return { kind: 'boolean', ...plain };
      case 'null':
        return { kind: 'null', ...plain };
      case 'array':
        return this.arraySchema(json, loc, keywords);
      case 'object':
        return this.objectSchema(json, loc, keywords);
      default:
        throw new SchemaLoadError(`Unknown type ${JSON.stringify(type)} at ${loc.ptr || '(root)'}`);
    }
  }

  private stringSchema(json: Record<string, unknown>, loc: Location, keywords: Keywords): NodeInit<StringNode> {
    keywords.claim(STRING_KEYWORDS);
    return {
      kind: 'string',
      ...origin(loc, json),
      ...(num(json['minLength']) !== undefined ? { minLength: num(json['minLength']) } : {}),
      ...(num(json['maxLength']) !== undefined ? { maxLength: num(json['maxLength']) } : {}),
      ...(str(json['pattern']) !== undefined ? { pattern: str(json['pattern']) } : {}),
    };
  }

  private numberSchema(json: Record<string, unknown>, loc: Location, requiresInteger: boolean, keywords: Keywords): NodeInit<NumberNode> {
    keywords.claim(NUMBER_KEYWORDS);
    // draft-04's boolean exclusiveMaximum/exclusiveMinimum only modify maximum/minimum; everit keeps no limit for them
    return {
      kind: 'number',
      requiresInteger,
      ...origin(loc, json),
      ...(num(json['maximum']) !== undefined ? { maximum: num(json['maximum']) } : {}),
      ...(num(json['minimum']) !== undefined ? { minimum: num(json['minimum']) } : {}),
      ...(num(json['exclusiveMaximum']) !== undefined ? { exclusiveMaximum: num(json['exclusiveMaximum']) } : {}),
      ...(num(json['exclusiveMinimum']) !== undefined ? { exclusiveMinimum: num(json['exclusiveMinimum']) } : {}),
      ...(num(json['multipleOf']) !== undefined ? { multipleOf: num(json['multipleOf']) } : {}),
    };
  }

  private arraySchema(json: Record<string, unknown>, loc: Location, keywords: Keywords): NodeInit<ArrayNode> {
    keywords.claim(this.arrayKeywords);
    const items = json['items'];
    const additional = json['additionalItems'];
    return {
      kind: 'array',
      ...origin(loc, json),
      ...(Array.isArray(items) ? { itemSchemas: items.map((_, i) => this.child(loc, 'items', i)) } : {}),
      ...(isObject(items) || typeof items === 'boolean' ? { allItemSchema: this.child(loc, 'items') } : {}),
      additionalItems: additional !== false,
      ...(isObject(additional) ? { schemaOfAdditionalItems: this.child(loc, 'additionalItems') } : {}),
      ...(num(json['maxItems']) !== undefined ? { maxItems: num(json['maxItems']) } : {}),
      ...(num(json['minItems']) !== undefined ? { minItems: num(json['minItems']) } : {}),
      uniqueItems: json['uniqueItems'] === true,
    };
  }

  private objectSchema(json: Record<string, unknown>, loc: Location, keywords: Keywords): NodeInit<ObjectNode> {
    keywords.claim(this.objectKeywords);
    const properties = new Map<string, SchemaNode>();
    const props = json['properties'];
    if (isObject(props)) for (const name of Object.keys(props)) properties.set(name, this.child(loc, 'properties', name));
    const propertyDependencies = new Map<string, readonly string[]>();
    const schemaDependencies = new Map<string, SchemaNode>();
    const deps = json['dependencies'];
    if (isObject(deps)) {
      for (const [name, dep] of Object.entries(deps)) {
        if (Array.isArray(dep))
          propertyDependencies.set(
            name,
            dep.filter((d): d is string => typeof d === 'string'),
          );
        else schemaDependencies.set(name, this.child(loc, 'dependencies', name));
      }
    }
    const patterns = json['patternProperties'];
    const additional = json['additionalProperties'];
    const required = json['required'];
    return {
      kind: 'object',
      ...origin(loc, json),
      properties,
      required: Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [],
      additionalProperties: additional !== false,
      ...(isObject(additional) ? { schemaOfAdditionalProperties: this.child(loc, 'additionalProperties') } : {}),
      patternProperties: isObject(patterns) ? Object.keys(patterns).map((p) => [p, this.child(loc, 'patternProperties', p)] as const) : [],
      propertyDependencies,
      schemaDependencies,
      ...(num(json['maxProperties']) !== undefined ? { maxProperties: num(json['maxProperties']) } : {}),
      ...(num(json['minProperties']) !== undefined ? { minProperties: num(json['minProperties']) } : {}),
    };
  }
}

/** The keywords of one schema object, and which of them an extractor has claimed already. */
class Keywords {
  private readonly claimed = new Set<string>();

  constructor(private readonly json: Record<string, unknown>) {}

  /** Written in the object and not yet claimed. */
  has(keyword: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.json, keyword) && !this.claimed.has(keyword);
  }

  claim(keywords: readonly string[]): void {
    for (const k of keywords) if (this.has(k)) this.claimed.add(k);
  }
}
