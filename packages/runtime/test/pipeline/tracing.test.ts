/**
 * OpenTelemetry context through the envelope's traceparent, producer -> mock broker -> consumer.
 * Only @opentelemetry/api is installed, so this file registers a minimal W3C trace-context
 * propagator and an AsyncLocalStorage context manager of its own (what an OpenTelemetry SDK would
 * register), and unregisters them after each test.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type ContextManager,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { ContractDefinition, ContractProducer, MessageContext } from '../../src';
import { waitFor } from '../kafka/helpers';
import { FILL, fill, startPipeline, text, type Fill, type Pipeline } from './setup';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C trace context, traceparent only (no tracestate). */
class W3CTraceparentPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(ctx);
    if (!span || !trace.isSpanContextValid(span)) return;
    setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & TraceFlags.SAMPLED).toString(16)}`);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, 'traceparent');
    const m = TRACEPARENT.exec((Array.isArray(raw) ? raw[0] : raw) ?? '');
    if (!m?.[1] || !m[2] || !m[3]) return ctx;
    const span: SpanContext = { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16), isRemote: true };
    return trace.isSpanContextValid(span) ? trace.setSpanContext(ctx, span) : ctx;
  }

  fields(): string[] {
    return ['traceparent'];
  }
}

/** What @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager does, minimally. */
class AlsContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const run = (self: unknown, args: unknown[]): unknown => this.with(ctx, () => fn.apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

let pipeline: Pipeline | undefined;
const h = (): Pipeline => {
  if (!pipeline) throw new Error('the pipeline did not start');
  return pipeline;
};

beforeAll(async () => {
  pipeline = await startPipeline({ name: 'tracing', brokers: 1 });
}, 60_000);

afterAll(async () => {
  await pipeline?.close();
});

afterEach(() => {
  propagation.disable();
  context.disable();
});

const PRODUCER_SPAN: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

/** Sends one fill inside an active span of PRODUCER_SPAN (needs the context manager). */
function sendInSpan(p: ContractProducer<Fill>, value: Fill) {
  return context.with(trace.setSpanContext(ROOT_CONTEXT, PRODUCER_SPAN), async () => {
    // the span is active across the awaits before the envelope is built (schema id, connect)
    expect(trace.getActiveSpan()?.spanContext().spanId).toBe(PRODUCER_SPAN.spanId);
    return p.send(value);
  });
}

interface Seen {
  active: SpanContext | undefined;
  /** After an await inside the handler. */
  activeAfterAwait: SpanContext | undefined;
  ctx: MessageContext;
}

async function consumeOne(def: ContractDefinition): Promise<Seen> {
  const seen: Seen[] = [];
  await h().consumer<Fill>(def, {
    handler: async (_value, ctx) => {
      const active = trace.getSpanContext(context.active());
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push({ active, activeAfterAwait: trace.getSpanContext(context.active()), ctx });
    },
  });
  await waitFor(() => seen.length >= 1, 20_000, 'the record');
  const [first] = seen;
  if (!first) throw new Error('no record');
  return first;
}

test("with a W3C propagator and a context manager: the producer writes the active span's traceparent; the handler runs in that span's context", async () => {
  expect(context.setGlobalContextManager(new AlsContextManager())).toBe(true);
  expect(propagation.setGlobalPropagator(new W3CTraceparentPropagator())).toBe(true);
  const def = await h().contract(FILL, 'traced', 1, 'order_id');
  const p = h().producer<Fill>(def);
  await sendInSpan(p, fill(1));

  const seen = await consumeOne(def);
  const expected = `00-${PRODUCER_SPAN.traceId}-${PRODUCER_SPAN.spanId}-01`;
  expect(text(seen.ctx.record.headers['traceparent'])).toBe(expected);
  expect(seen.ctx.envelope.traceparent).toBe(expected);
  for (const active of [seen.active, seen.activeAfterAwait]) {
    expect(active).toEqual({ traceId: PRODUCER_SPAN.traceId, spanId: PRODUCER_SPAN.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  }
});

test('without a propagator the handler runs in the root context; the traceparent is still in ctx.envelope', async () => {
  // a context manager but the API's default (no-op) propagator
  expect(context.setGlobalContextManager(new AlsContextManager())).toBe(true);
  const def = await h().contract(FILL, 'untraced', 1, 'order_id');
  const p = h().producer<Fill>(def);
  await sendInSpan(p, fill(2));

  const seen = await consumeOne(def);
  expect(seen.active).toBeUndefined();
  expect(seen.activeAfterAwait).toBeUndefined();
  expect(seen.ctx.envelope.traceparent).toBe(`00-${PRODUCER_SPAN.traceId}-${PRODUCER_SPAN.spanId}-01`);
  expect(text(seen.ctx.record.headers['traceparent'])).toBe(seen.ctx.envelope.traceparent);
});

test('without an active span the producer starts a new trace (valid traceparent, not the zero ids)', async () => {
  const def = await h().contract(FILL, 'new-trace', 1, 'order_id');
  const p = h().producer<Fill>(def);
  await p.send(fill(3));
  const seen = await consumeOne(def);
  const m = TRACEPARENT.exec(seen.ctx.envelope.traceparent);
  expect(m).not.toBeNull();
  expect(m?.[1]).not.toBe('0'.repeat(32));
  expect(m?.[1]).not.toBe(PRODUCER_SPAN.traceId);
});
