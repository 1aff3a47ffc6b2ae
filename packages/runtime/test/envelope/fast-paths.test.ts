/**
 * The envelope's fast paths against their definitions: the character-by-character header checks
 * against the contract's patterns, the consumer's one-value caches, and the typed-array
 * NonceStore against a plain model of its rules under random operation sequences.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { buildEnvelope, ENVELOPE_PATTERNS, EnvelopeError, newTraceparent, NonceStore, parseEnvelope, type EnvelopeHeader } from '../../src';
import { decimalValue, isIdempotencyKey, isMessageId, isNonce, isPolicyHash, isTraceparent, type HeaderText } from '../../src/envelope/header-shapes';

/** A small deterministic PRNG (mulberry32): the sequences are reproducible from the seed in a failure message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES: [EnvelopeHeader, (t: HeaderText) => boolean, () => string][] = [
  ['message_id', isMessageId, () => randomUUID()],
  ['idempotency_key', isIdempotencyKey, () => `fill:${randomUUID()}.a_b-C`],
  ['traceparent', isTraceparent, () => newTraceparent()],
  ['nonce', isNonce, () => randomBytes(16 + Math.floor(Math.random() * 48)).toString('base64url')],
  ['policy_hash', isPolicyHash, () => randomBytes(32).toString('hex')],
];

/** Single-character edits of `text`: substitutions from a mix of in- and out-of-pattern characters, insertions, deletions. */
function mutations(text: string, random: () => number, n: number): string[] {
  const alphabet = '0aAfFgz9-_.:/ é\u0000\u00ff\u0100€';
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const i = Math.floor(random() * (text.length + 1));
    const c = alphabet[Math.floor(random() * alphabet.length)] as string;
    const kind = Math.floor(random() * 3);
    out.push(kind === 0 ? text.slice(0, i) + c + text.slice(i + 1) : kind === 1 ? text.slice(0, i) + c + text.slice(i) : text.slice(0, i) + text.slice(i + 1));
  }
  return out;
}

describe('header shapes agree with the contract patterns', () => {
  it.each(SHAPES)('%s: accepts valid values, and nothing the pattern rejects (strings and UTF-8 bytes)', (header, shape, make) => {
    const random = prng(header.length);
    for (let k = 0; k < 200; k++) {
      const valid = make();
      expect(ENVELOPE_PATTERNS[header].test(valid)).toBe(true);
      expect(shape(valid)).toBe(true);
      expect(shape(Buffer.from(valid))).toBe(true);
      for (const text of mutations(valid, random, 20)) {
        const expected = ENVELOPE_PATTERNS[header].test(text);
        // the fast path may only decline (the regex path then decides); here it is exact on these edits
        expect([header, text, shape(text)]).toEqual([header, text, expected]);
        expect([header, text, shape(Buffer.from(text, 'utf8'))]).toEqual([header, text, expected]);
      }
    }
  });

  it('decimalValue reads exactly the integers the ttl_ms and issued_at_ms patterns admit', () => {
    const cases = [
      '0',
      '1',
      '07',
      '60000',
      '9999999999',
      '10000000000',
      '9007199254740991',
      '9007199254740992',
      '9999999999999999',
      '',
      '-1',
      '1e3',
      '12a',
      ' 1',
      '１',
    ];
    for (const text of cases) {
      for (const [header, digits, zero] of [
        ['ttl_ms', 10, false],
        ['issued_at_ms', 16, true],
      ] as const) {
        const n = Number(text);
        const expected = ENVELOPE_PATTERNS[header].test(text) && Number.isSafeInteger(n) ? n : -1;
        expect([header, text, decimalValue(text, digits, zero)]).toEqual([header, text, expected]);
        expect([header, text, decimalValue(Buffer.from(text), digits, zero)]).toEqual([header, text, expected]);
      }
    }
  });
});

