/**
 * @dynamic-capital/contracts-registry: a Confluent-compatible schema registry (HTTP layer, auth,
 * domain service and stores).
 */
export * from './service/types';
export {
  buildRegistryApp,
  DEFAULT_BODY_LIMIT,
  HTTP_ERROR,
  REQUEST_CONTENT_TYPES,
  RESPONSE_CONTENT_TYPE,
  type ErrorBody,
  type RegistryAppOptions,
} from './http';
export { startRegistryServer, type RegistryServer, type RegistryServerOptions } from './server';
export {
  ACCESS,
  Authenticator,
  AuthConfigError,
  Principal,
  createAuthenticator,
  generateToken,
  hashSecret,
  loadAuthConfig,
  validateAuthConfig,
  verifySecret,
  type Access,
  type AuthConfig,
  type AuthOption,
  type AuthenticatorOptions,
  type HashAlgorithm,
  type PermissionConfig,
  type TokenConfig,
  type UserConfig,
  type ValidatedAuthConfig,
} from './auth';
export { createRegistryService, withReadCache, type ReadCacheOptions, type RegistryServiceOptions } from './service';
export { openEmbeddedStore, openPostgresStore, type EmbeddedStoreOptions, type PostgresStoreOptions } from './store';
export { RegistryClient, RegistryHttpError, REGISTRY_CONTENT_TYPE, type RegistryAuth, type RegistryClientOptions } from './client';
