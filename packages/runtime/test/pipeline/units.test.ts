/** Producer, consumer, halt and dedupe logic over an in-memory transport (no broker): the edges. */
import {
  backoffMs,
  createConsumer,
  createProducer,
  defineContract,
  HaltedError,
  HaltSwitch,
  HandlerTimeoutError,
  InMemorySchemaResolver,
  memoryDedupeStore,
  ValidationError,
  type HaltIntent,
  type IncomingRecord,
  type OutgoingRecord,
  type RunOptions,
  type Transport,
} from '../../src';
import { contractSchema, fillEvent } from '../serde/contracts';

/** Records sent, and a way to deliver records to the running consumer's handler. */
function fakeTransport() {
  const sent: OutgoingRecord[] = [];
  let run: RunOptions | undefined;
  const pauses: string[] = [];
  const transport: Transport = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (r) => (sent.push(...r), r.map((x) => ({ topic: x.topic, partition: 0, baseOffset: String(sent.length - 1) }))),
    }),
    consumer: ({ groupId }) => ({
      groupId,
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (options) => void (run = options),
      joined: async () => undefined,
      pause: () => void pauses.push('pause'),
      resume: () => void pauses.push('resume'),
      paused: () => [],
      disconnect: async () => undefined,
    }),
  };
  const deliver = (record: OutgoingRecord, offset: number): Promise<void> => {
    if (!run) throw new Error('not running');
    const headerValues: Record<string, Buffer[]> = {};
    for (const [k, v] of Object.entries(record.headers ?? {})) headerValues[k] = (Array.isArray(v) ? v : [v]).map((x) => Buffer.from(x));
    const incoming: IncomingRecord = {
      topic: record.topic,
      partition: 0,
      offset: String(offset),
      timestamp: String(Date.now()),
      key: record.key === undefined || record.key === null ? null : Buffer.from(record.key),
      value: record.value,
      headers: Object.fromEntries(Object.entries(headerValues).map(([k, v]) => [k, v[v.length - 1] ?? Buffer.alloc(0)])),
      headerValues,
    };
    return run.handler(incoming);
  };
  return { transport, sent, deliver, pauses };
}

const FILL = defineContract({ name: 'execution.event.fill.v1', schema: contractSchema('execution.event.fill.v1'), keyField: 'order_id' });
const PRODUCER_ID = 'spiffe://dynamic.capital/agent/execution';
const halt = (over: Partial<HaltIntent>): HaltIntent => ({
  halt_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e',
  action: 'HALT',
  scope: 'GLOBAL',
  target: null,
  releases_halt_id: null,
  reason: 'drill',
  issued_by: 'user:ops',
  issued_at_ms: 0,
  expires_at_ms: null,
  ...over,
});

test('defineContract derives topic, dlq topic and subject', () => {
  expect(FILL).toMatchObject({
    topic: 'execution.event.fill.v1',
    dlqTopic: 'execution.event.fill.v1.dlq',
    subject: 'execution.event.fill.v1-value',
    format: 'AVRO',
  });
});

