/**
 * Every contract carried as a Kafka record value (`carrier: value` in schemas/contracts.yaml),
 * produced through its GENERATED SDK package's producer factory (`create<Type>Producer` of
 * packages/sdk-<domain>) and consumed through its consumer factory (`create<Type>Consumer`), over
 * real components: librdkafka's mock cluster, this repository's registry server (in-process,
 * embedded store in a temp dir), the kafkajs transport and RegistrySchemaResolver. The producer
 * and the consumer are two agent processes: each has its own transport and its own resolver, so
 * the consumer learns the writer's schema from the registry by the id in the frame.
 *
 * The contracts come from the project model (loadProject), not from a list here: a value
 * contract added to contracts.yaml is covered, and fails the test when its SDK package has no
 * factories. Sample values are generated from the schemas (./sample-values.ts).
 *
 * Not covered here:
 * - platform.state.envelope.v1 is carried in the record headers of every other contract
 *   (`carrier: headers`), not as a value: it has no topic and no factories, so it is excluded
 *   from the round trips. Every record below carries it (built by the producer, checked by the
 *   consumer), and the headers of every record received are checked against it with the
 *   validator its SDK exports.
 * - platform.dlq.record.v1 is a value contract without a topic of its own (`topic: null`: its
 *   records go to each contract's `<contract>.dlq`, written by the runtime, `produced_by:
 *   runtime`), so the SDK generator gives it no topic, definition or factories. What its SDK
 *   exports (schema, fingerprint, validator, guard) is checked in its own test, including a round
 *   trip of its schema through the runtime's generic createProducer/createConsumer.
 */
// See generators/test/types/json-schema.test.ts: prettier's CommonJS entry cannot load in Jest's sandbox.
jest.mock('prettier', () => ({}));

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fingerprint } from '@dynamic-capital/contracts-compat';
import { contractTypeName, sdkPackageName } from '@dynamic-capital/contracts-generators';
import { loadProject, referencedSchemas, type Contract } from '@dynamic-capital/contracts-model';
import { createRegistryService, openEmbeddedStore, startRegistryServer, type RegistryServer } from '@dynamic-capital/contracts-registry';
import {
  createConsumer,
  createProducer,
  defineContract,
  HaltSwitch,
  kafkajsTransport,
  RegistrySchemaResolver,
  type ConsumerOptions,
  type ConsumerStats,
  type ContractConsumer,
  type ContractProducer,
  type ContractSchema,
  type IncomingRecord,
  type ProducerOptions,
  type SendOptions,
  type Transport,
  type ValidationIssue,
} from '@dynamic-capital/contracts-runtime';
import { sleep, waitFor } from '../../../packages/runtime/test/kafka/helpers';
import { startMockBroker, stopAllMockBrokers, type MockBroker } from '../../../packages/runtime/test/kafka/mock-broker';
import { plain, sampleValues } from './sample-values';

const ROOT = path.resolve(__dirname, '../../..');
const graph = loadProject(ROOT).graph;
/** Every contract carried as a record value; the headers-carried envelope is not one (see above). */
const valueContracts = [...graph.contracts.values()].filter((c) => c.carrier === 'value');
const DLQ_RECORD = 'platform.dlq.record.v1';
/** Value contracts the SDK generator gives no producer/consumer factories, with the reason. */
const WITHOUT_FACTORIES: ReadonlyMap<string, string> = new Map([
  [DLQ_RECORD, 'topic: null: written by the runtime to each contract’s <contract>.dlq, never to a topic of its own'],
]);
const withFactories = valueContracts.filter((c) => !WITHOUT_FACTORIES.has(c.name));
/** Contracts carried in the record headers (the envelope): excluded from the round trips, checked on every record received. */
const headerContracts = [...graph.contracts.values()].filter((c) => c.carrier === 'headers');
const SAMPLES = 2;
/** Envelope headers a policy-gated contract must carry (the consumer checks presence; no verifier is configured). */
const POLICY: SendOptions = { policyHash: 'a1'.repeat(32), signature: `ed25519:${'A'.repeat(86)}` };

type Sdk = Readonly<Record<string, unknown>>;

interface Factories {
  readonly topic: unknown;
  readonly producer: (options: ProducerOptions) => ContractProducer<unknown>;
  readonly consumer: (options: ConsumerOptions<unknown>) => ContractConsumer;
  readonly validate: (value: unknown) => readonly ValidationIssue[];
}

