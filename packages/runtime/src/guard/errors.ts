import { ContractsRuntimeError } from '../errors';
import type { GuardDecision } from './decision';

/**
 * A guarded send that the policy (or a guard that could not decide: `GUARD_*` reasons) denied.
 * Nothing was sent. `reasons`, `policyHash` and `revision` say which bundle denied and why; branch
 * on {@link reasonCode} of the reasons, never on their detail.
 */
export class PolicyDeniedError extends ContractsRuntimeError {
  readonly dlqReason = 'POLICY_DENIED' as const;
  readonly pack: string;
  readonly reasons: readonly string[];
  /** sha256 (hex) of the bundle that denied; undefined when no bundle was active. */
  readonly policyHash: string | undefined;
  readonly revision: string | undefined;

  constructor(
    /** The contract whose send was denied. */
    readonly contract: string,
    readonly decision: GuardDecision<unknown>,
  ) {
    const bundle =
      decision.policyHash === undefined ? 'no active bundle' : `bundle ${decision.policyHash.slice(0, 12)} revision ${JSON.stringify(decision.revision ?? '')}`;
    super(`${contract}: denied by policy ${decision.pack} (${bundle}): ${decision.reasons.length === 0 ? 'no reason given' : decision.reasons.join('; ')}`);
    this.pack = decision.pack;
    this.reasons = decision.reasons;
    this.policyHash = decision.policyHash;
    this.revision = decision.revision;
  }
}
