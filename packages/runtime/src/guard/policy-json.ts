/**
 * The JSON text a policy is evaluated on. Policies read JSON, and the packs of this repository
 * expect decimals as JSON numbers (policies/README.md: "the order.intent.route.v1 payload as JSON,
 * decimals as JSON numbers"), while the generated SDK types carry Avro decimals as exact strings
 * (`quantity: "2.50000000"`). `policyInputEncoder` bridges the two: the fields it is given a
 * contract schema for are written with every Avro `decimal` as a JSON number literal, digit for
 * digit (normalized: no leading zeros, no trailing fraction zeros; never rounded through a
 * double), everything else as `JSON.stringify` writes it.
 */
import type * as avro from 'avsc';
import { DecimalType } from '../serde/decimal';
import { buildAvroType, type ContractSchema } from '../serde/schema';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decimal string as a JSON number literal (`"-007.50"` -> `-7.5`), or undefined when it is not one. */
export function decimalLiteral(text: string): string | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const literal = fraction === '' ? int : `${int}.${fraction}`;
  return m[1] === '-' && literal !== '0' ? `-${literal}` : literal;
}

const stringify = (value: unknown): string => JSON.stringify(value) ?? 'null';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** JSON text of an object whose values are written by `each` (undefined values skipped, as JSON.stringify does). */
function objectJson(value: Record<string, unknown>, each: (key: string, v: unknown) => string): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(key)}:${each(key, v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** JSON text of `value` read as a value of the avsc type `type` (decimals as number literals). */
function avroJson(type: avro.Type, value: unknown): string {
  if (type instanceof DecimalType) {
    return typeof value === 'string' ? (decimalLiteral(value) ?? stringify(value)) : stringify(value);
  }
  const typeName = String(type.typeName);
  if (typeName === 'record' || typeName === 'error') {
    if (!isPlainObject(value)) return stringify(value);
    const fields = new Map((type as avro.types.RecordType).fields.map((f) => [f.name, f.type]));
    return objectJson(value, (key, v) => {
      const field = fields.get(key);
      return field ? avroJson(field, v) : stringify(v);
    });
  }
  if (typeName === 'array') {
    if (!Array.isArray(value)) return stringify(value);
    const items = (type as avro.types.ArrayType).itemsType;
    return `[${value.map((v: unknown) => (v === undefined ? 'null' : avroJson(items, v))).join(',')}]`;
  }
  if (typeName === 'map') {
    if (!isPlainObject(value)) return stringify(value);
    const values: avro.Type = (type as avro.types.MapType).valuesType;
    return objectJson(value, (_key, v) => avroJson(values, v));
  }
  if (typeName === 'union:unwrapped') {
    if (value === null) return 'null';
    const branches = (type as avro.types.UnwrappedUnionType).types.filter((t) => t.typeName !== 'null');
    const branch = branches.length === 1 ? branches[0] : (branches.find((t) => t.isValid(value)) ?? branches[0]);
    return branch ? avroJson(branch, value) : stringify(value);
  }
  if (typeName === 'union:wrapped') {
    if (!isPlainObject(value)) return stringify(value);
    const branches = (type as avro.types.WrappedUnionType).types;
    return objectJson(value, (key, v) => {
      const branch = branches.find((t) => t.branchName === key);
      return branch ? avroJson(branch, v) : stringify(v);
    });
  }
  return stringify(value);
}

/** Writes one contract value as policy JSON. */
export type ContractJsonWriter = (value: unknown) => string;

/**
 * A writer of `schema`'s values as policy JSON (Avro decimals as numbers; JSON Schema values as
 * they are). The Avro type is built here, not on first use: a guard times its evaluations, and
 * the first one must not pay for compiling a schema.
 */
export function contractJsonWriter(schema: ContractSchema): ContractJsonWriter {
  if (schema.format !== 'AVRO') return stringify;
  const type = buildAvroType(schema.schema, schema.references);
  return (value) => avroJson(type, value);
}

/**
 * An `encodeInput` for {@link PolicyGuardOptions}: the input object as JSON text, each key listed
 * in `fields` written as a value of that contract (see {@link contractJsonWriter}), every other
 * key as `JSON.stringify` writes it. E.g. `policyInputEncoder({ intent: routeIntentSchema })`
 * sends `intent.quantity: "2.50000000"` to the policy as `2.5`.
 */
export function policyInputEncoder(fields: Readonly<Record<string, ContractSchema>>): (input: unknown) => string {
  const writers = new Map(Object.entries(fields).map(([key, schema]) => [key, contractJsonWriter(schema)]));
  return (input) => {
    if (!isPlainObject(input)) return stringify(input);
    return objectJson(input, (key, v) => {
      const writer = writers.get(key);
      return writer ? writer(v) : stringify(v);
    });
  };
}
