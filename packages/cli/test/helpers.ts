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
