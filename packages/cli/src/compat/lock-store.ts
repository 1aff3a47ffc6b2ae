import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalForm, contentHash, fingerprint, type SchemaInput } from '@dynamic-capital/contracts-compat';
import { parseJson, SourceText, type SchemaFormat } from '@dynamic-capital/contracts-model';

/**
 * The lock: compat/<contract>.lock.json, one file per contract so concurrent changes to
 * different contracts never conflict in git. Written by `contracts lock`, read by the gate.
 */
export const LOCK_DIR = 'compat';
export const LOCK_VERSION = 1;

export interface LockRevision {
  /** 1, 2, 3 ... in the order they were recorded. */
  readonly revision: number;
  /** ISO 8601 UTC. */
  readonly recorded_at: string;
  /** sha256 of the canonical form (Avro: Parsing Canonical Form): the schema's identity. */
  readonly fingerprint: string;
  readonly canonical: string;
  /** sha256 of schema + references as written; guards the lock against hand edits. */
  readonly content_hash: string;
  /** The schema as written (docs and defaults matter to compatibility). */
  readonly schema: unknown;
  /** Referenced schemas at the time, by Avro full name or JSON Schema $id. */
  readonly references: Readonly<Record<string, unknown>>;
  readonly registry_id: number | null;
}

export interface ContractLock {
  readonly lock_version: number;
  readonly contract: string;
  readonly format: SchemaFormat;
  readonly revisions: readonly LockRevision[];
}

/** A lock file that cannot be trusted: exit 2, with the file and how to re-create it. */
export class LockError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(
      `${file}:${line}:${column}: ${message}; re-create it from git history (git checkout -- ${file}) or, for a contract never published, delete it and run \`contracts lock\``,
    );
    this.name = 'LockError';
  }
}

export function lockFile(contract: string): string {
  return `${LOCK_DIR}/${contract}.lock.json`;
}

export function revisionInput(revision: LockRevision): SchemaInput {
  return { schema: revision.schema, references: new Map(Object.entries(revision.references)) };
}

/** Parse and verify a lock file's text (shape, order, and each fingerprint against its canonical form). */
export function parseLock(file: string, text: string, expectedContract?: string): ContractLock {
  const parsed = parseJson(new SourceText(file, text));
  if (!parsed.ok) throw new LockError(file, parsed.diagnostic.line, parsed.diagnostic.column, `corrupted lock: ${parsed.diagnostic.message}`);
  const doc = parsed.document;
  const fail = (pointer: string, message: string): never => {
    const { line, column } = doc.source.position(doc.offsetOf(pointer));
    throw new LockError(file, line, column, `corrupted lock: ${message}`);
  };
  const v = doc.value as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('', 'not a JSON object');
  if (v['lock_version'] !== LOCK_VERSION)
    fail('/lock_version', `unsupported lock_version ${JSON.stringify(v['lock_version'])} (this toolkit writes ${LOCK_VERSION})`);
  if (typeof v['contract'] !== 'string') fail('/contract', '"contract" must be a string');
  if (expectedContract !== undefined && v['contract'] !== expectedContract)
    fail('/contract', `"contract" is "${String(v['contract'])}" but the file is named for "${expectedContract}"`);
  if (v['format'] !== 'avro' && v['format'] !== 'json') fail('/format', '"format" must be "avro" or "json"');
  const format = v['format'] as SchemaFormat;
  if (!Array.isArray(v['revisions'])) return fail('/revisions', '"revisions" must be an array');
  const revisions = (v['revisions'] as unknown[]).map((raw, i): LockRevision => {
    const p = `/revisions/${i}`;
    const r = raw as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object') return fail(p, 'a revision must be an object');
    if (r['revision'] !== i + 1) fail(`${p}/revision`, `revision numbers must be 1, 2, 3 ... in order (expected ${i + 1})`);
    if (typeof r['recorded_at'] !== 'string' || Number.isNaN(Date.parse(r['recorded_at']))) fail(`${p}/recorded_at`, '"recorded_at" must be an ISO 8601 date');
    if (typeof r['canonical'] !== 'string') fail(`${p}/canonical`, '"canonical" must be a string');
    if (typeof r['fingerprint'] !== 'string') fail(`${p}/fingerprint`, '"fingerprint" must be a string');
    if (typeof r['content_hash'] !== 'string') fail(`${p}/content_hash`, '"content_hash" must be a string');
    if (!('schema' in r)) fail(p, 'a revision needs "schema"');
    const references = r['references'];
    if (references === null || typeof references !== 'object' || Array.isArray(references)) return fail(`${p}/references`, '"references" must be an object');
    if (r['registry_id'] !== null && typeof r['registry_id'] !== 'number') fail(`${p}/registry_id`, '"registry_id" must be a number or null');
    const revision: LockRevision = {
      revision: i + 1,
      recorded_at: r['recorded_at'] as string,
      fingerprint: r['fingerprint'] as string,
      canonical: r['canonical'] as string,
      content_hash: r['content_hash'] as string,
      schema: r['schema'],
      references: references as Record<string, unknown>,
      registry_id: (r['registry_id'] as number | null | undefined) ?? null,
    };
    let actual: string;
    try {
      actual = fingerprint(format, revisionInput(revision));
    } catch (error) {
      return fail(`${p}/schema`, `the recorded schema is not a valid ${format} schema (${error instanceof Error ? error.message : String(error)})`);
    }
    if (
      actual !== revision.fingerprint ||
      canonicalForm(format, revisionInput(revision)) !== revision.canonical ||
      contentHash(revisionInput(revision)) !== revision.content_hash
    ) {
      fail(`${p}/fingerprint`, 'the fingerprint does not match the recorded schema (edited by hand?)');
    }
    return revision;
  });
  return { lock_version: LOCK_VERSION, contract: v['contract'] as string, format, revisions };
}

/** Every lock under root/compat, by contract. Throws LockError on the first corrupted file. */
export function readLocks(root: string): Map<string, ContractLock> {
  const dir = path.join(root, LOCK_DIR);
  const out = new Map<string, ContractLock>();
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.lock.json'))
      .sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const contract = name.slice(0, -'.lock.json'.length);
    const file = `${LOCK_DIR}/${name}`;
    out.set(contract, parseLock(file, fs.readFileSync(path.join(root, file), 'utf8'), contract));
  }
  return out;
}

/** Stable, diff-friendly JSON text of a lock. */
export function serializeLock(lock: ContractLock): string {
  return JSON.stringify(lock, null, 2) + '\n';
}

/** Write the lock atomically: a temp file in the same directory, then rename, so it is never half-written. */
export function writeLock(root: string, lock: ContractLock): void {
  const target = path.join(root, lockFile(lock.contract));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, serializeLock(lock));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
}
