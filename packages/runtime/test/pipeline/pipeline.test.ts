/**
 * Producer -> Kafka -> consumer over real components: librdkafka's mock cluster (Kafka protocol),
 * this repository's registry server (in-process, embedded store in a temp dir) and Redis at
 * 127.0.0.1:6379 (own key prefix, cleaned up). Set-up in ./setup.ts.
 */
import { randomUUID } from 'node:crypto';
import { Registry, type Gauge } from 'prom-client';
import {
  buildEnvelope,
  encodeFrame,
  HaltedError,
  HaltSwitch,
  redisDedupeStore,
  ValidationError,
  type ContractConsumer,
  type ContractDefinition,
  type ContractProducer,
  type HaltIntent,
  type IncomingRecord,
  type TransportProducer,
} from '../../src';
import { sleep, waitFor } from '../kafka/helpers';
import { FILL, fill, HALT, PRODUCER_ID, startPipeline, text, type ConsumerOverrides, type Fill, type Pipeline } from './setup';

let pipeline: Pipeline | undefined;
const h = (): Pipeline => {
  if (!pipeline) throw new Error('the pipeline did not start');
  return pipeline;
};

beforeAll(async () => {
  pipeline = await startPipeline({ name: 'pipeline', brokers: 1, redis: true });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
});

const contract = (name: string, tag: string, partitions = 1, keyField: string | null = null): Promise<ContractDefinition> =>
  h().contract(name, tag, partitions, keyField);
const producer = <T>(def: ContractDefinition, halt = new HaltSwitch()): ContractProducer<T> => h().producer<T>(def, { halt });
const consumer = <T>(def: ContractDefinition, options: ConsumerOverrides<T>): Promise<ContractConsumer> => h().consumer<T>(def, options);
const readDlq = (def: ContractDefinition, count: number): Promise<IncomingRecord[]> => h().readDlq(def, count);

test('a contract produced and consumed: values equal; an invalid value throws every failing path before anything is sent', async () => {
  const def = await contract(FILL, 'roundtrip', 2, 'order_id');
  const p = producer<Fill>(def);
  const sent = [fill(1), fill(2), fill(3)];
  for (const v of sent) await p.send(v, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });

  const invalid = { ...fill(4), side: 'SIDEWAYS', batch_sequence: 'one' };
  const error: unknown = await p.send(invalid).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['/batch_sequence', '/side']);

  const received: { value: Fill; record: IncomingRecord }[] = [];
  const c = await consumer<Fill>(def, { handler: (value, ctx) => void received.push({ value, record: ctx.record }) });
  await waitFor(() => received.length >= 3, 20_000, '3 fills');
  await sleep(300);
  expect(received).toHaveLength(3);
  const byOrder = (a: Fill, b: Fill) => String(a['order_id']).localeCompare(String(b['order_id']));
  expect(received.map((r) => r.value).sort(byOrder)).toEqual([...sent].sort(byOrder));
  for (const { value, record } of received) {
    expect(text(record.key ?? undefined)).toBe(value['order_id']);
    expect(text(record.headers['traceparent'])).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(text(record.headers['producer'])).toBe(PRODUCER_ID);
  }
  expect(c.stats).toEqual({ processed: 3, failed: 0, retried: 0, deduped: 0, deadLettered: 0 });
});

