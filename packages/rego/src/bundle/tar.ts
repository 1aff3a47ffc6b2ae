/**
 * Gzipped tar archives, written deterministically and read defensively (tar-stream underneath).
 *
 * Writing: entries sorted by name (byte-wise), regular files only, mode 0644, uid/gid 0, empty
 * user/group names, mtime 0 (1970-01-01); gzip at level 9 with header MTIME 0 and OS byte 255
 * ("unknown", as Go's compress/gzip writes it), so the archive does not depend on the clock, the
 * user or the platform. (The deflate stream itself depends on the zlib that Node ships: same
 * Node, same bytes.)
 *
 * Reading: see {@link BundleLimits}; names are normalized to `/a/b` and checked for traversal.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { BundleError } from './errors';
import { compareUtf8 } from './json';

/** Where the archive as a whole is meant in errors. */
export const ARCHIVE = '<bundle>';

/**
 * Limits readBundle enforces (all overridable). They bound memory on hostile input: a gzip bomb
 * stops at `maxTotalBytes` of output, a huge entry at its header.
 */
export interface BundleLimits {
  /** Largest compressed input. Default 64 MiB. */
  readonly maxArchiveBytes: number;
  /** Largest single file inside the archive. Default 64 MiB (OPA's own default is 1 GiB). */
  readonly maxFileBytes: number;
  /** Largest total of the decompressed tar stream (headers included). Default 256 MiB. */
  readonly maxTotalBytes: number;
  /** Most entries (files, directories, metadata headers). Default 10,000. */
  readonly maxEntries: number;
  /** Longest entry name, in UTF-16 code units. Default 1,024. */
  readonly maxPathLength: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxArchiveBytes: 64 * 1024 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 10_000,
  maxPathLength: 1024,
};

