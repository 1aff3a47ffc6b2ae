/**
 * The compatibility engine's shared vocabulary. Both format engines (avro/, json/) report
 * incompatibilities in this shape; levels.ts turns pairwise checks into Confluent's levels.
 */

export const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type Level = (typeof LEVELS)[number];

/**
 * One reason a change is not compatible.
 * Paths are JSON pointers ("" is the root, "/fields/2/type") into the old and the new schema
 * documents as written, so callers can map them to file:line:col.
 */
export interface Incompatibility {
  /** Rule ID: Apache Avro's SchemaIncompatibilityType name or Confluent's JSON Schema difference type. */
  readonly rule: string;
  readonly oldPath: string;
  readonly newPath: string;
  readonly message: string;
}

/**
 * A schema with the schemas it references (Avro named types defined in other files, JSON Schema
 * documents reached by $ref across files). `references` are keyed by Avro full name or by the
 * referenced document's absolute URI ($id).
 */
export interface SchemaInput {
  readonly schema: unknown;
  readonly references?: ReadonlyMap<string, unknown>;
}

/** A compatibility rule as data: ID, one-line doc, and (JSON Schema) whether the change is compatible. */
export interface CompatRule {
  readonly id: string;
  readonly format: 'avro' | 'json';
  readonly doc: string;
  /** JSON Schema difference types are classified; Avro rules are always incompatibilities. */
  readonly compatible: boolean;
}