test('poison records end in .dlq with their reason and original bytes; the consumer goes on; produced = processed + dead-lettered', async () => {
  const def = await contract(HALT, 'poison');
  const serdeProducer = producer<HaltIntent>(def);
  await serdeProducer.connect();
  const raw: TransportProducer = await h().clients.producer();
  const intent = (): HaltIntent => ({
    halt_id: randomUUID(),
    action: 'HALT',
    scope: 'AGENT',
    target: 'risk',
    releases_halt_id: null,
    reason: 'drill',
    issued_by: 'orchestrator',
    issued_at_ms: Date.now(),
    expires_at_ms: null,
  });
  const envelope = (over: { ttlMs?: number; clock?: () => number } = {}) =>
    buildEnvelope(
      {
        idempotencyKey: randomUUID(),
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        ttlMs: over.ttlMs ?? 60_000,
        producer: PRODUCER_ID,
        schemaRef: 'id:1',
      },
      over.clock ? { clock: over.clock } : {},
    );
  const goodFrame = Buffer.from(
    await (async () => {
      // a valid frame of this contract, to replay and to use with bad envelopes
      const id = await h().resolver.idFor(def.subject, def.schema);
      return encodeFrame(id, Buffer.from(JSON.stringify(intent())));
    })(),
  );
  const invalidValue = encodeFrame(
    await h().resolver.idFor(def.subject, def.schema),
    Buffer.from(JSON.stringify({ ...intent(), action: 'PAUSE', halt_id: 'x' })),
  );
  const replayed = envelope();
  const poison: { name: string; value: Buffer; headers: Record<string, string>; reason: string }[] = [
    { name: 'not a frame', value: Buffer.from('definitely not a frame'), headers: envelope(), reason: 'INVALID_FRAME' },
    { name: 'unknown id', value: encodeFrame(99_999, Buffer.from('{}')), headers: envelope(), reason: 'UNKNOWN_SCHEMA_ID' },
    { name: 'invalid', value: invalidValue, headers: envelope(), reason: 'VALIDATION_FAILED' },
    { name: 'expired', value: goodFrame, headers: envelope({ ttlMs: 1000, clock: () => Date.now() - 60_000 }), reason: 'TTL_EXPIRED' },
    { name: 'future', value: goodFrame, headers: envelope({ clock: () => Date.now() + 600_000 }), reason: 'CLOCK_SKEW' },
    { name: 'no envelope', value: goodFrame, headers: {}, reason: 'VALIDATION_FAILED' },
    { name: 'first', value: goodFrame, headers: replayed, reason: '' },
    { name: 'replay', value: goodFrame, headers: replayed, reason: 'NONCE_REPLAYED' },
  ];
  let produced = 0;
  await serdeProducer.send(intent());
  produced++;
  for (const [i, m] of poison.entries()) {
    await raw.send([{ topic: def.topic, key: `k${i}`, value: m.value, headers: { ...m.headers, 'x-test': m.name } }]);
    produced++;
    await serdeProducer.send(intent());
    produced++;
  }
  const handled: HaltIntent[] = [];
  const c = await consumer<HaltIntent>(def, { handler: (v) => void handled.push(v) });
  await waitFor(() => c.stats.processed + c.stats.deadLettered >= produced, 25_000, `${produced} records processed or dead-lettered`);
  await sleep(300);
  const expectedDead = poison.filter((m) => m.reason !== '');
  expect(c.stats.deadLettered).toBe(expectedDead.length);
  expect(c.stats.processed).toBe(produced - expectedDead.length);
  expect(c.stats.processed + c.stats.deadLettered).toBe(produced);
  expect(handled).toHaveLength(produced - expectedDead.length);

  const dlq = await readDlq(def, expectedDead.length);
  expect(dlq).toHaveLength(expectedDead.length);
  for (const [i, m] of poison.entries()) {
    if (m.reason === '') continue;
    const rec = dlq.find((r) => text(r.headers['x-test']) === m.name);
    expect(rec).toBeDefined();
    if (!rec) continue;
    expect({ name: m.name, reason: text(rec.headers['dlq_reason']) }).toEqual({ name: m.name, reason: m.reason });
    expect(rec.value?.equals(m.value)).toBe(true);
    expect(text(rec.key ?? undefined)).toBe(`k${i}`);
    for (const [h, v] of Object.entries(m.headers)) expect(text(rec.headers[h])).toBe(v);
    expect(text(rec.headers['dlq_original_topic'])).toBe(def.topic);
    expect(text(rec.headers['dlq_original_partition'])).toBe('0');
    expect(text(rec.headers['dlq_original_offset'])).toMatch(/^\d+$/);
    expect(text(rec.headers['dlq_consumer'])).toBe('risk');
    expect(text(rec.headers['dlq_error'])?.length).toBeGreaterThan(0);
  }
});

