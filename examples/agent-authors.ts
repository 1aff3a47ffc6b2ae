/**
 * The README's "for agent authors" example, type-checked with the tests (tsconfig.test.json) so
 * it cannot drift from the generated SDKs and the runtime.
 */
import { createFillEventConsumer, createFillEventProducer, type FillEvent } from '@dynamic-capital/contracts-sdk-execution';
import { kafkajsTransport, RegistrySchemaResolver } from '@dynamic-capital/contracts-runtime';

const transport = kafkajsTransport({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'execution' });
const resolver = RegistrySchemaResolver.connect({ host: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081' });

// Producer: an invalid fill throws a ValidationError listing every failing path; nothing is sent.
export async function publishFill(fill: FillEvent): Promise<void> {
  const producer = createFillEventProducer({ transport, resolver, producerIdentity: 'spiffe://dynamic.capital/execution' });
  await producer.send(fill, { idempotencyKey: fill.batch_id, ttlMs: 5_000 });
}

// Consumer: envelope checks, dedupe, retries with jitter, DLQ and HALT come with it.
export async function hedgeFills(hedge: (fill: FillEvent) => Promise<void>): Promise<void> {
  const consumer = createFillEventConsumer({ transport, resolver, groupId: 'hedger', agent: 'hedger', handler: (fill) => hedge(fill) });
  await consumer.start();
}
