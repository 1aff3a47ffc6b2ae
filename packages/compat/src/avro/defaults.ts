import * as graph from './graph';
import type { AvroNode } from './graph';

// Local copies: some transpilers turn every use of an imported binding into a getter call.
const { ARRAY, BOOLEAN, BYTES, DOUBLE, ENUM, FIXED, FLOAT, INT, LONG, MAP, NULL, RECORD, STRING, UNION } = graph;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_LIMIT = 2 ** 63;
// A default that needs itself to be valid (record R { a: R = {} }) makes Java overflow its stack.
const MAX_DEPTH = 64;

/**
 * Whether a field default is valid for its type, with Avro 1.11's rules (Schema.isValidDefault):
 * a union's default matches its first branch; enum and fixed defaults need only be strings; a
 * record default may omit fields that have defaults. JSON.parse cannot tell 1 from 1.0, so any
 * integral number passes for int and long.
 */
export function isValidDefault(type: AvroNode, value: unknown, depth = 0): boolean {
  if (value === undefined || depth > MAX_DEPTH) return false;
  switch (type.kind) {
    case STRING:
    case BYTES:
    case ENUM:
    case FIXED:
      return typeof value === 'string';
    case INT:
      return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX;
    case LONG:
      return Number.isInteger(value) && Math.abs(value as number) <= LONG_LIMIT;
    case FLOAT:
    case DOUBLE:
      return typeof value === 'number';
    case BOOLEAN:
      return typeof value === 'boolean';
    case NULL:
      return value === null;
    case ARRAY: {
      const items = type.child;
      return Array.isArray(value) && items !== null && value.every((item) => isValidDefault(items, item, depth + 1));
    }
    case MAP: {
      const values = type.child;
      return isPlainObject(value) && values !== null && Object.values(value).every((v) => isValidDefault(values, v, depth + 1));
    }
    case UNION: {
      const first = type.branches[0];
      return first !== undefined && isValidDefault(first, value, depth + 1);
    }
    case RECORD:
      if (!isPlainObject(value)) return false;
      for (const field of type.fields) {
        const fieldValue = Object.prototype.hasOwnProperty.call(value, field.name) ? value[field.name] : field.hasDefault ? field.defaultValue : undefined;
        if (!isValidDefault(field.type, fieldValue, depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
