/**
 * Valid sample values of any contract, generated from its schema (no hand-written fixtures) and
 * deterministic for a seed:
 *
 * - Avro: avsc's `Type.random()` on the runtime's type (`buildAvroType`; decimals through
 *   `DecimalType.random()`), with avsc's generator driven by a seeded PRNG while it runs.
 * - JSON Schema: json-schema-faker with a fixed seed, `$ref`s resolved to the referenced
 *   documents (schemas/shared) the model lists for the schema.
 *
 * A candidate is kept only when the runtime's validator of the contract (`avroIssues`,
 * `compileJsonValidator`: what the generated SDK validates with) accepts it. Generators do not
 * know every constraint (json-schema-faker ignores `if`/`then` inside `allOf`, as in
 * system.halt.intent.v1), so candidates are drawn up to `maxAttempts` times; fewer valid values
 * than asked for is an error naming the contract.
 */
import { Lcg } from 'avsc/lib/utils';
import { generateSync, type JsonSchema } from 'json-schema-faker';
import { referencedSchemas, type Contract, type ContractGraph } from '@dynamic-capital/contracts-model';
import { avroIssues, buildAvroType, compileJsonValidator, type ValidationIssue } from '@dynamic-capital/contracts-runtime';

export interface SampleOptions {
  /** Valid values wanted (default 2). */
  readonly count?: number;
  /** Same seed, same values (default 1). */
  readonly seed?: number;
  /** Candidates drawn at most (default 500). */
  readonly maxAttempts?: number;
}

/** 32-bit FNV-1a of a text: a seed per contract and attempt, so contracts do not share sequences. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Mulberry32: uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Runs `draw` with every draw of avsc's generator taken from a PRNG seeded with `seed`. */
function withAvscSeed<T>(seed: number, draw: () => T): T {
  const proto = Lcg.prototype;
  const { nextFloat, nextBoolean } = proto;
  const next = mulberry32(seed);
  // same semantics as avsc's: nextFloat() in [0, 1), nextFloat(end), nextFloat(start, end)
  proto.nextFloat = (a?: number, b?: number) => {
    const [start, end] = b === undefined ? [0, a ?? 1] : [a ?? 0, b];
    return start + (end - start) * next();
  };
  proto.nextBoolean = () => next() < 0.5;
  try {
    return draw();
  } finally {
    proto.nextFloat = nextFloat;
    proto.nextBoolean = nextBoolean;
  }
}

/** `node` with every `$ref` made absolute against the `$id` in scope (json-schema-faker passes refs to the resolver as written). */
function absoluteRefs(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, base));
  if (node === null || typeof node !== 'object') return node;
  const id = (node as Record<string, unknown>)['$id'];
  const scope = typeof id === 'string' ? new URL(id, base).href : base;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? new URL(v, scope).href : absoluteRefs(v, scope);
  return out;
}

interface Generator {
  candidate(seed: number): unknown;
  issues(value: unknown): readonly ValidationIssue[];
}

function avroGenerator(schema: unknown, references: ReadonlyMap<string, unknown>): Generator {
  const type = buildAvroType(schema, references);
  return {
    candidate: (seed) => withAvscSeed(seed, () => type.random() as unknown),
    issues: (value) => avroIssues(type, value),
  };
}

function jsonGenerator(contract: Contract, schema: unknown, references: ReadonlyMap<string, unknown>): Generator {
  const idOf = (doc: unknown, fallback: string): string => {
    const id = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['$id'] : undefined;
    return typeof id === 'string' ? id : fallback;
  };
  const rootId = idOf(schema, `urn:contract:${contract.name}`);
  const documents = new Map<string, JsonSchema>();
  const root = absoluteRefs(schema, rootId) as JsonSchema;
  documents.set(new URL(rootId).href, root);
  for (const [name, doc] of references) {
    const id = new URL(idOf(doc, name), rootId).href;
    documents.set(id, absoluteRefs(doc, id) as JsonSchema);
  }
  const refResolver = (ref: string): JsonSchema => {
    const url = ref.split('#')[0] ?? '';
    const doc = documents.get(url);
    if (doc === undefined)
      throw new Error(`${contract.name}: $ref ${ref} names no document of the schema or its references (${[...documents.keys()].join(', ')})`);
    return doc;
  };
  const validate = compileJsonValidator(schema, references);
  return {
    candidate: (seed) => generateSync(root, { seed, refResolver }),
    issues: validate,
  };
}

/** The generator of a contract's values, from its schema as the model holds it. */
function generatorFor(graph: ContractGraph, contract: Contract): Generator {
  if (!contract.schema) throw new Error(`${contract.name}: the model has no parsed schema (${contract.file})`);
  const schema = contract.schema.document.value;
  const references = referencedSchemas(graph, contract.schema);
  return contract.format === 'avro' ? avroGenerator(schema, references) : jsonGenerator(contract, schema, references);
}

/**
 * `count` values of `contract` its runtime validator accepts, the same for the same seed. Avro
 * records come back as avsc record instances (what a decode returns too).
 */
export function sampleValues(graph: ContractGraph, contract: Contract, options: SampleOptions = {}): unknown[] {
  const count = options.count ?? 2;
  const seed = options.seed ?? 1;
  const maxAttempts = options.maxAttempts ?? 500;
  const generator = generatorFor(graph, contract);
  const values: unknown[] = [];
  let lastIssues: readonly ValidationIssue[] = [];
  let lastError: unknown;
  for (let attempt = 0; attempt < maxAttempts && values.length < count; attempt++) {
    let value: unknown;
    try {
      value = generator.candidate(hash32(`${seed}:${contract.name}:${attempt}`));
    } catch (error) {
      lastError = error;
      continue;
    }
    const issues = generator.issues(value);
    if (issues.length === 0) values.push(value);
    else lastIssues = issues;
  }
  if (values.length < count) {
    const why = [
      lastIssues.length > 0 ? `last invalid candidate: ${lastIssues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}` : '',
      lastError === undefined ? '' : `last generator error: ${String(lastError)}`,
    ].filter((s) => s !== '');
    throw new Error(
      `${contract.name}: only ${values.length} of ${count} sample values pass the contract's validator after ${maxAttempts} candidates (seed ${seed}); ${why.join('; ')}`,
    );
  }
  return values;
}

/** A value as plain JSON data (avsc record instances become plain objects), for deep equality. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
