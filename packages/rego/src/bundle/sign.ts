/**
 * Bundle signing and verification, compatible with `opa build --signing-key`, `opa sign` and
 * OPA's bundle verification (v1/bundle/sign.go, verify.go, hash.go).
 *
 * `/.signatures.json` is `{"signatures": ["<JWS compact>"]}` (exactly one JWS). Its payload:
 *
 *   {"files": [{"name": "data.json", "hash": "<hex>", "algorithm": "SHA-256"}, ...], "keyid": "...", "scope": "..."}
 *
 * - `files` lists every file of the bundle except `.signatures.json`, named by its path without
 *   the leading `/`.
 * - `hash` is hex. For `.manifest` and any file named `data.json` (OPA's `IsStructuredDoc`, which
 *   also covers `data.yaml`) it is the digest of the parsed JSON in canonical form (see json.ts:
 *   sorted keys, no whitespace, number literals as written); for every other file, of its bytes.
 * - `keyid` (deprecated by OPA in favour of the header `kid`, but still written) and `scope` are
 *   optional claims. The protected header is `{"alg", "kid"?}`.
 *
 * Verification resolves the key id as OPA does (configured `keyId`, else header `kid`, else
 * payload `keyid`), requires the header `alg` to equal the key's algorithm, checks the signature,
 * then the scope (payload `scope` must equal the configured one; both default to none), then
 * every file: listed-but-absent, present-but-unlisted and digest mismatches are all reported.
 */
import { createHash, createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, errors as joseErrors } from 'jose';
import { readBundle, writeBundleFiles, type Bundle, type ReadBundleOptions } from './bundle';
import { BundleError, BundleVerificationError, type FileProblem } from './errors';
import { decodeJsonBytes, goQuote, opaJsonDigest, parseJson } from './json';
import { SIGNATURES_PATH } from './manifest';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'HS256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'HS256'];

/** A PEM string (RSA or EC key, or certificate), a shared secret (string or bytes), or a Node KeyObject. */
export type KeyMaterial = string | Uint8Array | KeyObject;

export interface SignOptions {
  readonly algorithm: SigningAlgorithm;
  /** RS256/ES256: the PEM private key (PKCS#8, PKCS#1 or SEC1). HS256: the shared secret. */
  readonly key: KeyMaterial;
  /** Written as the JWS header `kid` and the payload `keyid`, as OPA does. */
  readonly keyId?: string;
  /** Payload `scope` claim (verifiers configured with a scope require it to match). */
  readonly scope?: string;
}

export interface VerificationKey {
  readonly key: KeyMaterial;
  /** Default: {@link VerifyOptions.algorithm}, else inferred from the key (RSA -> RS256, P-256 -> ES256, secret -> HS256). */
  readonly algorithm?: SigningAlgorithm;
  /** Expected payload scope for this key (OPA's key `scope`). */
  readonly scope?: string;
}

export interface VerifyOptions extends ReadBundleOptions {
  /** Key id -> public key (PEM), shared secret, or {@link VerificationKey}. */
  readonly keys: Readonly<Record<string, KeyMaterial | VerificationKey>>;
  /** Algorithm of keys that do not name one. */
  readonly algorithm?: SigningAlgorithm;
  /** Use this key id whatever the JWS says (OPA's `signing.keyid` bundle setting). */
  readonly keyId?: string;
  /** Expected payload scope (overrides the key's). */
  readonly scope?: string;
}

/** One entry of the payload's `files`. */
export interface SignedFile {
  readonly name: string;
  readonly hash: string;
  readonly algorithm: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly keyId: string;
      readonly algorithm: SigningAlgorithm;
      readonly scope: string;
      readonly files: readonly SignedFile[];
      readonly bundle: Bundle;
    }
  | { readonly ok: false; readonly error: BundleVerificationError };