export interface ArchiveEntry {
  /** Normalized path, `/` + segments, e.g. `/data.json`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** gzip of a tar of `entries` (paths already normalized), sorted, with fixed metadata. */
export async function writeTarGz(entries: readonly ArchiveEntry[]): Promise<Uint8Array> {
  const sorted = [...entries].sort((a, b) => compareUtf8(a.path, b.path));
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const entry of sorted) {
    await new Promise<void>((resolve, reject) => {
      tar.entry(
        { name: entry.path, size: entry.bytes.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
        Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength),
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  tar.finalize();
  await done;
  const gz = gzipSync(Buffer.concat(chunks), { level: 9 });
  // RFC 1952 header: bytes 4-7 MTIME (zlib writes 0), byte 9 OS. No FHCRC, so patching is safe.
  gz[9] = 0xff;
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}

/**
 * A tar entry name as a bundle path: `/` + segments. Accepts `a/b`, `/a/b`, `./a/b`; rejects
 * `..`, `.` and empty segments inside the name, backslashes, NUL and drive letters.
 */
export function normalizeEntryPath(name: string, file: string = ARCHIVE): string {
  const unsafe = (why: string): never => {
    throw new BundleError('unsafe-path', { file, field: JSON.stringify(name) }, `entry name ${why}`, 'Rebuild the bundle with relative paths inside its root');
  };
  if (name.includes('\0')) unsafe('contains a NUL byte');
  if (name.includes('\\')) unsafe('contains a backslash');
  if (/^[A-Za-z]:/.test(name)) unsafe('starts with a drive letter');
  let rest = name;
  while (rest.startsWith('./')) rest = rest.slice(2);
  rest = rest.replace(/^\/+/, '');
  if (rest.endsWith('/')) unsafe('ends with "/" (a directory name on a file entry)');
  const segments = rest.split('/');
  for (const segment of segments) {
    if (segment === '..') unsafe('escapes the bundle root with ".."');
    if (segment === '.' || segment === '') unsafe(rest === '' ? 'is empty' : 'has an empty or "." segment');
  }
  return `/${segments.join('/')}`;
}

/** Read a tar.gz into normalized entries, enforcing `limits`. Directory entries are skipped. */
export async function readTarGz(bytes: Uint8Array, limits: BundleLimits): Promise<ArchiveEntry[]> {
  if (bytes.length > limits.maxArchiveBytes) {
    throw new BundleError(
      'too-large',
      { file: ARCHIVE },
      `the archive is ${bytes.length} bytes, over the ${limits.maxArchiveBytes}-byte limit`,
      'Shrink the bundle or raise limits.maxArchiveBytes',
    );
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new BundleError(
      'not-a-bundle',
      { file: ARCHIVE },
      'not a gzip stream (missing the 1f 8b magic bytes)',
      'Pass a .tar.gz bundle as built by `opa build`',
    );
  }
  let tarBytes: Buffer;
  try {
    tarBytes = gunzipSync(bytes, { maxOutputLength: limits.maxTotalBytes });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new BundleError(
        'too-large',
        { file: ARCHIVE },
        `the archive decompresses to more than ${limits.maxTotalBytes} bytes`,
        'Shrink the bundle or raise limits.maxTotalBytes',
      );
    }
    throw new BundleError('not-a-bundle', { file: ARCHIVE }, `gzip stream is corrupt (${(error as Error).message})`, 'Rebuild or re-download the bundle');
  }
  if (tarBytes.length === 0 || tarBytes.length % 512 !== 0) {
    throw new BundleError(
      'not-a-bundle',
      { file: ARCHIVE },
      `the gzip content is not a tar archive (${tarBytes.length} bytes, not a multiple of 512)`,
      'Pass a gzipped tar archive',
    );
  }

  const entries: ArchiveEntry[] = [];
  const seen = new Set<string>();
  let count = 0;
  let failure: Error | undefined;
  const ex = extract();
  const result = new Promise<ArchiveEntry[]>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const fail = (error: BundleError): void => {
        failure = error;
        // destroying the extractor tears down the entry stream too; nothing else needs its errors
        stream.on('error', () => undefined);
        ex.destroy();
      };
      if (++count > limits.maxEntries) {
        fail(new BundleError('too-large', { file: ARCHIVE }, `more than ${limits.maxEntries} entries`, 'Shrink the bundle or raise limits.maxEntries'));
        return;
      }
      if (header.name.length > limits.maxPathLength) {
        fail(
          new BundleError(
            'too-large',
            { file: ARCHIVE, field: `${header.name.slice(0, 60)}...` },
            `entry name longer than ${limits.maxPathLength} characters`,
            'Use shorter paths',
          ),
        );
        return;
      }
      if (header.type === 'directory') {
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        fail(
          new BundleError(
            'unsupported-entry',
            { file: ARCHIVE, field: JSON.stringify(header.name) },
            `entry is a ${header.type}; a bundle holds only regular files`,
            'Rebuild the bundle without links or special files',
          ),
        );
        return;
      }
      let path: string;
      try {
        path = normalizeEntryPath(header.name);
      } catch (error) {
        fail(error as BundleError);
        return;
      }
      if (seen.has(path)) {
        fail(
          new BundleError(
            'duplicate-entry',
            { file: path },
            'the archive holds this file twice (which copy OPA loads is undefined)',
            'Rebuild the bundle with each file once',
          ),
        );
        return;
      }
      seen.add(path);
      if (header.size > limits.maxFileBytes) {
        fail(
          new BundleError(
            'too-large',
            { file: path },
            `file is ${header.size} bytes, over the ${limits.maxFileBytes}-byte limit`,
            'Shrink the file or raise limits.maxFileBytes',
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        entries.push({ path, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
        next();
      });
    });
    const settle = (): void => (failure ? reject(failure) : resolve(entries));
    ex.on('finish', settle);
    ex.on('close', settle);
    ex.on('error', (error: Error) => {
      failure ??=
        error instanceof BundleError
          ? error
          : new BundleError('not-a-bundle', { file: ARCHIVE }, `the tar archive is corrupt (${error.message})`, 'Rebuild or re-download the bundle');
      reject(failure);
    });
  });
  ex.end(tarBytes);
  return result;
}
