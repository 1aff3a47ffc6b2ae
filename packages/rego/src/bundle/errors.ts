/**
 * Errors of the bundle library. Every one names the file (a path on disk, a path inside the bundle
 * such as `/data.json`, or `<bundle>` for the archive as a whole), the place when there is one
 * (line and column, a field, a JSON path) and the fix (`hint`). `message` carries all three, so
 * printing `error.message` is enough; the fields are there for structured output (`--json`, HTTP).
 */

/** Where a problem is: `file`, then optionally `line:column` and a `field` (a key, a JSON path). */
export interface ProblemLocation {
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  readonly field?: string;
}

function formatLocation(at: ProblemLocation): string {
  let text = at.file;
  if (at.line !== undefined) text += `:${at.line}${at.column !== undefined ? `:${at.column}` : ''}`;
  if (at.field !== undefined) text += ` (${at.field})`;
  return text;
}

abstract class LocatedError extends Error implements ProblemLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  /** What is wrong, without the location. */
  readonly detail: string;
  /** How to fix it (one imperative sentence). */
  readonly hint: string;

  constructor(at: ProblemLocation, detail: string, hint: string) {
    super(`${formatLocation(at)}: ${detail}. ${hint}`);
    this.file = at.file;
    if (at.line !== undefined) this.line = at.line;
    if (at.column !== undefined) this.column = at.column;
    if (at.field !== undefined) this.field = at.field;
    this.detail = detail;
    this.hint = hint;
  }

  /** A plain object for JSON output (an HTTP error body, `--json`). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { error: this.name, message: this.message, file: this.file, detail: this.detail, hint: this.hint };
    if (this.line !== undefined) out['line'] = this.line;
    if (this.column !== undefined) out['column'] = this.column;
    if (this.field !== undefined) out['field'] = this.field;
    return out;
  }
}

export type BundleErrorCode =
  /** buildBundle / signBundle / verifyBundle options are wrong (a usage error, not a bad bundle). */
  | 'invalid-input'
  /** The bytes are not a gzip stream, or not a tar archive inside it. */
  | 'not-a-bundle'
  /** An entry name escapes the bundle root, is absolute on Windows, or is otherwise unusable. */
  | 'unsafe-path'
  | 'duplicate-entry'
  /** A symlink, hard link, device or FIFO entry. */
  | 'unsupported-entry'
  /** A limit of {@link BundleLimits} was exceeded. */
  | 'too-large'
  /** A JSON file (`.manifest`, `data.json`, `.signatures.json`) does not parse. */
  | 'invalid-json'
  /** `.manifest` has the wrong shape. */
  | 'invalid-manifest'
  /** Roots, entrypoints, Wasm modules, data or Rego packages do not fit together (as OPA checks on activation). */
  | 'inconsistent-bundle';

/** A bundle that cannot be built or read. */
export class BundleError extends LocatedError {
  override readonly name = 'BundleError';
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, at: ProblemLocation, detail: string, hint: string) {
    super(at, detail, hint);
    this.code = code;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code };
  }
}

/** A policy pack directory (pack.yaml, data.toml, *.rego) that cannot be loaded. */
export class PackConfigError extends LocatedError {
  override readonly name = 'PackConfigError';
}

export type VerificationErrorCode =
  /** The bundle could not be read at all (see `cause`, a {@link BundleError}). */
  | 'malformed-bundle'
  /** No `/.signatures.json`. */
  | 'unsigned'
  /** `/.signatures.json` or its JWS does not have the shape OPA writes. */
  | 'malformed-signatures'
  /** No key id in the options, the JWS header (`kid`) or the payload (`keyid`). */
  | 'missing-key-id'
  /** The key id names no configured key. */
  | 'unknown-key'
  /** The JWS `alg` is not the algorithm configured for the key. */
  | 'algorithm-mismatch'
  /** The signature does not verify with the key. */
  | 'bad-signature'
  /** The payload `scope` is not the expected scope. */
  | 'scope-mismatch'
  /** A file's digest differs from the signed one. */
  | 'tampered'
  /** A file listed in the signature is not in the bundle. */
  | 'missing-file'
  /** A file in the bundle is not listed in the signature. */
  | 'extra-file'
  /** The payload names a hash algorithm OPA does not know, or none. */
  | 'unsupported-hash';

/** One file-level problem found while checking signed file digests. */
export interface FileProblem {
  readonly code: 'tampered' | 'missing-file' | 'extra-file' | 'unsupported-hash';
  /** Path inside the bundle as the signature names it (no leading slash), e.g. `data.json`. */
  readonly file: string;
  readonly detail: string;
}

/**
 * Why a bundle failed verification. When several files fail, `code`/`file` describe the first
 * (in file-name order) and `problems` lists all of them.
 */
export class BundleVerificationError extends LocatedError {
  override readonly name = 'BundleVerificationError';
  readonly code: VerificationErrorCode;
  readonly keyId?: string;
  readonly problems: readonly FileProblem[];

  constructor(
    code: VerificationErrorCode,
    at: ProblemLocation,
    detail: string,
    hint: string,
    extra: { keyId?: string; problems?: readonly FileProblem[]; cause?: unknown } = {},
  ) {
    super(at, detail, hint);
    this.code = code;
    if (extra.keyId !== undefined) this.keyId = extra.keyId;
    this.problems = extra.problems ?? [];
    if (extra.cause !== undefined) this.cause = extra.cause;
  }

  override toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...super.toJSON(), code: this.code };
    if (this.keyId !== undefined) out['keyId'] = this.keyId;
    if (this.problems.length > 0) out['problems'] = this.problems;
    return out;
  }
}
