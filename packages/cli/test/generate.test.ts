// json-schema-to-typescript (used by the generators) loads prettier's CommonJS entry, which Jest rejects; see generators/src/types/json-schema.ts.
jest.mock('prettier', () => ({}));
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, edit, REPO_ROOT, runCli } from './helpers';

/** A throwaway copy of the repository's contracts with its committed SDK packages (sources only). */
function copyRepoWithSdks(): string {
  const dir = copyRepo();
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, 'packages'))) {
    if (!entry.startsWith('sdk-')) continue;
    fs.cpSync(path.join(REPO_ROOT, 'packages', entry), path.join(dir, 'packages', entry), {
      recursive: true,
      filter: (src) => !['dist', 'node_modules'].includes(path.basename(src)),
    });
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
function temp(withSdks: boolean): string {
  const dir = withSdks ? copyRepoWithSdks() : copyRepo();
  dirs.push(dir);
  return dir;
}

describe('contracts generate', () => {
  it('--check passes on the repository', async () => {
    const result = await runCli(['generate', '--check']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/generated files are up to date/);
  });

  it('--check exits 1 naming the file after a schema edit, writes nothing; generate fixes it', async () => {
    const dir = temp(true);
    expect((await runCli(['generate', '--check', '--root', dir])).code).toBe(0);
    edit(dir, 'schemas/execution/event.fill.v1.avsc', '"Instrument traded."', '"The instrument traded."');
    const before = fs.readFileSync(path.join(dir, 'packages/sdk-execution/src/index.ts'), 'utf8');
    const check = await runCli(['generate', '--check', '--root', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/different\s+packages\/sdk-execution\/src\/index\.ts/);
    expect(check.stdout).not.toMatch(/sdk-market/);
    expect(fs.readFileSync(path.join(dir, 'packages/sdk-execution/src/index.ts'), 'utf8')).toBe(before);

    const write = await runCli(['generate', '--root', dir]);
    expect(write.code).toBe(0);
    expect(write.stdout).toMatch(/updated\s+packages\/sdk-execution\/src\/index\.ts/);
    expect(fs.readFileSync(path.join(dir, 'packages/sdk-execution/src/index.ts'), 'utf8')).toContain('The instrument traded.');
    expect((await runCli(['generate', '--check', '--root', dir])).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'packages/sdk-execution/src')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports and removes stale generated files, and leaves dist alone', async () => {
    const dir = temp(true);
    fs.writeFileSync(path.join(dir, 'packages/sdk-execution/src/old.ts'), 'export {};\n');
    fs.mkdirSync(path.join(dir, 'packages/sdk-gone/src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'packages/sdk-gone/src/index.ts'), 'export {};\n');
    fs.mkdirSync(path.join(dir, 'packages/sdk-execution/dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'packages/sdk-execution/dist/index.js'), '');
    const check = await runCli(['generate', '--check', '--root', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/stale\s+packages\/sdk-execution\/src\/old\.ts/);
    expect(check.stdout).toMatch(/stale\s+packages\/sdk-gone\/src\/index\.ts/);
    expect(check.stdout).not.toMatch(/dist/);
    expect((await runCli(['generate', '--root', dir])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'packages/sdk-execution/src/old.ts'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'packages/sdk-gone'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'packages/sdk-execution/dist/index.js'))).toBe(true);
    expect((await runCli(['generate', '--check', '--root', dir])).code).toBe(0);
  });

  it('creates missing packages identical to the committed ones', async () => {
    const dir = temp(false);
    const check = await runCli(['generate', '--check', '--root', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/missing\s+packages\/sdk-system\/package\.json/);
    expect((await runCli(['generate', '--root', dir])).code).toBe(0);
    for (const file of ['packages/sdk-system/src/index.ts', 'packages/sdk-platform/README.md', 'packages/sdk-order/tsconfig.json'])
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
  });

  it('is a stage of contracts check, which fails on drift', async () => {
    const dir = temp(true);
    expect((await runCli(['--help'])).stdout).toMatch(/generate/);
    const ok = await runCli(['check', '--root', dir]);
    expect(ok.stdout).toMatch(/== generate --check/);
    expect(ok.code).toBe(0);
    fs.rmSync(path.join(dir, 'packages/sdk-risk/README.md'));
    const failed = await runCli(['check', '--root', dir]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/check: FAILED \(generate --check\)/);
  });
});
