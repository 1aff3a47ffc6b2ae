/**
 * A guarded producer of order.intent.route.v1 over real components (librdkafka's mock cluster,
 * this repository's registry, the kafkajs transport; see ../pipeline/setup.ts) and the real
 * trading_risk_v1 bundle, signed: an allowed intent is sent with the deciding bundle's hash as the
 * envelope's policy_hash; a denied one throws PolicyDeniedError and nothing is sent.
 */
import { Registry } from 'prom-client';
import type { CompiledPolicy } from '@dynamic-capital/contracts-rego';
import type { PolicyPack } from '@dynamic-capital/contracts-model';
import { closeAssemblyScript } from '../../../rego/src/emit/asc';
import {
  createGuardedProducer,
  HaltedError,
  HaltSwitch,
  PolicyDeniedError,
  PolicyGuard,
  policyInputEncoder,
  reasonCode,
  ValidationError,
  type ContractDefinition,
  type GuardedProducer,
  type IncomingRecord,
  type PolicyDecision,
} from '../../src';
import { sleep, waitFor } from '../kafka/helpers';
import { PRODUCER_ID, startPipeline, text, type Pipeline } from '../pipeline/setup';
import { contractSchema } from '../serde/contracts';
import {
  compileTradingRisk,
  DECISION,
  PACK,
  riskInput,
  routeIntent,
  rsaKeys,
  sha256,
  sign,
  SIGNATURE,
  tradingRiskBundle,
  tradingRiskPack,
  verification,
  type RsaKeys,
} from './helpers';

type RouteIntent = Record<string, unknown>;
type Input = { intent: RouteIntent } & Record<string, unknown>;
type Risk = ReturnType<typeof riskInput>;

let pipeline: Pipeline | undefined;
let pack: PolicyPack;
let compiled: CompiledPolicy;
let keys: RsaKeys;
let bundle: Uint8Array;
let guard: PolicyGuard<Input> | undefined;
let def: ContractDefinition;
const metrics = new Registry();
const received: { value: RouteIntent; record: IncomingRecord }[] = [];

const h = (): Pipeline => {
  if (!pipeline) throw new Error('the pipeline did not start');
  return pipeline;
};

beforeAll(async () => {
  pack = tradingRiskPack();
  keys = rsaKeys();
  compiled = await compileTradingRisk(pack);
  bundle = await sign(await tradingRiskBundle(compiled, pack, { revision: '1.0.0' }), keys);
  guard = await PolicyGuard.start<Input>({
    pack: PACK,
    entrypoint: DECISION,
    source: { bytes: bundle },
    verification: verification(keys),
    encodeInput: policyInputEncoder({ intent: contractSchema('order.intent.route.v1') }),
    metrics,
    // generous: the suites run in parallel on busy CI machines
    timeoutMs: 1_000,
  });
  pipeline = await startPipeline({ name: 'guard' });
  const base = await pipeline.contract('order.intent.route.v1', 'guarded', 1, 'order_id');
  def = { ...base, policyGated: true };
  // consumers of a policy-gated contract require policy_hash and signature
  await pipeline.consumer<RouteIntent>(def, { handler: (value, ctx) => void received.push({ value, record: ctx.record }) });
}, 120_000);

afterAll(async () => {
  await guard?.stop();
  await pipeline?.close();
  await closeAssemblyScript();
});

function producer(halt = new HaltSwitch()): GuardedProducer<RouteIntent, PolicyDecision, Risk> {
  if (!guard) throw new Error('no guard');
  const p = createGuardedProducer(def, {
    transport: h().transport,
    resolver: h().resolver,
    producerIdentity: PRODUCER_ID,
    agent: 'policy-guard',
    halt,
    guard: {
      guard,
      input: (intent: RouteIntent, risk: Risk): Input => ({ intent, ...risk }),
      // the approved order carries the deciding bundle, as order.intent.route.v1 documents
      approve: (intent, decision) => ({
        ...intent,
        policy_hash: decision.policyHash,
        policy_revision: `${PACK}@${decision.revision}`,
        decision_reasons: [...decision.reasons],
      }),
    },
  });
  h().onClose({ stop: () => p.disconnect() });
  return p;
}