test('the same idempotency key twice: the handler runs once (in-memory store)', async () => {
  const def = await contract(FILL, 'dedupe-mem', 1, 'order_id');
  const p = producer<Fill>(def);
  await p.send(fill(1), { idempotencyKey: 'fill-key-1' });
  await p.send(fill(2), { idempotencyKey: 'fill-key-1' });
  await p.send(fill(3), { idempotencyKey: 'fill-key-2' });
  const calls: string[] = [];
  const c = await consumer<Fill>(def, { handler: (_v, ctx) => void calls.push(ctx.envelope.idempotencyKey) });
  await waitFor(() => c.stats.processed + c.stats.deduped >= 3, 20_000, '3 records');
  await sleep(300);
  expect(calls).toEqual(['fill-key-1', 'fill-key-2']);
  expect(c.stats).toMatchObject({ processed: 2, deduped: 1 });
});

test('with the Redis store, the same idempotency key is handled once across two consumer instances of one group', async () => {
  const def = await contract(FILL, 'dedupe-redis', 2, 'order_id');
  const calls: { instance: string; key: string }[] = [];
  const make = (instance: string) =>
    consumer<Fill>(def, {
      groupId: 'g-dedupe-redis',
      dedupe: redisDedupeStore(h().redis, h().redisPrefix, 60_000),
      handler: (_v, ctx) => void calls.push({ instance, key: ctx.envelope.idempotencyKey }),
    });
  const [a, b] = await Promise.all([make('a'), make('b')]);
  await Promise.all([a.joined(), b.joined()]);
  const p = producer<Fill>(def);
  const pairs = 12;
  const spread: number[][] = [];
  for (let i = 0; i < pairs; i++) {
    const first = await p.send(fill(i), { idempotencyKey: `pair-${i}` });
    const second = await p.send(fill(i), { idempotencyKey: `pair-${i}` });
    spread.push([first.partition, second.partition]);
  }
  // pairs whose two copies sit on different partitions reach different instances once assigned
  expect(spread.some(([x, y]) => x !== y)).toBe(true);
  await waitFor(() => a.stats.processed + a.stats.deduped + b.stats.processed + b.stats.deduped >= 2 * pairs, 30_000, 'every copy');
  await sleep(500);
  const keys = calls.map((c) => c.key).sort();
  expect(keys).toEqual([...new Set(keys)]);
  expect(keys).toHaveLength(pairs);
  expect(a.stats.processed + b.stats.processed).toBe(pairs);
  expect(a.stats.deduped + b.stats.deduped).toBeGreaterThanOrEqual(pairs);
  expect(a.stats.processed).toBeGreaterThan(0);
  expect(b.stats.processed).toBeGreaterThan(0);
  expect(await h().redis.exists(`${h().redisPrefix}g-dedupe-redis/${FILL}/pair-0`)).toBe(1);
});

