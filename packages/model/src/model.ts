import type { LocatedDocument } from './located';
import type { RuleId } from './rules';

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const CONTRACT_KINDS = ['intent', 'event', 'state', 'audit', 'dlq'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

export type SchemaFormat = 'avro' | 'json';

/** A schema file another schema depends on (Avro named type or JSON Schema $ref target). */
export interface SchemaReference {
  /** Avro: the full name of the referenced type; JSON Schema: the referenced document's $id. */
  readonly name: string;
  /** Path of the referenced file, relative to the project root. */
  readonly file: string;
}

/** A schema file, parsed: a contract's own file or a shared one under schemas/shared/. */
export interface SchemaDocument {
  readonly file: string;
  readonly format: SchemaFormat;
  readonly document: LocatedDocument;
  /** Avro: the top-level type's full name; JSON Schema: the $id (or the path-derived base URI). */
  readonly name: string;
  /** Direct references to other files, sorted by file. */
  readonly references: readonly SchemaReference[];
  /** JSON Schema only: the dialect. */
  readonly dialect?: 'draft-07' | '2020-12';
}

export interface Contract {
  readonly name: string;
  readonly domain: string;
  readonly kind: string;
  readonly major: number;
  readonly file: string;
  readonly format: SchemaFormat;
  /** Kafka topic; null for a contract carried in headers or on per-contract topics (DLQ). */
  readonly topic: string | null;
  readonly compatibility: CompatibilityLevel;
  readonly owner: string;
  readonly key: string | null;
  readonly policyGated: boolean;
  readonly carrier: 'value' | 'headers';
  readonly producedBy: 'agents' | 'runtime';
  /** Rules switched off for this contract, with the reason given. */
  readonly disabledRules: ReadonlyMap<RuleId, string>;
  /** The parsed schema; undefined when the file is missing or does not parse. */
  readonly schema?: SchemaDocument;
  /** Agents that produce / consume it, sorted. */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

export interface Agent {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly owner: string;
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
  readonly guards: readonly string[];
  readonly slo: { readonly p95LatencyMs: number };
  readonly rateLimit: { readonly messagesPerSecond: number; readonly burst: number };
}

export interface RegoModule {
  readonly file: string;
  readonly packageName: string | null;
  readonly isTest: boolean;
  readonly text: string;
}

export interface PolicyPack {
  readonly name: string;
  readonly dir: string;
  readonly version: string | null;
  readonly owner: string | null;
  readonly packageName: string | null;
  readonly entrypoints: readonly string[];
  readonly gates: readonly string[];
  readonly modules: readonly RegoModule[];
  /** data.toml as JSON, placed under data.<package> in a bundle; {} when absent. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Everything in schemas/, agents/ and policies/, cross-linked. Maps are sorted by key. */
export interface ContractGraph {
  readonly root: string;
  readonly contracts: ReadonlyMap<string, Contract>;
  /** Shared schema files (schemas/shared/...), by file. */
  readonly shared: ReadonlyMap<string, SchemaDocument>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly policies: ReadonlyMap<string, PolicyPack>;
}
