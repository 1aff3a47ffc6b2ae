/**
 * The schema-registry wire format.
 *
 * - magic byte 0: `0x00`, 4-byte big-endian schema id, payload (Confluent; what this SDK writes).
 * - magic byte 1: `0x01`, 16-byte schema GUID, payload (the GUID-prefixed framing newer Confluent
 *   serializers can write); read so that a consumer can name the schema, never written here.
 *
 * Decoding never copies: `payload` is a view of the input buffer.
 */
import { InvalidFrameError } from '../errors';

export const MAGIC_BYTE_ID = 0;
export const MAGIC_BYTE_GUID = 1;
/** Registry schema ids are positive signed 32-bit integers. */
export const MAX_SCHEMA_ID = 0x7fffffff;

export type DecodedFrame =
  { readonly kind: 'id'; readonly id: number; readonly payload: Buffer } | { readonly kind: 'guid'; readonly guid: string; readonly payload: Buffer };

export function isSchemaId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_SCHEMA_ID;
}

/** `0x00 | schemaId (uint32 BE) | payload`. Throws RangeError for an id outside 1..2^31-1. */
export function encodeFrame(schemaId: number, payload: Buffer): Buffer {
  if (!isSchemaId(schemaId)) throw new RangeError(`schema id must be an integer in 1..${MAX_SCHEMA_ID}, got ${String(schemaId)}`);
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = MAGIC_BYTE_ID;
  out.writeUInt32BE(schemaId, 1);
  payload.copy(out, 5);
  return out;
}

function guidString(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Reads a magic-byte-0 (schema id) or magic-byte-1 (GUID) frame; InvalidFrameError otherwise. */
export function decodeFrame(buf: Buffer): DecodedFrame {
  if (buf.length < 1) throw new InvalidFrameError('TOO_SHORT', 'empty value: expected a schema-registry wire-format frame');
  const magic = buf[0];
  if (magic === MAGIC_BYTE_ID) {
    if (buf.length < 5) throw new InvalidFrameError('TOO_SHORT', `frame of ${buf.length} bytes: magic byte 0 needs a 4-byte schema id`);
    const id = buf.readInt32BE(1);
    if (id < 1) throw new InvalidFrameError('INVALID_SCHEMA_ID', `frame names schema id ${id}; registry ids are 1..${MAX_SCHEMA_ID}`);
    return { kind: 'id', id, payload: buf.subarray(5) };
  }
  if (magic === MAGIC_BYTE_GUID) {
    if (buf.length < 17) throw new InvalidFrameError('TOO_SHORT', `frame of ${buf.length} bytes: magic byte 1 needs a 16-byte schema GUID`);
    return { kind: 'guid', guid: guidString(buf.subarray(1, 17)), payload: buf.subarray(17) };
  }
  throw new InvalidFrameError('UNKNOWN_MAGIC_BYTE', `unknown magic byte 0x${(magic ?? 0).toString(16).padStart(2, '0')}: expected 0x00 or 0x01`);
}
