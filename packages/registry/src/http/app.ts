/**
 * The HTTP layer: a fastify app speaking Confluent Schema Registry's REST API over a RegistryService.
 *
 * Requests: JSON bodies as application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json,
 * application/json, or (as Confluent) application/octet-stream or no Content-Type at all; anything
 * else is 415 (41501). Responses: application/vnd.schemaregistry.v1+json. Every error is
 * `{error_code, message}` with status = error_code / 100.
 */
import fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createAuthenticator, type AuthOption, type Authenticator } from '../auth';
import { ERROR, RegistryError, type RegistryService } from '../service/types';
import { HTTP_ERROR, RESPONSE_CONTENT_TYPE, badRequest, toErrorResponse, unsupportedMediaType } from './errors';
import { PRINCIPAL, registerRoutes } from './routes';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Content types parsed as JSON request bodies. */
export const REQUEST_CONTENT_TYPES: readonly string[] = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  // Confluent treats this (the default for a body without a type) as JSON too.
  'application/octet-stream',
];

export interface RegistryAppOptions {
  readonly service: RegistryService;
  /** Authentication: path to a YAML/JSON auth file, its parsed content, or an Authenticator. Absent = open. */
  readonly auth?: AuthOption;
  /** Largest accepted request body in bytes (default 1 MiB); larger is 413 with error_code 41301. */
  readonly bodyLimit?: number;
  /** Called with every genuine internal error (answered 500/50001 without details). Default: one line on stderr. */
  readonly onInternalError?: (error: unknown, request: { readonly method: string; readonly url: string }) => void;
}

function defaultOnInternalError(error: unknown, request: { readonly method: string; readonly url: string }): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`registry: internal error on ${request.method} ${request.url}: ${detail}\n`);
}

/** JSON.parse with an empty body meaning "no body" (clients send Content-Type on bodiless DELETEs). */
function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (text.trim().length === 0) return undefined;
    throw badRequest(`Unrecognized JSON in the request body: ${(error as Error).message}`);
  }
}

function sendError(reply: FastifyReply, error: unknown, auth: Authenticator | undefined, onInternalError: RegistryAppOptions['onInternalError']): FastifyReply {
  const response = toErrorResponse(error);
  if (response.internal) {
    try {
      (onInternalError ?? defaultOnInternalError)(error, { method: reply.request.method, url: reply.request.url });
    } catch {
      // A failing logger must not turn into a second error.
    }
  }
  if (response.body.error_code === ERROR.UNAUTHORIZED && auth !== undefined) reply.header('www-authenticate', auth.challenge);
  return reply.code(response.status).header('content-type', RESPONSE_CONTENT_TYPE).send(JSON.stringify(response.body));
}

/** Builds (does not start) the app; `app.listen()` or `startRegistryServer` serves it. */
export function buildRegistryApp(options: RegistryAppOptions): FastifyInstance {
  const { service, onInternalError } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) throw new TypeError(`bodyLimit must be a positive integer, got ${String(options.bodyLimit)}`);
  const auth = options.auth === undefined ? undefined : createAuthenticator(options.auth);

  const app: FastifyInstance = fastify({
    logger: false,
    bodyLimit,
    requestIdHeader: false,
    forceCloseConnections: 'idle',
    // Subject names can be long; URLs are bounded by Node's header size limit anyway.
    routerOptions: { maxParamLength: 8192, ignoreTrailingSlash: true },
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      sendError(reply, error, auth, onInternalError);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...REQUEST_CONTENT_TYPES], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Any other type: JSON if the request has no Content-Type at all (Confluent's octet-stream default), else 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (request.headers['content-type'] !== undefined) {
      done(unsupportedMediaType(), undefined);
      return;
    }
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler((error, _request, reply) => sendError(reply, error, auth, onInternalError));
  app.setNotFoundHandler((request, reply) => {
    const code = HTTP_ERROR.NOT_FOUND;
    return reply
      .code(404)
      .header('content-type', RESPONSE_CONTENT_TYPE)
      .send(JSON.stringify({ error_code: code, message: `HTTP 404 Not Found: no route ${request.method} ${request.url.split('?')[0] ?? ''}` }));
  });

  if (auth !== undefined) {
    app.decorateRequest(PRINCIPAL, null);
    const unauthorized = (): RegistryError => new RegistryError(ERROR.UNAUTHORIZED, 'Unauthorized: valid credentials are required (HTTP Basic or Bearer)');
    app.addHook('onRequest', (request, _reply, done) => {
      const header = request.headers.authorization;
      const cached = auth.cached(header);
      if (cached !== undefined) {
        (request as unknown as Record<string, unknown>)[PRINCIPAL] = cached;
        done();
        return;
      }
      auth.authenticate(header).then(
        (principal) => {
          if (principal === null) {
            done(unauthorized());
            return;
          }
          (request as unknown as Record<string, unknown>)[PRINCIPAL] = principal;
          done();
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  registerRoutes(app, service, auth);
  return app;
}
