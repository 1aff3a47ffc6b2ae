/**
 * Shared set-up of the guard suites: the real trading_risk_v1 pack of this repository compiled
 * to Wasm (compilePolicy), bundled with its data (buildBundle; data from the project model's
 * pack.data, under data.trading_risk_v1) and signed with an RS256 key generated here.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as path from 'node:path';
import { buildBundle, compilePolicy, signBundle, type CompiledPolicy, type VerifyOptions } from '@dynamic-capital/contracts-rego';
import { loadProject, type PolicyPack } from '@dynamic-capital/contracts-model';
import { ROOT } from '../serde/contracts';

export const PACK = 'trading_risk_v1';
export const DECISION = 'trading_risk_v1/decision';
export const KEY_ID = 'policy-signer';

export interface RsaKeys {
  readonly privateKey: string;
  readonly publicKey: string;
}

export function rsaKeys(): RsaKeys {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export function tradingRiskPack(): PolicyPack {
  const pack = loadProject(ROOT).graph.policies.get(PACK);
  if (!pack) throw new Error(`no policy pack ${PACK} in ${path.join(ROOT, 'policies')}`);
  return pack;
}

/** The pack's policy modules (tests excluded) compiled with its entrypoints. */
export function compileTradingRisk(pack: PolicyPack): Promise<CompiledPolicy> {
  const sources = pack.modules.filter((m) => !m.isTest).map((m) => ({ path: m.file, text: m.text }));
  return compilePolicy(sources, { entrypoints: pack.entrypoints });
}

export type Limits = Record<string, unknown>;

/** The pack's limits (data.toml [limits]). */
export function packLimits(pack: PolicyPack): Limits {
  return { ...(pack.data['limits'] as Limits) };
}

/** An unsigned bundle of the compiled pack with `limits` as data.trading_risk_v1.limits. */
export function tradingRiskBundle(
  compiled: CompiledPolicy,
  pack: PolicyPack,
  options: { revision: string; limits?: Limits; entrypoints?: readonly string[] },
): Promise<Uint8Array> {
  return buildBundle({
    wasm: compiled.wasm,
    entrypoints: options.entrypoints ?? compiled.entrypoints,
    roots: [PACK],
    revision: options.revision,
    data: { [PACK]: { ...pack.data, limits: options.limits ?? packLimits(pack) } },
    rego: pack.modules.filter((m) => !m.isTest).map((m) => ({ path: path.basename(m.file), source: m.text })),
  });
}

export const sign = (bytes: Uint8Array, keys: RsaKeys): Promise<Uint8Array> => signBundle(bytes, { algorithm: 'RS256', key: keys.privateKey, keyId: KEY_ID });

export const verification = (keys: RsaKeys): VerifyOptions => ({ keys: { [KEY_ID]: keys.publicKey }, algorithm: 'RS256' });

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const NOW_MS = 1_700_000_000_120;

/** A valid order.intent.route.v1 value (decimals as the SDK types them: exact strings). */
export function routeIntent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    order_id: '3f1c2a9e-5b7d-4c1e-9a2f-0d6b8e4c7a11',
    idempotency_key: 'alloc-7:BTC-USDT',
    allocation_id: null,
    portfolio_id: 'pf-main',
    instrument: { symbol: 'BTC-USDT', venue: 'BINANCE', asset_class: 'CRYPTO', quote_currency: 'USDT', venue_symbol: 'BTCUSDT' },
    side: 'BUY',
    order_type: 'LIMIT',
    quantity: '2.00000000',
    limit_price: '65000.00000000',
    stop_price: null,
    notional_usd: '130000.00000000',
    venue: 'BINANCE',
    time_in_force: 'GTC',
    expire_at: null,
    reduce_only: false,
    policy_hash: '0'.repeat(64),
    policy_revision: 'pending',
    decision_id: '6b1c2a9e-5b7d-4c1e-9a2f-0d6b8e4c7a12',
    decision_reasons: [],
    risk_context_revision: 42,
    approved_at: NOW_MS,
    valid_until: NOW_MS + 5_000,
    ...overrides,
  };
}

/** The rest of trading_risk_v1's input (policies/README.md): PolicyGuard's view of the risk context, and the evaluation time. */
export function riskInput(overrides: Record<string, unknown> = {}): { context: Record<string, unknown>; now_ms: number } {
  return {
    context: {
      as_of_ms: NOW_MS - 20,
      positions: { 'BTC-USDT': 3, 'ETH-USDT': -90 },
      position_limits: { 'BTC-USDT': 10, 'ETH-USDT': 100 },
      daily_pnl_usd: -1000,
      halted: false,
      ...overrides,
    },
    now_ms: NOW_MS,
  };
}

/** A fake `ed25519:<base64url>` signature header (the envelope checks its shape; verification is the consumer's). */
export const SIGNATURE = `ed25519:${Buffer.alloc(64, 7).toString('base64url')}`;
