/**
 * Seeded random Avro schema pairs for the differential test and the benchmark: a random writer
 * schema, and a reader evolved from it by random steps (fields added and removed with and
 * without defaults, promotions and demotions, enum symbols, union branches, nested and recursive
 * records, renames with and without aliases, namespace moves, fixed sizes), written out in the
 * many ways Avro allows (short, dotted and namespaced names, external references).
 *
 * The reference we compare with is Debian's Avro 1.8.2, which answers differently from Avro 1.11
 * (what Confluent Schema Registry runs) on some shapes. The generator never produces those; each
 * is covered by spec-based vectors instead (modern-vectors.ts):
 *
 *  1. Enum defaults (Avro 1.9 and later): an enum "default" lets the reader read unknown writer symbols; 1.8.2
 *     has no enum defaults. Never generated.
 *  2. Namespace in name matching: Avro 1.11 matches records, enums and fixed by unqualified name, 1.8.2
 *     by full name. So no two named types ever share an unqualified name unless their full names
 *     are equal: names come from a counter, and a namespace move also renames.
 *  3. A writer union read by a non-union reader: Avro 1.11 accepts it when the reader reads every
 *     branch (reader "long", writer ["int","long"]); 1.8.2 rejects it whenever the union has two
 *     or more branches. So every union of two or more branches spans two type families (FAMILY)
 *     and no single type reads both: a non-union reader then fails in both versions.
 *  4. Invalid defaults: 1.8.2 accepts them, Avro 1.11 rejects the schema. Defaults are generated valid
 *     (a union's default matches its first branch).
 *  5. A reader field whose name and aliases match two writer fields: Avro throws, 1.8.2 only if
 *     its short-circuiting gets that far. Field names come from a counter and aliases only name
 *     a field's former names, so it never happens.
 *  6. A named type referred to in object form, {"type": "com.acme.Money"}: Avro 1.11 accepts it,
 *     1.8.2 rejects the schema ("Type not supported"). References are always bare strings.
 *  7. Namespace inheritance through a type in no namespace: inside {"name": "B", "namespace": ""}
 *     nested in namespace "outer", a nested {"name": "C"} is "C" in Avro 1.11 (and the spec) but
 *     "outer.C" in 1.8.2, which keeps the outer namespace in scope. The serializer tracks both
 *     scopes and writes a name or reference without a namespace only where they agree.
 *  8. Memo order: Avro 1.11 checks every field where 1.8.2 stops at the first failure, and both
 *     reuse results computed while an enclosing pair was assumed compatible; the two can then
 *     disagree when a reader union has two record branches that both match one writer record
 *     (by name and by alias). Names are unique and aliases only name a type's own former names,
 *     so no reader type ever has two candidates.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast, and good enough to explore schemas. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('generator: pick from an empty list');
      return item;
    },
  };
}

export interface GeneratedPair {
  readonly reader: unknown;
  readonly writer: unknown;
  /** Named types the schema refers to by name, in dependency order (full name -> schema). */
  readonly readerReferences: ReadonlyMap<string, unknown>;
  readonly writerReferences: ReadonlyMap<string, unknown>;
  /** How the evolved schema was made from the original, for failure reports. */
  readonly steps: readonly string[];
  /** true: the reader is the evolved schema (a BACKWARD check); false: the writer is (FORWARD). */
  readonly evolvedReads: boolean;
}

