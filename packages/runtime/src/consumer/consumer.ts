/**
 * `createConsumer`: one contract's consumer in one group. Per record:
 *
 *   envelope (parse; TTL, clock skew, signature, nonce replay) -> dedupe by idempotency key ->
 *   decode -> validate -> handler (timeout; retries with exponential backoff and full jitter) ->
 *   commit
 *
 * A poison record (bad envelope, not a frame, unknown schema id, invalid value) or one whose
 * handler failed every attempt is written to the contract's `.dlq` topic with its ORIGINAL key,
 * value and headers plus `dlq_*` headers naming the reason, and only then committed. Anything
 * else that fails (registry unreachable, DLQ write failed) is left uncommitted and redelivered:
 * at least once. Duplicates (same idempotency key already claimed in the dedupe store) are
 * committed without calling the handler.
 *
 * Retries run inside the record's delivery, so keep attempts x maxMs well below the group's
 * session timeout (the client heartbeats between records).
 */
import { context, propagation, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { memoryDedupeStore, type DedupeStore } from '../dedupe/dedupe';
import { checkEnvelope, NonceStore, parseEnvelope, type Envelope } from '../envelope';
import { ContractsRuntimeError, type DlqReason } from '../errors';
import { HaltedError, HaltSwitch, type HaltIntent } from '../halt/halt';
import type { ContractDefinition } from '../producer/contract';
import { Serde, type SchemaResolver } from '../serde';
import type { IncomingRecord, Transport, TransportConsumer, TransportHeaderValue, TransportProducer } from '../transport/types';

export interface RetryPolicy {
  /** Handler attempts in all (1 = no retry). */
  readonly attempts: number;
  /** Backoff cap of the first retry; the cap doubles per retry up to maxMs. */
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 3, baseMs: 100, maxMs: 2000 });

/** Full jitter: a uniform delay in [0, min(maxMs, baseMs * 2^(retry-1))), retry = 1, 2, ... */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1)));
}

export interface MessageContext {
  /**
   * The record's envelope. `envelope.traceparent` is the producer's W3C traceparent whether or not
   * an OpenTelemetry propagator is registered (see runHandler for the active context).
   */
  readonly envelope: Envelope;
  readonly record: IncomingRecord;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Aborted when the attempt times out. */
  readonly signal: AbortSignal;
}

export type MessageHandler<T> = (value: T, context: MessageContext) => Promise<void> | void;

export interface ConsumerOptions<T> {
  readonly transport: Transport;
  readonly resolver: SchemaResolver;
  readonly groupId: string;
  /** Name of the consuming agent (DLQ header dlq_consumer, metrics label, AGENT halts). */
  readonly agent: string;
  readonly handler: MessageHandler<T>;
  /** Default: a per-consumer in-memory LRU; `false` turns deduplication off. */
  readonly dedupe?: DedupeStore | false;
  /** How long a handled idempotency key is remembered (default 24 h). */
  readonly dedupeTtlMs?: number;
  readonly retry?: RetryPolicy;
  /** Per attempt (default 30 000 ms). */
  readonly handlerTimeoutMs?: number;
  /** How far issued_at_ms may be ahead of this consumer's clock (default 5 000 ms). */
  readonly maxClockSkewMs?: number;
  /** Where a group without committed offsets starts (default false: latest). */
  readonly fromBeginning?: boolean;
  /** Default HaltSwitch.process. */
  readonly halt?: HaltSwitch;
  /** Verifies signatures of a policy-gated contract (default: presence only). */
  readonly verifySignature?: (envelope: Envelope) => boolean;
  /**
   * prom-client registry to register the consumer's metrics in (none by default):
   * contracts_consumer_{processed,failed,retried,deduped,dead_lettered}_total,
   * contracts_consumer_handle_seconds and the gauge contracts_consumer_lag{partition}, the records
   * behind the partition's high watermark (as of the fetch) after each record this consumer is done
   * with. The gauge moves only as records are handled: while a halt pauses the consumer, or a
   * record is redelivered over and over, it keeps its last value however far the partition grows.
   */
  readonly metrics?: Registry;
  /** Test seams: clock (epoch ms), random in [0, 1), sleep. */
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Hears about records left uncommitted for redelivery (transient failures). */
  readonly onError?: (error: unknown, record: IncomingRecord) => void;
}

