import type { CompatRule } from '../types';

/** Avro's SchemaIncompatibilityType names, plus the one case where Avro throws instead of answering. */
export type AvroRuleId =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH'
  | 'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS';

function rule(id: AvroRuleId, doc: string): CompatRule {
  return { id, format: 'avro', doc, compatible: false };
}

export const AVRO_RULES: readonly CompatRule[] = [
  rule('NAME_MISMATCH', "A reader record, enum or fixed has neither the writer's unqualified name nor an alias for the writer's full name."),
  rule('FIXED_SIZE_MISMATCH', 'A reader fixed and the writer fixed it reads differ in size.'),
  rule('MISSING_ENUM_SYMBOLS', 'The writer enum has symbols the reader enum lacks, and the reader enum has no default.'),
  rule('READER_FIELD_MISSING_DEFAULT_VALUE', 'A reader field matches no writer field, by name or alias, and has no default.'),
  rule('TYPE_MISMATCH', 'The reader type cannot read the writer type: they differ and no promotion applies (int→long→float→double, string↔bytes).'),
  rule('MISSING_UNION_BRANCH', 'No branch of the reader union reads the writer type, or one branch of the writer union.'),
  rule(
    'READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS',
    'A reader field matches several writer fields through its name and aliases (Avro throws; Confluent Schema Registry rejects the change).',
  ),
];
