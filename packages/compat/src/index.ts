export * from './types';
export {
  checkLevel,
  checkCompatibility,
  prepare,
  type CompatOptions,
  type CompatResult,
  type LeveledIncompatibility,
  type PreparedSchema,
  type SchemaFormat,
  type JsonPolicy,
} from './levels';
export { canonicalForm, contentHash, fingerprint, sameSchema, stableStringify } from './canonical';
export { COMPAT_RULES, compatRule } from './rules';
export { compileAvro, checkAvroReaderWriter, avroCanonicalForm, AvroSchemaError, type CompiledAvro } from './avro';
export { diffJsonSchemas, checkJsonReaderWriter, SchemaLoadError } from './json';
