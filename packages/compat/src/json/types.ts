/** Public shapes of the JSON Schema compatibility engine. */

/** STRICT is Confluent's default set of compatible changes; LENIENT also accepts some open-content-model changes. */
export type JsonPolicy = 'strict' | 'lenient';

export interface JsonDiffOptions {
  readonly policy?: JsonPolicy;
}

/** One difference between two schemas, as Confluent's SchemaDiff reports it. */
export interface JsonDifference {
  /** Confluent's Difference.Type name, e.g. TYPE_NARROWED. */
  readonly type: string;
  /** Confluent-style path, e.g. "#/properties/foo" ("#/" is the root). */
  readonly jsonPath: string;
  /**
   * JSON pointers into the original and the update document as written ("" = root). A side that lacks the
   * element points at the schema that would hold it. A change inside a document reached by a cross-file $ref
   * points at that $ref in the root document.
   */
  readonly originalPath: string;
  readonly updatePath: string;
}

export interface JsonDiffResult {
  readonly differences: JsonDifference[];
  /** True when every difference is compatible under the chosen policy. */
  readonly compatible: boolean;
}

/** An incompatible difference seen from a reader (new schema) reading data of a writer (old schema). */
export interface JsonIncompatibility {
  readonly rule: string;
  readonly readerPath: string;
  readonly writerPath: string;
  readonly message: string;
}
