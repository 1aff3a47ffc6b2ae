/**
 * The auth file: users (HTTP Basic) and bearer tokens, each with per-subject-prefix permissions.
 *
 * ```yaml
 * realm: schema-registry            # optional, for WWW-Authenticate
 * users:
 *   - name: ops
 *     passwordHash: "scrypt:32768:8:1:<salt>:<key>"
 *     admin: true                   # everything, including global /config and /mode
 *   - name: order-service
 *     passwordHash: "scrypt:32768:8:1:<salt>:<key>"
 *     permissions:
 *       - prefix: "order."          # subjects starting with "order."
 *         access: [read, write]
 *       - prefix: ""                # "" = every subject (and the global /config, /mode)
 *         access: [read]
 * tokens:
 *   - name: ci
 *     tokenHash: "sha256:<salt>:<digest>"
 *     permissions:
 *       - prefix: ""
 *         access: [read]
 * ```
 *
 * JSON with the same shape works too (YAML is a superset). Unknown keys are errors, so a typo
 * (`permission:`) fails loudly instead of silently granting nothing.
 */
import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import { parseHash, type ParsedHash } from './hash';

export type Access = 'read' | 'write';
export const ACCESS: readonly Access[] = ['read', 'write'];

export interface PermissionConfig {
  /** Subject prefix; "" matches every subject and also grants the global /config and /mode. */
  readonly prefix: string;
  readonly access: readonly Access[];
}

interface PrincipalConfig {
  readonly name: string;
  /** Everything, on every subject and the global endpoints. */
  readonly admin?: boolean;
  readonly permissions?: readonly PermissionConfig[];
}

export interface UserConfig extends PrincipalConfig {
  /** From `hashSecret(password)`: "scrypt:..." (recommended) or "sha256:...". */
  readonly passwordHash: string;
}

export interface TokenConfig extends PrincipalConfig {
  /** From `hashSecret(token)` / `generateToken()`: "sha256:..." or "scrypt:...". */
  readonly tokenHash: string;
}

export interface AuthConfig {
  readonly realm?: string;
  readonly users?: readonly UserConfig[];
  readonly tokens?: readonly TokenConfig[];
}

/** A malformed auth file: names the file and the offending key (e.g. `users[1].passwordHash`). */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  constructor(
    readonly file: string,
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${file}: ${key === '' ? '' : `${key}: `}${problem}`);
  }
}

/** A principal as validated, with its hash parsed. */
export interface ValidatedPrincipal {
  readonly kind: 'user' | 'token';
  readonly name: string;
  readonly admin: boolean;
  readonly permissions: readonly PermissionConfig[];
  readonly hash: ParsedHash;
}

export interface ValidatedAuthConfig {
  readonly validated: true;
  readonly realm: string;
  readonly users: readonly ValidatedPrincipal[];
  readonly tokens: readonly ValidatedPrincipal[];
}

type Fields = Record<string, unknown>;

class Checker {
  constructor(readonly file: string) {}

  fail(key: string, problem: string): never {
    throw new AuthConfigError(this.file, key, problem);
  }

  object(value: unknown, key: string, allowed: readonly string[]): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(key, 'expected a mapping');
    const fields = value as Fields;
    for (const name of Object.keys(fields)) {
      if (!allowed.includes(name)) this.fail(key === '' ? name : `${key}.${name}`, `unknown key (expected one of: ${allowed.join(', ')})`);
    }
    return fields;
  }

  list(value: unknown, key: string): readonly unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(key, 'expected a list');
    return value;
  }

  string(value: unknown, key: string, options: { nonEmpty?: boolean } = {}): string {
    if (typeof value !== 'string') this.fail(key, value === undefined ? 'required (a string)' : 'expected a string');
    if (options.nonEmpty === true && value.length === 0) this.fail(key, 'must not be empty');
    return value;
  }

  boolean(value: unknown, key: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(key, 'expected true or false');
    return value;
  }

  permission(value: unknown, key: string): PermissionConfig {
    const fields = this.object(value, key, ['prefix', 'access']);
    const prefix = this.string(fields['prefix'], `${key}.prefix`);
    const raw = fields['access'];
    if (!Array.isArray(raw) || raw.length === 0) this.fail(`${key}.access`, 'expected a non-empty list of read | write');
    const access = raw.map((item: unknown, i) => {
      if (item !== 'read' && item !== 'write') this.fail(`${key}.access[${i}]`, `expected read or write, got ${JSON.stringify(item)}`);
      return item;
    });
    return { prefix, access: [...new Set(access)] };
  }

  principal(value: unknown, key: string, kind: 'user' | 'token'): ValidatedPrincipal {
    const hashKey = kind === 'user' ? 'passwordHash' : 'tokenHash';
    const fields = this.object(value, key, ['name', hashKey, 'admin', 'permissions']);
    const name = this.string(fields['name'], `${key}.name`, { nonEmpty: true });
    if (kind === 'user' && name.includes(':')) this.fail(`${key}.name`, 'a Basic auth user name cannot contain ":"');
    const encoded = this.string(fields[hashKey], `${key}.${hashKey}`, { nonEmpty: true });
    let hash: ParsedHash;
    try {
      hash = parseHash(encoded);
    } catch (error) {
      this.fail(`${key}.${hashKey}`, (error as Error).message);
    }
    const admin = this.boolean(fields['admin'], `${key}.admin`);
    const permissions = this.list(fields['permissions'], `${key}.permissions`).map((p, i) => this.permission(p, `${key}.permissions[${i}]`));
    if (!admin && permissions.length === 0) this.fail(key, `"${name}" has neither admin: true nor any permissions`);
    return { kind, name, admin, permissions, hash };
  }
}

/** Validates an already-parsed auth config (`source` names it in errors). */
export function validateAuthConfig(data: unknown, source = 'auth config'): ValidatedAuthConfig {
  const check = new Checker(source);
  const root = check.object(data, '', ['realm', 'users', 'tokens']);
  const realm = root['realm'] === undefined ? 'schema-registry' : check.string(root['realm'], 'realm', { nonEmpty: true });
  if (/["\\\r\n]/.test(realm)) check.fail('realm', 'must not contain quotes, backslashes or line breaks');
  const users = check.list(root['users'], 'users').map((u, i) => check.principal(u, `users[${i}]`, 'user'));
  const tokens = check.list(root['tokens'], 'tokens').map((t, i) => check.principal(t, `tokens[${i}]`, 'token'));
  for (const [list, label] of [
    [users, 'users'],
    [tokens, 'tokens'],
  ] as const) {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (seen.has(p.name)) check.fail(`${label}[${i}].name`, `duplicate name "${p.name}"`);
      seen.add(p.name);
    });
  }
  if (users.length === 0 && tokens.length === 0) check.fail('', 'no users and no tokens: nobody could use the registry');
  return { validated: true, realm, users, tokens };
}

/** Reads and validates an auth file (YAML or JSON); every problem is an AuthConfigError naming the file. */
export function loadAuthConfig(file: string): ValidatedAuthConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AuthConfigError(file, '', `cannot read the auth file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      throw new AuthConfigError(
        file,
        '',
        `not valid YAML/JSON${at === undefined ? '' : ` at line ${at.line}, column ${at.col}`}: ${error.message.split('\n')[0]}`,
      );
    }
    throw error;
  }
  return validateAuthConfig(data, file);
}
