/**
 * The runtime's hot paths, in one run.
 *
 * 1. Encode+decode of execution.event.fill.v1 (the contract as loadProject reads it, with its
 *    referenced schemas; a realistic fill: 4 fills, decimals as strings, epoch-ms timestamps)
 *    with envelope headers (what createProducer and createConsumer do per message: buildEnvelope
 *    with a new idempotency key and traceparent -> headers as bytes -> parseEnvelope +
 *    checkEnvelope against the consumer's NonceStore): ops/s of our Serde (in-memory resolver; validates on encode and on
 *    decode) beside @kafkajs/confluent-schema-registry's SchemaRegistry.encode+decode (pointed at
 *    this repository's registry server, in-process on its embedded store, caches warmed) and raw
 *    avsc Type.toBuffer+fromBuffer (built with the runtime's decimal logical type, so all three
 *    take the same record). Each codec is also timed on the value alone.
 *    Target: ours with envelope >= 1.5x the registry client's encode+decode (which carries no
 *    envelope and does not validate); the same-work ratio (envelope added to the client) is shown too.
 * 2. Produce -> consume latency of one hop on librdkafka's mock cluster (1 broker) through the full
 *    pipeline: createProducer.send (validate, encode, envelope, kafkajs acks=-1) -> createConsumer
 *    (envelope checks, dedupe, decode, validate, handler). MESSAGES records sent one per send()
 *    at RATE/s (open loop) after the consumer has joined; latency = handler entry - send() call.
 *    Once with the transport's default consumer timings, once with a SHORT_WAIT_MS fetch max wait.
 *
 * The runtime is imported from its build (packages/runtime/dist: what agents install, not tsx's
 * transpile of src), so `npm run build` first.
 *
 * Run: npx tsx bench/runtime.ts [--write | --codec-only]   (BENCH_SECONDS per codec measure, default 3)
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { loadProject, referencedSchemas } from '../packages/model/src';
import { createRegistryService, openEmbeddedStore, startRegistryServer } from '../packages/registry/src';
import {
  buildAvroType,
  buildEnvelope,
  checkEnvelope,
  createConsumer,
  createProducer,
  currentTraceparent,
  DEFAULT_CONSUMER_TIMINGS,
  defineContract,
  HaltSwitch,
  InMemorySchemaResolver,
  kafkajsTransport,
  NonceStore,
  parseEnvelope,
  RegistrySchemaResolver,
  Serde,
  type ContractSchema,
} from '@dynamic-capital/contracts-runtime';
import { startMockBroker, stopAllMockBrokers } from '../packages/runtime/test/kafka/mock-broker';

const ROOT = path.resolve(__dirname, '..');
const CONTRACT = 'execution.event.fill.v1';
const SUBJECT = `${CONTRACT}-value`;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = 3;
const MESSAGES = 2000;
const RATE = 200;
const SHORT_WAIT_MS = 10;
const PRODUCER_ID = 'spiffe://dynamic.capital/agent/execution';
const MAX_SKEW_MS = 5000;

type Fill = Record<string, unknown>;

function contractSchema(): ContractSchema {
  const { graph } = loadProject(ROOT);
  const doc = graph.contracts.get(CONTRACT)?.schema;
  if (!doc) throw new Error(`no contract ${CONTRACT}`);
  return { format: doc.format === 'avro' ? 'AVRO' : 'JSON', schema: doc.document.value, references: referencedSchemas(graph, doc) };
}

const instrument = { symbol: 'BTC-USDT', venue: 'BINANCE', asset_class: 'CRYPTO', quote_currency: 'USDT', venue_symbol: 'BTCUSDT' };

/** A batch of 4 fills of one order, as the execution agent reports it. */
function fillEvent(sequence = 1): Fill {
  const at = 1_764_000_000_000;
  const fills = [
    ['67012.50000000', '0.12500000', '0.83765625', 'MAKER'],
    ['67013.10000000', '0.25000000', '1.67532750', 'MAKER'],
    ['67015.75000000', '0.08000000', '0.53612600', 'TAKER'],
    ['67020.00000000', '0.04500000', '0.30159000', 'TAKER'],
  ].map(([price, quantity, fee, liquidity], i) => ({
    fill_id: `t-88412${i}`,
    price,
    quantity,
    fee,
    fee_currency: 'USDT',
    liquidity,
    executed_at: at + 37 * i,
  }));
  return {
    order_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e',
    batch_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3f',
    batch_sequence: sequence,
    portfolio_id: 'pf-main',
    instrument,
    side: 'BUY',
    venue: 'BINANCE',
    venue_order_id: '28457731920',
    fills,
    order_status: 'PARTIALLY_FILLED',
    cumulative_quantity: '0.50000000',
    remaining_quantity: '0.50000000',
    average_price: '67014.04350000',
    pnl: {
      realised_pnl_usd: '0.00000000',
      fees_usd: '3.35069975',
      net_realised_pnl_usd: '-3.35069975',
      arrival_price: '67010.00000000',
      slippage_bps: 0.6,
      slippage_usd: '2.02175000',
      spread_cost_bps: 0.15,
      market_impact_bps: null,
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
    reported_at: at + 200,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. codecs

/** Headers as the consumer receives them: one Buffer per header (the transport's copy, simulated). */
function asWire(headers: Record<string, string>): Record<string, Buffer> {
  const wire: Record<string, Buffer> = {};
  for (const k in headers) wire[k] = Buffer.from(headers[k] as string, 'utf8');
  return wire;
}

/** Position of the record in flight (the consumer's nonce check takes it). */
let offset = 0;

/**
 * The envelope round trip of one message as the producer and the consumer do it: a send outside
 * any span without an idempotency key (a new traceparent; the key is the new message id), the
 * headers as the wire carries them (bytes), parsed and checked against the consumer's nonce
 * store with the record's position.
 */
function envelopeRoundTrip(nonceSeen: (nonce: string, expiresAtMs: number) => boolean, schemaId: number): void {
  const headers = buildEnvelope({
    traceparent: currentTraceparent(),
    ttlMs: 60_000,
    producer: PRODUCER_ID,
    schemaRef: { kind: 'id', id: schemaId },
  });
  const envelope = parseEnvelope(asWire(headers));
  offset++;
  const check = checkEnvelope(envelope, { now: Date.now(), maxClockSkewMs: MAX_SKEW_MS, nonceSeen });
  if (!check.ok) throw new Error(`envelope rejected: ${check.message}`);
}

type Op = () => Promise<unknown> | unknown;

/** ops/s of `op` over SECONDS (checked every 256 calls). */
async function opsPerSecond(op: Op): Promise<number> {
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let n = 0;
  for (;;) {
    for (let i = 0; i < 256; i++) await op();
    n += 256;
    const t = performance.now();
    if (t >= end) return n / ((t - t0) / 1000);
  }
}

async function codecBench(): Promise<{
  rows: string[];
  target: { ratio: number; met: boolean };
  sameWork: number;
  envelope: { roundTrip: number; bytes: number; budget: number };
}> {
  const schema = contractSchema();
  const value = fillEvent();

  // ours: the runtime Serde on an in-memory resolver
  const ours = await Serde.create<Fill>({ subject: SUBJECT, schema, resolver: new InMemorySchemaResolver() });

  // the registry client against this repository's registry (in-process, embedded store in a temp dir)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-runtime-'));
  const service = createRegistryService(await openEmbeddedStore(dir));
  const server = await startRegistryServer({ service, port: 0 });
  const registered = RegistrySchemaResolver.connect({ host: server.url });
  const registryId = await registered.idFor(SUBJECT, schema);
  const client = new SchemaRegistry({ host: server.url }, RegistrySchemaResolver.libraryOptions());

  // raw avsc, same type the serde builds
  const type = buildAvroType(schema.schema, schema.references);

  // sanity (and cache warm-up): all three carry the same record to the same bytes and back
  const oursBytes = ours.encode(value);
  const theirs = await client.encode(registryId, value);
  if (!theirs.subarray(5).equals(oursBytes.subarray(5))) throw new Error('registry client and serde payloads differ');
  if (!type.toBuffer(value).equals(oursBytes.subarray(5))) throw new Error('avsc and serde payloads differ');
  // (decoded records are avsc record instances: compare as plain data)
  const same = (a: unknown): boolean => isDeepStrictEqual(JSON.parse(JSON.stringify(a)), value);
  if (!same(await ours.decode(oursBytes))) throw new Error('serde round trip changed the value');
  if (!same(await client.decode(theirs))) throw new Error('registry client round trip changed the value');
  if (!same(type.fromBuffer(type.toBuffer(value)))) throw new Error('avsc round trip changed the value');

  // as the consumer keeps them
  const nonces = new NonceStore({ max: 100_000, graceMs: MAX_SKEW_MS });
  const nonceSeen = (nonce: string, expiresAtMs: number): boolean => nonces.seen(nonce, expiresAtMs, 0, offset);
  const codecs: { name: string; value: Op }[] = [
    { name: 'runtime Serde (validates both ways)', value: () => ours.decode(ours.encode(value)) },
    { name: '@kafkajs/confluent-schema-registry', value: async () => client.decode(await client.encode(registryId, value)) },
    { name: 'raw avsc toBuffer+fromBuffer', value: () => type.fromBuffer(type.toBuffer(value)) },
  ];
  const withEnvelope =
    (op: Op, id: number): Op =>
    () => {
      envelopeRoundTrip(nonceSeen, id);
      return op();
    };
  const ids = [ours.schemaId, registryId, registryId];
  // the envelope alone, and its part that is the transport's (header strings to bytes)
  const sample = buildEnvelope({ traceparent: currentTraceparent(), ttlMs: 60_000, producer: PRODUCER_ID, schemaRef: { kind: 'id', id: ours.schemaId } });
  const toBytes = (): unknown => asWire(sample);
  const measures = [
    ...codecs.flatMap((c, i) => [
      { key: `${i}:env`, op: withEnvelope(c.value, ids[i] as number) },
      { key: `${i}:value`, op: c.value },
    ]),
    { key: 'envelope', op: () => envelopeRoundTrip(nonceSeen, ours.schemaId) },
    { key: 'bytes', op: toBytes },
  ];
  const runs = new Map<string, number[]>(measures.map((m) => [m.key, []]));
  for (const m of measures) await opsPerSecond(m.op); // warm-up (JIT, caches), not recorded
  for (let r = 0; r < ROUNDS; r++) for (const m of measures) runs.get(m.key)?.push(await opsPerSecond(m.op));
  const median = (key: string): number => {
    const xs = [...(runs.get(key) ?? [])].sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] as number;
  };

  await server.close();
  await service.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const client0 = median('1:value');
  const rows = codecs.map((c, i) => {
    const env = median(`${i}:env`);
    const val = median(`${i}:value`);
    return `| ${c.name} | ${env.toFixed(0)} | ${val.toFixed(0)} | ${(env / client0).toFixed(2)} | ${(val / client0).toFixed(2)} |`;
  });
  const ratio = median('0:env') / client0;
  const us = (opsPerS: number): number => 1e6 / opsPerS;
  const envelope = {
    roundTrip: us(median('envelope')),
    bytes: us(median('bytes')),
    // what the envelope may cost for the target: 1 / (1.5 x client) - our value-only time
    budget: us(1.5 * client0) - us(median('0:value')),
  };
  return { rows, target: { ratio, met: ratio >= 1.5 }, sameWork: median('0:env') / median('1:env'), envelope };
}

// ---------------------------------------------------------------------------------------------
// 2. produce -> consume latency

async function latencyBench(maxWaitTimeInMs?: number): Promise<{ p50: number; p95: number; p99: number; max: number; received: number; rate: number }> {
  const mock = await startMockBroker({ brokers: 1 });
  try {
    const transport = kafkajsTransport({
      brokers: mock.bootstrap,
      clientId: 'bench-runtime',
      logLevel: 'nothing',
      ...(maxWaitTimeInMs === undefined ? {} : { consumer: { maxWaitTimeInMs } }),
    });
    const resolver = new InMemorySchemaResolver();
    const def = defineContract({ name: CONTRACT, schema: contractSchema(), keyField: 'order_id' });
    await mock.createTopic(def.topic, 1);
    await mock.createTopic(def.dlqTopic, 1);
    const halt = new HaltSwitch();
    const sentAt = new Float64Array(MESSAGES).fill(NaN);
    const latency: number[] = [];
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    const consumer = createConsumer<Fill>(def, {
      transport,
      resolver,
      groupId: `bench-${randomUUID()}`,
      agent: 'risk',
      halt,
      handler: (v) => {
        const t = performance.now();
        const i = (v['batch_sequence'] as number) - 1;
        if (i >= 0) latency.push(t - (sentAt[i] as number));
        if (latency.length === MESSAGES) done();
      },
    });
    await consumer.start();
    await consumer.joined();
    const producer = createProducer<Fill>(def, { transport, resolver, producerIdentity: PRODUCER_ID, agent: 'execution', halt });
    await producer.connect();
    // warm-up: a few messages outside the count (batch_sequence 0 is ignored by the handler)
    for (let i = 0; i < 50; i++) await producer.send(fillEvent(0));

    const values = Array.from({ length: MESSAGES }, (_, i) => ({ ...fillEvent(i + 1), order_id: randomUUID() }));
    const pending: Promise<unknown>[] = [];
    const interval = 1000 / RATE;
    const t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else if (wait > 0) while (performance.now() < due) await new Promise((r) => setImmediate(r));
      sentAt[i] = performance.now();
      pending.push(producer.send(values[i] as Fill));
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    await Promise.all(pending);
    await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
    const received = latency.length;
    await producer.disconnect();
    await consumer.stop();
    const xs = [...latency].sort((a, b) => a - b);
    const q = (p: number): number => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] as number;
    return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: xs[xs.length - 1] as number, received, rate: MESSAGES / sendSeconds };
  } finally {
    await stopAllMockBrokers();
  }
}

