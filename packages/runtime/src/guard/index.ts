export {
  GUARD_REASON_CODES,
  isPolicyDecision,
  reasonCode,
  type GuardDecision,
  type GuardReasonCode,
  type PolicyDecision,
  type PolicyEvaluator,
} from './decision';
export { PolicyDeniedError } from './errors';
export { GuardBundleError, PolicyGuard, type GuardStatus, type GuardUpdate, type GuardUpdateOutcome, type PolicyGuardOptions } from './guard';
export { contractJsonWriter, decimalLiteral, policyInputEncoder, type ContractJsonWriter } from './policy-json';
export {
  createGuardedProducer,
  type GuardedProducer,
  type GuardedProducerOptions,
  type GuardedSendOptions,
  type GuardedSendResult,
  type ProducerGuard,
} from './producer';
export { type BundleSource } from './source';
