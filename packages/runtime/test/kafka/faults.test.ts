/** Broker faults injected through kmock while the kafkajs transport is producing. */
import { kafkajsTransport } from '../../src/transport/kafkajs';
import { Clients, sleep, waitFor } from './helpers';
import { MockBrokerError, startMockBroker, stopAllMockBrokers, type MockBroker } from './mock-broker';

let mock: MockBroker;
let clients: Clients;

beforeAll(async () => {
  mock = await startMockBroker({ brokers: 3 });
  clients = new Clients(kafkajsTransport({ brokers: mock.bootstrap, clientId: 'faults-test', logLevel: 'nothing' }));
});

afterAll(async () => {
  await clients.closeAll();
  await stopAllMockBrokers();
});

const records = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({
    topic: 'faults',
    key: `k${(from + i) % 7}`,
    value: Buffer.from(`id-${from + i}`),
    headers: { id: `${from + i}` },
  }));

test('a broker down during a send: the send succeeds after up, nothing lost, nothing duplicated', async () => {
  await mock.createTopic('faults', 4);
  // Every partition led by broker 1, so the send cannot go anywhere else while it is down.
  for (const p of [0, 1, 2, 3]) await mock.leader('faults', p, 1);
  const producer = await clients.producer();
  await producer.send(records(0, 100));

  await mock.down(1);
  let settled = false;
  const pending = producer.send(records(100, 200)).finally(() => (settled = true));
  await sleep(1500);
  expect(settled).toBe(false);
  const upAt = Date.now();
  await mock.up(1);
  await pending;
  const recoveredMs = Date.now() - upAt;
  expect(recoveredMs).toBeLessThan(15_000);
  await producer.send(records(200, 300));

  const { received } = await clients.consumer('g-faults', ['faults']);
  await waitFor(() => received.length >= 300, 20_000, '300 records');
  await sleep(500);
  const ids = received.map((r) => r.value?.toString());
  expect(ids).toHaveLength(300);
  expect(new Set(ids).size).toBe(300);
  expect([...new Set(ids)].sort()).toEqual(Array.from({ length: 300 }, (_, i) => `id-${i}`).sort());
  expect(received.every((r) => r.headers.id?.toString() === r.value?.toString().slice(3))).toBe(true);
});

test('rtt adds latency to every request; bad commands are rejected with the reason', async () => {
  const producer = await clients.producer();
  await producer.send(records(1000, 1001));
  await mock.rtt(-1, 300);
  const started = Date.now();
  await producer.send(records(1001, 1002));
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  await mock.rtt(-1, 0);

  await expect(mock.down(9)).rejects.toThrow(MockBrokerError);
  await expect(mock.command('frobnicate')).rejects.toThrow(/ERR bad command/);
  await expect(mock.createTopic('bad name', 1)).rejects.toThrow(/invalid topic name/);
  // The command channel still works after errors.
  await mock.createTopic('after-errors', 2);
});