test('full-jitter backoff stays below min(maxMs, baseMs * 2^(retry-1))', () => {
  const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };
  expect([1, 2, 3, 4, 5].map((r) => backoffMs(policy, r, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
  expect(backoffMs(policy, 3, () => 0)).toBe(0);
});

test('HaltSwitch scopes, release and expiry', () => {
  let now = 1000;
  const s = new HaltSwitch({ clock: () => now });
  const changes: number[] = [];
  s.onChange(() => changes.push(now));
  const producer = { role: 'producer', agent: 'execution', contract: 'execution.event.fill.v1' } as const;
  const consumer = { role: 'consumer', agent: 'risk', contract: 'execution.event.fill.v1' } as const;
  s.apply(halt({ scope: 'CONTRACT', target: 'execution.event.fill.v1' }));
  expect([s.isHalted(producer), s.isHalted(consumer)]).toEqual([true, false]);
  s.apply(halt({ action: 'RELEASE', scope: 'CONTRACT', target: 'execution.event.fill.v1' }));
  s.apply(halt({ scope: 'AGENT', target: 'risk', expires_at_ms: 2000 }));
  expect([s.isHalted(producer), s.isHalted(consumer)]).toEqual([false, true]);
  now = 2000;
  expect(s.isHalted(consumer)).toBe(false);
  s.apply(halt({ scope: 'GLOBAL' }));
  expect([s.isHalted(producer), s.isHalted(consumer)]).toEqual([true, true]);
  expect(changes).toHaveLength(4);
  void s.close();
});

test('the producer refuses while halted and throws ValidationError before sending; the halt contract itself is never refused', async () => {
  const { transport, sent } = fakeTransport();
  const s = new HaltSwitch();
  const p = createProducer<Record<string, unknown>>(FILL, { transport, resolver: new InMemorySchemaResolver(), producerIdentity: PRODUCER_ID, halt: s });
  await expect(p.send({ ...fillEvent(), side: 'UP', fills: 'none' })).rejects.toBeInstanceOf(ValidationError);
  expect(sent).toHaveLength(0);
  s.apply(halt({}));
  await expect(p.send(fillEvent())).rejects.toBeInstanceOf(HaltedError);
  expect(sent).toHaveLength(0);
  const haltDef = defineContract({ name: 'system.halt.intent.v1', schema: contractSchema('system.halt.intent.v1') });
  const hp = createProducer<HaltIntent>(haltDef, { transport, resolver: new InMemorySchemaResolver(), producerIdentity: PRODUCER_ID, halt: s });
  await hp.send(halt({ action: 'RELEASE', releases_halt_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e' }));
  s.apply(halt({ action: 'RELEASE' }));
  const result = await p.send(fillEvent(), { idempotencyKey: 'k-1', ttlMs: 5000 });
  expect(result.idempotencyKey).toBe('k-1');
  expect(sent).toHaveLength(2);
  expect(sent[1]?.key).toBe(fillEvent()['order_id']);
  expect(sent[1]?.headers?.['ttl_ms']).toBe('5000');
  expect(String(sent[1]?.headers?.['traceparent'])).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
});

test('consumer: handler timeout counts as a failure; a redelivered record is not a nonce replay; pause/resume follow the switch', async () => {
  const { transport, sent, deliver, pauses } = fakeTransport();
  const resolver = new InMemorySchemaResolver();
  const s = new HaltSwitch();
  const p = createProducer<Record<string, unknown>>(FILL, { transport, resolver, producerIdentity: PRODUCER_ID, halt: s });
  await p.send(fillEvent());
  let calls = 0;
  const c = createConsumer<Record<string, unknown>>(FILL, {
    transport,
    resolver,
    groupId: 'g',
    agent: 'risk',
    halt: s,
    handlerTimeoutMs: 50,
    retry: { attempts: 2, baseMs: 1, maxMs: 1 },
    dedupe: memoryDedupeStore(),
    handler: async (_v, ctx) => {
      calls++;
      if (ctx.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 200));
    },
  });
  await c.start();
  const record = sent[0];
  if (!record) throw new Error('nothing sent');
  await deliver(record, 0);
  expect(calls).toBe(2);
  expect(c.stats).toMatchObject({ processed: 1, failed: 1, retried: 1 });
  // the same record again (redelivery after a lost commit): deduped, not NONCE_REPLAYED
  await deliver(record, 0);
  expect(c.stats).toMatchObject({ processed: 1, deduped: 1, deadLettered: 0 });
  // the same nonce at another offset is a replay
  await deliver(record, 1);
  expect(c.stats.deadLettered).toBe(1);
  expect(sent[1]?.headers?.['dlq_reason']).toBe('NONCE_REPLAYED');

  s.apply(halt({}));
  expect(c.paused).toBe(true);
  await expect(deliver(record, 2)).rejects.toBeInstanceOf(HaltedError);
  s.apply(halt({ action: 'RELEASE' }));
  expect(pauses).toEqual(['pause', 'resume']);
  expect(HandlerTimeoutError.name).toBe('HandlerTimeoutError');
  await c.stop();
});
