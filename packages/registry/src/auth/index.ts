export { Authenticator, Principal, createAuthenticator, type AuthOption, type AuthenticatorOptions } from './authenticator';
export {
  ACCESS,
  AuthConfigError,
  loadAuthConfig,
  validateAuthConfig,
  type Access,
  type AuthConfig,
  type PermissionConfig,
  type TokenConfig,
  type UserConfig,
  type ValidatedAuthConfig,
  type ValidatedPrincipal,
} from './config';
export { SCRYPT_DEFAULTS, generateToken, hashSecret, parseHash, verifySecret, type HashAlgorithm, type ParsedHash } from './hash';
