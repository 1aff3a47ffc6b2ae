// JSON <-> Value (AssemblyScript).
//
// parseJSON reads UTF-8 bytes (not NUL-terminated) and returns null on any syntax error.
// Invalid UTF-8 and unpaired \u surrogates become U+FFFD (as Go's encoding/json does).
// Numbers become doubles (correctly rounded); a number beyond the double range is an error.
//
// dumpJSON writes NUL-terminated UTF-8 into fresh heap memory: objects with keys in OPA's
// order, sets as arrays in sorted order, non-string object keys as the JSON text of the
// key (OPA does the same), numbers as JSON.stringify formats them.

import { Value, Bool, Str, Num, Arr, Obj, SetV, mkNull, mkBool, objFromPairs, strCmp, NULL, BOOL, NUMBER, STRING, ARRAY, OBJECT, SET } from "./value";
import { parseFloatBytes, writeNumber, ByteBuf } from "./num";

let pos: usize = 0;
let end: usize = 0;
let failed: bool = false;

// @ts-ignore: decorator
@inline function peek(): u32 {
  return pos < end ? <u32>load<u8>(pos) : 0;
}

// @ts-ignore: decorator
@inline function isWs(c: u32): bool {
  return c == 32 || c == 10 || c == 13 || c == 9;
}

function skipWs(): void {
  while (pos < end) {
    let c = <u32>load<u8>(pos);
    if (!isWs(c)) return;
    pos++;
  }
}

/** Parses len UTF-8 bytes at ptr; null on a syntax error. */
export function parseJSON(ptr: usize, len: i32): Value | null {
  pos = ptr;
  end = ptr + <usize>len;
  failed = false;
  pairs = 0; // the heap may have been rewound since the last parse
  pairsCap = 0;
  pairsTop = 0;
  skipWs();
  let v = parseValue(0);
  if (failed || v === null) return null;
  skipWs();
  if (pos != end) return null;
  return v;
}

/** Parses the JSON text of an AssemblyScript string. */
export function parseJSONString(s: string): Value | null {
  let buf = String.UTF8.encode(s, false);
  return parseJSON(changetype<usize>(buf), buf.byteLength);
}

function fail(): Value | null {
  failed = true;
  return null;
}

function parseValue(depth: i32): Value | null {
  if (pos >= end) return fail();
  let c = <u32>load<u8>(pos);
  switch (c) {
    case 123: // {
      return parseObject(depth);
    case 91: // [
      return parseArray(depth);
    case 34: // "
      return parseString();
    case 116: // t
      if (matchWord(0x65757274)) return mkBool(true); // "true"
      return fail();
    case 102: // f
      if (end - pos >= 5 && load<u32>(pos + 1) == 0x65736c61 && load<u8>(pos) == 102) {
        pos += 5;
        return mkBool(false);
      }
      return fail();
    case 110: // n
      if (matchWord(0x6c6c756e)) return mkNull(); // "null"
      return fail();
  }
  if (c == 45 || c - 48 < 10) return parseNumber();
  return fail();
}

function matchWord(w: u32): bool {
  if (end - pos >= 4 && load<u32>(pos) == w) {
    pos += 4;
    return true;
  }
  return false;
}

// Key/value pairs of the objects being parsed, nested ones stacked on their parents': a raw heap
// block of pairsCap (key, value) address pairs, replaced by one twice the size when full (the old
// one is garbage, reclaimed with the heap). Building an object there first and allocating its
// arrays at their final size once it is complete avoids growing them pair by pair.
let pairs: usize = 0;
let pairsCap: i32 = 0;
let pairsTop: i32 = 0;

// @ts-ignore: decorator
@inline const PAIR: usize = sizeof<usize>() << 1;

// @ts-ignore: decorator
@inline function pairKey(i: i32): Str {
  return changetype<Str>(load<usize>(pairs + <usize>i * PAIR));
}

function growPairs(): void {
  let cap = pairsCap < 32 ? 32 : pairsCap << 1;
  let p = __alloc(<usize>cap * PAIR);
  if (pairsTop > 0) memory.copy(p, pairs, <usize>pairsTop * PAIR);
  pairs = p;
  pairsCap = cap;
}

