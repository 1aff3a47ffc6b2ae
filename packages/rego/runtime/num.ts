// Number conversions (AssemblyScript): decimal text <-> f64, correctly rounded.
//
// Fast paths use exact double arithmetic (Clinger's observation: an integer below 2^53
// times or divided by an exact power of ten <= 10^22 is correctly rounded by one IEEE
// operation). Everything else goes through a multi-precision decimal (digit array with
// binary shifts), which is exact and only used for long or extreme numbers.

// @ts-ignore: decorator
@inline const DMAX: i32 = 800; // digits kept by a decimal (a double needs at most 767)
// @ts-ignore: decorator
@inline const TMAX: i32 = 840; // scratch for left shifts

const SCRATCH: usize = memory.data(TMAX);

// exact powers of ten as doubles
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

// binary shift amounts that scale a decimal by at least 10^i
const SHIFT_FOR: StaticArray<i32> = [1, 3, 6, 9, 13, 16, 19, 23, 26];

/** Multi-precision decimal: value = 0.d[0]d[1]...d[nd-1] x 10^dp (digits are 0..9). */
class Dec {
  buf: usize;
  nd: i32 = 0;
  dp: i32 = 0;
  trunc: bool = false;
  constructor(buf: usize) {
    this.buf = buf;
  }

  @inline d(i: i32): u32 {
    return <u32>load<u8>(this.buf + <usize>i);
  }

  @inline setD(i: i32, v: u32): void {
    store<u8>(this.buf + <usize>i, <u8>v);
  }

  trim(): void {
    while (this.nd > 0 && this.d(this.nd - 1) == 0) this.nd--;
    if (this.nd == 0) this.dp = 0;
  }

  setU64(v: u64): void {
    let n = 0;
    let t = SCRATCH + <usize>TMAX;
    while (v > 0) {
      let q = v / 10;
      t--;
      store<u8>(t, <u8>(v - q * 10));
      n++;
      v = q;
    }
    memory.copy(this.buf, t, <usize>n);
    this.nd = n;
    this.dp = n;
    this.trunc = false;
    this.trim();
  }

  copyFrom(o: Dec): void {
    memory.copy(this.buf, o.buf, <usize>o.nd);
    this.nd = o.nd;
    this.dp = o.dp;
    this.trunc = o.trunc;
  }

  /** Multiplies by 2^k, 0 < k <= 60. */
  shl(k: i32): void {
    let n: u64 = 0;
    let pos = TMAX;
    for (let r = this.nd - 1; r >= 0; r--) {
      n += <u64>this.d(r) << <u64>k;
      let q = n / 10;
      pos--;
      store<u8>(SCRATCH + <usize>pos, <u8>(n - q * 10));
      n = q;
    }
    while (n > 0) {
      let q = n / 10;
      pos--;
      store<u8>(SCRATCH + <usize>pos, <u8>(n - q * 10));
      n = q;
    }
    let newNd = TMAX - pos;
    this.dp += newNd - this.nd;
    let keep = newNd;
    if (keep > DMAX) {
      for (let i = DMAX; i < newNd; i++) {
        if (load<u8>(SCRATCH + <usize>(pos + i)) != 0) this.trunc = true;
      }
      keep = DMAX;
    }
    memory.copy(this.buf, SCRATCH + <usize>pos, <usize>keep);
    this.nd = keep;
    this.trim();
  }

  /** Divides by 2^k, 0 < k <= 60. */
  shr(k: i32): void {
    let r = 0;
    let w = 0;
    let n: u64 = 0;
    let nd = this.nd;
    while (n >> <u64>k == 0) {
      if (r >= nd) {
        if (n == 0) {
          this.nd = 0;
          this.dp = 0;
          return;
        }
        while (n >> <u64>k == 0) {
          n *= 10;
          r++;
        }
        break;
      }
      n = n * 10 + <u64>this.d(r);
      r++;
    }
    this.dp -= r - 1;
    let mask: u64 = (<u64>1 << <u64>k) - 1;
    for (; r < nd; r++) {
      let c = <u64>this.d(r);
      let dig = n >> <u64>k;
      n &= mask;
      this.setD(w++, <u32>dig);
      n = n * 10 + c;
    }
    while (n > 0) {
      let dig = n >> <u64>k;
      n &= mask;
      if (w < DMAX) this.setD(w++, <u32>dig);
      else if (dig > 0) this.trunc = true;
      n *= 10;
    }
    this.nd = w;
    this.trim();
  }

