export { defineContract, messageKey, type ContractDefinition, type ContractDefinitionInput } from './contract';
export { createProducer, currentTraceparent, ProduceError, type ContractProducer, type ProducerOptions, type SendOptions, type SendResult } from './producer';