/** The contract's generated SDK package (`@dynamic-capital/contracts-sdk-<domain>`). */
async function sdkOf(contract: Contract): Promise<Sdk> {
  return (await import(sdkPackageName(contract.domain))) as Sdk;
}

/** Names the generator gives a contract's exports. */
function exportNames(contract: Contract): { producer: string; consumer: string; validate: string; is: string; prefix: string } {
  const type = contractTypeName(contract.name);
  return {
    producer: `create${type}Producer`,
    consumer: `create${type}Consumer`,
    validate: `validate${type}`,
    is: `is${type}`,
    prefix: type.charAt(0).toLowerCase() + type.slice(1),
  };
}

/** The factories of a contract in its SDK, or what is missing. */
function factoriesOf(contract: Contract, sdk: Sdk): Factories | string {
  const names = exportNames(contract);
  const missing = [names.producer, names.consumer, names.validate].filter((n) => typeof sdk[n] !== 'function');
  if (missing.length > 0) return `${contract.name}: ${sdkPackageName(contract.domain)} exports no ${missing.join(', ')}`;
  return {
    topic: sdk[`${names.prefix}Topic`],
    producer: sdk[names.producer] as Factories['producer'],
    consumer: sdk[names.consumer] as Factories['consumer'],
    validate: sdk[names.validate] as Factories['validate'],
  };
}

/** One agent process: its own Kafka client and its own registry client. */
interface AgentProcess {
  readonly transport: Transport;
  readonly resolver: RegistrySchemaResolver;
}

let dir: string;
let server: RegistryServer;
let closeService: () => Promise<void>;
let mock: MockBroker;
let producerSide: AgentProcess;
let consumerSide: AgentProcess;
const stoppers: (() => Promise<void>)[] = [];

function agentProcess(clientId: string): AgentProcess {
  return {
    transport: kafkajsTransport({ brokers: mock.bootstrap, clientId, logLevel: 'nothing', consumer: { maxWaitTimeInMs: 100 } }),
    resolver: RegistrySchemaResolver.connect({ host: server.url }),
  };
}

/** Topic a DLQ record round-trips on in the platform.dlq.record.v1 test: a contract's own `.dlq`. */
const dlqRecordTopic = `${withFactories[0]?.topic ?? 'execution.event.fill.v1'}.dlq`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sdk-over-kafka-'));
  const service = createRegistryService(await openEmbeddedStore(dir));
  closeService = () => service.close();
  server = await startRegistryServer({ service, port: 0 });
  mock = await startMockBroker({ brokers: 1 });
  for (const c of withFactories) {
    if (c.topic === null) continue; // reported by the factories test
    await mock.createTopic(c.topic, 1);
    await mock.createTopic(`${c.topic}.dlq`, 1);
  }
  await mock.createTopic(`${dlqRecordTopic}.dlq`, 1);
  producerSide = agentProcess('sdk-over-kafka-producer');
  consumerSide = agentProcess('sdk-over-kafka-consumer');
  startTrips();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(stoppers.map((stop) => stop()));
  await stopAllMockBrokers();
  await server?.close();
  await closeService?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Trip {
  /** The values sent, in order. */
  readonly values: readonly unknown[];
  /** The topic each send reported. */
  readonly sentTo: readonly string[];
  /** What the consumer's handler received, in order. */
  readonly received: readonly { value: unknown; record: IncomingRecord }[];
  readonly stats: ConsumerStats;
}

/**
 * Sends `values` through `producer`, then consumes them from the beginning through a consumer from
 * `makeConsumer` until as many records were handled or dead-lettered (and 200 ms more).
 */
async function roundTrip(
  contract: Contract,
  values: readonly unknown[],
  producer: ContractProducer<unknown>,
  makeConsumer: (handler: ConsumerOptions<unknown>['handler']) => ContractConsumer,
): Promise<Trip> {
  stoppers.push(() => producer.disconnect());
  const sentTo: string[] = [];
  for (const value of values) sentTo.push((await producer.send(value, contract.policyGated ? POLICY : {})).topic);
  const received: { value: unknown; record: IncomingRecord }[] = [];
  const consumer = makeConsumer((value, ctx) => void received.push({ value, record: ctx.record }));
  stoppers.push(() => consumer.stop());
  await consumer.start();
  await waitFor(() => received.length + consumer.stats.deadLettered >= values.length, 30_000, `${values.length} records of ${contract.name}`);
  await sleep(200); // nothing more arrives
  await consumer.stop();
  await producer.disconnect();
  return { values, sentTo, received, stats: { ...consumer.stats } };
}

