/**
 * The envelope of platform.state.envelope.v1: one Kafka header per property, UTF-8 strings.
 * Header names and patterns are those of schemas/platform/state.envelope.v1.schema.json.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { EnvelopeError, type DlqReason } from '../errors';
import { decimalValue, isIdempotencyKey, isMessageId, isNonce, isPolicyHash, isTraceparent, LastValue, type HeaderText } from './header-shapes';

export const ENVELOPE_HEADERS = [
  'message_id',
  'idempotency_key',
  'traceparent',
  'issued_at_ms',
  'ttl_ms',
  'nonce',
  'producer',
  'schema_ref',
  'policy_hash',
  'signature',
] as const;
export type EnvelopeHeader = (typeof ENVELOPE_HEADERS)[number];
export const REQUIRED_ENVELOPE_HEADERS: readonly EnvelopeHeader[] = ENVELOPE_HEADERS.slice(0, 8);

/** The schema's patterns, per header. */
export const ENVELOPE_PATTERNS: Readonly<Record<EnvelopeHeader, RegExp>> = {
  message_id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  idempotency_key: /^[A-Za-z0-9._:-]{1,128}$/,
  traceparent: /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
  issued_at_ms: /^(0|[1-9][0-9]{0,15})$/,
  ttl_ms: /^[1-9][0-9]{0,9}$/,
  nonce: /^[A-Za-z0-9_-]{22,86}$/,
  producer: /^spiffe:\/\/[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)+$/,
  schema_ref: /^([a-z][a-z0-9_]*\.(intent|event|state|audit|dlq)\.[a-z][a-z0-9_]*\.v[0-9]+-value@[1-9][0-9]{0,9}|id:[1-9][0-9]{0,9})$/,
  policy_hash: /^[0-9a-f]{64}$/,
  signature: /^(ed25519|ecdsa-p256-sha256):[A-Za-z0-9_-]{43,}$/,
};
const MAX_LENGTH: Partial<Record<EnvelopeHeader, number>> = { producer: 2048 };

export type SchemaRef = { readonly kind: 'subject'; readonly subject: string; readonly version: number } | { readonly kind: 'id'; readonly id: number };

export interface Envelope {
  readonly messageId: string;
  readonly idempotencyKey: string;
  readonly traceparent: string;
  /** UTC epoch milliseconds. */
  readonly issuedAtMs: number;
  /** Milliseconds (> 0). */
  readonly ttlMs: number;
  readonly nonce: string;
  /** SPIFFE ID of the producing workload. */
  readonly producer: string;
  readonly schemaRef: SchemaRef;
  readonly policyHash?: string;
  /** `<algorithm>:<base64url>`; verification is the signing layer's. */
  readonly signature?: string;
}

export function formatSchemaRef(ref: SchemaRef): string {
  return ref.kind === 'id' ? `id:${ref.id}` : `${ref.subject}@${ref.version}`;
}

export function parseSchemaRef(text: string): SchemaRef {
  if (!ENVELOPE_PATTERNS.schema_ref.test(text))
    throw new EnvelopeError('schema_ref', 'MALFORMED', `schema_ref ${JSON.stringify(text)} is not <subject>@<version> or id:<id>`);
  return schemaRefOf(text);
}

/** A schema_ref already checked against its pattern. */
function schemaRefOf(text: string): SchemaRef {
  if (text.startsWith('id:')) return { kind: 'id', id: Number(text.slice(3)) };
  const at = text.lastIndexOf('@');
  return { kind: 'subject', subject: text.slice(0, at), version: Number(text.slice(at + 1)) };
}

function check(header: EnvelopeHeader, value: string): string {
  const max = MAX_LENGTH[header];
  if (!ENVELOPE_PATTERNS[header].test(value) || (max !== undefined && value.length > max)) {
    const shown = value.length > 100 ? JSON.stringify(value.slice(0, 100)) + '...' : JSON.stringify(value);
    throw new EnvelopeError(header, 'MALFORMED', `envelope header ${header} = ${shown} does not match ${String(ENVELOPE_PATTERNS[header])}`);
  }
  return value;
}

export interface BuildEnvelopeInput {
  /** Default: the message id (a new message that nothing else deduplicates against). */
  readonly idempotencyKey?: string;
  readonly traceparent: string;
  readonly ttlMs: number;
  readonly producer: string;
  readonly schemaRef: SchemaRef | string;
  readonly policyHash?: string;
  readonly signature?: string;
  /** Keep the message id of an earlier attempt (a retry of the same produce); new UUID otherwise. */
  readonly messageId?: string;
}

