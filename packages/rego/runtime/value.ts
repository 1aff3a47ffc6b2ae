// Value model of compiled policies (AssemblyScript).
//
// Numbers are IEEE-754 doubles only: integers are exact up to 2^53, beyond that and for
// fractions they behave like JavaScript numbers (OPA itself uses arbitrary precision).
// Arithmetic never produces NaN or Infinity: built-ins return undefined (null) instead.
//
// Strings are AssemblyScript strings (UTF-16); every comparison is by Unicode code point,
// which is the order OPA (Go, comparing UTF-8 bytes) uses.
//
// Objects keep their keys sorted in OPA's order (binary search lookup); sets keep their
// elements sorted without duplicates. Iteration order is therefore OPA's sorted order.

// @ts-ignore: decorator
@inline export const NULL: u8 = 0;
// @ts-ignore: decorator
@inline export const BOOL: u8 = 1;
// @ts-ignore: decorator
@inline export const NUMBER: u8 = 2;
// @ts-ignore: decorator
@inline export const STRING: u8 = 3;
// @ts-ignore: decorator
@inline export const ARRAY: u8 = 4;
// @ts-ignore: decorator
@inline export const OBJECT: u8 = 5;
// @ts-ignore: decorator
@inline export const SET: u8 = 6;

// the same kinds under the names the code generator uses
// @ts-ignore: decorator
@inline export const KIND_NULL: u8 = 0;
// @ts-ignore: decorator
@inline export const KIND_BOOL: u8 = 1;
// @ts-ignore: decorator
@inline export const KIND_NUMBER: u8 = 2;
// @ts-ignore: decorator
@inline export const KIND_STRING: u8 = 3;
// @ts-ignore: decorator
@inline export const KIND_ARRAY: u8 = 4;
// @ts-ignore: decorator
@inline export const KIND_OBJECT: u8 = 5;
// @ts-ignore: decorator
@inline export const KIND_SET: u8 = 6;

// The constructors are @inline: every value is made through one, and binaryen keeps functions that
// call __new out of line, so the chain (Str -> Value -> __new) would cost three calls per value.
export abstract class Value {
  kind: u8;
  // @ts-ignore: decorator
  @inline constructor(kind: u8) {
    this.kind = kind;
  }
}

export class Null extends Value {
  // @ts-ignore: decorator
  @inline constructor() {
    super(NULL);
  }
}

export class Bool extends Value {
  value: bool;
  // @ts-ignore: decorator
  @inline constructor(value: bool) {
    super(BOOL);
    this.value = value;
  }
}

export class Num extends Value {
  value: f64;
  // @ts-ignore: decorator
  @inline constructor(value: f64) {
    super(NUMBER);
    this.value = value;
  }
}

export class Str extends Value {
  value: string;
  // @ts-ignore: decorator
  @inline constructor(value: string) {
    super(STRING);
    this.value = value;
  }
}

export class Arr extends Value {
  items: Array<Value>;
  // @ts-ignore: decorator
  @inline constructor(items: Array<Value> = new Array<Value>()) {
    super(ARRAY);
    this.items = items;
  }

  push(v: Value): void {
    this.items.push(v);
  }

  get length(): i32 {
    return this.items.length;
  }

  at(i: i32): Value {
    return this.items[i];
  }
}

// Objects up to this many keys are searched linearly for a string key (Obj.indexOf).
// @ts-ignore: decorator
@inline const LINEAR_MAX: i32 = 8;

export class Obj extends Value {
  keys: Array<Value>;
  vals: Array<Value>;
  /** keys/vals, when given, must be sorted parallel arrays without duplicate keys. */
  // @ts-ignore: decorator
  @inline constructor(keys: Array<Value> | null = null, vals: Array<Value> | null = null) {
    super(OBJECT);
    this.keys = keys !== null ? keys : new Array<Value>();
    this.vals = vals !== null ? vals : new Array<Value>();
  }

  get length(): i32 {
    return this.keys.length;
  }

