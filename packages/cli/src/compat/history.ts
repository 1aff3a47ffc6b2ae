import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sameSchema, type SchemaInput } from '@dynamic-capital/contracts-compat';
import { loadProject, referencedSchemas, type ContractGraph } from '@dynamic-capital/contracts-model';
import { UsageError } from '../io';
import { readLocks, revisionInput, type ContractLock } from './lock-store';

/** Earlier revisions of each contract, oldest first, and where they came from. */
export interface HistorySource {
  /** "lock" or "git:<ref>", as the reports name it. */
  readonly name: string;
  revisions(contract: string): readonly SchemaInput[];
}

/** The current schema of a contract in a loaded project, with its references. */
export function currentInput(graph: ContractGraph, contract: string): SchemaInput | undefined {
  const schema = graph.contracts.get(contract)?.schema;
  return schema ? { schema: schema.document.value, references: referencedSchemas(graph, schema) } : undefined;
}

export function lockHistory(locks: ReadonlyMap<string, ContractLock>, name = 'lock'): HistorySource {
  return { name, revisions: (contract) => (locks.get(contract)?.revisions ?? []).map(revisionInput) };
}

/**
 * History as of a git ref: the lock at that ref, plus the contract's schema file at that ref when it
 * differs from the last locked revision (a change merged but not yet locked is still history).
 */
export function gitHistory(root: string, ref: string): HistorySource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-git-'));
  try {
    const archive = spawnSync('git', ['archive', '--format=tar', ref, '--', 'schemas', 'compat'], { cwd: root, maxBuffer: 1 << 30 });
    if (archive.status !== 0) {
      const why = archive.error ? archive.error.message : archive.stderr.toString().trim();
      // An absent compat/ at an old ref is fine; an unknown ref is not.
      const retry = spawnSync('git', ['archive', '--format=tar', ref, '--', 'schemas'], { cwd: root, maxBuffer: 1 << 30 });
      if (retry.status !== 0) throw new UsageError(`--against git:${ref}: git cannot read schemas/ at "${ref}": ${why}`);
      extract(retry.stdout, dir);
    } else {
      extract(archive.stdout, dir);
    }
    const locks = readLocks(dir);
    const atRef = loadProject(dir).graph;
    return {
      name: `git:${ref}`,
      revisions: (contract) => {
        const locked = (locks.get(contract)?.revisions ?? []).map(revisionInput);
        const file = currentInput(atRef, contract);
        const last = locked[locked.length - 1];
        return file && !(last && sameSchema(last, file)) ? [...locked, file] : locked;
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function extract(tar: Buffer, dir: string): void {
  const result = spawnSync('tar', ['-x', '-C', dir], { input: tar });
  if (result.status !== 0) throw new UsageError(`cannot unpack the git archive: ${result.stderr.toString().trim()}`);
}
