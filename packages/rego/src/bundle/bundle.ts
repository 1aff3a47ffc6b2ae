/**
 * OPA bundles: build one from a compiled Wasm module, read one back.
 *
 * Layout (as `opa build -t wasm` writes it; v1/bundle/bundle.go `Writer.Write`):
 *
 *   /.manifest     {"revision", "roots", "wasm": [{"entrypoint", "module": "/policy.wasm"}], "rego_version": 1}
 *   /data.json     the base document (`{}` when there is none)
 *   /policy.wasm   the compiled policy
 *   /<path>.rego   optionally, the Rego sources
 *
 * Every entry name carries a leading `/`: OPA's tarball loader keeps names as they are, and the
 * manifest's `module` must equal the Wasm entry's name.
 */
import { LineCounter, parseDocument } from 'yaml';
import { BundleError } from './errors';
import { decodeJsonBytes, jsonValue, parseJson, stringifyCanonical } from './json';
import { DATA_PATH, MANIFEST_PATH, SIGNATURES_PATH, WASM_PATH, checkConsistency, parseManifest, type BundleManifest, type WasmResolver } from './manifest';
import { ARCHIVE, DEFAULT_LIMITS, normalizeEntryPath, readTarGz, writeTarGz, type ArchiveEntry, type BundleLimits } from './tar';

export interface BundleRegoFile {
  /** Path inside the bundle, e.g. `trading_risk_v1.rego` or `/trading_risk_v1/policy.rego`. */
  readonly path: string;
  readonly source: string;
}

export interface BuildBundleInput {
  /** The compiled policy (a WebAssembly module speaking OPA's ABI). */
  readonly wasm: Uint8Array;
  /** Entrypoints the module exports, slash-separated as OPA names them: `trading_risk_v1/allow`. */
  readonly entrypoints: readonly string[];
  /** The parts of `data` this bundle owns, slash-separated: `trading_risk_v1`. `[""]` claims everything. */
  readonly roots: readonly string[];
  /** Free-form revision recorded in the manifest (OPA reports it in status and decision logs). */
  readonly revision: string;
  /** The base document, written to /data.json; must be an object under the roots. Default `{}`. */
  readonly data?: unknown;
  /** Rego sources to ship alongside (their packages must lie under the roots). */
  readonly rego?: readonly BundleRegoFile[];
  /** Manifest `metadata` (free-form JSON object). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const ENTRYPOINT_SEGMENT = /^[^\s/]+$/;
const encoder = new TextEncoder();

function checkRefPath(kind: 'entrypoint' | 'root', value: string, field: string): string {
  const bad = (detail: string, hint: string): never => {
    throw new BundleError('invalid-input', { file: MANIFEST_PATH, field }, detail, hint);
  };
  if (typeof value !== 'string') return bad(`${kind} is ${typeof value}, not a string`, `Pass the ${kind} as a string such as "trading_risk_v1/allow"`);
  const trimmed = value.replace(/^\/+|\/+$/g, '');
  if (kind === 'root' && trimmed === '') return '';
  if (trimmed === '') bad(`${kind} is empty`, 'Name a rule, e.g. "trading_risk_v1/allow"');
  if (/^data[./]/.test(trimmed)) bad(`${kind} "${value}" starts with "data"`, `Drop the prefix: "${trimmed.replace(/^data[./]/, '').replace(/\./g, '/')}"`);
  if (!trimmed.includes('/') && trimmed.includes('.') && /^[\w.]+$/.test(trimmed)) {
    bad(`${kind} "${value}" is dotted`, `Write it slash-separated, as OPA names ${kind}s: "${trimmed.replace(/\./g, '/')}"`);
  }
  for (const segment of trimmed.split('/')) {
    if (!ENTRYPOINT_SEGMENT.test(segment))
      bad(`${kind} "${value}" has an empty segment or whitespace`, 'Write it as segments joined by single slashes, e.g. "pkg/rule"');
  }
  return trimmed;
}

/**
 * A gzipped tar in OPA's bundle format. Deterministic: the same input gives byte-identical
 * output (entries sorted, fixed metadata, data.json keys sorted; see tar.ts).
 */
export async function buildBundle(input: BuildBundleInput): Promise<Uint8Array> {
  const { wasm } = input;
  if (!(wasm instanceof Uint8Array) || wasm.length < 8 || WASM_MAGIC.some((b, i) => wasm[i] !== b)) {
    throw new BundleError(
      'invalid-input',
      { file: WASM_PATH },
      'the Wasm module does not start with the "\\0asm" magic bytes',
      'Pass the compiled .wasm binary (not its text form or a file path)',
    );
  }
  if (input.entrypoints.length === 0) {
    throw new BundleError(
      'invalid-input',
      { file: MANIFEST_PATH, field: 'wasm' },
      'no entrypoints: a Wasm bundle needs at least one',
      'Name the rules the module exports, e.g. entrypoints: ["trading_risk_v1/decision"]',
    );
  }
  if (input.roots.length === 0) {
    throw new BundleError(
      'invalid-input',
      { file: MANIFEST_PATH, field: 'roots' },
      'no roots: the bundle would own nothing',
      'Pass the package paths the bundle owns, e.g. roots: ["trading_risk_v1"]',
    );
  }
  if (typeof input.revision !== 'string') {
    throw new BundleError('invalid-input', { file: MANIFEST_PATH, field: 'revision' }, 'revision is not a string', 'Pass a string (may be empty)');
  }
  const roots = input.roots.map((r, i) => checkRefPath('root', r, `roots[${i}]`));
  const entrypoints = input.entrypoints.map((e, i) => checkRefPath('entrypoint', e, `entrypoints[${i}]`));
  const resolvers: WasmResolver[] = entrypoints.map((entrypoint) => ({ entrypoint, module: WASM_PATH }));

  const data = input.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BundleError('invalid-input', { file: DATA_PATH }, 'data is not an object', 'Pass the base document as an object keyed by the roots');
  }
  const dataText = stringifyCanonical(data, DATA_PATH);

