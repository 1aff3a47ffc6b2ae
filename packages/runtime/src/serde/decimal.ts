/**
 * Avro `decimal` logical type (on `bytes` or `fixed`) mapped to exact decimal strings.
 *
 * Write: a string `-?digits[.digits]` whose fraction has at most `scale` significant digits (extra
 * trailing zeros are fine, anything that would round is rejected) and whose unscaled value has at
 * most `precision` digits, stored as the unscaled value's minimal big-endian two's complement
 * (`fixed`: sign-extended to the fixed size). Read: the string with exactly `scale` fraction
 * digits (`"1.5"` written at scale 8 reads back as `"1.50000000"`), the value Avro holds.
 */
import * as avro from 'avsc';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export interface DecimalSpec {
  readonly precision: number;
  readonly scale: number;
}

/** Powers of ten that are exact doubles (10^22 is the last one). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO_32 = 0x1_0000_0000;
/** LIMIT[k]: 2^(8k-1), the exclusive bound of a k-byte two's complement (k <= 7 covers every safe integer). */
const LIMIT: readonly number[] = Array.from({ length: 8 }, (_, k) => (k === 0 ? 0 : 2 ** (8 * k - 1)));

/**
 * Result of the fast scan that the BigInt path must decide (the unscaled value may exceed 2^53 - 1).
 * This and the scan/read/write helpers below are exported for the compiled codec (./compiled), not
 * from the package.
 */
export const SLOW = Symbol('slow');

/**
 * One pass over `text` with Number arithmetic: the unscaled value when it is a safe integer
 * (|v| <= 2^53 - 1), undefined when `text` is not an exact decimal that fits `spec` (same answer as
 * the regex/BigInt path), SLOW when the value is valid-looking but too large for a double to hold
 * exactly. Every step is exact: accumulated values only grow, so once one exceeds 2^53 - 1 the
 * rounded result is >= 2^53 too and `Number.isSafeInteger` sends it to the BigInt path.
 */
export function scanDecimal(text: string, precision: number, scale: number): number | undefined | typeof SLOW {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (length > 0 && text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  let n = 0;
  let intDigits = 0; // integer-part digits after leading zeros
  const intStart = i;
  for (; i < length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    if (intDigits > 0 || d !== 0) {
      intDigits++;
      n = n * 10 + d;
    }
  }
  if (i === intStart) return undefined; // no integer digits
  let fracSignificant = 0; // fraction digits up to the last non-zero one
  let fracLeadingZeros = 0; // zeros before the first non-zero fraction digit
  if (i < length) {
    if (text.charCodeAt(i) !== 46 /* . */) return undefined;
    i++;
    const fracStart = i;
    let pendingZeros = 0;
    for (; i < length; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (d === 0) pendingZeros++;
      else {
        if (fracSignificant === 0) fracLeadingZeros = pendingZeros;
        fracSignificant += pendingZeros + 1;
        if (fracSignificant > scale) return undefined; // would round
        n = n * (POW10[pendingZeros + 1] as number) + d;
        pendingZeros = 0;
      }
    }
    if (i === fracStart) return undefined; // "1."
  }
  // digits of the unscaled value (int digits + fraction padded to scale, leading zeros dropped)
  const digits = intDigits > 0 ? intDigits + scale : fracSignificant > 0 ? scale - fracLeadingZeros : 0;
  if (digits > precision) return undefined;
  if (!Number.isSafeInteger(n)) return SLOW;
  const shift = scale - fracSignificant;
  if (shift > 0) {
    if (shift >= POW10.length) return n === 0 ? 0 : SLOW;
    n *= POW10[shift] as number;
    if (!Number.isSafeInteger(n)) return SLOW;
  }
  return negative && n !== 0 ? -n : n;
}

export function parseDecimalBig(text: string, spec: DecimalSpec): bigint | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign = '', int = '', frac = ''] = m;
  const significant = frac.replace(/0+$/, '');
  if (significant.length > spec.scale) return undefined;
  const digits = (int + significant.padEnd(spec.scale, '0')).replace(/^0+(?=\d)/, '');
  if (digits !== '0' && digits.length > spec.precision) return undefined;
  const unscaled = BigInt(digits);
  return sign === '-' ? -unscaled : unscaled;
}

/** The unscaled integer of `text` at `scale`, or undefined when it is not an exact decimal that fits. */
export function parseDecimal(text: string, spec: DecimalSpec): bigint | undefined {
  const fast = scanDecimal(text, spec.precision, spec.scale);
  if (fast === SLOW) return parseDecimalBig(text, spec);
  return fast === undefined ? undefined : BigInt(fast);
}

