/** Real contracts of this repository, as the runtime takes them. */
import * as path from 'node:path';
import { loadProject, referencedSchemas, type ContractGraph } from '@dynamic-capital/contracts-model';
import type { ContractSchema } from '../../src';

let graph: ContractGraph | undefined;

export const ROOT = path.resolve(__dirname, '../../../..');

export function contractSchema(name: string): ContractSchema {
  graph ??= loadProject(ROOT).graph;
  const doc = graph.contracts.get(name)?.schema;
  if (!doc) throw new Error(`no contract ${name}`);
  return { format: doc.format === 'avro' ? 'AVRO' : 'JSON', schema: doc.document.value, references: referencedSchemas(graph, doc) };
}

const instrument = { symbol: 'BTC-USDT', venue: 'BINANCE', asset_class: 'CRYPTO', quote_currency: 'USDT', venue_symbol: 'BTCUSDT' };

export function fillEvent(): Record<string, unknown> {
  return {
    order_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e',
    batch_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3f',
    batch_sequence: 1,
    portfolio_id: 'pf-main',
    instrument,
    side: 'BUY',
    venue: 'BINANCE',
    venue_order_id: null,
    fills: [
      {
        fill_id: 't-1',
        price: '67000.12345678',
        quantity: '0.50000000',
        fee: '-0.00000001',
        fee_currency: 'USDT',
        liquidity: 'MAKER',
        executed_at: 1_730_000_000_123,
      },
    ],
    order_status: 'PARTIALLY_FILLED',
    cumulative_quantity: '0.50000000',
    remaining_quantity: '9999999999.99999999',
    average_price: '67000.12345678',
    pnl: {
      realised_pnl_usd: '0.00000000',
      fees_usd: '-0.00000001',
      net_realised_pnl_usd: '0.00000001',
      arrival_price: '66999.00000000',
      slippage_bps: 0.17,
      slippage_usd: '-1.25000000',
      spread_cost_bps: null,
      market_impact_bps: 0.05,
      fx_rate_to_usd: '1.00000000',
    },
    hedge_hints: [
      {
        hedge_instrument: { ...instrument, symbol: 'BTC-USDT-PERP', asset_class: 'PERPETUAL_SWAP', venue_symbol: null },
        side: 'SELL',
        quantity: '0.50000000',
        hedge_ratio: 1,
        urgency: 'HIGH',
        reason: 'delta exposure above book limit',
      },
    ],
    reported_at: 1_730_000_000_456,
  };
}

export function complianceAlert(): Record<string, unknown> {
  return {
    alert_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e',
    rule_code: 'WASH_TRADE_SUSPECTED',
    rule_version: '2.1.0',
    severity: 'HIGH',
    regime: 'MAR',
    summary: 'Possible wash trade on BTC-USDT',
    details: null,
    recommended_action: 'REVIEW',
    portfolio_id: 'pf-main',
    related_order_ids: ['0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3f'],
    related_symbols: ['BTC-USDT'],
    source_contract: 'execution.event.fill.v1',
    source_message_id: null,
    supersedes_alert_id: null,
    detected_at_ms: 1_730_000_000_000,
    report_due_at_ms: null,
  };
}