  const rego: BundleRegoFile[] = [];
  const regoPaths = new Set<string>();
  for (const [i, module] of (input.rego ?? []).entries()) {
    const path = normalizeEntryPath(module.path, `rego[${i}].path`);
    if (!path.endsWith('.rego')) {
      throw new BundleError('invalid-input', { file: path, field: `rego[${i}].path` }, 'a Rego source path must end in .rego', 'Rename it to *.rego');
    }
    if (regoPaths.has(path))
      throw new BundleError('invalid-input', { file: path, field: `rego[${i}].path` }, 'two Rego sources share this path', 'Give each source its own path');
    regoPaths.add(path);
    rego.push({ path, source: module.source });
  }

  const manifest: BundleManifest = {
    revision: input.revision,
    roots,
    wasm: resolvers,
    rego_version: 1,
    ...(input.metadata ? { metadata: input.metadata } : {}),
  };
  checkConsistency({ roots, wasm: resolvers, wasmPaths: new Set([WASM_PATH]), rego, data: JSON.parse(dataText) as Record<string, unknown> });

  const entries: ArchiveEntry[] = [
    { path: MANIFEST_PATH, bytes: encoder.encode(`${stringifyManifest(manifest)}\n`) },
    { path: DATA_PATH, bytes: encoder.encode(`${dataText}\n`) },
    { path: WASM_PATH, bytes: wasm },
    ...rego.map((m) => ({ path: m.path, bytes: encoder.encode(m.source) })),
  ];
  return writeTarGz(entries);
}

