/** The kafkajs (2.2.x) implementation of the Kafka transport. */
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import { IdempotentProducerUnsupportedError, TransportError, TransportSendError } from './errors';
import type {
  TransportHeaderValue,
  IncomingRecord,
  OutgoingRecord,
  RecordMetadata,
  RunOptions,
  SubscribeOptions,
  TopicPartitions,
  Transport,
  TransportConsumer,
  TransportProducer,
} from './types';

export type TransportLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface ConsumerTimings {
  sessionTimeout: number;
  heartbeatInterval: number;
  rebalanceTimeout: number;
  maxWaitTimeInMs: number;
}

/**
 * Consumer timings that behave well on librdkafka's mock cluster (whose group join waits 3 s and
 * whose later joins wait sessionTimeout - 1 s) and are valid on real Kafka (6 s is the broker's
 * default group.min.session.timeout.ms). Raise rebalanceTimeout in production when handlers are slow.
 */
export const DEFAULT_CONSUMER_TIMINGS: Readonly<ConsumerTimings> = Object.freeze({
  sessionTimeout: 6000,
  heartbeatInterval: 300,
  rebalanceTimeout: 5000,
  maxWaitTimeInMs: 500,
});

export interface KafkajsTransportOptions {
  brokers: string[];
  clientId: string;
  /**
   * Idempotent producer (exactly-once per partition across retries). Default false. Turn it on
   * against real Kafka; librdkafka's mock cluster cannot serve it, and connect() then rejects with
   * IdempotentProducerUnsupportedError rather than silently producing without idempotence.
   */
  idempotent?: boolean;
  connectionTimeout?: number;
  requestTimeout?: number;
  /** Client-wide retry policy (kafkajs semantics). Default kafkajs': 5 retries from 300 ms. */
  retry?: RetryOptions;
  /** Timeout for the brokers to acknowledge a send (acks=-1). Default 30000 ms. */
  ackTimeoutMs?: number;
  consumer?: Partial<ConsumerTimings>;
  /** Default 'warn'. */
  logLevel?: TransportLogLevel;
  /** Receives the client's log entries instead of the console. */
  log?: (entry: { level: TransportLogLevel; namespace: string; message: string; extra: Record<string, unknown> }) => void;
  /** Let the brokers create unknown topics on first use. Default false: topics are provisioned. */
  allowAutoTopicCreation?: boolean;
}

const LEVELS: Record<TransportLogLevel, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};
const LEVEL_NAMES = new Map<KafkaLogLevel, TransportLogLevel>(Object.entries(LEVELS).map(([k, v]) => [v, k as TransportLogLevel]));

/** Creates a transport backed by kafkajs. Clients are created lazily by producer()/consumer(). */
export function kafkajsTransport(options: KafkajsTransportOptions): Transport {
  if (options.brokers.length === 0) throw new TransportError('kafkajsTransport: brokers is empty');
  const log = options.log;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeout,
    requestTimeout: options.requestTimeout,
    retry: options.retry,
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: log
      ? () =>
          ({ namespace, level, log: entry }: LogEntry) => {
            const { message, ...extra } = entry;
            log({ level: LEVEL_NAMES.get(level) ?? 'info', namespace, message, extra });
          }
      : undefined,
  });
  const timings: ConsumerTimings = { ...DEFAULT_CONSUMER_TIMINGS, ...options.consumer };
  return {
    producer: () => new KafkajsProducer(kafka, options),
    consumer: ({ groupId }) => new KafkajsConsumer(kafka, groupId, timings, options.allowAutoTopicCreation ?? false),
  };
}

function isMissingController(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.name === 'KafkaJSBrokerNotFound' || /Controller broker with id .* not found|not found in the cached metadata/.test(e.message)) return true;
  }
  return false;
}

/**
 * Whether a failed send may succeed later: kafkajs marks each error retriable or not and wraps the
 * last error of spent retries (KafkaJSNumberOfRetriesExceeded, itself non-retriable) or a
 * non-retriable one (KafkaJSNonRetriableError) with it as cause; the innermost flag decides.
 */
function isRetriable(err: unknown): boolean {
  let retriable = false;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const flag = (e as { retriable?: unknown }).retriable;
    if (typeof flag === 'boolean') retriable = flag;
  }
  return retriable;
}

class KafkajsProducer implements TransportProducer {
  private readonly producer: Producer;
  private readonly idempotent: boolean;

