/** Errors of the Kafka transport that callers are expected to branch on. */

export class TransportError extends Error {
  override readonly name: string = 'TransportError';
}

/**
 * A send whose records were not acknowledged: brokers unreachable or timing out once the client's
 * retries were spent, or a broker refusing the records. The outcome is unknown: a request that
 * timed out may still have been appended, so some records may be on their topics.
 */
export class TransportSendError extends TransportError {
  override readonly name = 'TransportSendError';
  constructor(
    /** Topics of the records of the failed send. */
    readonly topics: string[],
    /** A later attempt may succeed (false: e.g. a record too large, authorisation denied). */
    readonly retriable: boolean,
    cause: unknown,
  ) {
    super(`send to ${topics.join(', ')} failed${retriable ? '' : ' (not retriable)'}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * The idempotent producer could not be initialised because the cluster's metadata names a
 * controller broker that does not exist. This is what librdkafka's mock cluster does (controller
 * id 0 while brokers are numbered 1..N): idempotence, transactions and admin calls that go to the
 * controller cannot work there. Use `idempotent: false` against the mock; real Kafka is unaffected.
 */
export class IdempotentProducerUnsupportedError extends TransportError {
  override readonly name = 'IdempotentProducerUnsupportedError';
  constructor(
    readonly brokers: string[],
    cause: unknown,
  ) {
    super(
      `the idempotent producer cannot connect to ${brokers.join(',')}: the cluster's metadata names a controller broker it does not list ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). librdkafka's mock cluster always reports controller id 0, so ` +
        `InitProducerId cannot be sent; use { idempotent: false } against the mock broker. On real Kafka this means broken metadata.`,
      { cause },
    );
  }
}
