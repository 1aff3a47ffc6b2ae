/**
 * Runs AvroCompat.java (Apache Avro's SchemaCompatibility from Debian's libavro-java) on batches
 * of schema pairs. Used by the differential test and by bench/compat-avro.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JARS = [
  '/usr/share/java/avro.jar',
  '/usr/share/java/jackson-core-asl.jar',
  '/usr/share/java/jackson-mapper-asl.jar',
  '/usr/share/java/slf4j-api.jar',
  '/usr/share/java/slf4j-nop.jar',
];
const SOURCE = join(__dirname, 'AvroCompat.java');
const FIX = 'Run scripts/ensure-system-deps.sh (it installs the JDK and libavro-java), then rerun.';

export interface HarnessPair {
  readonly reader: unknown;
  readonly writer: unknown;
  readonly readerReferences?: ReadonlyMap<string, unknown>;
  readonly writerReferences?: ReadonlyMap<string, unknown>;
}

export interface JavaBench {
  readonly pairs: number;
  readonly reps: number;
  readonly checkPairsPerSec: number;
  readonly parseCheckPairsPerSec: number;
}

export class JavaHarness {
  private constructor(private readonly dir: string) {}

  /** Compiles the harness into a temporary directory; throws, saying how to fix it, when Java or Avro is missing. */
  static compile(): JavaHarness {
    const missing = JARS.filter((jar) => !existsSync(jar));
    if (missing.length > 0) throw new Error(`Apache Avro for Java is not installed (missing ${missing.join(', ')}). ${FIX}`);
    const dir = mkdtempSync(join(tmpdir(), 'avro-compat-'));
    const javac = spawnSync('javac', ['-nowarn', '-cp', JARS.join(':'), '-d', dir, SOURCE], { encoding: 'utf8' });
    if (javac.error) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`javac is not available (${javac.error.message}). ${FIX}`);
    }
    if (javac.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`javac failed on ${SOURCE}:\n${javac.stderr}`);
    }
    return new JavaHarness(dir);
  }

  /** One verdict per pair: COMPATIBLE, INCOMPATIBLE or "ERROR <message>". */
  verdicts(pairs: readonly HarnessPair[]): string[] {
    const lines = this.run([], pairs);
    if (lines.length !== pairs.length) throw new Error(`AvroCompat printed ${lines.length} verdicts for ${pairs.length} pairs`);
    return lines;
  }

  /** Avro's SchemaNormalization: "<parsing canonical form>\t<hex SHA-256>" for each pair's writer. */
  canonicalForms(pairs: readonly HarnessPair[]): string[] {
    return this.run(['canonical'], pairs);
  }

  bench(pairs: readonly HarnessPair[], reps: number): JavaBench {
    const [line] = this.run(['bench', String(reps)], pairs);
    return JSON.parse(line ?? '{}') as JavaBench;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(args: readonly string[], pairs: readonly HarnessPair[]): string[] {
    const input = pairs.map(toLine).join('\n') + '\n';
    const java = spawnSync('java', ['-cp', [...JARS, this.dir].join(':'), 'AvroCompat', ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (java.error) throw new Error(`java is not available (${java.error.message}). ${FIX}`);
    if (java.status !== 0) throw new Error(`AvroCompat ${args.join(' ')} exited with ${java.status}:\n${java.stderr}`);
    return java.stdout.split('\n').filter((line) => line.length > 0);
  }
}

export function toLine(pair: HarnessPair): string {
  return JSON.stringify({
    reader: pair.reader,
    writer: pair.writer,
    readerReferences: [...(pair.readerReferences?.values() ?? [])],
    writerReferences: [...(pair.writerReferences?.values() ?? [])],
  });
}
