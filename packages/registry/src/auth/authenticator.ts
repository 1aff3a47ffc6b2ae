/**
 * Authentication (HTTP Basic for users, Bearer for tokens) and per-subject-prefix authorization.
 *
 * Verifying a scrypt hash costs tens of milliseconds, so a successful verification is cached by
 * the SHA-256 of the Authorization header (bounded, oldest evicted): steady traffic pays one hash
 * lookup per request. Failures are never cached. Secret comparisons are constant-time; an unknown
 * user name still costs one verification, so timing does not reveal which names exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  loadAuthConfig,
  validateAuthConfig,
  type Access,
  type AuthConfig,
  type PermissionConfig,
  type ValidatedAuthConfig,
  type ValidatedPrincipal,
} from './config';
import { verifySecret, type ParsedHash } from './hash';

/** An authenticated caller and what it may do. */
export class Principal {
  readonly kind: 'user' | 'token';
  readonly name: string;
  readonly admin: boolean;
  readonly permissions: readonly PermissionConfig[];
  private readonly readPrefixes: readonly string[];
  private readonly writePrefixes: readonly string[];

  constructor(config: Pick<ValidatedPrincipal, 'kind' | 'name' | 'admin' | 'permissions'>) {
    this.kind = config.kind;
    this.name = config.name;
    this.admin = config.admin;
    this.permissions = config.permissions;
    this.readPrefixes = config.permissions.filter((p) => p.access.includes('read')).map((p) => p.prefix);
    this.writePrefixes = config.permissions.filter((p) => p.access.includes('write')).map((p) => p.prefix);
  }

  /** May this principal `access` the subject? `can('', ...)` is the global check (/config, /mode without subject). */
  can(subject: string, access: Access): boolean {
    if (this.admin) return true;
    const prefixes = access === 'read' ? this.readPrefixes : this.writePrefixes;
    for (const prefix of prefixes) if (subject.startsWith(prefix)) return true;
    return false;
  }

  /** Access to every subject (admin, or a permission on the prefix ""). */
  canAll(access: Access): boolean {
    return this.can('', access);
  }
}

export interface AuthenticatorOptions {
  /** Successful credentials remembered (default 10,000). */
  readonly cacheSize?: number;
}

interface Entry {
  readonly principal: Principal;
  readonly hash: ParsedHash;
}

/** Resolves an Authorization header to a Principal. */
export class Authenticator {
  /** The `WWW-Authenticate` value sent with a 401. */
  readonly challenge: string;
  private readonly users: ReadonlyMap<string, Entry>;
  private readonly tokens: readonly Entry[];
  private readonly cache = new Map<string, Principal>();
  private readonly cacheSize: number;
  private decoy: ParsedHash | undefined;

  constructor(config: AuthConfig | ValidatedAuthConfig, options: AuthenticatorOptions = {}) {
    const valid = 'validated' in config ? config : validateAuthConfig(config);
    const entry = (p: ValidatedPrincipal): Entry => ({ principal: new Principal(p), hash: p.hash });
    this.users = new Map(valid.users.map((u) => [u.name, entry(u)]));
    this.tokens = valid.tokens.map(entry);
    this.challenge = `Basic realm="${valid.realm}", charset="UTF-8"`;
    this.cacheSize = Math.max(0, options.cacheSize ?? 10_000);
  }

  /** From an auth file (YAML or JSON); throws AuthConfigError naming the file and key. */
  static fromFile(file: string, options?: AuthenticatorOptions): Authenticator {
    return new Authenticator(loadAuthConfig(file), options);
  }

  /** The principal for credentials verified before, without any hashing beyond one SHA-256; else undefined. */
  cached(header: string | undefined): Principal | undefined {
    if (header === undefined || this.cache.size === 0) return undefined;
    return this.cache.get(cacheKey(header));
  }

  /** The principal for an Authorization header, or null (missing, malformed or wrong credentials). */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    if (header === undefined) return null;
    const key = cacheKey(header);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const principal = await this.verify(header);
    if (principal !== null && this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) {
        const oldest = this.cache.keys().next();
        if (oldest.done !== true) this.cache.delete(oldest.value);
      }
      this.cache.set(key, principal);
    }
    return principal;
  }

  private async verify(header: string): Promise<Principal | null> {
    const space = header.indexOf(' ');
    if (space <= 0) return null;
    const scheme = header.slice(0, space).toLowerCase();
    const credentials = header.slice(space + 1).trim();
    if (credentials.length === 0) return null;
    if (scheme === 'basic') return this.verifyBasic(credentials);
    if (scheme === 'bearer') return this.verifyBearer(credentials);
    return null;
  }

  private async verifyBasic(encoded: string): Promise<Principal | null> {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const user = this.users.get(decoded.slice(0, colon));
    const password = decoded.slice(colon + 1);
    if (user === undefined) {
      // Same cost as a real check, so response time does not tell which user names exist.
      await verifySecret(password, this.decoyHash());
      return null;
    }
    return (await verifySecret(password, user.hash)) ? user.principal : null;
  }

  private async verifyBearer(token: string): Promise<Principal | null> {
    // Every token is checked (no early exit), each comparison constant-time.
    let found: Principal | null = null;
    for (const entry of this.tokens) {
      if ((await verifySecret(token, entry.hash)) && found === null) found = entry.principal;
    }
    return found;
  }

  private decoyHash(): ParsedHash {
    if (this.decoy === undefined) {
      // Random salt and key with the cost parameters of a real user: never matches, costs the same.
      const model = this.users.values().next();
      const base: ParsedHash = model.done === true ? { algorithm: 'sha256', salt: Buffer.alloc(16), key: Buffer.alloc(32) } : model.value.hash;
      this.decoy = { ...base, salt: randomBytes(base.salt.length), key: randomBytes(base.key.length) };
    }
    return this.decoy;
  }
}

function cacheKey(header: string): string {
  return createHash('sha256').update(header).digest('base64');
}

/** What `auth` accepts: a path to a YAML/JSON auth file, its content (raw or from loadAuthConfig), or a ready Authenticator. */
export type AuthOption = string | AuthConfig | ValidatedAuthConfig | Authenticator;

export function createAuthenticator(auth: AuthOption, options?: AuthenticatorOptions): Authenticator {
  if (auth instanceof Authenticator) return auth;
  if (typeof auth === 'string') return Authenticator.fromFile(auth, options);
  return new Authenticator(auth, options);
}
