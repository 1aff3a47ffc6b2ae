import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProject, type Diagnostic, type LoadResult } from '@dynamic-capital/contracts-model';
import { readLocks } from '../compat/lock-store';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { formatDiagnostics, summarize } from '../report';

export interface ValidateOptions {
  readonly root: string;
  readonly paths: readonly string[];
  readonly json: boolean;
}

/** Keep the diagnostics of files at or under the given paths (relative to cwd). */
function filterByPaths(diagnostics: readonly Diagnostic[], root: string, cwd: string, paths: readonly string[]): Diagnostic[] {
  if (paths.length === 0) return [...diagnostics];
  const prefixes = paths.map((p) => {
    const absolute = path.resolve(cwd, p);
    if (!fs.existsSync(absolute)) throw new UsageError(`${p}: no such file or directory`);
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    if (relative.startsWith('..')) throw new UsageError(`${p} is outside the project root ${root}`);
    return relative;
  });
  return diagnostics.filter((d) => prefixes.some((prefix) => prefix === '' || d.file === prefix || d.file.startsWith(prefix + '/')));
}

/** Earlier revisions from the lock, for the avro-evolution-default rule; a corrupted lock is `contracts compat`'s to report. */
function lintHistory(root: string): (contract: string) => readonly unknown[] {
  try {
    const locks = readLocks(root);
    return (contract) => (locks.get(contract)?.revisions ?? []).map((r) => r.schema);
  } catch {
    return () => [];
  }
}

export function validate(io: CliIo, options: ValidateOptions): { code: ExitCode; result: LoadResult } {
  const result = loadProject(options.root, { history: lintHistory(options.root) });
  const diagnostics = filterByPaths(result.diagnostics, options.root, io.cwd, options.paths);
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (options.json) {
    io.stdout(JSON.stringify(diagnostics, null, 2) + '\n');
  } else {
    if (diagnostics.length > 0) io.stdout(formatDiagnostics(diagnostics, options.root, io.color) + '\n');
    const g = result.graph;
    io.stdout(
      `validate: ${g.contracts.size} contracts, ${g.shared.size} shared schemas, ${g.agents.size} agents, ${g.policies.size} policy packs: ${diagnostics.length === 0 ? 'no problems' : summarize(diagnostics)}\n`,
    );
  }
  return { code: failed ? EXIT.failed : EXIT.ok, result };
}