export interface ConsumerStats {
  /** Records whose handler succeeded. */
  processed: number;
  /** Failed handler attempts. */
  failed: number;
  /** Retries scheduled. */
  retried: number;
  /** Duplicates skipped. */
  deduped: number;
  /** Records written to the DLQ. */
  deadLettered: number;
}

export interface ContractConsumer {
  readonly definition: ContractDefinition;
  readonly stats: Readonly<ConsumerStats>;
  /** Connects, subscribes and starts consuming (does not wait for the group join). */
  start(): Promise<void>;
  /** Resolves once the consumer has joined its group. */
  joined(): Promise<void>;
  /** True while a halt keeps it paused. */
  readonly paused: boolean;
  stop(): Promise<void>;
}

/** Header names of a DLQ record (besides the original headers). */
export const DLQ_HEADERS = {
  reason: 'dlq_reason',
  error: 'dlq_error',
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  consumer: 'dlq_consumer',
  consumerGroup: 'dlq_consumer_group',
  attempts: 'dlq_attempts',
  failedAtMs: 'dlq_failed_at_ms',
} as const;

/** The handler did not settle within handlerTimeoutMs. */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
}

/** A record that is dead-lettered: why and after how many attempts. */
class DeadLetter {
  constructor(
    readonly reason: DlqReason,
    readonly message: string,
    readonly attempts: number,
  ) {}
}

const headerGetter: TextMapGetter<Record<string, Buffer>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key]?.toString('utf8'),
};

interface Metrics {
  processed: Counter;
  failed: Counter;
  retried: Counter;
  deduped: Counter;
  deadLettered: Counter<'reason' | 'contract' | 'agent'>;
  latency: Histogram;
  lag: Gauge<'contract' | 'agent' | 'partition'>;
}

