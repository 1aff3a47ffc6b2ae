import * as graph from './graph';
import type { AvroField, AvroNode, CompiledAvro } from './graph';
import type { AvroRuleId } from './rules';

/** One reason the reader cannot read what the writer wrote. Paths are JSON pointers into each document. */
export interface AvroIncompatibility {
  readonly rule: AvroRuleId;
  readonly readerPath: string;
  readonly writerPath: string;
  readonly message: string;
}

/**
 * Every incompatibility Apache Avro 1.11's SchemaCompatibility.checkReaderWriterCompatibility
 * reports for data written with `writer` and read with `reader`; empty when compatible.
 *
 * The traversal is Avro's, step for step, including its memo: a (reader, writer) pair being
 * checked counts as compatible when met again inside itself (recursive types), and a pair's
 * result is reused for the rest of the check. Both decide verdicts on recursive schemas, so the
 * order of visits and what is memoized match Avro's, not just the rules.
 */
export function checkAvroReaderWriter(reader: CompiledAvro, writer: CompiledAvro): AvroIncompatibility[] {
  beginCheck(reader.complexCount, writer.complexCount);
  const found: AvroIncompatibility[] = [];
  try {
    check(reader.root, writer.root, found);
  } catch (error) {
    // Avro throws here; Confluent Schema Registry reports the pair incompatible.
    if (error instanceof AmbiguousFieldMatch) return [error.incompatibility];
    throw error;
  } finally {
    endCheck();
  }
  return found.length > 1 ? unique(found) : found;
}

// Local copies: some transpilers turn every use of an imported binding into a getter call.
const { ARRAY, ENUM, FIXED, LAST_PRIMITIVE, MAP, RECORD, UNION } = graph;

// Primitive promotions, indexed reader * 8 + writer: long<-int, float<-int|long,
// double<-int|long|float, bytes<-string, string<-bytes.
const PROMOTES = new Uint8Array(64);
for (const [reader, writers] of [
  [3, [2]],
  [4, [2, 3]],
  [5, [2, 3, 4]],
  [6, [7]],
  [7, [6]],
] as const) {
  for (const writer of writers) PROMOTES[reader * 8 + writer] = 1;
}

function primitiveReads(readerKind: number, writerKind: number): boolean {
  return readerKind === writerKind || PROMOTES[readerKind * 8 + writerKind] === 1;
}

/*
 * Memo of (reader node, writer node) pairs, as Avro's ReaderWriterCompatibilityChecker keeps.
 * Only pairs with a named side are stored: every other node is written once and reached
 * through one parent pair, so its pairs are never met twice, and pairs with a primitive side
 * do not depend on the memo. States live in typed arrays stamped with a per-check generation,
 * so starting a check costs nothing and a check allocates only when something is incompatible.
 */
const IN_PROGRESS = 1;
const COMPATIBLE = 2;
const INCOMPATIBLE = 3;
const MAX_TABLE = 1 << 22;

let stamps = new Uint32Array(1024);
let states = new Uint8Array(1024);
let generation = 0;
let stride = 0;
/** Used instead of the tables when reader x writer nodes exceed MAX_TABLE. */
let bigMemo: Map<number, number> | null = null;
/** What an incompatible memoized pair reported, replayed when the pair is met again (as Avro merges its cached result). */
let replays: Map<number, AvroIncompatibility[]> | null = null;

function beginCheck(readerCount: number, writerCount: number): void {
  stride = writerCount;
  replays = null;
  const size = readerCount * writerCount;
  if (size > MAX_TABLE) {
    bigMemo = new Map();
    return;
  }
  bigMemo = null;
  if (size > stamps.length) {
    const capacity = Math.max(size, stamps.length * 2);
    stamps = new Uint32Array(capacity);
    states = new Uint8Array(capacity);
    generation = 0;
  }
  if (generation === 0xffffffff) {
    stamps.fill(0);
    generation = 0;
  }
  generation++;
}

function endCheck(): void {
  bigMemo = null;
  replays = null;
}

