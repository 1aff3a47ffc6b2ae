/**
 * The Kafka transport: the small surface the runtime's producer and consumer need, so the
 * client library behind it (kafkajs today, a KafkaJS-compatible client such as
 * @confluentinc/kafka-javascript later) can be swapped without touching them.
 */

export type TransportHeaderValue = string | Buffer;

/** One record to produce. Header values are sent as given (strings as UTF-8). */
export interface OutgoingRecord {
  topic: string;
  key?: string | Buffer | null;
  value: Buffer;
  headers?: Record<string, TransportHeaderValue | TransportHeaderValue[]>;
  /** Explicit partition; otherwise the Java-compatible (murmur2) key partitioner decides. */
  partition?: number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** Base offset of the batch written to this partition, as a decimal string. */
  baseOffset: string;
}

/** A consumed record, with headers normalised to Buffers. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  /** Decimal string: offsets are 64-bit. */
  offset: string;
  /** Milliseconds since the epoch, as a decimal string (as the broker sent it). */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Last value of each header (a header sent more than once keeps its last value here). */
  headers: Record<string, Buffer>;
  /** Every value of each header, in wire order; same keys as `headers`. */
  headerValues: Record<string, Buffer[]>;
  /**
   * The partition's high watermark (offset of the next record to be written) as of the fetch that
   * returned this record, as a decimal string; absent when the transport cannot tell. Records
   * still to be read after this one: highWatermark - offset - 1.
   */
  highWatermark?: string;
}

export interface TransportProducer {
  connect(): Promise<void>;
  /** Sends the records with acks=-1 (all in-sync replicas); resolves once all are acknowledged. */
  send(records: OutgoingRecord[]): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

export interface SubscribeOptions {
  topics: (string | RegExp)[];
  /** Where a group without committed offsets starts. Default false (latest). */
  fromBeginning?: boolean;
}

export interface RunOptions {
  /**
   * Called once per record, in order per partition. The record's offset is committed only after
   * the handler resolves. If it rejects, nothing is committed and the record is delivered again
   * (after the client's retry back-off); persistent failures are for the caller (DLQ, halt).
   */
  handler(record: IncomingRecord): Promise<void>;
  /** The consumer stopped for good (retries exhausted or a non-retriable error). */
  onCrash?(error: Error): void;
}

export interface TopicPartitions {
  topic: string;
  /** All partitions of the topic when omitted. */
  partitions?: number[];
}

export interface TransportConsumer {
  readonly groupId: string;
  connect(): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<void>;
  /** Starts consuming; resolves once the fetch loop is started (not when the group is joined). */
  run(options: RunOptions): Promise<void>;
  /** Resolves once this consumer has joined its group and received an assignment. */
  joined(): Promise<void>;
  /** Stops fetching from these topics (all subscribed topics when omitted) until resume(). */
  pause(topics?: (string | TopicPartitions)[]): void;
  resume(topics?: (string | TopicPartitions)[]): void;
  paused(): TopicPartitions[];
  disconnect(): Promise<void>;
}

export interface Transport {
  producer(): TransportProducer;
  consumer(options: { groupId: string }): TransportConsumer;
}