const identity = (agent: string): string => `spiffe://dynamic.capital/agent/${agent}`;
const producerAgent = (contract: Contract): string => contract.producers[0] ?? 'sdk-test-producer';

/** A contract's round trip through its SDK's factories: producer side -> Kafka -> consumer side. */
async function sdkTrip(contract: Contract): Promise<Trip & { readonly factories: Factories }> {
  const factories = factoriesOf(contract, await sdkOf(contract));
  if (typeof factories === 'string') throw new Error(factories);
  const values = sampleValues(graph, contract, { count: SAMPLES, seed: 1 });
  const agent = producerAgent(contract);
  const producer = factories.producer({
    transport: producerSide.transport,
    resolver: producerSide.resolver,
    producerIdentity: identity(agent),
    agent,
    halt: new HaltSwitch(),
  });
  const trip = await roundTrip(contract, values, producer, (handler) =>
    factories.consumer({
      transport: consumerSide.transport,
      resolver: consumerSide.resolver,
      groupId: `sdk-over-kafka.${contract.name}`,
      agent: contract.consumers[0] ?? 'sdk-test-consumer',
      fromBeginning: true,
      halt: new HaltSwitch(),
      handler,
    }),
  );
  return { ...trip, factories };
}

/** platform.dlq.record.v1's exported schema through the runtime's generic factories, on a contract's `.dlq` topic. */
async function dlqRecordTrip(contract: Contract, schema: ContractSchema): Promise<Trip> {
  const definition = { ...defineContract({ name: contract.name, topic: dlqRecordTopic, schema, keyField: contract.key }), dlqTopic: `${dlqRecordTopic}.dlq` };
  const producer = createProducer<unknown>(definition, {
    transport: producerSide.transport,
    resolver: producerSide.resolver,
    producerIdentity: identity('housekeeping'),
    halt: new HaltSwitch(),
  });
  return roundTrip(contract, sampleValues(graph, contract, { count: SAMPLES, seed: 1 }), producer, (handler) =>
    createConsumer<unknown>(definition, {
      transport: consumerSide.transport,
      resolver: consumerSide.resolver,
      groupId: `sdk-over-kafka.${contract.name}`,
      agent: 'housekeeping',
      fromBeginning: true,
      halt: new HaltSwitch(),
      handler,
    }),
  );
}

/**
 * Every round trip, started together once the components are up (a consumer's group join takes
 * ~3 s on the mock cluster: one after the other they would take a minute); each test awaits its
 * own. Rejections are marked handled here and surface in the test that awaits them.
 */
const trips = new Map<string, Promise<Trip & { readonly factories?: Factories }>>();
function startTrips(): void {
  const track = <T>(name: string, trip: Promise<T & Trip>): void => {
    trip.catch(() => undefined);
    trips.set(name, trip);
  };
  for (const contract of withFactories) track(contract.name, sdkTrip(contract));
  const dlq = graph.contracts.get(DLQ_RECORD);
  if (dlq)
    track(
      DLQ_RECORD,
      sdkOf(dlq).then((sdk) => dlqRecordTrip(dlq, sdk[`${exportNames(dlq).prefix}Schema`] as ContractSchema)),
    );
}

async function tripOf(name: string): Promise<Trip & { readonly factories?: Factories }> {
  const trip = trips.get(name);
  if (!trip) throw new Error(`no round trip was started for ${name}`);
  return trip;
}

test('every value contract has producer and consumer factories in its generated SDK package (platform.dlq.record.v1 has none: no topic)', async () => {
  expect(withFactories.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const contract of valueContracts) {
    const sdk = await sdkOf(contract);
    const found = factoriesOf(contract, sdk);
    const exempt = WITHOUT_FACTORIES.get(contract.name);
    if (exempt === undefined) {
      if (typeof found === 'string') problems.push(found);
      else if (found.topic !== contract.topic)
        problems.push(`${contract.name}: the SDK's topic is ${String(found.topic)}, the model's ${String(contract.topic)}`);
    } else {
      // an exemption that no longer holds must be removed, so the contract gets the round trip
      if (typeof found !== 'string') problems.push(`${contract.name} is listed as having no factories (${exempt}), but its SDK now exports them`);
      if (contract.topic !== null) problems.push(`${contract.name} is listed as having no factories (${exempt}), but it has topic ${contract.topic}`);
    }
  }
  expect(problems).toEqual([]);
});