// Largest object kept sorted by insertion while parsing; beyond, an out-of-order key defers to one
// sort at the end (insertion is quadratic, but for the small objects of typical input it beats
// sorting afterwards).
// @ts-ignore: decorator
@inline const INSERT_MAX: i32 = 16;

/**
 * Adds the pair k: v to the object whose pairs start at base (on top of the stack). While sorted,
 * k is inserted in order (a later duplicate replaces the value, as objFromPairs does); returns
 * whether the pairs are still sorted: false once a large object got a key out of order, then
 * pairs are only appended.
 */
function addPair(base: i32, k: Str, v: Value, sorted: bool): bool {
  if (pairsTop == pairsCap) growPairs();
  let i = pairsTop;
  if (sorted) {
    // JSON object keys are all strings, so strCmp orders them as compare() would
    let ks = k.value;
    while (i > base) {
      let c = strCmp(pairKey(i - 1).value, ks);
      if (c < 0) break;
      if (c == 0) {
        store<usize>(pairs + <usize>(i - 1) * PAIR + sizeof<usize>(), changetype<usize>(v));
        return true;
      }
      if (pairsTop - base >= INSERT_MAX) {
        // out of order in a large object: append, sort at the end
        i = pairsTop;
        sorted = false;
        break;
      }
      i--;
    }
    // make room at i
    for (let j = pairsTop; j > i; j--) {
      let at = pairs + <usize>j * PAIR;
      store<usize>(at, load<usize>(at - PAIR));
      store<usize>(at + sizeof<usize>(), load<usize>(at - sizeof<usize>()));
    }
  }
  let at = pairs + <usize>i * PAIR;
  store<usize>(at, changetype<usize>(k));
  store<usize>(at + sizeof<usize>(), changetype<usize>(v));
  pairsTop++;
  return sorted;
}

/** The object of the pairs from base to the top of the stack, which it pops. */
function popObject(base: i32, sorted: bool): Obj {
  let n = pairsTop - base;
  let keys = new Array<Value>(n);
  let vals = new Array<Value>(n);
  let k = keys.dataStart;
  let v = vals.dataStart;
  for (let i = 0; i < n; i++) {
    let at = pairs + <usize>(base + i) * PAIR;
    store<usize>(k + (<usize>i << alignof<usize>()), load<usize>(at));
    store<usize>(v + (<usize>i << alignof<usize>()), load<usize>(at + sizeof<usize>()));
  }
  pairsTop = base;
  // a large object that arrived out of order: sort once (objFromPairs keeps the last duplicate)
  return sorted ? new Obj(keys, vals) : objFromPairs(keys, vals);
}

function parseObject(depth: i32): Value | null {
  pos++; // {
  skipWs();
  if (peek() == 125) {
    pos++;
    return new Obj();
  }
  let base = pairsTop;
  let sorted = true;
  while (true) {
    skipWs();
    if (peek() != 34) return fail();
    let k = parseString();
    if (k === null) return null;
    skipWs();
    if (peek() != 58) return fail();
    pos++;
    skipWs();
    let v = parseValue(depth + 1);
    if (v === null) return null;
    sorted = addPair(base, changetype<Str>(k), v, sorted);
    skipWs();
    let c = peek();
    if (c == 44) {
      pos++;
      continue;
    }
    if (c == 125) {
      pos++;
      break;
    }
    return fail();
  }
  return popObject(base, sorted);
}

function parseArray(depth: i32): Value | null {
  pos++; // [
  let a = new Arr();
  skipWs();
  if (peek() == 93) {
    pos++;
    return a;
  }
  while (true) {
    skipWs();
    let v = parseValue(depth + 1);
    if (v === null) return null;
    a.items.push(v);
    skipWs();
    let c = peek();
    if (c == 44) {
      pos++;
      continue;
    }
    if (c == 93) {
      pos++;
      break;
    }
    return fail();
  }
  return a;
}

