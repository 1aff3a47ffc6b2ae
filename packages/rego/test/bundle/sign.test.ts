import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  BundleError,
  BundleVerificationError,
  opaFileDigest,
  readBundle,
  signBundle,
  verifyBundle,
  writeBundleFiles,
  type SigningAlgorithm,
  type VerificationErrorCode,
  type VerifyOptions,
  type VerifyResult,
} from '../../src/bundle';
import { build, ecKeys, rawTarGz, rsaKeys } from './helpers';

const rsa = rsaKeys();
const ec = ecKeys();
const SECRET = 'correct horse battery staple';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const KEYS: Record<SigningAlgorithm, { sign: string; verify: string }> = {
  RS256: { sign: rsa.privateKey, verify: rsa.publicKey },
  ES256: { sign: ec.privateKey, verify: ec.publicKey },
  HS256: { sign: SECRET, verify: SECRET },
};

function failure(result: VerifyResult): BundleVerificationError {
  if (result.ok) throw new Error('expected verification to fail');
  return result.error;
}

/** Rewrite a bundle's files (keeping .signatures.json) to simulate tampering. */
async function tamper(bytes: Uint8Array, edit: (files: Map<string, Uint8Array>) => void): Promise<Uint8Array> {
  const files = new Map((await readBundle(bytes)).files);
  edit(files);
  return writeBundleFiles(files);
}

function decodeJws(token: string): { header: unknown; payload: string } {
  const [header = '', payload = ''] = token.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()) as unknown, payload: Buffer.from(payload, 'base64url').toString() };
}

describe.each(['RS256', 'ES256', 'HS256'] as const)('%s', (algorithm) => {
  const { sign, verify } = KEYS[algorithm];

  it('signs like OPA: one JWS over {"files": [{name, hash, algorithm}], "keyid"} with kid in the header', async () => {
    const unsigned = await build();
    const signed = await signBundle(unsigned, { algorithm, key: sign, keyId: 'release' });
    const bundle = await readBundle(signed);
    expect([...bundle.files.keys()]).toEqual(['/.manifest', '/.signatures.json', '/data.json', '/policy.wasm', '/trading_risk_v1.rego']);
    const text = Buffer.from(bundle.files.get('/.signatures.json') ?? []).toString();
    expect(text).toMatch(/^\{\n "signatures": \[\n {2}"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"\n \]\n\}$/);
    const { header, payload } = decodeJws(bundle.signatures?.[0] ?? '');
    expect(header).toEqual({ alg: algorithm, kid: 'release' });
    const hash = (path: string): string => opaFileDigest(path, bundle.files.get(path) ?? new Uint8Array());
    expect(payload).toBe(
      `{"files":[` +
        `{"name":".manifest","hash":"${hash('/.manifest')}","algorithm":"SHA-256"},` +
        `{"name":"data.json","hash":"${hash('/data.json')}","algorithm":"SHA-256"},` +
        `{"name":"policy.wasm","hash":"${hash('/policy.wasm')}","algorithm":"SHA-256"},` +
        `{"name":"trading_risk_v1.rego","hash":"${hash('/trading_risk_v1.rego')}","algorithm":"SHA-256"}],"keyid":"release"}`,
    );
    // the other files are untouched
    const original = await readBundle(unsigned);
    for (const [path, bytes] of original.files) expect(bundle.files.get(path)).toEqual(bytes);
  });

  it('verifies what it signs', async () => {
    const signed = await signBundle(await build(), { algorithm, key: sign, keyId: 'release' });
    const result = await verifyBundle(signed, { keys: { release: verify } });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.keyId).toBe('release');
      expect(result.algorithm).toBe(algorithm);
      expect(result.files.map((f) => f.name)).toEqual(['.manifest', 'data.json', 'policy.wasm', 'trading_risk_v1.rego']);
      expect(result.bundle.revision).toBe('1.0.0');
    }
  });

  it('detects a bad signature (another key of the same kind)', async () => {
    const other = algorithm === 'RS256' ? rsaKeys().publicKey : algorithm === 'ES256' ? ecKeys().publicKey : 'another secret';
    const signed = await signBundle(await build(), { algorithm, key: sign, keyId: 'release' });
    const error = failure(await verifyBundle(signed, { keys: { release: other } }));
    expect(error.code).toBe('bad-signature');
    expect(error.message).toBe(
      '/.signatures.json: the signature does not verify with key "release". Re-sign the bundle, or check that the key is the right one',
    );
  });

  if (algorithm !== 'ES256') {
    it('is deterministic (same bundle, same key: same signed bytes)', async () => {
      const a = await signBundle(await build(), { algorithm, key: sign, keyId: 'k' });
      const b = await signBundle(await build(), { algorithm, key: sign, keyId: 'k' });
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    });
  }
});

