/**
 * `contracts generate`: write the generated SDK packages (packages/sdk-<domain>/) from the
 * contracts; `--check` writes nothing and exits 1 listing every file that would change. The one
 * place generated files are written, diffed and checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateSdkPackages, type GeneratedFile } from '@dynamic-capital/contracts-generators';
import { loadProject, RULES, type Diagnostic } from '@dynamic-capital/contracts-model';
import { EXIT, type CliIo, type ExitCode } from '../io';
import { formatDiagnostics, summarize } from '../report';

export interface GenerateOptions {
  readonly root: string;
  /** Write nothing; exit 1 when any file would change. */
  readonly check: boolean;
}

/** Directories (relative to the root) whose every file is generated, and what inside them is not. */
const GENERATED_DIR = /^packages\/sdk-[^/]+$/;
const NOT_GENERATED = new Set(['dist', 'node_modules']);

export type Drift = { readonly path: string; readonly change: 'missing' | 'different' | 'stale' };

function filesUnder(root: string, rel: string, out: string[]): void {
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = `${rel}/${entry.name}`;
    if (entry.isDirectory()) filesUnder(root, child, out);
    else out.push(child);
  }
}

/** Files currently under the generated directories (packages/sdk-*), relative to root, sorted. */
export function existingGeneratedFiles(root: string): string[] {
  const packages = path.join(root, 'packages');
  if (!fs.existsSync(packages)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(packages, { withFileTypes: true })) {
    const dir = `packages/${entry.name}`;
    if (!entry.isDirectory() || !GENERATED_DIR.test(dir)) continue;
    for (const inner of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (NOT_GENERATED.has(inner.name)) continue;
      if (inner.isDirectory()) filesUnder(root, `${dir}/${inner.name}`, out);
      else out.push(`${dir}/${inner.name}`);
    }
  }
  return out.sort();
}

/** What writing `files` would change under root: missing, different, and stale generated files. */
export function diffGenerated(root: string, files: readonly GeneratedFile[]): Drift[] {
  const drift: Drift[] = [];
  const produced = new Set(files.map((f) => f.path));
  for (const file of files) {
    const target = path.join(root, file.path);
    if (!fs.existsSync(target)) drift.push({ path: file.path, change: 'missing' });
    else if (fs.readFileSync(target, 'utf8') !== file.contents) drift.push({ path: file.path, change: 'different' });
  }
  for (const existing of existingGeneratedFiles(root)) if (!produced.has(existing)) drift.push({ path: existing, change: 'stale' });
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Write a file atomically: a temp file in the same directory, then rename over the target. */
function writeAtomic(target: string, contents: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, contents);
    fs.renameSync(temp, target);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Remove empty directories from `dir` up to (not including) `stop`. */
function pruneEmpty(dir: string, stop: string): void {
  let current = dir;
  while (current.startsWith(stop + path.sep) && fs.existsSync(current) && fs.readdirSync(current).length === 0) {
    fs.rmdirSync(current);
    current = path.dirname(current);
  }
}

export async function generate(io: CliIo, options: GenerateOptions): Promise<ExitCode> {
  const { graph, diagnostics } = loadProject(options.root);
  const errors: Diagnostic[] = diagnostics.filter((d) => d.severity === 'error' && RULES[d.rule].category !== 'lint');
  if (errors.length > 0) {
    io.stderr(formatDiagnostics(errors, options.root, io.color) + '\n');
    io.stderr(`generate: the contracts do not validate (${summarize(errors)}); fix them first (contracts validate)\n`);
    return EXIT.failed;
  }
  const files = await generateSdkPackages(graph);
  const drift = diffGenerated(options.root, files);
  if (options.check) {
    if (drift.length === 0) {
      io.stdout(`generate --check: ${files.length} generated files are up to date\n`);
      return EXIT.ok;
    }
    for (const d of drift) io.stdout(`  ${d.change.padEnd(9)} ${d.path}\n`);
    io.stdout(`generate --check: ${drift.length} generated file${drift.length === 1 ? '' : 's'} out of date; run contracts generate\n`);
    return EXIT.failed;
  }
  const contents = new Map(files.map((f) => [f.path, f.contents]));
  for (const d of drift) {
    const target = path.join(options.root, d.path);
    const text = contents.get(d.path);
    if (text === undefined) {
      fs.rmSync(target, { force: true });
      pruneEmpty(path.dirname(target), path.join(options.root, 'packages'));
    } else writeAtomic(target, text);
    io.stdout(`  ${d.change === 'stale' ? 'removed' : d.change === 'missing' ? 'created' : 'updated'}  ${d.path}\n`);
  }
  io.stdout(`generate: ${files.length} files, ${drift.length} changed\n`);
  return EXIT.ok;
}