function memoState(key: number): number {
  if (bigMemo !== null) return bigMemo.get(key) ?? 0;
  return stamps[key] === generation ? (states[key] ?? 0) : 0;
}

function setMemoState(key: number, state: number): void {
  if (bigMemo !== null) {
    bigMemo.set(key, state);
    return;
  }
  stamps[key] = generation;
  states[key] = state;
}

/** Avro's getCompatibility(reader, writer): checks a pair, through the memo when it has a named side. */
function check(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  const readerKind = reader.kind;
  const writerKind = writer.kind;
  if (readerKind <= LAST_PRIMITIVE && writerKind <= LAST_PRIMITIVE) {
    if (primitiveReads(readerKind, writerKind)) return true;
    out.push(typeMismatch(reader, writer));
    return false;
  }
  const memoized = readerKind > LAST_PRIMITIVE && writerKind > LAST_PRIMITIVE && (isNamedKind(readerKind) || isNamedKind(writerKind));
  if (!memoized) return compare(reader, writer, out);
  const key = reader.id * stride + writer.id;
  const state = memoState(key);
  if (state === IN_PROGRESS || state === COMPATIBLE) return true;
  if (state === INCOMPATIBLE) {
    const replay = replays?.get(key);
    if (replay) for (const incompatibility of replay) out.push(incompatibility);
    return false;
  }
  setMemoState(key, IN_PROGRESS);
  const start = out.length;
  const compatible = compare(reader, writer, out);
  setMemoState(key, compatible ? COMPATIBLE : INCOMPATIBLE);
  if (!compatible) (replays ??= new Map()).set(key, out.slice(start));
  return compatible;
}

function isNamedKind(kind: number): boolean {
  return kind === RECORD || kind === ENUM || kind === FIXED;
}

/** Avro's calculateCompatibility, for pairs with at least one non-primitive side. */
function compare(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  const readerKind = reader.kind;
  const writerKind = writer.kind;
  if (readerKind === writerKind) {
    switch (readerKind) {
      case RECORD: {
        const named = namesMatch(reader, writer, out);
        return checkFields(reader, writer, out) && named;
      }
      case ENUM: {
        const named = namesMatch(reader, writer, out);
        return enumSymbolsReadable(reader, writer, out) && named;
      }
      case FIXED: {
        const named = namesMatch(reader, writer, out);
        if (reader.size === writer.size) return named;
        out.push(incompatible('FIXED_SIZE_MISMATCH', reader.sizePointer, writer.sizePointer, `expected: ${writer.size}, found: ${reader.size}`));
        return false;
      }
      case ARRAY:
      case MAP:
        return reader.child !== null && writer.child !== null && check(reader.child, writer.child, out);
      default: {
        // Both unions: every writer branch must be readable by the reader union. Avro reports
        // the missing branch, not why each reader branch failed, so those details are dropped.
        let compatible = true;
        for (const branch of writer.branches) {
          const mark = out.length;
          const readable = check(reader, branch, out);
          out.length = mark;
          if (!readable) {
            out.push(incompatible('MISSING_UNION_BRANCH', reader.pointer, branch.pointer, `reader union lacking writer type: ${upper(branch)}`));
            compatible = false;
          }
        }
        return compatible;
      }
    }
  }
  if (writerKind === UNION) {
    // A non-union reader must read every branch the writer may have written.
    let compatible = true;
    for (const branch of writer.branches) if (!check(reader, branch, out)) compatible = false;
    return compatible;
  }
  if (readerKind === UNION) return readerUnionReads(reader, writer, out);
  out.push(typeMismatch(reader, writer));
  return false;
}

/** A reader union reads a (non-union) writer type when any branch does; Avro tries them in order. */
function readerUnionReads(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  const writerKind = writer.kind;
  for (const branch of reader.branches) {
    const branchKind = branch.kind;
    if (branchKind <= LAST_PRIMITIVE || writerKind <= LAST_PRIMITIVE) {
      // Neither side can recurse: decide without building the mismatch Avro would discard.
      if (branchKind <= LAST_PRIMITIVE && writerKind <= LAST_PRIMITIVE && primitiveReads(branchKind, writerKind)) return true;
      continue;
    }
    const mark = out.length;
    const readable = check(branch, writer, out);
    out.length = mark;
    if (readable) return true;
  }
  out.push(incompatible('MISSING_UNION_BRANCH', reader.pointer, writer.pointer, `reader union lacking writer type: ${upper(writer)}`));
  return false;
}

