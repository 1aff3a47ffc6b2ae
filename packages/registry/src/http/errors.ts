/**
 * Every failure the API answers with becomes Confluent's `{error_code, message}` body, with the
 * HTTP status derived from the code (first three digits). Internal errors never leak details.
 */
import { ERROR, RegistryError } from '../service/types';

/** The content type of every response (Confluent's preferred one). */
export const RESPONSE_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Codes for conditions Confluent answers with its servlet container's generic errors
 * (`error_code` = the bare HTTP status there); here they follow the five-digit pattern so the
 * status is always `error_code / 100`.
 */
export const HTTP_ERROR = {
  /** No such route (Confluent: 404 "HTTP 404 Not Found"). */
  NOT_FOUND: 40400,
  /** A route exists for the path but not for the method. */
  METHOD_NOT_ALLOWED: 40500,
  /** A path parameter longer than the router accepts. */
  URI_TOO_LONG: 41401,
  /** A request body whose Content-Type is not JSON. */
  UNSUPPORTED_MEDIA_TYPE: 41501,
} as const;

export interface ErrorBody {
  readonly error_code: number;
  readonly message: string;
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for a genuine internal error (worth logging; its details are not sent). */
  readonly internal: boolean;
}

/** `instanceof`, or the same shape from another copy of the module (dist and src side by side). */
export function isRegistryError(error: unknown): error is RegistryError {
  if (error instanceof RegistryError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; errorCode?: unknown; message?: unknown };
  return candidate.name === 'RegistryError' && Number.isInteger(candidate.errorCode) && typeof candidate.message === 'string';
}

const INTERNAL: ErrorResponse = { status: 500, body: { error_code: ERROR.STORE_ERROR, message: 'Internal server error' }, internal: true };

const UNSUPPORTED_MEDIA_TYPE_MESSAGE =
  'Unsupported Media Type: send application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json or application/json';

/** Fastify's own errors (body parsing, routing) by their code. */
const FASTIFY_ERRORS: ReadonlyMap<string, { code: number; message: string }> = new Map(
  Object.entries({
    FST_ERR_CTP_BODY_TOO_LARGE: { code: ERROR.BODY_TOO_LARGE, message: 'Request body is too large' },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: HTTP_ERROR.UNSUPPORTED_MEDIA_TYPE, message: UNSUPPORTED_MEDIA_TYPE_MESSAGE },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: ERROR.BAD_REQUEST, message: 'Request body size did not match Content-Length' },
    FST_ERR_CTP_EMPTY_JSON_BODY: { code: ERROR.BAD_REQUEST, message: 'Request body is empty' },
    FST_ERR_CTP_INVALID_JSON_BODY: { code: ERROR.BAD_REQUEST, message: 'Request body is not valid JSON' },
    FST_ERR_BAD_URL: { code: ERROR.BAD_REQUEST, message: 'Malformed URL (bad percent-encoding)' },
    FST_ERR_MAX_PARAM_LENGTH: { code: HTTP_ERROR.URI_TOO_LONG, message: 'A path parameter is too long' },
  }),
);

function errorResponse(code: number, message: string): ErrorResponse {
  return { status: Math.floor(code / 100), body: { error_code: code, message }, internal: false };
}

/** Maps anything thrown while serving a request to the response to send. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (isRegistryError(error)) {
    const status = Math.floor(error.errorCode / 100);
    if (status < 400 || status > 599) return INTERNAL;
    return { status, body: { error_code: error.errorCode, message: error.message }, internal: status >= 500 };
  }
  if (typeof error === 'object' && error !== null) {
    const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
    const known = typeof code === 'string' ? FASTIFY_ERRORS.get(code) : undefined;
    if (known !== undefined) return errorResponse(known.code, known.message);
    // Any other client error fastify raises (e.g. a request stream that errored while being read,
    // marked 400 by fastify): keep its status, Confluent's shape; only fastify's own messages are shown.
    if (typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 400 && statusCode < 500) {
      const { message } = error as { message?: unknown };
      const shown = typeof code === 'string' && code.startsWith('FST_') && typeof message === 'string' ? message : 'Bad request';
      return errorResponse(statusCode * 100 + 1, shown);
    }
  }
  return INTERNAL;
}

/** A RegistryError for a malformed request (HTTP 400). */
export function badRequest(message: string): RegistryError {
  return new RegistryError(ERROR.BAD_REQUEST, message);
}

/** A RegistryError for a body whose Content-Type is not JSON (HTTP 415). */
export function unsupportedMediaType(): RegistryError {
  return new RegistryError(HTTP_ERROR.UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE_MESSAGE);
}
