/**
 * The fixed part of every compiled codec's source: the encode scratch buffer and its primitive
 * writers, the decode cursor and its primitive readers. The generated part (one function per
 * record, enum, union, array or map of the schema) calls these; all of them share the closure
 * state below, so a compiled codec is one `new Function` (and V8 inlines the small helpers).
 *
 * Encode state: `buf` (a slab of capacity `cap`: the values written so far, each returned as a
 * view of its bytes, then the one being written, from `top`), `pos` (the write position). Every
 * writer makes room for what it writes first (a value that outgrows the slab moves to a new one).
 * Decode state: `rb` (the input), `rp` (the read position), `re` (the end of the input). Every
 * reader checks the bytes it needs are there and throws on truncated input.
 *
 * Wire format (Avro binary encoding, byte-for-byte what avsc writes):
 * - int / long: zigzag varint. avsc computes the zigzag value with int32 arithmetic when
 *   |n| < 2^30 and with doubles otherwise (`n * 2` or `-n * 2 - 1`, which rounds for |n| > 2^52);
 *   writing the same double's base-128 digits gives the same bytes. Reads mirror avsc too:
 *   int32 arithmetic over the first 4 bytes, doubles past them, no range check for `int`, the
 *   +-(2^53 - 2) bound of avsc's `long` ("potential precision loss").
 * - float / double: little endian IEEE 754, through a Float32Array/Float64Array (as Buffer's
 *   writeFloatLE/writeDoubleLE do, so NaN payloads come out the same).
 * - string: varint byte length + UTF-8. A string with a lone surrogate is refused (avsc writes
 *   those differently below and above 64 bytes; the caller's avsc fallback reproduces that).
 * - bytes: varint length + bytes; fixed: the bytes.
 * - decimal: the unscaled value's two's complement (bytes: minimal, length-prefixed; fixed:
 *   sign-extended). A safe unscaled value takes the fast paths here (scanDec, twos, decimalAt,
 *   fmtDec: the same answers as scanDecimal, writeSafe, readSafe and formatDecimal, which the
 *   tests check at every boundary); anything else goes through DecimalType's own helpers.
 * - boolean: one byte (read: any non-zero byte is true, as avsc).
 */
