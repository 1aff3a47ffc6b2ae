export { createRegistryService, type RegistryServiceOptions } from './registry';
export { normalizedText, canonicalText } from './forms';
export * from './types';
export { withReadCache, type ReadCacheOptions } from './cached';
