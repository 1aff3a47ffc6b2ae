import * as avsc from 'avsc';
import type { Diagnostic } from './diagnostics';
import type { LocatedDocument } from './located';

export const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface AvroNamed {
  readonly fullname: string;
  readonly kind: 'record' | 'enum' | 'fixed';
  readonly pointer: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface AvroField {
  readonly name: string;
  readonly pointer: string;
  readonly schema: Readonly<Record<string, unknown>>;
  /** Full name of the record the field belongs to. */
  readonly record: string;
}

/** What a walk over one Avro file finds: named types defined, fields, and names used. */
export interface AvroAnalysis {
  readonly named: readonly AvroNamed[];
  readonly fields: readonly AvroField[];
  /** Names used as types that are not primitives, resolved against the enclosing namespace. */
  readonly typeRefs: readonly { readonly fullname: string; readonly written: string; readonly pointer: string }[];
  /** Full name of the top-level type, when it is a named type. */
  readonly topName?: string;
  readonly diagnostics: readonly Diagnostic[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Structural checks of an Avro schema with exact positions (avsc alone reports no location). */
export function analyzeAvro(doc: LocatedDocument): AvroAnalysis {
  const named: AvroNamed[] = [];
  const fields: AvroField[] = [];
  const typeRefs: { fullname: string; written: string; pointer: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  const src = doc.source;
  const err = (pointer: string, message: string, hint: string, part: 'key' | 'value' = 'value'): void => {
    diagnostics.push(src.diagnostic(doc.offsetOf(pointer, part), 'avro-schema', message, hint));
  };

  const qualify = (name: string, namespace: string | undefined): string => (name.includes('.') || !namespace ? name : `${namespace}.${name}`);

  const defineName = (schema: Record<string, unknown>, pointer: string, kind: AvroNamed['kind'], namespace: string | undefined): string | undefined => {
    const name = schema['name'];
    if (typeof name !== 'string' || name === '') {
      err(pointer, `a ${kind} needs a "name"`, `Add "name": "<PascalCaseName>" to this ${kind}.`);
      return undefined;
    }
    const ns = typeof schema['namespace'] === 'string' ? (schema['namespace'] as string) : namespace;
    const fullname = qualify(name, ns);
    for (const part of fullname.split('.')) {
      if (!NAME_PART.test(part)) {
        err(`${pointer}/name`, `"${fullname}" is not a valid Avro name`, 'Each dot-separated part must match [A-Za-z_][A-Za-z0-9_]*.');
        break;
      }
    }
    if (AVRO_PRIMITIVES.has(fullname)) err(`${pointer}/name`, `"${fullname}" is a primitive type name`, 'Choose another name.');
    const previous = named.find((n) => n.fullname === fullname);
    if (previous) {
      diagnostics.push(
        src.diagnostic(
          doc.offsetOf(`${pointer}/name`),
          'avro-duplicate-name',
          `"${fullname}" is already defined in this file`,
          'Refer to the existing definition by name instead of defining it again.',
        ),
      );
    } else {
      named.push({ fullname, kind, pointer, schema });
    }
    return fullname;
  };

  const walk = (schema: unknown, pointer: string, namespace: string | undefined): void => {
    if (typeof schema === 'string') {
      if (!AVRO_PRIMITIVES.has(schema)) typeRefs.push({ fullname: qualify(schema, namespace), written: schema, pointer });
      return;
    }
    if (Array.isArray(schema)) {
      if (schema.length === 0) err(pointer, 'an Avro union needs at least one branch', 'Add the branch types, e.g. ["null", "string"].');
      schema.forEach((branch, i) => {
        if (Array.isArray(branch)) err(`${pointer}/${i}`, 'a union may not directly contain another union', 'Flatten the nested union into this one.');
        walk(branch, `${pointer}/${i}`, namespace);
      });
      return;
    }
    if (!isObject(schema)) {
      err(
        pointer,
        'an Avro schema is a type name, a union (array) or a type definition (object)',
        'Write a type name such as "string" or an object with a "type".',
      );
      return;
    }
    const type = schema['type'];
    if (type === undefined) {
      err(pointer, 'this type definition has no "type"', 'Add "type": "record" (or enum, fixed, array, map, or a primitive).');
      return;
    }
    if (typeof type !== 'string') {
      walk(type, `${pointer}/type`, namespace);
      return;
    }
    switch (type) {
      case 'record':
      case 'error': {
        const fullname = defineName(schema, pointer, 'record', namespace);
        const ns = fullname && fullname.includes('.') ? fullname.slice(0, fullname.lastIndexOf('.')) : undefined;
        const list = schema['fields'];
        if (!Array.isArray(list)) {
          err(pointer, `record "${fullname ?? '?'}" needs a "fields" array`, 'Add "fields": [ ... ].');
          return;
        }
        const seen = new Set<string>();
        list.forEach((field, i) => {
          const fp = `${pointer}/fields/${i}`;
          if (!isObject(field)) {
            err(fp, 'a record field is an object with "name" and "type"', 'Write {"name": "...", "type": ..., "doc": "..."}.');
            return;
          }
          const name = field['name'];
          if (typeof name !== 'string' || !NAME_PART.test(name)) {
            err(fp, 'a record field needs a valid "name"', 'Use a name matching [A-Za-z_][A-Za-z0-9_]*.');
          } else if (seen.has(name)) {
            err(`${fp}/name`, `field "${name}" appears twice in record "${fullname ?? '?'}"`, 'Rename or remove one of them.');
          } else {
            seen.add(name);
            fields.push({ name, pointer: fp, schema: field, record: fullname ?? '' });
          }
          if (!('type' in field)) err(fp, `field "${String(name)}" has no "type"`, 'Add "type".');
          else walk(field['type'], `${fp}/type`, ns);
        });
        return;
      }
      case 'enum': {
        const fullname = defineName(schema, pointer, 'enum', namespace);
        const symbols = schema['symbols'];
        if (!Array.isArray(symbols) || symbols.length === 0) {
          err(pointer, `enum "${fullname ?? '?'}" needs a non-empty "symbols" array`, 'Add "symbols": ["A", "B"].');
          return;
        }
        const seen = new Set<string>();
        symbols.forEach((symbol, i) => {
          if (typeof symbol !== 'string' || !NAME_PART.test(symbol))
            err(`${pointer}/symbols/${i}`, `enum symbol ${JSON.stringify(symbol)} is not a valid Avro name`, 'Symbols match [A-Za-z_][A-Za-z0-9_]*.');
          else if (seen.has(symbol)) err(`${pointer}/symbols/${i}`, `enum symbol "${symbol}" appears twice`, 'Remove the duplicate.');
          else seen.add(symbol);
        });
        const def = schema['default'];
        if (def !== undefined && (typeof def !== 'string' || !seen.has(def))) {
          err(`${pointer}/default`, `enum default ${JSON.stringify(def)} is not one of the symbols`, 'Use one of the listed symbols as the default.');
        }
        return;
      }
      case 'fixed': {
        const fullname = defineName(schema, pointer, 'fixed', namespace);
        const size = schema['size'];
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
          err(pointer, `fixed "${fullname ?? '?'}" needs a non-negative integer "size"`, 'Add "size": <bytes>.');
        return;
      }
      case 'array':
        if (!('items' in schema)) err(pointer, 'an array needs "items"', 'Add "items": <type>.');
        else walk(schema['items'], `${pointer}/items`, namespace);
        return;
      case 'map':
        if (!('values' in schema)) err(pointer, 'a map needs "values"', 'Add "values": <type>.');
        else walk(schema['values'], `${pointer}/values`, namespace);
        return;
      default:
        if (AVRO_PRIMITIVES.has(type)) {
          if (schema['logicalType'] === 'decimal' && typeof schema['precision'] !== 'number') {
            err(pointer, 'a decimal needs an integer "precision"', 'Add "precision" (and "scale").');
          }
          return;
        }
        // {"type": "SomeNamedType"} is a reference written as an object.
        typeRefs.push({ fullname: qualify(type, namespace), written: type, pointer: `${pointer}/type` });
    }
  };

  walk(doc.value, '', undefined);
  const top = named.find((n) => n.pointer === '');
  return { named, fields, typeRefs, diagnostics, ...(top ? { topName: top.fullname } : {}) };
}

/**
 * Build the schema with avsc (the library the runtime uses), with referenced named types
 * registered first, to catch what the structural walk does not (invalid defaults, ...).
 * Returns avsc's message on failure.
 */
export function avscError(schema: unknown, dependencies: readonly unknown[]): string | undefined {
  const registry: Record<string, avsc.Type> = {};
  try {
    for (const dependency of dependencies) avsc.Type.forSchema(dependency as avsc.Schema, { registry });
    avsc.Type.forSchema(schema as avsc.Schema, { registry });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
