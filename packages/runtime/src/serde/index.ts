export { decodeFrame, encodeFrame, isSchemaId, MAGIC_BYTE_GUID, MAGIC_BYTE_ID, MAX_SCHEMA_ID, type DecodedFrame } from './frame';
export { DecimalType, formatDecimal, fromTwosComplement, parseDecimal, toTwosComplement, type DecimalSpec } from './decimal';
export {
  AVRO_LOGICAL_TYPES,
  avroIssues,
  avroReferenceOrder,
  buildAvroType,
  compileJsonValidator,
  jsonDialect,
  pointer,
  type ContractSchema,
  type JsonDialect,
  type JsonValidator,
  type SchemaFormat,
} from './schema';
export { InMemorySchemaResolver, RegistrySchemaResolver, schemaKey, type RegistrySchemaResolverOptions, type SchemaResolver } from './resolver';
export { Serde, type SerdeOptions } from './serde';