function hexVal(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  let l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

function hex4(p: usize): i32 {
  if (p + 4 > end) return -1;
  let v = 0;
  for (let i: usize = 0; i < 4; i++) {
    let h = hexVal(<u32>load<u8>(p + i));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

// SWAR constants: one in every byte, the high bit of every byte.
// @ts-ignore: decorator
@inline const ONES: u64 = 0x0101010101010101;
// @ts-ignore: decorator
@inline const HIGHS: u64 = 0x8080808080808080;

/**
 * Whether none of the 8 bytes in x ends the fast path of a string: a quote, a backslash, a
 * control character or a non-ASCII byte. (The usual has-zero-byte test, exact for "any".)
 */
// @ts-ignore: decorator
@inline function plain8(x: u64): bool {
  let q = x ^ (ONES * 0x22);
  let b = x ^ (ONES * 0x5c);
  let special = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - ONES * 0x20) & ~x) | x;
  return (special & HIGHS) == 0;
}

// @ts-ignore: decorator
@inline function plainByte(c: u32): bool {
  return c >= 32 && c < 128 && c != 34 && c != 92;
}

/** Widens n ASCII bytes at src to UTF-16 units at dst, four at a time. */
// @ts-ignore: decorator
@inline function widenAscii(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  while (i + 4 <= n) {
    let x = <u64>load<u32>(src + i);
    x = (x | (x << 16)) & 0x0000ffff0000ffff;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ff;
    store<u64>(dst + (i << 1), x);
    i += 4;
  }
  for (; i < n; i++) store<u16>(dst + (i << 1), <u16>load<u8>(src + i));
}

// ---------------------------------------------------------------------------------------
// Interned strings. The generated code registers the policy's short string constants at
// instantiation (internStrings), so the table and the Str values live below the host's heap
// base and survive every evaluation. The parser then returns the registered Str for an equal
// string instead of allocating one, and object lookups with the policy's constant keys match
// by identity (Obj.indexOf). Values are immutable, so sharing them is invisible.

// @ts-ignore: decorator
@inline const INTERN_MAX_LEN: usize = 64; // longer strings are not registered
// @ts-ignore: decorator
@inline const INTERN_MAX_COUNT: i32 = 4096;

let internTable: StaticArray<Str | null> | null = null; // open addressing, a power of two long
let internCount: i32 = 0;
const INTERN_SCRATCH = memory.data(<i32>INTERN_MAX_LEN + 8);

/**
 * Hash of the n bytes at p (1 <= n <= INTERN_MAX_LEN) from its length, first and last 8 bytes
 * (collisions only cost probes). Reads 8 bytes at p even when n < 8: the caller makes sure they
 * are there.
 */
// @ts-ignore: decorator
@inline function hashBytes(p: usize, n: usize): u32 {
  let a = load<u64>(p);
  let b: u64 = 0;
  if (n < 8) a &= (<u64>1 << (<u64>n << 3)) - 1;
  else b = load<u64>(p + n - 8);
  let h = (a ^ (b * 0x9e3779b97f4a7c15) ^ <u64>n) * 0xff51afd7ed558ccd;
  return <u32>(h >> 32);
}

/** Whether the string s (n units) is the n ASCII bytes at p, compared 4 units at a time. */
function asciiEquals(s: string, p: usize, n: usize): bool {
  let sp = changetype<usize>(s);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    let x = <u64>load<u32>(p + i);
    x = (x | (x << 16)) & 0x0000ffff0000ffff;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ff;
    if (x != load<u64>(sp + (i << 1))) return false;
  }
  for (; i < n; i++) if (<u32>load<u16>(sp + (i << 1)) != <u32>load<u8>(p + i)) return false;
  return true;
}

/**
 * Registers the printable-ASCII strings of strs (Str values; others are skipped) for interning.
 * Only from global initialisers: whatever it allocates must stay below the host's heap base.
 */
