import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type CliIo } from '@dynamic-capital/contracts-cli';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(__dirname, 'fixtures', 'projects');

/** Run `contracts` in-process and capture what it prints. */
export async function runCli(argv: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, env: {}, color: false, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A throwaway copy of this repository's contracts (schemas, agents, policies, lock) to edit in a test. */
export function copyRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-repo-'));
  for (const part of ['schemas', 'agents', 'policies', 'compat']) {
    if (fs.existsSync(path.join(REPO_ROOT, part))) fs.cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  }
  return dir;
}

/** Replace `from` (which must occur) in a file of `dir`. */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const target = path.join(dir, file);
  const text = fs.readFileSync(target, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
  fs.writeFileSync(target, next);
}
