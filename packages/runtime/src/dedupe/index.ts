export { memoryDedupeStore, redisDedupeStore, type DedupeStore, type MemoryDedupeOptions } from './dedupe';