test('a handler failing twice then succeeding is retried with full-jitter backoff and committed once; exhausted retries dead-letter', async () => {
  const def = await contract(FILL, 'retry', 1, 'order_id');
  const p = producer<Fill>(def);
  await p.send(fill(1), { idempotencyKey: 'flaky' });
  await p.send(fill(2), { idempotencyKey: 'broken' });
  const attempts: Record<string, number> = {};
  const sleeps: number[] = [];
  const metrics = new Registry();
  const c = await consumer<Fill>(def, {
    retry: { attempts: 3, baseMs: 40, maxMs: 60 },
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      await sleep(ms);
    },
    metrics,
    handler: (_v, ctx) => {
      const key = ctx.envelope.idempotencyKey;
      attempts[key] = (attempts[key] ?? 0) + 1;
      if (key === 'broken' || (attempts[key] ?? 0) <= 2) throw new Error(`${key} failed on attempt ${ctx.attempt}`);
    },
  });
  await waitFor(() => c.stats.processed + c.stats.deadLettered >= 2, 20_000, 'both records');
  await sleep(300);
  expect(attempts).toEqual({ flaky: 3, broken: 3 });
  // full jitter with random() = 0.5: half of min(maxMs, baseMs * 2^(retry-1))
  expect(sleeps).toEqual([20, 30, 20, 30]);
  expect(c.stats).toEqual({ processed: 1, failed: 5, retried: 4, deduped: 0, deadLettered: 1 });
  const [dead] = await readDlq(def, 1);
  expect(text(dead?.headers['dlq_reason'])).toBe('HANDLER_FAILED');
  expect(text(dead?.headers['dlq_attempts'])).toBe('3');
  expect(text(dead?.headers['dlq_error'])).toBe('broken failed on attempt 3');
  expect(await metrics.getSingleMetricAsString('contracts_consumer_retried_total')).toContain(
    'contracts_consumer_retried_total{contract="execution.event.fill.v1",agent="risk"} 4',
  );

  // committed once: the group's next consumer starts after both records
  await c.stop();
  await p.send(fill(3), { idempotencyKey: 'after' });
  const seen: string[] = [];
  const again = await consumer<Fill>(def, { handler: (_v, ctx) => void seen.push(ctx.envelope.idempotencyKey) });
  await waitFor(() => seen.length >= 1, 20_000, 'the record after');
  await sleep(500);
  expect(seen).toEqual(['after']);
  expect(again.stats.processed).toBe(1);
});

test('HALT pauses a busy consumer within 500 ms and the producer refuses; RELEASE resumes', async () => {
  const def = await contract(FILL, 'halt', 1, 'order_id');
  const haltDef = await contract(HALT, 'halt');
  const halt = new HaltSwitch();
  h().onClose({ stop: () => halt.close() });
  const listening = halt.listen({ transport: h().transport, resolver: h().resolver, definition: haltDef });
  const p = producer<Fill>(def, halt);
  const haltProducer = producer<HaltIntent>(haltDef, halt);
  const handledAt: number[] = [];
  const c = await consumer<Fill>(def, {
    halt,
    handler: async () => {
      handledAt.push(Date.now());
      await sleep(20);
    },
  });
  await Promise.all([listening, c.joined()]);

  // keep the consumer busy: a backlog and a steady stream
  let sent = 0;
  for (let i = 0; i < 40; i++) await p.send(fill(i)).then(() => sent++);
  let refused: unknown;
  const stream = (async () => {
    for (;;) {
      try {
        await p.send(fill(sent));
        sent++;
      } catch (error) {
        refused = error;
        return;
      }
      await sleep(10);
    }
  })();
  await waitFor(() => handledAt.length >= 5, 20_000, 'the consumer to be busy');

  const haltId = randomUUID();
  const base = { scope: 'GLOBAL', target: null, reason: 'drill', issued_by: 'user:ops', issued_at_ms: Date.now() } as const;
  await haltProducer.send({ ...base, halt_id: haltId, action: 'HALT', releases_halt_id: null, expires_at_ms: null });
  const haltSentAt = Date.now();
  await stream;
  expect(refused).toBeInstanceOf(HaltedError);
  await expect(p.send(fill(999))).rejects.toBeInstanceOf(HaltedError);
  await waitFor(() => c.paused, 2000, 'the consumer to pause');
  const handledBefore = handledAt.length;
  await sleep(1500);
  const late = handledAt.filter((t) => t > haltSentAt + 500);
  expect(late).toEqual([]);
  expect(handledAt.length).toBe(handledBefore);
  expect(c.stats.processed).toBeLessThan(sent);

  await haltProducer.send({ ...base, halt_id: randomUUID(), action: 'RELEASE', releases_halt_id: haltId, expires_at_ms: null, issued_at_ms: Date.now() });
  await waitFor(() => !c.paused, 2000, 'the consumer to resume');
  await p.send(fill(1000));
  sent++;
  await waitFor(() => c.stats.processed >= sent, 30_000, `all ${sent} records after the release`);
  expect(c.stats.processed).toBe(sent);
  expect(c.stats.deadLettered).toBe(0);
});

