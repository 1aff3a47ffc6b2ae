import { checkAvroReaderWriter, compileAvro, type CompiledAvro } from './avro';
import { checkJsonCompiled, compileJson, type CompiledJson } from './json';
import type { Incompatibility, Level, SchemaInput } from './types';

export type SchemaFormat = 'avro' | 'json';
export type JsonPolicy = 'strict' | 'lenient';

export interface CompatOptions {
  readonly format: SchemaFormat;
  readonly level: Level;
  /** JSON Schema only: Confluent's STRICT (default) or LENIENT policy. */
  readonly policy?: JsonPolicy;
}

/** An incompatibility with the revision it was found against (index into the history, oldest = 0). */
export interface LeveledIncompatibility extends Incompatibility {
  readonly revision: number;
  /** Which way the data flows in the failing check. */
  readonly direction: 'backward' | 'forward';
}

export interface CompatResult {
  readonly compatible: boolean;
  readonly level: Level;
  /** How many earlier revisions were checked. */
  readonly checked: number;
  readonly incompatibilities: readonly LeveledIncompatibility[];
}

/**
 * A schema prepared once for many checks: Avro compiles to a type graph, JSON Schema to its loaded model. A JSON
 * Schema that fails to load still prepares; its checks throw SchemaLoadError (see compileJson).
 */
export type PreparedSchema =
  { readonly format: 'avro'; readonly compiled: CompiledAvro } | { readonly format: 'json'; readonly input: SchemaInput; readonly compiled: CompiledJson };

/**
 * `role` says whether the schema is the candidate or an earlier revision: like Confluent, Avro field
 * defaults are validated only on the schema being registered, not on history already accepted.
 */
export function prepare(format: SchemaFormat, input: SchemaInput, role: 'candidate' | 'history' = 'candidate'): PreparedSchema {
  return format === 'avro'
    ? { format, compiled: compileAvro(input, { validateDefaults: role === 'candidate' }) }
    : { format, input, compiled: compileJson(input) };
}

/**
 * Can `reader` read data written with `writer`? Paths come back as old/new: `direction` says which of the two is
 * the new schema (backward: the new schema reads).
 */
function readerWriter(
  reader: PreparedSchema,
  writer: PreparedSchema,
  revision: number,
  direction: LeveledIncompatibility['direction'],
  policy: JsonPolicy,
): LeveledIncompatibility[] {
  const newIsReader = direction === 'backward';
  const found =
    reader.format === 'avro' && writer.format === 'avro'
      ? checkAvroReaderWriter(reader.compiled, writer.compiled)
      : reader.format === 'json' && writer.format === 'json'
        ? checkJsonCompiled(reader.compiled, writer.compiled, { policy })
        : [{ rule: 'TYPE_MISMATCH', readerPath: '', writerPath: '', message: `cannot compare a ${reader.format} schema with a ${writer.format} schema` }];
  // One literal, not `{ ...incompatibility, revision, direction }`: V8 adds keys after a leading spread slowly, and
  // a gate run makes many of these.
  return found.map((f) => ({
    rule: f.rule,
    message: f.message,
    newPath: newIsReader ? f.readerPath : f.writerPath,
    oldPath: newIsReader ? f.writerPath : f.readerPath,
    revision,
    direction,
  }));
}

/**
 * Confluent's levels: BACKWARD = the new schema reads data written with the latest (or, transitive,
 * every) earlier revision; FORWARD = earlier readers read data written with the new schema; FULL = both;
 * NONE = no check. `history` is oldest first.
 */
export function checkLevel(candidate: PreparedSchema, history: readonly PreparedSchema[], level: Level, policy: JsonPolicy = 'strict'): CompatResult {
  if (level === 'NONE' || history.length === 0) return { compatible: true, level, checked: 0, incompatibilities: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const first = transitive ? 0 : history.length - 1;
  const incompatibilities: LeveledIncompatibility[] = [];
  // Newest first, as Confluent reports against the latest version before older ones.
  for (let revision = history.length - 1; revision >= first; revision--) {
    const previous = history[revision] as PreparedSchema;
    if (backward) incompatibilities.push(...readerWriter(candidate, previous, revision, 'backward', policy));
    if (forward) incompatibilities.push(...readerWriter(previous, candidate, revision, 'forward', policy));
  }
  return { compatible: incompatibilities.length === 0, level, checked: history.length - first, incompatibilities };
}

/** One-shot form of checkLevel for callers with plain schemas. */
export function checkCompatibility(candidate: SchemaInput, history: readonly SchemaInput[], options: CompatOptions): CompatResult {
  return checkLevel(
    prepare(options.format, candidate),
    history.map((h) => prepare(options.format, h, 'history')),
    options.level,
    options.policy ?? 'strict',
  );
}
