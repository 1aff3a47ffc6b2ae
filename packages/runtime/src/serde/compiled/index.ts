export { compileAvroCodec, compileAvroTypeCodec, compiledAvroSource, InvalidValueError, type CompiledAvroCodec } from './compile';
