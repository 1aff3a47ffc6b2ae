/**
 * Shared set-up of the pipeline suites: librdkafka's mock cluster (Kafka protocol), this
 * repository's registry server (in-process, embedded store in a temp dir), a kafkajs transport
 * and, when asked for, Redis at 127.0.0.1:6379 (own key prefix, cleaned up by close()).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createRegistryService, openEmbeddedStore, startRegistryServer, type RegistryServer } from '@dynamic-capital/contracts-registry';
import {
  createConsumer,
  createProducer,
  defineContract,
  HaltSwitch,
  kafkajsTransport,
  RegistrySchemaResolver,
  type ConsumerOptions,
  type ContractConsumer,
  type ContractDefinition,
  type ContractProducer,
  type IncomingRecord,
  type KafkajsTransportOptions,
  type Transport,
} from '../../src';
import { Clients, sleep, waitFor } from '../kafka/helpers';
import { startMockBroker, stopAllMockBrokers, type MockBroker } from '../kafka/mock-broker';
import { contractSchema, fillEvent } from '../serde/contracts';

export const PRODUCER_ID = 'spiffe://dynamic.capital/agent/execution';
export const FILL = 'execution.event.fill.v1';
export const HALT = 'system.halt.intent.v1';

export type Fill = Record<string, unknown>;

/** A valid fill with a fresh order id (the record key) and batch_sequence i. */
export const fill = (i: number): Fill => ({ ...fillEvent(), order_id: randomUUID(), batch_sequence: i });

export const text = (b: Buffer | undefined): string | undefined => b?.toString('utf8');

export type ConsumerOverrides<T> = Partial<ConsumerOptions<T>> & Pick<ConsumerOptions<T>, 'handler'>;

export interface Pipeline {
  readonly mock: MockBroker;
  readonly transport: Transport;
  readonly clients: Clients;
  readonly resolver: RegistrySchemaResolver;
  /** Connected when started with `redis: true`; throws otherwise. */
  readonly redis: Redis;
  /** Key prefix of this suite in Redis; close() deletes its keys. */
  readonly redisPrefix: string;
  /** The contract on its own topics for one test (name, subject and schema stay the contract's). */
  contract(name: string, tag: string, partitions?: number, keyField?: string | null): Promise<ContractDefinition>;
  /** A producer disconnected by close(); `transport` defaults to the pipeline's. */
  producer<T>(def: ContractDefinition, options?: { halt?: HaltSwitch; transport?: Transport }): ContractProducer<T>;
  /** A started consumer (group g-<topic>, agent risk, from the beginning, own HaltSwitch) stopped by close(). */
  consumer<T>(def: ContractDefinition, options: ConsumerOverrides<T>): Promise<ContractConsumer>;
  /** Another kafkajs transport on the same brokers (say, with other retry settings). */
  transportWith(options: Partial<KafkajsTransportOptions>): Transport;
  /** Stopped by close() (before the producers are disconnected). */
  onClose(stoppable: { stop(): Promise<void> }): void;
  /** Every record of a DLQ topic, read by a plain transport consumer. */
  readDlq(def: ContractDefinition, count: number): Promise<IncomingRecord[]>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  /** Client id prefix and Redis key namespace. */
  readonly name: string;
  /** Mock brokers (default 1). */
  readonly brokers?: number;
  /** Connect to Redis (default false). */
  readonly redis?: boolean;
  /** Overrides of the pipeline transport's options. */
  readonly transport?: Partial<KafkajsTransportOptions>;
}

async function connectRedis(): Promise<Redis> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at 127.0.0.1:6379 is not reachable (start it: bash scripts/ensure-services.sh): ${String(error)}`);
  }
  return redis;
}

/** Starts everything; call close() in afterAll even when this rejected half-way (it cleans up what started). */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const redisPrefix = `test:runtime-${options.name}:${process.pid}:${Date.now()}:`;
  const stoppables: { stop(): Promise<void> }[] = [];
  const producers: { disconnect(): Promise<void> }[] = [];
  const redis = options.redis ? await connectRedis() : undefined;
  const dir = mkdtempSync(join(tmpdir(), `runtime-${options.name}-`));
  let server: RegistryServer | undefined;
  let closeService: (() => Promise<void>) | undefined;
  let mock: MockBroker | undefined;
  const opened: { clients?: Clients } = {};

  const close = async (): Promise<void> => {
    await Promise.allSettled(stoppables.map((c) => c.stop()));
    await Promise.allSettled(producers.map((p) => p.disconnect()));
    await opened.clients?.closeAll();
    await stopAllMockBrokers();
    if (redis?.status === 'ready') {
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis?.disconnect();
    await server?.close();
    await closeService?.();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const service = createRegistryService(await openEmbeddedStore(dir));
    closeService = () => service.close();
    server = await startRegistryServer({ service, port: 0 });
    mock = await startMockBroker({ brokers: options.brokers ?? 1 });
  } catch (error) {
    await close();
    throw error;
  }
  const broker = mock;
  const resolver = RegistrySchemaResolver.connect({ host: server.url });
  const transportWith = (over: Partial<KafkajsTransportOptions>): Transport =>
    kafkajsTransport({ brokers: broker.bootstrap, clientId: `${options.name}-test`, logLevel: 'nothing', consumer: { maxWaitTimeInMs: 100 }, ...over });
  const transport = transportWith(options.transport ?? {});
  const readers = new Clients(transport);
  opened.clients = readers;

  return {
    mock: broker,
    transport,
    clients: readers,
    resolver,
    get redis(): Redis {
      if (!redis) throw new Error('startPipeline was not asked for redis');
      return redis;
    },
    redisPrefix,
    transportWith,
    onClose: (stoppable) => void stoppables.push(stoppable),
    close,
    async contract(name, tag, partitions = 1, keyField = null) {
      const base = defineContract({ name, schema: contractSchema(name), keyField });
      const def = { ...base, topic: `${tag}.${name}`, dlqTopic: `${tag}.${name}.dlq` };
      await broker.createTopic(def.topic, partitions);
      await broker.createTopic(def.dlqTopic, 1);
      return def;
    },
    producer<T>(def: ContractDefinition, over: { halt?: HaltSwitch; transport?: Transport } = {}): ContractProducer<T> {
      const p = createProducer<T>(def, {
        transport: over.transport ?? transport,
        resolver,
        producerIdentity: PRODUCER_ID,
        agent: 'execution',
        halt: over.halt ?? new HaltSwitch(),
      });
      producers.push(p);
      return p;
    },
    async consumer<T>(def: ContractDefinition, over: ConsumerOverrides<T>): Promise<ContractConsumer> {
      const c = createConsumer<T>(def, {
        transport,
        resolver,
        groupId: `g-${def.topic}`,
        agent: 'risk',
        fromBeginning: true,
        halt: new HaltSwitch(),
        ...over,
      });
      stoppables.push(c);
      await c.start();
      return c;
    },
    async readDlq(def, count) {
      const { received } = await readers.consumer(`dlq-reader-${randomUUID()}`, [def.dlqTopic]);
      await waitFor(() => received.length >= count, 20_000, `${count} DLQ records on ${def.dlqTopic}`);
      await sleep(200);
      return received;
    },
  };
}
