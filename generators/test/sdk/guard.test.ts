/**
 * The policy guards of the generated SDKs: which contracts get one and bound to what (from the
 * project model's policy packs), how the generator fails on a gated contract it cannot guard, and
 * the committed guard of order.intent.route.v1 deciding on the real trading_risk_v1 bundle with
 * RouteIntent values as the SDK types them (decimals as strings). Type safety:
 * ./guard-type-safety.ts (checked by the typecheck).
 */
// See generators/test/types/json-schema.test.ts: prettier's CommonJS entry cannot load in Jest's sandbox.
jest.mock('prettier', () => ({}));

import * as path from 'node:path';
import { generateSdkPackages, type GeneratedFile } from '@dynamic-capital/contracts-generators';
import { loadProject, type Contract, type ContractGraph, type PolicyPack } from '@dynamic-capital/contracts-model';
import { reasonCode, type PolicyGuard } from '@dynamic-capital/contracts-runtime';
import {
  createRouteIntentGuard,
  routeIntentGuardEntrypoint,
  routeIntentGuardPack,
  type RouteIntent,
  type RouteIntentGuardDecision,
  type RouteIntentGuardInput,
} from '@dynamic-capital/contracts-sdk-order';
import { closeAssemblyScript } from '../../../packages/rego/src/emit/asc';
import {
  compileTradingRisk,
  riskInput,
  routeIntent,
  rsaKeys,
  sha256,
  sign,
  tradingRiskBundle,
  tradingRiskPack,
  verification,
} from '../../../packages/runtime/test/guard/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const ROUTE = 'order.intent.route.v1';

let graph: ContractGraph;
let files: GeneratedFile[];

beforeAll(async () => {
  graph = loadProject(ROOT).graph;
  files = await generateSdkPackages(graph);
});

afterAll(() => closeAssemblyScript());

const indexOf = (generated: readonly GeneratedFile[], domain: string): string =>
  generated.find((f) => f.path === `packages/sdk-${domain}/src/index.ts`)?.contents ?? '';

/** The repository's graph restricted to the order domain, with changes. */
function orderGraph(change: { contract?: Partial<Contract>; policies?: PolicyPack[] }): ContractGraph {
  const route = graph.contracts.get(ROUTE) as Contract;
  return {
    ...graph,
    contracts: new Map([[ROUTE, { ...route, ...change.contract }]]),
    ...(change.policies ? { policies: new Map(change.policies.map((p) => [p.name, p])) } : {}),
  };
}

describe('generated guards', () => {
  it('exist for every policy-gated contract, bound to the decision entrypoint of the pack that gates it', () => {
    const gated = [...graph.contracts.values()].filter((c) => c.policyGated);
    expect(gated.map((c) => c.name)).toEqual([ROUTE]);
    expect(routeIntentGuardPack).toBe('trading_risk_v1');
    expect(graph.policies.get(routeIntentGuardPack)?.gates).toContain(ROUTE);
    expect(routeIntentGuardEntrypoint).toBe('trading_risk_v1/decision');
    const order = indexOf(files, 'order');
    expect(order).toContain(
      'export function createRouteIntentGuard(options: RouteIntentGuardOptions): Promise<PolicyGuard<RouteIntentGuardInput, RouteIntentGuardDecision>>',
    );
    expect(order).toContain('export function createRouteIntentGuardedProducer<Context>(');
    expect(order).toContain('encodeInput: policyInputEncoder({ intent: routeIntentSchema })');
    // no other package gets guard exports (nor their imports)
    for (const file of files.filter((f) => f.path.endsWith('/src/index.ts') && !f.path.includes('/sdk-order/'))) expect(file.contents).not.toMatch(/Guard/);
    expect(files.find((f) => f.path === 'packages/sdk-order/README.md')?.contents).toContain(
      '| `order.intent.route.v1` | `trading_risk_v1` | `trading_risk_v1/decision` | `createRouteIntentGuard` | `createRouteIntentGuardedProducer` |',
    );
  });

  it('names a guard per pack when several packs gate a contract, and fails on a gated contract it cannot guard', async () => {
    const trading = graph.policies.get('trading_risk_v1') as PolicyPack;
    const extra: PolicyPack = {
      ...trading,
      name: 'venue_limits_v2',
      packageName: 'venue.limits_v2',
      entrypoints: ['venue/limits_v2/decision', 'venue/limits_v2/allow'],
    };
    const two = indexOf(await generateSdkPackages(orderGraph({ policies: [trading, extra] })), 'order');
    expect(two).toContain("export const routeIntentTradingRiskV1GuardEntrypoint = 'trading_risk_v1/decision';");
    expect(two).toContain("export const routeIntentVenueLimitsV2GuardEntrypoint = 'venue/limits_v2/decision';");
    expect(two).toContain('export function createRouteIntentVenueLimitsV2GuardedProducer<Context>(');

    await expect(generateSdkPackages(orderGraph({ policies: [] }))).rejects.toThrow(
      'generateSdkPackages: order.intent.route.v1 is policy_gated but no policy pack gates it',
    );
    await expect(generateSdkPackages(orderGraph({ policies: [{ ...trading, entrypoints: ['trading_risk_v1/allow'] }] }))).rejects.toThrow(
      'generateSdkPackages: order.intent.route.v1 is gated by policy pack trading_risk_v1, which lists no decision entrypoint (trading_risk_v1/decision returning {allow, reasons})',
    );
    // not policy-gated: no guard, even where a pack lists the contract
    expect(indexOf(await generateSdkPackages(orderGraph({ contract: { policyGated: false } })), 'order')).not.toMatch(/Guard/);
  });

  it('the committed guard decides on the real trading_risk_v1 bundle with RouteIntent values as the SDK types them', async () => {
    const pack = tradingRiskPack();
    const keys = rsaKeys();
    const bundle = await sign(await tradingRiskBundle(await compileTradingRisk(pack), pack, { revision: '1.0.0' }), keys);
    const guard: PolicyGuard<RouteIntentGuardInput, RouteIntentGuardDecision> = await createRouteIntentGuard({
      source: { bytes: bundle },
      verification: verification(keys),
      timeoutMs: 1_000, // generous: the suites run in parallel on busy CI machines
    });
    try {
      const intent = routeIntent() as unknown as RouteIntent;
      expect(intent.quantity).toBe('2.00000000');
      const allowed = guard.evaluate({ intent, ...riskInput() });
      expect(allowed).toMatchObject({ allow: true, reasons: [], decision: { allow: true, reasons: [] }, policyHash: sha256(bundle), pack: 'trading_risk_v1' });
      const denied = guard.evaluate({ intent: { ...intent, quantity: '9.00000000', notional_usd: '585000.00000000' }, ...riskInput() });
      expect(denied.allow).toBe(false);
      expect(denied.reasons.map(reasonCode)).toEqual(['MAX_NOTIONAL_EXCEEDED', 'POSITION_LIMIT_EXCEEDED']);
      expect(denied.reasons[0]).toBe('MAX_NOTIONAL_EXCEEDED: notional_usd 585000 > max_order_notional_usd 250000');
    } finally {
      await guard.stop();
    }
  });
});
