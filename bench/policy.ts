/**
 * Policy benchmarks, in one run:
 *
 * 1. Compile time per pack (policies/*): Rego -> OPA-ABI Wasm with this repository's compiler
 *    (parse, check, plan, emit AssemblyScript, asc). The first compile of the process also starts
 *    the compiler worker ("cold"); the others reuse it ("warm", median of 3).
 * 2. Decision latency of trading_risk_v1/decision through @open-policy-agent/opa-wasm
 *    (policy.evaluate: input JSON in, decision JSON out) beside a hand-written TypeScript function
 *    implementing the same limits (the floor: no Wasm, no JSON). Four intents in rotation (allowed,
 *    over the notional limit, over a position limit, venue not allowed); both must return the same
 *    decisions (checked first). p50/p99 over N single calls timed with hrtime; decisions/s over
 *    N calls without per-call timing.
 *    Targets: p99 under 25 us, 100k decisions/s.
 *
 * Run: npx tsx bench/policy.ts [--write]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { loadProject } from '../packages/model/src';
import { compilePolicy, hostBuiltins } from '../packages/rego/src';
import { closeAssemblyScript } from '../packages/rego/src/emit/asc';

const ROOT = path.resolve(__dirname, '..');
const N = Number(process.env['BENCH_DECISIONS'] ?? 200_000);
const ENTRYPOINT = 'trading_risk_v1/decision';

interface Limits {
  max_order_notional_usd: number;
  max_daily_loss_usd: number;
  max_context_age_ms: number;
  allowed_venues: string[];
  allowed_symbols: string[];
}

interface Input {
  intent: {
    order_id: string;
    instrument: { symbol: string; venue: string };
    venue?: string;
    side: string;
    quantity: number;
    limit_price: number | null;
    notional_usd: number;
  };
  context: { as_of_ms: number; positions: Record<string, number>; position_limits: Record<string, number>; daily_pnl_usd: number; halted: boolean };
  now_ms: number;
}

interface Decision {
  allow: boolean;
  reasons: string[];
}

/** The floor: trading_risk_v1's limits by hand, for well-formed input and limits (the bench's inputs). */
function handWritten(input: Input, limits: Limits): Decision {
  const reasons: string[] = [];
  const { intent, context } = input;
  if (context.halted === true) reasons.push('halted');
  if (intent.notional_usd > limits.max_order_notional_usd)
    reasons.push(`MAX_NOTIONAL_EXCEEDED: notional_usd ${intent.notional_usd} > max_order_notional_usd ${limits.max_order_notional_usd}`);
  const symbol = intent.instrument.symbol;
  const limit = context.position_limits[symbol];
  const sign = intent.side === 'BUY' ? 1 : intent.side === 'SELL' ? -1 : undefined;
  if (limit === undefined) reasons.push(`POSITION_LIMIT_MISSING: no position limit for ${symbol} in risk context`);
  else if (sign !== undefined) {
    const current = context.positions[symbol] ?? 0;
    const signed = intent.quantity * sign;
    const projected = current + signed;
    if (Math.abs(projected) > limit && Math.abs(projected) >= Math.abs(current))
      reasons.push(`POSITION_LIMIT_EXCEEDED: ${symbol} projected position ${projected} (current ${current}, order ${signed}) exceeds limit ${limit}`);
  }
  if (context.daily_pnl_usd < 0 - limits.max_daily_loss_usd)
    reasons.push(`DAILY_LOSS_LIMIT_BREACHED: daily_pnl_usd ${context.daily_pnl_usd} < -${limits.max_daily_loss_usd} (max_daily_loss_usd)`);
  for (const venue of new Set([intent.instrument.venue, ...(intent.venue === undefined ? [] : [intent.venue])]))
    if (!limits.allowed_venues.includes(venue)) reasons.push(`VENUE_NOT_ALLOWED: venue ${venue} is not in allowed_venues`);
  if (!limits.allowed_symbols.includes(symbol)) reasons.push(`SYMBOL_NOT_ALLOWED: symbol ${symbol} is not in allowed_symbols`);
  const age = input.now_ms - context.as_of_ms;
  if (age > limits.max_context_age_ms) reasons.push(`STALE_RISK_CONTEXT: context age ${age} ms > max_context_age_ms ${limits.max_context_age_ms}`);
  reasons.sort();
  return { allow: reasons.length === 0, reasons };
}

