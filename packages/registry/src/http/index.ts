export { buildRegistryApp, DEFAULT_BODY_LIMIT, REQUEST_CONTENT_TYPES, type RegistryAppOptions } from './app';
export { HTTP_ERROR, RESPONSE_CONTENT_TYPE, isRegistryError, toErrorResponse, type ErrorBody, type ErrorResponse } from './errors';
export { parseVersion, parseSchemaId } from './params';