  shift(k: i32): void {
    if (this.nd == 0) return;
    while (k > 60) {
      this.shl(60);
      k -= 60;
    }
    if (k > 0) this.shl(k);
    while (k < -60) {
      this.shr(60);
      k += 60;
    }
    if (k < 0) this.shr(-k);
  }

  /** Whether rounding to n digits goes up (round half to even on the exact value). */
  roundsUp(n: i32): bool {
    if (n < 0 || n >= this.nd) return false;
    let c = this.d(n);
    if (c == 5 && n + 1 == this.nd) {
      if (this.trunc) return true;
      return n > 0 && (this.d(n - 1) & 1) == 1;
    }
    return c >= 5;
  }

  roundDown(n: i32): void {
    if (n < 0 || n >= this.nd) return;
    this.nd = n;
    this.trim();
  }

  roundUp(n: i32): void {
    if (n < 0 || n >= this.nd) return;
    let i = n - 1;
    while (i >= 0 && this.d(i) == 9) i--;
    if (i < 0) {
      this.setD(0, 1);
      this.nd = 1;
      this.dp++;
      return;
    }
    this.setD(i, this.d(i) + 1);
    this.nd = i + 1;
  }

  round(n: i32): void {
    if (this.roundsUp(n)) this.roundUp(n);
    else this.roundDown(n);
  }

  /** The integer part, rounded (half even); saturates beyond 20 digits. */
  roundedInteger(): u64 {
    if (this.dp > 20) return 0xffffffffffffffff;
    let n: u64 = 0;
    let i = 0;
    for (; i < this.dp && i < this.nd; i++) n = n * 10 + <u64>this.d(i);
    for (; i < this.dp; i++) n *= 10;
    if (this.roundsUp(this.dp)) n++;
    return n;
  }

  /** Compares two non-negative decimals. */
  cmp(o: Dec): i32 {
    if (this.nd == 0 || o.nd == 0) return this.nd == 0 ? (o.nd == 0 ? 0 : -1) : 1;
    if (this.dp != o.dp) return this.dp < o.dp ? -1 : 1;
    let n = this.nd < o.nd ? this.nd : o.nd;
    for (let i = 0; i < n; i++) {
      let a = this.d(i);
      let b = o.d(i);
      if (a != b) return a < b ? -1 : 1;
    }
    return this.nd < o.nd ? -1 : this.nd > o.nd ? 1 : 0;
  }

  /** Nearest double (ties to even); Infinity on overflow. */
  toF64(): f64 {
    if (this.nd == 0) return 0;
    if (this.dp > 310) return Infinity;
    if (this.dp < -330) return 0;
    let exp = 0;
    while (this.dp > 0) {
      let n = this.dp >= 9 ? 27 : unchecked(SHIFT_FOR[this.dp]);
      this.shift(-n);
      exp += n;
    }
    while (this.dp < 0 || (this.dp == 0 && this.d(0) < 5)) {
      let n = -this.dp >= 9 ? 27 : unchecked(SHIFT_FOR[-this.dp]);
      this.shift(n);
      exp -= n;
    }
    // value in [0.5, 1) x 2^exp == [1, 2) x 2^(exp-1)
    exp--;
    if (exp < -1022) {
      let n = -1022 - exp;
      this.shift(-n);
      exp += n;
    }
    if (exp + 1023 >= 2047) return Infinity;
    this.shift(53);
    let mant = this.roundedInteger();
    if (mant == <u64>1 << 53) {
      mant >>= 1;
      exp++;
      if (exp + 1023 >= 2047) return Infinity;
    }
    if ((mant & (<u64>1 << 52)) == 0) exp = -1023;
    let bits = (mant & ((<u64>1 << 52) - 1)) | (<u64>((exp + 1023) & 0x7ff) << 52);
    return reinterpret<f64>(bits);
  }