/** Avro 1.11 compares unqualified names; a reader alias must name the writer's full name. */
function namesMatch(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  if (reader.name === writer.name || reader.aliases.includes(writer.fullName)) return true;
  out.push(incompatible('NAME_MISMATCH', reader.namePointer, writer.namePointer, `expected: ${writer.fullName}`));
  return false;
}

function checkFields(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  let compatible = true;
  for (const readerField of reader.fields) {
    const writerField = writerFieldFor(writer, readerField);
    if (writerField !== null) {
      if (!check(readerField.type, writerField.type, out)) compatible = false;
    } else if (!readerField.hasDefault) {
      const type = readerField.type;
      if (type.kind === ENUM && type.enumDefault !== null) {
        // Avro 1.11 quirk: a missing enum field without a field default but with an enum
        // default is checked as its enum against the writer record, a TYPE_MISMATCH.
        if (!check(type, writer, out)) compatible = false;
      } else {
        out.push(incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', readerField.pointer, writer.pointer, readerField.name));
        compatible = false;
      }
    }
  }
  return compatible;
}

/** The writer field a reader field reads, by its name or one of its aliases (Avro's lookupWriterField). */
function writerFieldFor(writer: AvroNode, readerField: AvroField): AvroField | null {
  const direct = writer.fieldsByName.get(readerField.name);
  if (readerField.aliases.length === 0) return direct ?? null;
  let match = direct ?? null;
  let matches = direct ? 1 : 0;
  for (const alias of readerField.aliases) {
    const aliased = writer.fieldsByName.get(alias);
    if (aliased) {
      match = aliased;
      matches++;
    }
  }
  if (matches > 1) throw new AmbiguousFieldMatch(readerField, writer);
  return match;
}

function enumSymbolsReadable(reader: AvroNode, writer: AvroNode, out: AvroIncompatibility[]): boolean {
  let missing: string[] | null = null;
  for (const symbol of writer.symbols) if (!reader.symbolSet.has(symbol)) (missing ??= []).push(symbol);
  // Avro 1.11: a reader enum default stands in for unknown writer symbols.
  if (missing === null || reader.enumDefault !== null) return true;
  out.push(incompatible('MISSING_ENUM_SYMBOLS', reader.symbolsPointer, writer.symbolsPointer, `[${missing.sort().join(', ')}]`));
  return false;
}

function typeMismatch(reader: AvroNode, writer: AvroNode): AvroIncompatibility {
  return incompatible('TYPE_MISMATCH', reader.pointer, writer.pointer, `reader type: ${upper(reader)} not compatible with writer type: ${upper(writer)}`);
}

function incompatible(rule: AvroRuleId, readerPath: string, writerPath: string, message: string): AvroIncompatibility {
  return { rule, readerPath, writerPath, message };
}

/** Avro's messages name types by their Java enum constant. */
function upper(node: AvroNode): string {
  return node.type.toUpperCase();
}

/** Avro replays a memoized pair's findings each time it meets the pair; report each once. */
function unique(found: readonly AvroIncompatibility[]): AvroIncompatibility[] {
  const seen = new Set<string>();
  return found.filter((incompatibility) => {
    const key = `${incompatibility.rule}\u0000${incompatibility.readerPath}\u0000${incompatibility.writerPath}\u0000${incompatibility.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Avro throws when a reader field's name and aliases match several writer fields. */
class AmbiguousFieldMatch extends Error {
  readonly incompatibility: AvroIncompatibility;

  constructor(readerField: AvroField, writer: AvroNode) {
    super('reader field matches several writer fields');
    this.incompatibility = incompatible(
      'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS',
      readerField.pointer,
      writer.pointer,
      `reader field ${readerField.name} matches several fields of writer record ${writer.fullName}`,
    );
  }
}