export function internStrings(strs: Array<Value>): void {
  let table = internTable;
  if (table === null) {
    let slots = 16;
    while (slots < strs.length * 2 && slots < INTERN_MAX_COUNT * 2) slots <<= 1;
    table = new StaticArray<Str | null>(slots);
    internTable = table;
  }
  let mask = table.length - 1;
  for (let k = 0; k < strs.length && internCount < (mask + 1) / 2; k++) {
    let v = unchecked(strs[k]);
    if (v.kind != STRING) continue;
    let s = changetype<Str>(v).value;
    let n = <usize>s.length;
    if (n == 0 || n > INTERN_MAX_LEN) continue;
    // the bytes the parser would see
    let plain = true;
    for (let i: usize = 0; i < n && plain; i++) {
      let c = <u32>load<u16>(changetype<usize>(s) + (i << 1));
      plain = plainByte(c);
      store<u8>(INTERN_SCRATCH + i, <u8>c);
    }
    if (!plain || findInterned(INTERN_SCRATCH, n) !== null) continue;
    let i = <i32>hashBytes(INTERN_SCRATCH, n) & mask;
    while (unchecked(table[i]) !== null) i = (i + 1) & mask;
    unchecked((table[i] = changetype<Str>(v)));
    internCount++;
  }
}

/** The registered Str whose string is the n ASCII bytes at p (8 bytes readable at p), or null. */
function findInterned(p: usize, n: usize): Str | null {
  let table = internTable;
  if (table === null || n == 0 || n > INTERN_MAX_LEN) return null;
  let mask = table.length - 1;
  let i = <i32>hashBytes(p, n) & mask;
  while (true) {
    let e = unchecked(table[i]);
    if (e === null) return null;
    if (<usize>e.value.length == n && asciiEquals(e.value, p, n)) return e;
    i = (i + 1) & mask;
  }
}

function parseString(): Value | null {
  pos++; // opening quote
  let start = pos;
  // fast path: ASCII without escapes, scanned 8 bytes at a time
  let p = pos;
  while (p + 8 <= end && plain8(load<u64>(p))) p += 8;
  while (p < end && plainByte(<u32>load<u8>(p))) p++;
  if (p < end && load<u8>(p) == 34) {
    let n = p - start;
    pos = p + 1;
    if (start + 8 <= end) {
      let known = findInterned(start, n);
      if (known !== null) return known;
    }
    let s = changetype<string>(__new(n << 1, idof<string>()));
    widenAscii(changetype<usize>(s), start, n);
    return new Str(s);
  }
  // general path: at most one UTF-16 unit per input byte
  let q = start;
  while (q < end) {
    let c = <u32>load<u8>(q);
    if (c == 34) break;
    if (c == 92) q++;
    q++;
  }
  if (q >= end) return fail();
  let maxUnits = <i32>(q - start);
  let out = __new(<usize>maxUnits << 1, idof<string>());
  let w = 0;
  p = start;
  while (true) {
    if (p >= end) return fail();
    let c = <u32>load<u8>(p);
    if (c == 34) {
      p++;
      break;
    }
    if (c < 32) return fail();
    if (c == 92) {
      if (p + 1 >= end) return fail();
      let e = <u32>load<u8>(p + 1);
      p += 2;
      let u: u32 = 0;
      switch (e) {
        case 34: u = 34; break;
        case 92: u = 92; break;
        case 47: u = 47; break;
        case 98: u = 8; break;
        case 102: u = 12; break;
        case 110: u = 10; break;
        case 114: u = 13; break;
        case 116: u = 9; break;
        case 117: {
          let h = hex4(p);
          if (h < 0) return fail();
          p += 4;
          u = <u32>h;
          if (u >= 0xd800 && u < 0xdc00) {
            // high surrogate: needs a \u low surrogate
            if (p + 6 <= end && load<u8>(p) == 92 && load<u8>(p + 1) == 117) {
              let l = hex4(p + 2);
              if (l >= 0xdc00 && l < 0xe000) {
                store<u16>(out + (<usize>w << 1), <u16>u);
                w++;
                u = <u32>l;
                p += 6;
              } else {
                u = 0xfffd;
              }
            } else {
              u = 0xfffd;
            }
          } else if (u >= 0xdc00 && u < 0xe000) {
            u = 0xfffd;
          }
          break;
        }
        default:
          return fail();
      }
      store<u16>(out + (<usize>w << 1), <u16>u);
      w++;
      continue;
    }
    if (c < 0x80) {
      store<u16>(out + (<usize>w << 1), <u16>c);
      w++;
      p++;
      continue;
    }
    // UTF-8 sequence
    let cp: u32 = 0xfffd;
    let n = 1;
    if (c >= 0xc2 && c < 0xe0) {
      if (p + 1 < end) {
        let c1 = <u32>load<u8>(p + 1);
        if ((c1 & 0xc0) == 0x80) {
          cp = ((c & 0x1f) << 6) | (c1 & 0x3f);
          n = 2;
        }
      }
    } else if (c >= 0xe0 && c < 0xf0) {
      if (p + 2 < end) {
        let c1 = <u32>load<u8>(p + 1);
        let c2 = <u32>load<u8>(p + 2);
        if ((c1 & 0xc0) == 0x80 && (c2 & 0xc0) == 0x80) {
          let v = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
          if (v >= 0x800 && (v < 0xd800 || v >= 0xe000)) {
            cp = v;
            n = 3;
          }
        }
      }
    } else if (c >= 0xf0 && c < 0xf5) {
      if (p + 3 < end) {
        let c1 = <u32>load<u8>(p + 1);
        let c2 = <u32>load<u8>(p + 2);
        let c3 = <u32>load<u8>(p + 3);
        if ((c1 & 0xc0) == 0x80 && (c2 & 0xc0) == 0x80 && (c3 & 0xc0) == 0x80) {
          let v = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
          if (v >= 0x10000 && v < 0x110000) {
            cp = v;
            n = 4;
          }
        }
      }
    }
    p += <usize>n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      store<u16>(out + (<usize>w << 1), <u16>(0xd800 | (cp >> 10)));
      store<u16>(out + (<usize>(w + 1) << 1), <u16>(0xdc00 | (cp & 0x3ff)));
      w += 2;
    } else {
      store<u16>(out + (<usize>w << 1), <u16>cp);
      w++;
    }
  }
  pos = p;
  // shrink to the decoded length (in place: it is the last object allocated)
  let s = changetype<string>(__renew(out, <usize>w << 1));
  return new Str(s);
}

