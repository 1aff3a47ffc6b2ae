import { decodeFrame, encodeFrame, InvalidFrameError, MAX_SCHEMA_ID } from '../../src';

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidFrameError) return error.reason;
    throw error;
  }
  return undefined;
};

describe('Confluent wire format frames', () => {
  it('writes magic byte 0, the id as 4 bytes big-endian, then the payload', () => {
    const frame = encodeFrame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...frame]).toEqual([0, 1, 2, 3, 4, 0xaa, 0xbb]);
  });

  it.each([1, 255, 256, 65_536, MAX_SCHEMA_ID])('round trips id %d', (id) => {
    const payload = Buffer.from('hello');
    const decoded = decodeFrame(encodeFrame(id, payload));
    expect(decoded).toEqual({ kind: 'id', id, payload });
  });

  it('round trips an empty payload and returns a view, not a copy', () => {
    const frame = encodeFrame(7, Buffer.alloc(0));
    const decoded = decodeFrame(frame);
    expect(decoded.kind === 'id' && decoded.payload.length).toBe(0);
    const big = encodeFrame(9, Buffer.from('abc'));
    const view = decodeFrame(big).payload;
    expect(view.buffer).toBe(big.buffer);
  });

  it('rejects ids outside 1..2^31-1 on encode', () => {
    for (const id of [0, -1, MAX_SCHEMA_ID + 1, 1.5, Number.NaN]) expect(() => encodeFrame(id, Buffer.alloc(0))).toThrow(RangeError);
  });

  it('reads magic byte 1 frames with a 16-byte GUID', () => {
    const guid = Buffer.from('0192f5a47c3e7b9a9d2e5b8f0c1a2d3e', 'hex');
    const frame = Buffer.concat([Buffer.from([1]), guid, Buffer.from('{}')]);
    expect(decodeFrame(frame)).toEqual({ kind: 'guid', guid: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e', payload: Buffer.from('{}') });
  });

  it('rejects short buffers, unknown magic bytes and non-positive ids with a typed reason', () => {
    expect(reasonOf(() => decodeFrame(Buffer.alloc(0)))).toBe('TOO_SHORT');
    expect(reasonOf(() => decodeFrame(Buffer.from([0, 0, 0, 1])))).toBe('TOO_SHORT');
    expect(reasonOf(() => decodeFrame(Buffer.concat([Buffer.from([1]), Buffer.alloc(15)])))).toBe('TOO_SHORT');
    expect(reasonOf(() => decodeFrame(Buffer.from([2, 0, 0, 0, 1])))).toBe('UNKNOWN_MAGIC_BYTE');
    expect(reasonOf(() => decodeFrame(Buffer.from('{"a":1}')))).toBe('UNKNOWN_MAGIC_BYTE');
    expect(reasonOf(() => decodeFrame(Buffer.from([0, 0, 0, 0, 0])))).toBe('INVALID_SCHEMA_ID');
    expect(reasonOf(() => decodeFrame(Buffer.from([0, 0x80, 0, 0, 0])))).toBe('INVALID_SCHEMA_ID');
    try {
      decodeFrame(Buffer.from([5]));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFrameError);
      expect((error as InvalidFrameError).dlqReason).toBe('INVALID_FRAME');
    }
  });
});
