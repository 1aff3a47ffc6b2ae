/**
 * The Confluent Schema Registry REST routes, mapped onto RegistryService. Handlers do no more than
 * parse, authorize, call the service and shape the answer as Confluent does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access, Authenticator, Principal } from '../auth';
import { ERROR, RegistryError, type RegistryService, type SchemaRecord, type SchemaReference, type SubjectVersion } from '../service/types';
import { RESPONSE_CONTENT_TYPE } from './errors';
import { flag, optionalString, parseConfigRequest, parseModeRequest, parseSchemaId, parseSchemaRequest, parseVersion, type Query } from './params';

interface SubjectRoute {
  Params: { subject: string };
  Querystring: Query;
  Body: unknown;
}
interface VersionRoute {
  Params: { subject: string; version: string };
  Querystring: Query;
  Body: unknown;
}
interface IdRoute {
  Params: { id: string };
  Querystring: Query;
}
interface GlobalRoute {
  Querystring: Query;
  Body: unknown;
}

/** The property the auth hook stores the caller in (declared with decorateRequest). */
export const PRINCIPAL = 'registryPrincipal';
type WithPrincipal = { [PRINCIPAL]: Principal | null };

export function send(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header('content-type', RESPONSE_CONTENT_TYPE).send(JSON.stringify(value));
}

function references(refs: readonly SchemaReference[]): SchemaReference[] {
  return refs.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
}

/** Confluent's Schema entity: schemaType omitted for AVRO, references omitted when empty. */
export function versionBody(v: SubjectVersion): Record<string, unknown> {
  const body: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') body['schemaType'] = v.schemaType;
  if (v.references.length > 0) body['references'] = references(v.references);
  body['schema'] = v.schema;
  return body;
}

/** Confluent's SchemaString entity (GET /schemas/ids/{id}). */
export function schemaBody(s: SchemaRecord): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: s.schema };
  if (s.schemaType !== 'AVRO') body['schemaType'] = s.schemaType;
  if (s.references.length > 0) body['references'] = references(s.references);
  return body;
}