  /** Sets the exact value of x (x finite, >= 0). */
  setF64(x: f64): void {
    let bits = reinterpret<u64>(x);
    let e = <i32>((bits >> 52) & 0x7ff);
    let mant = bits & ((<u64>1 << 52) - 1);
    if (e == 0) e = 1;
    else mant |= <u64>1 << 52;
    e -= 1075;
    this.setU64(mant);
    this.shift(e);
  }
}

const DA = new Dec(memory.data(DMAX + 8));
const DB = new Dec(memory.data(DMAX + 8));
const DC = new Dec(memory.data(DMAX + 8));
const DD = new Dec(memory.data(DMAX + 8));

// ---------------------------------------------------------------------------------------
// Parsing

// @ts-ignore: decorator
@inline function isDigitB(c: u32): bool {
  return c - 48 < 10;
}

/**
 * Parses bytes [ptr, ptr+len) with the syntax [+-]? digits* ('.' digits*)? ([eE] [+-]? digits+)?
 * (at least one mantissa digit; the caller validates). Returns the nearest double, or
 * +/-Infinity when out of range.
 */
export function parseFloatBytes(ptr: usize, len: i32): f64 {
  let i = 0;
  let neg = false;
  let c = <u32>load<u8>(ptr);
  if (c == 45 || c == 43) {
    neg = c == 45;
    i++;
  }
  // mantissa
  let mant: u64 = 0;
  let nd = 0; // significant digits seen (after leading zeros)
  let ndMant = 0; // digits accumulated in mant
  let dp = 0; // decimal point position relative to the significant digits
  let sawDot = false;
  let sawNonZero = false;
  let trunc = false;
  for (; i < len; i++) {
    c = <u32>load<u8>(ptr + <usize>i);
    if (c == 46) {
      sawDot = true;
      continue;
    }
    if (!isDigitB(c)) break;
    if (c == 48 && !sawNonZero) {
      if (sawDot) dp--;
      continue;
    }
    sawNonZero = true;
    nd++;
    if (!sawDot) dp++;
    if (ndMant < 19) {
      mant = mant * 10 + <u64>(c - 48);
      ndMant++;
    } else if (c != 48) {
      trunc = true;
    }
  }
  let e10 = 0;
  if (i < len && (c == 101 || c == 69)) {
    i++;
    let eneg = false;
    c = <u32>load<u8>(ptr + <usize>i);
    if (c == 45 || c == 43) {
      eneg = c == 45;
      i++;
    }
    for (; i < len; i++) {
      c = <u32>load<u8>(ptr + <usize>i);
      if (!isDigitB(c)) break;
      if (e10 < 100000) e10 = e10 * 10 + <i32>(c - 48);
    }
    if (eneg) e10 = -e10;
  }
  if (!sawNonZero) return neg ? -0.0 : 0.0;
  // value = 0.digits x 10^(dp + e10) = mant x 10^(dp + e10 - ndMant) when not truncated
  let exp = dp + e10 - ndMant;
  if (!trunc && nd == ndMant && mant <= (<u64>1 << 53)) {
    let f = <f64>mant;
    if (exp == 0) return neg ? -f : f;
    if (exp > 0 && exp <= 22) {
      f *= unchecked(POW10[exp]);
      return neg ? -f : f;
    }
    if (exp < 0 && exp >= -22) {
      f /= unchecked(POW10[-exp]);
      return neg ? -f : f;
    }
  }
  // slow path: exact decimal
  let d = DA;
  d.nd = 0;
  d.trunc = false;
  let j = 0;
  let sawNZ = false;
  for (j = neg || load<u8>(ptr) == 43 ? 1 : 0; j < len; j++) {
    let ch = <u32>load<u8>(ptr + <usize>j);
    if (ch == 46) continue;
    if (!isDigitB(ch)) break;
    if (ch == 48 && !sawNZ) continue;
    sawNZ = true;
    if (d.nd < DMAX) d.setD(d.nd++, ch - 48);
    else if (ch != 48) d.trunc = true;
  }
  let total = dp + e10;
  if (total > 100000) return neg ? -Infinity : Infinity;
  if (total < -100000) return neg ? -0.0 : 0.0;
  d.dp = total;
  d.trim();
  let f = d.toF64();
  return neg ? -f : f;
}

