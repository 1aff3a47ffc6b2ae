/**
 * `Serde<T>`: one contract's value codec in the Confluent wire format.
 *
 * encode(value): validate (compiled once; every failing path) -> serialize -> frame.
 * decode(buf):   frame -> writer schema by id (cached; fetched once on a miss) -> value -> validate.
 *
 * Avro contracts take the schema's compiled codec (./compiled) where it covers the schema: encode
 * validates while it writes the frame, in one pass (a value it refuses goes the way above, which
 * lists every failing path), and payloads of the serde's own id decode in place to plain objects.
 * Both give what avsc gives (bytes, values, refusals), which a differential test checks.
 *
 * Decode skips re-validating exactly one case: an Avro payload whose frame names this serde's own
 * registered schema id, deserialized with this serde's own type (no resolution). Those bytes were
 * produced by encode of this exact schema, which validated the value before anything was sent,
 * and decoding with the same type already enforces the shape (field types, enum symbols, union
 * branches, no truncated or trailing bytes; a violation is CORRUPT_PAYLOAD). Values written with
 * any other schema id (resolved from another version), and every JSON payload (JSON.parse
 * enforces no schema), are still validated whenever validateOnDecode is on.
 *
 * Avro values written with another registered version of the contract are resolved into the
 * reader's (this serde's) schema by Avro schema resolution; a writer schema the reader cannot
 * resolve is UNKNOWN_SCHEMA_ID ("not a version of this contract"). JSON values are validated
 * against the reader's schema whatever version wrote them.
 */
import type * as avro from 'avsc';
import { LRUCache } from 'lru-cache';
import { InvalidFrameError, UnknownSchemaIdError, ValidationError, type ValidationIssue } from '../errors';
import { compileAvroTypeCodec } from './compiled';
import { decodeFrame, encodeFrame, MAGIC_BYTE_ID } from './frame';
import type { SchemaResolver } from './resolver';
import { avroIssues, buildAvroType, compileJsonValidator, type ContractSchema, type JsonValidator, type SchemaFormat } from './schema';

export interface SerdeOptions {
  /** Registry subject, e.g. execution.event.fill.v1-value. */
  readonly subject: string;
  /** The reader/writer schema of this process (the contract's current file) with its references. */
  readonly schema: ContractSchema;
  readonly resolver: SchemaResolver;
  /**
   * Validate decoded values too (default true). Avro values framed with this serde's own schema id
   * are not re-validated (see the module comment); other writer ids and JSON always are.
   */
  readonly validateOnDecode?: boolean;
  /** Bound of the per-serde cache of other writer versions (default 64). */
  readonly maxWriterVersions?: number;
}

interface Codec {
  /** deserialize() with this serde's own schema yields only values of its type (Avro: yes; JSON: no). */
  readonly ownDecodeIsTyped: boolean;
  issues(value: unknown): ValidationIssue[];
  serialize(value: unknown): Buffer;
  /**
   * Validated, serialized and framed in one pass, when the codec has such a fast path: undefined
   * when it refuses the value (then issues + serialize + encodeFrame decide, as without it).
   */
  encodeFramed?(schemaId: number, value: unknown): Buffer | undefined;
  /** Deserialize a payload written with this serde's own schema. */
  deserialize(payload: Buffer): unknown;
  /** deserialize(buf.subarray(offset)) without the view, when the codec reads in place. */
  deserializeAt?(buf: Buffer, offset: number): unknown;
  /** A deserializer for payloads written with another schema (throws when it is not a version of the contract). */
  readerFor(writer: ContractSchema, id: number): (payload: Buffer) => unknown;
}

function corrupt(error: unknown): InvalidFrameError {
  return new InvalidFrameError('CORRUPT_PAYLOAD', `payload does not decode: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Avro through avsc, with the schema's compiled codec (./compiled) on the hot paths when it covers
 * the schema: encode validates while it writes the frame (accepting exactly what avsc's strict
 * isValid accepts, to the same bytes; whatever it refuses goes through avsc, which lists every
 * failing path), and payloads of this serde's own schema decode to the same values as avsc's
 * (as plain objects). Payloads of other writer schemas are resolved by avsc.
 */
function avroCodec(schema: ContractSchema): Codec {
  const type = buildAvroType(schema.schema, schema.references);
  const compiled = compileAvroTypeCodec(type);
  const strict = { noUndeclaredFields: true };
  const read = (payload: Buffer, resolver?: avro.Resolver): unknown => {
    try {
      return type.fromBuffer(payload, resolver);
    } catch (error) {
      throw corrupt(error);
    }
  };
  const codec: Codec = {
    ownDecodeIsTyped: true,
    issues: (value) => (type.isValid(value, strict) ? [] : avroIssues(type, value)),
    serialize: (value) => type.toBuffer(value),
    deserialize: (payload) => read(payload),
    readerFor: (writer, id) => {
      if (writer.format !== 'AVRO') throw new UnknownSchemaIdError(id, `schema id ${id} is ${writer.format}, this contract is AVRO`);
      let resolver: avro.Resolver;
      try {
        resolver = type.createResolver(buildAvroType(writer.schema, writer.references));
      } catch (error) {
        throw new UnknownSchemaIdError(id, `schema id ${id} is not a version of this contract: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      return (payload) => read(payload, resolver);
    },
  };
  if (!compiled) return codec;
  return {
    ...codec,
    encodeFramed: (schemaId, value) => {
      try {
        return compiled.encodeFramed(schemaId, value);
      } catch {
        return undefined;
      }
    },
    deserialize: (payload) => {
      try {
        return compiled.decode(payload);
      } catch (error) {
        throw corrupt(error);
      }
    },
    deserializeAt: (buf, offset) => {
      try {
        return compiled.decode(buf, offset);
      } catch (error) {
        throw corrupt(error);
      }
    },
  };
}