describe('parseEnvelope fast path', () => {
  const PRODUCER = 'spiffe://dynamic.capital/ns/trading/sa/execution';
  const wire = (headers: Record<string, string>): Record<string, Buffer> => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
  const build = (producer: string, schemaRef: string): Record<string, string> =>
    buildEnvelope({ idempotencyKey: randomUUID(), traceparent: newTraceparent(), ttlMs: 1000, producer, schemaRef, policyHash: 'ab'.repeat(32) });

  it('reads bytes and strings alike, and a changed producer or schema_ref is read again, not taken from the cache', () => {
    const a = build(PRODUCER, 'execution.event.fill.v1-value@3');
    const b = build(PRODUCER + '-2', 'id:42');
    for (const headers of [a, b, a, b]) {
      const fromBytes = parseEnvelope(wire(headers));
      expect(parseEnvelope(headers)).toEqual(fromBytes);
      expect(fromBytes.producer).toBe(headers['producer']);
      expect(fromBytes.messageId).toBe(headers['message_id']);
      expect(fromBytes.nonce).toBe(headers['nonce']);
      expect(fromBytes.issuedAtMs).toBe(Number(headers['issued_at_ms']));
      expect(fromBytes.policyHash).toBe('ab'.repeat(32));
    }
    expect(parseEnvelope(wire(b)).schemaRef).toEqual({ kind: 'id', id: 42 });
    expect(parseEnvelope(wire(a)).schemaRef).toEqual({ kind: 'subject', subject: 'execution.event.fill.v1-value', version: 3 });
  });

  it('rejects a malformed producer or schema_ref right after a good one was cached, naming the header', () => {
    const good = wire(build(PRODUCER, 'id:7'));
    parseEnvelope(good);
    const badProducer = { ...good, producer: Buffer.from(PRODUCER.replace('spiffe', 'spiffy')) };
    expect(() => parseEnvelope(badProducer)).toThrow(EnvelopeError);
    expect(() => parseEnvelope(badProducer)).toThrow(/producer/);
    const badRef = { ...good, schema_ref: Buffer.from('id:07') };
    expect(() => parseEnvelope(badRef)).toThrow(/schema_ref/);
    const nonAscii = { ...good, message_id: Buffer.from('0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3é') };
    expect(() => parseEnvelope(nonAscii)).toThrow(/message_id/);
  });

  it('without an idempotency key, the message id is the key', () => {
    const headers = buildEnvelope({ traceparent: newTraceparent(), ttlMs: 1000, producer: PRODUCER, schemaRef: 'id:1' });
    expect(headers['idempotency_key']).toBe(headers['message_id']);
    expect(ENVELOPE_PATTERNS.message_id.test(headers['message_id'] ?? '')).toBe(true);
  });

  it('hands out the cached schema_ref frozen', () => {
    const ref = parseEnvelope(wire(build(PRODUCER, 'id:9'))).schemaRef;
    expect(Object.isFrozen(ref)).toBe(true);
  });
});

/**
 * The NonceStore's rules written plainly, over a Map in arrival order: each call first drops up to
 * two expired nonces from the front (stopping at a live one); at the bound, every expired nonce
 * at the front, then the oldest ones (counted when still live).
 */
class ModelNonceStore {
  private readonly held = new Map<string, { until: number; partition: number; offset: number }>();
  prematureEvictions = 0;
  constructor(
    private readonly max: number,
    private readonly graceMs: number,
    private readonly clock: () => number,
  ) {}

  private sweep(now: number, limit: number): void {
    for (let k = 0; k < limit; k++) {
      const first = this.held.entries().next();
      if (first.done || first.value[1].until >= now) return;
      this.held.delete(first.value[0]);
    }
  }

