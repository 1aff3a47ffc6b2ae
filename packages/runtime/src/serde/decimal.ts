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

/** The unscaled integer of `text` at `scale`, or undefined when it is not an exact decimal that fits. */
export function parseDecimal(text: string, spec: DecimalSpec): bigint | undefined {
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

export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const body = scale === 0 ? int : `${int}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${body}` : body;
}

/** Minimal big-endian two's complement of `n`; `size` sign-extends to that many bytes (undefined if it does not fit). */
export function toTwosComplement(n: bigint, size?: number): Buffer | undefined {
  let length = 1;
  while (n < -(1n << BigInt(8 * length - 1)) || n >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  let v = BigInt.asUintN(8 * length, n);
  const out = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function fromTwosComplement(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  let v = 0n;
  for (const byte of buf) v = (v << 8n) | BigInt(byte);
  return BigInt.asIntN(8 * buf.length, v);
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
    return formatDecimal(fromTwosComplement(val), this.scale);
  }

  protected override _toValue(any: unknown): Buffer | undefined {
    if (typeof any !== 'string') return undefined;
    const unscaled = parseDecimal(any, this);
    return unscaled === undefined ? undefined : toTwosComplement(unscaled, this.fixedSize);
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