function metricsIn(registry: Registry): Metrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const labels: ('contract' | 'agent')[] = ['contract', 'agent'];
  return {
    processed: counter('contracts_consumer_processed_total', 'Records handled successfully', labels),
    failed: counter('contracts_consumer_failed_total', 'Failed handler attempts', labels),
    retried: counter('contracts_consumer_retried_total', 'Handler retries', labels),
    deduped: counter('contracts_consumer_deduped_total', 'Duplicate records skipped', labels),
    deadLettered: counter('contracts_consumer_dead_lettered_total', 'Records written to the DLQ', ['contract', 'agent', 'reason']),
    latency:
      (registry.getSingleMetric('contracts_consumer_handle_seconds') as Histogram | undefined) ??
      new Histogram({
        name: 'contracts_consumer_handle_seconds',
        help: 'Time from receipt to commit decision of a record',
        labelNames: labels,
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    lag:
      (registry.getSingleMetric('contracts_consumer_lag') as Gauge<'contract' | 'agent' | 'partition'> | undefined) ??
      new Gauge({
        name: 'contracts_consumer_lag',
        help: "Records behind the partition's high watermark after the last record handled (high watermark - offset - 1)",
        labelNames: ['contract', 'agent', 'partition'],
        registers: [registry],
      }),
  };
}

/** Default of ConsumerOptions.maxClockSkewMs. */
const DEFAULT_MAX_CLOCK_SKEW_MS = 5000;

const truncate = (text: string, max = 4096): string => (text.length > max ? text.slice(0, max - 3) + '...' : text);
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class Consumer<T> implements ContractConsumer {
  readonly stats: ConsumerStats = { processed: 0, failed: 0, retried: 0, deduped: 0, deadLettered: 0 };
  private consumer: TransportConsumer | undefined;
  private dlqProducer: TransportProducer | undefined;
  private serde: Serde<T> | undefined;
  private readonly dedupe: DedupeStore | undefined;
  private readonly nonces: NonceStore;
  private readonly halt: HaltSwitch;
  private readonly retry: RetryPolicy;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly metrics: Metrics | undefined;
  private readonly labels: { contract: string; agent: string };
  private unsubscribeHalt: (() => void) | undefined;
  private running = false;
  paused = false;

  constructor(
    readonly definition: ContractDefinition,
    private readonly options: ConsumerOptions<T>,
  ) {
    this.dedupe = options.dedupe === false ? undefined : (options.dedupe ?? memoryDedupeStore({ clock: options.clock }));
    this.halt = options.halt ?? HaltSwitch.process;
    this.retry = options.retry ?? DEFAULT_RETRY;
    if (!(this.retry.attempts >= 1)) throw new RangeError('retry.attempts must be >= 1');
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.metrics = options.metrics ? metricsIn(options.metrics) : undefined;
    this.labels = { contract: definition.name, agent: options.agent };
    const clock = this.clock;
    // nonces with the position of the record that carried each: a redelivery of the same record is
    // not a replay; kept past expiry by the skew allowed, since the TTL check allows as much
    this.nonces = new NonceStore({ max: 100_000, graceMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS, clock });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.serde = await Serde.create<T>({ subject: this.definition.subject, schema: this.definition.schema, resolver: this.options.resolver });
    this.dlqProducer = this.options.transport.producer();
    await this.dlqProducer.connect();
    const consumer = this.options.transport.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.definition.topic], fromBeginning: this.options.fromBeginning ?? false });
    await consumer.run({ handler: (record) => this.onRecord(record) });
    this.running = true;
    this.unsubscribeHalt = this.halt.onChange(() => this.applyHalt());
    this.applyHalt();
  }

  joined(): Promise<void> {
    if (!this.consumer) return Promise.reject(new Error('consumer not started'));
    return this.consumer.joined();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribeHalt?.();
    this.unsubscribeHalt = undefined;
    const consumer = this.consumer;
    const producer = this.dlqProducer;
    this.consumer = undefined;
    this.dlqProducer = undefined;
    await consumer?.disconnect();
    await producer?.disconnect();
  }

  private haltFor(): HaltIntent | undefined {
    return this.halt.haltFor({ role: 'consumer', contract: this.definition.name, agent: this.options.agent });
  }

  private applyHalt(): void {
    if (!this.running || !this.consumer) return;
    const halted = this.haltFor() !== undefined;
    if (halted === this.paused) return;
    this.paused = halted;
    if (halted) this.consumer.pause();
    else this.consumer.resume();
  }

  private count(name: 'processed' | 'failed' | 'retried' | 'deduped'): void {
    this.stats[name]++;
    this.metrics?.[name].inc(this.labels);
  }

  /** The transport's handler: resolves = commit; rejects = redeliver. */
  private async onRecord(record: IncomingRecord): Promise<void> {
    // a record fetched before the pause took effect: leave it for after the release
    const halt = this.haltFor();
    if (halt) throw new HaltedError(this.definition.name, halt);
    const started = process.hrtime.bigint();
    try {
      const outcome = await this.handleRecord(record);
      if (outcome instanceof DeadLetter) await this.deadLetter(record, outcome);
      // done with (handled, deduplicated or dead-lettered): the transport commits it next
      this.observeLag(record);
    } catch (error) {
      this.options.onError?.(error, record);
      throw error;
    } finally {
      this.metrics?.latency.observe(this.labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** contracts_consumer_lag of the record's partition; not set when the transport gives no high watermark. */
  private observeLag(record: IncomingRecord): void {
    if (!this.metrics || record.highWatermark === undefined) return;
    const behind = BigInt(record.highWatermark) - BigInt(record.offset) - 1n;
    this.metrics.lag.set({ ...this.labels, partition: String(record.partition) }, behind > 0n ? Number(behind) : 0);
  }

  private async handleRecord(record: IncomingRecord): Promise<DeadLetter | undefined> {
    const serde = this.serde;
    if (!serde) throw new Error('consumer not started');
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(record.headerValues);
    } catch (error) {
      if (error instanceof ContractsRuntimeError) return new DeadLetter(error.dlqReason, error.message, 1);
      throw error;
    }
    const now = this.clock();
    const maxClockSkewMs = this.options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    const check = checkEnvelope(envelope, {
      now,
      maxClockSkewMs,
      requireSignature: this.definition.policyGated,
      ...(this.options.verifySignature ? { verifySignature: this.options.verifySignature } : {}),
      nonceSeen: (nonce, expiresAtMs) => this.nonces.seen(nonce, expiresAtMs, record.partition, Number(record.offset)),
    });
    if (!check.ok) return new DeadLetter(check.reason, check.message, 1);

    const dedupeKey = `${this.options.groupId}/${this.definition.name}/${envelope.idempotencyKey}`;
    if (this.dedupe && !(await this.dedupe.claim(dedupeKey, this.options.dedupeTtlMs ?? 86_400_000))) {
      this.count('deduped');
      return undefined;
    }
    let handled = false;
    try {
      let value: T;
      try {
        value = await serde.decode(record.value ?? Buffer.alloc(0));
      } catch (error) {
        if (error instanceof ContractsRuntimeError) return new DeadLetter(error.dlqReason, error.message, 1);
        throw error;
      }
      const outcome = await this.runHandler(value, envelope, record);
      handled = outcome === undefined;
      return outcome;
    } finally {
      // not handled (dead-lettered or to be redelivered): free the key for the redelivery / a replay
      if (!handled && this.dedupe) await this.dedupe.release(dedupeKey);
    }
  }

  private async runHandler(value: T, envelope: Envelope, record: IncomingRecord): Promise<DeadLetter | undefined> {
    const timeoutMs = this.options.handlerTimeoutMs ?? 30_000;
    // The handler runs in the context the application's global propagator extracts from the
    // record's headers (a W3C trace-context propagator: the producer's span as remote parent), on
    // top of ROOT_CONTEXT so nothing of the fetch loop's context leaks in. Nothing is hard-coded:
    // with no propagator registered (@opentelemetry/api's default is a no-op) the handler runs in
    // ROOT_CONTEXT and the trace is not continued automatically; the traceparent stays available
    // as ctx.envelope.traceparent (and ctx.record.headers.traceparent) for the handler to link or
    // parent its spans by hand. context.with needs a registered context manager (an OpenTelemetry
    // SDK registers one) to carry the context across the handler's awaits.
    const parent = propagation.extract(ROOT_CONTEXT, record.headers, headerGetter);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (attempt > 1) {
        this.count('retried');
        await this.sleep(backoffMs(this.retry, attempt - 1, this.options.random));
      }
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new HandlerTimeoutError(`handler did not settle within ${timeoutMs} ms`);
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        });
        const ctx: MessageContext = { envelope, record, attempt, signal: controller.signal };
        await Promise.race([context.with(parent, () => Promise.resolve().then(() => this.options.handler(value, ctx))), timeout]);
        this.count('processed');
        return undefined;
      } catch (error) {
        lastError = error;
        this.count('failed');
      } finally {
        clearTimeout(timer);
      }
    }
    return new DeadLetter('HANDLER_FAILED', errorText(lastError), this.retry.attempts);
  }

  private async deadLetter(record: IncomingRecord, letter: DeadLetter): Promise<void> {
    const producer = this.dlqProducer;
    if (!producer) throw new Error('consumer not started');
    const headers: Record<string, TransportHeaderValue | TransportHeaderValue[]> = {};
    for (const [name, values] of Object.entries(record.headerValues)) if (!name.startsWith('dlq_')) headers[name] = values;
    headers[DLQ_HEADERS.reason] = letter.reason;
    headers[DLQ_HEADERS.error] = truncate(letter.message);
    headers[DLQ_HEADERS.originalTopic] = record.topic;
    headers[DLQ_HEADERS.originalPartition] = String(record.partition);
    headers[DLQ_HEADERS.originalOffset] = record.offset;
    headers[DLQ_HEADERS.consumer] = this.options.agent;
    headers[DLQ_HEADERS.consumerGroup] = this.options.groupId;
    headers[DLQ_HEADERS.attempts] = String(letter.attempts);
    headers[DLQ_HEADERS.failedAtMs] = String(this.clock());
    await producer.send([{ topic: this.definition.dlqTopic, key: record.key, value: record.value ?? Buffer.alloc(0), headers }]);
    this.stats.deadLettered++;
    this.metrics?.deadLettered.inc({ ...this.labels, reason: letter.reason });
  }
}

/** A consumer of `definition`'s values (T: the contract's generated type). Call start(). */
export function createConsumer<T>(definition: ContractDefinition, options: ConsumerOptions<T>): ContractConsumer {
  return new Consumer<T>(definition, options);
}
