import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { buildBundle, type BuildBundleInput } from '../../src/bundle';

/** The smallest valid Wasm module (magic + version 1): enough for the bundle layer, which never runs it. */
export const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export const INPUT: BuildBundleInput = {
  wasm: WASM,
  entrypoints: ['trading_risk_v1/decision', 'trading_risk_v1/allow'],
  roots: ['trading_risk_v1'],
  revision: '1.0.0',
  data: { trading_risk_v1: { limits: { max_order_notional_usd: 250000, allowed_venues: ['BINANCE', 'CME'] } } },
  rego: [{ path: 'trading_risk_v1.rego', source: 'package trading_risk_v1\n\ndefault allow := false\n' }],
};

export const build = (overrides: Partial<BuildBundleInput> = {}): Promise<Uint8Array> => buildBundle({ ...INPUT, ...overrides });

/** A gzipped tar with exactly these entries (any names and types, unchecked): for hostile-input tests. */
export async function rawTarGz(entries: readonly (Partial<Header> & { name: string; content?: string | Uint8Array })[]): Promise<Uint8Array> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const body = content === undefined ? undefined : typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
      if (body === undefined) tar.entry({ mtime: new Date(0), ...header }, (err) => (err ? reject(err) : resolve()));
      else tar.entry({ mtime: new Date(0), ...header }, body, (err) => (err ? reject(err) : resolve()));
    });
  }
  tar.finalize();
  await done;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

/** The entries of a well-formed bundle as raw tar entries (to tamper with). */
export const MANIFEST_TEXT = '{"revision":"r","roots":["p"],"wasm":[{"entrypoint":"p/allow","module":"/policy.wasm"}],"rego_version":1}\n';

export function rsaKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export function ecKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
  });
}
