export {
  avroToTypeScript,
  jsonSchemaToTypeScript,
  contractTypeName,
  contractTypes,
  type AvroToTypeScriptOptions,
  type JsonSchemaToTypeScriptOptions,
} from './types';
export { generateSdkPackages, sdkPackageDir, sdkPackageName, SDK_VERSION, RUNTIME_PACKAGE, RUNTIME_VERSION, type GeneratedFile } from './sdk';