/** The manifest as compact JSON, keys in OPA's struct order (metadata keys sorted). */
export function stringifyManifest(manifest: BundleManifest): string {
  const parts = [`"revision":${JSON.stringify(manifest.revision)}`];
  if (manifest.roots !== undefined) parts.push(`"roots":${JSON.stringify(manifest.roots)}`);
  if (manifest.wasm !== undefined && manifest.wasm.length > 0) {
    const resolvers = manifest.wasm.map((w) => {
      const fields = [`"entrypoint":${JSON.stringify(w.entrypoint)}`, `"module":${JSON.stringify(w.module)}`];
      if (w.annotations !== undefined) fields.push(`"annotations":${stringifyCanonical(w.annotations, MANIFEST_PATH, 'annotations')}`);
      return `{${fields.join(',')}}`;
    });
    parts.push(`"wasm":[${resolvers.join(',')}]`);
  }
  if (manifest.rego_version !== undefined) parts.push(`"rego_version":${manifest.rego_version}`);
  if (manifest.file_rego_versions !== undefined)
    parts.push(`"file_rego_versions":${stringifyCanonical(manifest.file_rego_versions, MANIFEST_PATH, 'file_rego_versions')}`);
  if (manifest.metadata !== undefined) parts.push(`"metadata":${stringifyCanonical(manifest.metadata, MANIFEST_PATH, 'metadata')}`);
  return `{${parts.join(',')}}`;
}

export interface WasmModule {
  /** Bundle path, e.g. `/policy.wasm`. */
  readonly path: string;
  /** Entrypoints the manifest maps to this module. */
  readonly entrypoints: readonly string[];
  readonly bytes: Uint8Array;
}

/** A bundle read back: its files and what OPA would load from them. */
export interface Bundle {
  /** Every regular file, by normalized path (`/data.json`), in byte-wise path order; includes `/.signatures.json`. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** `/.manifest`, when present. */
  readonly manifest: BundleManifest | undefined;
  /** The manifest revision (`""` without a manifest). */
  readonly revision: string;
  /** Effective roots: the manifest's, trimmed of slashes, or `[""]` when it has none. */
  readonly roots: readonly string[];
  /** Every data.json (and data.yaml/.yml) merged at its directory's path. */
  readonly data: Record<string, unknown>;
  readonly wasm: readonly WasmModule[];
  readonly rego: readonly BundleRegoFile[];
  /** The JWS strings of `/.signatures.json`, when present. */
  readonly signatures: readonly string[] | undefined;
}

export interface ReadBundleOptions {
  readonly limits?: Partial<BundleLimits>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function decodeText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BundleError('not-a-bundle', { file }, 'the file is not valid UTF-8 text', 'Save it as UTF-8');
  }
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not assignment: a "__proto__" key is data here, never a prototype
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, file: string, path: readonly string[]): void {
  for (const [key, child] of Object.entries(source)) {
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    if (existing === undefined) define(target, key, child);
    else if (isRecord(existing) && isRecord(child)) mergeInto(existing, child, file, [...path, key]);
    else {
      throw new BundleError(
        'inconsistent-bundle',
        { file, field: `data.${[...path, key].join('.')}` },
        `data at /${[...path, key].join('/')} is also defined by another data file`,
        'Define each value in one data file',
      );
    }
  }
}

/** Insert a data file's value at its directory's path, as OPA does (v1/bundle/bundle.go insertValue). */
function mergeData(into: Record<string, unknown>, value: unknown, segments: readonly string[], file: string): void {
  if (segments.length === 0 && !isRecord(value)) {
    throw new BundleError(
      'inconsistent-bundle',
      { file },
      'the root data document is not an object',
      'Make the top-level value of the root data file an object',
    );
  }
  let tree = value;
  for (let i = segments.length - 1; i >= 0; i--) tree = Object.fromEntries([[segments[i] ?? '', tree]]);
  mergeInto(into, tree as Record<string, unknown>, file, []);
}

/** Parse the JSON of a bundle file with file:line:column errors. */
export function parseBundleJson(bytes: Uint8Array, file: string): unknown {
  return jsonValue(parseJson(decodeJsonBytes(bytes, file), file));
}

/**
 * Read a bundle and check it as OPA does before activating it (manifest shape, roots, Wasm
 * resolvers, data and packages under the roots). Rejects unsafe or duplicate entry names, links
 * and special files, and anything over {@link BundleLimits} ({@link DEFAULT_LIMITS} by default).
 * Does not check signatures: that is {@link verifyBundle}.
 */