/** OPA's hash algorithm names (v1/bundle/hash.go) -> Node's. */
const HASHES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * OPA's digest of one bundle file (hex). `path` is the bundle path (`/data.json`); `algorithm` an
 * OPA name (`SHA-256`). Throws a {@link BundleError} for unknown algorithms, unparsable JSON and
 * `data.yaml` files (whose canonical form depends on Go's YAML-to-JSON conversion; not implemented).
 */
export function opaFileDigest(path: string, bytes: Uint8Array, algorithm = 'SHA-256'): string {
  const nodeAlgorithm = HASHES[algorithm];
  if (nodeAlgorithm === undefined) {
    throw new BundleError('invalid-input', { file: path }, `unsupported hashing algorithm "${algorithm}"`, `Use one of ${Object.keys(HASHES).join(', ')}`);
  }
  const base = basename(path);
  if (base === 'data.yaml') {
    throw new BundleError('invalid-input', { file: path }, 'digests of data.yaml files are not implemented', 'Ship the data as data.json');
  }
  if (base === 'data.json' || base === '.manifest' || base === 'signatures.json') {
    return opaJsonDigest(parseJson(decodeJsonBytes(bytes, path), path), nodeAlgorithm);
  }
  return createHash(nodeAlgorithm).update(bytes).digest('hex');
}

/** A string as Go's json.Marshal writes it (HTML-escaped), so the payload matches OPA's byte for byte. */
function goMarshalString(s: string): string {
  return goQuote(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'a shared secret';
  const details = key.asymmetricKeyDetails;
  const kind = key.asymmetricKeyType === 'ec' ? `EC ${details?.namedCurve ?? ''}`.trim() : (key.asymmetricKeyType ?? 'unknown').toUpperCase();
  return `${/^[AEIOU]|^RSA/.test(kind) ? 'an' : 'a'} ${kind} ${key.type} key`;
}

function algorithmFor(key: KeyObject): SigningAlgorithm | undefined {
  if (key.type === 'secret') return 'HS256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

const looksLikePem = (s: string): boolean => /-----BEGIN [A-Z0-9 ]+-----/.test(s);

/** Turn key material into a KeyObject of the kind `algorithm` needs (`use`: sign or verify). */
function keyObject(material: KeyMaterial, algorithm: SigningAlgorithm | undefined, use: 'sign' | 'verify', where: string): KeyObject {
  const bad = (detail: string, hint: string): never => {
    throw new BundleError('invalid-input', { file: where }, detail, hint);
  };
  let key: KeyObject;
  if (material instanceof KeyObject) {
    key = material;
  } else if (typeof material === 'string' && looksLikePem(material)) {
    if (algorithm === 'HS256')
      return bad('the key is PEM text but the algorithm is HS256', 'Use RS256 or ES256 with a PEM key, or pass the shared secret for HS256');
    try {
      key = use === 'sign' ? createPrivateKey(material) : createPublicKey(material);
    } catch (error) {
      return bad(
        `the PEM ${use === 'sign' ? 'private key' : 'key'} does not parse (${(error as Error).message})`,
        use === 'sign' ? 'Pass a PEM private key (PKCS#8, PKCS#1 or SEC1)' : 'Pass a PEM public key, private key or certificate',
      );
    }
  } else if (typeof material === 'string' || material instanceof Uint8Array) {
    const secret = typeof material === 'string' ? encoder.encode(material) : material;
    if (secret.length === 0) return bad('the shared secret is empty', 'Pass a non-empty secret');
    if (algorithm !== undefined && algorithm !== 'HS256') {
      return bad(`the key is not PEM text but the algorithm is ${algorithm}`, `Pass a PEM ${use === 'sign' ? 'private' : 'public'} key for ${algorithm}`);
    }
    key = createSecretKey(secret);
  } else {
    return bad('the key is not a string, bytes or KeyObject', 'Pass PEM text or a shared secret');
  }
  if (use === 'sign' && key.type === 'public') return bad('a public key cannot sign', 'Pass the private key');
  if (use === 'verify' && key.type === 'private') key = createPublicKey(key);
  const inferred = algorithmFor(key);
  if (inferred === undefined) return bad(`${describeKey(key)} is not supported`, 'Use an RSA key (RS256), a P-256 EC key (ES256) or a shared secret (HS256)');
  if (algorithm !== undefined && inferred !== algorithm)
    return bad(`${describeKey(key)} cannot be used with ${algorithm}`, `Use ${inferred}, or a key for ${algorithm}`);
  return key;
}

/** The `files` of a signature payload for the files of a bundle (all but /.signatures.json), by name. */
export function signedFilesOf(files: ReadonlyMap<string, Uint8Array>): SignedFile[] {
  const out: SignedFile[] = [];
  for (const [path, bytes] of files) {
    if (path === SIGNATURES_PATH) continue;
    out.push({ name: path.slice(1), hash: opaFileDigest(path, bytes, 'SHA-256'), algorithm: 'SHA-256' });
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/** `.signatures.json` as OPA writes it (json.MarshalIndent with a one-space indent). */
export function signaturesFileText(tokens: readonly string[]): string {
  return `{\n "signatures": [\n${tokens.map((t) => `  ${JSON.stringify(t)}`).join(',\n')}\n ]\n}`;
}

/**
 * Sign a bundle: returns a new bundle holding the same files plus `/.signatures.json` (an existing
 * one is replaced). RS256 and HS256 signatures are deterministic; ES256 ones are randomized, so
 * a bundle signed twice with ES256 differs in `/.signatures.json`.
 */
export async function signBundle(bytes: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  if (!SIGNING_ALGORITHMS.includes(options.algorithm)) {
    throw new BundleError(
      'invalid-input',
      { file: 'signing options', field: 'algorithm' },
      `unsupported algorithm "${String(options.algorithm)}"`,
      `Use one of ${SIGNING_ALGORITHMS.join(', ')}`,
    );
  }
  const key = keyObject(options.key, options.algorithm, 'sign', 'signing key');
  const bundle = await readBundle(bytes);
  const files = new Map(bundle.files);
  files.delete(SIGNATURES_PATH);
  const signed = signedFilesOf(files);
  const claims = [
    `"files":[${signed.map((f) => `{"name":${goMarshalString(f.name)},"hash":"${f.hash}","algorithm":"${f.algorithm}"}`).join(',')}]`,
    ...(options.keyId ? [`"keyid":${goMarshalString(options.keyId)}`] : []),
    ...(options.scope ? [`"scope":${goMarshalString(options.scope)}`] : []),
  ];
  const payload = encoder.encode(`{${claims.join(',')}}`);
  const token = await new CompactSign(payload).setProtectedHeader({ alg: options.algorithm, ...(options.keyId ? { kid: options.keyId } : {}) }).sign(key);
  files.set(SIGNATURES_PATH, encoder.encode(signaturesFileText([token])));
  return writeBundleFiles(files);
}

interface DecodedPayload {
  readonly files: readonly (Omit<SignedFile, 'algorithm'> & { readonly algorithm: string | undefined })[];
  readonly keyid: string | undefined;
  readonly scope: string;
}

function base64UrlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error('not base64url');
  return JSON.parse(decoder.decode(Buffer.from(part, 'base64url'))) as unknown;
}

/**
 * Verify a bundle's signature and every file against it. Never throws for a bad bundle: the
 * result says ok, or carries a {@link BundleVerificationError} naming what failed. Throws a
 * {@link BundleError} (code `invalid-input`) only for bad options (an unparsable key, a key
 * that does not fit its algorithm).
 */
export async function verifyBundle(bytes: Uint8Array, options: VerifyOptions): Promise<VerifyResult> {
  // Parse every configured key first: configuration errors are the caller's, not the bundle's.
  const keys = new Map<string, { key: KeyObject; algorithm: SigningAlgorithm; scope: string | undefined }>();
  for (const [id, entry] of Object.entries(options.keys)) {
    const config: VerificationKey = typeof entry === 'string' || entry instanceof Uint8Array || entry instanceof KeyObject ? { key: entry } : entry;
    const wanted = config.algorithm ?? options.algorithm;
    const key = keyObject(config.key, wanted, 'verify', `keys.${id}`);
    keys.set(id, { key, algorithm: wanted ?? (algorithmFor(key) as SigningAlgorithm), scope: config.scope });
  }
  const failed = (...args: ConstructorParameters<typeof BundleVerificationError>): VerifyResult => ({ ok: false, error: new BundleVerificationError(...args) });

  let bundle: Bundle;
  try {
    bundle = await readBundle(bytes, options);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    return failed('malformed-bundle', { file: error.file }, `the bundle cannot be read: ${error.detail}`, error.hint, { cause: error });
  }
  const at = { file: SIGNATURES_PATH };
  if (bundle.signatures === undefined) {
    return failed('unsigned', { file: '<bundle>' }, 'the bundle has no /.signatures.json', 'Sign it (signBundle, or opa sign), or verify without keys');
  }
  if (bundle.signatures.length !== 1) {
    return failed(
      'malformed-signatures',
      { ...at, field: 'signatures' },
      `expected exactly one JWS, found ${bundle.signatures.length}`,
      'Re-sign the bundle (OPA supports exactly one signature)',
    );
  }
  const token = bundle.signatures[0] ?? '';
  const parts = token.split('.');
  let header: Record<string, unknown>;
  let payload: DecodedPayload;
  try {
    if (parts.length !== 3) throw new Error(`a compact JWS has 3 dot-separated parts, this has ${parts.length}`);
    const h = base64UrlJson(parts[0] ?? '');
    const p = base64UrlJson(parts[1] ?? '');
    if (!isRecord(h) || !isRecord(p)) throw new Error('header and payload must be JSON objects');
    header = h;
    const files = p['files'];
    if (!Array.isArray(files)) throw new Error('payload "files" is not an array');
    const seen = new Set<string>();
    const decoded = files.map((f: unknown, i) => {
      if (!isRecord(f) || typeof f['name'] !== 'string' || typeof f['hash'] !== 'string') throw new Error(`payload files[${i}] needs string "name" and "hash"`);
      const algorithm = f['algorithm'];
      if (algorithm !== undefined && typeof algorithm !== 'string') throw new Error(`payload files[${i}].algorithm is not a string`);
      if (seen.has(f['name'])) throw new Error(`payload lists "${f['name']}" twice`);
      seen.add(f['name']);
      return { name: f['name'], hash: f['hash'], algorithm };
    });
    const keyid = p['keyid'];
    const scope = p['scope'];
    if (keyid !== undefined && typeof keyid !== 'string') throw new Error('payload "keyid" is not a string');
    if (scope !== undefined && typeof scope !== 'string') throw new Error('payload "scope" is not a string');
    payload = { files: decoded, keyid, scope: scope ?? '' };
  } catch (error) {
    return failed('malformed-signatures', at, `the JWS is malformed: ${(error as Error).message}`, 'Re-sign the bundle');
  }

  const keyId = options.keyId || (typeof header['kid'] === 'string' ? header['kid'] : '') || payload.keyid || '';
  if (keyId === '') {
    return failed('missing-key-id', at, 'the signature names no key id (no JWS "kid", no payload "keyid")', 'Sign with a key id, or pass options.keyId');
  }
  const key = keys.get(keyId);
  if (key === undefined) {
    const known = [...keys.keys()];
    return failed(
      'unknown-key',
      at,
      `the bundle is signed with key id "${keyId}", which is not configured (configured: ${known.length > 0 ? known.map((k) => `"${k}"`).join(', ') : 'none'})`,
      `Add key "${keyId}" to the verification keys, or re-sign with a configured key`,
      { keyId },
    );
  }
  if (header['alg'] !== key.algorithm) {
    return failed(
      'algorithm-mismatch',
      at,
      `the JWS algorithm is ${JSON.stringify(header['alg'])} but key "${keyId}" is configured for ${key.algorithm}`,
      `Re-sign with ${key.algorithm}, or configure key "${keyId}" for the algorithm it signs with`,
      { keyId },
    );
  }
  try {
    await compactVerify(token, key.key, { algorithms: [key.algorithm] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return failed('bad-signature', at, `the signature does not verify with key "${keyId}"`, 'Re-sign the bundle, or check that the key is the right one', {
        keyId,
      });
    }
    return failed('malformed-signatures', at, `the JWS is malformed: ${(error as Error).message}`, 'Re-sign the bundle', { keyId });
  }
  const scope = options.scope ?? key.scope ?? '';
  if (payload.scope !== scope) {
    return failed(
      'scope-mismatch',
      { ...at, field: 'scope' },
      `the signature's scope is ${JSON.stringify(payload.scope)}, expected ${JSON.stringify(scope)}`,
      'Re-sign with the expected scope, or configure the scope the signer uses',
      { keyId },
    );
  }

  const problems: FileProblem[] = [];
  const listed = new Map(payload.files.map((f) => [f.name, f]));
  const names = new Set([...listed.keys(), ...[...bundle.files.keys()].filter((p) => p !== SIGNATURES_PATH).map((p) => p.slice(1))]);
  for (const name of [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const path = `/${name}`;
    const entry = listed.get(name);
    const content = bundle.files.get(path);
    if (entry === undefined) {
      problems.push({ code: 'extra-file', file: path, detail: `${path} is in the bundle but not listed in the signature` });
    } else if (content === undefined || path === SIGNATURES_PATH) {
      problems.push({ code: 'missing-file', file: path, detail: `${path} is listed in the signature but missing from the bundle` });
    } else if (entry.algorithm === undefined || HASHES[entry.algorithm] === undefined) {
      problems.push({
        code: 'unsupported-hash',
        file: path,
        detail: `${path} is signed with ${entry.algorithm === undefined ? 'no hash algorithm' : `unknown hash algorithm "${entry.algorithm}"`}`,
      });
    } else {
      let actual: string;
      try {
        actual = opaFileDigest(path, content, entry.algorithm);
      } catch (error) {
        problems.push({ code: 'unsupported-hash', file: path, detail: (error as BundleError).detail });
        continue;
      }
      if (actual !== entry.hash.toLowerCase()) {
        problems.push({ code: 'tampered', file: path, detail: `${path} was modified after signing (${entry.algorithm} ${actual}, signed ${entry.hash})` });
      }
    }
  }
  const [first] = problems;
  if (first !== undefined) {
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more: ${problems
            .slice(1)
            .map((p) => `${p.file} ${p.code}`)
            .join(', ')})`
        : '';
    const hint =
      first.code === 'tampered'
        ? 'Rebuild and re-sign the bundle; do not edit a signed bundle'
        : first.code === 'unsupported-hash'
          ? 'Re-sign with SHA-256'
          : 'Re-sign the bundle after changing its files';
    return failed(first.code, { file: first.file }, `${first.detail}${more}`, hint, { keyId, problems });
  }
  return {
    ok: true,
    keyId,
    algorithm: key.algorithm,
    scope: payload.scope,
    files: payload.files.map((f) => ({ name: f.name, hash: f.hash, algorithm: f.algorithm ?? '' })),
    bundle,
  };
}