function inputs(): Input[] {
  const base: Input = {
    intent: {
      order_id: '0192f5a4-7c3e-7b9a-9d2e-5b8f0c1a2d3e',
      instrument: { symbol: 'BTC-USDT', venue: 'BINANCE' },
      side: 'BUY',
      quantity: 2,
      limit_price: 65000,
      notional_usd: 130000,
    },
    context: {
      as_of_ms: 1_764_000_000_000,
      positions: { 'BTC-USDT': 3, 'ETH-USDT': -90 },
      position_limits: { 'BTC-USDT': 10, 'ETH-USDT': 100 },
      daily_pnl_usd: -1000,
      halted: false,
    },
    now_ms: 1_764_000_000_100,
  };
  return [
    base,
    { ...base, intent: { ...base.intent, notional_usd: 900000 } },
    { ...base, intent: { ...base.intent, quantity: 9 } },
    { ...base, intent: { ...base.intent, venue: 'FTX' } },
  ];
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

function latency(fn: (i: number) => unknown): { p50: number; p99: number; perSecond: number } {
  for (let i = 0; i < 20_000; i++) fn(i); // warm-up
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    xs[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  xs.sort();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn(i);
  const seconds = (performance.now() - t0) / 1000;
  return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), perSecond: N / seconds };
}

async function main(): Promise<void> {
  const { graph } = loadProject(ROOT);
  // 1. compile time per pack
  const compileRows: string[] = [];
  let first = true;
  for (const pack of graph.policies.values()) {
    const sources = pack.modules.filter((m) => !m.isTest).map((m) => ({ path: m.file, text: m.text }));
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < (first ? 4 : 3); r++) {
      const t0 = performance.now();
      const compiled = await compilePolicy(sources, pack.entrypoints.length > 0 ? { entrypoints: pack.entrypoints } : {});
      times.push(performance.now() - t0);
      bytes = compiled.wasm.length;
    }
    const cold = first ? times.shift() : undefined;
    first = false;
    const warm = [...times].sort((a, b) => a - b)[1] as number;
    compileRows.push(
      `| ${pack.name} | ${sources.length} | ${cold === undefined ? '' : (cold / 1000).toFixed(2)} | ${(warm / 1000).toFixed(2)} | ${bytes} | ${warm < 3000 ? 'met' : 'MISSED'} |`,
    );
  }

  // 2. decisions
  const pack = graph.policies.get('trading_risk_v1');
  if (!pack) throw new Error('no trading_risk_v1 pack');
  const limits = (pack.data as { limits: Limits }).limits;
  const compiled = await compilePolicy(
    pack.modules.filter((m) => !m.isTest).map((m) => ({ path: m.file, text: m.text })),
    { entrypoints: [ENTRYPOINT] },
  );
  await closeAssemblyScript();
  const policy = await loadPolicy(compiled.wasm, undefined, hostBuiltins());
  policy.setData({ trading_risk_v1: pack.data });
  const xs = inputs();
  const viaSdk = (i: number): Decision => (policy.evaluate(xs[i & 3], ENTRYPOINT) as { result: Decision }[])[0]?.result as Decision;
  const viaTs = (i: number): Decision => handWritten(xs[i & 3] as Input, limits);
  for (let i = 0; i < 4; i++) {
    if (!isDeepStrictEqual(viaSdk(i), viaTs(i)))
      throw new Error(`decisions differ for input ${i}: ${JSON.stringify(viaSdk(i))} vs ${JSON.stringify(viaTs(i))}`);
  }
  const sdk = latency(viaSdk);
  const ts = latency(viaTs);
  const decisionRows = [
    `| compiled trading_risk_v1 through @open-policy-agent/opa-wasm | ${sdk.p50.toFixed(2)} | ${sdk.p99.toFixed(2)} | ${sdk.perSecond.toFixed(0)} | ${(sdk.perSecond / ts.perSecond).toFixed(3)} |`,
    `| hand-written TypeScript (floor) | ${ts.p50.toFixed(2)} | ${ts.p99.toFixed(2)} | ${ts.perSecond.toFixed(0)} | 1.000 |`,
  ];
  const table = [
    '| pack | modules | compile, cold (s) | compile, warm (s) | policy.wasm (bytes) | target < 3 s |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...compileRows,
    '',
    `| ${ENTRYPOINT}, 4 intents in rotation | p50 (us) | p99 (us) | decisions/s | ratio to floor |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...decisionRows,
    '',
    `Targets through the SDK: p99 < 25 us: ${sdk.p99 < 25 ? 'met' : 'MISSED'} (${sdk.p99.toFixed(2)} us); 100k decisions/s: ${sdk.perSecond >= 100_000 ? 'met' : 'MISSED'} (${sdk.perSecond.toFixed(0)}).`,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    fs.writeFileSync(
      path.join(__dirname, 'policy.results.md'),
      `# policy: compile time per pack, decision latency\n\nRecorded ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npx tsx bench/policy.ts --write\` (${N} decisions per measure after 20k warm-up calls).\n\n${table}\n`,
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
