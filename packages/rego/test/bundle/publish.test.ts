import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleError, BundleVerificationError, UploadError, publishBundles, signBundle, uploadBundle, type BundleServer } from '../../src/bundle';
import { build, rsaKeys } from './helpers';

const etagOf = (bytes: Uint8Array): string => `"${createHash('sha256').update(bytes).digest('hex')}"`;
const TOKEN = 's3cret-token';

let servers: BundleServer[] = [];
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

async function start(options: Parameters<typeof publishBundles>[0]): Promise<BundleServer> {
  const server = await publishBundles(options);
  servers.push(server);
  return server;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
  dirs.push(dir);
  return dir;
}

describe('publishBundles: GET', () => {
  let v1: Uint8Array;
  let v2: Uint8Array;
  beforeAll(async () => {
    v1 = await build({ revision: 'v1' });
    v2 = await build({ revision: 'v2' });
  });

  it('serves a bundle with a strong ETag, Cache-Control and application/gzip', async () => {
    const server = await start({ bundles: { trading_risk_v1: v1 } });
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(server.urlOf('trading_risk_v1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('etag')).toBe(etagOf(v1));
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-length')).toBe(String(v1.length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(v1);
  });

  it('answers If-None-Match with 304 (strong, weak and listed tags), and HEAD without a body', async () => {
    const server = await start({ bundles: new Map([['trading_risk_v1', v1]]), cacheControl: 'max-age=0, must-revalidate' });
    const url = server.urlOf('trading_risk_v1');
    for (const tag of [etagOf(v1), `W/${etagOf(v1)}`, `"other", ${etagOf(v1)}`, '*']) {
      const res = await fetch(url, { headers: { 'If-None-Match': tag } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etagOf(v1));
      expect(res.headers.get('cache-control')).toBe('max-age=0, must-revalidate');
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    }
    expect((await fetch(url, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etagOf(v1));
  });

  it('swaps a bundle with update(): the ETag changes, so a poller picks it up', async () => {
    const server = await start({ bundles: { trading_risk_v1: v1 }, log: () => undefined });
    const url = server.urlOf('trading_risk_v1');
    const info = await server.update('trading_risk_v1', v2);
    expect(info).toEqual({ name: 'trading_risk_v1', etag: etagOf(v2), size: v2.length, revision: 'v2' });
    const res = await fetch(url, { headers: { 'If-None-Match': etagOf(v1) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(etagOf(v2));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(v2);
  });

  it('keeps the old bundle when update() gets one that does not read', async () => {
    const server = await start({ bundles: { trading_risk_v1: v1 } });
    await expect(server.update('trading_risk_v1', new Uint8Array([1, 2, 3]))).rejects.toThrow(BundleError);
    expect(server.get('trading_risk_v1')?.etag).toBe(etagOf(v1));
    await expect(server.update('../x', v1)).rejects.toThrow(/is not a bundle name/);
  });

  it('lists bundles, reports health, and answers 404/405 as JSON', async () => {
    const server = await start({ bundles: { trading_risk_v1: v1, authz_v1: v2 } });
    const list = (await (await fetch(`${server.url}/bundles`)).json()) as unknown;
    expect(list).toEqual([
      { name: 'trading_risk_v1', etag: etagOf(v1), size: v1.length, revision: 'v1' },
      { name: 'authz_v1', etag: etagOf(v2), size: v2.length, revision: 'v2' },
    ]);
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const missing = await fetch(server.urlOf('nope'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not-found', message: 'no bundle named "nope"' });
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404);
    const del = await fetch(server.urlOf('authz_v1'), { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect(await server.remove('authz_v1')).toBe(true);
    expect((await fetch(server.urlOf('authz_v1'))).status).toBe(404);
  });
});

describe('publishBundles: PUT and uploadBundle', () => {
  let v1: Uint8Array;
  let v2: Uint8Array;
  beforeAll(async () => {
    v1 = await build({ revision: 'v1' });
    v2 = await build({ revision: 'v2' });
  });

  it('refuses uploads without a configured token (405)', async () => {
    const server = await start({});
    const error = await uploadBundle(server.urlOf('trading_risk_v1'), v1, { token: TOKEN }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).status).toBe(405);
    expect((error as UploadError).message).toMatch(/405 this server does not accept uploads/);
  });

  it('requires the bearer token (401 otherwise)', async () => {
    const server = await start({ token: TOKEN });
    for (const token of [undefined, 'wrong']) {
      const error = (await uploadBundle(server.urlOf('trading_risk_v1'), v1, token ? { token } : {}).catch((e: unknown) => e)) as UploadError;
      expect(error.status).toBe(401);
      expect(error.body).toMatchObject({ error: 'unauthorized', hint: 'Send Authorization: Bearer <token>' });
    }
    expect(server.list()).toEqual([]);
  });

  it('creates (201) then replaces (200) a bundle; GET serves the new one', async () => {
    const log: string[] = [];
    const server = await start({ token: TOKEN, log: (line) => log.push(line) });
    const url = server.urlOf('trading_risk_v1');
    const created = await uploadBundle(url, v1, { token: TOKEN });
    expect(created).toEqual({ status: 201, etag: etagOf(v1), body: { name: 'trading_risk_v1', etag: etagOf(v1), size: v1.length, revision: 'v1' } });
    const replaced = await uploadBundle(url, v2, { token: TOKEN, ifMatch: etagOf(v1) });
    expect(replaced.status).toBe(200);
    expect((await fetch(url)).headers.get('etag')).toBe(etagOf(v2));
    expect(log).toEqual([
      `bundle trading_risk_v1: published (revision "v1", etag ${etagOf(v1)})`,
      `bundle trading_risk_v1: replaced (revision "v2", etag ${etagOf(v2)})`,
    ]);
  });

  it('rejects a bundle that does not read with a clear 400 JSON error, keeping the old one', async () => {
    const server = await start({ token: TOKEN, bundles: { trading_risk_v1: v1 } });
    const url = server.urlOf('trading_risk_v1');
    const broken = await build({ revision: 'v3' });
    const error = (await uploadBundle(url, broken.subarray(0, broken.length - 20), { token: TOKEN }).catch((e: unknown) => e)) as UploadError;
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ error: 'invalid-bundle', reason: 'not-a-bundle', file: '<bundle>' });
    expect(error.message).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/bundles\/trading_risk_v1\.tar\.gz failed: 400 <bundle>: /);
    expect((await fetch(url)).headers.get('etag')).toBe(etagOf(v1));
  });

  it('with keys configured, rejects an unsigned or wrongly signed bundle (400) and accepts a signed one', async () => {
    const keys = rsaKeys();
    const server = await start({ token: TOKEN, verify: { keys: { release: keys.publicKey } } });
    const url = server.urlOf('trading_risk_v1');
    const unsigned = (await uploadBundle(url, v1, { token: TOKEN }).catch((e: unknown) => e)) as UploadError;
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toMatchObject({ error: 'unverified-bundle', reason: 'unsigned' });
    const other = await signBundle(v1, { algorithm: 'RS256', key: rsaKeys().privateKey, keyId: 'release' });
    expect(((await uploadBundle(url, other, { token: TOKEN }).catch((e: unknown) => e)) as UploadError).body).toMatchObject({ reason: 'bad-signature' });
    const signed = await signBundle(v1, { algorithm: 'RS256', key: keys.privateKey, keyId: 'release' });
    expect((await uploadBundle(url, signed, { token: TOKEN })).status).toBe(201);
    await expect(server.update('trading_risk_v1', v2)).rejects.toThrow(BundleVerificationError);
  });

  it('answers 412 to a stale If-Match and 413 to an oversized upload', async () => {
    const server = await start({ token: TOKEN, bundles: { trading_risk_v1: v1 }, maxUploadBytes: 100_000 });
    const url = server.urlOf('trading_risk_v1');
    const stale = (await uploadBundle(url, v2, { token: TOKEN, ifMatch: '"stale"' }).catch((e: unknown) => e)) as UploadError;
    expect(stale.status).toBe(412);
    expect(server.get('trading_risk_v1')?.etag).toBe(etagOf(v1));
    const big = (await uploadBundle(url, new Uint8Array(200_000), { token: TOKEN }).catch((e: unknown) => e)) as UploadError;
    expect(big.status).toBe(413);
  });

  it('reports a server that does not answer as status 0', async () => {
    const server = await start({});
    const url = server.urlOf('x');
    await server.close();
    servers = [];
    const error = (await uploadBundle(url, v1, { timeoutMs: 2000 }).catch((e: unknown) => e)) as UploadError;
    expect(error).toBeInstanceOf(UploadError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/bundles\/x\.tar\.gz failed: /);
  });
});

describe('publishBundles: a directory', () => {
  it('serves the *.tar.gz files of a directory and writes uploads back to it', async () => {
    const dir = tempDir();
    const v1 = await build({ revision: 'v1' });
    writeFileSync(join(dir, 'trading_risk_v1.tar.gz'), v1);
    writeFileSync(join(dir, 'README.md'), 'not a bundle');
    const server = await start({ dir, token: TOKEN });
    expect(server.list().map((b) => b.name)).toEqual(['trading_risk_v1']);
    const v2 = await build({ revision: 'v2' });
    await uploadBundle(server.urlOf('authz_v1'), v2, { token: TOKEN });
    expect(new Uint8Array(readFileSync(join(dir, 'authz_v1.tar.gz')))).toEqual(v2);
    await server.remove('authz_v1');
    expect(existsSync(join(dir, 'authz_v1.tar.gz'))).toBe(false);
  });

  it('refuses to start on a file that is not a bundle, naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.tar.gz'), 'nope');
    await expect(publishBundles({ dir })).rejects.toThrow(/broken\.tar\.gz: <bundle>: not a gzip stream/);
  });
});
