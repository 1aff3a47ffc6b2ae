/**
 * An HTTP bundle server OPA (or the runtime's poller) can poll, and a client to upload to it.
 *
 *   GET|HEAD /bundles/<name>.tar.gz   the bundle; strong ETag (`"<sha256 hex>"`), `If-None-Match` -> 304,
 *                                      Cache-Control (default `no-cache`: caches must revalidate), application/gzip
 *   PUT      /bundles/<name>.tar.gz   replace or create (only with a token: `Authorization: Bearer <token>`);
 *                                      400 with a JSON error when the bundle does not read (or verify, with keys),
 *                                      keeping the bundle already served; `If-Match` -> 412 on a stale ETag
 *   GET      /bundles                  [{name, etag, size, revision}]
 *   GET      /health                   {"status": "ok"}
 *
 * Errors are JSON: `{"error": "<code>", "message": "...", ...}`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readBundle } from './bundle';
import { BundleError, BundleVerificationError } from './errors';
import { verifyBundle, type VerifyOptions } from './sign';
import { DEFAULT_LIMITS, type BundleLimits } from './tar';

/** Bundle names: what fits in a URL segment and a file name. */
export const BUNDLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface PublishOptions {
  /** Serve every `<name>.tar.gz` in this directory (created if missing); uploads and updates are written back to it. */
  readonly dir?: string;
  /** Bundles to serve, by name (no `.tar.gz`). */
  readonly bundles?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** Default 0: any free port (see {@link BundleServer.port}). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Accept PUT with `Authorization: Bearer <token>`. Without a token, PUT answers 405. */
  readonly token?: string;
  /** Require every bundle (at start, PUT, update) to verify with these keys. */
  readonly verify?: Omit<VerifyOptions, 'limits'>;
  /** Default `no-cache` (store, but revalidate with the ETag before each use). */
  readonly cacheControl?: string;
  /** Largest accepted upload; default {@link DEFAULT_LIMITS}.maxArchiveBytes. */
  readonly maxUploadBytes?: number;
  readonly limits?: Partial<BundleLimits>;
  /** One line per change or rejected upload (e.g. `io.stderr`). */
  readonly log?: (line: string) => void;
}

export interface PublishedBundle {
  readonly name: string;
  /** Quoted strong ETag: `"<sha256 hex>"`. */
  readonly etag: string;
  readonly size: number;
  readonly revision: string;
}