export interface EnvelopeDeps {
  /** Epoch milliseconds (default Date.now). */
  readonly clock?: () => number;
  readonly randomUUID?: () => string;
  /** n random bytes (default: a pooled crypto.randomFillSync buffer). */
  readonly randomBytes?: (n: number) => Buffer;
}

/** Bytes of randomness of a nonce: 128 bits, 22 base64url characters. */
export const NONCE_BYTES = 16;

/**
 * CSPRNG bytes drawn 4 KiB at a time (one randomFillSync per 256 nonces instead of one
 * randomBytes call each). Every byte is handed out once: a draw is encoded to its string
 * immediately and the pool is refilled only after all of it was used.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** n fresh random bytes of the pool, encoded. */
function pooledRandom(n: number, encoding: 'base64url' | 'hex'): string {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += n;
  return pool.toString(encoding, start, poolOffset);
}

const pooledNonce = (): string => pooledRandom(NONCE_BYTES, 'base64url');

/**
 * A new W3C traceparent (version 00, sampled) with random trace and parent ids, for a message
 * sent outside any span. (All-zero ids, which W3C reserves, have probability 2^-64 and less.)
 */
export function newTraceparent(): string {
  const ids = pooledRandom(24, 'hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
}

/** The last producer, schema_ref and schema id that passed their checks (a match is valid too). */
let lastProducer: string | undefined;
let lastSchemaRef: string | undefined;
let lastIdRef: { readonly id: number; readonly text: string } | undefined;
/** Largest ttl_ms its pattern admits (10 digits). */
const MAX_TTL_MS = 9_999_999_999;

function schemaRefText(ref: SchemaRef | string): string {
  if (typeof ref === 'string') return ref === lastSchemaRef ? ref : (lastSchemaRef = check('schema_ref', ref));
  if (ref.kind === 'id' && lastIdRef !== undefined && lastIdRef.id === ref.id) return lastIdRef.text;
  const text = check('schema_ref', formatSchemaRef(ref));
  if (ref.kind === 'id') lastIdRef = { id: ref.id, text };
  return text;
}

/** The envelope headers of a new message; throws EnvelopeError naming the first bad input. */
export function buildEnvelope(input: BuildEnvelopeInput, deps: EnvelopeDeps = {}): Record<string, string> {
  const issuedAt = deps.clock === undefined ? Date.now() : deps.clock();
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0)
    throw new EnvelopeError('issued_at_ms', 'MALFORMED', `clock returned ${issuedAt}, expected epoch milliseconds`);
  const ttlMs = input.ttlMs;
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS)
    throw new EnvelopeError('ttl_ms', 'MALFORMED', `ttlMs must be an integer from 1 to ${MAX_TTL_MS}, got ${ttlMs}`);
  // crypto.randomUUID output, a pooled nonce and the decimal digits of a safe integer >= 0 match
  // their patterns by construction; injected or caller-provided values are checked
  const messageId = input.messageId ?? (deps.randomUUID ? deps.randomUUID() : undefined);
  const id = messageId === undefined ? randomUUID() : check('message_id', messageId);
  const key = input.idempotencyKey;
  const headers: Record<string, string> = {
    message_id: id,
    idempotency_key: key === undefined ? id : isIdempotencyKey(key) ? key : check('idempotency_key', key),
    traceparent: isTraceparent(input.traceparent) ? input.traceparent : check('traceparent', input.traceparent),
    issued_at_ms: String(issuedAt),
    ttl_ms: String(ttlMs),
    nonce: deps.randomBytes ? check('nonce', deps.randomBytes(NONCE_BYTES).toString('base64url')) : pooledNonce(),
    producer: input.producer === lastProducer ? input.producer : (lastProducer = check('producer', input.producer)),
    schema_ref: schemaRefText(input.schemaRef),
  };
  if (input.policyHash !== undefined) headers['policy_hash'] = check('policy_hash', input.policyHash);
  if (input.signature !== undefined) headers['signature'] = check('signature', input.signature);
  return headers;
}

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type RecordHeaders = Readonly<Record<string, HeaderValue>>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function headerText(headers: RecordHeaders, name: EnvelopeHeader): string | undefined {
  const raw = headers[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const texts = new Set<string>();
  for (const v of values) {
    if (typeof v === 'string') texts.add(v);
    else {
      try {
        texts.add(utf8.decode(v));
      } catch {
        throw new EnvelopeError(name, 'MALFORMED', `envelope header ${name} is not valid UTF-8`);
      }
    }
  }
  if (texts.size > 1) throw new EnvelopeError(name, 'AMBIGUOUS', `envelope header ${name} is repeated with ${texts.size} different values`);
  const [text] = texts;
  return text;
}

/**
 * Fast path of one header given once as a Buffer or string: every pattern admits ASCII only, so
 * a Buffer whose latin1 reading matches is ASCII, hence valid UTF-8 with the same text. Anything
 * else (repeated, non-ASCII, not matching, too long) returns undefined and takes the full path,
 * which reports the precise problem.
 */
function quickHeader(headers: RecordHeaders, name: EnvelopeHeader): string | undefined {
  const raw = headers[name];
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('latin1') : undefined;
  if (text === undefined || !ENVELOPE_PATTERNS[name].test(text)) return undefined;
  const max = MAX_LENGTH[name];
  return max !== undefined && text.length > max ? undefined : text;
}

function required(headers: RecordHeaders, name: EnvelopeHeader): string {
  const quick = quickHeader(headers, name);
  if (quick !== undefined) return quick;
  const text = headerText(headers, name);
  if (text === undefined) throw new EnvelopeError(name, 'MISSING', `envelope header ${name} is missing`);
  return check(name, text);
}

function optional(headers: RecordHeaders, name: EnvelopeHeader): string | undefined {
  if (headers[name] === undefined) return undefined;
  const quick = quickHeader(headers, name);
  if (quick !== undefined) return quick;
  const text = headerText(headers, name);
  return text === undefined ? undefined : check(name, text);
}

function safeInteger(name: EnvelopeHeader, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new EnvelopeError(name, 'MALFORMED', `envelope header ${name} = ${text} exceeds 2^53`);
  return n;
}

/** A header given once whose value `shape` accepts: its text (bytes read as latin1); else undefined. */
function quickText(headers: RecordHeaders, name: EnvelopeHeader, shape: (t: HeaderText) => boolean): string | undefined {
  const raw = headers[name];
  if (typeof raw === 'string') return shape(raw) ? raw : undefined;
  return Buffer.isBuffer(raw) && shape(raw) ? raw.toString('latin1') : undefined;
}

/** A required header's text: through `shape` when it accepts the value, else through the regex path (which words the error). */
function requiredText(headers: RecordHeaders, name: EnvelopeHeader, shape: (t: HeaderText) => boolean): string {
  return quickText(headers, name, shape) ?? required(headers, name);
}

/** An optional header's text, as requiredText reads it; undefined when absent. */
function optionalText(headers: RecordHeaders, name: EnvelopeHeader, shape: (t: HeaderText) => boolean): string | undefined {
  return headers[name] === undefined ? undefined : (quickText(headers, name, shape) ?? optional(headers, name));
}

function requiredInteger(headers: RecordHeaders, name: EnvelopeHeader, maxDigits: number, zero: boolean): number {
  const raw = headers[name];
  const n = typeof raw === 'string' || Buffer.isBuffer(raw) ? decimalValue(raw, maxDigits, zero) : -1;
  return n >= 0 ? n : safeInteger(name, required(headers, name));
}

/** A required header read through a one-value cache: a stream repeats its producer and schema_ref. */
function requiredCached<T>(headers: RecordHeaders, name: EnvelopeHeader, last: LastValue<T>, read: (text: string) => T): T {
  const raw = headers[name];
  if (!Buffer.isBuffer(raw)) return read(required(headers, name));
  return last.get(raw) ?? last.set(raw, read(required(headers, name)));
}

const lastProducerHeader = new LastValue<string>();
const lastSchemaRefHeader = new LastValue<SchemaRef>();
const same = (text: string): string => text;
// required() checked the pattern; the reading is shared by every envelope of the stream, hence frozen
const frozenSchemaRef = (text: string): SchemaRef => Object.freeze(schemaRefOf(text));

/**
 * The envelope of a record's headers (as kafkajs hands them over: Buffer, string or, for a
 * repeated header, an array). A header repeated with the same value is accepted; with different
 * values it is AMBIGUOUS. Headers other than the envelope's are ignored. Throws EnvelopeError
 * naming the header.
 */
export function parseEnvelope(headers: RecordHeaders): Envelope {
  const envelope: {
    -readonly [K in keyof Envelope]: Envelope[K];
  } = {
    messageId: requiredText(headers, 'message_id', isMessageId),
    idempotencyKey: requiredText(headers, 'idempotency_key', isIdempotencyKey),
    traceparent: requiredText(headers, 'traceparent', isTraceparent),
    issuedAtMs: requiredInteger(headers, 'issued_at_ms', 16, true),
    ttlMs: requiredInteger(headers, 'ttl_ms', 10, false),
    nonce: requiredText(headers, 'nonce', isNonce),
    producer: requiredCached(headers, 'producer', lastProducerHeader, same),
    schemaRef: requiredCached(headers, 'schema_ref', lastSchemaRefHeader, frozenSchemaRef),
  };
  const policyHash = optionalText(headers, 'policy_hash', isPolicyHash);
  if (policyHash !== undefined) envelope.policyHash = policyHash;
  const signature = optional(headers, 'signature');
  if (signature !== undefined) envelope.signature = signature;
  return envelope;
}

/** The reasons checkEnvelope rejects with: a subset of platform.dlq.record.v1's reason enum. */
export type EnvelopeRejection = Extract<DlqReason, 'TTL_EXPIRED' | 'CLOCK_SKEW' | 'NONCE_REPLAYED' | 'SIGNATURE_INVALID' | 'VALIDATION_FAILED'>;

export type EnvelopeCheck = { readonly ok: true } | { readonly ok: false; readonly reason: EnvelopeRejection; readonly message: string };

export interface CheckEnvelopeOptions {
  /** Consumer's clock, epoch milliseconds. */
  readonly now: number;
  /** How far issued_at_ms may be ahead of `now`. */
  readonly maxClockSkewMs: number;
  /**
   * Replay check: true when the nonce was seen before; otherwise it must remember it until
   * `expiresAtMs` (NonceStore.seen does both). Called only when every other check passed, so a
   * rejected message does not burn its nonce.
   */
  readonly nonceSeen: (nonce: string, expiresAtMs: number) => boolean;
  /** Signed (policy-gated) contract: signature and policy_hash are required. */
  readonly requireSignature?: boolean;
  /** Verifies the signature (the signing layer); absent = presence is checked only. */
  readonly verifySignature?: (envelope: Envelope) => boolean;
}

/**
 * Consumer-side checks, in order: CLOCK_SKEW (issued_at_ms > now + maxClockSkewMs), TTL_EXPIRED
 * (now > issued_at_ms + ttl_ms), VALIDATION_FAILED (policy_hash missing on a signed contract),
 * SIGNATURE_INVALID, NONCE_REPLAYED.
 */
export function checkEnvelope(envelope: Envelope, options: CheckEnvelopeOptions): EnvelopeCheck {
  const { now, maxClockSkewMs } = options;
  if (envelope.issuedAtMs > now + maxClockSkewMs) {
    return {
      ok: false,
      reason: 'CLOCK_SKEW',
      message: `issued_at_ms ${envelope.issuedAtMs} is ${envelope.issuedAtMs - now} ms ahead of now (allowed ${maxClockSkewMs} ms)`,
    };
  }
  const expiresAtMs = envelope.issuedAtMs + envelope.ttlMs;
  if (now > expiresAtMs) return { ok: false, reason: 'TTL_EXPIRED', message: `expired at ${expiresAtMs}, ${now - expiresAtMs} ms ago` };
  if (options.requireSignature) {
    if (envelope.policyHash === undefined) return { ok: false, reason: 'VALIDATION_FAILED', message: 'policy_hash header is required on this contract' };
    if (envelope.signature === undefined) return { ok: false, reason: 'SIGNATURE_INVALID', message: 'signature header is required on this contract' };
  }
  if (options.verifySignature && envelope.signature !== undefined && !options.verifySignature(envelope)) {
    return { ok: false, reason: 'SIGNATURE_INVALID', message: 'signature does not verify' };
  }
  if (options.nonceSeen(envelope.nonce, expiresAtMs)) return { ok: false, reason: 'NONCE_REPLAYED', message: `nonce ${envelope.nonce} was already seen` };
  return { ok: true };
}
