/**
 * Test harness: a real Kafka-protocol broker (librdkafka's mock cluster, see kmock.c) with fault
 * injection. Builds kmock through scripts/build-kmock.sh (cached), spawns it, and drives it over
 * stdin. Every spawned process is killed by stop(), by stopAllMockBrokers() (call it in afterAll)
 * and, as a last resort, on process exit; kmock also exits by itself when its stdin closes.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../../..');
const buildScript = path.join(repoRoot, 'scripts/build-kmock.sh');

export interface MockBrokerOptions {
  /** Number of brokers, numbered 1..brokers. Default 3. */
  brokers?: number;
  /** How long to wait for the build and the BOOTSTRAP line. Default 30 s. */
  startTimeoutMs?: number;
}

export interface MockBroker {
  /** host:port of every broker, in broker-id order (1..N). */
  readonly bootstrap: string[];
  readonly brokerCount: number;
  /** Creates a topic; replication defaults to min(brokers, 3). */
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  /** Closes a broker's listener and connections (broker ids are 1..N). */
  down(id: number): Promise<void>;
  up(id: number): Promise<void>;
  /** Adds ms of latency to every response of a broker; id -1 means all brokers. */
  rtt(id: number, ms: number): Promise<void>;
  leader(topic: string, partition: number, broker: number): Promise<void>;
  /** The next count requests of a Kafka ApiKey fail with these error codes. */
  requestErrors(apiKey: number, ...errorCodes: number[]): Promise<void>;
  /** Sends a raw command line; resolves with the answer after OK, rejects on ERR. */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

export class MockBrokerError extends Error {
  override readonly name = 'MockBrokerError';
}

const live = new Set<ChildProcessWithoutNullStreams>();
const stoppers = new Set<() => Promise<void>>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Stops every mock broker this process started; use in afterAll. */
export async function stopAllMockBrokers(): Promise<void> {
  await Promise.all([...stoppers].map((stop) => stop()));
}

/** Builds kmock when needed and returns the binary's path. */
export async function buildKmock(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [buildScript], { cwd: repoRoot });
    const lines = stdout.trim().split('\n');
    const binary = lines[lines.length - 1];
    if (!binary) throw new MockBrokerError('build-kmock.sh printed no path');
    return binary;
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    throw new MockBrokerError(`building the mock broker failed (exit ${String(e.code)}): ${e.stderr?.trim() ?? String(err)}`);
  }
}

export async function startMockBroker(options: MockBrokerOptions = {}): Promise<MockBroker> {
  const brokerCount = options.brokers ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const binary = await buildKmock();
  installExitHook();

  const child = spawn(binary, [String(brokerCount)], { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  // Answers arrive one line per command, in order: a FIFO of waiters.
  const waiters: { resolve(line: string): void; reject(err: Error): void }[] = [];
  let exited: Error | undefined;
  let bootstrapLine: ((line: string) => void) | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exited = new MockBrokerError(`kmock exited (code ${String(code)}, signal ${String(signal)}): ${stderr.trim()}`);
      for (const w of waiters.splice(0)) w.reject(exited);
      resolve();
    });
  });
  child.once('error', (err) => {
    exited = new MockBrokerError(`kmock could not run: ${err.message}`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });

  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (bootstrapLine) {
      const take = bootstrapLine;
      bootstrapLine = undefined;
      take(line);
      return;
    }
    waiters.shift()?.resolve(line);
  });

  let bootstrap: string[];
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MockBrokerError(`kmock printed no BOOTSTRAP line within ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs);
      bootstrapLine = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      void exitedPromise.then(() => {
        clearTimeout(timer);
        reject(exited);
      });
    });
    const m = /^BOOTSTRAP (\S+)$/.exec(first);
    if (!m?.[1]) throw new MockBrokerError(`unexpected first line from kmock: ${first}`);
    bootstrap = m[1].split(',');
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<string> => {
    if (/[\r\n]/.test(line)) return Promise.reject(new MockBrokerError('a kmock command is one line'));
    const run = async (): Promise<string> => {
      if (exited) throw exited;
      const answer = new Promise<string>((resolve, reject) => waiters.push({ resolve, reject }));
      child.stdin.write(`${line}\n`);
      const reply = await answer;
      if (reply === 'OK') return reply;
      throw new MockBrokerError(`kmock "${line}": ${reply}`);
    };
    const result = chain.then(run, run);
    chain = result.catch(() => undefined);
    return result;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stoppers.delete(stop);
      if (!exited) {
        child.stdin.end('quit\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exitedPromise;
        clearTimeout(timer);
      }
      lines.close();
    })();
    return stopping;
  };
  stoppers.add(stop);

  const int = (n: number, what: string): string => {
    if (!Number.isInteger(n)) throw new MockBrokerError(`${what} must be an integer, got ${n}`);
    return String(n);
  };
  const name = (s: string): string => {
    if (!/^[A-Za-z0-9._-]+$/.test(s)) throw new MockBrokerError(`invalid topic name: ${JSON.stringify(s)}`);
    return s;
  };

  return {
    bootstrap,
    brokerCount,
    command,
    stop,
    createTopic: async (topic, partitions, replication) => {
      await command(`topic ${name(topic)} ${int(partitions, 'partitions')}${replication === undefined ? '' : ` ${int(replication, 'replication')}`}`);
    },
    down: async (id) => void (await command(`down ${int(id, 'broker id')}`)),
    up: async (id) => void (await command(`up ${int(id, 'broker id')}`)),
    rtt: async (id, ms) => void (await command(`rtt ${int(id, 'broker id')} ${int(ms, 'rtt')}`)),
    leader: async (topic, partition, broker) => void (await command(`leader ${name(topic)} ${int(partition, 'partition')} ${int(broker, 'broker id')}`)),
    requestErrors: async (apiKey, ...codes) => void (await command(`reqerr ${int(apiKey, 'ApiKey')} ${codes.map((c) => int(c, 'error code')).join(' ')}`)),
  };
}
