/**
 * Errors of the runtime SDK. Every error that makes a consumer dead-letter a message carries the
 * DLQ reason code of platform.dlq.record.v1 (`dlqReason`), so the consumer maps errors to DLQ
 * records without string matching.
 */

/** The `reason` enum of platform.dlq.record.v1, in the schema's order. */
export const DLQ_REASONS = [
  'INVALID_FRAME',
  'UNKNOWN_SCHEMA_ID',
  'VALIDATION_FAILED',
  'TTL_EXPIRED',
  'NONCE_REPLAYED',
  'CLOCK_SKEW',
  'SIGNATURE_INVALID',
  'HANDLER_FAILED',
  'POLICY_DENIED',
] as const;
export type DlqReason = (typeof DLQ_REASONS)[number];

/** Base class of the runtime's errors. */
export abstract class ContractsRuntimeError extends Error {
  /** The DLQ reason a consumer records when this error stops a message. */
  abstract readonly dlqReason: DlqReason;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** TOO_SHORT / UNKNOWN_MAGIC_BYTE / INVALID_SCHEMA_ID: the prefix; CORRUPT_PAYLOAD: the bytes after it do not decode. */
export type InvalidFrameReason = 'TOO_SHORT' | 'UNKNOWN_MAGIC_BYTE' | 'INVALID_SCHEMA_ID' | 'CORRUPT_PAYLOAD';

/** A record value that is not a schema-registry wire-format frame. */
export class InvalidFrameError extends ContractsRuntimeError {
  readonly dlqReason = 'INVALID_FRAME' as const;
  constructor(
    readonly reason: InvalidFrameReason,
    message: string,
  ) {
    super(message);
  }
}

/** The frame names a schema the registry does not know, or one that is not a version of this contract. */
export class UnknownSchemaIdError extends ContractsRuntimeError {
  readonly dlqReason = 'UNKNOWN_SCHEMA_ID' as const;
  constructor(
    /** The id of a magic-byte-0 frame, or the GUID of a magic-byte-1 frame. */
    readonly schemaId: number | string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One failing location of a value: JSON Pointer into the value (`""` = the value itself) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A value that fails its contract's schema; `issues` lists every failing path, not just the first. */
export class ValidationError extends ContractsRuntimeError {
  readonly dlqReason = 'VALIDATION_FAILED' as const;
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `${subject}: ${issues.length} validation error${issues.length === 1 ? '' : 's'}: ` +
        issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; '),
    );
  }
}

export type EnvelopeProblem = 'MISSING' | 'MALFORMED' | 'AMBIGUOUS';

/** An envelope header (platform.state.envelope.v1) that is missing, malformed or repeated with different values. */
export class EnvelopeError extends ContractsRuntimeError {
  readonly dlqReason = 'VALIDATION_FAILED' as const;
  constructor(
    readonly header: string,
    readonly problem: EnvelopeProblem,
    message: string,
  ) {
    super(message);
  }
}