function jsonCodec(schema: ContractSchema): Codec {
  const validate: JsonValidator = compileJsonValidator(schema.schema, schema.references);
  const parse = (payload: Buffer): unknown => {
    try {
      return JSON.parse(payload.toString('utf8')) as unknown;
    } catch (error) {
      throw corrupt(error);
    }
  };
  return {
    ownDecodeIsTyped: false,
    issues: validate,
    serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    deserialize: parse,
    readerFor: (writer, id) => {
      if (writer.format !== 'JSON') throw new UnknownSchemaIdError(id, `schema id ${id} is ${writer.format}, this contract is JSON`);
      return parse;
    },
  };
}

export class Serde<T> {
  readonly format: SchemaFormat;
  private readonly codec: Codec;
  private readonly validateOnDecode: boolean;
  private readonly writers: LRUCache<number, (payload: Buffer) => unknown>;

  private constructor(
    readonly subject: string,
    /** Registry id of this serde's schema: what encode writes. */
    readonly schemaId: number,
    private readonly options: SerdeOptions,
  ) {
    this.format = options.schema.format;
    this.codec = options.schema.format === 'AVRO' ? avroCodec(options.schema) : jsonCodec(options.schema);
    this.validateOnDecode = options.validateOnDecode ?? true;
    this.writers = new LRUCache({ max: options.maxWriterVersions ?? 64 });
  }

  /** Compiles the schema and resolves its id (the only registry round trip of a warm producer). */
  static async create<T>(options: SerdeOptions): Promise<Serde<T>> {
    const id = await options.resolver.idFor(options.subject, options.schema);
    return new Serde<T>(options.subject, id, options);
  }

  /** Every failing path of `value`; empty when it is valid. */
  validate(value: unknown): readonly ValidationIssue[] {
    return this.codec.issues(value);
  }

  /** Validated, serialized and framed with this serde's schema id. Throws ValidationError. */
  encode(value: T): Buffer {
    const framed = this.codec.encodeFramed?.(this.schemaId, value);
    if (framed) return framed;
    const issues = this.codec.issues(value);
    if (issues.length > 0) throw new ValidationError(this.subject, issues);
    return encodeFrame(this.schemaId, this.codec.serialize(value));
  }

  /**
   * Value of a framed record. Rejects with InvalidFrameError, UnknownSchemaIdError or
   * ValidationError (each carrying its DLQ reason); other rejections (registry unreachable) are
   * transient.
   */
  async decode(buf: Buffer): Promise<T> {
    // the hot path, a frame of this serde's own schema id on a codec that reads in place: what
    // decodeFrame would answer (magic byte 0, this id, the payload after them), without building it
    if (this.codec.deserializeAt && buf.length >= 5 && buf[0] === MAGIC_BYTE_ID && buf.readInt32BE(1) === this.schemaId) {
      const value = this.codec.deserializeAt(buf, 5);
      if (this.validateOnDecode && !this.codec.ownDecodeIsTyped) {
        const issues = this.codec.issues(value);
        if (issues.length > 0) throw new ValidationError(this.subject, issues);
      }
      return value as T;
    }
    const frame = decodeFrame(buf);
    if (frame.kind === 'guid') throw new UnknownSchemaIdError(frame.guid, `schema GUID ${frame.guid}: this runtime resolves schemas by id only`);
    let value: unknown;
    let trusted = false;
    if (frame.id === this.schemaId) {
      value = this.codec.deserialize(frame.payload);
      // written by a validating encode of this exact schema and read back with the same type
      trusted = this.codec.ownDecodeIsTyped;
    } else {
      let read = this.writers.get(frame.id);
      if (!read) {
        const writer = await this.options.resolver.schemaFor(frame.id);
        read = this.codec.readerFor(writer, frame.id);
        this.writers.set(frame.id, read);
      }
      value = read(frame.payload);
    }
    if (this.validateOnDecode && !trusted) {
      const issues = this.codec.issues(value);
      if (issues.length > 0) throw new ValidationError(this.subject, issues);
    }
    return value as T;
  }
}