  /** Index of k, or -(insertion point) - 1 when absent. */
  find(k: Value): i32 {
    let keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      let mid = (lo + hi) >>> 1;
      let c = compare(unchecked(keys[mid]), k);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Index of the string key s, or a negative number when absent. */
  findStr(s: string): i32 {
    let keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      let mid = (lo + hi) >>> 1;
      let key = unchecked(keys[mid]);
      let c: i32 = key.kind < STRING ? -1 : key.kind > STRING ? 1 : strCmp(changetype<Str>(key).value, s);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /**
   * Index of k, or -1 when absent. A string key in a small object is found by linear scans, by
   * identity first (interned strings, see json.ts), then comparing lengths before contents: both
   * cheaper than the ordering comparisons of a binary search.
   */
  indexOf(k: Value): i32 {
    let keys = this.keys;
    let n = keys.length;
    if (k.kind != STRING || n > LINEAR_MAX) {
      let i = this.find(k);
      return i >= 0 ? i : -1;
    }
    // a key parsed from JSON that equals one of the policy's strings is that very Str
    for (let i = 0; i < n; i++) if (changetype<usize>(unchecked(keys[i])) == changetype<usize>(k)) return i;
    let s = changetype<Str>(k).value;
    let len = s.length;
    for (let i = 0; i < n; i++) {
      let key = unchecked(keys[i]);
      if (key.kind != STRING) continue;
      let ks = changetype<Str>(key).value;
      if (ks.length == len && strEq(ks, s)) return i;
    }
    return -1;
  }

  get(k: Value): Value | null {
    let i = this.indexOf(k);
    return i >= 0 ? unchecked(this.vals[i]) : null;
  }

  getStr(s: string): Value | null {
    let i = this.findStr(s);
    return i >= 0 ? unchecked(this.vals[i]) : null;
  }

  /** Inserts k: v. False when k is already present with a different value (a conflict). */
  insert(k: Value, v: Value): bool {
    let n = this.keys.length;
    if (n == 0 || compare(unchecked(this.keys[n - 1]), k) < 0) {
      this.keys.push(k);
      this.vals.push(v);
      return true;
    }
    let i = this.find(k);
    if (i >= 0) return equal(unchecked(this.vals[i]), v);
    insertAt(this.keys, -i - 1, k);
    insertAt(this.vals, -i - 1, v);
    return true;
  }

  /** Sets k: v, overwriting any previous value. */
  set(k: Value, v: Value): void {
    let n = this.keys.length;
    if (n == 0 || compare(unchecked(this.keys[n - 1]), k) < 0) {
      this.keys.push(k);
      this.vals.push(v);
      return;
    }
    let i = this.find(k);
    if (i >= 0) {
      unchecked((this.vals[i] = v));
      return;
    }
    insertAt(this.keys, -i - 1, k);
    insertAt(this.vals, -i - 1, v);
  }
}

export class SetV extends Value {
  items: Array<Value>;
  /** items, when given, must be sorted without duplicates. */
  // @ts-ignore: decorator
  @inline constructor(items: Array<Value> | null = null) {
    super(SET);
    this.items = items !== null ? items : new Array<Value>();
  }

  get length(): i32 {
    return this.items.length;
  }

  find(v: Value): i32 {
    let items = this.items;
    let lo = 0;
    let hi = items.length - 1;
    while (lo <= hi) {
      let mid = (lo + hi) >>> 1;
      let c = compare(unchecked(items[mid]), v);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  add(v: Value): void {
    let n = this.items.length;
    if (n == 0 || compare(unchecked(this.items[n - 1]), v) < 0) {
      this.items.push(v);
      return;
    }
    let i = this.find(v);
    if (i < 0) insertAt(this.items, -i - 1, v);
  }

  has(v: Value): bool {
    return this.find(v) >= 0;
  }
}

function insertAt(a: Array<Value>, at: i32, v: Value): void {
  let n = a.length;
  a.push(v);
  if (at < n) {
    let base = a.dataStart;
    memory.copy(base + ((<usize>at + 1) << alignof<usize>()), base + (<usize>at << alignof<usize>()), <usize>(n - at) << alignof<usize>());
    unchecked((a[at] = v));
  }
}

// ---------------------------------------------------------------------------------------
// Constructors

const NULL_V: Null = new Null();
const TRUE_V: Bool = new Bool(true);
const FALSE_V: Bool = new Bool(false);

export function mkNull(): Value {
  return NULL_V;
}

export function mkBool(b: bool): Value {
  return b ? TRUE_V : FALSE_V;
}

export function mkNum(n: f64): Value {
  return new Num(n);
}

/** A number, or null (undefined) when n is NaN or infinite. */
export function mkNumOrNull(n: f64): Value | null {
  return isFinite(n) ? new Num(n) : null;
}

export function mkStr(s: string): Value {
  return new Str(s);
}

export function mkArr(): Arr {
  return new Arr();
}

export function mkObj(): Obj {
  return new Obj();
}

export function mkSet(): SetV {
  return new SetV();
}

/** A set holding the values of a (sorted, duplicates removed); a is reused. */
export function setFromArray(a: Array<Value>): SetV {
  sortValues(a);
  let s = new SetV();
  let out = s.items;
  for (let i = 0, n = a.length; i < n; i++) {
    let v = unchecked(a[i]);
    let m = out.length;
    if (m == 0 || compare(unchecked(out[m - 1]), v) != 0) out.push(v);
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// Access

export function isNum(v: Value): bool {
  return v.kind == NUMBER;
}

export function numOf(v: Value): f64 {
  return changetype<Num>(v).value;
}

export function strOf(v: Value): string {
  return changetype<Str>(v).value;
}

export function boolOf(v: Value): bool {
  return changetype<Bool>(v).value;
}

/** v[k]: array element (k an integral number in range), object value, set member; else null. */
export function dot(v: Value, k: Value): Value | null {
  switch (v.kind) {
    case ARRAY: {
      if (k.kind != NUMBER) return null;
      let f = changetype<Num>(k).value;
      let items = changetype<Arr>(v).items;
      if (!(f >= 0 && f < <f64>items.length)) return null;
      let i = <i32>f;
      if (<f64>i != f) return null;
      return unchecked(items[i]);
    }
    case OBJECT:
      return changetype<Obj>(v).get(k);
    case SET: {
      let s = changetype<SetV>(v);
      let i = s.find(k);
      return i >= 0 ? unchecked(s.items[i]) : null;
    }
  }
  return null;
}

/** v["s"] for objects, null otherwise. */
export function dotStr(v: Value, s: string): Value | null {
  if (v.kind != OBJECT) return null;
  return changetype<Obj>(v).getStr(s);
}

/** Number of elements of a collection; 0 for scalars. */
export function len(v: Value): i32 {
  switch (v.kind) {
    case ARRAY:
      return changetype<Arr>(v).items.length;
    case OBJECT:
      return changetype<Obj>(v).keys.length;
    case SET:
      return changetype<SetV>(v).items.length;
  }
  return 0;
}

/** Array: the index as a number; object: the i-th key; set: the i-th element. */
export function keyAt(v: Value, i: i32): Value {
  switch (v.kind) {
    case ARRAY:
      return new Num(<f64>i);
    case OBJECT:
      return changetype<Obj>(v).keys[i];
    case SET:
      return changetype<SetV>(v).items[i];
  }
  return NULL_V;
}

/** Array: the i-th item; object: the i-th value; set: the i-th element. */
export function valAt(v: Value, i: i32): Value {
  switch (v.kind) {
    case ARRAY:
      return changetype<Arr>(v).items[i];
    case OBJECT:
      return changetype<Obj>(v).vals[i];
    case SET:
      return changetype<SetV>(v).items[i];
  }
  return NULL_V;
}

// ---------------------------------------------------------------------------------------
// Ordering

// Maps a UTF-16 unit so that unit order equals code point order: surrogates (astral
// characters) sort after every BMP character.
// @ts-ignore: decorator
@inline function cpKey(c: u32): u32 {
  return c >= 0xd800 ? (c >= 0xe000 ? c - 0x800 : c + 0x2000) : c;
}

/** Compares two strings by Unicode code point. */
export function strCmp(a: string, b: string): i32 {
  let pa = changetype<usize>(a);
  let pb = changetype<usize>(b);
  if (pa == pb) return 0;
  let la = a.length;
  let lb = b.length;
  let n = la < lb ? la : lb;
  let i = 0;
  // 4 units at a time while equal
  while (i + 4 <= n && load<u64>(pa + (<usize>i << 1)) == load<u64>(pb + (<usize>i << 1))) i += 4;
  for (; i < n; i++) {
    let ca = <u32>load<u16>(pa + (<usize>i << 1));
    let cb = <u32>load<u16>(pb + (<usize>i << 1));
    if (ca != cb) return cpKey(ca) < cpKey(cb) ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}

export function strEq(a: string, b: string): bool {
  let la = a.length;
  if (la != b.length) return false;
  let pa = changetype<usize>(a);
  let pb = changetype<usize>(b);
  return pa == pb || memory.compare(pa, pb, <usize>la << 1) == 0;
}

/** OPA's total order: null < false < true < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): i32 {
  if (changetype<usize>(a) == changetype<usize>(b)) return 0;
  let ka = a.kind;
  let kb = b.kind;
  if (ka != kb) return ka < kb ? -1 : 1;
  switch (ka) {
    case NULL:
      return 0;
    case BOOL:
      return <i32>changetype<Bool>(a).value - <i32>changetype<Bool>(b).value;
    case NUMBER: {
      let x = changetype<Num>(a).value;
      let y = changetype<Num>(b).value;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case STRING:
      return strCmp(changetype<Str>(a).value, changetype<Str>(b).value);
    case ARRAY:
      return listCmp(changetype<Arr>(a).items, changetype<Arr>(b).items);
    case OBJECT: {
      // pairwise in key order: key, then value; then length
      let oa = changetype<Obj>(a);
      let ob = changetype<Obj>(b);
      let na = oa.keys.length;
      let nb = ob.keys.length;
      let n = na < nb ? na : nb;
      for (let i = 0; i < n; i++) {
        let c = compare(unchecked(oa.keys[i]), unchecked(ob.keys[i]));
        if (c != 0) return c;
        c = compare(unchecked(oa.vals[i]), unchecked(ob.vals[i]));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
    case SET:
      return listCmp(changetype<SetV>(a).items, changetype<SetV>(b).items);
  }
  return 0;
}

function listCmp(a: Array<Value>, b: Array<Value>): i32 {
  let na = a.length;
  let nb = b.length;
  let n = na < nb ? na : nb;
  for (let i = 0; i < n; i++) {
    let c = compare(unchecked(a[i]), unchecked(b[i]));
    if (c != 0) return c;
  }
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Structural equality (1 and 1.0 are the same number). */
export function equal(a: Value, b: Value): bool {
  if (changetype<usize>(a) == changetype<usize>(b)) return true;
  let k = a.kind;
  if (k != b.kind) return false;
  switch (k) {
    case NULL:
      return true;
    case BOOL:
      return changetype<Bool>(a).value == changetype<Bool>(b).value;
    case NUMBER:
      return changetype<Num>(a).value == changetype<Num>(b).value;
    case STRING:
      return strEq(changetype<Str>(a).value, changetype<Str>(b).value);
    case ARRAY:
      return listEq(changetype<Arr>(a).items, changetype<Arr>(b).items);
    case OBJECT: {
      let oa = changetype<Obj>(a);
      let ob = changetype<Obj>(b);
      return listEq(oa.keys, ob.keys) && listEq(oa.vals, ob.vals);
    }
    case SET:
      return listEq(changetype<SetV>(a).items, changetype<SetV>(b).items);
  }
  return false;
}

function listEq(a: Array<Value>, b: Array<Value>): bool {
  let n = a.length;
  if (n != b.length) return false;
  for (let i = 0; i < n; i++) {
    if (!equal(unchecked(a[i]), unchecked(b[i]))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Sorting (stable merge sort by compare)

/** Sorts a in place in OPA's order (stable). */
export function sortValues(a: Array<Value>): void {
  let n = a.length;
  if (n < 2) return;
  // already sorted? (common: keys built in order)
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (compare(unchecked(a[i - 1]), unchecked(a[i])) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  let tmp = new Array<Value>(n);
  mergeSort(a, tmp, 0, n);
}

function mergeSort(a: Array<Value>, tmp: Array<Value>, lo: i32, hi: i32): void {
  let n = hi - lo;
  if (n <= 12) {
    // insertion sort
    for (let i = lo + 1; i < hi; i++) {
      let v = unchecked(a[i]);
      let j = i - 1;
      while (j >= lo && compare(unchecked(a[j]), v) > 0) {
        unchecked((a[j + 1] = a[j]));
        j--;
      }
      unchecked((a[j + 1] = v));
    }
    return;
  }
  let mid = lo + (n >> 1);
  mergeSort(a, tmp, lo, mid);
  mergeSort(a, tmp, mid, hi);
  if (compare(unchecked(a[mid - 1]), unchecked(a[mid])) <= 0) return;
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (compare(unchecked(a[j]), unchecked(a[i])) < 0) unchecked((tmp[k++] = a[j++]));
    else unchecked((tmp[k++] = a[i++]));
  }
  while (i < mid) unchecked((tmp[k++] = a[i++]));
  while (j < hi) unchecked((tmp[k++] = a[j++]));
  for (let x = lo; x < hi; x++) unchecked((a[x] = tmp[x]));
}

/**
 * Sorts parallel key/value arrays by key (stable) and keeps the last value of duplicate
 * keys. Used to build objects from unordered pairs (JSON input).
 */
export function objFromPairs(keys: Array<Value>, vals: Array<Value>): Obj {
  let n = keys.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (compare(unchecked(keys[i - 1]), unchecked(keys[i])) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return new Obj(keys, vals);
  let o = new Obj();
  // sort indices
  let idx = new Array<i32>(n);
  for (let i = 0; i < n; i++) unchecked((idx[i] = i));
  let tmp = new Array<i32>(n);
  idxSort(keys, idx, tmp, 0, n);
  let ok = o.keys;
  let ov = o.vals;
  for (let i = 0; i < n; i++) {
    let j = unchecked(idx[i]);
    let k = unchecked(keys[j]);
    let m = ok.length;
    if (m > 0 && compare(unchecked(ok[m - 1]), k) == 0) {
      unchecked((ov[m - 1] = vals[j])); // later duplicate wins
    } else {
      ok.push(k);
      ov.push(unchecked(vals[j]));
    }
  }
  return o;
}

function idxSort(keys: Array<Value>, a: Array<i32>, tmp: Array<i32>, lo: i32, hi: i32): void {
  let n = hi - lo;
  if (n <= 12) {
    for (let i = lo + 1; i < hi; i++) {
      let v = unchecked(a[i]);
      let kv = unchecked(keys[v]);
      let j = i - 1;
      while (j >= lo && compare(unchecked(keys[unchecked(a[j])]), kv) > 0) {
        unchecked((a[j + 1] = a[j]));
        j--;
      }
      unchecked((a[j + 1] = v));
    }
    return;
  }
  let mid = lo + (n >> 1);
  idxSort(keys, a, tmp, lo, mid);
  idxSort(keys, a, tmp, mid, hi);
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (compare(unchecked(keys[unchecked(a[j])]), unchecked(keys[unchecked(a[i])])) < 0) unchecked((tmp[k++] = a[j++]));
    else unchecked((tmp[k++] = a[i++]));
  }
  while (i < mid) unchecked((tmp[k++] = a[i++]));
  while (j < hi) unchecked((tmp[k++] = a[j++]));
  for (let x = lo; x < hi; x++) unchecked((a[x] = tmp[x]));
}

// ---------------------------------------------------------------------------------------
// UTF-16 string builder (raw heap buffer; the string is created once at the end)

export class StrBuf {
  ptr: usize;
  len: i32;
  cap: i32;

  // @ts-ignore: decorator
  @inline constructor(cap: i32 = 32) {
    this.cap = cap;
    this.len = 0;
    this.ptr = __alloc(<usize>cap << 1);
  }

  private grow(extra: i32): void {
    let need = this.len + extra;
    if (need <= this.cap) return;
    let cap = this.cap << 1;
    if (cap < need) cap = need;
    this.ptr = __realloc(this.ptr, <usize>cap << 1);
    this.cap = cap;
  }

  unit(c: u32): void {
    if (this.len >= this.cap) this.grow(1);
    store<u16>(this.ptr + (<usize>this.len << 1), <u16>c);
    this.len++;
  }

  /** Appends a code point (encoded as one or two UTF-16 units). */
  code(cp: u32): void {
    if (cp < 0x10000) {
      this.unit(cp);
    } else {
      cp -= 0x10000;
      this.unit(0xd800 | (cp >> 10));
      this.unit(0xdc00 | (cp & 0x3ff));
    }
  }

  str(s: string): void {
    let n = s.length;
    if (n == 0) return;
    this.grow(n);
    memory.copy(this.ptr + (<usize>this.len << 1), changetype<usize>(s), <usize>n << 1);
    this.len += n;
  }

  /** Appends s[from, to) (UTF-16 unit offsets). */
  slice(s: string, from: i32, to: i32): void {
    let n = to - from;
    if (n <= 0) return;
    this.grow(n);
    memory.copy(this.ptr + (<usize>this.len << 1), changetype<usize>(s) + (<usize>from << 1), <usize>n << 1);
    this.len += n;
  }

  repeat(c: u32, n: i32): void {
    for (let i = 0; i < n; i++) this.unit(c);
  }

  toString(): string {
    let out = changetype<string>(__new(<usize>this.len << 1, idof<string>()));
    memory.copy(changetype<usize>(out), this.ptr, <usize>this.len << 1);
    return out;
  }
}

// ---------------------------------------------------------------------------------------
// Code point helpers

/** Number of code points of s. */
export function cpLen(s: string): i32 {
  let n = s.length;
  let p = changetype<usize>(s);
  let c = 0;
  for (let i = 0; i < n; i++) {
    let u = <u32>load<u16>(p + (<usize>i << 1));
    // count every unit except the low half of a valid surrogate pair
    if (u >= 0xdc00 && u < 0xe000 && i > 0) {
      let prev = <u32>load<u16>(p + (<usize>(i - 1) << 1));
      if (prev >= 0xd800 && prev < 0xdc00) continue;
    }
    c++;
  }
  return c;
}

/** Code point at unit offset i (a lone surrogate is returned as is). */
export function cpAt(s: string, i: i32): u32 {
  let p = changetype<usize>(s);
  let u = <u32>load<u16>(p + (<usize>i << 1));
  if (u >= 0xd800 && u < 0xdc00 && i + 1 < s.length) {
    let l = <u32>load<u16>(p + (<usize>(i + 1) << 1));
    if (l >= 0xdc00 && l < 0xe000) return 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
  }
  return u;
}

/** Number of UTF-16 units of code point cp. */
// @ts-ignore: decorator
@inline export function cpUnits(cp: u32): i32 {
  return cp >= 0x10000 ? 2 : 1;
}

/** The code points of s. */
export function codePoints(s: string): Array<u32> {
  let out = new Array<u32>();
  let n = s.length;
  let i = 0;
  while (i < n) {
    let cp = cpAt(s, i);
    out.push(cp);
    i += cpUnits(cp);
  }
  return out;
}

export function isAscii(s: string): bool {
  let n = s.length;
  let p = changetype<usize>(s);
  for (let i = 0; i < n; i++) {
    if (load<u16>(p + (<usize>i << 1)) >= 0x80) return false;
  }
  return true;
}