/** `count` pairs from `seed`, alternating direction (reader = evolved, then writer = evolved). */
export function generatePairs(seed: number, count: number): GeneratedPair[] {
  const rng = createRng(seed);
  const pairs: GeneratedPair[] = [];
  while (pairs.length < count) {
    const pair = generatePair(rng);
    if (!pair) continue;
    pairs.push(pair);
    if (pairs.length < count) {
      pairs.push({
        ...pair,
        reader: pair.writer,
        writer: pair.reader,
        readerReferences: pair.writerReferences,
        writerReferences: pair.readerReferences,
        evolvedReads: false,
      });
    }
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Model: types as the generator sees them. Named types are defs shared by id; GType values are
// immutable (steps replace them), so the writer and its evolved copy can share them.

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';
const PRIMITIVES: readonly Primitive[] = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];

type GType =
  | { readonly t: 'prim'; readonly p: Primitive; readonly logical?: string }
  | { readonly t: 'array'; readonly items: GType }
  | { readonly t: 'map'; readonly values: GType }
  | { readonly t: 'union'; readonly branches: readonly GType[] }
  | { readonly t: 'ref'; readonly id: number };

interface GField {
  name: string;
  type: GType;
  /** undefined: no default. */
  default?: unknown;
  aliases: string[];
  order?: 'ascending' | 'descending' | 'ignore';
}

interface GDef {
  readonly id: number;
  readonly kind: 'record' | 'enum' | 'fixed';
  name: string;
  ns: string | null;
  /** Full names. */
  aliases: string[];
  fields: GField[];
  symbols: string[];
  size: number;
  /** Written in `references` (enums and fixed only) and referred to by full name. */
  external: boolean;
  error: boolean;
}

interface GSchema {
  defs: Map<number, GDef>;
  rootId: number;
}

const NAMESPACES: readonly (string | null)[] = ['com.acme', 'com.acme.trade', 'org.risk', null];

/** Per pair: fresh type and field names and def ids, shared by the writer and its evolution. */
class Counters {
  private names = 0;
  id = 0;
  name(prefix: string): string {
    return `${prefix}${this.names++}`;
  }
}

function cloneSchema(schema: GSchema): GSchema {
  const defs = new Map<number, GDef>();
  for (const [id, def] of schema.defs) {
    defs.set(id, { ...def, aliases: [...def.aliases], symbols: [...def.symbols], fields: def.fields.map((f) => ({ ...f, aliases: [...f.aliases] })) });
  }
  return { defs, rootId: schema.rootId };
}

function defOf(schema: GSchema, id: number): GDef {
  const def = schema.defs.get(id);
  if (!def) throw new Error(`generator: no def ${id}`);
  return def;
}

function fullName(def: GDef): string {
  return def.ns === null ? def.name : `${def.ns}.${def.name}`;
}

function typeName(kind: GDef['kind'], counters: Counters): string {
  return counters.name(kind === 'record' ? 'R' : kind === 'enum' ? 'E' : 'F');
}

// ---------------------------------------------------------------------------------------------
// Random types

class TypeMaker {
  constructor(
    private readonly rng: Rng,
    private readonly counters: Counters,
    private readonly schema: GSchema,
  ) {}

  record(ns: string | null, depth: number, ancestors: readonly number[]): GDef {
    const def = this.newDef('record', ns);
    def.error = this.rng.chance(0.04);
    const count = depth === 0 ? 1 + this.rng.int(7) : this.rng.int(4);
    const inScope = [...ancestors, def.id];
    for (let i = 0; i < count; i++) def.fields.push(this.field(depth, inScope));
    return def;
  }

  field(depth: number, ancestors: readonly number[]): GField {
    const field: GField = { name: this.counters.name('f'), type: this.type(depth, ancestors, false), aliases: [] };
    if (this.rng.chance(0.4)) setDefault(this.schema, field, this.rng);
    if (this.rng.chance(0.05)) field.order = this.rng.pick(['ascending', 'descending', 'ignore'] as const);
    return field;
  }

  /** A random type; `inUnion` excludes unions (and mostly arrays and maps). */
  type(depth: number, ancestors: readonly number[], inUnion: boolean): GType {
    const roll = this.rng.next();
    const deep = depth >= 3;
    if (roll < 0.38 || (deep && roll < 0.7)) return this.primitive(inUnion);
    if (roll < 0.46) return { t: 'ref', id: this.enumDef().id };
    if (roll < 0.52) return { t: 'ref', id: this.fixedDef().id };
    if (roll < 0.6 && !inUnion) return { t: 'array', items: this.type(depth + 1, ancestors, false) };
    if (roll < 0.66 && !inUnion) return { t: 'map', values: this.type(depth + 1, ancestors, false) };
    if (roll < 0.8 && !inUnion) return this.union(depth, ancestors);
    if (roll < 0.88 && !deep) {
      const here = ancestors.length > 0 ? defOf(this.schema, ancestors[ancestors.length - 1] ?? 0).ns : null;
      return { t: 'ref', id: this.record(this.rng.chance(0.7) ? here : this.rng.pick(NAMESPACES), depth + 1, ancestors).id };
    }
    if (roll < 0.94 && ancestors.length > 0) return this.recursion(ancestors, inUnion);
    if (this.schema.defs.size > 0 && this.rng.chance(0.7)) return { t: 'ref', id: this.rng.pick([...this.schema.defs.keys()]) };
    return this.primitive(inUnion);
  }

  primitive(inUnion: boolean): GType {
    const p = this.rng.pick(PRIMITIVES);
    if (!inUnion && p === 'null' && this.rng.chance(0.7)) return { t: 'prim', p: 'string' };
    // Logical types: Avro ignores them when resolving, so they must not change verdicts.
    if ((p === 'long' || p === 'int') && this.rng.chance(0.06)) return { t: 'prim', p, logical: p === 'long' ? 'timestamp-millis' : 'date' };
    return { t: 'prim', p };
  }

  union(depth: number, ancestors: readonly number[]): GType {
    if (this.rng.chance(0.08)) return { t: 'union', branches: [this.type(depth + 1, ancestors, true)] };
    const branches: GType[] = this.rng.chance(0.6) ? [{ t: 'prim', p: 'null' }] : [];
    const wanted = 2 + this.rng.int(3);
    for (let tries = 0; branches.length < wanted && tries < 12; tries++) {
      const roll = this.rng.next();
      const candidate: GType =
        roll < 0.12
          ? { t: 'array', items: this.type(depth + 1, ancestors, false) }
          : roll < 0.18
            ? { t: 'map', values: this.type(depth + 1, ancestors, false) }
            : this.type(depth + 1, ancestors, true);
      if (branchesDistinct(this.schema, [...branches, candidate])) branches.push(candidate);
    }
    if (this.rng.chance(0.3)) shuffle(branches, this.rng);
    const union: GType = { t: 'union', branches };
    return unionAllowed(this.schema, union)
      ? union
      : {
          t: 'union',
          branches: [
            { t: 'prim', p: 'null' },
            { t: 'prim', p: 'string' },
          ],
        };
  }

  private recursion(ancestors: readonly number[], inUnion: boolean): GType {
    const self: GType = { t: 'ref', id: this.rng.pick(ancestors) };
    if (inUnion) return self;
    switch (this.rng.int(4)) {
      case 0:
        return { t: 'union', branches: [{ t: 'prim', p: 'null' }, self] };
      case 1:
        return { t: 'array', items: self };
      case 2:
        return { t: 'map', values: self };
      default:
        return { t: 'union', branches: [self, { t: 'prim', p: 'null' }] };
    }
  }

  private enumDef(): GDef {
    const def = this.newDef('enum', this.rng.pick(NAMESPACES));
    const count = 1 + this.rng.int(5);
    for (let i = 0; i < count; i++) def.symbols.push(`S${i}`);
    def.external = this.rng.chance(0.15);
    return def;
  }

  private fixedDef(): GDef {
    const def = this.newDef('fixed', this.rng.pick(NAMESPACES));
    def.size = 1 + this.rng.int(16);
    def.external = this.rng.chance(0.15);
    return def;
  }

  private newDef(kind: GDef['kind'], ns: string | null): GDef {
    const def: GDef = {
      id: this.counters.id++,
      kind,
      name: typeName(kind, this.counters),
      ns,
      aliases: [],
      fields: [],
      symbols: [],
      size: 0,
      external: false,
      error: false,
    };
    this.schema.defs.set(def.id, def);
    return def;
  }
}

// ---------------------------------------------------------------------------------------------
// Unions: Avro's rules (no duplicate branches, no nesting) and exclusion 3.

/** Type families; no non-union reader type reads values of two families (exclusion 3). */
function family(schema: GSchema, type: GType): string {
  switch (type.t) {
    case 'prim':
      if (type.p === 'int' || type.p === 'long' || type.p === 'float' || type.p === 'double') return 'number';
      return type.p === 'bytes' || type.p === 'string' ? 'text' : type.p;
    case 'ref':
      return defOf(schema, type.id).kind;
    default:
      return type.t;
  }
}

/** What Avro keys union branches by: full name for named types, the type name otherwise. */
function branchKey(schema: GSchema, type: GType): string {
  if (type.t === 'ref') return fullName(defOf(schema, type.id));
  return type.t === 'prim' ? type.p : type.t;
}

function branchesDistinct(schema: GSchema, branches: readonly GType[]): boolean {
  return branches.every((b) => b.t !== 'union') && new Set(branches.map((b) => branchKey(schema, b))).size === branches.length;
}

function unionAllowed(schema: GSchema, union: GType): boolean {
  if (union.t !== 'union') return true;
  if (union.branches.length === 0 || !branchesDistinct(schema, union.branches)) return false;
  return union.branches.length === 1 || new Set(union.branches.map((b) => family(schema, b))).size >= 2;
}

// ---------------------------------------------------------------------------------------------
// Defaults (exclusion 4)

/** A valid default for `type`, or undefined when none is easy to build (deep recursion). */
function defaultFor(schema: GSchema, type: GType, rng: Rng, depth = 0): { value: unknown } | undefined {
  if (depth > 4) return undefined;
  switch (type.t) {
    case 'prim':
      switch (type.p) {
        case 'null':
          return { value: null };
        case 'boolean':
          return { value: rng.chance(0.5) };
        case 'int':
        case 'long':
          return { value: rng.int(100) - 50 };
        case 'float':
        case 'double':
          // Avro reads a string default of a float or double field as a Java double literal.
          return { value: depth === 0 && rng.chance(0.2) ? 'NaN' : rng.int(1000) / 8 };
        default:
          return { value: rng.chance(0.5) ? '' : 'x\u00ff' };
      }
    case 'array':
      if (rng.chance(0.6)) return { value: [] };
      return wrap(defaultFor(schema, type.items, rng, depth + 1), (v) => [v]);
    case 'map':
      if (rng.chance(0.6)) return { value: {} };
      return wrap(defaultFor(schema, type.values, rng, depth + 1), (v) => ({ k: v }));
    case 'union': {
      const first = type.branches[0];
      return first ? defaultFor(schema, first, rng, depth + 1) : undefined;
    }
    case 'ref': {
      const def = defOf(schema, type.id);
      if (def.kind === 'enum') return { value: rng.pick(def.symbols) };
      if (def.kind === 'fixed') return { value: 'a'.repeat(def.size) };
      const value: Record<string, unknown> = {};
      for (const field of def.fields) {
        if (field.default !== undefined && rng.chance(0.5)) continue; // Avro falls back to the field's default
        const fieldDefault = defaultFor(schema, field.type, rng, depth + 1);
        if (!fieldDefault) return undefined;
        value[field.name] = fieldDefault.value;
      }
      return { value };
    }
  }
}

function wrap(inner: { value: unknown } | undefined, f: (v: unknown) => unknown): { value: unknown } | undefined {
  return inner ? { value: f(inner.value) } : undefined;
}

function setDefault(schema: GSchema, field: GField, rng: Rng): void {
  const found = defaultFor(schema, field.type, rng);
  if (found) field.default = found.value;
  else delete field.default;
}

/** Avro 1.11's validity rule on the model; "NaN" is valid only as a float or double field's own default. */
function defaultValid(schema: GSchema, type: GType, value: unknown, depth = 0): boolean {
  if (value === undefined || depth > 16) return false;
  switch (type.t) {
    case 'prim':
      switch (type.p) {
        case 'null':
          return value === null;
        case 'boolean':
          return typeof value === 'boolean';
        case 'int':
        case 'long':
          return Number.isInteger(value);
        case 'float':
        case 'double':
          return typeof value === 'number' || (depth === 0 && value === 'NaN');
        default:
          return typeof value === 'string';
      }
    case 'array':
      return Array.isArray(value) && value.every((v) => defaultValid(schema, type.items, v, depth + 1));
    case 'map':
      return isObject(value) && Object.values(value).every((v) => defaultValid(schema, type.values, v, depth + 1));
    case 'union': {
      const first = type.branches[0];
      return first !== undefined && defaultValid(schema, first, value, depth + 1);
    }
    case 'ref': {
      const def = defOf(schema, type.id);
      if (def.kind !== 'record') return typeof value === 'string';
      return (
        isObject(value) &&
        def.fields.every((f) => defaultValid(schema, f.type, Object.prototype.hasOwnProperty.call(value, f.name) ? value[f.name] : f.default, depth + 1))
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Evolution steps. Each mutates a copy of the schema and describes itself, or returns null when
// it does not apply; the copy is kept only if it stays within the exclusions.

interface Site {
  readonly field: GField;
  readonly inUnion: boolean;
  get(): GType;
  set(type: GType): void;
}

/** Every place a type is written in a field: the field's type, items, values, union branches. */
function sites(schema: GSchema): Site[] {
  const found: Site[] = [];
  const visit = (field: GField, inUnion: boolean, get: () => GType, set: (type: GType) => void): void => {
    found.push({ field, inUnion, get, set });
    const type = get();
    if (type.t === 'array')
      visit(
        field,
        false,
        () => type.items,
        (items) => set({ t: 'array', items }),
      );
    else if (type.t === 'map')
      visit(
        field,
        false,
        () => type.values,
        (values) => set({ t: 'map', values }),
      );
    else if (type.t === 'union') {
      type.branches.forEach((branch, i) => {
        visit(
          field,
          true,
          () => branch,
          (replacement) => set({ t: 'union', branches: type.branches.map((b, j) => (j === i ? replacement : b)) }),
        );
      });
    }
  };
  for (const def of schema.defs.values()) {
    for (const field of def.fields) {
      visit(
        field,
        false,
        () => field.type,
        (type) => (field.type = type),
      );
    }
  }
  return found;
}

const PROMOTIONS: Readonly<Record<Primitive, readonly Primitive[]>> = {
  null: [],
  boolean: [],
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  double: [],
  bytes: ['string'],
  string: ['bytes'],
};

type Step = (schema: GSchema, rng: Rng, counters: Counters, make: TypeMaker) => string | null;

function recordsOf(schema: GSchema): GDef[] {
  return [...schema.defs.values()].filter((d) => d.kind === 'record');
}

function fieldsOf(schema: GSchema): GField[] {
  return recordsOf(schema).flatMap((d) => d.fields);
}

const addField: Step = (schema, rng, counters, make) => {
  const def = rng.pick(recordsOf(schema));
  const field: GField = { name: counters.name('f'), type: make.type(1, [def.id], false), aliases: [] };
  if (rng.chance(0.6)) setDefault(schema, field, rng);
  def.fields.splice(rng.int(def.fields.length + 1), 0, field);
  return `add field ${field.name} to ${def.name}${field.default !== undefined ? ' with a default' : ''}`;
};

const removeField: Step = (schema, rng) => {
  const def = rng.pick(recordsOf(schema));
  const [field] = def.fields.splice(rng.int(def.fields.length), 1);
  return field ? `remove field ${field.name} from ${def.name}` : null;
};

const changePrimitive: Step = (schema, rng) => {
  const candidates = sites(schema).filter((s) => s.get().t === 'prim');
  if (candidates.length === 0) return null;
  const site = rng.pick(candidates);
  const before = site.get();
  if (before.t !== 'prim') return null;
  const promotions = PROMOTIONS[before.p];
  const to = promotions.length > 0 && rng.chance(0.6) ? rng.pick(promotions) : rng.pick(PRIMITIVES);
  site.set({ t: 'prim', p: to });
  return `change ${site.field.name}: ${before.p} -> ${to}`;
};

const replaceType: Step = (schema, rng, _counters, make) => {
  const all = sites(schema);
  if (all.length === 0) return null;
  const site = rng.pick(all);
  site.set(make.type(2, [], site.inUnion));
  return `replace a type in ${site.field.name}`;
};

const changeSymbols: Step = (schema, rng) => {
  const enums = [...schema.defs.values()].filter((d) => d.kind === 'enum');
  if (enums.length === 0) return null;
  const def = rng.pick(enums);
  if (rng.chance(0.5) || def.symbols.length === 1) {
    const symbol = `S${10 + rng.int(10)}`;
    if (def.symbols.includes(symbol)) return null;
    def.symbols.splice(rng.int(def.symbols.length + 1), 0, symbol);
    return `add symbol ${symbol} to ${def.name}`;
  }
  const [symbol] = def.symbols.splice(rng.int(def.symbols.length), 1);
  return `remove symbol ${symbol ?? '?'} from ${def.name}`;
};

const changeUnion: Step = (schema, rng, _counters, make) => {
  const candidates = sites(schema).filter((s) => !s.inUnion);
  if (candidates.length === 0) return null;
  const site = rng.pick(candidates);
  const type = site.get();
  if (type.t !== 'union') {
    const other: GType = rng.chance(0.7) ? { t: 'prim', p: 'null' } : make.type(2, [], true);
    site.set({ t: 'union', branches: rng.chance(0.5) ? [other, type] : [type, other] });
    return `wrap ${site.field.name} in a union`;
  }
  const branches = [...type.branches];
  switch (rng.int(4)) {
    case 0:
      branches.splice(rng.int(branches.length + 1), 0, make.type(2, [], true));
      site.set({ t: 'union', branches });
      return `add a branch to ${site.field.name}`;
    case 1:
      if (branches.length < 2) return null;
      branches.splice(rng.int(branches.length), 1);
      site.set({ t: 'union', branches });
      return `remove a branch from ${site.field.name}`;
    case 2:
      site.set(rng.pick(branches));
      return `unwrap the union of ${site.field.name}`;
    default:
      shuffle(branches, rng);
      site.set({ t: 'union', branches });
      return `reorder the union of ${site.field.name}`;
  }
};

const renameType: Step = (schema, rng, counters) => {
  const def = rng.pick([...schema.defs.values()]);
  const old = fullName(def);
  def.name = typeName(def.kind, counters);
  // Exclusion 2: a namespace only moves along with a rename.
  const moved = rng.chance(0.3);
  if (moved) def.ns = rng.pick(NAMESPACES);
  const aliased = rng.chance(0.6);
  if (aliased) def.aliases.push(old);
  return `rename ${old} -> ${fullName(def)}${aliased ? ' with an alias' : ''}`;
};

const renameField: Step = (schema, rng, counters) => {
  const fields = fieldsOf(schema);
  if (fields.length === 0) return null;
  const field = rng.pick(fields);
  const old = field.name;
  field.name = counters.name('f');
  const aliased = rng.chance(0.65);
  if (aliased) field.aliases.push(old);
  return `rename field ${old} -> ${field.name}${aliased ? ' with an alias' : ''}`;
};

const resizeFixed: Step = (schema, rng) => {
  const fixed = [...schema.defs.values()].filter((d) => d.kind === 'fixed');
  if (fixed.length === 0) return null;
  const def = rng.pick(fixed);
  def.size = Math.max(0, def.size + rng.pick([-2, -1, 1, 4]));
  return `resize ${def.name} to ${def.size}`;
};

const reorderFields: Step = (schema, rng) => {
  const def = rng.pick(recordsOf(schema));
  shuffle(def.fields, rng);
  return `reorder the fields of ${def.name}`;
};

const toggleDefault: Step = (schema, rng) => {
  const fields = fieldsOf(schema);
  if (fields.length === 0) return null;
  const field = rng.pick(fields);
  if (field.default !== undefined) {
    delete field.default;
    return `drop the default of ${field.name}`;
  }
  setDefault(schema, field, rng);
  return `give ${field.name} a default`;
};

const addRecursion: Step = (schema, rng, counters) => {
  const def = rng.pick(recordsOf(schema));
  const self: GType = { t: 'ref', id: def.id };
  const field: GField = {
    name: counters.name('f'),
    type: rng.chance(0.5) ? { t: 'union', branches: [{ t: 'prim', p: 'null' }, self] } : { t: 'array', items: self },
    aliases: [],
  };
  if (rng.chance(0.5)) setDefault(schema, field, rng);
  def.fields.push(field);
  return `add a recursive field ${field.name} to ${def.name}`;
};

const STEPS: readonly (readonly [number, Step])[] = [
  [3, addField],
  [3, removeField],
  [4, changePrimitive],
  [2, replaceType],
  [3, changeSymbols],
  [3, changeUnion],
  [2, renameType],
  [2, renameField],
  [1, resizeFixed],
  [1, reorderFields],
  [2, toggleDefault],
  [1, addRecursion],
];
const STEP_WEIGHT = STEPS.reduce((sum, [weight]) => sum + weight, 0);

function pickStep(rng: Rng): Step {
  let roll = rng.next() * STEP_WEIGHT;
  for (const [weight, step] of STEPS) {
    roll -= weight;
    if (roll < 0) return step;
  }
  return addField;
}

// ---------------------------------------------------------------------------------------------
// Pairs

function generatePair(rng: Rng): GeneratedPair | null {
  const counters = new Counters();
  const writer: GSchema = { defs: new Map(), rootId: 0 };
  writer.rootId = new TypeMaker(rng, counters, writer).record(rng.pick(NAMESPACES), 0, []).id;
  if (!schemaAllowed(writer)) return null;
  let reader = writer;
  const steps: string[] = [];
  const wanted = rng.int(5);
  for (let tries = 0; steps.length < wanted && tries < 20; tries++) {
    const attempt = cloneSchema(reader);
    const described = pickStep(rng)(attempt, rng, counters, new TypeMaker(rng, counters, attempt));
    if (described === null) continue;
    repairDefaults(attempt, rng);
    if (!schemaAllowed(attempt) || !namesComparable(attempt, writer)) continue;
    reader = attempt;
    steps.push(described);
  }
  const references = rng.chance(0.5);
  const writerJson = serialize(writer, rng, references);
  const readerJson = serialize(reader, rng, references);
  return {
    reader: readerJson.schema,
    writer: writerJson.schema,
    readerReferences: readerJson.references,
    writerReferences: writerJson.references,
    steps,
    evolvedReads: true,
  };
}

/** Rebuilds defaults a step made invalid (a union's first branch changed, a record gained a field). */
function repairDefaults(schema: GSchema, rng: Rng): void {
  for (const field of fieldsOf(schema)) {
    if (field.default !== undefined && !defaultValid(schema, field.type, field.default)) setDefault(schema, field, rng);
  }
}

/** Valid Avro within the exclusions: unions (3), defaults (4), unique full names and field names. */
function schemaAllowed(schema: GSchema): boolean {
  const reachable = [...reachableDefs(schema)].map((id) => defOf(schema, id));
  for (const def of reachable) {
    if (def.kind === 'enum' && def.symbols.length === 0) return false;
    if (new Set(def.fields.map((f) => f.name)).size !== def.fields.length) return false;
    for (const field of def.fields) {
      if (!typeAllowed(schema, field.type)) return false;
      if (field.default !== undefined && !defaultValid(schema, field.type, field.default)) return false;
    }
  }
  return new Set(reachable.map(fullName)).size === reachable.length;
}

function typeAllowed(schema: GSchema, type: GType): boolean {
  if (type.t === 'union') return unionAllowed(schema, type) && type.branches.every((b) => typeAllowed(schema, b));
  if (type.t === 'array') return typeAllowed(schema, type.items);
  if (type.t === 'map') return typeAllowed(schema, type.values);
  return true;
}

/** Exclusion 2: across the two schemas, equal unqualified names mean equal full names. */
function namesComparable(a: GSchema, b: GSchema): boolean {
  const fullByName = new Map<string, string>();
  for (const schema of [a, b]) {
    for (const id of reachableDefs(schema)) {
      const def = defOf(schema, id);
      const seen = fullByName.get(def.name);
      if (seen !== undefined && seen !== fullName(def)) return false;
      fullByName.set(def.name, fullName(def));
    }
  }
  return true;
}

function reachableDefs(schema: GSchema): Set<number> {
  const seen = new Set<number>();
  const visit = (type: GType): void => {
    if (type.t === 'ref') {
      if (seen.has(type.id)) return;
      seen.add(type.id);
      for (const field of defOf(schema, type.id).fields) visit(field.type);
    } else if (type.t === 'array') visit(type.items);
    else if (type.t === 'map') visit(type.values);
    else if (type.t === 'union') type.branches.forEach(visit);
  };
  visit({ t: 'ref', id: schema.rootId });
  return seen;
}

// ---------------------------------------------------------------------------------------------
// JSON, with names written each way Avro allows

function serialize(schema: GSchema, rng: Rng, useReferences: boolean): { schema: unknown; references: Map<string, unknown> } {
  const written = new Set<number>();
  const references = new Map<string, unknown>();

  /**
   * Names resolve against the namespace in scope: `space` as Avro 1.11 has it, `space182` as
   * 1.8.2 has it (exclusion 7). They differ only inside a type in no namespace.
   */
  type Scope = { readonly space: string | null; readonly space182: string | null };

  /** A reference by name: short when it resolves alike in both (in scope, or in no namespace), else full. */
  const nameRef = (def: GDef, scope: Scope): string => {
    const shortResolves = def.ns === null || (def.ns === scope.space && def.ns === scope.space182);
    return shortResolves && rng.chance(0.7) ? def.name : fullName(def);
  };

  /** An alias as written: relative to the type's namespace when it can be, else full. */
  const aliasAsWritten = (def: GDef, alias: string): string => {
    const dot = alias.lastIndexOf('.');
    const ns = dot < 0 ? null : alias.slice(0, dot);
    if (ns === def.ns && rng.chance(0.5)) return alias.slice(dot + 1);
    // ".Name" is how a namespaced type names an alias in no namespace.
    return ns === null && def.ns !== null ? `.${alias}` : alias;
  };

  const definition = (def: GDef, scope: Scope): Record<string, unknown> => {
    const json: Record<string, unknown> = { type: def.error ? 'error' : def.kind };
    const inner: Scope = { space: def.ns, space182: def.ns ?? scope.space182 };
    if (def.ns === scope.space && def.ns === scope.space182 && rng.chance(0.85)) json.name = def.name;
    else if (def.ns !== null && rng.chance(0.5)) json.name = fullName(def);
    else {
      json.name = def.name;
      json.namespace = def.ns ?? '';
    }
    if (rng.chance(0.2)) json.doc = `About ${def.name}.`;
    if (def.aliases.length > 0) json.aliases = def.aliases.map((alias) => aliasAsWritten(def, alias));
    if (def.kind === 'enum') json.symbols = [...def.symbols];
    else if (def.kind === 'fixed') json.size = def.size;
    else {
      json.fields = def.fields.map((f) => {
        const field: Record<string, unknown> = { name: f.name, type: toJson(f.type, inner) };
        if (f.default !== undefined) field.default = f.default;
        if (f.aliases.length > 0) field.aliases = [...f.aliases];
        if (f.order) field.order = f.order;
        if (rng.chance(0.1)) field.doc = `The ${f.name}.`;
        return field;
      });
    }
    return json;
  };

  const toJson = (type: GType, scope: Scope): unknown => {
    switch (type.t) {
      case 'prim':
        if (type.logical) return { type: type.p, logicalType: type.logical };
        return rng.chance(0.08) ? { type: type.p } : type.p;
      case 'array':
        return { type: 'array', items: toJson(type.items, scope) };
      case 'map':
        return { type: 'map', values: toJson(type.values, scope) };
      case 'union':
        return type.branches.map((b) => toJson(b, scope));
      case 'ref': {
        const def = defOf(schema, type.id);
        if (useReferences && def.external) {
          if (!references.has(fullName(def))) references.set(fullName(def), definition(def, { space: null, space182: null }));
          return fullName(def);
        }
        if (written.has(def.id)) return nameRef(def, scope);
        written.add(def.id);
        return definition(def, scope);
      }
    }
  };

  const root = toJson({ t: 'ref', id: schema.rootId }, { space: null, space182: null });
  return { schema: root, references };
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
}
