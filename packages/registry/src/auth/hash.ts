/**
 * Secret hashes for the auth file (passwords and bearer tokens are never stored in clear):
 *
 *   scrypt:<N>:<r>:<p>:<salt base64>:<key base64>   scrypt(secret, salt, N, r, p) — use for passwords
 *   sha256:<salt base64>:<digest base64>            sha256(salt ‖ secret) — fine for random tokens
 *
 * Produce one with `hashSecret`, or from a shell (the secret is read from stdin, never argv):
 *   printf %s 'the password' | node packages/registry/dist/auth/hash.js [--sha256]
 *   node packages/registry/dist/auth/hash.js --new-token      # prints a random token and its hash
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export type HashAlgorithm = 'scrypt' | 'sha256';

export interface ScryptHash {
  readonly algorithm: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

export interface Sha256Hash {
  readonly algorithm: 'sha256';
  readonly salt: Buffer;
  readonly key: Buffer;
}

export type ParsedHash = ScryptHash | Sha256Hash;

/** Defaults: N = 2^15, r = 8, p = 1 (OWASP's scrypt minimum is N = 2^17 with r = 8 at p = 1; 2^15 keeps a cold login near 50 ms). */
export const SCRYPT_DEFAULTS = { N: 32768, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

function scryptMaxmem(N: number, r: number): number {
  return 128 * N * r + 1024 * 1024;
}

/** Hashes a secret for the auth file. Synchronous: meant for setup tools and tests, not request paths. */
export function hashSecret(secret: string, algorithm: HashAlgorithm = 'scrypt'): string {
  const salt = randomBytes(SALT_BYTES);
  if (algorithm === 'sha256') {
    const digest = createHash('sha256').update(salt).update(secret, 'utf8').digest();
    return `sha256:${salt.toString('base64')}:${digest.toString('base64')}`;
  }
  const { N, r, p } = SCRYPT_DEFAULTS;
  const key = scryptSync(secret, salt, KEY_BYTES, { N, r, p, maxmem: scryptMaxmem(N, r) });
  return `scrypt:${N}:${r}:${p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

/** A random bearer token (256 bits, base64url) and its hash for the auth file. */
export function generateToken(algorithm: HashAlgorithm = 'sha256'): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecret(token, algorithm) };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decode(text: string | undefined, what: string): Buffer {
  if (text === undefined || !BASE64.test(text)) throw new Error(`${what} is not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < 16) throw new Error(`${what} is shorter than 16 bytes`);
  return bytes;
}

function positiveInt(text: string | undefined, what: string, max: number): number {
  const n = text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new Error(`${what} must be an integer in 1..${max}`);
  return n;
}

/** Parses a stored hash; throws an Error saying what is wrong (the auth loader adds file and key). */
export function parseHash(encoded: string): ParsedHash {
  const parts = encoded.split(':');
  if (parts[0] === 'sha256') {
    if (parts.length !== 3) throw new Error('expected sha256:<salt base64>:<digest base64>');
    const key = decode(parts[2], 'the digest');
    if (key.length !== 32) throw new Error('the digest must be 32 bytes (SHA-256)');
    return { algorithm: 'sha256', salt: decode(parts[1], 'the salt'), key };
  }
  if (parts[0] === 'scrypt') {
    if (parts.length !== 6) throw new Error('expected scrypt:<N>:<r>:<p>:<salt base64>:<key base64>');
    const N = positiveInt(parts[1], 'N', 1 << 20);
    if ((N & (N - 1)) !== 0 || N < 2) throw new Error('N must be a power of two');
    const r = positiveInt(parts[2], 'r', 32);
    const p = positiveInt(parts[3], 'p', 16);
    if (scryptMaxmem(N, r) > MAX_SCRYPT_MEMORY) throw new Error('N and r ask for more than 256 MiB');
    return { algorithm: 'scrypt', N, r, p, salt: decode(parts[4], 'the salt'), key: decode(parts[5], 'the key') };
  }
  throw new Error('expected a hash "scrypt:..." or "sha256:..." (make one with hashSecret or dist/auth/hash.js)');
}

function derive(secret: string, hash: ParsedHash): Promise<Buffer> {
  if (hash.algorithm === 'sha256') {
    return Promise.resolve(createHash('sha256').update(hash.salt).update(secret, 'utf8').digest());
  }
  return new Promise((resolve, reject) => {
    scrypt(secret, hash.salt, hash.key.length, { N: hash.N, r: hash.r, p: hash.p, maxmem: scryptMaxmem(hash.N, hash.r) }, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

/** Whether `secret` matches; constant-time in the comparison, scrypt off the event loop. */
export async function verifySecret(secret: string, hash: ParsedHash | string): Promise<boolean> {
  const parsed = typeof hash === 'string' ? parseHash(hash) : hash;
  const derived = await derive(secret, parsed);
  return derived.length === parsed.key.length && timingSafeEqual(derived, parsed.key);
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main(args: readonly string[]): Promise<number> {
  const algorithm: HashAlgorithm = args.includes('--sha256') ? 'sha256' : 'scrypt';
  if (args.includes('--new-token')) {
    const { token, hash } = generateToken(args.includes('--scrypt') ? 'scrypt' : 'sha256');
    process.stdout.write(`token: ${token}\ntokenHash: "${hash}"\n`);
    return 0;
  }
  if (args.some((a) => !['--sha256', '--scrypt'].includes(a))) {
    process.stderr.write('usage: printf %s SECRET | node hash.js [--sha256]    |    node hash.js --new-token [--scrypt]\n');
    return 2;
  }
  const secret = (await readStdin()).replace(/\r?\n$/, '');
  if (secret.length === 0) {
    process.stderr.write('hash.js: empty secret on stdin\n');
    return 2;
  }
  process.stdout.write(`${hashSecret(secret, algorithm)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`hash.js: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
