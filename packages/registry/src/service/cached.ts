import { LRUCache } from 'lru-cache';
import type { RegistryService, SchemaRecord, SchemaRequest, SubjectVersion, VersionSelector } from './types';

export interface ReadCacheOptions {
  /** Entries per cache. */
  readonly max?: number;
  /**
   * Cache lookups too. Only safe when this process is the only writer (the embedded store): another
   * process's delete would not clear this process's lookup cache.
   */
  readonly lookups: boolean;
}

/**
 * The two hot reads of a registry — schema by id (every consumer, every new id) and subject lookup
 * (every producer) — answered from memory. A schema id's content never changes (a hard-deleted id is
 * never reused), so id entries stay valid; lookups are dropped on every write of this process.
 */
export function withReadCache(service: RegistryService, options: ReadCacheOptions): RegistryService {
  const max = options.max ?? 10_000;
  const byId = new LRUCache<number, SchemaRecord>({ max });
  const lookups = new LRUCache<string, SubjectVersion>({ max });
  const lookupKey = (subject: string, request: SchemaRequest, normalize: boolean, deleted: boolean): string =>
    JSON.stringify([subject, request.schemaType ?? 'AVRO', request.schema, request.references ?? [], normalize, deleted]);
  const afterWrite = <T>(result: Promise<T>): Promise<T> =>
    result.finally(() => {
      lookups.clear();
    });
  const afterDelete = <T>(result: Promise<T>, permanent: boolean): Promise<T> =>
    result.finally(() => {
      lookups.clear();
      if (permanent) byId.clear();
    });

  return {
    ...bindAll(service),
    async getSchemaById(id: number, opts: { subject?: string } = {}): Promise<SchemaRecord> {
      if (opts.subject !== undefined) return service.getSchemaById(id, opts);
      const hit = byId.get(id);
      if (hit) return hit;
      const record = await service.getSchemaById(id);
      byId.set(id, record);
      return record;
    },
    async lookup(subject: string, request: SchemaRequest, opts: { normalize?: boolean; deleted?: boolean } = {}): Promise<SubjectVersion> {
      if (!options.lookups) return service.lookup(subject, request, opts);
      const key = lookupKey(subject, request, opts.normalize === true, opts.deleted === true);
      const hit = lookups.get(key);
      if (hit) return hit;
      const found = await service.lookup(subject, request, opts);
      lookups.set(key, found);
      return found;
    },
    register: (subject, request, opts) => afterWrite(service.register(subject, request, opts)),
    deleteVersion: (subject: string, version: VersionSelector, opts: { permanent?: boolean } = {}) =>
      afterDelete(service.deleteVersion(subject, version, opts), opts.permanent === true),
    deleteSubject: (subject: string, opts: { permanent?: boolean } = {}) => afterDelete(service.deleteSubject(subject, opts), opts.permanent === true),
  };
}

/** The service's methods bound to it, so the wrapper can spread them. */
function bindAll(service: RegistryService): RegistryService {
  const names: (keyof RegistryService)[] = [
    'listSubjects',
    'register',
    'lookup',
    'listVersions',
    'getVersion',
    'deleteVersion',
    'deleteSubject',
    'referencedBy',
    'getSchemaById',
    'subjectsForId',
    'versionsForId',
    'schemaTypes',
    'testCompatibility',
    'getConfig',
    'setConfig',
    'deleteConfig',
    'getMode',
    'setMode',
    'deleteMode',
    'close',
  ];
  const out: Partial<Record<keyof RegistryService, unknown>> = {};
  for (const name of names) out[name] = (service[name] as (...args: unknown[]) => unknown).bind(service);
  return out as RegistryService;
}