const FIXED = String.raw`
'use strict';
const { Buffer, markAsUntransferable, InvalidValueError, scanDecimal, SLOW, parseDecimalBig, toTwosComplement, safeByteLength, writeSafe, readSafe, readBig, formatDecimal, littleEndian } = rt;
const EMPTY = Buffer.alloc(0);
markAsUntransferable(EMPTY.buffer);
const floor = Math.floor;
/** Encodes write into a slab and return views of it, as Buffer.allocUnsafe's pool (a new slab when less than RESERVE is left). */
const SLAB = 65536;
const RESERVE = 2048;
const F64 = new Float64Array(1), F64B = new Uint8Array(F64.buffer);
const F32 = new Float32Array(1), F32B = new Uint8Array(F32.buffer);
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const INV_POW10 = POW10.map((p) => 1 / p);
/** DOT_ZEROS[k]: '.' and k zeros (the point and the zeros that pad a fraction). */
const DOT_ZEROS = ['.', '.0', '.00', '.000', '.0000', '.00000', '.000000', '.0000000', '.00000000', '.000000000', '.0000000000', '.00000000000', '.000000000000', '.0000000000000', '.00000000000000', '.000000000000000'];

// ---------------------------------------------------------------------------------------------
// encode

/** A slab nothing else writes to or transfers (as Node's own buffer pool). */
function slab(size) {
  const b = Buffer.allocUnsafeSlow(size);
  markAsUntransferable(b.buffer);
  return b;
}

// buf[0, top) holds values already returned (views of buf), the value being written is buf[top, pos);
// no slab until something is written (a serde that only decodes has none)
let buf = EMPTY;
let cap = 0;
let top = 0;
let pos = 0;

function fail(what) {
  throw new InvalidValueError(what);
}

/** Room for n more bytes: the value being written moves to a new slab, large enough. */
function grow(n) {
  const used = pos - top;
  let c = SLAB;
  while (c < used + n) c *= 2;
  const next = slab(c);
  buf.copy(next, 0, top, pos);
  buf = next;
  cap = c;
  top = 0;
  pos = used;
}

/** The value just written, buf[top, pos), as a Buffer of its own (a view: nothing writes there again). */
function take() {
  const out = Buffer.from(buf.buffer, buf.byteOffset + top, pos - top);
  if (cap - pos < RESERVE || cap > SLAB) {
    // nearly full, or a large value's own slab: the next value starts a new one (when it writes)
    buf = EMPTY;
    cap = 0;
    top = 0;
    pos = 0;
  } else top = pos;
  return out;
}

function wByte(b) {
  if (pos >= cap) grow(1);
  buf[pos++] = b;
}

/** Zigzag varint of an integer-valued number (|n| <= 2^53). */
function wLong(n) {
  if (pos + 10 > cap) grow(10);
  const b = buf;
  let p = pos;
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      b[p++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    b[p++] = m;
  } else {
    // the zigzag value as avsc computes it (a double: rounds for |n| > 2^52), then its base-128
    // digits: the low 28 bits (it is >= 2^31 here), then the rest (< 2^26) with int arithmetic
    const z = n >= 0 ? n * 2 : -n * 2 - 1;
    let hi = Math.floor(z / 268435456);
    const lo = z - hi * 268435456;
    b[p++] = (lo & 0x7f) | 0x80;
    b[p++] = ((lo >>> 7) & 0x7f) | 0x80;
    b[p++] = ((lo >>> 14) & 0x7f) | 0x80;
    b[p++] = ((lo >>> 21) & 0x7f) | 0x80;
    while (hi > 0x7f) {
      b[p++] = (hi & 0x7f) | 0x80;
      hi >>>= 7;
    }
    b[p++] = hi;
  }
  pos = p;
}

function wStrUtf8(s, what) {
  if (!s.isWellFormed()) fail(what + ': string with a lone surrogate');
  const len = Buffer.byteLength(s, 'utf8');
  wLong(len);
  if (pos + len > cap) grow(len);
  buf.utf8Write(s, pos, len);
  pos += len;
}

function wStr(s, what) {
  const n = s.length;
  if (n < 32) {
    // one length byte and n bytes if ASCII (checked while copying)
    if (pos + n + 1 > cap) grow(n + 1);
    const b = buf;
    let p = pos;
    b[p++] = n << 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return wStrUtf8(s, what);
      b[p++] = c;
    }
    pos = p;
    return;
  }
  // the length of an ASCII string, then its UTF-8: n bytes iff it is ASCII (else written again)
  if (pos + 3 * n + 10 > cap) grow(3 * n + 10);
  const start = pos;
  wLong(n);
  if (buf.utf8Write(s, pos, cap - pos) !== n) {
    pos = start;
    return wStrUtf8(s, what);
  }
  pos += n;
}

function wRaw(bytes) {
  const n = bytes.length;
  if (pos + n > cap) grow(n);
  bytes.copy(buf, pos, 0, n);
  pos += n;
}

function wBytes(x, what) {
  if (!Buffer.isBuffer(x)) fail(what);
  wLong(x.length);
  wRaw(x);
}

function wFixed(x, size, what) {
  if (!Buffer.isBuffer(x) || x.length !== size) fail(what);
  wRaw(x);
}

function wDouble(d) {
  if (pos + 8 > cap) grow(8);
  if (!littleEndian) {
    buf.writeDoubleLE(d, pos);
    pos += 8;
    return;
  }
  F64[0] = d;
  const b = buf;
  let p = pos;
  b[p++] = F64B[0];
  b[p++] = F64B[1];
  b[p++] = F64B[2];
  b[p++] = F64B[3];
  b[p++] = F64B[4];
  b[p++] = F64B[5];
  b[p++] = F64B[6];
  b[p++] = F64B[7];
  pos = p;
}

function wFloat(f) {
  if (pos + 4 > cap) grow(4);
  if (!littleEndian) {
    buf.writeFloatLE(f, pos);
    pos += 4;
    return;
  }
  F32[0] = f;
  const b = buf;
  b[pos] = F32B[0];
  b[pos + 1] = F32B[1];
  b[pos + 2] = F32B[2];
  b[pos + 3] = F32B[3];
  pos += 4;
}

/**
 * scanDecimal(x, precision, scale) for the common case, or undefined (the case is scanDecimal's):
 * -?digits[.digits] whose unscaled value is a safe integer below limit (10^precision, or
 * Infinity when precision > 15: then every safe integer fits; scale <= 22). Every step is exact
 * while the accumulated value is a safe integer, and the value only grows, so a result that is
 * still safe at the end was computed exactly; then it has at most precision digits iff it is
 * below 10^precision (the digit count scanDecimal checks, leading zeros not counted).
 */
function scanDec(x, scale, limit) {
  const len = x.length;
  let i = 0;
  let neg = false;
  if (len > 0 && x.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  const intStart = i;
  let n = 0;
  for (; i < len; i++) {
    const d = x.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i === intStart) return undefined;
  if (i < len) {
    if (x.charCodeAt(i) !== 46 || i + 1 === len) return undefined;
    let k = 0;
    for (i++; i < len; i++) {
      const d = x.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (k < scale) {
        n = n * 10 + d;
        k++;
      } else if (d !== 0) return undefined;
    }
    if (k < scale) n *= POW10[scale - k];
  } else n *= POW10[scale];
  if (!(n <= 9007199254740991 && n < limit)) return undefined;
  return neg && n !== 0 ? -n : n;
}

/** Writes the minimal big-endian two's complement of the safe integer n at buf[p..] (writeSafe's bytes); returns its length. */
function twos(b, p, n) {
  if (n >= -2147483648 && n <= 2147483647) {
    if (n >= -128 && n < 128) {
      b[p] = n;
      return 1;
    }
    if (n >= -32768 && n < 32768) {
      b[p] = n >> 8;
      b[p + 1] = n;
      return 2;
    }
    if (n >= -8388608 && n < 8388608) {
      b[p] = n >> 16;
      b[p + 1] = n >> 8;
      b[p + 2] = n;
      return 3;
    }
    b[p] = n >> 24;
    b[p + 1] = n >> 16;
    b[p + 2] = n >> 8;
    b[p + 3] = n;
    return 4;
  }
  // n = hi * 2^32 + lo, |hi| < 2^21, 0 <= lo < 2^32
  const hi = Math.floor(n / 4294967296);
  const lo = n - hi * 4294967296;
  let k;
  if (hi >= -128 && hi < 128) {
    b[p] = hi;
    k = p + 1;
  } else if (hi >= -32768 && hi < 32768) {
    b[p] = hi >> 8;
    b[p + 1] = hi;
    k = p + 2;
  } else {
    b[p] = hi >> 16;
    b[p + 1] = hi >> 8;
    b[p + 2] = hi;
    k = p + 3;
  }
  b[k] = lo >>> 24;
  b[k + 1] = lo >>> 16;
  b[k + 2] = lo >>> 8;
  b[k + 3] = lo;
  return k + 4 - p;
}

/** decimal on bytes: a string that is an exact decimal of (precision, scale), else fail. */
function wDecBytes(x, precision, scale, spec, limit, what) {
  const n = typeof x === 'string' && limit !== 0 ? scanDec(x, scale, limit) : undefined;
  if (n === undefined) return wDecBytesSlow(x, precision, scale, spec, what);
  if (pos + 8 > cap) grow(8);
  const p = pos;
  const len = twos(buf, p + 1, n);
  buf[p] = len << 1;
  pos = p + len + 1;
}

/** wDecBytes through DecimalType's own helpers (any valid value: also those past 2^53). */
function wDecBytesSlow(x, precision, scale, spec, what) {
  if (typeof x !== 'string') fail(what);
  const n = scanDecimal(x, precision, scale);
  if (n === undefined) fail(what);
  if (n === SLOW) {
    const unscaled = parseDecimalBig(x, spec);
    if (unscaled === undefined) fail(what);
    const bytes = toTwosComplement(unscaled);
    wLong(bytes.length);
    wRaw(bytes);
    return;
  }
  const len = safeByteLength(n);
  wLong(len);
  if (pos + len > cap) grow(len);
  writeSafe(buf, pos, n, len);
  pos += len;
}

/** decimal on fixed(size): sign-extended to size bytes (the precision always fits). */
function wDecFixed(x, precision, scale, spec, limit, size, what) {
  if (typeof x !== 'string') fail(what);
  let n = limit === 0 ? undefined : scanDec(x, scale, limit);
  if (n === undefined) n = scanDecimal(x, precision, scale);
  if (n === undefined) fail(what);
  if (n === SLOW) {
    const unscaled = parseDecimalBig(x, spec);
    if (unscaled === undefined) fail(what);
    const bytes = toTwosComplement(unscaled, size);
    if (bytes === undefined) fail(what);
    wRaw(bytes);
    return;
  }
  if (pos + size > cap) grow(size);
  writeSafe(buf, pos, n, size);
  pos += size;
}

/** Whether obj has an own enumerable key that is not in declared (a Set): the exact check. */
function undeclared(obj, declared) {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) if (!declared.has(keys[i])) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// decode

let rb = EMPTY;
let rp = 0;
let re = 0;

function truncated() {
  throw new Error('truncated buffer');
}

/** A block count larger than the bytes left (each item takes one at least): avsc would loop on past the end. */
function oversized(n) {
  throw new Error('truncated buffer: a block of ' + n + ' items');
}

function rLong() {
  const b = rb;
  let p = rp;
  if (p >= re) truncated();
  let c = b[p++];
  if (c < 0x80) {
    rp = p;
    return (c >>> 1) ^ -(c & 1);
  }
  let n = c & 0x7f;
  for (let k = 7; k < 28; k += 7) {
    if (p >= re) truncated();
    c = b[p++];
    n |= (c & 0x7f) << k;
    if (c < 0x80) {
      rp = p;
      return (n >>> 1) ^ -(n & 1);
    }
  }
  // past 28 bits: up to 3 more bytes (21 bits) with int arithmetic, the value h * 2^28 + n is
  // then exact (< 2^49) and its low bit is n's
  let h = 0;
  for (let k = 0; k < 21; k += 7) {
    if (p >= re) truncated();
    c = b[p++];
    h |= (c & 0x7f) << k;
    if (c < 0x80) {
      rp = p;
      const f = h * 268435456 + n;
      return n & 1 ? -(f + 1) / 2 : f / 2;
    }
  }
  // longer: double arithmetic, as avsc (which may round past 2^53)
  let f = h * 268435456 + n;
  let fk = 562949953421312; // 2^49
  do {
    if (p >= re) truncated();
    c = b[p++];
    f += (c & 0x7f) * fk;
    fk *= 128;
  } while (c & 0x80);
  rp = p;
  return (f - 2 * Math.floor(f / 2) !== 0 ? -(f + 1) : f) / 2;
}

function rSafeLong() {
  const n = rLong();
  if (n < -9007199254740990 || n > 9007199254740990) throw new Error('potential precision loss');
  return n;
}

function rBool() {
  if (rp >= re) truncated();
  return rb[rp++] !== 0;
}

function rDouble() {
  const p = rp;
  if (p + 8 > re) truncated();
  rp = p + 8;
  if (!littleEndian) return rb.readDoubleLE(p);
  const b = rb;
  F64B[0] = b[p];
  F64B[1] = b[p + 1];
  F64B[2] = b[p + 2];
  F64B[3] = b[p + 3];
  F64B[4] = b[p + 4];
  F64B[5] = b[p + 5];
  F64B[6] = b[p + 6];
  F64B[7] = b[p + 7];
  return F64[0];
}

function rFloat() {
  const p = rp;
  if (p + 4 > re) truncated();
  rp = p + 4;
  if (!littleEndian) return rb.readFloatLE(p);
  const b = rb;
  F32B[0] = b[p];
  F32B[1] = b[p + 1];
  F32B[2] = b[p + 2];
  F32B[3] = b[p + 3];
  return F32[0];
}

/** [rp, rp + n) after checking n is a length that is there; returns its start. */
function span(n) {
  if (n < 0) throw new Error('invalid length: ' + n);
  const p = rp;
  if (n > re - p) truncated();
  rp = p + n;
  return p;
}

function rStr() {
  const b = rb;
  let p = rp;
  let n;
  // a length below 64 is one varint byte (read here: no call on the common path)
  if (p < re && b[p] < 0x80) {
    n = b[p++] >>> 1;
    if (b[p - 1] & 1) throw new Error('invalid length: ' + -(n + 1));
  } else {
    n = rLong();
    if (n < 0) throw new Error('invalid length: ' + n);
    p = rp;
  }
  const e = p + n;
  if (e > re) truncated();
  rp = e;
  return n <= SHORT ? shortString(b, p, n) : b.utf8Slice(p, e);
}

function rFixed(size) {
  const p = span(size);
  const out = Buffer.allocUnsafe(size);
  rb.copy(out, 0, p, p + size);
  return out;
}

function rBytes() {
  return rFixed(rLong());
}

/** formatDecimal(n, scale) of a safe integer n, for 1 <= scale <= 15 (unit = 10^scale). */
function fmtDec(n, scale, unit) {
  const neg = n < 0;
  const a = neg ? -n : n;
  if (a >= 4503599627370496) return formatDecimal(n, scale); // 2^52: ip * unit below might not be exact
  // integer and fraction parts without a floating-point remainder or division: the product by
  // the rounded reciprocal is within 1 of the exact quotient, ip * unit is exact (< 2^53), and so
  // is the correction
  let ip = Math.floor(a * INV_POW10[scale]);
  let frac = a - ip * unit;
  if (frac < 0) {
    ip--;
    frac += unit;
  } else if (frac >= unit) {
    ip++;
    frac -= unit;
  }
  const fs = frac < 2147483648 ? '' + (frac | 0) : '' + frac;
  const body = (ip < 2147483648 ? '' + (ip | 0) : '' + ip) + DOT_ZEROS[scale - fs.length] + fs;
  return neg ? '-' + body : body;
}

/** readSafe(rb, p, len) then formatDecimal at scale: the value of the big-endian two's complement rb[p, p + len). */
function decimalAt(p, len, scale, unit) {
  const b = rb;
  let n;
  switch (len) {
    case 1:
      n = (b[p] << 24) >> 24;
      break;
    case 2:
      n = ((b[p] << 24) >> 16) | b[p + 1];
      break;
    case 3:
      n = ((b[p] << 24) >> 8) | (b[p + 1] << 8) | b[p + 2];
      break;
    case 4:
      n = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      break;
    case 5:
      n = ((b[p] << 24) >> 24) * 4294967296 + (((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]) >>> 0);
      break;
    case 6:
      n = (((b[p] << 24) >> 16) | b[p + 1]) * 4294967296 + (((b[p + 2] << 24) | (b[p + 3] << 16) | (b[p + 4] << 8) | b[p + 5]) >>> 0);
      break;
    default:
      n = readSafe(b, p, len);
      if (n === undefined) return formatDecimal(readBig(b, p, len), scale);
  }
  return unit === 0 ? formatDecimal(n, scale) : fmtDec(n, scale, unit);
}

function rDecBytes(scale, unit) {
  const b = rb;
  let p = rp;
  let len;
  if (p < re && b[p] < 0x80) {
    len = b[p++] >>> 1;
    if (b[p - 1] & 1) throw new Error('decimal: invalid byte length ' + -(len + 1));
  } else {
    len = rLong();
    if (len < 0) throw new Error('decimal: invalid byte length ' + len);
    p = rp;
  }
  if (len > re - p) throw new Error('decimal: truncated bytes');
  rp = p + len;
  return decimalAt(p, len, scale, unit);
}

function rDecFixed(size, scale, unit) {
  const p = rp;
  if (size > re - p) throw new Error('decimal: truncated bytes');
  rp = p + size;
  return decimalAt(p, size, scale, unit);
}

function badUnion(i) {
  throw new Error('invalid union index: ' + i);
}

function badEnum(name, i) {
  throw new Error('invalid ' + name + ' enum index: ' + i);
}

/** Block count of an array or map (a negative count is followed by the block's byte size). */
function rCount() {
  const n = rLong();
  if (n >= 0) return n;
  rLong();
  return -n;
}
`;

