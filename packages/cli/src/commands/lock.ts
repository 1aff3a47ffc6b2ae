import { canonicalForm, checkLevel, contentHash, fingerprint, prepare, sameSchema } from '@dynamic-capital/contracts-compat';
import { currentInput } from '../compat/history';
import { lockFile, LOCK_VERSION, revisionInput, writeLock, type ContractLock, type LockRevision } from '../compat/lock-store';
import { EXIT, type CliIo, type ExitCode } from '../io';
import { loadValidProject, readLocksOrFail } from './compat';

export interface LockOptions {
  readonly root: string;
  /** Record even revisions that break the contract's level (a deliberate, reviewed break). */
  readonly force: boolean;
  /** Timestamp to record (tests); default now. */
  readonly now?: Date;
}

/**
 * Record every contract's current schema as a new revision where it changed. All or nothing:
 * when any change breaks its contract's level, nothing is written (unless --force).
 */
export function lock(io: CliIo, options: LockOptions): ExitCode {
  const locks = readLocksOrFail(options.root);
  const graph = loadValidProject(io, options.root, locks, 'lock');
  if (!graph) return EXIT.failed;
  const recordedAt = (options.now ?? new Date()).toISOString();
  const updates: { lock: ContractLock; note: string }[] = [];
  const refused: string[] = [];
  const rows: string[][] = [];
  for (const contract of graph.contracts.values()) {
    const current = currentInput(graph, contract.name);
    if (!current) continue;
    const existing = locks.get(contract.name);
    const revisions = existing?.revisions ?? [];
    const last = revisions[revisions.length - 1];
    if (last && sameSchema(revisionInput(last), current)) {
      rows.push([contract.name, `r${last.revision}`, 'unchanged']);
      continue;
    }
    if (existing && existing.format !== contract.format) {
      refused.push(
        `${contract.name}: the lock records a ${existing.format} schema but the contract is ${contract.format}; a format change is a new major version`,
      );
      continue;
    }
    const result = checkLevel(
      prepare(contract.format, current),
      revisions.map((r) => prepare(contract.format, revisionInput(r), 'history')),
      contract.compatibility,
    );
    if (!result.compatible && !options.force) {
      const first = result.incompatibilities[0];
      refused.push(
        `${contract.name}: breaks ${contract.compatibility} (${result.incompatibilities.length} incompatibilit${result.incompatibilities.length === 1 ? 'y' : 'ies'}; first: ${first?.rule}: ${first?.message})`,
      );
      continue;
    }
    const revision: LockRevision = {
      revision: revisions.length + 1,
      recorded_at: recordedAt,
      fingerprint: fingerprint(contract.format, current),
      canonical: canonicalForm(contract.format, current),
      content_hash: contentHash(current),
      schema: current.schema,
      references: Object.fromEntries(current.references ?? []),
      registry_id: null,
    };
    updates.push({
      lock: { lock_version: LOCK_VERSION, contract: contract.name, format: contract.format, revisions: [...revisions, revision] },
      note: revisions.length === 0 ? 'new' : result.compatible ? 'recorded' : 'recorded (--force: breaks its level)',
    });
    rows.push([contract.name, `r${revision.revision}`, updates[updates.length - 1]?.note ?? '']);
  }
  if (refused.length > 0) {
    io.stderr(
      refused.map((r) => `lock: ${r}`).join('\n') +
        '\nlock: nothing written. Fix the contracts, make the change a new major version, or pass --force for a reviewed break.\n',
    );
    return EXIT.failed;
  }
  for (const update of updates) writeLock(options.root, update.lock);
  const width = Math.max(8, ...rows.map((r) => r[0]?.length ?? 0));
  io.stdout(rows.map(([name, rev, note]) => `${(name ?? '').padEnd(width)}  ${(rev ?? '').padEnd(4)}  ${note}`).join('\n') + '\n');
  io.stdout(
    `lock: ${updates.length} revision${updates.length === 1 ? '' : 's'} recorded in compat/${updates.length > 0 ? ` (${updates.map((u) => lockFile(u.lock.contract)).join(', ')})` : ''}\n`,
  );
  return EXIT.ok;
}