export interface BundleServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** `http://host:port/bundles/<name>.tar.gz`. */
  urlOf(name: string): string;
  list(): PublishedBundle[];
  get(name: string): (PublishedBundle & { readonly bytes: Uint8Array }) | undefined;
  /**
   * Serve `bytes` as `name` from now on (and write it to `dir`). Rejects, keeping the old bundle,
   * with a {@link BundleError} when it does not read or a {@link BundleVerificationError} when it
   * does not verify.
   */
  update(name: string, bytes: Uint8Array): Promise<PublishedBundle>;
  /** Stop serving `name` (and delete it from `dir`); false when there was none. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}

interface Entry extends PublishedBundle {
  readonly bytes: Uint8Array;
}

const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();

function checkName(name: string): void {
  if (!BUNDLE_NAME.test(name)) {
    throw new BundleError(
      'invalid-input',
      { file: `${name}.tar.gz`, field: 'name' },
      `"${name}" is not a bundle name`,
      'Use letters, digits, ".", "_" and "-" only',
    );
  }
}

/** Start a bundle server. Resolves once it listens. */
export async function publishBundles(options: PublishOptions): Promise<BundleServer> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxUploadBytes = options.maxUploadBytes ?? limits.maxArchiveBytes;
  const cacheControl = options.cacheControl ?? 'no-cache';
  const log = options.log ?? ((): void => undefined);
  const entries = new Map<string, Entry>();
  let chain: Promise<unknown> = Promise.resolve();

  /** Check `bytes` (read, and verify when configured); the published entry. */
  const admit = async (name: string, bytes: Uint8Array, file: string): Promise<Entry> => {
    checkName(name);
    let revision: string;
    try {
      if (options.verify) {
        const result = await verifyBundle(bytes, { ...options.verify, limits });
        if (!result.ok) throw result.error;
        revision = result.bundle.revision;
      } else {
        revision = (await readBundle(bytes, { limits })).revision;
      }
    } catch (error) {
      // at start-up, name the file on disk too
      if (file !== '' && error instanceof BundleVerificationError) {
        throw new BundleVerificationError(error.code, { ...error, file: `${file}: ${error.file}` }, error.detail, error.hint, error);
      }
      if (file !== '' && error instanceof BundleError)
        throw new BundleError(error.code, { ...error, file: `${file}: ${error.file}` }, error.detail, error.hint);
      throw error;
    }
    return { name, etag: `"${sha256(bytes).toString('hex')}"`, size: bytes.length, revision, bytes };
  };
  const persist = async (entry: Entry): Promise<void> => {
    if (!options.dir) return;
    const target = path.join(options.dir, `${entry.name}.tar.gz`);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, entry.bytes);
    await rename(temp, target);
  };
  /** Updates run one at a time, in arrival order. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };
  const update = (name: string, bytes: Uint8Array, ifMatch?: string): Promise<{ entry: Entry; created: boolean }> =>
    serial(async () => {
      const entry = await admit(name, bytes, '');
      const previous = entries.get(name);
      if (ifMatch !== undefined && !etagMatches(ifMatch, previous?.etag)) throw new PreconditionFailed(previous?.etag);
      await persist(entry);
      entries.set(name, entry);
      if (previous?.etag !== entry.etag)
        log(`bundle ${name}: ${previous ? 'replaced' : 'published'} (revision ${JSON.stringify(entry.revision)}, etag ${entry.etag})`);
      return { entry, created: previous === undefined };
    });

  if (options.dir) {
    await mkdir(options.dir, { recursive: true });
    for (const file of (await readdir(options.dir)).filter((f) => f.endsWith('.tar.gz')).sort()) {
      const name = file.slice(0, -'.tar.gz'.length);
      const full = path.join(options.dir, file);
      entries.set(name, await admit(name, await readFile(full), full));
    }
  }
  const initial = options.bundles instanceof Map ? [...options.bundles] : Object.entries(options.bundles ?? {});
  for (const [name, bytes] of initial) await update(name, bytes);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/health') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, { status: 'ok' });
    }
    if (url.pathname === '/bundles' || url.pathname === '/bundles/') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return sendJson(
        res,
        200,
        [...entries.values()].map(({ name, etag, size, revision }) => ({ name, etag, size, revision })),
      );
    }
    const match = /^\/bundles\/([^/]+)\.tar\.gz$/.exec(url.pathname);
    if (!match) return sendJson(res, 404, { error: 'not-found', message: `no route ${url.pathname}; bundles are at /bundles/<name>.tar.gz` });
    const name = match[1] ?? '';

    if (method === 'GET' || method === 'HEAD') {
      const entry = entries.get(name);
      if (!entry) return sendJson(res, 404, { error: 'not-found', message: `no bundle named "${name}"` });
      const headers = { ETag: entry.etag, 'Cache-Control': cacheControl };
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, entry.etag)) {
        res.writeHead(304, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'application/gzip', 'Content-Length': entry.size });
      res.end(method === 'HEAD' ? undefined : entry.bytes);
      return;
    }
    if (method !== 'PUT') return methodNotAllowed(res, options.token ? 'GET, HEAD, PUT' : 'GET, HEAD');
    if (!options.token) {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'uploads-disabled', message: 'this server does not accept uploads', hint: 'Start it with a token to accept PUT' });
    }
    if (!authorized(req.headers.authorization, options.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="bundles"');
      return sendJson(res, 401, {
        error: 'unauthorized',
        message: req.headers.authorization ? 'the bearer token is not valid' : 'missing Authorization header',
        hint: 'Send Authorization: Bearer <token>',
      });
    }
    if (!BUNDLE_NAME.test(name)) {
      return sendJson(res, 400, { error: 'invalid-name', message: `"${name}" is not a bundle name`, hint: 'Use letters, digits, ".", "_" and "-" only' });
    }
    const body = await readBody(req, maxUploadBytes);
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, {
        error: 'too-large',
        message: `the upload exceeds ${maxUploadBytes} bytes`,
        hint: 'Shrink the bundle or raise maxUploadBytes',
      });
    }
    const ifMatch = req.headers['if-match'];
    try {
      const { entry, created } = await update(name, body, ifMatch);
      res.setHeader('ETag', entry.etag);
      sendJson(res, created ? 201 : 200, { name, etag: entry.etag, size: entry.size, revision: entry.revision });
    } catch (error) {
      if (error instanceof PreconditionFailed) {
        sendJson(res, 412, {
          error: 'precondition-failed',
          message: `If-Match does not match the current ETag (${error.current ?? 'no bundle'})`,
          hint: 'Fetch the current bundle and retry',
        });
      } else if (error instanceof BundleVerificationError) {
        log(`bundle ${name}: rejected upload: ${error.message}`);
        sendJson(res, 400, { ...error.toJSON(), error: 'unverified-bundle', reason: error.code });
      } else if (error instanceof BundleError) {
        log(`bundle ${name}: rejected upload: ${error.message}`);
        sendJson(res, 400, { ...error.toJSON(), error: 'invalid-bundle', reason: error.code });
      } else {
        throw error;
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const base = `http://${host}:${address.port}`;

  return {
    url: base,
    port: address.port,
    urlOf: (name) => `${base}/bundles/${encodeURIComponent(name)}.tar.gz`,
    list: () => [...entries.values()].map(({ name, etag, size, revision }) => ({ name, etag, size, revision })),
    get: (name) => entries.get(name),
    update: async (name, bytes) => {
      const { entry } = await update(name, bytes);
      return { name: entry.name, etag: entry.etag, size: entry.size, revision: entry.revision };
    },
    remove: (name) =>
      serial(async () => {
        if (!entries.delete(name)) return false;
        if (options.dir) await rm(path.join(options.dir, `${name}.tar.gz`), { force: true });
        log(`bundle ${name}: removed`);
        return true;
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

class PreconditionFailed extends Error {
  constructor(readonly current: string | undefined) {
    super('precondition failed');
  }
}

/** `If-None-Match` / `If-Match` against an ETag (weak comparison, `*` matches any existing). */
function etagMatches(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || strip(candidate) === strip(etag));
}