/** Strings of up to this many bytes are built in JavaScript when ASCII (a native slice costs more; above, the ASCII check costs more than it saves). */
const SHORT = 20;

/**
 * shortString(b, p, n), n <= SHORT: the string of the UTF-8 bytes b[p, p + n); when they are
 * ASCII, String.fromCharCode of them (loaded once, checked together), else utf8Slice.
 */
function shortStringFunction(): string {
  const cases = Array.from({ length: SHORT }, (_, k) => {
    const n = k + 1;
    const bytes = Array.from({ length: n }, (_, i) => `c${i}`);
    return [
      `    case ${n}: {`,
      `      const ${bytes.map((c, i) => `${c} = b[p${i === 0 ? '' : ` + ${i}`}]`).join(', ')};`,
      `      if ((${bytes.join(' | ')}) < 0x80) return fromCharCode(${bytes.join(', ')});`,
      `      break;`,
      `    }`,
    ].join('\n');
  });
  return [
    `const SHORT = ${SHORT};`,
    'const fromCharCode = String.fromCharCode;',
    'function shortString(b, p, n) {',
    '  switch (n) {',
    "    case 0:\n      return '';",
    ...cases,
    '  }',
    '  return b.utf8Slice(p, p + n);',
    '}',
  ].join('\n');
}

export const PRELUDE = `${FIXED}\n${shortStringFunction()}\n`;
