/** The kafkajs transport against a real Kafka-protocol broker (librdkafka's mock cluster). */
import { IdempotentProducerUnsupportedError } from '../../src/transport/errors';
import { kafkajsTransport } from '../../src/transport/kafkajs';
import type { Transport } from '../../src/transport/types';
import { Clients, sleep, waitFor } from './helpers';
import { startMockBroker, stopAllMockBrokers, type MockBroker } from './mock-broker';

let mock: MockBroker;
let transport: Transport;
let clients: Clients;

beforeAll(async () => {
  mock = await startMockBroker({ brokers: 3 });
  transport = kafkajsTransport({ brokers: mock.bootstrap, clientId: 'transport-test', logLevel: 'nothing' });
  clients = new Clients(transport);
});

afterAll(async () => {
  await clients.closeAll();
  await stopAllMockBrokers();
});

test('produce then consume: key, value and headers byte-exact; repeated headers normalised', async () => {
  await mock.createTopic('headers', 2);
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const producer = await clients.producer();
  const meta = await producer.send([
    {
      topic: 'headers',
      key: Buffer.from([0, 1, 2, 255]),
      value: allBytes,
      headers: { binary: allBytes, text: 'héllo ✓ 𝄞', empty: '', repeated: [Buffer.from([1]), 'two', Buffer.from([3, 0])] },
    },
    { topic: 'headers', key: 'k2', value: Buffer.from('second'), headers: { 'content-type': 'application/vnd.dc+avro' } },
    { topic: 'headers', key: null, value: Buffer.alloc(0), partition: 1 },
  ]);
  expect(meta.length).toBeGreaterThan(0);
  expect(meta.every((m) => m.topic === 'headers' && /^\d+$/.test(m.baseOffset))).toBe(true);

  const { received } = await clients.consumer('g-headers', ['headers']);
  await waitFor(() => received.length >= 3, 20_000, '3 records');
  await sleep(300);
  expect(received).toHaveLength(3);

  const first = received.find((r) => r.key?.equals(Buffer.from([0, 1, 2, 255])));
  expect(first?.value?.equals(allBytes)).toBe(true);
  expect(first?.headers.binary?.equals(allBytes)).toBe(true);
  expect(first?.headers.text?.toString('utf8')).toBe('héllo ✓ 𝄞');
  expect(first?.headers.empty).toEqual(Buffer.alloc(0));
  expect(first?.headerValues.repeated).toEqual([Buffer.from([1]), Buffer.from('two'), Buffer.from([3, 0])]);
  expect(first?.headers.repeated).toEqual(Buffer.from([3, 0]));
  expect(Object.values(first?.headers ?? {}).every((v) => Buffer.isBuffer(v))).toBe(true);

  const second = received.find((r) => r.key?.toString() === 'k2');
  expect(second?.headers).toEqual({ 'content-type': Buffer.from('application/vnd.dc+avro') });
  expect(second?.headerValues).toEqual({ 'content-type': [Buffer.from('application/vnd.dc+avro')] });

  const third = received.find((r) => r.partition === 1 && r.key === null);
  expect(third?.value?.length ?? -1).toBe(0);
  expect(third?.headers).toEqual({});
});

test('manual commit: a later consumer of the same group starts after the committed offset', async () => {
  await mock.createTopic('commits', 1);
  const producer = await clients.producer();
  const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ topic: 'commits', key: 'k', value: Buffer.from(`m${from + i}`) }));
  await producer.send(batch(0, 5));

  const a = await clients.consumer('g-commits', ['commits']);
  await waitFor(() => a.received.length === 5, 20_000, 'first consumer to read 5 records');
  // disconnect() waits for the running handler and its commit to finish.
  await clients.close(a.consumer);

  await producer.send(batch(5, 8));
  const b = await clients.consumer('g-commits', ['commits']);
  await waitFor(() => b.received.length >= 3, 20_000, 'second consumer to read 3 records');
  await sleep(300);
  expect(b.received.map((r) => r.value?.toString())).toEqual(['m5', 'm6', 'm7']);
  expect(b.received[0]?.offset).toBe('5');
});

test('a failing handler commits nothing and the record is delivered again', async () => {
  await mock.createTopic('retry', 1);
  const producer = await clients.producer();
  await producer.send([
    { topic: 'retry', value: Buffer.from('r0') },
    { topic: 'retry', value: Buffer.from('r1') },
  ]);
  let failures = 0;
  const c = await clients.consumer('g-retry', ['retry'], (record) => {
    if (record.offset === '1' && failures++ === 0) throw new Error('handler failed once');
  });
  await waitFor(() => c.received.length >= 2, 20_000, 'both records after one failure');
  expect(failures).toBe(2);
  expect(c.received.map((r) => r.value?.toString())).toEqual(['r0', 'r1']);
});

test('pause stops delivery until resume', async () => {
  await mock.createTopic('pausing', 1);
  const producer = await clients.producer();
  const c = await clients.consumer('g-pausing', ['pausing']);
  await producer.send([{ topic: 'pausing', value: Buffer.from('before') }]);
  await waitFor(() => c.received.length === 1, 20_000, 'first record');

  c.consumer.pause();
  expect(c.consumer.paused()).toEqual([{ topic: 'pausing', partitions: [0] }]);
  await producer.send([1, 2, 3].map((i) => ({ topic: 'pausing', value: Buffer.from(`paused-${i}`) })));
  await sleep(1500);
  expect(c.received).toHaveLength(1);

  c.consumer.resume();
  expect(c.consumer.paused()).toEqual([]);
  await waitFor(() => c.received.length === 4, 10_000, 'records after resume');
  expect(c.received.map((r) => r.value?.toString())).toEqual(['before', 'paused-1', 'paused-2', 'paused-3']);
});

test('a pause from inside the handler stops the batch after that record; resume delivers the rest once, in order; records carry the high watermark', async () => {
  await mock.createTopic('pause-mid-batch', 1);
  const producer = await clients.producer();
  await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'pause-mid-batch', value: Buffer.from(`m${i}`) })));
  // the 10 records come in one fetch; the handler pauses at the third
  const c = await clients.consumer('g-pause-mid-batch', ['pause-mid-batch'], (record, consumer) => {
    if (record.offset === '2') consumer.pause();
  });
  await waitFor(() => c.received.length >= 3, 20_000, 'three records');
  await sleep(1000);
  expect(c.received.map((r) => r.offset)).toEqual(['0', '1', '2']);

  c.consumer.resume();
  await waitFor(() => c.received.length >= 10, 10_000, 'the rest after resume');
  await sleep(300);
  expect(c.received.map((r) => r.value?.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  expect(c.received.every((r) => r.highWatermark === '10')).toBe(true);
});

test('the idempotent producer fails explicitly on the mock cluster', async () => {
  const idem = kafkajsTransport({ brokers: mock.bootstrap, clientId: 'idem-test', logLevel: 'nothing', idempotent: true }).producer();
  const started = Date.now();
  const err = await idem.connect().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdempotentProducerUnsupportedError);
  expect((err as Error).message).toMatch(/mock cluster always reports controller id 0/);
  expect(Date.now() - started).toBeLessThan(5000);
});
