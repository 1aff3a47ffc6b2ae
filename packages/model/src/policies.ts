import { parse as parseToml, type TomlError } from 'smol-toml';
import { SourceText, type Diagnostic } from './diagnostics';
import { parseYaml, type LocatedDocument } from './located';
import type { PolicyPack, RegoModule } from './model';
import { checkMapping, type MappingSpec } from './shape';

const PACK: MappingSpec = {
  name: { type: 'string', required: true },
  version: { type: 'string', required: true },
  owner: { type: 'string' },
  description: { type: 'string' },
  package: { type: 'string', required: true },
  entrypoints: { type: 'string[]' },
  gates: { type: 'string[]' },
};

const PACKAGE_LINE = /^\s*package\s+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/m;

export interface LoadedPack {
  readonly pack: PolicyPack;
  /** pack.yaml, when present (to position diagnostics about gates). */
  readonly manifest?: LocatedDocument;
}

/**
 * Read one policy pack directory: pack.yaml (optional), data.toml (optional), *.rego. This stage
 * only reads what the model needs; parsing and compiling Rego is packages/rego's job.
 */
export function loadPolicyPack(dir: string, files: ReadonlyMap<string, string>): { loaded: LoadedPack; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const name = dir.replace(/^.*\//, '');
  let manifest: LocatedDocument | undefined;
  let meta: Record<string, unknown> = {};
  const packFile = `${dir}/pack.yaml`;
  const packText = files.get(packFile);
  if (packText !== undefined) {
    const source = new SourceText(packFile, packText);
    const parsed = parseYaml(source);
    diagnostics.push(
      ...parsed.errors.map((e) => source.diagnostic(e.offset, 'yaml-syntax', `invalid YAML: ${e.message}`, 'Fix the YAML syntax at this position.')),
    );
    if (parsed.document) {
      manifest = parsed.document;
      const problems = checkMapping(manifest, '', manifest.value, PACK, 'policy-pack', packFile);
      diagnostics.push(...problems);
      if (problems.length === 0) meta = manifest.value as Record<string, unknown>;
      if (typeof meta['name'] === 'string' && meta['name'] !== name) {
        diagnostics.push(
          source.diagnostic(
            manifest.offsetOf('/name'),
            'policy-pack',
            `pack name "${meta['name']}" does not match its directory "${name}"`,
            `Set "name: ${name}".`,
          ),
        );
      }
    }
  }

  let data: Record<string, unknown> = {};
  const dataFile = `${dir}/data.toml`;
  const dataText = files.get(dataFile);
  if (dataText !== undefined) {
    try {
      data = parseToml(dataText) as Record<string, unknown>;
    } catch (error) {
      const source = new SourceText(dataFile, dataText);
      const e = error as TomlError;
      const line = typeof e.line === 'number' ? e.line : 1;
      const column = typeof e.column === 'number' ? e.column : 1;
      const first = String(e.message).split('\n')[0] ?? String(e);
      diagnostics.push({ ...source.diagnostic(0, 'toml-syntax', first, 'Fix the TOML syntax at this position.'), line, column });
    }
  }

  const modules: RegoModule[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith('.rego')) continue;
    const match = PACKAGE_LINE.exec(text);
    if (!match) {
      diagnostics.push(new SourceText(file, text).diagnostic(0, 'policy-pack', 'no "package" declaration', 'Start the module with "package <name>".'));
    }
    modules.push({ file, packageName: match?.[1] ?? null, isTest: file.endsWith('_test.rego'), text });
  }
  modules.sort((a, b) => (a.file < b.file ? -1 : 1));
  const packageName = typeof meta['package'] === 'string' ? meta['package'] : null;
  if (packageName && manifest && !modules.some((m) => !m.isTest && m.packageName === packageName)) {
    diagnostics.push(
      manifest.source.diagnostic(
        manifest.offsetOf('/package'),
        'policy-pack',
        `no module of the pack declares "package ${packageName}"`,
        'Fix "package:" to name the package the policy modules declare.',
      ),
    );
  }

  const pack: PolicyPack = {
    name,
    dir,
    version: typeof meta['version'] === 'string' ? meta['version'] : null,
    owner: typeof meta['owner'] === 'string' ? meta['owner'] : null,
    packageName,
    entrypoints: (meta['entrypoints'] as string[] | undefined) ?? [],
    gates: (meta['gates'] as string[] | undefined) ?? [],
    modules,
    data,
  };
  return { loaded: { pack, ...(manifest ? { manifest } : {}) }, diagnostics };
}