// ---------------------------------------------------------------------------------------
// Shortest round-trip digits

// Result of shortest(): ASCII digits in SHORT[0..shortN), value = 0.digits x 10^shortDp
const SHORT: usize = memory.data(32);
let shortN: i32 = 0;
let shortDp: i32 = 0;

function putU64Digits(m: u64): i32 {
  // writes m's digits to SHORT, trailing zeros removed; returns the full digit count
  let n = 0;
  let t = SCRATCH + <usize>TMAX;
  while (m > 0) {
    let q = m / 10;
    t--;
    store<u8>(t, <u8>(48 + (m - q * 10)));
    n++;
    m = q;
  }
  let k = n;
  while (k > 1 && load<u8>(t + <usize>(k - 1)) == 48) k--;
  memory.copy(SHORT, t, <usize>k);
  shortN = k;
  return n;
}

function shortestFast(x: f64): bool {
  let e10 = <i32>Math.floor(Math.log10(x));
  for (let p = 1; p <= 15; p++) {
    let k = p - 1 - e10;
    if (k > 22 || k < -22) continue;
    let y = k >= 0 ? x * unchecked(POW10[k]) : x / unchecked(POW10[-k]);
    let m = nearest<f64>(y);
    if (m < 1 || m > 9007199254740992.0) continue;
    let back = k >= 0 ? m / unchecked(POW10[k]) : m * unchecked(POW10[-k]);
    if (back == x) {
      let n = putU64Digits(<u64>m);
      shortDp = n - k;
      return true;
    }
  }
  return false;
}

function inInterval(x: Dec, lo: Dec, hi: Dec, inclusive: bool): bool {
  let a = x.cmp(lo);
  if (a < 0 || (a == 0 && !inclusive)) return false;
  let b = x.cmp(hi);
  return b < 0 || (b == 0 && inclusive);
}

function shortestSlow(x: f64): void {
  let bits = reinterpret<u64>(x);
  let be = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & ((<u64>1 << 52) - 1);
  let e = be;
  if (e == 0) e = 1;
  else mant |= <u64>1 << 52;
  e -= 1075;
  let d = DA;
  d.setU64(mant);
  d.shift(e);
  // rounding interval [lower, upper] (midpoints to the neighbouring doubles)
  let upper = DB;
  upper.setU64(mant * 2 + 1);
  upper.shift(e - 1);
  let lower = DC;
  if (mant == <u64>1 << 52 && be > 1) {
    lower.setU64(mant * 4 - 1);
    lower.shift(e - 2);
  } else {
    lower.setU64(mant * 2 - 1);
    lower.shift(e - 1);
  }
  let inclusive = (mant & 1) == 0;
  let c = DD;
  for (let n = 1; n <= 17; n++) {
    if (d.nd <= n) break;
    c.copyFrom(d);
    c.roundDown(n);
    let downOk = inInterval(c, lower, upper, inclusive);
    c.copyFrom(d);
    c.roundUp(n);
    let upOk = inInterval(c, lower, upper, inclusive);
    if (downOk || upOk) {
      let goUp = downOk && upOk ? d.roundsUp(n) : upOk;
      if (goUp) d.roundUp(n);
      else d.roundDown(n);
      break;
    }
  }
  let k = d.nd < 32 ? d.nd : 32;
  for (let i = 0; i < k; i++) store<u8>(SHORT + <usize>i, <u8>(48 + d.d(i)));
  shortN = k;
  shortDp = d.dp;
}

/** Shortest digits that round-trip to x (x finite, > 0): SHORT[0..shortN), shortDp. */
function shortest(x: f64): void {
  if (!shortestFast(x)) shortestSlow(x);
}

// ---------------------------------------------------------------------------------------
// Formatting

