import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BundleError, buildBundle, readBundle } from '../../src/bundle';
import { INPUT, WASM, build } from './helpers';

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

async function buildError(overrides: Parameters<typeof build>[0]): Promise<BundleError> {
  try {
    await build(overrides);
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error('expected buildBundle to fail');
}

describe('buildBundle', () => {
  it('writes the OPA layout: .manifest, data.json, policy.wasm and the Rego sources', async () => {
    const bundle = await readBundle(await build());
    expect([...bundle.files.keys()]).toEqual(['/.manifest', '/data.json', '/policy.wasm', '/trading_risk_v1.rego']);
    expect(text(bundle.files.get('/.manifest'))).toBe(
      '{"revision":"1.0.0","roots":["trading_risk_v1"],"wasm":[' +
        '{"entrypoint":"trading_risk_v1/decision","module":"/policy.wasm"},' +
        '{"entrypoint":"trading_risk_v1/allow","module":"/policy.wasm"}],"rego_version":1}\n',
    );
    expect(text(bundle.files.get('/data.json'))).toBe('{"trading_risk_v1":{"limits":{"allowed_venues":["BINANCE","CME"],"max_order_notional_usd":250000}}}\n');
    expect(bundle.files.get('/policy.wasm')).toEqual(WASM);
    expect(bundle.wasm).toEqual([{ path: '/policy.wasm', entrypoints: ['trading_risk_v1/decision', 'trading_risk_v1/allow'], bytes: WASM }]);
    expect(bundle.rego).toEqual([{ path: '/trading_risk_v1.rego', source: INPUT.rego?.[0]?.source }]);
    expect(bundle.revision).toBe('1.0.0');
    expect(bundle.roots).toEqual(['trading_risk_v1']);
    expect(bundle.data).toEqual(INPUT.data);
    expect(bundle.signatures).toBeUndefined();
  });

  it('writes {} as data.json when there is no data, and no Rego without sources', async () => {
    const bundle = await readBundle(await buildBundle({ wasm: WASM, entrypoints: ['p/allow'], roots: ['p'], revision: '' }));
    expect([...bundle.files.keys()]).toEqual(['/.manifest', '/data.json', '/policy.wasm']);
    expect(text(bundle.files.get('/data.json'))).toBe('{}\n');
  });

  it('is deterministic: same input, same bytes; key order of data does not matter', async () => {
    const a = await build();
    const b = await build({ data: { trading_risk_v1: { limits: { allowed_venues: ['BINANCE', 'CME'], max_order_notional_usd: 250000 } } } });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(await build({ revision: '1.0.1' })).equals(Buffer.from(a))).toBe(false);
  });

  it('fixes gzip and tar metadata (mtime 0, OS unknown, sorted names, root-owned 0644 files)', async () => {
    const bytes = await build();
    expect(Buffer.from(bytes.subarray(4, 8)).readUInt32LE(0)).toBe(0);
    expect(bytes[9]).toBe(0xff);
    const tar = gunzipSync(bytes);
    // ustar headers: name at 0 (100 bytes), mode at 100, uid 108, gid 116, mtime 136
    const names: string[] = [];
    for (let offset = 0; offset + 512 <= tar.length;) {
      const header = tar.subarray(offset, offset + 512);
      const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      if (name === '') break;
      names.push(name);
      expect(parseInt(header.subarray(100, 107).toString(), 8)).toBe(0o644);
      expect(parseInt(header.subarray(108, 115).toString(), 8)).toBe(0);
      expect(parseInt(header.subarray(136, 147).toString(), 8)).toBe(0);
      const size = parseInt(header.subarray(124, 135).toString(), 8);
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['/.manifest', '/data.json', '/policy.wasm', '/trading_risk_v1.rego']);
  });

  it('is readable by the system tar', async () => {
    let tarAvailable = true;
    try {
      execFileSync('tar', ['--version'], { stdio: 'ignore' });
    } catch {
      tarAvailable = false;
    }
    if (!tarAvailable) return;
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      writeFileSync(join(dir, 'bundle.tar.gz'), await build());
      const listing = execFileSync('tar', ['-tzf', join(dir, 'bundle.tar.gz')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(listing.trim().split('\n')).toEqual(['/.manifest', '/data.json', '/policy.wasm', '/trading_risk_v1.rego']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes Rego paths and keeps nested ones', async () => {
    const bundle = await readBundle(await build({ rego: [{ path: './policies/trading_risk_v1/main.rego', source: 'package trading_risk_v1\n' }] }));
    expect(bundle.rego.map((r) => r.path)).toEqual(['/policies/trading_risk_v1/main.rego']);
  });

  it('round-trips long and non-ASCII paths (pax / ustar prefix headers)', async () => {
    const long = `${'deeply/nested/'.repeat(12)}politique-é™.rego`;
    const bytes = await build({ rego: [{ path: long, source: 'package trading_risk_v1\n' }] });
    expect((await readBundle(bytes)).rego.map((r) => r.path)).toEqual([`/${long}`]);
    expect(Buffer.from(await build({ rego: [{ path: long, source: 'package trading_risk_v1\n' }] })).equals(Buffer.from(bytes))).toBe(true);
  });

  it('trims slashes from roots and entrypoints', async () => {
    const bundle = await readBundle(await build({ roots: ['/trading_risk_v1/'], entrypoints: ['/trading_risk_v1/allow'] }));
    expect(bundle.manifest?.roots).toEqual(['trading_risk_v1']);
    expect(bundle.manifest?.wasm).toEqual([{ entrypoint: 'trading_risk_v1/allow', module: '/policy.wasm' }]);
  });

  describe('rejects bad input, naming the file, the place and the fix', () => {
    const cases: [string, Parameters<typeof build>[0], RegExp][] = [
      [
        'a non-Wasm module',
        { wasm: new TextEncoder().encode('(module)') },
        /^\/policy\.wasm: the Wasm module does not start with the "\\0asm" magic bytes\. Pass the compiled/,
      ],
      ['no entrypoints', { entrypoints: [] }, /^\/\.manifest \(wasm\): no entrypoints.*Name the rules/],
      ['no roots', { roots: [] }, /^\/\.manifest \(roots\): no roots/],
      [
        'a dotted entrypoint',
        { entrypoints: ['trading_risk_v1.allow'] },
        /\(entrypoints\[0\]\): entrypoint "trading_risk_v1\.allow" is dotted\. Write it slash-separated.*"trading_risk_v1\/allow"/,
      ],
      ['a data. prefix', { entrypoints: ['data.trading_risk_v1.allow'] }, /starts with "data"\. Drop the prefix: "trading_risk_v1\/allow"/],
      ['an empty segment', { entrypoints: ['trading_risk_v1//allow'] }, /has an empty segment/],
      [
        'an entrypoint outside the roots',
        { entrypoints: ['authz_v1/allow'] },
        /\(wasm\[0\]\.entrypoint\): entrypoint "authz_v1\/allow" is outside the bundle roots \["trading_risk_v1"\]/,
      ],
      ['overlapping roots', { roots: ['trading_risk_v1', 'trading_risk_v1/limits'] }, /roots "trading_risk_v1" and "trading_risk_v1\/limits" overlap/],
      ['data outside the roots', { data: { other: { x: 1 } } }, /^\/data\.json \(data\.other\): data at \/other is outside the bundle roots/],
      ['data that is not an object', { data: [1, 2] }, /^\/data\.json: data is not an object/],
      [
        'data JSON cannot hold',
        { data: { trading_risk_v1: { limit: Number.NaN } } },
        /^\/data\.json \(data\.trading_risk_v1\.limit\): data\.trading_risk_v1\.limit is NaN/,
      ],
      ['a Date in data', { data: { trading_risk_v1: { at: new Date(0) } } }, /is a Date.*Convert it to an ISO 8601 string/],
      [
        'a Rego package outside the roots',
        { rego: [{ path: 'authz.rego', source: '# comment\npackage authz_v1\n' }] },
        /^\/authz\.rego \(package\): package authz_v1 is outside the bundle roots/,
      ],
      [
        'a Rego path escaping the bundle',
        { rego: [{ path: '../evil.rego', source: 'package trading_risk_v1' }] },
        /rego\[0\]\.path \("\.\.\/evil\.rego"\): entry name escapes the bundle root/,
      ],
      ['a Rego path not ending in .rego', { rego: [{ path: 'x.txt', source: 'package trading_risk_v1' }] }, /must end in \.rego/],
      [
        'duplicate Rego paths',
        {
          rego: [
            { path: 'a.rego', source: 'package trading_risk_v1' },
            { path: '/a.rego', source: 'package trading_risk_v1' },
          ],
        },
        /two Rego sources share this path/,
      ],
    ];
    it.each(cases)('%s', async (_name, overrides, message) => {
      const error = await buildError(overrides);
      expect(error.message).toMatch(message);
      expect(error.hint.length).toBeGreaterThan(0);
    });

    it('a cycle in data', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      expect((await buildError({ data: { trading_risk_v1: cyclic } })).message).toMatch(/a cycle/);
    });
  });
});