async function main(): Promise<void> {
  const codec = await codecBench();
  if (process.argv.includes('--codec-only')) {
    console.log(
      [...codec.rows, `target ${codec.target.ratio.toFixed(2)}x, same work ${codec.sameWork.toFixed(2)}x`, JSON.stringify(codec.envelope)].join('\n'),
    );
    return;
  }
  const lat = await latencyBench();
  const short = await latencyBench(SHORT_WAIT_MS);
  const latRow = (name: string, l: typeof lat): string =>
    `| ${name} | ${l.p50.toFixed(2)} | ${l.p95.toFixed(2)} | ${l.p99.toFixed(2)} | ${l.max.toFixed(2)} | ${l.received}/${MESSAGES} | ${l.rate.toFixed(0)} |`;
  const table = [
    '| encode+decode of execution.event.fill.v1 | with envelope headers (ops/s) | value only (ops/s) | ratio to client, with envelope | ratio to client, value only |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...codec.rows,
    '',
    `Target: runtime Serde with envelope >= 1.5x the registry client's encode+decode (value only): ${codec.target.ratio.toFixed(2)}x, ${codec.target.met ? 'met' : 'MISSED'}. Same work (envelope added to the client too): ${codec.sameWork.toFixed(2)}x.`,
    '',
    `The envelope round trip alone (build with new ids, headers to bytes, parse, check against the nonce store): ${codec.envelope.roundTrip.toFixed(2)} us per message, of which ${codec.envelope.bytes.toFixed(2)} us is turning its 8 header strings into bytes (the transport's work, simulated). The target leaves the envelope ${codec.envelope.budget.toFixed(2)} us beside our value-only encode+decode.`,
    '',
    '| produce -> consume, one hop, mock broker | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | received | send rate (msg/s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    latRow(`createProducer.send -> createConsumer handler, default timings (fetch max wait ${DEFAULT_CONSUMER_TIMINGS.maxWaitTimeInMs} ms)`, lat),
    latRow(`the same, fetch max wait ${SHORT_WAIT_MS} ms`, short),
    '',
    `The mock cluster answers a Fetch that finds no records only after its full max wait and does not wake it when a record arrives (a real broker answers as soon as min.bytes is there), so with the default timings a record waits for the fetch in flight to expire: latency is roughly uniform over [0, max wait]. The ${SHORT_WAIT_MS} ms row shows the pipeline's own cost.`,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    fs.writeFileSync(
      path.join(__dirname, 'runtime.results.md'),
      `# runtime: serde with envelope, produce -> consume latency\n\nRecorded ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npx tsx bench/runtime.ts --write\` (codecs: median of ${ROUNDS} rounds of ${SECONDS} s each after a warm-up round, one process; latency: librdkafka mock cluster with 1 broker, kafkajs transport with its default consumer timings and again with a short fetch max wait, ${MESSAGES} messages at ${RATE}/s, one per send, after the consumer joined).\n\n${table}\n`,
    );
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
