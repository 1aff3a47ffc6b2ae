/** Avro schema compatibility with Apache Avro 1.11's verdicts (as Confluent Schema Registry gives them). */
export { compileAvro, AvroSchemaError, type CompileAvroOptions } from './compile';
export { checkAvroReaderWriter, type AvroIncompatibility } from './check';
export { avroCanonicalForm, avroFingerprint } from './canonical';
export { AVRO_RULES, type AvroRuleId } from './rules';
export type { AvroField, AvroKind, AvroNode, AvroTypeName, CompiledAvro } from './graph';
