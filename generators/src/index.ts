export {
  avroToTypeScript,
  jsonSchemaToTypeScript,
  contractTypeName,
  contractTypes,
  type AvroToTypeScriptOptions,
  type JsonSchemaToTypeScriptOptions,
} from './types';
