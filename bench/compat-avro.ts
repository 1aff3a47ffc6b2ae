/**
 * Avro compatibility throughput: our engine against Apache Avro's SchemaCompatibility (Debian's
 * libavro-java 1.8.2, timed inside its JVM), on the same generated pairs in the same run.
 *
 *   npx tsx bench/compat-avro.ts [pairs=20000] [seed=20261124]
 *
 * Prints a table and writes bench/compat-avro.results.md.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { checkAvroReaderWriter, compileAvro, type CompiledAvro } from '../packages/compat/src/avro';
import { generatePairs, type GeneratedPair } from '../packages/compat/test/avro/generator';
import { JavaHarness, type JavaBench } from '../packages/compat/test/avro/java-harness';

const PAIRS = Number(process.argv[2] ?? 20000);
const SEED = Number(process.argv[3] ?? 20261124);
const WARM_UP_MS = 5000;
const ROUNDS = 5;
const ROUND_MS = 1000;
/** Batches per timed round on the JVM side (a batch of 20,000 pairs takes a fraction of a second there). */
const JAVA_BATCHES_PER_ROUND = 3;

interface Compiled {
  readonly reader: CompiledAvro;
  readonly writer: CompiledAvro;
}

function compilePair(pair: GeneratedPair): Compiled {
  return {
    reader: compileAvro({ schema: pair.reader, references: pair.readerReferences }),
    writer: compileAvro({ schema: pair.writer, references: pair.writerReferences }),
  };
}

/**
 * Pairs per second of `batch` (which handles `size` pairs): after a warm-up, the best of ROUNDS
 * timed rounds of at least ROUND_MS each, the one least disturbed by other processes. The JVM
 * side is measured the same way (AvroCompat.java bench).
 */
function throughput(size: number, batch: () => number): { pairsPerSec: number; batches: number } {
  let sink = 0;
  const warmUntil = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUntil) sink += batch();
  let best = 0;
  let batches = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let reps = 0;
    let elapsed = 0;
    const start = performance.now();
    while (elapsed < ROUND_MS) {
      sink += batch();
      reps++;
      elapsed = performance.now() - start;
    }
    batches += reps;
    best = Math.max(best, (size * reps) / (elapsed / 1000));
  }
  if (sink < 0) console.log(sink); // keeps the work observable
  return { pairsPerSec: best, batches };
}

function main(): void {
  console.log(`Generating ${PAIRS} pairs (seed ${SEED})...`);
  const pairs = generatePairs(SEED, PAIRS);

  const java = JavaHarness.compile();
  let javaVerdicts: string[];
  let javaBench: JavaBench;
  try {
    javaVerdicts = java.verdicts(pairs);
    console.log('Timing Apache Avro (in its JVM)...');
    javaBench = java.bench(pairs, JAVA_BATCHES_PER_ROUND);
  } finally {
    java.dispose();
  }

  console.log('Timing this engine...');
  // Compile + check first, before 40,000 compiled schemas sit on the heap.
  const compileAndCheck = throughput(pairs.length, () => {
    let incompatible = 0;
    for (const pair of pairs) {
      const c = compilePair(pair);
      if (checkAvroReaderWriter(c.reader, c.writer).length > 0) incompatible++;
    }
    return incompatible;
  });
  const compiled = pairs.map(compilePair);
  const check = throughput(pairs.length, () => {
    let incompatible = 0;
    for (const c of compiled) if (checkAvroReaderWriter(c.reader, c.writer).length > 0) incompatible++;
    return incompatible;
  });

  const verdicts = compiled.map((c) => (checkAvroReaderWriter(c.reader, c.writer).length === 0 ? 'COMPATIBLE' : 'INCOMPATIBLE'));
  const agree = verdicts.filter((v, i) => v === javaVerdicts[i]).length;
  const compatible = verdicts.filter((v) => v === 'COMPATIBLE').length;

  const rows = [
    ['check only (schemas compiled once)', check.pairsPerSec, javaBench.checkPairsPerSec],
    ['compile + check', compileAndCheck.pairsPerSec, javaBench.parseCheckPairsPerSec],
  ] as const;
  const table = markdownTable(
    ['measure', 'this engine (pairs/s)', 'Apache Avro 1.8.2, in-JVM (pairs/s)', 'ratio'],
    rows.map(([name, ours, theirs]) => [name, fmt(ours), fmt(theirs), `${(ours / theirs).toFixed(2)}×`]),
  );

  const cpu = cpus();
  const machine = `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
  const javaVersion = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0]?.trim() ?? 'java';
  const date = new Date().toISOString().slice(0, 10);

  console.log(`\n${table}\n`);
  console.log(`verdicts agree on ${agree}/${pairs.length} pairs (${compatible} compatible)`);

  const markdown = `# Avro compatibility benchmark

Recorded ${date} by \`npx tsx bench/compat-avro.ts ${PAIRS} ${SEED}\`.

- Machine: ${machine}
- Node ${process.version}; ${javaVersion}
- Workload: ${pairs.length} reader/writer pairs from \`packages/compat/test/avro/generator.ts\` (seed ${SEED}):
  random writer schemas and readers evolved from them, half checked backward and half forward;
  ${compatible} compatible, ${pairs.length - compatible} incompatible.
- Verdicts: this engine and Apache Avro agree on ${agree} of ${pairs.length} pairs.
- Method: same run, same pairs and same procedure on both sides: a ${WARM_UP_MS / 1000} s warm-up, then the
  best of ${ROUNDS} timed rounds (ours: rounds of at least ${ROUND_MS / 1000} s, ${check.batches} and ${compileAndCheck.batches} batches
  in all; Avro: rounds of ${javaBench.reps} batches, timed inside the JVM by \`AvroCompat.java bench\`, so JVM
  start-up is excluded). "Compile + check" parses both schemas of every pair each time (Avro:
  \`Schema.Parser\`; ours: \`compileAvro\`).

${table}

Our engine collects every incompatibility with its paths (as Avro 1.11 does); Avro 1.8.2 stops at
the first one and returns only a verdict, so it does less work per incompatible pair. On this
2-core machine other processes share the CPU; the JVM figures in particular vary from run to run,
which is why both sides report their best round.
`;
  writeFileSync(join(__dirname, 'compat-avro.results.md'), markdown);
  console.log('Wrote bench/compat-avro.results.md');
}

/** A table laid out as Prettier would (first column left-aligned, numbers right-aligned). */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main();
