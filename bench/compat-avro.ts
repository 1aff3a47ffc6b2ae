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
import { JavaHarness } from '../packages/compat/test/avro/java-harness';

const PAIRS = Number(process.argv[2] ?? 20000);
const SEED = Number(process.argv[3] ?? 20261124);
const WARM_UP_MS = 2000;
const MIN_TIMED_MS = 3000;

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

/** Runs `batch` (which handles `size` pairs) after a warm-up until MIN_TIMED_MS has passed; pairs per second. */
function throughput(size: number, batch: () => number): { pairsPerSec: number; reps: number } {
  let sink = 0;
  const warmUntil = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUntil) sink += batch();
  let reps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_TIMED_MS || reps < 3) {
    sink += batch();
    reps++;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink); // keep the work observable
  return { pairsPerSec: (size * reps) / (elapsed / 1000), reps };
}

function main(): void {
  console.log(`Generating ${PAIRS} pairs (seed ${SEED})...`);
  const pairs = generatePairs(SEED, PAIRS);
  const compiled = pairs.map(compilePair);

  const verdicts = compiled.map((c) => (checkAvroReaderWriter(c.reader, c.writer).length === 0 ? 'COMPATIBLE' : 'INCOMPATIBLE'));
  const java = JavaHarness.compile();
  let javaVerdicts: string[];
  let javaBench;
  try {
    javaVerdicts = java.verdicts(pairs);
    console.log('Timing Apache Avro (in its JVM)...');
    javaBench = java.bench(pairs, 20);
  } finally {
    java.dispose();
  }
  const agree = verdicts.filter((v, i) => v === javaVerdicts[i]).length;
  const compatible = verdicts.filter((v) => v === 'COMPATIBLE').length;

  console.log('Timing this engine...');
  const check = throughput(pairs.length, () => {
    let incompatible = 0;
    for (const c of compiled) if (checkAvroReaderWriter(c.reader, c.writer).length > 0) incompatible++;
    return incompatible;
  });
  const compileAndCheck = throughput(pairs.length, () => {
    let incompatible = 0;
    for (const pair of pairs) {
      const c = compilePair(pair);
      if (checkAvroReaderWriter(c.reader, c.writer).length > 0) incompatible++;
    }
    return incompatible;
  });

  const rows = [
    ['check only (schemas compiled once)', check.pairsPerSec, javaBench.checkPairsPerSec],
    ['compile + check', compileAndCheck.pairsPerSec, javaBench.parseCheckPairsPerSec],
  ] as const;
  const table = [
    '| measure | this engine (pairs/s) | Apache Avro 1.8.2, in-JVM (pairs/s) | ratio |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(([name, ours, theirs]) => `| ${name} | ${fmt(ours)} | ${fmt(theirs)} | ${(ours / theirs).toFixed(2)}× |`),
  ].join('\n');

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
- Method: each side warms up (2 s), then runs the whole batch repeatedly, in process (our engine:
  ${check.reps} and ${compileAndCheck.reps} batches over at least 3 s; Avro: ${javaBench.reps} batches each, timed
  inside the JVM by \`AvroCompat.java bench\`, so JVM start-up is excluded). "Compile + check" parses
  both schemas of every pair each time (Avro: \`Schema.Parser\`; ours: \`compileAvro\`).

${table}

Our engine collects every incompatibility with its paths (as Avro 1.11 does); Avro 1.8.2 stops at
the first one and returns only a verdict, so it does less work per incompatible pair.
`;
  writeFileSync(join(__dirname, 'compat-avro.results.md'), markdown);
  console.log('Wrote bench/compat-avro.results.md');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main();