function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // compare digests: equal length, constant time
  return m !== null && timingSafeEqual(sha256(m[1] ?? ''), sha256(token));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendJson(res, 405, { error: 'method-not-allowed', message: `use ${allow}` });
}

/** The request body, or undefined when it exceeds `max` bytes. */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) {
      req.resume();
      return undefined;
    }
    chunks.push(buf);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export interface UploadOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Sent as `If-Match`: fail with 412 unless the server still serves this ETag. */
  readonly ifMatch?: string;
  /** Default 30 s. */
  readonly timeoutMs?: number;
}

export interface UploadResult {
  readonly status: number;
  readonly etag: string | undefined;
  /** The server's JSON answer (for a bundle server: {name, etag, size, revision}), or its text. */
  readonly body: unknown;
}

/** A failed upload: `status` is the HTTP status (0 when no response came), `body` the server's answer. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** PUT a bundle to `url` (a bundle server's `/bundles/<name>.tar.gz`, or any endpoint taking application/gzip). */
export async function uploadBundle(url: string, bytes: Uint8Array, options: UploadOptions = {}): Promise<UploadResult> {
  const headers: Record<string, string> = { 'Content-Type': 'application/gzip' };
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(url, { method: 'PUT', headers, body: bytes, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new UploadError(`PUT ${url} failed: ${reason}`, 0, undefined, { cause: error });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  if (!response.ok) {
    const detail =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : text.slice(0, 500) || response.statusText;
    throw new UploadError(`PUT ${url} failed: ${response.status} ${detail}`, response.status, body);
  }
  return { status: response.status, etag: response.headers.get('etag') ?? undefined, body };
}
