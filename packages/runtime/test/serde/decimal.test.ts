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
});