/** The SDK validators of the headers-carried contracts, by contract name. */
async function headerValidators(): Promise<Map<string, (value: unknown) => readonly ValidationIssue[]>> {
  const out = new Map<string, (value: unknown) => readonly ValidationIssue[]>();
  for (const contract of headerContracts) {
    const validate = (await sdkOf(contract))[exportNames(contract).validate];
    if (typeof validate !== 'function') throw new Error(`${sdkPackageName(contract.domain)} exports no ${exportNames(contract).validate}`);
    out.set(contract.name, validate as (value: unknown) => readonly ValidationIssue[]);
  }
  return out;
}

test.each(withFactories.map((c) => [c.name, c] as const))(
  '%s: values produced through the SDK producer factory are consumed through the SDK consumer factory by another process, equal',
  async (_name, contract) => {
    const { values, sentTo, received, stats, factories } = await tripOf(contract.name);
    const envelopes = await headerValidators();
    expect(sentTo).toEqual(values.map(() => contract.topic));
    expect(stats).toMatchObject({ processed: SAMPLES, deadLettered: 0 });
    // one partition: in production order; Avro records decode as avsc record instances, so compare as data
    expect(plain(received.map((r) => r.value))).toEqual(plain(values));
    for (const { value, record } of received) {
      expect(factories?.validate(value)).toEqual([]);
      expect(record.topic).toBe(contract.topic);
      expect(record.headers['producer']?.toString('utf8')).toBe(identity(producerAgent(contract)));
      const key = contract.key === null ? undefined : (value as Record<string, unknown>)[contract.key];
      if (typeof key === 'string') expect(record.key?.toString('utf8')).toBe(key);
      const headers = Object.fromEntries(Object.entries(record.headers).map(([name, v]) => [name, v.toString('utf8')]));
      for (const [name, validate] of envelopes) expect({ [name]: validate(headers) }).toEqual({ [name]: [] });
      if (contract.policyGated)
        expect({ policy_hash: headers['policy_hash'], signature: headers['signature'] }).toEqual({
          policy_hash: POLICY.policyHash,
          signature: POLICY.signature,
        });
    }
  },
);

test('platform.dlq.record.v1: its SDK exports schema, fingerprint, validator and guard (no factories: no topic); the schema round-trips through the runtime between two processes', async () => {
  const contract = graph.contracts.get(DLQ_RECORD);
  if (!contract?.schema) throw new Error('platform.dlq.record.v1 is not in the project');
  const sdk = await sdkOf(contract);
  const names = exportNames(contract);
  expect(factoriesOf(contract, sdk)).toEqual(expect.stringContaining(`exports no ${names.producer}, ${names.consumer}`));
  expect(sdk[`${names.prefix}Topic`]).toBeUndefined();
  expect(sdk[`${names.prefix}Definition`]).toBeUndefined();

  const schema = sdk[`${names.prefix}Schema`] as ContractSchema;
  const references = referencedSchemas(graph, contract.schema);
  expect(schema.format).toBe('JSON');
  expect(schema.schema).toEqual(contract.schema.document.value);
  expect([...schema.references]).toEqual([...references]);
  expect(sdk[`${names.prefix}Fingerprint`]).toBe(fingerprint('json', { schema: contract.schema.document.value, references }));

  const validate = sdk[names.validate] as (value: unknown) => readonly ValidationIssue[];
  const is = sdk[names.is] as (value: unknown) => boolean;
  const values = sampleValues(graph, contract, { count: SAMPLES, seed: 1 });
  for (const value of values) {
    expect(validate(value)).toEqual([]);
    expect(is(value)).toBe(true);
  }
  const broken = { ...(values[0] as Record<string, unknown>), reason: 'NOT_A_REASON', attempts: 0 };
  expect(validate(broken).map((i) => i.path)).toEqual(expect.arrayContaining(['/reason', '/attempts']));
  expect(is(broken)).toBe(false);

  // the exported schema over Kafka with the runtime's generic factories (started in beforeAll)
  const trip = await tripOf(contract.name);
  expect(trip.values).toEqual(values);
  expect(trip.sentTo).toEqual(values.map(() => dlqRecordTopic));
  expect(trip.stats).toMatchObject({ processed: SAMPLES, deadLettered: 0 });
  expect(trip.received.map((r) => r.value)).toEqual(values);
  for (const { value } of trip.received) expect(is(value)).toBe(true);
});