/** Decimal text of an integer-valued u64. */
export function u64ToString(v: u64): string {
  if (v == 0) return "0";
  let n = 0;
  let t = SCRATCH + <usize>TMAX;
  while (v > 0) {
    let q = v / 10;
    t--;
    store<u8>(t, <u8>(48 + (v - q * 10)));
    n++;
    v = q;
  }
  let s = changetype<string>(__new(<usize>n << 1, idof<string>()));
  for (let i = 0; i < n; i++) store<u16>(changetype<usize>(s) + (<usize>i << 1), <u16>load<u8>(t + <usize>i));
  return s;
}

/** Whether x is an integer that a double represents exactly (|x| <= 2^53). */
// @ts-ignore: decorator
@inline export function isSafeInt(x: f64): bool {
  return Math.abs(x) <= 9007199254740992.0 && Math.floor(x) == x;
}

function appendShortJS(sb: ByteBuf, neg: bool): void {
  // JavaScript's Number::toString layout of SHORT/shortDp
  if (neg) sb.byte(45);
  let k = shortN;
  let n = shortDp;
  if (k <= n && n <= 21) {
    sb.bytes(SHORT, k);
    for (let i = k; i < n; i++) sb.byte(48);
  } else if (0 < n && n <= 21) {
    sb.bytes(SHORT, n);
    sb.byte(46);
    sb.bytes(SHORT + <usize>n, k - n);
  } else if (-6 < n && n <= 0) {
    sb.byte(48);
    sb.byte(46);
    for (let i = 0; i < -n; i++) sb.byte(48);
    sb.bytes(SHORT, k);
  } else {
    sb.byte(load<u8>(SHORT));
    if (k > 1) {
      sb.byte(46);
      sb.bytes(SHORT + 1, k - 1);
    }
    sb.byte(101);
    let e = n - 1;
    sb.byte(e >= 0 ? 43 : 45);
    sb.uint(<u64>(e >= 0 ? e : -e));
  }
}

/** Growable raw byte buffer (heap memory) used by the JSON writer and the formatters. */
export class ByteBuf {
  ptr: usize;
  len: i32 = 0;
  cap: i32;
  constructor(cap: i32 = 64) {
    this.cap = cap;
    this.ptr = __alloc(<usize>cap);
  }

  ensure(extra: i32): void {
    let need = this.len + extra;
    if (need <= this.cap) return;
    let cap = this.cap << 1;
    if (cap < need) cap = need;
    this.ptr = __realloc(this.ptr, <usize>cap);
    this.cap = cap;
  }

  @inline byte(b: u32): void {
    if (this.len >= this.cap) this.ensure(1);
    store<u8>(this.ptr + <usize>this.len, <u8>b);
    this.len++;
  }

  bytes(p: usize, n: i32): void {
    if (n <= 0) return;
    this.ensure(n);
    memory.copy(this.ptr + <usize>this.len, p, <usize>n);
    this.len += n;
  }

  uint(v: u64): void {
    if (v == 0) {
      this.byte(48);
      return;
    }
    let n = 0;
    let t = SCRATCH + <usize>TMAX;
    while (v > 0) {
      let q = v / 10;
      t--;
      store<u8>(t, <u8>(48 + (v - q * 10)));
      n++;
      v = q;
    }
    this.bytes(t, n);
  }

  /** The bytes as a string (each byte one UTF-16 unit: use for ASCII only). */
  toAsciiString(): string {
    let s = changetype<string>(__new(<usize>this.len << 1, idof<string>()));
    for (let i = 0; i < this.len; i++) store<u16>(changetype<usize>(s) + (<usize>i << 1), <u16>load<u8>(this.ptr + <usize>i));
    return s;
  }
}

/** Writes x (finite) as JSON.stringify would. */
export function writeNumber(sb: ByteBuf, x: f64): void {
  if (isSafeInt(x)) {
    if (x < 0) {
      sb.byte(45);
      sb.uint(<u64>-x);
    } else {
      sb.uint(<u64>x);
    }
    return;
  }
  let neg = x < 0;
  let a = Math.abs(x);
  shortest(a);
  appendShortJS(sb, neg);
}

/** JSON text of a number (JavaScript's formatting). */
export function fmtNum(x: f64): string {
  if (isSafeInt(x)) {
    return x < 0 ? "-" + u64ToString(<u64>-x) : u64ToString(<u64>x);
  }
  let s = new ByteBuf(32);
  writeNumber(s, x);
  return s.toAsciiString();
}

