import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildEnvelope,
  checkEnvelope,
  DLQ_REASONS,
  ENVELOPE_HEADERS,
  ENVELOPE_PATTERNS,
  EnvelopeError,
  NonceStore,
  parseEnvelope,
  REQUIRED_ENVELOPE_HEADERS,
  type Envelope,
  type RecordHeaders,
} from '../../src';

const ROOT = join(__dirname, '../../../..');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const PRODUCER = 'spiffe://dynamic.capital/ns/trading/sa/execution';
const T0 = 1_730_000_000_000;

const build = (overrides: Partial<Parameters<typeof buildEnvelope>[0]> = {}): Record<string, string> =>
  buildEnvelope(
    {
      idempotencyKey: 'fill:batch-1',
      traceparent: TRACEPARENT,
      ttlMs: 30_000,
      producer: PRODUCER,
      schemaRef: { kind: 'subject', subject: 'execution.event.fill.v1-value', version: 3 },
      ...overrides,
    },
    { clock: () => T0 },
  );

function envelopeError(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('expected an EnvelopeError');
}

describe('envelope headers (platform.state.envelope.v1)', () => {
  it('names and patterns are the contract’s', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/platform/state.envelope.v1.schema.json'), 'utf8')) as {
      properties: Record<string, { pattern?: string; $ref?: string }>;
      required: string[];
    };
    const defs = (JSON.parse(readFileSync(join(ROOT, 'schemas/shared/json/common.defs.schema.json'), 'utf8')) as { $defs: Record<string, { pattern: string }> })
      .$defs;
    expect([...ENVELOPE_HEADERS].sort()).toEqual(Object.keys(schema.properties).sort());
    expect([...REQUIRED_ENVELOPE_HEADERS].sort()).toEqual([...schema.required].sort());
    for (const header of ENVELOPE_HEADERS) {
      const p = schema.properties[header];
      const pattern = p?.pattern ?? defs[p?.$ref?.replace(/^.*\//, '') ?? '']?.pattern;
      expect(ENVELOPE_PATTERNS[header].source).toBe(pattern?.replace(/\//g, '\\/'));
    }
  });

  it('draws nonces from a pooled CSPRNG buffer: distinct, well-formed, across pool refills', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const nonce = build()['nonce'] ?? '';
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(1000);
    // a producer / schema_ref that passed before does not let a different, bad one through
    expect(envelopeError(() => build({ producer: PRODUCER + '/../x y' })).header).toBe('producer');
    expect(envelopeError(() => build({ schemaRef: 'not a ref' })).header).toBe('schema_ref');
    expect(build()['producer']).toBe(PRODUCER);
  });

  it('parses single Buffer headers on the fast path and still names non-UTF-8 and malformed ones', () => {
    const headers = build();
    const asBuffers: Record<string, Buffer> = {};
    for (const k in headers) asBuffers[k] = Buffer.from(headers[k] as string, 'utf8');
    expect(parseEnvelope(asBuffers).producer).toBe(PRODUCER);
    const latin1 = envelopeError(() => parseEnvelope({ ...asBuffers, idempotency_key: Buffer.from([0x66, 0xe9]) }));
    expect([latin1.header, latin1.problem]).toEqual(['idempotency_key', 'MALFORMED']);
    expect(latin1.message).toMatch(/UTF-8/);
    const accented = envelopeError(() => parseEnvelope({ ...asBuffers, idempotency_key: Buffer.from('fé', 'utf8') }));
    expect(accented.message).toMatch(/does not match/);
  });

  it('builds every required header with a fresh UUID and 128-bit base64url nonce, issued at the injected clock', () => {
    const a = build();
    const b = build();
    expect(Object.keys(a).sort()).toEqual([...REQUIRED_ENVELOPE_HEADERS].sort());
    expect(a['issued_at_ms']).toBe(String(T0));
    expect(a['ttl_ms']).toBe('30000');
    expect(a['schema_ref']).toBe('execution.event.fill.v1-value@3');
    expect(a['message_id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a['nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a['message_id']).not.toBe(b['message_id']);
    expect(a['nonce']).not.toBe(b['nonce']);
    const signed = build({ schemaRef: 'id:42', policyHash: 'a'.repeat(64), signature: 'ed25519:' + 'A'.repeat(86), messageId: a['message_id'] });
    expect(signed).toMatchObject({ schema_ref: 'id:42', policy_hash: 'a'.repeat(64), message_id: a['message_id'] });
  });

  it('refuses to build a malformed envelope, naming the header', () => {
    expect(envelopeError(() => build({ traceparent: '01-xyz' })).header).toBe('traceparent');
    expect(envelopeError(() => build({ producer: 'https://x' })).header).toBe('producer');
    expect(envelopeError(() => build({ ttlMs: 0 })).header).toBe('ttl_ms');
    expect(envelopeError(() => build({ idempotencyKey: 'has space' })).header).toBe('idempotency_key');
    expect(envelopeError(() => build({ schemaRef: 'execution.event.fill.v1@3' })).header).toBe('schema_ref');
  });

  it('parses what it builds, from strings, Buffers and repeated identical headers', () => {
    const headers = build({ policyHash: 'b'.repeat(64) });
    const asBuffers: RecordHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    const envelope = parseEnvelope({ ...asBuffers, nonce: [headers['nonce'] ?? '', Buffer.from(headers['nonce'] ?? '')], tracestate: 'x=1' });
    expect(envelope).toEqual({
      messageId: headers['message_id'],
      idempotencyKey: 'fill:batch-1',
      traceparent: TRACEPARENT,
      issuedAtMs: T0,
      ttlMs: 30_000,
      nonce: headers['nonce'],
      producer: PRODUCER,
      schemaRef: { kind: 'subject', subject: 'execution.event.fill.v1-value', version: 3 },
      policyHash: 'b'.repeat(64),
    });
    expect(parseEnvelope({ ...headers, schema_ref: 'id:7' }).schemaRef).toEqual({ kind: 'id', id: 7 });
  });

  it('rejects missing, malformed, ambiguous and non-UTF-8 headers with a typed error naming the header', () => {
    const headers = build();
    const noNonce = { ...headers };
    delete noNonce['nonce'];
    const missing = envelopeError(() => parseEnvelope(noNonce));
    expect([missing.header, missing.problem, missing.dlqReason]).toEqual(['nonce', 'MISSING', 'VALIDATION_FAILED']);
    expect(envelopeError(() => parseEnvelope({ ...headers, message_id: undefined })).problem).toBe('MISSING');
    const bad = envelopeError(() => parseEnvelope({ ...headers, issued_at_ms: '01' }));
    expect([bad.header, bad.problem]).toEqual(['issued_at_ms', 'MALFORMED']);
    expect(envelopeError(() => parseEnvelope({ ...headers, issued_at_ms: '9999999999999999' })).header).toBe('issued_at_ms'); // > 2^53
    expect(envelopeError(() => parseEnvelope({ ...headers, policy_hash: '' })).header).toBe('policy_hash');
    expect(envelopeError(() => parseEnvelope({ ...headers, signature: 'rsa:abc' })).header).toBe('signature');
    const twice = envelopeError(() => parseEnvelope({ ...headers, ttl_ms: ['1000', '2000'] }));
    expect([twice.header, twice.problem]).toEqual(['ttl_ms', 'AMBIGUOUS']);
    expect(envelopeError(() => parseEnvelope({ ...headers, producer: Buffer.from([0xff, 0xfe]) })).problem).toBe('MALFORMED');
  });
});

describe('checkEnvelope', () => {
  const envelope: Envelope = parseEnvelope(build());
  const never = (): boolean => false;

  it('accepts a fresh message within TTL and skew', () => {
    expect(checkEnvelope(envelope, { now: T0 + 1000, maxClockSkewMs: 5000, nonceSeen: never })).toEqual({ ok: true });
    expect(checkEnvelope(envelope, { now: T0 + 30_000, maxClockSkewMs: 0, nonceSeen: never })).toEqual({ ok: true }); // at the expiry instant
    expect(checkEnvelope(envelope, { now: T0 - 5000, maxClockSkewMs: 5000, nonceSeen: never })).toEqual({ ok: true }); // exactly at the skew bound
  });

  it('TTL_EXPIRED after issued_at + ttl, CLOCK_SKEW beyond the allowed skew', () => {
    expect(checkEnvelope(envelope, { now: T0 + 30_001, maxClockSkewMs: 5000, nonceSeen: never })).toMatchObject({ ok: false, reason: 'TTL_EXPIRED' });
    expect(checkEnvelope(envelope, { now: T0 - 5001, maxClockSkewMs: 5000, nonceSeen: never })).toMatchObject({ ok: false, reason: 'CLOCK_SKEW' });
  });

  it('NONCE_REPLAYED on the second delivery, with a nonce store; a rejected message does not burn its nonce', () => {
    let now = T0;
    const store = new NonceStore({ clock: () => now });
    const opts = (): Parameters<typeof checkEnvelope>[1] => ({ now, maxClockSkewMs: 5000, nonceSeen: (n, exp) => store.seen(n, exp) });
    now = T0 - 10_000; // too far in the future: rejected before the nonce is recorded
    expect(checkEnvelope(envelope, opts())).toMatchObject({ reason: 'CLOCK_SKEW' });
    now = T0 + 1;
    expect(checkEnvelope(envelope, opts())).toEqual({ ok: true });
    expect(checkEnvelope(envelope, opts())).toMatchObject({ ok: false, reason: 'NONCE_REPLAYED' });
    now = T0 + 30_001; // the nonce is forgotten after expiry; the message is TTL_EXPIRED anyway
    expect(checkEnvelope(envelope, opts())).toMatchObject({ reason: 'TTL_EXPIRED' });
    store.purge();
    expect(store.size).toBe(0);
  });

  it('requires and verifies signatures on signed contracts', () => {
    const signed = parseEnvelope(build({ policyHash: 'c'.repeat(64), signature: 'ed25519:' + 'A'.repeat(86) }));
    const base = { now: T0, maxClockSkewMs: 0, nonceSeen: never, requireSignature: true };
    expect(checkEnvelope(envelope, base)).toMatchObject({ reason: 'VALIDATION_FAILED' });
    expect(checkEnvelope({ ...envelope, policyHash: 'c'.repeat(64) }, base)).toMatchObject({ reason: 'SIGNATURE_INVALID' });
    expect(checkEnvelope(signed, { ...base, verifySignature: () => false })).toMatchObject({ reason: 'SIGNATURE_INVALID' });
    expect(checkEnvelope(signed, { ...base, verifySignature: () => true })).toEqual({ ok: true });
  });

  it('reason codes are members of platform.dlq.record.v1’s reason enum', () => {
    const dlq = JSON.parse(readFileSync(join(ROOT, 'schemas/platform/dlq.record.v1.schema.json'), 'utf8')) as { properties: { reason: { enum: string[] } } };
    expect([...DLQ_REASONS]).toEqual(dlq.properties.reason.enum);
  });
});

describe('NonceStore', () => {
  it('is bounded, and counts nonces evicted before their expiry', () => {
    let now = T0; // lru-cache treats a start time of 0 as "no TTL"
    const store = new NonceStore({ max: 2, clock: () => now });
    expect(store.seen('a', T0 + 1000)).toBe(false);
    expect(store.seen('b', T0 + 1000)).toBe(false);
    expect(store.seen('c', T0 + 1000)).toBe(false); // evicts a
    expect(store.size).toBe(2);
    expect(store.prematureEvictions).toBe(1);
    expect(store.seen('b', T0 + 1000)).toBe(true);
    now = T0 + 1001;
    expect(store.seen('b', T0 + 2000)).toBe(false); // expired, remembered again
  });

  it('sweeps expired nonces as new ones arrive: memory follows the live window, not the total', () => {
    let now = T0;
    const store = new NonceStore({ max: 1_000_000, clock: () => now });
    let replays = 0;
    for (let i = 0; i < 100_000; i++) {
      now = T0 + i; // one message per ms, each live for 1 s
      if (store.seen(`n${i}`, now + 1000)) replays++;
    }
    expect(replays).toBe(0);
    expect(store.size).toBeLessThanOrEqual(1002);
    expect(store.prematureEvictions).toBe(0);
    expect(store.seen('n99990', now + 1000)).toBe(true); // still live
  });

  it('at its bound it evicts the oldest live nonce per insert, counting each (steady state stays O(1))', () => {
    const now = T0;
    const store = new NonceStore({ max: 1000, clock: () => now });
    for (let i = 0; i < 200_000; i++) store.seen(`n${i}`, now + 60_000);
    expect(store.size).toBe(1000);
    expect(store.prematureEvictions).toBe(199_000);
    expect(store.seen('n199999', now + 60_000)).toBe(true);
    expect(store.seen('n198999', now + 60_000)).toBe(false); // evicted: a replay would go unnoticed (counted)
  });

  it('keeps nonces for a grace period beyond expiry and ignores already-expired ones', () => {
    let now = T0;
    const store = new NonceStore({ graceMs: 500, clock: () => now });
    expect(store.seen('x', T0 + 1000)).toBe(false);
    now = T0 + 1400;
    expect(store.seen('x', T0 + 1000)).toBe(true);
    expect(store.seen('old', T0 + 100)).toBe(false);
    expect(store.seen('old', T0 + 100)).toBe(false); // never stored: its message is expired
  });
});
