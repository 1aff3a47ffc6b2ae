/**
 * Policy packs on disk: a directory of `.rego` files, with an optional `pack.yaml` and an optional
 * `data.toml` (docs/CONVENTIONS.md, "policies/<pack>/"). {@link loadPackConfig} reads and checks
 * one; {@link bundleInputFromPack} turns it plus the compiled Wasm into {@link buildBundle} input.
 *
 * pack.yaml (every field optional):
 *
 *   name: trading_risk_v1            # default: the directory name; also the published bundle name
 *   version: '1.0.0'                 # semver of the pack (quoted: YAML reads 1.0 as a number)
 *   revision: '1.0.0+abc123'         # manifest revision; default: version, else ""
 *   package: trading_risk_v1         # Rego package; default: the one package the non-test modules declare
 *   entrypoints: [trading_risk_v1/decision, trading_risk_v1/allow]   # slash-separated rule paths
 *   roots: [trading_risk_v1]         # default: the package path
 *   owner, description, gates        # read by packages/model; carried through here
 *
 * data.toml is loaded as `data.<package>`: `[limits]` becomes `data.trading_risk_v1.limits`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { BuildBundleInput } from './bundle';
import { PackConfigError } from './errors';
import { regoPackagePath, rootPathsContain } from './manifest';

export interface PackModule {
  /** File name relative to the pack directory, e.g. `trading_risk_v1.rego`. */
  readonly path: string;
  /** Path on disk. */
  readonly file: string;
  readonly source: string;
  /** `*_test.rego`: tests, never shipped in a bundle. */
  readonly test: boolean;
  /** Dotted package name (`trading_risk_v1`), when the package clause is a plain dotted name. */
  readonly package: string | undefined;
}

export interface PackConfig {
  readonly dir: string;
  readonly name: string;
  readonly version: string | undefined;
  readonly revision: string;
  readonly owner: string | undefined;
  readonly description: string | undefined;
  /** Dotted Rego package of the policy modules. */
  readonly package: string;
  /** Slash-separated, as OPA names entrypoints: `trading_risk_v1/allow`. May be empty. */
  readonly entrypoints: readonly string[];
  readonly roots: readonly string[];
  readonly gates: readonly string[];
  /** The base document: data.toml nested under the package path (`{}` without data.toml). */
  readonly data: Record<string, unknown>;
  /** Every `.rego` file of the directory, tests included, by file name. */
  readonly modules: readonly PackModule[];
  /** Paths on disk of pack.yaml and data.toml, when present. */
  readonly packYaml: string | undefined;
  readonly dataToml: string | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function findKeyLine(text: string, key: string): { line: number; column: number } | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^(\\s*)(["']?)${escaped}\\2\\s*=`);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i] ?? '');
    if (m) return { line: i + 1, column: (m[1] ?? '').length + 1 };
  }
  return undefined;
}

/**
 * data.toml -> JSON data. Datetimes become their TOML text (`1979-05-27T07:32:00Z`); `inf` and
 * `nan`, which JSON cannot hold, are rejected. Errors are {@link PackConfigError}s at `file:line:column`.
 */
export function dataFromToml(text: string, file: string): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const first = (error.message.split('\n')[0] ?? 'invalid TOML').replace(/^Invalid TOML document: /, '');
    throw new PackConfigError({ file, line: error.line, column: error.column }, `invalid TOML: ${first}`, 'Fix the TOML syntax at this position');
  }
  const convert = (value: unknown, keys: readonly string[]): unknown => {
    if (value instanceof TomlDate) return value.toISOString();
    if (typeof value === 'number' && !Number.isFinite(value)) {
      const key = keys.filter((k) => !/^\d+$/.test(k)).at(-1) ?? '';
      throw new PackConfigError(
        { file, ...findKeyLine(text, key), field: keys.join('.') },
        `${keys.join('.')} is ${String(value)}, which JSON (and so OPA data) cannot hold`,
        'Use a finite number',
      );
    }
    if (Array.isArray(value)) return value.map((v: unknown, i) => convert(v, [...keys, String(i)]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, [...keys, k])]));
    return value;
  };
  return convert(parsed, []) as Record<string, unknown>;
}