function parseNumber(): Value | null {
  let start = pos;
  let p = pos;
  let neg = false;
  if (load<u8>(p) == 45) {
    neg = true;
    p++;
  }
  if (p >= end) return fail();
  let c = <u32>load<u8>(p);
  let intVal: u64 = 0;
  let digits = 0;
  if (c == 48) {
    p++;
    digits = 1;
  } else if (c - 49 < 9) {
    while (p < end) {
      c = <u32>load<u8>(p);
      if (c - 48 >= 10) break;
      if (digits < 18) intVal = intVal * 10 + <u64>(c - 48);
      digits++;
      p++;
    }
  } else {
    return fail();
  }
  let simple = true;
  if (p < end && load<u8>(p) == 46) {
    simple = false;
    p++;
    let n = 0;
    while (p < end && <u32>load<u8>(p) - 48 < 10) {
      p++;
      n++;
    }
    if (n == 0) return fail();
  }
  if (p < end && (load<u8>(p) | 32) == 101) {
    simple = false;
    p++;
    if (p < end && (load<u8>(p) == 43 || load<u8>(p) == 45)) p++;
    let n = 0;
    while (p < end && <u32>load<u8>(p) - 48 < 10) {
      p++;
      n++;
    }
    if (n == 0) return fail();
  }
  pos = p;
  if (simple && digits <= 15) {
    let f = <f64>intVal;
    return new Num(neg ? -f : f);
  }
  let f = parseFloatBytes(start, <i32>(p - start));
  if (!isFinite(f)) return fail();
  return new Num(f);
}

// ---------------------------------------------------------------------------------------
// Dump

/** NUL-terminated UTF-8 JSON text of v in fresh heap memory; returns its address. */
export function dumpJSON(v: Value): usize {
  let b = new ByteBuf(256);
  writeValue(b, v);
  b.byte(0);
  return b.ptr;
}

/** JSON text of v as a string. */
export function toJSONString(v: Value): string {
  let b = new ByteBuf(64);
  writeValue(b, v);
  return String.UTF8.decodeUnsafe(b.ptr, <usize>b.len, false);
}