  constructor(
    kafka: Kafka,
    private readonly options: KafkajsTransportOptions,
  ) {
    this.idempotent = options.idempotent ?? false;
    this.producer = kafka.producer({
      idempotent: this.idempotent,
      // kafkajs keeps ordering under retries only with one request in flight per broker.
      maxInFlightRequests: this.idempotent ? 1 : undefined,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
      // Java-compatible murmur2 partitioning, so keys land where other-language clients put them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (err) {
      await this.producer.disconnect().catch(() => undefined);
      if (this.idempotent && isMissingController(err)) throw new IdempotentProducerUnsupportedError(this.options.brokers, err);
      throw new TransportError(`producer connect failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async send(records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const byTopic = new Map<string, { key?: string | Buffer | null; value: Buffer; headers?: IHeaders; partition?: number }[]>();
    for (const r of records) {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key ?? null, value: r.value, headers: r.headers, partition: r.partition });
    }
    let result;
    try {
      result = await this.producer.sendBatch({
        acks: -1,
        timeout: this.options.ackTimeoutMs ?? 30_000,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      throw new TransportSendError([...byTopic.keys()], isRetriable(err), err);
    }
    return result.map((m) => ({ topic: m.topicName, partition: m.partition, baseOffset: m.baseOffset ?? m.offset ?? '-1' }));
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

function asBuffer(v: TransportHeaderValue | undefined): Buffer {
  return v === undefined ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
}

/** kafkajs gives a header sent once as a value and a header sent n times as an array. */
export function normaliseHeaders(raw: IHeaders | undefined): Pick<IncomingRecord, 'headers' | 'headerValues'> {
  const headers: Record<string, Buffer> = {};
  const headerValues: Record<string, Buffer[]> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const values = (Array.isArray(value) ? value : [value]).map(asBuffer);
    headerValues[key] = values;
    headers[key] = values[values.length - 1] ?? Buffer.alloc(0);
  }
  return { headers, headerValues };
}

function toIncoming(topic: string, partition: number, message: KafkaMessage, highWatermark: string): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    ...normaliseHeaders(message.headers),
    highWatermark,
  };
}

class KafkajsConsumer implements TransportConsumer {
  private readonly consumer: Consumer;
  private readonly topics = new Set<string>();
  private joinedPromise: Promise<void>;
  private resolveJoined: () => void = () => undefined;
  /** Set by the first pause(): until then no partition can be paused and the per-record check is skipped. */
  private everPaused = false;

  constructor(
    kafka: Kafka,
    readonly groupId: string,
    timings: ConsumerTimings,
    allowAutoTopicCreation: boolean,
  ) {
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation, ...timings });
    this.joinedPromise = new Promise((resolve) => (this.resolveJoined = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const topic of Object.keys(payload.memberAssignment)) this.topics.add(topic);
      this.resolveJoined();
    });
  }

  async connect(): Promise<void> {
    await this.consumer.connect();
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    for (const t of options.topics) if (typeof t === 'string') this.topics.add(t);
    await this.consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
  }

  async run(options: RunOptions): Promise<void> {
    const { handler, onCrash } = options;
    if (onCrash)
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) onCrash(payload.error);
      });
    // eachBatch rather than eachMessage only for the batch's high watermark (consumer lag); the loop
    // below is kafkajs 2.2's own eachMessage loop (Runner.processEachMessage): one record at a time,
    // commit after the handler resolved, resolve (advance the fetch position), heartbeat, and stop
    // at a paused partition, a seek (stale batch) or a stop. A rejection propagates as it did from
    // eachMessage: the record and the rest of the batch stay unresolved and uncommitted, so they
    // are fetched again after the client's retry back-off.
    await this.consumer.run({
      autoCommit: false,
      // Resolving the whole batch on return would skip the records left behind by a pause.
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const { topic, partition, highWatermark } = batch;
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await handler(toIncoming(topic, partition, message, highWatermark));
          // The committed offset is the next one to read.
          await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          resolveOffset(message.offset);
          await heartbeat();
          if (this.isPaused(topic, partition)) break;
        }
      },
    });
  }

  private isPaused(topic: string, partition: number): boolean {
    return this.everPaused && this.consumer.paused().some((tp) => tp.topic === topic && tp.partitions.includes(partition));
  }

  joined(): Promise<void> {
    return this.joinedPromise;
  }

  private targets(topics: (string | TopicPartitions)[] | undefined): TopicPartitions[] {
    return (topics ?? [...this.topics]).map((t) => (typeof t === 'string' ? { topic: t } : t));
  }

  pause(topics?: (string | TopicPartitions)[]): void {
    this.everPaused = true;
    this.consumer.pause(this.targets(topics));
  }

  resume(topics?: (string | TopicPartitions)[]): void {
    this.consumer.resume(this.targets(topics));
  }

  paused(): TopicPartitions[] {
    return this.consumer.paused().map(({ topic, partitions }) => ({ topic, partitions }));
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }
}
