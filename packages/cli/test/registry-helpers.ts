import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

const BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'contracts');

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed. */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `contracts registry serve` as a real process on a free port and wait until it listens. */
export function startServe(args: string[], cwd = REPO_ROOT): Promise<ServerProcess> {
  const child = spawn(BIN, ['registry', 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry serve did not start in 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /registry listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`registry serve exited with ${code} before listening:\n${out}`));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh database on the shared PostgreSQL server: the registry tests' helper, one definition for both suites. */
export { createTestDatabase as freshDatabase } from '../../registry/test/store/helpers';

/** POST a schema to a subject over HTTP; returns the id or throws with the registry's error. */
export async function registerHttp(url: string, subject: string, schema: string, schemaType?: string): Promise<number> {
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, ...(schemaType ? { schemaType } : {}) }),
  });
  const body = (await response.json()) as { id?: number; error_code?: number; message?: string };
  if (!response.ok || typeof body.id !== 'number') throw new Error(`register ${subject}: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}
