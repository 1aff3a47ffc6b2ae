/**
 * Where a guard gets its bundle, and how it notices a new revision:
 *
 * - `{ url }`: an HTTP(S) bundle server (publishBundles of @dynamic-capital/contracts-rego, or any
 *   server OPA can poll). Each poll is a GET with `If-None-Match: <last ETag>`; 304 means
 *   unchanged. `token` is sent as `Authorization: Bearer <token>`.
 * - `{ file }`: a bundle file on disk, re-read when its mtime, size or inode changes (the guard
 *   then compares the bytes' hash, so a touch without a change is not an update). Replace the
 *   file atomically (write a temp file, rename it over): a half-written file is read as a bad
 *   bundle and rejected, and the next complete one is picked up.
 * - `{ bytes }`: fixed bytes, loaded once (no polling).
 */
import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_LIMITS } from '@dynamic-capital/contracts-rego';

export type BundleSource =
  | {
      /** `http(s)://.../bundles/<name>.tar.gz`. */
      readonly url: string | URL;
      /** Sent as `Authorization: Bearer <token>`. */
      readonly token?: string;
      /** Per request (default 10 000 ms). */
      readonly fetchTimeoutMs?: number;
    }
  | { readonly file: string }
  | { readonly bytes: Uint8Array };

/** One poll's result: new bytes to consider, or undefined when the source says nothing changed. */
export interface SourcePoller {
  /** For messages: the URL without credentials or query, the file path, or `<bytes>`. */
  readonly description: string;
  /** False for fixed bytes: no timer is needed after the first poll. */
  readonly polls: boolean;
  poll(): Promise<Uint8Array | undefined>;
}

/** The largest bundle a guard downloads (the bundle reader's own archive limit). */
const MAX_BYTES = DEFAULT_LIMITS.maxArchiveBytes;

function urlPoller(source: { readonly url: string | URL; readonly token?: string; readonly fetchTimeoutMs?: number }): SourcePoller {
  const url = new URL(String(source.url));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`guard source url must be http(s), got ${url.protocol}`);
  const description = `${url.origin}${url.pathname}`;
  const timeoutMs = source.fetchTimeoutMs ?? 10_000;
  let etag: string | undefined;
  return {
    description,
    polls: true,
    async poll() {
      const headers: Record<string, string> = { Accept: 'application/gzip, application/octet-stream;q=0.9, */*;q=0.1' };
      if (etag !== undefined) headers['If-None-Match'] = etag;
      if (source.token !== undefined) headers['Authorization'] = `Bearer ${source.token}`;
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      if (response.status === 304) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        const text = (await response.text().catch(() => '')).trim().slice(0, 300);
        throw new Error(`GET ${description}: HTTP ${response.status}${text === '' ? '' : ` ${text}`}`);
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > MAX_BYTES) {
        await response.body?.cancel();
        throw new Error(`GET ${description}: the bundle is ${declared} bytes, more than ${MAX_BYTES}`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_BYTES) throw new Error(`GET ${description}: the bundle is ${bytes.length} bytes, more than ${MAX_BYTES}`);
      // remembered whatever the guard makes of the bytes: a rejected bundle is not fetched again until it changes
      etag = response.headers.get('etag') ?? undefined;
      return bytes;
    },
  };
}

function filePoller(file: string): SourcePoller {
  let seen: string | undefined;
  return {
    description: file,
    polls: true,
    async poll() {
      const info = await stat(file);
      if (!info.isFile()) throw new Error(`${file} is not a regular file`);
      if (info.size > MAX_BYTES) throw new Error(`${file} is ${info.size} bytes, more than ${MAX_BYTES}`);
      const key = `${info.mtimeMs}:${info.size}:${info.ino}`;
      if (key === seen) return undefined;
      const bytes = new Uint8Array(await readFile(file));
      seen = key;
      return bytes;
    },
  };
}

function bytesPoller(bytes: Uint8Array): SourcePoller {
  let done = false;
  return {
    description: '<bytes>',
    polls: false,
    poll() {
      if (done) return Promise.resolve(undefined);
      done = true;
      return Promise.resolve(bytes);
    },
  };
}

/** The poller of a source; throws TypeError on a malformed source. */
export function sourcePoller(source: BundleSource): SourcePoller {
  if ('url' in source) return urlPoller(source);
  if ('file' in source) {
    if (typeof source.file !== 'string' || source.file === '') throw new TypeError('guard source file must be a non-empty path');
    return filePoller(source.file);
  }
  if ('bytes' in source && ArrayBuffer.isView(source.bytes)) return bytesPoller(source.bytes);
  throw new TypeError('guard source must be { url }, { file } or { bytes }');
}