export function registerRoutes(app: FastifyInstance, service: RegistryService, auth: Authenticator | undefined): void {
  const principalOf = (request: FastifyRequest): Principal | null => (auth === undefined ? null : (request as unknown as WithPrincipal)[PRINCIPAL]);

  const forbidden = (p: Principal, access: Access, what: string): RegistryError =>
    new RegistryError(ERROR.FORBIDDEN, `${p.kind === 'user' ? 'User' : 'Token'} '${p.name}' is not allowed to ${access} ${what}`);

  /** Subject-scoped check; `subject` undefined means the global /config or /mode. No-op without auth. */
  const authorize = (request: FastifyRequest, subject: string | undefined, access: Access): void => {
    const p = principalOf(request);
    if (p === null) return;
    if (!p.can(subject ?? '', access)) throw forbidden(p, access, subject === undefined ? 'global settings' : `subject '${subject}'`);
  };

  /** Schema-id routes: the caller must be able to read some subject the schema is registered under. */
  const authorizeId = async (request: FastifyRequest, id: number): Promise<void> => {
    const p = principalOf(request);
    if (p === null || p.canAll('read')) return;
    const subjects = await service.subjectsForId(id, { deleted: true });
    if (!subjects.some((s) => p.can(s, 'read'))) throw forbidden(p, 'read', `schema ${id}`);
  };

  /** Keeps what the caller may read; 403 if that leaves nothing out of something. */
  const readable = <T>(request: FastifyRequest, items: T[], subjectOf: (item: T) => string, what: string): T[] => {
    const p = principalOf(request);
    if (p === null || p.canAll('read')) return items;
    const kept = items.filter((item) => p.can(subjectOf(item), 'read'));
    if (kept.length === 0 && items.length > 0) throw forbidden(p, 'read', what);
    return kept;
  };

  app.get('/', async (_request, reply) => send(reply, {}));

  // --- subjects -------------------------------------------------------------------------------

  app.get<GlobalRoute>('/subjects', async (request, reply) => {
    const q = request.query;
    const subjects = await service.listSubjects({ deleted: flag(q, 'deleted'), subjectPrefix: optionalString(q, 'subjectPrefix') });
    const p = principalOf(request);
    // Listing is allowed to everyone authenticated; it shows only the subjects the caller may read.
    return send(reply, p === null || p.canAll('read') ? subjects : subjects.filter((s) => p.can(s, 'read')));
  });

  app.post<SubjectRoute>('/subjects/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const q = request.query;
    const found = await service.lookup(subject, parseSchemaRequest(request.body), { normalize: flag(q, 'normalize'), deleted: flag(q, 'deleted') });
    return send(reply, versionBody(found));
  });

  app.delete<SubjectRoute>('/subjects/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    return send(reply, await service.deleteSubject(subject, { permanent: flag(request.query, 'permanent') }));
  });

  app.get<SubjectRoute>('/subjects/:subject/versions', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    return send(reply, await service.listVersions(subject, { deleted: flag(request.query, 'deleted') }));
  });

  app.post<SubjectRoute>('/subjects/:subject/versions', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    const { id } = await service.register(subject, parseSchemaRequest(request.body), { normalize: flag(request.query, 'normalize') });
    return send(reply, { id });
  });

  app.get<VersionRoute>('/subjects/:subject/versions/:version', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const found = await service.getVersion(subject, parseVersion(request.params.version), { deleted: flag(request.query, 'deleted') });
    return send(reply, versionBody(found));
  });

  app.delete<VersionRoute>('/subjects/:subject/versions/:version', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    return send(reply, await service.deleteVersion(subject, parseVersion(request.params.version), { permanent: flag(request.query, 'permanent') }));
  });

  app.get<VersionRoute>('/subjects/:subject/versions/:version/schema', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const found = await service.getVersion(subject, parseVersion(request.params.version), { deleted: flag(request.query, 'deleted') });
    // The schema text itself is the body, as Confluent sends it.
    return reply.header('content-type', RESPONSE_CONTENT_TYPE).send(found.schema);
  });

  app.get<VersionRoute>('/subjects/:subject/versions/:version/referencedby', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    return send(reply, await service.referencedBy(subject, parseVersion(request.params.version)));
  });

  // --- schemas by id --------------------------------------------------------------------------

  app.get<IdRoute>('/schemas/ids/:id', async (request, reply) => {
    const id = parseSchemaId(request.params.id);
    await authorizeId(request, id);
    const subject = optionalString(request.query, 'subject');
    return send(reply, schemaBody(await service.getSchemaById(id, subject === undefined || subject === '' ? undefined : { subject })));
  });

  app.get<IdRoute>('/schemas/ids/:id/schema', async (request, reply) => {
    const id = parseSchemaId(request.params.id);
    await authorizeId(request, id);
    const subject = optionalString(request.query, 'subject');
    const found = await service.getSchemaById(id, subject === undefined || subject === '' ? undefined : { subject });
    return reply.header('content-type', RESPONSE_CONTENT_TYPE).send(found.schema);
  });

  app.get<IdRoute>('/schemas/ids/:id/subjects', async (request, reply) => {
    const id = parseSchemaId(request.params.id);
    const subjects = await service.subjectsForId(id, { deleted: flag(request.query, 'deleted') });
    return send(
      reply,
      readable(request, subjects, (s) => s, `schema ${id}`),
    );
  });

  app.get<IdRoute>('/schemas/ids/:id/versions', async (request, reply) => {
    const id = parseSchemaId(request.params.id);
    const versions = await service.versionsForId(id, { deleted: flag(request.query, 'deleted') });
    const body = versions.map((v) => ({ subject: v.subject, version: v.version }));
    return send(
      reply,
      readable(request, body, (v) => v.subject, `schema ${id}`),
    );
  });

  app.get('/schemas/types', async (_request, reply) => send(reply, service.schemaTypes()));

  // --- compatibility --------------------------------------------------------------------------

  const compatibility = async (request: FastifyRequest<VersionRoute>, reply: FastifyReply, version: string | undefined): Promise<FastifyReply> => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const selector = version === undefined ? undefined : parseVersion(version);
    const verbose = flag(request.query, 'verbose');
    const result = await service.testCompatibility(subject, selector, parseSchemaRequest(request.body), {
      verbose,
      normalize: flag(request.query, 'normalize'),
    });
    return send(reply, verbose ? { is_compatible: result.is_compatible, messages: result.messages ?? [] } : { is_compatible: result.is_compatible });
  };
  app.post<VersionRoute>('/compatibility/subjects/:subject/versions', (request, reply) => compatibility(request, reply, undefined));
  app.post<VersionRoute>('/compatibility/subjects/:subject/versions/:version', (request, reply) => compatibility(request, reply, request.params.version));

  // --- config ---------------------------------------------------------------------------------

  app.get<GlobalRoute>('/config', async (request, reply) => {
    authorize(request, undefined, 'read');
    const { compatibilityLevel } = await service.getConfig(undefined);
    return send(reply, { compatibilityLevel });
  });

  app.get<SubjectRoute>('/config/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const { compatibilityLevel } = await service.getConfig(subject, { defaultToGlobal: flag(request.query, 'defaultToGlobal') });
    return send(reply, { compatibilityLevel });
  });

  app.put<GlobalRoute>('/config', async (request, reply) => {
    authorize(request, undefined, 'write');
    const { compatibility } = await service.setConfig(undefined, parseConfigRequest(request.body));
    return send(reply, { compatibility });
  });

  app.put<SubjectRoute>('/config/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    const { compatibility } = await service.setConfig(subject, parseConfigRequest(request.body));
    return send(reply, { compatibility });
  });

  app.delete<GlobalRoute>('/config', async (request, reply) => {
    authorize(request, undefined, 'write');
    const { compatibilityLevel } = await service.deleteConfig(undefined);
    return send(reply, { compatibilityLevel });
  });

  app.delete<SubjectRoute>('/config/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    const { compatibilityLevel } = await service.deleteConfig(subject);
    return send(reply, { compatibilityLevel });
  });

  // --- mode -----------------------------------------------------------------------------------

  app.get<GlobalRoute>('/mode', async (request, reply) => {
    authorize(request, undefined, 'read');
    const { mode } = await service.getMode(undefined);
    return send(reply, { mode });
  });

  app.get<SubjectRoute>('/mode/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'read');
    const { mode } = await service.getMode(subject, { defaultToGlobal: flag(request.query, 'defaultToGlobal') });
    return send(reply, { mode });
  });

  app.put<GlobalRoute>('/mode', async (request, reply) => {
    authorize(request, undefined, 'write');
    const { mode } = await service.setMode(undefined, parseModeRequest(request.body), { force: flag(request.query, 'force') });
    return send(reply, { mode });
  });

  app.put<SubjectRoute>('/mode/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    const { mode } = await service.setMode(subject, parseModeRequest(request.body), { force: flag(request.query, 'force') });
    return send(reply, { mode });
  });

  // The service has no global deleteMode: resetting the global mode means setting the default, READWRITE.
  app.delete<GlobalRoute>('/mode', async (request, reply) => {
    authorize(request, undefined, 'write');
    const { mode } = await service.setMode(undefined, 'READWRITE', { force: flag(request.query, 'force') });
    return send(reply, { mode });
  });

  app.delete<SubjectRoute>('/mode/:subject', async (request, reply) => {
    const { subject } = request.params;
    authorize(request, subject, 'write');
    const { mode } = await service.deleteMode(subject);
    return send(reply, { mode });
  });
}
