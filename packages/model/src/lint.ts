import type { AvroAnalysis } from './avro';
import type { Diagnostic } from './diagnostics';
import { forEachSubschema, SCHEMA_BASE_URI } from './json-schema';
import type { LocatedDocument } from './located';
import { pointerOf } from './located';
import type { SchemaFormat } from './model';
import { CONTRACT_NAME, expectedAvroName, expectedContractFile, SNAKE_CASE, UPPER_SNAKE_CASE } from './naming';
import type { LintRuleId, RuleId } from './rules';

/** What a lint rule sees of one contract. */
export interface LintInput {
  readonly contract: string;
  readonly format: SchemaFormat;
  /** The schema file's path relative to schemas/. */
  readonly fileUnderSchemas: string;
  readonly schema: LocatedDocument;
  /** Present for Avro contracts. */
  readonly avro?: AvroAnalysis;
  /** schemas/contracts.yaml, and the pointer of this contract's entry in it. */
  readonly manifest: LocatedDocument;
  readonly manifestPointer: string;
  /** Earlier recorded revisions of this contract's schema (plain JSON), oldest first. */
  readonly history: readonly unknown[];
}

type LintCheck = (input: LintInput) => Diagnostic[];

function at(doc: LocatedDocument, pointer: string, rule: RuleId, message: string, hint: string, part: 'key' | 'value' = 'value'): Diagnostic {
  return doc.source.diagnostic(doc.offsetOf(pointer, part), rule, message, hint);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasText(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Every JSON Schema `properties` entry: name, pointer of the key, and its schema. */
function jsonProperties(input: LintInput): { name: string; pointer: string; schema: unknown }[] {
  const out: { name: string; pointer: string; schema: unknown }[] = [];
  forEachSubschema(input.schema.value, '', (schema, pointer) => {
    const properties = schema['properties'];
    if (!isObject(properties)) return;
    for (const [name, sub] of Object.entries(properties)) out.push({ name, pointer: pointer + pointerOf(['properties', name]), schema: sub });
  });
  return out;
}

const contractName: LintCheck = (input) =>
  CONTRACT_NAME.test(input.contract)
    ? []
    : [
        at(
          input.manifest,
          input.manifestPointer,
          'contract-name',
          `contract name "${input.contract}" is not <domain>.<kind>.<name>.v<MAJOR>`,
          'Use lower snake_case parts, a kind of intent|event|state|audit|dlq and a major version, e.g. execution.event.fill.v1.',
          'key',
        ),
      ];

const fileName: LintCheck = (input) => {
  const out: Diagnostic[] = [];
  const expected = expectedContractFile(input.contract, input.format);
  if (input.fileUnderSchemas !== expected) {
    out.push(
      at(
        input.manifest,
        `${input.manifestPointer}/file`,
        'file-name',
        `file "${input.fileUnderSchemas}" does not match contract "${input.contract}"`,
        `Rename the file to schemas/${expected} and point "file" at it.`,
      ),
    );
  }
  const root = input.schema.value;
  if (!isObject(root)) return out;
  if (input.format === 'avro' && input.avro?.topName !== undefined) {
    const want = expectedAvroName(input.contract);
    if (input.avro.topName !== want) {
      out.push(
        at(
          input.schema,
          '/name',
          'file-name',
          `top-level record is "${input.avro.topName}", expected "${want}"`,
          `Set "namespace": "${want.slice(0, want.lastIndexOf('.'))}" and "name": "${want.slice(want.lastIndexOf('.') + 1)}".`,
        ),
      );
    }
  }
  if (input.format === 'json') {
    const wantId = SCHEMA_BASE_URI + expected;
    if (root['$id'] !== wantId)
      out.push(at(input.schema, '/$id', 'file-name', `"$id" is ${JSON.stringify(root['$id'] ?? null)}, expected "${wantId}"`, `Set "$id": "${wantId}".`));
    if (root['title'] !== input.contract)
      out.push(
        at(
          input.schema,
          '/title',
          'file-name',
          `"title" is ${JSON.stringify(root['title'] ?? null)}, expected the contract name`,
          `Set "title": "${input.contract}".`,
        ),
      );
  }
  return out;
};

const fieldDoc: LintCheck = (input) => {
  const out: Diagnostic[] = [];
  if (input.avro) {
    for (const named of input.avro.named) {
      if (!hasText(named.schema['doc']))
        out.push(at(input.schema, named.pointer, 'field-doc', `${named.kind} "${named.fullname}" has no doc`, 'Add "doc": what it is.'));
    }
    for (const field of input.avro.fields) {
      if (!hasText(field.schema['doc']))
        out.push(
          at(
            input.schema,
            field.pointer,
            'field-doc',
            `field "${field.name}" of "${field.record}" has no doc`,
            'Add "doc": what it holds and its unit (quote currency, base units, UTC epoch ms, bps ...).',
          ),
        );
    }
  } else {
    for (const property of jsonProperties(input)) {
      if (!isObject(property.schema) || !hasText(property.schema['description'])) {
        out.push(
          at(
            input.schema,
            property.pointer,
            'field-doc',
            `property "${property.name}" has no description`,
            'Add "description": what it holds and its unit.',
            'key',
          ),
        );
      }
    }
  }
  return out;
};

const fieldSnakeCase: LintCheck = (input) => {
  const names = input.avro
    ? input.avro.fields.map((f) => ({ name: f.name, pointer: `${f.pointer}/name`, part: 'value' as const }))
    : jsonProperties(input).map((p) => ({ name: p.name, pointer: p.pointer, part: 'key' as const }));
  return names
    .filter((n) => !SNAKE_CASE.test(n.name))
    .map((n) => at(input.schema, n.pointer, 'field-snake-case', `"${n.name}" is not snake_case`, `Rename it to "${toSnake(n.name)}".`, n.part));
};

function toSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
}

const enumUpperSnake: LintCheck = (input) => {
  const out: Diagnostic[] = [];
  const check = (symbol: unknown, pointer: string): void => {
    if (typeof symbol === 'string' && !UPPER_SNAKE_CASE.test(symbol)) {
      out.push(
        at(input.schema, pointer, 'enum-upper-snake', `enum symbol "${symbol}" is not UPPER_SNAKE_CASE`, `Rename it to "${toSnake(symbol).toUpperCase()}".`),
      );
    }
  };
  if (input.avro) {
    for (const named of input.avro.named) {
      const symbols = named.schema['symbols'];
      if (named.kind === 'enum' && Array.isArray(symbols)) symbols.forEach((s, i) => check(s, `${named.pointer}/symbols/${i}`));
    }
  } else {
    forEachSubschema(input.schema.value, '', (schema, pointer) => {
      const values = schema['enum'];
      if (Array.isArray(values)) values.forEach((v, i) => check(v, `${pointer}/enum/${i}`));
    });
  }
  return out;
};

function isNullableUnion(type: unknown): boolean {
  return Array.isArray(type) && type.some((t) => t === 'null' || (isObject(t) && t['type'] === 'null'));
}

/** Field names of the top-level record of an Avro schema given as plain JSON. */
function topLevelFieldNames(schema: unknown): Set<string> | undefined {
  if (!isObject(schema) || !Array.isArray(schema['fields'])) return undefined;
  return new Set((schema['fields'] as unknown[]).filter(isObject).map((f) => String(f['name'])));
}

const avroEvolutionDefault: LintCheck = (input) => {
  if (!input.avro) return [];
  const out: Diagnostic[] = [];
  const first = input.history.length > 0 ? topLevelFieldNames(input.history[0]) : undefined;
  const topName = input.avro.topName;
  for (const field of input.avro.fields) {
    if ('default' in field.schema) continue;
    if (isNullableUnion(field.schema['type'])) {
      out.push(
        at(
          input.schema,
          field.pointer,
          'avro-evolution-default',
          `optional field "${field.name}" has no default`,
          'Put "null" first in the union and add "default": null, so readers can fill it when a writer omits it.',
        ),
      );
    } else if (first && field.record === topName && !first.has(field.name)) {
      out.push(
        at(
          input.schema,
          field.pointer,
          'avro-evolution-default',
          `field "${field.name}" was added after the first revision and has no default`,
          'Add a "default" so readers of the new schema can read data written with older revisions.',
        ),
      );
    }
  }
  return out;
};

const jsonAdditionalProperties: LintCheck = (input) => {
  if (input.format !== 'json') return [];
  const out: Diagnostic[] = [];
  forEachSubschema(input.schema.value, '', (schema, pointer) => {
    const isObjectSchema =
      schema['type'] === 'object' || (Array.isArray(schema['type']) && schema['type'].includes('object')) || isObject(schema['properties']);
    if (isObjectSchema && !('additionalProperties' in schema) && !('unevaluatedProperties' in schema)) {
      out.push(
        at(
          input.schema,
          pointer,
          'json-additional-properties',
          'object schema does not state "additionalProperties"',
          'Add "additionalProperties": false (closed) or a schema/true (open); it decides how this contract may evolve.',
        ),
      );
    }
  });
  return out;
};

/** The lint rules, by ID. Each has test vectors in packages/model/test/vectors/<id>.json. */
export const LINT_CHECKS: Readonly<Record<LintRuleId, LintCheck>> = {
  'contract-name': contractName,
  'file-name': fileName,
  'field-doc': fieldDoc,
  'field-snake-case': fieldSnakeCase,
  'enum-upper-snake': enumUpperSnake,
  'avro-evolution-default': avroEvolutionDefault,
  'json-additional-properties': jsonAdditionalProperties,
};

export function lintContract(input: LintInput, disabled: ReadonlySet<RuleId>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const id of Object.keys(LINT_CHECKS) as LintRuleId[]) {
    if (!disabled.has(id)) out.push(...LINT_CHECKS[id](input));
  }
  return out;
}
