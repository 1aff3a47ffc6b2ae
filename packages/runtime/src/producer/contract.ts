/**
 * `ContractDefinition`: everything the runtime needs to know about one contract. A generated SDK
 * passes one in per contract; tests build them with `defineContract`.
 */
import type { ContractSchema, SchemaFormat } from '../serde';

export interface ContractDefinition {
  /** Contract name `<domain>.<kind>.<name>.v<MAJOR>`, e.g. `execution.event.fill.v1`. */
  readonly name: string;
  /** Kafka topic the contract is carried on (the contract name in this repository). */
  readonly topic: string;
  /** Dead-letter topic: `<contract>.dlq`. */
  readonly dlqTopic: string;
  /** Registry subject of the value schema: `<contract>-value`. */
  readonly subject: string;
  readonly format: SchemaFormat;
  /** The canonical schema document with every schema it references. */
  readonly schema: ContractSchema;
  /**
   * Top-level field of the value whose value is the Kafka key (so all messages of one entity
   * stay ordered on one partition); null = no key (round-robin).
   */
  readonly keyField: string | null;
  /** Policy-gated: producers must send policy_hash and signature; consumers require them. */
  readonly policyGated: boolean;
  /** TTL of a message when `send` is given none (default 60 000 ms). */
  readonly defaultTtlMs?: number;
}

/** Input of `defineContract`: the name and schema, the rest derived by the naming rules. */
export interface ContractDefinitionInput {
  readonly name: string;
  readonly schema: ContractSchema;
  readonly keyField?: string | null;
  readonly policyGated?: boolean;
  readonly topic?: string;
  readonly defaultTtlMs?: number;
}

/** A definition with topic = name, dlqTopic = `<name>.dlq`, subject = `<name>-value`. */
export function defineContract(input: ContractDefinitionInput): ContractDefinition {
  const topic = input.topic ?? input.name;
  return {
    name: input.name,
    topic,
    dlqTopic: `${input.name}.dlq`,
    subject: `${input.name}-value`,
    format: input.schema.format,
    schema: input.schema,
    keyField: input.keyField ?? null,
    policyGated: input.policyGated ?? false,
    ...(input.defaultTtlMs === undefined ? {} : { defaultTtlMs: input.defaultTtlMs }),
  };
}

/** The Kafka key of a value: its `keyField` as a string, or null. */
export function messageKey(definition: ContractDefinition, value: unknown): string | null {
  if (definition.keyField === null || value === null || typeof value !== 'object') return null;
  const field = (value as Record<string, unknown>)[definition.keyField];
  if (typeof field === 'string') return field;
  if (typeof field === 'number' || typeof field === 'bigint' || typeof field === 'boolean') return String(field);
  return null;
}
