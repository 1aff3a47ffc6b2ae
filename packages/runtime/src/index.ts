/** @dynamic-capital/contracts-runtime: what generated SDKs import. */
export * from './errors';
export * from './serde';
export * from './envelope';
export * from './transport/types';
export * from './transport/errors';
export * from './transport/kafkajs';
export * from './producer';
export * from './consumer';
export * from './halt';
export * from './dedupe';
export * from './guard';