const FIELDS = ['name', 'version', 'revision', 'owner', 'description', 'package', 'entrypoints', 'roots', 'gates'] as const;
type Field = (typeof FIELDS)[number];
const STRING_FIELDS: ReadonlySet<Field> = new Set(['name', 'version', 'revision', 'owner', 'description', 'package']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const REF_PATH = /^[^\s/]+(?:\/[^\s/]+)*$/;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

interface PackYaml {
  readonly values: Partial<Record<Field, string | string[]>>;
  /** Position of each field's value (or of the entry of a list: `entrypoints[1]`). */
  readonly at: (field: string) => { line: number; column: number } | undefined;
}

function parsePackYaml(text: string, file: string): PackYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new PackConfigError(
      { file, line: pos.line, column: pos.col },
      `invalid YAML: ${first.message.split('\n')[0] ?? ''}`,
      'Fix the YAML syntax at this position',
    );
  }
  const positions = new Map<string, { line: number; column: number }>();
  const posOf = (node: YamlNode | null | undefined): { line: number; column: number } => {
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const values: Partial<Record<Field, string | string[]>> = {};
  const contents = doc.contents;
  if (contents === null) return { values, at: () => undefined };
  if (!isMap(contents)) {
    throw new PackConfigError({ file, ...posOf(contents) }, 'pack.yaml is not a mapping', 'Write fields as "key: value" lines, e.g. "name: trading_risk_v1"');
  }
  for (const pair of contents.items) {
    const keyNode = pair.key as YamlNode | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keyAt = posOf(keyNode);
    if (!(FIELDS as readonly string[]).includes(key)) {
      const suggestion = FIELDS.map((f) => [f, editDistance(key, f)] as const)
        .filter(([, d]) => d <= 2)
        .sort((a, b) => a[1] - b[1])[0]?.[0];
      throw new PackConfigError(
        { file, ...keyAt, field: key },
        `unknown field "${key}"`,
        suggestion ? `Did you mean "${suggestion}"?` : `Remove it; known fields: ${FIELDS.join(', ')}`,
      );
    }
    const field = key as Field;
    const valueNode = pair.value as YamlNode | null;
    const valueAt = valueNode ? posOf(valueNode) : keyAt;
    positions.set(field, valueAt);
    if (STRING_FIELDS.has(field)) {
      if (!isScalar(valueNode) || typeof valueNode.value !== 'string') {
        const raw = isScalar(valueNode) ? valueNode.value : undefined;
        const written = valueNode?.range ? text.slice(valueNode.range[0], valueNode.range[1]).trim() : '';
        const scalar = typeof raw === 'number' || typeof raw === 'boolean';
        throw new PackConfigError(
          { file, ...valueAt, field },
          `${field} is ${raw === null || valueNode === null ? 'empty' : scalar ? `${written} (a ${typeof raw})` : isSeq(valueNode) ? 'a list' : 'a mapping'}, not a string`,
          scalar ? `Quote it: ${field}: '${written}'` : `Write ${field} as a string`,
        );
      }
      values[field] = valueNode.value;
    } else {
      if (!isSeq(valueNode)) {
        throw new PackConfigError({ file, ...valueAt, field }, `${field} is not a list`, `Write ${field} as a list, e.g. ${field}: [trading_risk_v1/allow]`);
      }
      const items: string[] = [];
      valueNode.items.forEach((item, i) => {
        const itemNode = item as YamlNode | null;
        const itemAt = posOf(itemNode);
        positions.set(`${field}[${i}]`, itemAt);
        if (!isScalar(itemNode) || typeof itemNode.value !== 'string') {
          throw new PackConfigError({ file, ...itemAt, field: `${field}[${i}]` }, `${field}[${i}] is not a string`, `Write each entry of ${field} as a string`);
        }
        items.push(itemNode.value);
      });
      values[field] = items;
    }
  }
  return { values, at: (field) => positions.get(field) };
}

/**
 * Read a pack directory. Checks pack.yaml's fields (types, unknown fields with suggestions,
 * entrypoint and root syntax, entrypoints under the roots, the package exists) and data.toml's
 * syntax, each error at its file:line:column with the fix.
 */