const decisions = async (outcome: string): Promise<number> =>
  (await metrics.getSingleMetric('contracts_guard_decisions_total')?.get())?.values.find((v) => v.labels['outcome'] === outcome)?.value ?? 0;

test('an allowed intent is sent with the bundle hash as policy_hash; a denied one throws PolicyDeniedError and is not sent', async () => {
  const p = producer();
  const hash = sha256(bundle);
  const result = await p.send(routeIntent({ order_id: 'a0000000-0000-4000-8000-000000000001' }), { policyInput: riskInput(), signature: SIGNATURE });
  expect(result.decision).toMatchObject({ allow: true, policyHash: hash, revision: '1.0.0' });
  expect(result.value['policy_hash']).toBe(hash);

  const denied: unknown = await p
    .send(routeIntent({ order_id: 'a0000000-0000-4000-8000-000000000002', notional_usd: '300000.00000000' }), {
      policyInput: riskInput(),
      signature: SIGNATURE,
    })
    .catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(PolicyDeniedError);
  const error = denied as PolicyDeniedError;
  expect(error.reasons).toEqual(['MAX_NOTIONAL_EXCEEDED: notional_usd 300000 > max_order_notional_usd 250000']);
  expect(error.policyHash).toBe(hash);
  expect(error.dlqReason).toBe('POLICY_DENIED');
  expect(error.message).toContain(`order.intent.route.v1: denied by policy ${PACK} (bundle ${hash.slice(0, 12)} revision "1.0.0")`);

  const halted = await p
    .send(routeIntent({ order_id: 'a0000000-0000-4000-8000-000000000003' }), { policyInput: riskInput({ halted: true }), signature: SIGNATURE })
    .catch((e: unknown) => e);
  expect((halted as PolicyDeniedError).reasons.map(reasonCode)).toEqual(['halted']);

  await waitFor(() => received.length >= 1, 20_000, 'the allowed intent');
  await sleep(500);
  expect(received).toHaveLength(1);
  const [{ value, record }] = received as [{ value: RouteIntent; record: IncomingRecord }];
  expect(text(record.headers['policy_hash'])).toBe(hash);
  expect(text(record.headers['signature'])).toBe(SIGNATURE);
  expect(text(record.key ?? undefined)).toBe('a0000000-0000-4000-8000-000000000001');
  expect(value).toEqual({
    ...routeIntent({ order_id: 'a0000000-0000-4000-8000-000000000001' }),
    policy_hash: hash,
    policy_revision: `${PACK}@1.0.0`,
    decision_reasons: [],
  });
});

test('nothing is evaluated for a send that cannot go out: halted, no signature on a policy-gated contract, invalid value', async () => {
  const before = { allow: await decisions('allow'), deny: await decisions('deny') };
  const halt = new HaltSwitch();
  halt.apply({
    halt_id: '7d9f1c1e-0000-4000-8000-000000000009',
    action: 'HALT',
    scope: 'GLOBAL',
    target: null,
    releases_halt_id: null,
    reason: 'drill',
    issued_by: 'orchestrator',
    issued_at_ms: 1,
    expires_at_ms: null,
  });
  await expect(producer(halt).send(routeIntent(), { policyInput: riskInput(), signature: SIGNATURE })).rejects.toBeInstanceOf(HaltedError);
  const p = producer();
  await expect(p.send(routeIntent(), { policyInput: riskInput() })).rejects.toThrow(
    'order.intent.route.v1 is policy-gated: send needs a signature (the guard supplies policy_hash)',
  );
  const invalid: unknown = await p.send(routeIntent({ quantity: 2 }), { policyInput: riskInput(), signature: SIGNATURE }).catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(ValidationError);
  expect((invalid as ValidationError).issues.map((i) => i.path)).toEqual(['/quantity']);
  await expect(p.send(routeIntent(), { policyInput: riskInput(), signature: SIGNATURE, policyHash: 'f'.repeat(64) } as never)).rejects.toThrow(
    /takes policy_hash from the guard's decision/,
  );
  expect({ allow: await decisions('allow'), deny: await decisions('deny') }).toEqual(before);
});
