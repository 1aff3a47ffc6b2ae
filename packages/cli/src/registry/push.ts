import { RegistryClient, RegistryHttpError } from '@dynamic-capital/contracts-registry';
import { sameSchema } from '@dynamic-capital/contracts-compat';
import { currentInput } from '../compat/history';
import { revisionInput, writeLock, type ContractLock } from '../compat/lock-store';
import { loadValidProject, readLocksOrFail } from '../commands/compat';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { registrationOrder, schemaRequest, sharedSubject } from './subjects';

export interface PushOptions {
  readonly root: string;
  readonly url: string;
}

interface Row {
  subject: string;
  version: string;
  id: string;
  schema: string;
  level: string;
}

/**
 * Register every contract (references first), set each contract's level, record the registry ids
 * in the lock. Idempotent: a second run changes nothing and says so.
 */
export async function push(io: CliIo, options: PushOptions): Promise<ExitCode> {
  const locks = readLocksOrFail(options.root);
  const graph = loadValidProject(io, options.root, locks, 'registry push');
  if (!graph) return EXIT.failed;
  const client = new RegistryClient(options.url, io.env['CONTRACTS_REGISTRY_TOKEN'] ? { auth: { token: io.env['CONTRACTS_REGISTRY_TOKEN'] } } : {});
  const units = registrationOrder(graph);
  const subjectOfFile = new Map(units.map((u) => [u.doc.file, u.subject]));
  const versionOfFile = new Map<string, number>();
  const rows: Row[] = [];
  const failures: string[] = [];
  const ids = new Map<string, number>();

  for (const unit of units) {
    const contract = unit.contract ? graph.contracts.get(unit.contract) : undefined;
    // Shared types are referenced by contracts of every level: hold them to the strictest.
    const level = contract?.compatibility ?? 'FULL_TRANSITIVE';
    const row: Row = { subject: unit.subject, version: '-', id: '-', schema: '', level: '' };
    rows.push(row);
    try {
      if (unit.doc.references.some((r) => !versionOfFile.has(r.file))) {
        row.schema = 'skipped: a reference failed';
        failures.push(`${unit.subject}: skipped, a schema it references was not registered`);
        continue;
      }
      const current = await client.subjectLevel(unit.subject);
      if (current !== level) {
        await client.setSubjectLevel(unit.subject, level);
        row.level = current === undefined ? `set ${level}` : `${current} -> ${level}`;
      } else {
        row.level = 'unchanged';
      }
      const request = schemaRequest(
        unit.doc,
        (f) => subjectOfFile.get(f) ?? sharedSubject(unit.doc),
        (f) => versionOfFile.get(f),
      );
      const existing = await client.lookup(unit.subject, request);
      if (existing) {
        row.schema = 'unchanged';
        row.version = String(existing.version);
        row.id = String(existing.id);
        versionOfFile.set(unit.doc.file, existing.version);
        ids.set(unit.doc.file, existing.id);
        continue;
      }
      const { id } = await client.register(unit.subject, request);
      const registered = await client.lookup(unit.subject, request);
      row.schema = 'registered';
      row.id = String(id);
      row.version = String(registered?.version ?? '?');
      if (registered) versionOfFile.set(unit.doc.file, registered.version);
      ids.set(unit.doc.file, id);
    } catch (error) {
      if (error instanceof RegistryHttpError && error.status === 0) throw new UsageError(error.message);
      const message = error instanceof Error ? error.message : String(error);
      row.schema = error instanceof RegistryHttpError && error.errorCode === 40901 ? 'REJECTED: incompatible' : 'FAILED';
      failures.push(`${unit.subject}: ${message}`);
    }
  }

  // Record the ids on the lock revision that holds exactly what was pushed.
  const notLocked: string[] = [];
  for (const contract of graph.contracts.values()) {
    const id = contract.schema ? ids.get(contract.schema.file) : undefined;
    const input = currentInput(graph, contract.name);
    if (id === undefined || !input) continue;
    const lock = locks.get(contract.name);
    const index = lock ? lock.revisions.findIndex((r) => sameSchema(revisionInput(r), input)) : -1;
    if (!lock || index < 0) {
      notLocked.push(contract.name);
      continue;
    }
    if (lock.revisions[index]?.registry_id === id) continue;
    const updated: ContractLock = { ...lock, revisions: lock.revisions.map((r, i) => (i === index ? { ...r, registry_id: id } : r)) };
    writeLock(options.root, updated);
  }

  const headers: Row = { subject: 'subject', version: 'version', id: 'id', schema: 'schema', level: 'level' };
  const keys: (keyof Row)[] = ['subject', 'version', 'id', 'schema', 'level'];
  const widths = keys.map((k) => Math.max(...[headers, ...rows].map((r) => r[k].length)));
  const line = (r: Row): string =>
    keys
      .map((k, i) => r[k].padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  io.stdout([line(headers), ...rows.map(line)].join('\n') + '\n');
  const registered = rows.filter((r) => r.schema === 'registered').length;
  const levels = rows.filter((r) => r.level !== 'unchanged' && r.level !== '').length;
  io.stdout(
    `registry push to ${client.baseUrl}: ${registered} registered, ${levels} level${levels === 1 ? '' : 's'} set, ${rows.length - registered - failures.length} unchanged\n`,
  );
  if (notLocked.length > 0) io.stdout(`not in the lock (run contracts lock to record them): ${notLocked.join(', ')}\n`);
  if (failures.length > 0) {
    io.stderr(failures.map((f) => `registry push: ${f}`).join('\n') + '\n');
    return EXIT.failed;
  }
  return EXIT.ok;
}
