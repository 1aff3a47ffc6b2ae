/**
 * Envelope header values checked character by character, on strings (the producer's input) and
 * on bytes (one Buffer per header, as kafkajs hands them to the consumer). Each predicate accepts
 * only values that match the header's pattern in ENVELOPE_PATTERNS; whatever it does not accept
 * goes through the regex, which also words the error. Why not the regex alone: a RegExp test of a
 * freshly made string (every message id, nonce, key and traceparent is one) costs several times
 * this loop. Every pattern admits ASCII only, so the latin1 reading of accepted bytes is their
 * UTF-8 text. The envelope tests check these against the patterns on valid and mutated values.
 */

/** A header value: its text, or its bytes. */
export type HeaderText = string | Buffer;

const HEX = 1; // [0-9a-f]
const BASE64URL = 2; // [A-Za-z0-9_-]
const KEY = 4; // [A-Za-z0-9._:-]
const DIGIT = 8; // [0-9]

const CLASS = new Uint8Array(256);
const mark = (chars: string, bit: number): void => {
  for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)] = (CLASS[chars.charCodeAt(i)] as number) | bit;
};
const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
mark(DIGITS + 'abcdef', HEX);
mark(LETTERS + DIGITS + '_-', BASE64URL);
mark(LETTERS + DIGITS + '._:-', KEY);
mark(DIGITS, DIGIT);

const DASH = 45;
const ZERO = 48;

/** Character code (string) or byte (Buffer) at i; a code past 255 is in no class. */
function codeAt(t: HeaderText, i: number): number {
  return typeof t === 'string' ? t.charCodeAt(i) : (t[i] as number);
}

function all(t: HeaderText, from: number, to: number, bit: number): boolean {
  for (let i = from; i < to; i++) {
    const c = codeAt(t, i);
    if (c > 255 || ((CLASS[c] as number) & bit) === 0) return false;
  }
  return true;
}

const run = (t: HeaderText, min: number, max: number, bit: number): boolean => t.length >= min && t.length <= max && all(t, 0, t.length, bit);

/** message_id: a lower-case UUID. */
export function isMessageId(t: HeaderText): boolean {
  if (t.length !== 36 || codeAt(t, 8) !== DASH || codeAt(t, 13) !== DASH || codeAt(t, 18) !== DASH || codeAt(t, 23) !== DASH) return false;
  return all(t, 0, 8, HEX) && all(t, 9, 13, HEX) && all(t, 14, 18, HEX) && all(t, 19, 23, HEX) && all(t, 24, 36, HEX);
}

/** traceparent: 00-<32 hex>-<16 hex>-<2 hex>. */
export function isTraceparent(t: HeaderText): boolean {
  if (t.length !== 55 || codeAt(t, 0) !== ZERO || codeAt(t, 1) !== ZERO || codeAt(t, 2) !== DASH || codeAt(t, 35) !== DASH || codeAt(t, 52) !== DASH)
    return false;
  return all(t, 3, 35, HEX) && all(t, 36, 52, HEX) && all(t, 53, 55, HEX);
}

export const isIdempotencyKey = (t: HeaderText): boolean => run(t, 1, 128, KEY);
export const isNonce = (t: HeaderText): boolean => run(t, 22, 86, BASE64URL);
export const isPolicyHash = (t: HeaderText): boolean => run(t, 64, 64, HEX);

/**
 * A decimal integer of 1 to `maxDigits` digits without a leading zero ("0" itself only when
 * `zero`) that is a safe integer, or -1.
 */
export function decimalValue(t: HeaderText, maxDigits: number, zero: boolean): number {
  const n = t.length;
  if (n === 0 || n > maxDigits) return -1;
  if (codeAt(t, 0) === ZERO) return zero && n === 1 ? 0 : -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = codeAt(t, i);
    if (c > 255 || ((CLASS[c] as number) & DIGIT) === 0) return -1;
    v = v * 10 + (c - ZERO);
  }
  // exact while below 2^53; past it the rounded value stays past it
  return v <= Number.MAX_SAFE_INTEGER ? v : -1;
}

/** One remembered header value: its bytes and what they were read as. */
export class LastValue<T> {
  private bytes: Buffer | undefined;
  private value: T | undefined;

  /** The value read from the same bytes last time, if these are the same bytes. */
  get(b: Buffer): T | undefined {
    const last = this.bytes;
    if (last === undefined || last.length !== b.length) return undefined;
    for (let i = 0; i < b.length; i++) if (last[i] !== b[i]) return undefined;
    return this.value;
  }

  /** Remembers `value` as the reading of `b` (copied: the caller's buffer may be reused). */
  set(b: Buffer, value: T): T {
    this.bytes = Buffer.from(b);
    this.value = value;
    return value;
  }
}