  seen(nonce: string, expiresAtMs: number, partition = 0, offset = -1): boolean {
    const now = this.clock();
    this.sweep(now, 2);
    const found = this.held.get(nonce);
    if (found && found.until >= now) return offset < 0 || found.offset !== offset || found.partition !== partition;
    if (found) this.held.delete(nonce);
    const until = expiresAtMs + this.graceMs;
    if (until <= now) return false;
    if (this.held.size >= this.max) {
      this.sweep(now, Infinity);
      while (this.held.size >= this.max) {
        const [oldest, entry] = this.held.entries().next().value as [string, { until: number }];
        if (entry.until >= now) this.prematureEvictions++;
        this.held.delete(oldest);
      }
    }
    this.held.set(nonce, { until, partition, offset });
    return false;
  }

  /** Live nonces (the store may still hold expired ones it has not swept). */
  live(): string[] {
    const now = this.clock();
    return [...this.held].filter(([, e]) => e.until >= now).map(([n]) => n);
  }

  get size(): number {
    return this.held.size;
  }
}

describe('NonceStore against its model', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees on every answer over a random sequence (seed %i)', (seed) => {
    const random = prng(seed);
    let now = 1_730_000_000_000;
    const clock = (): number => now;
    const max = [1, 3, 50, 700, 5000][seed % 5] as number;
    const store = new NonceStore({ max, graceMs: 10, clock });
    const model = new ModelNonceStore(max, 10, clock);
    // a pool of nonces, so repeats happen: the runtime's 22-character ones and other valid lengths
    const pool = Array.from({ length: max * 3 + 5 }, (_, i) =>
      i % 7 === 3 ? randomBytes(24 + (i % 30)).toString('base64url') : randomBytes(16).toString('base64url'),
    );
    for (let step = 0; step < 20_000; step++) {
      now += Math.floor(random() * 3);
      const nonce = pool[Math.floor(random() * pool.length)] as string;
      const ttl = Math.floor(random() * 400);
      const partition = Math.floor(random() * 2);
      const offset = random() < 0.2 ? -1 : Math.floor(random() * 4);
      const answer = store.seen(nonce, now + ttl - 50, partition, offset);
      const expected = model.seen(nonce, now + ttl - 50, partition, offset);
      if (answer !== expected) throw new Error(`seed ${seed}, step ${step}: seen(${nonce}) = ${answer}, model says ${expected}`);
      if (store.size !== model.size) throw new Error(`seed ${seed}, step ${step}: holds ${store.size}, model ${model.size}`);
      if (step % 1000 === 999) {
        // live nonces are all remembered (as replays without a position)
        for (const n of model.live()) expect(store.seen(n, now + 1, 0, -1) && model.seen(n, now + 1, 0, -1)).toBe(true);
      }
    }
    expect(store.prematureEvictions).toBe(model.prematureEvictions);
    store.purge();
    expect(store.size).toBe(model.live().length);
  });

  it('grows from a small start to its bound and keeps every live nonce across the growth', () => {
    const now = 1_730_000_000_000;
    const store = new NonceStore({ max: 50_000, clock: () => now });
    const nonces = Array.from({ length: 50_000 }, () => randomBytes(16).toString('base64url'));
    for (const n of nonces) expect(store.seen(n, now + 1000)).toBe(false);
    expect(store.size).toBe(50_000);
    expect(nonces.every((n) => store.seen(n, now + 1000))).toBe(true);
    expect(store.prematureEvictions).toBe(0);
  });

  it('a redelivery of the same record is not a replay; the same nonce on another record is', () => {
    const now = 1_730_000_000_000;
    const store = new NonceStore({ clock: () => now });
    const nonce = randomBytes(16).toString('base64url');
    expect(store.seen(nonce, now + 1000, 2, 17)).toBe(false);
    expect(store.seen(nonce, now + 1000, 2, 17)).toBe(false);
    expect(store.seen(nonce, now + 1000, 2, 18)).toBe(true);
    expect(store.seen(nonce, now + 1000, 3, 17)).toBe(true);
    expect(store.seen(nonce, now + 1000)).toBe(true);
  });
});
