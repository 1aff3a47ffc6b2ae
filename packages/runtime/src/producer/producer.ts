/**
 * `createProducer`: one contract's producer. `send(value)` validates (a ValidationError listing
 * every failing path, thrown before anything is sent) -> encodes in the wire format -> adds the
 * envelope headers -> sends, keyed by the contract's key field. Refuses with HaltedError while
 * the HaltSwitch covers it.
 *
 * Delivery is at least once: a send the brokers did not acknowledge rejects with ProduceError,
 * which names the idempotency key (and message id) it used. The record may have been written all
 * the same, so send again with that key: consumers deduplicate by idempotency key, which makes
 * at-least-once produce plus consumer dedupe exactly-once handling.
 */
import { trace } from '@opentelemetry/api';
import { buildEnvelope, newTraceparent } from '../envelope';
import { HALT_CONTRACT, HaltedError, HaltSwitch } from '../halt/halt';
import { Serde, type SchemaResolver } from '../serde';
import { TransportError, TransportSendError } from '../transport/errors';
import type { RecordMetadata, Transport, TransportProducer } from '../transport/types';
import { messageKey, type ContractDefinition } from './contract';

export interface ProducerOptions {
  readonly transport: Transport;
  readonly resolver: SchemaResolver;
  /** SPIFFE ID of this workload (the envelope's `producer` header). */
  readonly producerIdentity: string;
  /** Agent name, for AGENT-scoped halts. */
  readonly agent?: string;
  /** Default HaltSwitch.process. */
  readonly halt?: HaltSwitch;
  /** Epoch ms for issued_at_ms (default Date.now). */
  readonly clock?: () => number;
}

export interface SendOptions {
  /** Default: the message id, new per send (no deduplication across sends). Reuse ProduceError.idempotencyKey to retry a failed send. */
  readonly idempotencyKey?: string;
  /** Default: a new UUID. Reuse ProduceError.messageId to keep the message id of a retried send. */
  readonly messageId?: string;
  /** Default: the definition's defaultTtlMs, else 60 000. */
  readonly ttlMs?: number;
  /** W3C traceparent; default the active OpenTelemetry span's, else a new trace. */
  readonly traceparent?: string;
  /** Required on a policy-gated contract (with signature). */
  readonly policyHash?: string;
  readonly signature?: string;
}

export interface SendResult extends RecordMetadata {
  readonly messageId: string;
  readonly idempotencyKey: string;
}

export interface ContractProducer<T> {
  readonly definition: ContractDefinition;
  /** Connects and resolves the schema id (send does it on first use otherwise). */
  connect(): Promise<void>;
  send(value: T, options?: SendOptions): Promise<SendResult>;
  disconnect(): Promise<void>;
}

/**
 * The send was not acknowledged by the brokers (the transport's error, e.g. TransportSendError, is
 * the cause); nothing before the transport failed. Whether the record was written is unknown: retry
 * with `{ idempotencyKey, messageId }` of this error and consumers handle it at most once.
 */
export class ProduceError extends TransportError {
  override readonly name = 'ProduceError';
  constructor(
    readonly contract: string,
    readonly idempotencyKey: string,
    readonly messageId: string,
    /** A later attempt may succeed (from TransportSendError.retriable; true for other transport errors). */
    readonly retriable: boolean,
    cause: unknown,
  ) {
    super(
      `${contract}: send of message ${messageId} (idempotency key ${idempotencyKey}) was not acknowledged, it may or may not have been written; ` +
        `retry with the same idempotency key: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The traceparent of the active span, or of a new random trace. */
export function currentTraceparent(): string {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (ctx && trace.isSpanContextValid(ctx)) return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  return newTraceparent();
}

class Producer<T> implements ContractProducer<T> {
  private ready: Promise<{ serde: Serde<T>; producer: TransportProducer }> | undefined;
  private readonly halt: HaltSwitch;

  constructor(
    readonly definition: ContractDefinition,
    private readonly options: ProducerOptions,
  ) {
    this.halt = options.halt ?? HaltSwitch.process;
  }

  connect(): Promise<void> {
    return this.init().then(() => undefined);
  }

  private init(): Promise<{ serde: Serde<T>; producer: TransportProducer }> {
    this.ready ??= (async () => {
      const serde = await Serde.create<T>({ subject: this.definition.subject, schema: this.definition.schema, resolver: this.options.resolver });
      const producer = this.options.transport.producer();
      await producer.connect();
      return { serde, producer };
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private refuseIfHalted(): void {
    // the kill switch's own contract is never halted: RELEASE must get through
    if (this.definition.name === HALT_CONTRACT) return;
    const halt = this.halt.haltFor({ role: 'producer', contract: this.definition.name, agent: this.options.agent });
    if (halt) throw new HaltedError(this.definition.name, halt);
  }

  async send(value: T, options: SendOptions = {}): Promise<SendResult> {
    this.refuseIfHalted();
    const { serde, producer } = await this.init();
    // encode validates (ValidationError listing every failing path) before anything is sent
    const bytes = serde.encode(value);
    if (this.definition.policyGated && (options.policyHash === undefined || options.signature === undefined))
      throw new Error(`${this.definition.name} is policy-gated: send needs policyHash and signature`);
    const headers = buildEnvelope(
      {
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
        traceparent: options.traceparent ?? currentTraceparent(),
        ttlMs: options.ttlMs ?? this.definition.defaultTtlMs ?? 60_000,
        producer: this.options.producerIdentity,
        schemaRef: { kind: 'id', id: serde.schemaId },
        ...(options.policyHash === undefined ? {} : { policyHash: options.policyHash }),
        ...(options.signature === undefined ? {} : { signature: options.signature }),
      },
      this.options.clock ? { clock: this.options.clock } : {},
    );
    // a halt that arrived while the schema id was resolved still stops this send
    this.refuseIfHalted();
    const messageId = headers['message_id'] ?? '';
    const idempotencyKey = headers['idempotency_key'] ?? '';
    let meta: RecordMetadata | undefined;
    try {
      [meta] = await producer.send([{ topic: this.definition.topic, key: messageKey(this.definition, value), value: bytes, headers }]);
    } catch (error) {
      const retriable = error instanceof TransportSendError ? error.retriable : true;
      throw new ProduceError(this.definition.name, idempotencyKey, messageId, retriable, error);
    }
    return {
      topic: meta?.topic ?? this.definition.topic,
      partition: meta?.partition ?? -1,
      baseOffset: meta?.baseOffset ?? '-1',
      messageId,
      idempotencyKey,
    };
  }

  async disconnect(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    if (ready) await (await ready).producer.disconnect();
  }
}

/** A producer of `definition`'s values (T: the contract's generated type). */
export function createProducer<T>(definition: ContractDefinition, options: ProducerOptions): ContractProducer<T> {
  return new Producer<T>(definition, options);
}
