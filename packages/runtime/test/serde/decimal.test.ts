import * as avro from 'avsc';
import { AVRO_LOGICAL_TYPES, formatDecimal, fromTwosComplement, parseDecimal, toTwosComplement } from '../../src';

describe('decimal logical type', () => {
  const spec = { precision: 18, scale: 8 };

  it('parses exact decimals to unscaled integers and rejects what would round or overflow', () => {
    expect(parseDecimal('1.5', spec)).toBe(150_000_000n);
    expect(parseDecimal('-0.00000001', spec)).toBe(-1n);
    expect(parseDecimal('0', spec)).toBe(0n);
    expect(parseDecimal('1.500000000000', spec)).toBe(150_000_000n); // trailing zeros beyond scale are exact
    expect(parseDecimal('1.000000001', spec)).toBeUndefined(); // would round
    expect(parseDecimal('9999999999.99999999', spec)).toBe(999_999_999_999_999_999n);
    expect(parseDecimal('10000000000', spec)).toBeUndefined(); // 19 digits > precision 18
    for (const bad of ['', '1.', '.5', '1e3', '+1', '1,5', ' 1', 'NaN']) expect(parseDecimal(bad, spec)).toBeUndefined();
  });

  it('formats with exactly scale fraction digits', () => {
    expect(formatDecimal(150_000_000n, 8)).toBe('1.50000000');
    expect(formatDecimal(-1n, 8)).toBe('-0.00000001');
    expect(formatDecimal(42n, 0)).toBe('42');
  });

  it('encodes minimal big-endian two’s complement (Avro spec / Java BigInteger.toByteArray)', () => {
    const cases: [bigint, number[]][] = [
      [0n, [0]],
      [1n, [1]],
      [-1n, [0xff]],
      [127n, [0x7f]],
      [128n, [0x00, 0x80]],
      [-128n, [0x80]],
      [-129n, [0xff, 0x7f]],
      [65_535n, [0x00, 0xff, 0xff]],
    ];
    for (const [n, bytes] of cases) {
      expect([...(toTwosComplement(n) ?? [])]).toEqual(bytes);
      expect(fromTwosComplement(Buffer.from(bytes))).toBe(n);
    }
    expect([...(toTwosComplement(-2n, 4) ?? [])]).toEqual([0xff, 0xff, 0xff, 0xfe]);
    expect(toTwosComplement(1n << 40n, 4)).toBeUndefined();
  });

  it('round trips through avsc on bytes and fixed, and fails validation for inexact values', () => {
    const bytes = avro.Type.forSchema({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 } as avro.Schema, { logicalTypes: AVRO_LOGICAL_TYPES });
    expect(bytes.fromBuffer(bytes.toBuffer('-12345.6789'))).toBe('-12345.67890000');
    // unscaled -1: one byte 0xff, after the zigzag length prefix 0x02
    expect(bytes.toBuffer('-0.00000001').toString('hex')).toBe('02ff');
    expect(bytes.isValid('0.000000001')).toBe(false);
    expect(bytes.isValid(1.5)).toBe(false);
    const fixed = avro.Type.forSchema({ type: 'fixed', name: 'D', size: 8, logicalType: 'decimal', precision: 18, scale: 2 } as avro.Schema, {
      logicalTypes: AVRO_LOGICAL_TYPES,
    });
    expect(fixed.toBuffer('-1.00').toString('hex')).toBe('ffffffffffffff9c');
    expect(fixed.fromBuffer(fixed.toBuffer('123.4'))).toBe('123.40');
  });

  // reference implementation: the plain BigInt arithmetic the fast paths must agree with
  const refBytes = (n: bigint): number[] => {
    let length = 1;
    while (n < -(1n << BigInt(8 * length - 1)) || n >= 1n << BigInt(8 * length - 1)) length++;
    let v = BigInt.asUintN(8 * length, n);
    const out: number[] = [];
    for (let i = 0; i < length; i++, v >>= 8n) out.unshift(Number(v & 0xffn));
    return out;
  };
  const MAX_SAFE = 9_007_199_254_740_991n; // 2^53 - 1: the last unscaled value of the Number fast path

  it('agrees with BigInt arithmetic across the fast/slow boundary (2^53 - 1), byte-length boundaries and signs', () => {
    const values: bigint[] = [MAX_SAFE - 1n, MAX_SAFE, MAX_SAFE + 1n, MAX_SAFE + 2n, 1n << 55n, (1n << 55n) - 1n, 1n << 63n, 10n ** 37n - 1n];
    for (let k = 1; k <= 9; k++) {
      const bound = 1n << BigInt(8 * k - 1);
      values.push(bound - 1n, bound, bound + 1n);
    }
    for (const v of [...values]) values.push(-v);
    const spec = { precision: 38, scale: 8 };
    const bytes = avro.Type.forSchema({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 8 } as avro.Schema, { logicalTypes: AVRO_LOGICAL_TYPES });
    const fixed = avro.Type.forSchema({ type: 'fixed', name: 'F', size: 16, logicalType: 'decimal', precision: 38, scale: 8 } as avro.Schema, {
      logicalTypes: AVRO_LOGICAL_TYPES,
    });
    for (const n of values) {
      const text = formatDecimal(n, 8);
      expect(parseDecimal(text, spec)).toBe(n);
      expect([...(toTwosComplement(n) ?? [])]).toEqual(refBytes(n));
      expect(fromTwosComplement(Buffer.from(refBytes(n)))).toBe(n);
      // through avsc: the length-prefixed minimal bytes, and the fixed sign-extended to 16 bytes
      const encoded = bytes.toBuffer(text);
      expect([...encoded.subarray(encoded.length - refBytes(n).length)]).toEqual(refBytes(n));
      expect(bytes.fromBuffer(encoded)).toBe(text);
      expect(fixed.toBuffer(text).toString('hex')).toBe(BigInt.asUintN(128, n).toString(16).padStart(32, '0'));
      expect(fixed.fromBuffer(fixed.toBuffer(text))).toBe(text);
      expect(bytes.isValid(text) && fixed.isValid(text)).toBe(true);
    }
  });

  it('reads non-minimal (sign-extended) bytes of any length, as other writers may send them', () => {
    expect(fromTwosComplement(Buffer.from('0000000000000000000001', 'hex'))).toBe(1n);
    expect(fromTwosComplement(Buffer.from('ffffffffffffffffffffff', 'hex'))).toBe(-1n);
    expect(fromTwosComplement(Buffer.from('00001fffffffffffff', 'hex'))).toBe(MAX_SAFE);
    expect(fromTwosComplement(Buffer.from('ffffe0000000000001', 'hex'))).toBe(-MAX_SAFE);
    expect(fromTwosComplement(Buffer.from('0020000000000000', 'hex'))).toBe(MAX_SAFE + 1n);
    expect(fromTwosComplement(Buffer.from('ffe0000000000000', 'hex'))).toBe(-MAX_SAFE - 1n);
    expect(fromTwosComplement(Buffer.alloc(0))).toBe(0n);
  });

  it('parses large, negative and edge-case texts exactly (precision counted on the unscaled value)', () => {
    const p18 = { precision: 18, scale: 8 };
    expect(parseDecimal('-9999999999.99999999', p18)).toBe(-999_999_999_999_999_999n);
    expect(parseDecimal('-10000000000', p18)).toBeUndefined();
    expect(parseDecimal('90071992.54740991', p18)).toBe(MAX_SAFE);
    expect(parseDecimal('90071992.54740992', p18)).toBe(MAX_SAFE + 1n);
    expect(parseDecimal('-90071992.54740993', p18)).toBe(-MAX_SAFE - 2n);
    expect(parseDecimal('-0', p18)).toBe(0n);
    expect(parseDecimal('-0.00000000000', p18)).toBe(0n);
    expect(parseDecimal('000000000000000000000000001.5', p18)).toBe(150_000_000n); // leading zeros are not digits
    expect(parseDecimal('0.00000001000000000000000000000', p18)).toBe(1n);
    expect(parseDecimal('0.000000010000000000000000000001', p18)).toBeUndefined();
    expect(parseDecimal('-1.5.5', p18)).toBeUndefined();
    expect(parseDecimal('--1', p18)).toBeUndefined();
    expect(parseDecimal('-', p18)).toBeUndefined();
    expect(parseDecimal('1.5 ', p18)).toBeUndefined();
    expect(parseDecimal('١', p18)).toBeUndefined(); // non-ASCII digit
    // precision 3, scale 2: 9.99 fits, 10.00 does not; 0.01 is 1 digit
    const p3 = { precision: 3, scale: 2 };
    expect(parseDecimal('9.99', p3)).toBe(999n);
    expect(parseDecimal('-9.99', p3)).toBe(-999n);
    expect(parseDecimal('10', p3)).toBeUndefined();
    expect(parseDecimal('0.01', p3)).toBe(1n);
    // large scale: zeros appended beyond 10^22 stay exact
    const wide = { precision: 38, scale: 30 };
    expect(parseDecimal('1', wide)).toBe(10n ** 30n);
    expect(parseDecimal('0.000000000000000000000000000001', wide)).toBe(1n);
    expect(parseDecimal('-12345678.1234567890123456789012345678912', wide)).toBeUndefined(); // 31 fraction digits
    expect(parseDecimal('-12345678.123456789012345678901234567891', wide)).toBe(-12345678123456789012345678901234567891n); // 38 digits, slow path
    expect(formatDecimal(-(10n ** 30n), 30)).toBe('-1.000000000000000000000000000000');
    expect(formatDecimal(-5, 3)).toBe('-0.005');
    expect(formatDecimal(MAX_SAFE, 0)).toBe('9007199254740991');
  });

  it('fixed: rejects a value that does not fit (validation lists it; write throws)', () => {
    const fixed = avro.Type.forSchema({ type: 'fixed', name: 'G', size: 4, logicalType: 'decimal', precision: 9, scale: 0 } as avro.Schema, {
      logicalTypes: AVRO_LOGICAL_TYPES,
    });
    expect(fixed.isValid('999999999')).toBe(true);
    expect(fixed.isValid('1000000000')).toBe(false);
    expect(fixed.fromBuffer(fixed.toBuffer('-999999999'))).toBe('-999999999');
    expect(() => fixed.toBuffer('1000000000')).toThrow();
    const paths: string[] = [];
    fixed.isValid('1.5', { errorHook: (path: string[]) => paths.push(path.join('.')) });
    expect(paths).toEqual(['']);
  });

  it('random(): valid values within precision, in the form a read returns, of both signs (bytes, fixed, records)', () => {
    const forSchema = (schema: unknown) => avro.Type.forSchema(schema as avro.Schema, { logicalTypes: AVRO_LOGICAL_TYPES });
    const types = [
      forSchema({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 }),
      forSchema({ type: 'bytes', logicalType: 'decimal', precision: 3, scale: 2 }),
      forSchema({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 0 }),
      // precision 9 is the most a fixed(4) holds: random bytes of the fixed's size must still fit
      forSchema({ type: 'fixed', name: 'R', size: 4, logicalType: 'decimal', precision: 9, scale: 3 }),
    ];
    for (const type of types) {
      const { precision, scale } = type as unknown as { precision: number; scale: number };
      const signs = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const value = type.random() as unknown as string;
        expect(typeof value).toBe('string');
        expect(type.isValid(value)).toBe(true);
        expect(type.fromBuffer(type.toBuffer(value))).toBe(value);
        const digits = value
          .replace(/^-/, '')
          .replace('.', '')
          .replace(/^0+(?=\d)/, '');
        expect(digits.length).toBeLessThanOrEqual(Math.max(precision, scale + 1));
        if (scale > 0) expect(value).toMatch(new RegExp(`^-?\\d+\\.\\d{${scale}}$`));
        else expect(value).toMatch(/^-?\d+$/);
        signs.add(value.startsWith('-') ? '-' : '+');
      }
      expect([...signs].sort()).toEqual(['+', '-']);
    }
    const record = forSchema({
      type: 'record',
      name: 'Priced',
      fields: [
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 } },
        { name: 'fees', type: { type: 'array', items: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 } } },
        { name: 'limit', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 }], default: null },
      ],
    });
    for (let i = 0; i < 100; i++) {
      const value: unknown = record.random();
      expect(record.isValid(value)).toBe(true);
      expect(JSON.stringify(record.fromBuffer(record.toBuffer(value)))).toBe(JSON.stringify(value));
    }
  });

  it('a truncated or corrupt decimal payload does not decode', () => {
    const bytes = avro.Type.forSchema({ type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 } as avro.Schema, { logicalTypes: AVRO_LOGICAL_TYPES });
    const encoded = bytes.toBuffer('12345.6789');
    expect(() => bytes.fromBuffer(encoded.subarray(0, encoded.length - 1))).toThrow();
    expect(() => bytes.fromBuffer(Buffer.from([0x01]))).toThrow(); // negative length
  });
});
