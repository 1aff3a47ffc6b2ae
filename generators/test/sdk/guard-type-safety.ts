/**
 * Type-safety test of the generated policy guards, checked by `npx tsc -p tsconfig.test.json`
 * (never run): the guard and guarded producer of order.intent.route.v1 take a typed input and give
 * a typed decision; a wrong input field, a wrong decision type or a misused option does not
 * compile (each `@ts-expect-error` line must fail to compile, or the typecheck fails).
 */
import {
  createRouteIntentGuard,
  createRouteIntentGuardedProducer,
  routeIntentGuardEntrypoint,
  routeIntentGuardPack,
  type RouteIntent,
  type RouteIntentGuardDecision,
  type RouteIntentGuardInput,
} from '@dynamic-capital/contracts-sdk-order';
import type { GuardDecision, PolicyGuard, SchemaResolver, Transport } from '@dynamic-capital/contracts-runtime';

interface RiskInput {
  readonly context: { as_of_ms: number; positions: Record<string, number>; position_limits: Record<string, number>; daily_pnl_usd: number; halted: boolean };
  readonly now_ms: number;
}

export async function guarded(transport: Transport, resolver: SchemaResolver, intent: RouteIntent, risk: RiskInput, publicKeyPem: string): Promise<void> {
  const pack: 'trading_risk_v1' = routeIntentGuardPack;
  const entrypoint: 'trading_risk_v1/decision' = routeIntentGuardEntrypoint;
  void [pack, entrypoint];

  const guard: PolicyGuard<RouteIntentGuardInput, RouteIntentGuardDecision> = await createRouteIntentGuard({
    source: { url: 'https://bundles.dynamic.capital/bundles/trading_risk_v1.tar.gz', token: 'read-token' },
    verification: { keys: { 'policy-signer': publicKeyPem }, algorithm: 'RS256' },
    pollMs: 5_000,
    timeoutMs: 2,
  });
  const result: GuardDecision<RouteIntentGuardDecision> = guard.evaluate({ intent, ...risk });
  const allow: boolean = result.allow;
  const reasons: readonly string[] = result.reasons;
  const hash: string | undefined = result.policyHash;
  const policyReasons: string[] | undefined = result.decision?.reasons;
  void [allow, reasons, hash, policyReasons];
  guard.evaluate({ intent, context: { halted: false }, now_ms: 1 });

  // @ts-expect-error wrong input field: the candidate goes under `intent`
  guard.evaluate({ intnet: intent, ...risk });
  // @ts-expect-error missing input field: intent
  guard.evaluate({ ...risk });
  // @ts-expect-error wrong type in the intent: quantity is a decimal string
  guard.evaluate({ intent: { ...intent, quantity: 2 }, ...risk });
  // @ts-expect-error wrong enum value in the intent: side
  guard.evaluate({ intent: { ...intent, side: 'LONG' }, ...risk });
  // @ts-expect-error a decision's allow is a boolean
  const text: string = result.allow;
  void text;
  // @ts-expect-error reasons are strings
  const codes: number[] | undefined = result.decision?.reasons;
  void codes;
  // @ts-expect-error a source is required
  void createRouteIntentGuard({ verification: { keys: { 'policy-signer': publicKeyPem } } });
  // @ts-expect-error the pack is the factory's
  void createRouteIntentGuard({ source: { file: 'bundle.tar.gz' }, allowUnsigned: true, pack: 'authz_v1' });

  const producer = createRouteIntentGuardedProducer({
    transport,
    resolver,
    producerIdentity: 'spiffe://dynamic.capital/policy-guard',
    guard: {
      guard,
      input: (value, policyInput: RiskInput) => ({ intent: value, ...policyInput }),
      approve: (value, decision) => ({ ...value, policy_hash: decision.policyHash ?? '', decision_reasons: [...decision.reasons] }),
    },
  });
  const sent = await producer.send(intent, { policyInput: risk, signature: 'ed25519:c2lnbmF0dXJlLW9mLXRoZS1yZWNvcmQtYnktcG9saWN5LWd1YXJk' });
  const approved: RouteIntent = sent.value;
  const decision: RouteIntentGuardDecision | undefined = sent.decision.decision;
  void [approved, decision];

  // @ts-expect-error policyInput is what the guard's input function takes
  await producer.send(intent, { policyInput: { now: 1 }, signature: 'ed25519:x' });
  // @ts-expect-error policy_hash comes from the guard's decision
  await producer.send(intent, { policyInput: risk, signature: 'ed25519:x', policyHash: 'f'.repeat(64) });
  createRouteIntentGuardedProducer({
    transport,
    resolver,
    producerIdentity: 'spiffe://dynamic.capital/policy-guard',
    // @ts-expect-error the input function must build the guard's input: the intent is a whole RouteIntent
    guard: { guard, input: (value: RouteIntent) => ({ intent: { order_id: value.order_id } }) },
  });
}