export function writeValue(b: ByteBuf, v: Value): void {
  switch (v.kind) {
    case NULL:
      b.bytes(NULL_TXT, 4);
      return;
    case BOOL:
      if (changetype<Bool>(v).value) b.bytes(TRUE_TXT, 4);
      else b.bytes(FALSE_TXT, 5);
      return;
    case NUMBER:
      writeNumber(b, changetype<Num>(v).value);
      return;
    case STRING:
      writeString(b, changetype<Str>(v).value);
      return;
    case ARRAY: {
      let items = changetype<Arr>(v).items;
      b.byte(91);
      for (let i = 0, n = items.length; i < n; i++) {
        if (i > 0) b.byte(44);
        writeValue(b, unchecked(items[i]));
      }
      b.byte(93);
      return;
    }
    case OBJECT: {
      let o = changetype<Obj>(v);
      b.byte(123);
      for (let i = 0, n = o.keys.length; i < n; i++) {
        if (i > 0) b.byte(44);
        let k = unchecked(o.keys[i]);
        if (k.kind == STRING) {
          writeString(b, changetype<Str>(k).value);
        } else {
          writeString(b, toJSONString(k));
        }
        b.byte(58);
        writeValue(b, unchecked(o.vals[i]));
      }
      b.byte(125);
      return;
    }
    case SET: {
      let items = changetype<SetV>(v).items;
      b.byte(91);
      for (let i = 0, n = items.length; i < n; i++) {
        if (i > 0) b.byte(44);
        writeValue(b, unchecked(items[i]));
      }
      b.byte(93);
      return;
    }
  }
}

const NULL_TXT = memory.data<u8>([110, 117, 108, 108]);
const TRUE_TXT = memory.data<u8>([116, 114, 117, 101]);
const FALSE_TXT = memory.data<u8>([102, 97, 108, 115, 101]);
const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

export function writeString(b: ByteBuf, s: string): void {
  let n = s.length;
  let p = changetype<usize>(s);
  b.ensure(n + 2);
  b.byte(34);
  // fast path: printable ASCII needs no escape and one byte per unit, for which ensure made room
  let out = b.ptr + <usize>b.len;
  let i = 0;
  while (i < n) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 32 || c >= 0x80 || c == 34 || c == 92) break;
    store<u8>(out, <u8>c);
    out++;
    i++;
  }
  b.len = <i32>(out - b.ptr);
  for (; i < n; i++) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 0x80) {
      if (c >= 32 && c != 34 && c != 92) {
        b.byte(c);
        continue;
      }
      b.byte(92);
      switch (c) {
        case 34: b.byte(34); break;
        case 92: b.byte(92); break;
        case 10: b.byte(110); break;
        case 13: b.byte(114); break;
        case 9: b.byte(116); break;
        case 8: b.byte(98); break;
        case 12: b.byte(102); break;
        default:
          b.byte(117);
          b.byte(48);
          b.byte(48);
          b.byte(<u32>load<u8>(HEX + <usize>(c >> 4)));
          b.byte(<u32>load<u8>(HEX + <usize>(c & 15)));
      }
      continue;
    }
    if (c < 0x800) {
      b.byte(0xc0 | (c >> 6));
      b.byte(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      // surrogates: a valid pair is one code point, anything else U+FFFD
      if (c < 0xdc00 && i + 1 < n) {
        let l = <u32>load<u16>(p + (<usize>(i + 1) << 1));
        if (l >= 0xdc00 && l < 0xe000) {
          let cp = 0x10000 + ((c - 0xd800) << 10) + (l - 0xdc00);
          b.byte(0xf0 | (cp >> 18));
          b.byte(0x80 | ((cp >> 12) & 0x3f));
          b.byte(0x80 | ((cp >> 6) & 0x3f));
          b.byte(0x80 | (cp & 0x3f));
          i++;
          continue;
        }
      }
      c = 0xfffd;
    }
    b.byte(0xe0 | (c >> 12));
    b.byte(0x80 | ((c >> 6) & 0x3f));
    b.byte(0x80 | (c & 0x3f));
  }
  b.byte(34);
}
