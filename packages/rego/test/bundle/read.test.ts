import { gzipSync } from 'node:zlib';
import { BundleError, readBundle, type BundleErrorCode, type BundleLimits } from '../../src/bundle';
import { MANIFEST_TEXT, WASM, build, rawTarGz } from './helpers';

async function readError(bytes: Uint8Array, limits?: Partial<BundleLimits>): Promise<BundleError> {
  try {
    await readBundle(bytes, limits ? { limits } : {});
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error('expected readBundle to fail');
}

const WELL_FORMED = [
  { name: '/.manifest', content: MANIFEST_TEXT },
  { name: '/data.json', content: '{}' },
  { name: '/policy.wasm', content: WASM },
];

describe('readBundle', () => {
  it('reads bundles written by other tools: names without "/" or with "./", directory entries', async () => {
    const bundle = await readBundle(
      await rawTarGz([
        { name: './', type: 'directory' },
        { name: '.manifest', content: MANIFEST_TEXT },
        { name: './data.json', content: '{"p": {"x": 1}}' },
        { name: 'p/', type: 'directory' },
        { name: 'p/q/data.json', content: '{"y": [1, 2]}' },
        { name: 'policy.wasm', content: WASM },
        { name: 'p/policy.rego', content: 'package p\n' },
      ]),
    );
    expect([...bundle.files.keys()]).toEqual(['/.manifest', '/data.json', '/p/policy.rego', '/p/q/data.json', '/policy.wasm']);
    expect(bundle.data).toEqual({ p: { x: 1, q: { y: [1, 2] } } });
    expect(bundle.wasm.map((w) => [w.path, w.entrypoints])).toEqual([['/policy.wasm', ['p/allow']]]);
  });

  it('treats a bundle without a manifest as owning all of data', async () => {
    const bundle = await readBundle(await rawTarGz([{ name: '/data.json', content: '{"anything": true}' }]));
    expect(bundle.manifest).toBeUndefined();
    expect(bundle.roots).toEqual(['']);
    expect(bundle.revision).toBe('');
  });

  it('keeps a "__proto__" data key as data', async () => {
    const bundle = await readBundle(await rawTarGz([{ name: '/data.json', content: '{"__proto__": {"polluted": true}}' }]));
    expect(Object.keys(bundle.data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  const hostile: [string, () => Promise<Uint8Array>, BundleErrorCode, RegExp, Partial<BundleLimits>?][] = [
    ['not gzip', async () => new TextEncoder().encode('PK\u0003\u0004 a zip file'), 'not-a-bundle', /not a gzip stream/],
    ['gzip of something else', async () => new Uint8Array(gzipSync('hello')), 'not-a-bundle', /not a tar archive/],
    ['corrupt gzip', async () => (await build()).subarray(0, 40), 'not-a-bundle', /gzip stream is corrupt|tar archive is corrupt/],
    ['a tar of garbage', async () => new Uint8Array(gzipSync(Buffer.alloc(1024, 0x41))), 'not-a-bundle', /tar archive is corrupt/],
    [
      '"../" traversal',
      () => rawTarGz([...WELL_FORMED, { name: '../../etc/passwd', content: 'x' }]),
      'unsafe-path',
      /"\.\.\/\.\.\/etc\/passwd".*escapes the bundle root/,
    ],
    ['traversal inside a path', () => rawTarGz([{ name: '/p/../../x.rego', content: 'package p' }]), 'unsafe-path', /escapes the bundle root/],
    ['a backslash', () => rawTarGz([{ name: '..\\x.rego', content: 'package p' }]), 'unsafe-path', /backslash/],
    ['a drive letter', () => rawTarGz([{ name: 'C:/x.rego', content: 'package p' }]), 'unsafe-path', /drive letter/],
    ['an empty segment', () => rawTarGz([{ name: '/p//x.rego', content: 'package p' }]), 'unsafe-path', /empty or "\." segment/],
    ['a symlink', () => rawTarGz([...WELL_FORMED, { name: '/p/link.rego', type: 'symlink', linkname: '/etc/passwd' }]), 'unsupported-entry', /is a symlink/],
    ['a hard link', () => rawTarGz([...WELL_FORMED, { name: '/p/link.rego', type: 'link', linkname: '/data.json' }]), 'unsupported-entry', /is a link/],
    [
      'a duplicate entry',
      () => rawTarGz([...WELL_FORMED, { name: 'data.json', content: '{"p": {"evil": true}}' }]),
      'duplicate-entry',
      /^\/data\.json: the archive holds this file twice/,
    ],
    [
      'an oversized file',
      () => rawTarGz([...WELL_FORMED, { name: '/big.bin', content: Buffer.alloc(2000) }]),
      'too-large',
      /^\/big\.bin: file is 2000 bytes, over the 1000-byte limit/,
      { maxFileBytes: 1000 },
    ],
    [
      'a gzip bomb',
      () => rawTarGz([{ name: '/zeros.bin', content: Buffer.alloc(4 * 1024 * 1024) }]),
      'too-large',
      /decompresses to more than 1048576 bytes/,
      { maxTotalBytes: 1024 * 1024, maxFileBytes: 64 * 1024 * 1024 },
    ],
    [
      'too many entries',
      () => rawTarGz(Array.from({ length: 5 }, (_, i) => ({ name: `/f${i}.txt`, content: 'x' }))),
      'too-large',
      /more than 3 entries/,
      { maxEntries: 3 },
    ],
    ['an oversized archive', () => build(), 'too-large', /over the 100-byte limit/, { maxArchiveBytes: 100 }],
    [
      'invalid JSON data',
      () => rawTarGz([{ name: '/data.json', content: '{\n  "p": {\n    "x": 1,\n  }\n}' }]),
      'invalid-json',
      /^\/data\.json:4:3: expected a string key, found "}"/,
    ],
    [
      'a manifest that is not an object',
      () => rawTarGz([{ name: '/.manifest', content: '[]' }]),
      'invalid-manifest',
      /^\/\.manifest \(\(root\)\): the manifest is not a JSON object/,
    ],
    [
      'a non-string revision',
      () => rawTarGz([{ name: '/.manifest', content: '{"revision": 3}' }]),
      'invalid-manifest',
      /\(revision\): revision is 3, not a string/,
    ],
    ['a bad rego_version', () => rawTarGz([{ name: '/.manifest', content: '{"revision": "", "rego_version": 2}' }]), 'invalid-manifest', /rego_version is 2/],
    [
      'a resolver naming a missing module',
      () => rawTarGz([{ name: '/.manifest', content: MANIFEST_TEXT }]),
      'inconsistent-bundle',
      /\(wasm\[0\]\.module\): names Wasm module "\/policy\.wasm", which is not in the bundle/,
    ],
    [
      'data outside the roots',
      () => rawTarGz([...WELL_FORMED.slice(0, 2), { name: '/q/data.json', content: '{"x": 1}' }, WELL_FORMED[2] ?? { name: '' }]),
      'inconsistent-bundle',
      /data at \/q is outside the bundle roots \["p"\]/,
    ],
    [
      'a module outside the roots',
      () => rawTarGz([...WELL_FORMED, { name: '/q.rego', content: 'package q.r\n' }]),
      'inconsistent-bundle',
      /^\/q\.rego \(package\): package q\.r is outside the bundle roots/,
    ],
    [
      'two data files defining the same key',
      () =>
        rawTarGz([
          { name: '/data.json', content: '{"p": {"x": 1}}' },
          { name: '/p/data.json', content: '{"x": 2}' },
        ]),
      'inconsistent-bundle',
      /data at \/p\/x is also defined by another data file/,
    ],
    [
      'a second manifest',
      () => rawTarGz([...WELL_FORMED, { name: '/p/extra.manifest', content: '{}' }]),
      'inconsistent-bundle',
      /^\/p\/extra\.manifest: OPA would read this file as the bundle manifest/,
    ],
    [
      'a second signatures file',
      () => rawTarGz([...WELL_FORMED, { name: '/p/signatures.json', content: '{}' }]),
      'inconsistent-bundle',
      /OPA would read this file as the bundle signatures/,
    ],
    [
      'invalid YAML data',
      () => rawTarGz([{ name: '/p/data.yaml', content: 'a: 1\nb: [1\n' }]),
      'invalid-json',
      /^\/p\/data\.yaml:\d+:\d+: .*Fix the YAML syntax$/,
    ],
    ['a delta bundle', () => rawTarGz([{ name: '/patch.json', content: '{"data": []}' }]), 'not-a-bundle', /delta bundles/],
    [
      'a malformed .signatures.json',
      () => rawTarGz([...WELL_FORMED, { name: '/.signatures.json', content: '{"signatures": "x"}' }]),
      'invalid-json',
      /expected \{"signatures"/,
    ],
  ];
  // a rest parameter: jest passes `done` to functions declaring more parameters than a row has
  it.each(hostile)('rejects %s', async (...row) => {
    const [, make, code, message, limits] = row;
    const error = await readError(await make(), limits);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