describe('verifyBundle failure modes', () => {
  const options: VerifyOptions = { keys: { release: rsa.publicKey } };
  let signed: Uint8Array;
  beforeAll(async () => {
    signed = await signBundle(await build(), { algorithm: 'RS256', key: rsa.privateKey, keyId: 'release' });
  });

  const cases: [string, () => Promise<VerifyResult>, VerificationErrorCode, RegExp][] = [
    [
      'a tampered file',
      async () =>
        verifyBundle(await tamper(signed, (f) => f.set('/data.json', enc('{"trading_risk_v1":{"limits":{"max_order_notional_usd":1e12}}}\n'))), options),
      'tampered',
      /^\/data\.json: \/data\.json was modified after signing \(SHA-256 [0-9a-f]{64}, signed [0-9a-f]{64}\)\. Rebuild and re-sign/,
    ],
    [
      'a tampered Wasm module',
      async () => verifyBundle(await tamper(signed, (f) => f.set('/policy.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0]))), options),
      'tampered',
      /^\/policy\.wasm: \/policy\.wasm was modified after signing/,
    ],
    [
      'a missing file',
      async () => verifyBundle(await tamper(signed, (f) => f.delete('/trading_risk_v1.rego')), options),
      'missing-file',
      /^\/trading_risk_v1\.rego: \/trading_risk_v1\.rego is listed in the signature but missing from the bundle/,
    ],
    [
      'an extra file',
      async () => verifyBundle(await tamper(signed, (f) => f.set('/backdoor.rego', enc('package trading_risk_v1\nallow := true\n'))), options),
      'extra-file',
      /^\/backdoor\.rego: \/backdoor\.rego is in the bundle but not listed in the signature/,
    ],
    [
      'an unknown key id',
      async () => verifyBundle(signed, { keys: { other: rsa.publicKey } }),
      'unknown-key',
      /signed with key id "release", which is not configured \(configured: "other"\)\. Add key "release"/,
    ],
    [
      'an algorithm mismatch (HS256 token checked against an RSA key: the key-confusion attack)',
      async () =>
        verifyBundle(
          await signBundle(await build(), { algorithm: 'HS256', key: rsa.publicKey.replace(/-----[A-Z ]+-----|\s/g, ''), keyId: 'release' }),
          options,
        ),
      'algorithm-mismatch',
      /the JWS algorithm is "HS256" but key "release" is configured for RS256/,
    ],
    [
      'an algorithm mismatch (RS256 token, key configured for ES256)',
      async () => verifyBundle(signed, { keys: { release: { key: ec.publicKey, algorithm: 'ES256' } } }),
      'algorithm-mismatch',
      /the JWS algorithm is "RS256" but key "release" is configured for ES256/,
    ],
    [
      'a scope mismatch',
      async () => verifyBundle(signed, { ...options, scope: 'write' }),
      'scope-mismatch',
      /\(scope\): the signature's scope is "", expected "write"/,
    ],
    ['an unsigned bundle', async () => verifyBundle(await build(), options), 'unsigned', /^<bundle>: the bundle has no \/\.signatures\.json/],
    [
      'no key id anywhere',
      async () => verifyBundle(await signBundle(await build(), { algorithm: 'RS256', key: rsa.privateKey }), options),
      'missing-key-id',
      /names no key id/,
    ],
    [
      'two signatures',
      async () => {
        const token = (await readBundle(signed)).signatures?.[0] ?? '';
        return verifyBundle(await tamper(signed, (f) => f.set('/.signatures.json', enc(JSON.stringify({ signatures: [token, token] })))), options);
      },
      'malformed-signatures',
      /expected exactly one JWS, found 2/,
    ],
    [
      'a signature that is not a JWS',
      async () => verifyBundle(await tamper(signed, (f) => f.set('/.signatures.json', enc('{"signatures": ["not-a-jws"]}'))), options),
      'malformed-signatures',
      /3 dot-separated parts/,
    ],
    [
      'a payload swapped under the same signature',
      async () => {
        const [h, p, s] = ((await readBundle(signed)).signatures?.[0] ?? '').split('.');
        const payload = Buffer.from(
          Buffer.from(p ?? '', 'base64url')
            .toString()
            .replace(/"hash":"[0-9a-f]/, '"hash":"0'),
        ).toString('base64url');
        return verifyBundle(await tamper(signed, (f) => f.set('/.signatures.json', enc(JSON.stringify({ signatures: [`${h}.${payload}.${s}`] })))), options);
      },
      'bad-signature',
      /does not verify/,
    ],
    ['a bundle that does not read', async () => verifyBundle(enc('garbage'), options), 'malformed-bundle', /the bundle cannot be read: not a gzip stream/],
  ];
  it.each(cases)('%s', async (_name, run, code, message) => {
    const error = failure(await run());
    expect(error).toBeInstanceOf(BundleVerificationError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('lists every file problem, the first in the message', async () => {
    const bad = await tamper(signed, (f) => {
      f.delete('/trading_risk_v1.rego');
      f.set('/data.json', enc('{}\n'));
      f.set('/extra.txt', enc('x'));
    });
    const error = failure(await verifyBundle(bad, options));
    expect(error.problems.map((p) => [p.code, p.file])).toEqual([
      ['tampered', '/data.json'],
      ['extra-file', '/extra.txt'],
      ['missing-file', '/trading_risk_v1.rego'],
    ]);
    expect(error.message).toMatch(/\(and 2 more: \/extra\.txt extra-file, \/trading_risk_v1\.rego missing-file\)/);
    expect(error.toJSON()).toMatchObject({ code: 'tampered', file: '/data.json', keyId: 'release' });
  });

  it('accepts a reformatted data.json (OPA hashes JSON structurally)', async () => {
    const reformatted = await tamper(signed, (f) => {
      const data = JSON.parse(Buffer.from(f.get('/data.json') ?? []).toString()) as unknown;
      f.set('/data.json', enc(JSON.stringify(data, null, 4)));
    });
    expect((await verifyBundle(reformatted, options)).ok).toBe(true);
  });

  it('resolves the key id as OPA does: options.keyId, then kid, then payload keyid', async () => {
    const anonymous = await signBundle(await build(), { algorithm: 'RS256', key: rsa.privateKey });
    const result = await verifyBundle(anonymous, { keys: { pinned: rsa.publicKey }, keyId: 'pinned' });
    expect(result.ok && result.keyId).toBe('pinned');
    expect((await verifyBundle(signed, { keys: { pinned: rsa.publicKey }, keyId: 'pinned' })).ok).toBe(true);
  });

  it('checks the scope: per key, or overridden by options.scope', async () => {
    const scoped = await signBundle(await build(), { algorithm: 'ES256', key: ec.privateKey, keyId: 'k', scope: 'write' });
    expect((await verifyBundle(scoped, { keys: { k: { key: ec.publicKey, scope: 'write' } } })).ok).toBe(true);
    expect((await verifyBundle(scoped, { keys: { k: ec.publicKey }, scope: 'write' })).ok).toBe(true);
    expect(failure(await verifyBundle(scoped, { keys: { k: ec.publicKey } })).code).toBe('scope-mismatch');
  });

  it('re-signing replaces the old signature', async () => {
    const resigned = await signBundle(signed, { algorithm: 'HS256', key: SECRET, keyId: 'ci' });
    expect((await readBundle(resigned)).signatures).toHaveLength(1);
    expect((await verifyBundle(resigned, { keys: { ci: SECRET } })).ok).toBe(true);
  });

  it('accepts PKCS#1 and SEC1 PEM, private keys in place of public ones, and KeyObjects', async () => {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    expect(pair.privateKey).toMatch(/BEGIN RSA PRIVATE KEY/);
    const bundle = await signBundle(await build(), { algorithm: 'RS256', key: pair.privateKey, keyId: 'k' });
    expect((await verifyBundle(bundle, { keys: { k: pair.publicKey } })).ok).toBe(true);
    expect((await verifyBundle(bundle, { keys: { k: pair.privateKey } })).ok).toBe(true);
    expect((await verifyBundle(bundle, { keys: { k: createPrivateKey(pair.privateKey) } })).ok).toBe(true);
  });
});

describe('bad keys are usage errors (thrown, naming the key and the fix)', () => {
  it.each([
    ['a PEM key for HS256', () => signBundle(new Uint8Array(), { algorithm: 'HS256', key: rsa.privateKey }), /PEM text but the algorithm is HS256/],
    [
      'an EC key for RS256',
      () => signBundle(new Uint8Array(), { algorithm: 'RS256', key: ec.privateKey }),
      /an EC prime256v1 private key cannot be used with RS256\. Use ES256/,
    ],
    ['a public key to sign', () => signBundle(new Uint8Array(), { algorithm: 'RS256', key: rsa.publicKey }), /does not parse|a public key cannot sign/],
    ['a secret for ES256', () => signBundle(new Uint8Array(), { algorithm: 'ES256', key: 'secret' }), /not PEM text but the algorithm is ES256/],
    ['an empty secret', () => signBundle(new Uint8Array(), { algorithm: 'HS256', key: '' }), /shared secret is empty/],
    [
      'broken PEM',
      () => signBundle(new Uint8Array(), { algorithm: 'RS256', key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }),
      /does not parse/,
    ],
    ['an unknown algorithm', () => signBundle(new Uint8Array(), { algorithm: 'PS256' as SigningAlgorithm, key: SECRET }), /unsupported algorithm "PS256"/],
    [
      'a P-384 key',
      () => verifyBundle(new Uint8Array(), { keys: { k: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey } }),
      /^keys\.k: an EC secp384r1 public key is not supported/,
    ],
  ])('%s', async (_name, run, message) => {
    await expect(run()).rejects.toThrow(BundleError);
    await expect(run()).rejects.toThrow(message);
  });
});

/**
 * Interoperability: JWS tokens and the RSA public key from OPA's own tests (v1/bundle/verify_test.go,
 * Apache-2.0). Their payloads list files that are not in our bundle, so a token whose signature
 * checks out fails later, on the first missing file; one that does not, fails as bad-signature.
 */
describe('OPA-signed tokens', () => {
  const OPA_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KaakMv1XKKDaSch3PFR
3a27oaHp1GNTTNqvb1ZaHZXp+wuhYDwc/MTE67x9GCifvQBWzEGorgTq7aisiOyl
vKifwz6/wQ+62WHKG/sqKn2Xikp3P63aBIPlZcHbkyyRmL62yeyuzYoGvLEYel+m
z5SiKGBwviSY0Th2L4e5sGJuk2HOut6emxDi+E2Fuuj5zokFJvIT6Urlq8f3h6+l
GeR6HUOXqoYVf7ff126GP7dticTVBgibxkkuJFmpvQSW6xmxruT4k6iwjzbZHY7P
ypZ/TdlnuGC1cOpAVyU7k32IJ9CRbt3nwEf5U54LRXLLQjFixWZHwKdDiMTF4ws0
+wIDAQAB
-----END PUBLIC KEY-----`;
  const PAYLOAD =
    'eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ';
  const HS256_KID_FOO = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.${PAYLOAD}.u7b_h88osJpU6VQLhIUmZjblsPNCO_kTqsVtpEAHavs`;
  const HS256_KID_BAR = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJhciJ9.${PAYLOAD}.xW04tph2-dSy47uZ-CgiObvFWFLUsMym8N7ermgPZ0s`;
  const HS256_PAYLOAD_KEYID =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsImtleWlkIjoiZm9vIiwic2NvcGUiOiJ3cml0ZSJ9.4nrInalqppAc9EjsNUD9Y35amVpDGoRk4bkxzdY8fhs';
  const RS256_KID_FOO =
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI1MTQwNiwiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.UZcX_Qj29o213nwZ5mysiyNcgAp1AOqCkDLkj1KGZ7Cw3l17TbkF8t3FJd654sf762NGcABA0WQ2zxq-labXl_d5TKQmq23lurO3qLHI1cKQPyoxPbddGo78sJpMwWsiMyEYcyyKC9FpNUpa8cT81GPo4q9Zui8TAD0wtHh2YxBL7E8QYLJxcLMJTJxVBgrQGLXFT7vYRc6hJz9Vu-i0SWuLBGxOCmYoHr4DWFfy0IhAbhiUFyLRpukfBPjCJNYY5LgaZdN6LaYivtIEUms5jUuXubBimLJm7KOT5-bgJMXTcUsbrbl2Ma7PwG5IOKjjgyEvH8KVfGFZSzNrpuxKmA';

  const bundleWith = (token: string): Promise<Uint8Array> => rawTarGz([{ name: '/.signatures.json', content: JSON.stringify({ signatures: [token] }) }]);

  it.each([
    ['HS256, kid in the header', HS256_KID_FOO, { keys: { foo: 'secret' }, scope: 'write' }],
    ['HS256, deprecated keyid claim in the payload', HS256_PAYLOAD_KEYID, { keys: { foo: 'secret' }, scope: 'write' }],
    ['HS256, configured key id wins over kid', HS256_KID_BAR, { keys: { foo: 'secret' }, keyId: 'foo', scope: 'write' }],
    ['RS256', RS256_KID_FOO, { keys: { foo: OPA_PUBLIC_KEY }, scope: 'write' }],
  ] as [string, string, VerifyOptions][])('%s: the signature verifies', async (_name, token, options) => {
    const error = failure(await verifyBundle(await bundleWith(token), options));
    expect(error.code).toBe('missing-file');
    expect(error.file).toBe('/db/uam2/entitlements/data.json');
  });

  it('rejects them with the wrong key or scope', async () => {
    expect(failure(await verifyBundle(await bundleWith(HS256_KID_FOO), { keys: { foo: 'bad_secret' }, scope: 'write' })).code).toBe('bad-signature');
    expect(failure(await verifyBundle(await bundleWith(RS256_KID_FOO), { keys: { foo: rsa.publicKey }, scope: 'write' })).code).toBe('bad-signature');
    expect(failure(await verifyBundle(await bundleWith(HS256_KID_FOO), { keys: { foo: 'secret' }, scope: 'bad_scope' })).code).toBe('scope-mismatch');
  });
});
