/**
 * The bundle manifest (`/.manifest`) and the consistency rules OPA applies when it activates a
 * bundle (v1/bundle/bundle.go: `Manifest`, `validateAndInjectDefaults`, `RootPathsOverlap`,
 * `RootPathsContain`). Keys and their order follow OPA's `Manifest` struct.
 */
import { BundleError } from './errors';

export const MANIFEST_PATH = '/.manifest';
export const DATA_PATH = '/data.json';
export const WASM_PATH = '/policy.wasm';
export const SIGNATURES_PATH = '/.signatures.json';

/** OPA's `WasmResolver`: which Wasm module answers an entrypoint. */
export interface WasmResolver {
  /** Slash-separated path under `data`, e.g. `trading_risk_v1/allow`. */
  readonly entrypoint: string;
  /** Bundle path of the module, e.g. `/policy.wasm`. */
  readonly module: string;
  readonly annotations?: readonly unknown[];
}

/** `/.manifest` as OPA writes and reads it (keys as in the file). */
export interface BundleManifest {
  readonly revision: string;
  /** Absent means `[""]`: the bundle owns all of `data`. */
  readonly roots?: readonly string[];
  readonly wasm?: readonly WasmResolver[];
  /** 0 (Rego v0) or 1 (Rego v1); `opa build` in OPA 1.x writes 1. */
  readonly rego_version?: number;
  readonly file_rego_versions?: Readonly<Record<string, number>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** OPA's RootPathsOverlap: one root is a segment-wise prefix of the other. */
export function rootPathsOverlap(a: string, b: string): boolean {
  return rootContains(a.split('/'), b.split('/')) || rootContains(b.split('/'), a.split('/'));
}

/** OPA's RootPathsContain: `path` lies under one of `roots`. */
export function rootPathsContain(roots: readonly string[], path: string): boolean {
  const segments = path.split('/');
  return roots.some((root) => rootContains(root.split('/'), segments));
}

function rootContains(root: readonly string[], other: readonly string[]): boolean {
  if (root.length === 1 && root[0] === '') return true;
  if (root.length > other.length) return false;
  return root.every((segment, i) => segment === other[i]);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check the JSON value of `/.manifest` against OPA's `Manifest` struct (unknown keys are ignored, as Go does). */
export function parseManifest(value: unknown): BundleManifest {
  const bad = (field: string, detail: string, hint: string): never => {
    throw new BundleError('invalid-manifest', { file: MANIFEST_PATH, field }, detail, hint);
  };
  if (!isRecord(value)) return bad('(root)', 'the manifest is not a JSON object', 'Write an object such as {"revision": "...", "roots": ["pkg"]}');
  const revision = value['revision'] ?? '';
  if (typeof revision !== 'string') bad('revision', `revision is ${JSON.stringify(revision)}, not a string`, 'Write the revision as a string');
  const manifest: { -readonly [K in keyof BundleManifest]: BundleManifest[K] } = { revision: revision as string };
  const roots = value['roots'];
  if (roots !== undefined && roots !== null) {
    if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string')) bad('roots', 'roots is not an array of strings', 'Write roots as ["pkg", ...]');
    manifest.roots = roots as string[];
  }
  const wasm = value['wasm'];
  if (wasm !== undefined && wasm !== null) {
    if (!Array.isArray(wasm)) return bad('wasm', 'wasm is not an array', 'Write wasm as [{"entrypoint": "pkg/rule", "module": "/policy.wasm"}]');
    manifest.wasm = wasm.map((w: unknown, i): WasmResolver => {
      if (!isRecord(w)) return bad(`wasm[${i}]`, 'not an object', 'Write {"entrypoint": "pkg/rule", "module": "/policy.wasm"}');
      const entrypoint = w['entrypoint'] ?? '';
      const module = w['module'] ?? '';
      if (typeof entrypoint !== 'string') return bad(`wasm[${i}].entrypoint`, 'not a string', 'Write the entrypoint as "pkg/rule"');
      if (typeof module !== 'string') return bad(`wasm[${i}].module`, 'not a string', 'Write the module path as "/policy.wasm"');
      const annotations = w['annotations'];
      if (annotations !== undefined && annotations !== null && !Array.isArray(annotations))
        bad(`wasm[${i}].annotations`, 'not an array', 'Remove it or make it an array');
      return Array.isArray(annotations) ? { entrypoint, module, annotations } : { entrypoint, module };
    });
  }
  const regoVersion = value['rego_version'];
  if (regoVersion !== undefined && regoVersion !== null) {
    if (regoVersion !== 0 && regoVersion !== 1) bad('rego_version', `rego_version is ${JSON.stringify(regoVersion)}`, 'Use 0 (Rego v0) or 1 (Rego v1)');
    manifest.rego_version = regoVersion as number;
  }
  const fileVersions = value['file_rego_versions'];
  if (fileVersions !== undefined && fileVersions !== null) {
    if (!isRecord(fileVersions) || !Object.values(fileVersions).every((v) => Number.isInteger(v))) {
      bad('file_rego_versions', 'not an object of integers', 'Write {"/path/*.rego": 1}');
    }
    manifest.file_rego_versions = fileVersions as Record<string, number>;
  }
  const metadata = value['metadata'];
  if (metadata !== undefined && metadata !== null) {
    if (!isRecord(metadata)) bad('metadata', 'not an object', 'Write metadata as an object');
    manifest.metadata = metadata as Record<string, unknown>;
  }
  return manifest;
}

/** The package path of a Rego module (`a.b` -> `a/b`), or undefined when the package clause is not a plain dotted name. */
export function regoPackagePath(source: string): string | undefined {
  // skip comments and blank lines, then read `package a.b.c`
  for (const line of source.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^package\s+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:#.*)?$/.exec(trimmed);
    return m?.[1]?.replace(/\./g, '/');
  }
  return undefined;
}

export interface ConsistencyInput {
  readonly roots: readonly string[];
  readonly wasm: readonly WasmResolver[];
  /** Paths of the Wasm modules in the bundle. */
  readonly wasmPaths: ReadonlySet<string>;
  readonly rego: readonly { readonly path: string; readonly source: string }[];
  readonly data: Record<string, unknown>;
}

/**
 * OPA's activation checks: roots do not overlap; every Rego package, Wasm entrypoint and data path
 * lies under a root; every resolver names a module in the bundle; no entrypoint is used twice.
 */
export function checkConsistency(input: ConsistencyInput): void {
  const { roots } = input;
  const inconsistent = (file: string, field: string, detail: string, hint: string): never => {
    throw new BundleError('inconsistent-bundle', { file, field }, detail, hint);
  };
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      const a = roots[i] ?? '';
      const b = roots[j] ?? '';
      if (rootPathsOverlap(a, b)) {
        inconsistent(MANIFEST_PATH, 'roots', `roots "${a}" and "${b}" overlap`, 'Keep only the shorter root, or make them disjoint');
      }
    }
  }
  for (const module of input.rego) {
    const pkg = regoPackagePath(module.source);
    if (pkg !== undefined && !rootPathsContain(roots, pkg)) {
      inconsistent(
        module.path,
        'package',
        `package ${pkg.replace(/\//g, '.')} is outside the bundle roots ${JSON.stringify(roots)}`,
        `Add "${pkg}" (or a prefix of it) to roots, or leave the module out`,
      );
    }
  }
  const seen = new Set<string>();
  input.wasm.forEach((resolver, i) => {
    if (!input.wasmPaths.has(resolver.module)) {
      inconsistent(MANIFEST_PATH, `wasm[${i}].module`, `names Wasm module "${resolver.module}", which is not in the bundle`, 'Add the module or fix the path');
    }
    if (!rootPathsContain(roots, resolver.entrypoint)) {
      inconsistent(
        MANIFEST_PATH,
        `wasm[${i}].entrypoint`,
        `entrypoint "${resolver.entrypoint}" is outside the bundle roots ${JSON.stringify(roots)}`,
        `Add a root that contains it, e.g. "${resolver.entrypoint.split('/')[0] ?? ''}"`,
      );
    }
    if (seen.has(resolver.entrypoint)) {
      inconsistent(MANIFEST_PATH, `wasm[${i}].entrypoint`, `entrypoint "${resolver.entrypoint}" is listed twice`, 'List each entrypoint once');
    }
    seen.add(resolver.entrypoint);
  });
  const visit = (value: unknown, segments: readonly string[]): void => {
    const path = segments.join('/');
    if (segments.length > 0 && rootPathsContain(roots, path)) return;
    if (isRecord(value) && roots.some((root) => segments.length === 0 || rootPathsContain([path], root))) {
      for (const [key, child] of Object.entries(value)) visit(child, [...segments, key]);
      return;
    }
    inconsistent(
      DATA_PATH,
      `data.${segments.join('.')}`,
      `data at /${path} is outside the bundle roots ${JSON.stringify(roots)}`,
      `Move it under a root, or add "${segments[0] ?? ''}" to roots`,
    );
  };
  visit(input.data, []);
}
