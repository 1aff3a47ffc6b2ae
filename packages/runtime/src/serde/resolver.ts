/**
 * Where schema ids come from: the `SchemaResolver` interface, an in-memory implementation (tests,
 * dev) and one on top of @kafkajs/confluent-schema-registry's `SchemaRegistry` with LRU caches
 * in front, so a warm process never calls the registry on the hot path.
 */
import { createHash } from 'node:crypto';
import * as avro from 'avsc';
import { LRUCache } from 'lru-cache';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Ajv2020 from 'ajv/dist/2020';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { UnknownSchemaIdError } from '../errors';
import { AVRO_LOGICAL_TYPES, avroReferenceOrder, buildAvroType, type ContractSchema, type SchemaFormat } from './schema';

export interface SchemaResolver {
  /** The registry id of `schema` under `subject` (registering it if the implementation does). */
  idFor(subject: string, schema: ContractSchema): Promise<number>;
  /** The schema with id `id`; rejects with UnknownSchemaIdError when the registry does not know it. */
  schemaFor(id: number): Promise<ContractSchema>;
}

/** Cache key of a schema with its references (sha256 of its JSON). */
export function schemaKey(subject: string, schema: ContractSchema): string {
  const text = JSON.stringify([schema.format, schema.schema, [...schema.references].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  return `${subject}\u0000${createHash('sha256').update(text).digest('hex')}`;
}

/** Ids assigned in registration order from `firstId`; the same schema gets the same id under any subject. */
export class InMemorySchemaResolver implements SchemaResolver {
  private readonly byId = new Map<number, ContractSchema>();
  private readonly byKey = new Map<string, number>();
  private nextId: number;
  /** Calls of schemaFor, for asserting that hot paths stay in caches. */
  schemaForCalls = 0;

  constructor(firstId = 1) {
    this.nextId = firstId;
  }

  async idFor(_subject: string, schema: ContractSchema): Promise<number> {
    const key = schemaKey('', schema);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.byKey.set(key, id);
      this.byId.set(id, schema);
    }
    return id;
  }

  async schemaFor(id: number): Promise<ContractSchema> {
    this.schemaForCalls++;
    const schema = this.byId.get(id);
    if (!schema) throw new UnknownSchemaIdError(id, `schema id ${id} is not registered`);
    return schema;
  }
}

export interface RegistrySchemaResolverOptions {
  /**
   * `register` (default): register the schema's references (each under its own subject, in
   * dependency order) and then the schema; registering a schema the subject already has is
   * idempotent and returns its id. `latest`: use the subject's latest id and fail unless that
   * schema is the local one (Avro: same canonical-form fingerprint) — for producers without
   * write access to the registry.
   */
  readonly mode?: 'register' | 'latest';
  /** Subject a reference is registered under (default: its name, e.g. dynamic_capital.common.Instrument). */
  readonly referenceSubject?: (name: string, format: SchemaFormat) => string;
  /** Compatibility level the library checks/sets on a subject at registration (its default: BACKWARD). */
  readonly compatibility?: (subject: string) => string;
  /** Bounds of the LRU caches (default 1000 schemas, 1000 ids). */
  readonly maxSchemas?: number;
  readonly maxIds?: number;
}

interface RegisteredVersion {
  readonly id: number;
  readonly version: number;
}
interface SubjectApi {
  readonly Subject: {
    registered(args: { subject: string; body: object }): Promise<{ data(): unknown }>;
  };
}

function hasStatus(error: unknown, status: number): boolean {
  return error !== null && typeof error === 'object' && (error as { status?: unknown }).status === status;
}

/**
 * A SchemaResolver over `SchemaRegistry` (register / getLatestSchemaId / getSchema) with LRU
 * caches of id -> schema and (subject, schema) -> id. Concurrent misses for one key share one
 * request.
 *
 * `schemaFor` returns Avro schemas self-contained (references inlined, as avsc exports the type
 * the library built, with logical-type attributes kept) and JSON schemas as the library compiled
 * them, without references (the serde validates JSON with the reader's own validator).
 */
export class RegistrySchemaResolver implements SchemaResolver {
  private readonly schemas: LRUCache<number, ContractSchema>;
  private readonly ids: LRUCache<string, number>;
  private readonly pendingSchemas = new Map<number, Promise<ContractSchema>>();
  private readonly pendingIds = new Map<string, Promise<number>>();

  /**
   * A resolver over a new `SchemaRegistry` configured for the contracts: Avro types built with the
   * runtime's decimal logical type (so schemas read back by id keep decimal attributes) and JSON
   * Schema compiled by an ajv that knows 2020-12 and draft-07 and tolerates a reference being
   * added more than once.
   */
  static connect(args: ConstructorParameters<typeof SchemaRegistry>[0], options: RegistrySchemaResolverOptions = {}): RegistrySchemaResolver {
    return new RegistrySchemaResolver(new SchemaRegistry(args, RegistrySchemaResolver.libraryOptions()), options);
  }

  /** Options of `SchemaRegistry` that `connect` uses. */
  static libraryOptions(): NonNullable<ConstructorParameters<typeof SchemaRegistry>[1]> {
    const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
    ajv.addMetaSchema(draft07);
    const idOf = (schema: unknown): string | undefined => {
      const id = schema !== null && typeof schema === 'object' ? (schema as { $id?: unknown }).$id : undefined;
      return typeof id === 'string' ? id : undefined;
    };
    const ajvInstance = {
      addSchema(schema: object, key?: string) {
        if (!ajv.getSchema(key ?? idOf(schema) ?? '')) ajv.addSchema(schema, key);
        return ajv;
      },
      compile(schema: object) {
        const id = idOf(schema);
        if (id !== undefined) ajv.removeSchema(id);
        return ajv.compile(schema);
      },
    };
    // (cast: the library types its ajvInstance with its own copy of ajv's types)
    return { [SchemaType.AVRO]: { logicalTypes: AVRO_LOGICAL_TYPES }, [SchemaType.JSON]: { ajvInstance } } as unknown as NonNullable<
      ConstructorParameters<typeof SchemaRegistry>[1]
    >;
  }

  /** `registry`: see `connect` for the library options that keep decimal attributes and handle 2020-12. */
  constructor(
    readonly registry: SchemaRegistry,
    private readonly options: RegistrySchemaResolverOptions = {},
  ) {
    this.schemas = new LRUCache({ max: options.maxSchemas ?? 1000 });
    this.ids = new LRUCache({ max: options.maxIds ?? 1000 });
  }

  idFor(subject: string, schema: ContractSchema): Promise<number> {
    const key = schemaKey(subject, schema);
    const cached = this.ids.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.pendingIds.get(key);
    if (!pending) {
      pending = (this.options.mode === 'latest' ? this.latest(subject, schema) : this.register(subject, schema))
        .then((id) => {
          this.ids.set(key, id);
          this.schemas.set(id, schema);
          return id;
        })
        .finally(() => this.pendingIds.delete(key));
      this.pendingIds.set(key, pending);
    }
    return pending;
  }

  schemaFor(id: number): Promise<ContractSchema> {
    const cached = this.schemas.get(id);
    if (cached) return Promise.resolve(cached);
    let pending = this.pendingSchemas.get(id);
    if (!pending) {
      pending = this.fetch(id)
        .then((schema) => {
          this.schemas.set(id, schema);
          return schema;
        })
        .finally(() => this.pendingSchemas.delete(id));
      this.pendingSchemas.set(id, pending);
    }
    return pending;
  }

  private async fetch(id: number): Promise<ContractSchema> {
    let instance: unknown;
    try {
      instance = await this.registry.getSchema(id);
    } catch (error) {
      if (hasStatus(error, 404)) throw new UnknownSchemaIdError(id, `schema id ${id} is not in the registry`, { cause: error });
      throw error;
    }
    const type = this.registry.cache.getSchema(id)?.type;
    if (type === SchemaType.AVRO && instance instanceof avro.Type) {
      return { format: 'AVRO', schema: instance.schema({ exportAttrs: true }), references: new Map() };
    }
    if (type === SchemaType.JSON) {
      const validate = (instance as { validate?: { schema?: unknown } }).validate;
      return { format: 'JSON', schema: validate?.schema ?? {}, references: new Map() };
    }
    throw new UnknownSchemaIdError(id, `schema id ${id} is a ${String(type)} schema; this runtime reads AVRO and JSON`);
  }

  private confluent(format: SchemaFormat, schema: unknown, references: readonly { name: string; subject: string; version: number }[]): object {
    return format === 'AVRO'
      ? { type: SchemaType.AVRO, schema: JSON.stringify(schema), references }
      : { type: SchemaType.JSON, schema: JSON.stringify(schema), references };
  }

  private async registerOne(subject: string, body: object): Promise<RegisteredVersion> {
    const compatibility = this.options.compatibility?.(subject);
    const opts = compatibility === undefined ? { subject } : { subject, compatibility };
    await this.registry.register(body as Parameters<SchemaRegistry['register']>[0], opts as Parameters<SchemaRegistry['register']>[1]);
    // register answers {id} only; a reference needs the version: look the schema up in its subject.
    const api = (this.registry as unknown as { api?: SubjectApi }).api;
    if (!api || typeof api.Subject?.registered !== 'function') throw new Error('@kafkajs/confluent-schema-registry has no Subject.registered API');
    const b = body as { type: SchemaType; schema: string; references: unknown[] };
    const response = await api.Subject.registered({
      subject,
      body: { schemaType: b.type === SchemaType.AVRO ? undefined : b.type, schema: b.schema, references: b.references },
    });
    const data = response.data() as Partial<RegisteredVersion>;
    if (typeof data.id !== 'number' || typeof data.version !== 'number') throw new Error(`registry lookup of ${subject} answered without id/version`);
    return { id: data.id, version: data.version };
  }

  private async register(subject: string, schema: ContractSchema): Promise<number> {
    const refSubject = this.options.referenceSubject ?? ((name: string) => name);
    const registered = new Map<string, { name: string; subject: string; version: number }>();
    const order =
      schema.format === 'AVRO' ? avroReferenceOrder(schema.references) : [...schema.references].map(([name, s]) => ({ name, schema: s, uses: [] as string[] }));
    for (const ref of order) {
      const refs = ref.uses.flatMap((u) => registered.get(u) ?? []);
      const sub = refSubject(ref.name, schema.format);
      const { version } = await this.registerOne(sub, this.confluent(schema.format, ref.schema, refs));
      registered.set(ref.name, { name: ref.name, subject: sub, version });
    }
    const { id } = await this.registerOne(subject, this.confluent(schema.format, schema.schema, [...registered.values()]));
    return id;
  }

  private async latest(subject: string, schema: ContractSchema): Promise<number> {
    const id = await this.registry.getLatestSchemaId(subject);
    const remote = await this.schemaFor(id);
    if (remote.format !== schema.format) throw new Error(`${subject}: latest schema id ${id} is ${remote.format}, local schema is ${schema.format}`);
    if (schema.format === 'AVRO') {
      const local = buildAvroType(schema.schema, schema.references).fingerprint('sha256').toString('hex');
      const theirs = buildAvroType(remote.schema).fingerprint('sha256').toString('hex');
      if (local !== theirs) throw new Error(`${subject}: latest schema id ${id} is not the local schema (fingerprints differ); register it first`);
    }
    return id;
  }
}