// ---------------------------------------------------------------------------------------
// Go's strconv formatting (used by sprintf): %e %f %g with precision, and %v (shortest)

function expDigits(sb: ByteBuf, e: i32): void {
  sb.byte(e >= 0 ? 43 : 45);
  if (e < 0) e = -e;
  if (e < 10) sb.byte(48);
  sb.uint(<u64>e);
}

// digits source for the Go formatters
let gDigits: usize = 0;
let gN: i32 = 0;
let gDp: i32 = 0;

@inline function gDigit(i: i32): u32 {
  return i < gN ? <u32>load<u8>(gDigits + <usize>i) : 48;
}

function useDec(d: Dec): void {
  // convert DA's digit values to ASCII in SCRATCH
  let n = d.nd;
  for (let i = 0; i < n; i++) store<u8>(SCRATCH + <usize>i, <u8>(48 + d.d(i)));
  gDigits = SCRATCH;
  gN = n;
  gDp = d.dp;
  if (n == 0) gDp = 1; // zero: one digit "0"
}

function useShort(): void {
  gDigits = SHORT;
  gN = shortN;
  gDp = shortDp;
}

function emitE(sb: ByteBuf, prec: i32, upper: bool): void {
  sb.byte(gDigit(0));
  if (prec > 0) {
    sb.byte(46);
    for (let i = 1; i <= prec; i++) sb.byte(gDigit(i));
  }
  sb.byte(upper ? 69 : 101);
  expDigits(sb, gN == 0 ? 0 : gDp - 1);
}

function emitF(sb: ByteBuf, prec: i32): void {
  if (gDp > 0) {
    for (let i = 0; i < gDp; i++) sb.byte(gDigit(i));
  } else {
    sb.byte(48);
  }
  if (prec > 0) {
    sb.byte(46);
    for (let i = 0; i < prec; i++) {
      let j = gDp + i;
      sb.byte(j < 0 ? 48 : gDigit(j));
    }
  }
}

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64) for fmt in 'e', 'E', 'f', 'g', 'G'; prec < 0
 * means shortest. x must be finite.
 */
export function goFormatFloat(x: f64, fmt: u32, prec: i32): string {
  let sb = new ByteBuf();
  let neg = x < 0 || (x == 0 && 1 / x < 0);
  if (neg) sb.byte(45);
  let a = Math.abs(x);
  let shortestMode = prec < 0;
  if (shortestMode) {
    if (a == 0) {
      gDigits = SHORT;
      gN = 0;
      gDp = 1;
    } else {
      shortest(a);
      useShort();
    }
    if (fmt == 101 || fmt == 69) prec = gN > 0 ? gN - 1 : 0;
    else if (fmt == 102) prec = gN - gDp > 0 ? gN - gDp : 0;
    else prec = gN > 0 ? gN : 1;
  } else {
    let d = DA;
    if (a == 0) {
      d.nd = 0;
      d.dp = 0;
      d.trunc = false;
    } else {
      d.setF64(a);
    }
    if (fmt == 101 || fmt == 69) d.round(prec + 1);
    else if (fmt == 102) d.round(d.dp + prec);
    else {
      if (prec == 0) prec = 1;
      d.round(prec);
    }
    useDec(d);
  }
  if (fmt == 101 || fmt == 69) {
    emitE(sb, prec, fmt == 69);
  } else if (fmt == 102) {
    emitF(sb, prec);
  } else {
    // %g
    let eprec = prec;
    let nd = gN == 0 ? 1 : gN;
    if (eprec > nd && nd >= gDp) eprec = nd;
    if (shortestMode) eprec = 6;
    let exp = gDp - 1;
    if (gN == 0) exp = 0;
    if (exp < -4 || exp >= eprec) {
      let p = prec > nd ? nd : prec;
      emitE(sb, p - 1, fmt == 71);
    } else {
      let p = prec > gDp ? nd : prec;
      emitF(sb, p - gDp > 0 ? p - gDp : 0);
    }
  }
  return sb.toAsciiString();
}
