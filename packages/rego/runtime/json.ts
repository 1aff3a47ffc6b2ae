// JSON <-> Value (AssemblyScript).
//
// parseJSON reads UTF-8 bytes (not NUL-terminated) and returns null on any syntax error.
// Invalid UTF-8 and unpaired \u surrogates become U+FFFD (as Go's encoding/json does).
// Numbers become doubles (correctly rounded); a number beyond the double range is an error.
//
// dumpJSON writes NUL-terminated UTF-8 into fresh heap memory: objects with keys in OPA's
// order, sets as arrays in sorted order, non-string object keys as the JSON text of the
// key (OPA does the same), numbers as JSON.stringify formats them.

import { Value, Bool, Str, Num, Arr, Obj, SetV, mkNull, mkBool, objFromPairs, NULL, BOOL, NUMBER, STRING, ARRAY, OBJECT, SET } from "./value";
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

function parseObject(depth: i32): Value | null {
  pos++; // {
  let keys = new Array<Value>();
  let vals = new Array<Value>();
  skipWs();
  if (peek() == 125) {
    pos++;
    return new Obj();
  }
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
    keys.push(k);
    vals.push(v);
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
  return objFromPairs(keys, vals);
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

function parseString(): Value | null {
  pos++; // opening quote
  let start = pos;
  // fast path: ASCII without escapes
  let p = pos;
  while (p < end) {
    let c = <u32>load<u8>(p);
    if (c == 34 || c == 92 || c < 32 || c >= 128) break;
    p++;
  }
  if (p < end && load<u8>(p) == 34) {
    let n = <i32>(p - start);
    let s = changetype<string>(__new(<usize>n << 1, idof<string>()));
    let sp = changetype<usize>(s);
    for (let i = 0; i < n; i++) store<u16>(sp + (<usize>i << 1), <u16>load<u8>(start + <usize>i));
    pos = p + 1;
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
  for (let i = 0; i < n; i++) {
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
