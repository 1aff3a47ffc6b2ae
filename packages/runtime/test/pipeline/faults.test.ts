/**
 * Broker faults under the full pipeline (createProducer -> mock cluster -> createConsumer with the
 * Redis dedupe store): a broker going down during produce and coming back loses and duplicates
 * nothing downstream; a send that fails reaches the caller as a typed ProduceError naming its
 * idempotency key, and retrying with that key is handled once even when the first attempt was
 * written after all (at-least-once produce + consumer dedupe = exactly-once handling).
 */
import { randomUUID } from 'node:crypto';
import {
  ProduceError,
  redisDedupeStore,
  TransportError,
  TransportSendError,
  type ContractConsumer,
  type ContractDefinition,
  type IncomingRecord,
  type SendResult,
} from '../../src';
import { sleep, waitFor } from '../kafka/helpers';
import { FILL, fill, startPipeline, text, type Fill, type Pipeline } from './setup';

let pipeline: Pipeline | undefined;
const h = (): Pipeline => {
  if (!pipeline) throw new Error('the pipeline did not start');
  return pipeline;
};

beforeAll(async () => {
  pipeline = await startPipeline({ name: 'pipeline-faults', brokers: 3, redis: true });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
});

/** A contract topic of 3 partitions, every one led by broker 1 (the one taken down). */
async function contractOnBroker1(tag: string): Promise<ContractDefinition> {
  const def = await h().contract(FILL, tag, 3, 'order_id');
  for (const partition of [0, 1, 2]) await h().mock.leader(def.topic, partition, 1);
  return def;
}

/** A consumer with the Redis dedupe store counting handler calls per batch_sequence. */
async function countingConsumer(def: ContractDefinition): Promise<{ consumer: ContractConsumer; calls: Map<number, number> }> {
  const calls = new Map<number, number>();
  const consumer = await h().consumer<Fill>(def, {
    dedupe: redisDedupeStore(h().redis, h().redisPrefix, 60_000),
    handler: (value) => {
      const seq = Number(value['batch_sequence']);
      calls.set(seq, (calls.get(seq) ?? 0) + 1);
    },
  });
  await consumer.joined();
  return { consumer, calls };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the send to reject');
    },
    (error: unknown) => error,
  );
}

test('a broker down during produce and back up: every send resolves, the handler sees every value exactly once', async () => {
  const def = await contractOnBroker1('down-up');
  const { consumer, calls } = await countingConsumer(def);
  const p = h().producer<Fill>(def);
  for (const i of range(0, 20)) await p.send(fill(i));

  await h().mock.down(1);
  let settled = 0;
  const during = range(20, 40).map((i) => p.send(fill(i)).finally(() => settled++));
  await sleep(1500);
  // the client retries (kafkajs default: 5 retries from 300 ms) while the leader is away
  expect(settled).toBe(0);
  await h().mock.up(1);
  const results: SendResult[] = await Promise.all(during);
  expect(results.every((r) => r.topic === def.topic && /^\d+$/.test(r.baseOffset))).toBe(true);
  for (const i of range(40, 60)) await p.send(fill(i));

  await waitFor(() => calls.size >= 60, 20_000, 'all 60 values handled');
  await sleep(500);
  expect([...calls.keys()].sort((a, b) => a - b)).toEqual(range(0, 60));
  expect([...calls.values()].every((n) => n === 1)).toBe(true);
  expect(consumer.stats.processed).toBe(60);
  expect(consumer.stats.deadLettered).toBe(0);
});

test('a send that fails rejects with ProduceError naming its idempotency key; the retry with that key is handled once, also when the failed attempt was written', async () => {
  const def = await contractOnBroker1('send-fails');
  const { consumer, calls } = await countingConsumer(def);
  // no client retries and a short request timeout: failures reach the caller at once
  const impatient = h().transportWith({ clientId: 'impatient', retry: { retries: 0 }, requestTimeout: 1000, connectionTimeout: 500 });
  const p = h().producer<Fill>(def, { transport: impatient });
  await p.send(fill(0)); // connected, metadata loaded

  // 1. the leader is down: the record is not written; the caller learns the key it must retry with
  await h().mock.down(1);
  const value1 = fill(1);
  const down = await rejection(p.send(value1));
  expect(down).toBeInstanceOf(ProduceError);
  expect(down).toBeInstanceOf(TransportError);
  const e1 = down as ProduceError;
  expect(e1.contract).toBe(FILL);
  expect(e1.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  expect(e1.messageId).toMatch(/^[0-9a-f-]{36}$/);
  expect(e1.retriable).toBe(true);
  expect(e1.cause).toBeInstanceOf(TransportSendError);
  expect((e1.cause as TransportSendError).topics).toEqual([def.topic]);
  expect(e1.message).toContain(e1.idempotencyKey);
  await h().mock.up(1);
  const retry1 = await p.send(value1, { idempotencyKey: e1.idempotencyKey, messageId: e1.messageId });
  expect(retry1).toMatchObject({ idempotencyKey: e1.idempotencyKey, messageId: e1.messageId });

  // 2. the ack is lost (the leader answers after the request timeout): the record IS written, the
  //    caller cannot know, retries with the same key, and the topic holds two copies
  await h().mock.rtt(1, 1500);
  const value2 = fill(2);
  const slow = await rejection(p.send(value2, { idempotencyKey: 'fill-2-ack-lost' }));
  expect(slow).toBeInstanceOf(ProduceError);
  const e2 = slow as ProduceError;
  expect(e2.idempotencyKey).toBe('fill-2-ack-lost');
  expect(e2.retriable).toBe(true);
  await sleep(1000); // let the late answer go by
  await h().mock.rtt(1, 0);
  await p.send(value2, { idempotencyKey: e2.idempotencyKey, messageId: e2.messageId });
  await p.send(fill(3));

  // on the topic: value 2 twice (at-least-once produce), everything else once
  const { received } = await h().clients.consumer(`raw-${randomUUID()}`, [def.topic]);
  await waitFor(() => received.length >= 5, 20_000, '5 records on the topic');
  await sleep(300);
  const byKey = (key: string): IncomingRecord[] => received.filter((r) => text(r.headers['idempotency_key']) === key);
  expect(received).toHaveLength(5);
  expect(byKey('fill-2-ack-lost')).toHaveLength(2);
  expect(byKey(e1.idempotencyKey)).toHaveLength(1);
  // a retry keeps the message id and draws a new nonce (so it is no replay)
  const [first, second] = byKey('fill-2-ack-lost');
  expect(text(first?.headers['message_id'])).toBe(e2.messageId);
  expect(text(second?.headers['message_id'])).toBe(e2.messageId);
  expect(text(first?.headers['nonce'])).not.toBe(text(second?.headers['nonce']));

  // downstream: every value handled exactly once, the second copy dropped by the dedupe store
  await waitFor(() => consumer.stats.processed + consumer.stats.deduped >= 5, 20_000, 'the consumer to take all 5 records');
  await sleep(300);
  expect([...calls.entries()].sort(([a], [b]) => a - b)).toEqual([
    [0, 1],
    [1, 1],
    [2, 1],
    [3, 1],
  ]);
  expect(consumer.stats).toMatchObject({ processed: 4, deduped: 1, deadLettered: 0 });
  expect(await h().redis.exists(`${h().redisPrefix}g-${def.topic}/${FILL}/fill-2-ack-lost`)).toBe(1);
});
