/**
 * The kill switch. A `HaltSwitch` holds the halts in force in this process, fed by
 * `system.halt.intent.v1` (through `listen`) or directly (`apply`). Producers created with it
 * refuse to send (HaltedError) while a halt covers them; consumers pause their partitions and
 * resume on RELEASE. `HaltSwitch.process` is the process-wide default every producer and consumer
 * uses unless given another.
 *
 * Scopes: GLOBAL covers every producer and consumer; AGENT (target = agent name) covers the
 * producers and consumers of that agent; CONTRACT (target = contract name) covers the producers of
 * that contract (as the contract says: "every producer of the named contract").
 */
import { randomUUID } from 'node:crypto';
import type { ContractDefinition } from '../producer/contract';
import { Serde, type SchemaResolver } from '../serde';
import type { Transport, TransportConsumer } from '../transport/types';

/** The kill switch's contract; its producers are never halted (a RELEASE must get through). */
export const HALT_CONTRACT = 'system.halt.intent.v1';

/** A value of system.halt.intent.v1. */
export interface HaltIntent {
  readonly halt_id: string;
  readonly action: 'HALT' | 'RELEASE';
  readonly scope: 'GLOBAL' | 'AGENT' | 'CONTRACT';
  readonly target: string | null;
  readonly releases_halt_id: string | null;
  readonly reason: string;
  readonly issued_by: string;
  readonly issued_at_ms: number;
  readonly expires_at_ms: number | null;
}

/** Who asks whether it is halted: a producer (of `contract`) or a consumer, of `agent`. */
export interface HaltSubject {
  readonly role: 'producer' | 'consumer';
  readonly agent?: string;
  readonly contract: string;
}

/** Thrown by a producer's send while a halt covers it. */
export class HaltedError extends Error {
  override readonly name = 'HaltedError';
  constructor(
    readonly contract: string,
    /** The halt in force (the first that covers the caller). */
    readonly halt: HaltIntent,
  ) {
    super(`${contract}: halted by ${halt.scope}${halt.target === null ? '' : ' ' + halt.target} halt ${halt.halt_id} (${halt.reason})`);
  }
}

export interface HaltListenOptions {
  readonly transport: Transport;
  readonly resolver: SchemaResolver;
  /** The system.halt.intent.v1 contract (from the generated SDK). */
  readonly definition: ContractDefinition;
  /** Consumer group; default a unique one per switch, so every process sees every intent. */
  readonly groupId?: string;
  /** Replay the topic from the start to rebuild the halts in force (default true). */
  readonly fromBeginning?: boolean;
  /** Intents that do not decode or validate are skipped; this hears about them. */
  readonly onInvalid?: (error: unknown) => void;
}

export interface HaltSwitchOptions {
  /** Epoch ms (default Date.now); decides when a HALT with expires_at_ms lapses. */
  readonly clock?: () => number;
}

const scopeKey = (scope: HaltIntent['scope'], target: string | null): string => `${scope}\u0000${target ?? ''}`;

export class HaltSwitch {
  private static processSwitch: HaltSwitch | undefined;

  /** The process-wide switch, the default of createProducer/createConsumer. */
  static get process(): HaltSwitch {
    return (HaltSwitch.processSwitch ??= new HaltSwitch());
  }

  private readonly halts = new Map<string, HaltIntent>();
  private readonly listeners = new Set<() => void>();
  private readonly clock: () => number;
  private consumer: TransportConsumer | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(options: HaltSwitchOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /** Applies one intent: HALT adds (or replaces) the halt of its scope and target, RELEASE lifts it. */
  apply(intent: HaltIntent): void {
    const key = scopeKey(intent.scope, intent.target);
    if (intent.action === 'HALT') this.halts.set(key, intent);
    else if (!this.halts.delete(key)) return;
    this.scheduleExpiry();
    this.notify();
  }

  /** The halt covering `subject`, or undefined. */
  haltFor(subject: HaltSubject): HaltIntent | undefined {
    const now = this.clock();
    const candidates = [
      this.halts.get(scopeKey('GLOBAL', null)),
      subject.agent === undefined ? undefined : this.halts.get(scopeKey('AGENT', subject.agent)),
      subject.role === 'producer' ? this.halts.get(scopeKey('CONTRACT', subject.contract)) : undefined,
    ];
    return candidates.find((h) => h !== undefined && (h.expires_at_ms === null || h.expires_at_ms > now));
  }

  isHalted(subject: HaltSubject): boolean {
    return this.haltFor(subject) !== undefined;
  }

  /** Halts in force (lapsed ones excluded). */
  active(): HaltIntent[] {
    const now = this.clock();
    return [...this.halts.values()].filter((h) => h.expires_at_ms === null || h.expires_at_ms > now);
  }

  /** Called on every change (halt, release, lapse); returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Consumes system.halt.intent.v1 through `transport` and applies every intent; resolves once the
   * listener's consumer has joined its group (so intents produced afterwards are seen).
   */
  async listen(options: HaltListenOptions): Promise<void> {
    if (this.consumer) throw new Error('HaltSwitch.listen: already listening');
    const serde = await Serde.create<HaltIntent>({ subject: options.definition.subject, schema: options.definition.schema, resolver: options.resolver });
    const consumer = options.transport.consumer({ groupId: options.groupId ?? `halt-listener-${randomUUID()}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [options.definition.topic], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      handler: async (record) => {
        let intent: HaltIntent;
        try {
          intent = await serde.decode(record.value ?? Buffer.alloc(0));
        } catch (error) {
          options.onInvalid?.(error);
          return;
        }
        this.apply(intent);
      },
    });
    await consumer.joined();
  }

  /** Stops listening (halts in force stay). */
  async close(): Promise<void> {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Wakes the listeners when the next halt lapses. */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const now = this.clock();
    const next = Math.min(...[...this.halts.values()].map((h) => h.expires_at_ms ?? Infinity).filter((t) => t > now));
    if (!Number.isFinite(next)) return;
    this.expiryTimer = setTimeout(
      () => {
        this.scheduleExpiry();
        this.notify();
      },
      Math.min(next - now, 2 ** 31 - 1),
    );
    this.expiryTimer.unref();
  }
}