/** Whether `text` is an exact decimal that fits `spec` (no BigInt, no allocation on the fast path). */
export function isDecimal(text: string, spec: DecimalSpec): boolean {
  const fast = scanDecimal(text, spec.precision, spec.scale);
  return fast === SLOW ? parseDecimalBig(text, spec) !== undefined : fast !== undefined;
}

function formatDigits(negative: boolean, abs: string, scale: number): string {
  if (scale === 0) return negative ? `-${abs}` : abs;
  const digits = abs.length > scale ? abs : abs.padStart(scale + 1, '0');
  const cut = digits.length - scale;
  const body = `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return negative ? `-${body}` : body;
}

export function formatDecimal(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  return formatDigits(negative, (negative ? -unscaled : unscaled).toString(), scale);
}

/** Minimal byte length of `n`'s two's complement (a safe integer). */
export function safeByteLength(n: number): number {
  let k = 1;
  while (n < -(LIMIT[k] as number) || n >= (LIMIT[k] as number)) k++;
  return k;
}

/** Big-endian two's complement of a safe integer `n` into out[offset, offset + length) (length >= its minimal length). */
export function writeSafe(out: Buffer, offset: number, n: number, length: number): void {
  // hi: n / 2^32 floored (carries the sign, |hi| <= 2^21), lo: the low 32 bits as an unsigned value
  const hi = Math.floor(n / TWO_32);
  const lo = n - hi * TWO_32;
  for (let k = 0, i = offset + length - 1; i >= offset; k++, i--) {
    out[i] = k < 4 ? (lo >>> (8 * k)) & 0xff : k < 8 ? (hi >> (8 * (k - 4))) & 0xff : (hi >> 31) & 0xff;
  }
}

/** Minimal big-endian two's complement of `n`; `size` sign-extends to that many bytes (undefined if it does not fit). */
export function toTwosComplement(n: bigint | number, size?: number): Buffer | undefined {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n)) throw new RangeError(`toTwosComplement: ${n} is not a safe integer (pass a bigint)`);
    const minimal = safeByteLength(n);
    if (size !== undefined && minimal > size) return undefined;
    const length = size ?? minimal;
    const out = Buffer.allocUnsafe(length);
    writeSafe(out, 0, n, length);
    return out;
  }
  if (n >= -9_007_199_254_740_991n && n <= 9_007_199_254_740_991n) return toTwosComplement(Number(n), size);
  // bit length of n (n >= 0) or of ~n (n < 0): the value needs that many bits plus a sign bit
  const magnitude = n < 0n ? ~n : n;
  const hex = magnitude.toString(16);
  const bits = (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0] as string, 16)));
  let length = Math.floor(bits / 8) + 1;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  return Buffer.from(
    BigInt.asUintN(8 * length, n)
      .toString(16)
      .padStart(2 * length, '0'),
    'hex',
  );
}

/** The value of the big-endian two's complement buf[start, start + length) as a Number when it is a safe integer, else undefined. */
export function readSafe(buf: Buffer, start: number, length: number): number | undefined {
  if (length === 0) return 0;
  if (length <= 6) return buf.readIntBE(start, length);
  // leading sign-extension bytes (0x00 before a clear sign bit, 0xff before a set one) add nothing
  const end = start + length;
  while (end - start > 6 && ((buf[start] === 0 && (buf[start + 1] as number) < 0x80) || (buf[start] === 0xff && (buf[start + 1] as number) >= 0x80))) start++;
  length = end - start;
  if (length <= 6) return buf.readIntBE(start, length);
  if (length > 7) return undefined;
  // hi * 2^32 + lo is exact whenever the result is a safe integer (and is >= 2^53 in magnitude otherwise)
  const v = buf.readIntBE(start, 3) * TWO_32 + buf.readUInt32BE(start + 3);
  return Number.isSafeInteger(v) ? v : undefined;
}

export function readBig(buf: Buffer, start: number, length: number): bigint {
  return BigInt.asIntN(8 * length, BigInt(`0x${buf.toString('hex', start, start + length)}`));
}

export function fromTwosComplement(buf: Buffer): bigint {
  const fast = readSafe(buf, 0, buf.length);
  return fast === undefined ? readBig(buf, 0, buf.length) : BigInt(fast);
}

/** The parts of avsc's Tap the decimal type reads and writes through. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(n: number): void;
}

interface DecimalSchema {
  readonly precision?: unknown;
  readonly scale?: unknown;
}

/** Register as `logicalTypes: { decimal: DecimalType }` in `avro.Type.forSchema`. */
export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const { precision, scale = 0 } = schema as DecimalSchema;
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) throw new Error('decimal: precision must be a positive integer');
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision)
      throw new Error('decimal: scale must be an integer in 0..precision');
    const underlying = this.underlyingType;
    const typeName = underlying.typeName;
    if (typeName === 'fixed') {
      const size = (underlying as avro.types.FixedType).size;
      if (precision > Math.floor(Math.log10(2) * (8 * size - 1))) throw new Error(`decimal: precision ${precision} does not fit fixed(${size})`);
      this.fixedSize = size;
    } else if (typeName !== 'bytes') {
      throw new Error(`decimal: underlying type must be bytes or fixed, got ${String(typeName)}`);
    }
    this.precision = precision;
    this.scale = scale;
  }

  protected override _fromValue(val: unknown): string {
    if (!Buffer.isBuffer(val)) throw new Error('decimal: expected bytes');
    const fast = readSafe(val, 0, val.length);
    return formatDecimal(fast === undefined ? readBig(val, 0, val.length) : fast, this.scale);
  }

  /** avsc's read of the underlying bytes/fixed, without copying them out of the input first. */
  _read(tap: Tap): string {
    const length = this.fixedSize ?? tap.readLong();
    if (length < 0) throw new Error(`decimal: invalid byte length ${length}`);
    const start = tap.pos;
    tap.pos += length;
    if (tap.pos > tap.buf.length) throw new Error('decimal: truncated bytes');
    const fast = readSafe(tap.buf, start, length);
    return formatDecimal(fast === undefined ? readBig(tap.buf, start, length) : fast, this.scale);
  }

  /**
   * avsc's write of the underlying bytes/fixed: a safe unscaled value goes straight into the
   * output (avsc grows the buffer and writes again when `pos` ends past its end, as for its own
   * fixed writes); anything else takes the generic path (which throws on an invalid value).
   */
  _write(tap: Tap, any: unknown): void {
    const fast = typeof any === 'string' ? scanDecimal(any, this.precision, this.scale) : undefined;
    if (fast === undefined || fast === SLOW) {
      (this.underlyingType as unknown as { _write(tap: Tap, val: unknown): void })._write(tap, this._toValue(any));
      return;
    }
    const length = this.fixedSize ?? safeByteLength(fast);
    if (this.fixedSize === undefined) tap.writeLong(length);
    const start = tap.pos;
    tap.pos += length;
    if (tap.pos <= tap.buf.length) writeSafe(tap.buf, start, fast, length);
  }

  protected override _toValue(any: unknown): Buffer | undefined {
    if (typeof any !== 'string') return undefined;
    const fast = scanDecimal(any, this.precision, this.scale);
    if (fast === undefined) return undefined;
    if (fast !== SLOW) return toTwosComplement(fast, this.fixedSize);
    const unscaled = parseDecimalBig(any, this);
    return unscaled === undefined ? undefined : toTwosComplement(unscaled, this.fixedSize);
  }

  /**
   * Validation without building the bytes: a string that parses is always writable (the
   * constructor checked that `precision` digits fit a `fixed` of this size).
   */
  _check(any: unknown, _flags: unknown, hook?: (any: unknown, type: avro.Type) => void): boolean {
    if (typeof any === 'string' && isDecimal(any, this)) return true;
    if (hook) hook(any, this);
    return false;
  }

  /**
   * A random valid value, for generated test data (avsc's `Type.random()`; the inherited one would
   * decode random bytes of any length, which overflow `precision`): the underlying type's random
   * bytes, so avsc's generator decides it, taken modulo 10^precision as the unscaled value, negative
   * when the first byte is odd, in the form a read returns (exactly `scale` fraction digits).
   */
  override random(): avro.types.LogicalType {
    const bytes = this.underlyingType.random() as unknown as Buffer;
    const magnitude = bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`) % 10n ** BigInt(this.precision);
    const negative = bytes.length > 0 && ((bytes[0] as number) & 1) === 1;
    // avsc's typings declare random() as returning a Type; it returns a value of the type
    return formatDecimal(negative ? -magnitude : magnitude, this.scale) as unknown as avro.types.LogicalType;
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    // Avro: decimals resolve when scale (and precision, for us: the reader's bound) agree.
    if (type instanceof DecimalType) return type.scale === this.scale && type.precision <= this.precision ? (v) => v : undefined;
    // A writer of the same underlying type without (or with an unknown) logical type, e.g. a schema
    // a client exported without its logical-type attributes: read the bytes at the reader's scale,
    // as Java's resolution by underlying type does.
    if (type.typeName === this.underlyingType.typeName && (type.typeName === 'bytes' || type.equals(this.underlyingType))) return (v) => this._fromValue(v);
    return undefined;
  }

  protected override _export(attrs: avro.Schema): void {
    const out = attrs as { precision?: number; scale?: number };
    out.precision = this.precision;
    out.scale = this.scale;
  }
}