test('contracts_consumer_lag: records behind the high watermark per partition after each record; 0 once a backlog (before start, while halted) is handled', async () => {
  const def = await contract(FILL, 'lag', 2, 'order_id');
  const p = producer<Fill>(def);
  const produced = new Map<number, number>();
  const produce = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const { partition } = await p.send(fill(i));
      produced.set(partition, (produced.get(partition) ?? 0) + 1);
    }
  };
  await produce(0, 30);
  expect([...produced.keys()].sort()).toEqual([0, 1]);

  const metrics = new Registry();
  const lagOf = async (partition: number): Promise<number | undefined> => {
    const gauge = metrics.getSingleMetric('contracts_consumer_lag') as Gauge | undefined;
    return (await gauge?.get())?.values.find((v) => v.labels['partition'] === String(partition))?.value;
  };
  // per handler call: the gauge of its partition then (= the lag after the partition's previous record)
  const seen: { partition: number; offset: number; highWatermark: string | undefined; lagBefore: number | undefined }[] = [];
  const halt = new HaltSwitch();
  const c = await consumer<Fill>(def, {
    metrics,
    halt,
    handler: async (_v, ctx) => {
      const { partition, offset, highWatermark } = ctx.record;
      seen.push({ partition, offset: Number(offset), highWatermark, lagBefore: await lagOf(partition) });
    },
  });
  await waitFor(() => c.stats.processed >= 30, 20_000, 'the 30 records produced before the start');
  // the whole backlog was on the partitions before the first fetch: high watermark = records produced
  for (const [partition, count] of produced) {
    const mine = seen.filter((s) => s.partition === partition);
    expect(mine.map((s) => s.offset)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(mine.every((s) => s.highWatermark === String(count))).toBe(true);
    expect(mine.map((s) => s.lagBefore)).toEqual([undefined, ...Array.from({ length: count - 1 }, (_, i) => count - 1 - i)]);
    expect(await lagOf(partition)).toBe(0);
  }
  expect(await metrics.getSingleMetricAsString('contracts_consumer_lag')).toMatch(
    /contracts_consumer_lag\{contract="execution\.event\.fill\.v1",agent="risk",partition="0"\} 0/,
  );

  // halted: nothing is fetched, so the gauge keeps its last value while records pile up
  const haltId = randomUUID();
  const base = { reason: 'drill', issued_by: 'user:ops', issued_at_ms: Date.now(), expires_at_ms: null } as const;
  halt.apply({ ...base, halt_id: haltId, action: 'HALT', scope: 'AGENT', target: 'risk', releases_halt_id: null });
  await waitFor(() => c.paused, 2000, 'the consumer to pause');
  const before = new Map(produced);
  await produce(30, 60);
  await sleep(500);
  expect(c.stats.processed).toBe(30);
  expect(await lagOf(0)).toBe(0);

  seen.length = 0;
  halt.apply({ ...base, halt_id: randomUUID(), action: 'RELEASE', scope: 'AGENT', target: 'risk', releases_halt_id: haltId });
  await waitFor(() => c.stats.processed >= 60, 20_000, 'the 30 records produced while halted');
  for (const [partition, count] of produced) {
    const mine = seen.filter((s) => s.partition === partition);
    const first = before.get(partition) ?? 0;
    expect(mine.map((s) => s.offset)).toEqual(Array.from({ length: count - first }, (_, i) => first + i));
    expect(mine.every((s) => s.highWatermark === String(count))).toBe(true);
    // the first record after the release still sees the value from before the halt (0), then the
    // lag of the backlog counts down
    expect(mine.map((s) => s.lagBefore)).toEqual(mine.map((s, i) => (i === 0 ? 0 : count - s.offset)));
    expect(await lagOf(partition)).toBe(0);
  }
  expect(c.stats).toMatchObject({ processed: 60, deadLettered: 0 });
});
