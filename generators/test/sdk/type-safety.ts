/**
 * Type-safety test of the generated SDKs, checked by `npx tsc -p tsconfig.test.json` (never run):
 * a consumer and a producer written against generated SDKs compile; a misspelled field or a wrong
 * enum value does not (each `@ts-expect-error` line must fail to compile, or the typecheck fails).
 */
import { createFillEventConsumer, createFillEventProducer, isFillEvent, type FillEvent, type Side } from '@dynamic-capital/contracts-sdk-execution';
import { createHaltIntentProducer, haltIntentTopic, type HaltIntent } from '@dynamic-capital/contracts-sdk-system';
import type { SchemaResolver, Transport } from '@dynamic-capital/contracts-runtime';

export function wire(transport: Transport, resolver: SchemaResolver): void {
  const consumer = createFillEventConsumer({
    transport,
    resolver,
    groupId: 'hedger',
    agent: 'hedger',
    handler: (fill) => {
      const side: Side = fill.side;
      const venue: 'BINANCE' | string = fill.instrument.venue;
      const quantities: string[] = fill.fills.map((f) => f.quantity);
      const at: number = fill.reported_at;
      void [side, venue, quantities, at, fill.pnl.net_realised_pnl_usd, fill.venue_order_id ?? 'none'];
      // @ts-expect-error misspelled field: reported_at
      void fill.reportd_at;
      // @ts-expect-error wrong enum comparison: Side has no HOLD
      if (fill.side === 'HOLD') return;
    },
  });
  void consumer.start();

  const producer = createHaltIntentProducer({ transport, resolver, producerIdentity: 'spiffe://dynamic-capital/orchestrator' });
  const halt: HaltIntent = {
    halt_id: '7d9f1c1e-0000-4000-8000-000000000001',
    action: 'HALT',
    scope: 'GLOBAL',
    target: null,
    releases_halt_id: null,
    reason: 'drawdown limit',
    issued_by: 'orchestrator',
    issued_at_ms: 1_700_000_000_000,
    expires_at_ms: null,
  };
  void producer.send(halt);
  const topic: 'system.halt.intent.v1' = haltIntentTopic;
  void topic;

  // @ts-expect-error wrong enum value: action is HALT or RELEASE
  void producer.send({ ...halt, action: 'STOP' });
  // @ts-expect-error misspelled field: scope
  void producer.send({ ...halt, scop: 'GLOBAL' } satisfies HaltIntent);
  // @ts-expect-error missing required field: reason
  const incomplete: HaltIntent = { ...halt, reason: undefined };
  void incomplete;

  const fillProducer = createFillEventProducer({ transport, resolver, producerIdentity: 'spiffe://dynamic-capital/execution' });
  const candidate: unknown = JSON.parse('{}');
  if (isFillEvent(candidate)) {
    const typed: FillEvent = candidate;
    void fillProducer.send(typed);
  }
  // @ts-expect-error wrong enum value in a nested record: side
  void fillProducer.send({ ...({} as FillEvent), side: 'LONG' });
}