export async function readBundle(bytes: Uint8Array, options: ReadBundleOptions = {}): Promise<Bundle> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const entries = await readTarGz(bytes, limits);
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const files = new Map<string, Uint8Array>(entries.map((e) => [e.path, e.bytes]));

  let manifest: BundleManifest | undefined;
  const manifestBytes = files.get(MANIFEST_PATH);
  if (manifestBytes !== undefined) manifest = parseManifest(parseBundleJson(manifestBytes, MANIFEST_PATH));
  for (const path of files.keys()) {
    // OPA reads any name ending in ".manifest" as the manifest and any ending in "signatures.json"
    // as the signatures (v1/bundle/bundle.go Read, preProcessBundle): such a file would silently
    // replace the real one in OPA, so refuse it here.
    if (path !== MANIFEST_PATH && path.endsWith('.manifest')) {
      throw new BundleError(
        'inconsistent-bundle',
        { file: path },
        'OPA would read this file as the bundle manifest',
        'Keep one manifest, at /.manifest, and rename this file',
      );
    }
    if (path !== SIGNATURES_PATH && path.endsWith('signatures.json')) {
      throw new BundleError(
        'inconsistent-bundle',
        { file: path },
        'OPA would read this file as the bundle signatures',
        'Keep signatures in /.signatures.json only, and rename this file',
      );
    }
    if (basename(path) === 'patch.json') {
      throw new BundleError('not-a-bundle', { file: path }, 'delta bundles (patch.json) are not supported', 'Publish a snapshot bundle');
    }
  }

  let signatures: string[] | undefined;
  const signaturesBytes = files.get(SIGNATURES_PATH);
  if (signaturesBytes !== undefined) {
    const value = parseBundleJson(signaturesBytes, SIGNATURES_PATH);
    const list = isRecord(value) ? value['signatures'] : undefined;
    if (!isRecord(value) || (list !== undefined && list !== null && (!Array.isArray(list) || !list.every((s) => typeof s === 'string')))) {
      throw new BundleError('invalid-json', { file: SIGNATURES_PATH, field: 'signatures' }, 'expected {"signatures": ["<JWS>"]}', 'Re-sign the bundle');
    }
    signatures = Array.isArray(list) ? (list as string[]) : [];
  }

  const data: Record<string, unknown> = {};
  const rego: BundleRegoFile[] = [];
  const wasmPaths = new Set<string>();
  for (const [path, content] of files) {
    const base = basename(path);
    const dir = path.slice(1, path.length - base.length - 1);
    const segments = dir === '' ? [] : dir.split('/');
    if (base === 'data.json') {
      mergeData(data, parseBundleJson(content, path), segments, path);
    } else if (base === 'data.yaml' || base === 'data.yml') {
      const lineCounter = new LineCounter();
      const doc = parseDocument(decodeText(content, path), { prettyErrors: false, lineCounter });
      const [first] = doc.errors;
      if (first) {
        const pos = lineCounter.linePos(first.pos[0]);
        throw new BundleError(
          'invalid-json',
          { file: path, line: pos.line, column: pos.col },
          first.message.split('\n')[0] ?? 'invalid YAML',
          'Fix the YAML syntax',
        );
      }
      mergeData(data, doc.toJS() as unknown, segments, path);
    } else if (path.endsWith('.rego')) {
      rego.push({ path, source: decodeText(content, path) });
    } else if (base === 'policy.wasm') {
      wasmPaths.add(path);
    }
  }

  const roots = (manifest?.roots ?? ['']).map((r) => r.replace(/^\/+|\/+$/g, ''));
  const resolvers = manifest?.wasm ?? [];
  checkConsistency({ roots, wasm: resolvers, wasmPaths, rego, data });

  const wasm: WasmModule[] = [...wasmPaths].map((path) => ({
    path,
    entrypoints: resolvers.filter((r) => r.module === path).map((r) => r.entrypoint),
    bytes: files.get(path) ?? new Uint8Array(),
  }));
  return { files, manifest, revision: manifest?.revision ?? '', roots, data, wasm, rego, signatures };
}

/** Write `files` (normalized paths) back into a deterministic archive. */
export async function writeBundleFiles(files: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  return writeTarGz([...files].map(([path, bytes]) => ({ path, bytes })));
}

export { ARCHIVE, DEFAULT_LIMITS, type BundleLimits };
