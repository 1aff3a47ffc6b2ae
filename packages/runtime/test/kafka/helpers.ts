import type { IncomingRecord, Transport, TransportConsumer, TransportProducer } from '../../src/transport/types';

/** Polls until the predicate holds; rejects with `what` after timeoutMs. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Tracks clients so afterAll can disconnect whatever a failed test left connected. */
export class Clients {
  private readonly open = new Set<TransportProducer | TransportConsumer>();

  constructor(private readonly transport: Transport) {}

  async producer(): Promise<TransportProducer> {
    const p = this.transport.producer();
    await p.connect();
    this.open.add(p);
    return p;
  }

  /** A connected, subscribed and running consumer that appends every record to `received`. */
  async consumer(
    groupId: string,
    topics: string[],
    onRecord?: (record: IncomingRecord, consumer: TransportConsumer) => Promise<void> | void,
  ): Promise<{ consumer: TransportConsumer; received: IncomingRecord[] }> {
    const consumer = this.transport.consumer({ groupId });
    const received: IncomingRecord[] = [];
    await consumer.connect();
    this.open.add(consumer);
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      handler: async (record) => {
        await onRecord?.(record, consumer);
        received.push(record);
      },
    });
    return { consumer, received };
  }

  async close(client: TransportProducer | TransportConsumer): Promise<void> {
    this.open.delete(client);
    await client.disconnect();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open].map((c) => this.close(c)));
  }
}