export async function loadPackConfig(dir: string): Promise<PackConfig> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    const detail =
      error.code === 'ENOENT' ? 'the pack directory does not exist' : error.code === 'ENOTDIR' ? 'not a directory' : `cannot be read (${error.message})`;
    throw new PackConfigError({ file: dir }, detail, "Pass the directory holding the pack's .rego files");
  });
  const modules: PackModule[] = [];
  for (const name of entries.filter((e) => e.endsWith('.rego')).sort()) {
    const file = path.join(dir, name);
    if (!(await stat(file)).isFile()) continue;
    const source = await readFile(file, 'utf8');
    const pkg = regoPackagePath(source);
    modules.push({ path: name, file, source, test: name.endsWith('_test.rego'), package: pkg?.replace(/\//g, '.') });
  }
  const policies = modules.filter((m) => !m.test);
  if (policies.length === 0) {
    throw new PackConfigError(
      { file: dir },
      modules.length === 0 ? 'no .rego files' : 'only test modules (*_test.rego)',
      'A pack is a directory of .rego files; add the policy module(s)',
    );
  }

  const packYaml = entries.includes('pack.yaml') ? path.join(dir, 'pack.yaml') : undefined;
  const yaml = packYaml ? parsePackYaml(await readFile(packYaml, 'utf8'), packYaml) : { values: {}, at: () => undefined };
  const str = (field: Field): string | undefined => {
    const v = yaml.values[field];
    return typeof v === 'string' ? v : undefined;
  };
  const list = (field: Field): string[] | undefined => {
    const v = yaml.values[field];
    return Array.isArray(v) ? v : undefined;
  };
  const fail = (field: string, detail: string, hint: string): never => {
    throw new PackConfigError({ file: packYaml ?? path.join(dir, 'pack.yaml'), ...yaml.at(field), field }, detail, hint);
  };

  const name = str('name') ?? path.basename(path.resolve(dir));
  if (!NAME.test(name)) fail('name', `name "${name}" is not usable as a bundle name`, 'Use letters, digits, ".", "_" and "-" only (e.g. trading_risk_v1)');

  const declared = [...new Set(policies.map((m) => m.package).filter((p): p is string => p !== undefined))];
  let pkg = str('package');
  if (pkg !== undefined) {
    if (!PACKAGE.test(pkg)) fail('package', `package "${pkg}" is not a dotted Rego package name`, 'Write it as in the module, e.g. trading_risk_v1');
    if (!declared.includes(pkg)) {
      fail(
        'package',
        `no policy module declares "package ${pkg}" (they declare: ${declared.join(', ') || 'nothing readable'})`,
        'Set package to the one the policy modules declare',
      );
    }
  } else if (declared.length === 1) {
    pkg = declared[0];
  } else {
    const where = packYaml ? { field: 'package' } : {};
    throw new PackConfigError(
      { file: packYaml ?? path.join(dir, 'pack.yaml'), ...where },
      declared.length === 0 ? 'no policy module has a plain `package a.b` clause' : `the policy modules declare several packages (${declared.join(', ')})`,
      'Set "package:" in pack.yaml',
    );
  }
  const packagePath = (pkg ?? '').replace(/\./g, '/');

  const roots = (list('roots') ?? [packagePath]).map((root, i) => {
    const trimmed = root.replace(/^\/+|\/+$/g, '');
    if (trimmed !== '' && !REF_PATH.test(trimmed))
      fail(`roots[${i}]`, `root "${root}" has an empty segment or whitespace`, 'Write roots slash-separated, e.g. trading_risk_v1');
    return trimmed;
  });
  const entrypoints = (list('entrypoints') ?? []).map((entrypoint, i) => {
    const field = `entrypoints[${i}]`;
    if (/^data[./]/.test(entrypoint))
      fail(field, `entrypoint "${entrypoint}" starts with "data"`, `Drop the prefix: ${entrypoint.replace(/^data[./]/, '').replace(/\./g, '/')}`);
    if (!entrypoint.includes('/') && entrypoint.includes('.'))
      fail(field, `entrypoint "${entrypoint}" is dotted`, `Write it slash-separated, as OPA names entrypoints: ${entrypoint.replace(/\./g, '/')}`);
    if (!REF_PATH.test(entrypoint)) fail(field, `entrypoint "${entrypoint}" is not a slash-separated rule path`, `Write it as ${packagePath}/<rule>`);
    if (!rootPathsContain(roots, entrypoint))
      fail(
        field,
        `entrypoint "${entrypoint}" is outside the roots ${JSON.stringify(roots)}`,
        `Use a rule under ${roots.join(' or ')}, or add its package to roots`,
      );
    return entrypoint;
  });

  const dataToml = entries.includes('data.toml') ? path.join(dir, 'data.toml') : undefined;
  let data: Record<string, unknown> = {};
  if (dataToml) {
    const table = dataFromToml(await readFile(dataToml, 'utf8'), dataToml);
    data = packagePath.split('/').reduceRight<Record<string, unknown>>((inner, segment) => Object.fromEntries([[segment, inner]]), table);
    if (!rootPathsContain(roots, packagePath)) {
      throw new PackConfigError(
        { file: dataToml },
        `data.toml is loaded as data.${pkg ?? ''}, which is outside the roots ${JSON.stringify(roots)}`,
        `Add "${packagePath}" to roots in pack.yaml`,
      );
    }
  }

  const version = str('version');
  return {
    dir,
    name,
    version,
    revision: str('revision') ?? version ?? '',
    owner: str('owner'),
    description: str('description'),
    package: pkg ?? '',
    entrypoints,
    roots,
    gates: list('gates') ?? [],
    data,
    modules,
    packYaml,
    dataToml,
  };
}

export interface PackBundleOptions {
  /** Ship the policy modules' Rego source (never the tests). Default true. */
  readonly includeRego?: boolean;
  /** Override the pack's revision (e.g. append a commit id). */
  readonly revision?: string;
}

/** {@link buildBundle} input for a loaded pack and its compiled Wasm module. */
export function bundleInputFromPack(pack: PackConfig, wasm: Uint8Array, options: PackBundleOptions = {}): BuildBundleInput {
  return {
    wasm,
    entrypoints: pack.entrypoints,
    roots: pack.roots,
    revision: options.revision ?? pack.revision,
    data: pack.data,
    ...(options.includeRego === false ? {} : { rego: pack.modules.filter((m) => !m.test).map((m) => ({ path: m.path, source: m.source })) }),
  };
}
