/**
 * `createGuardedProducer`: a producer whose every send is decided by a guard first.
 *
 *   send(value, { policyInput, signature, ... }):
 *     halted? -> HaltedError
 *     policy-gated contract without signature -> Error (nothing evaluated)
 *     validate value -> ValidationError listing every failing path
 *     guard.evaluate(input(value, policyInput)) -> denied: PolicyDeniedError (reasons, policyHash); nothing is sent
 *     approve(value, decision) (optional: e.g. stamp decision.policyHash into the value)
 *     send as createProducer does, with the envelope's policy_hash = decision.policyHash
 *
 * The policy_hash header is always the hash of the bundle that made this decision (not whichever
 * bundle is active when the record leaves). The `signature` header stays the caller's, exactly as
 * with createProducer: a policy-gated contract needs it (`<algorithm>:<base64url>`, e.g.
 * `ed25519:...`; consumers require it and check it with their `verifySignature`). The guard does
 * not sign. A signature that must cover the approved value (with its policy_hash) cannot be
 * passed in before the decision: then evaluate the guard yourself, build and sign the value, and
 * send it through createProducer with `{ policyHash: decision.policyHash, signature }`.
 */
import { ValidationError, type ValidationIssue } from '../errors';
import { HALT_CONTRACT, HaltedError, HaltSwitch } from '../halt/halt';
import { type ContractDefinition } from '../producer/contract';
import { createProducer, type ProducerOptions, type SendOptions, type SendResult } from '../producer/producer';
import { avroIssues, buildAvroType, compileJsonValidator } from '../serde/schema';
import type { GuardDecision, PolicyDecision, PolicyEvaluator } from './decision';
import { PolicyDeniedError } from './errors';

export interface ProducerGuard<T, Input, Decision extends PolicyDecision, Context> {
  /** The guard that decides (a PolicyGuard; any PolicyEvaluator in tests). */
  readonly guard: PolicyEvaluator<Input, Decision>;
  /** The guard's input for a value and the send's `policyInput` (e.g. `{ intent: value, context, now_ms }`). Its exceptions propagate; nothing is sent. */
  readonly input: (value: T, policyInput: Context) => Input;
  /**
   * The value to send once allowed (default: the value as given), e.g. with the policy fields of
   * order.intent.route.v1 filled from the decision (policy_hash, policy_revision,
   * decision_reasons). It is validated again.
   */
  readonly approve?: (value: T, decision: GuardDecision<Decision>) => T;
}

export interface GuardedProducerOptions<T, Input, Decision extends PolicyDecision, Context> extends ProducerOptions {
  readonly guard: ProducerGuard<T, Input, Decision, Context>;
}

export interface GuardedSendOptions<Context> extends Omit<SendOptions, 'policyHash'> {
  /** Passed to the guard's `input` with the value (what the policy reads besides the value). */
  readonly policyInput: Context;
}

export interface GuardedSendResult<T, Decision> extends SendResult {
  /** The allowing decision (its policyHash is the envelope's policy_hash). */
  readonly decision: GuardDecision<Decision>;
  /** The value sent (after `approve`). */
  readonly value: T;
}

export interface GuardedProducer<T, Decision, Context> {
  readonly definition: ContractDefinition;
  connect(): Promise<void>;
  /** Throws PolicyDeniedError when the guard denies (nothing is sent); see the module doc for the order of checks. */
  send(value: T, options: GuardedSendOptions<Context>): Promise<GuardedSendResult<T, Decision>>;
  disconnect(): Promise<void>;
}

function validatorOf(definition: ContractDefinition): (value: unknown) => readonly ValidationIssue[] {
  const { format, schema, references } = definition.schema;
  if (format === 'AVRO') {
    const type = buildAvroType(schema, references);
    return (value) => avroIssues(type, value);
  }
  return compileJsonValidator(schema, references);
}

/** A producer of `definition`'s values that sends only what `options.guard` allows. */
export function createGuardedProducer<T, Input, Decision extends PolicyDecision, Context>(
  definition: ContractDefinition,
  options: GuardedProducerOptions<T, Input, Decision, Context>,
): GuardedProducer<T, Decision, Context> {
  const { guard, ...producerOptions } = options;
  const producer = createProducer<T>(definition, producerOptions);
  const halt = options.halt ?? HaltSwitch.process;
  let validate: ((value: unknown) => readonly ValidationIssue[]) | undefined;
  const check = (value: unknown): void => {
    validate ??= validatorOf(definition);
    const issues = validate(value);
    if (issues.length > 0) throw new ValidationError(definition.subject, issues);
  };
  return {
    definition,
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(value, sendOptions) {
      const { policyInput, ...rest } = sendOptions;
      if ((rest as SendOptions).policyHash !== undefined)
        throw new TypeError(`${definition.name}: a guarded send takes policy_hash from the guard's decision, not from options`);
      if (definition.name !== HALT_CONTRACT) {
        const active = halt.haltFor({ role: 'producer', contract: definition.name, agent: options.agent });
        if (active) throw new HaltedError(definition.name, active);
      }
      if (definition.policyGated && rest.signature === undefined)
        throw new Error(`${definition.name} is policy-gated: send needs a signature (the guard supplies policy_hash)`);
      check(value);
      const decision = guard.guard.evaluate(guard.input(value, policyInput));
      if (!decision.allow || decision.policyHash === undefined) throw new PolicyDeniedError(definition.name, decision);
      let approved = value;
      if (guard.approve) {
        approved = guard.approve(value, decision);
        check(approved);
      }
      const result = await producer.send(approved, { ...rest, policyHash: decision.policyHash });
      return { ...result, decision, value: approved };
    },
  };
}
