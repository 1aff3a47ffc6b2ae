import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, REPO_ROOT, runCli } from './helpers';

interface Expected {
  file: string;
  line: number;
  column: number;
  rule: string;
  /** The source text at that line and column. */
  at: string;
}

const cases = fs.readdirSync(FIXTURES).filter((c) => fs.existsSync(path.join(FIXTURES, c, 'expected.json')));

describe('contracts validate on broken fixtures', () => {
  it('has the fixtures the issue asks for', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'trailing-comma',
        'unknown-avro-type',
        'dangling-ref',
        'dangling-ref-file',
        'duplicate-contract',
        'missing-file',
        'agent-unknown-contract',
        'valid',
      ]),
    );
  });

  it.each(cases)('%s: the expected diagnostics at the right place, and the exit code', async (name) => {
    const dir = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected[];
    const { code, stdout, stderr } = await runCli(['--root', dir, 'validate', '--json']);
    const diagnostics = JSON.parse(stdout) as { file: string; line: number; column: number; rule: string; severity: string; message: string; hint: string }[];
    expect(diagnostics.map(({ file, line, column, rule }) => ({ file, line, column, rule }))).toEqual(
      expected.map(({ file, line, column, rule }) => ({ file, line, column, rule })),
    );
    for (const [i, d] of diagnostics.entries()) {
      const sourceLine = fs.readFileSync(path.join(dir, d.file), 'utf8').split('\n')[d.line - 1] ?? '';
      expect(sourceLine.slice(d.column - 1)).toMatch(new RegExp('^' + (expected[i]?.at ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      expect(d.message.length).toBeGreaterThan(10);
      expect(d.hint.length).toBeGreaterThan(10);
    }
    expect(code).toBe(expected.length > 0 ? 1 : 0);
    expect(stderr).toBe('');
  });

  it('prints a code frame at the line and column in human output', async () => {
    const { code, stdout } = await runCli(['--root', path.join(FIXTURES, 'trailing-comma'), 'validate']);
    expect(code).toBe(1);
    expect(stdout).toContain('schemas/demo/event.pong.v1.schema.json:11:105 error [json-syntax] trailing comma before');
    // @babel/code-frame marks the offending line with ">" and the column with "^".
    expect(stdout).toMatch(/> 11 \|.*"Round trip time in milliseconds\." },\n.*\|\s+\^/);
    expect(stdout).toContain('hint: JSON does not allow a comma after the last element');
    expect(stdout).toContain('1 error, 0 warnings in 1 file');
  });

  it('reports only the paths asked for', async () => {
    const dir = path.join(FIXTURES, 'trailing-comma');
    const onlyAgents = await runCli(['--root', dir, 'validate', '--json', 'agents'], dir);
    expect(JSON.parse(onlyAgents.stdout)).toEqual([]);
    expect(onlyAgents.code).toBe(0);
    const onlySchemas = await runCli(['--root', dir, 'validate', '--json', 'schemas/demo'], dir);
    expect(JSON.parse(onlySchemas.stdout)).toHaveLength(1);
    expect(onlySchemas.code).toBe(1);
  });
});

describe('usage errors exit 2', () => {
  it('an unknown option', async () => {
    const { code, stderr } = await runCli(['validate', '--jsn']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--jsn'");
  });
  it('an unknown command', async () => {
    expect((await runCli(['valdate'])).code).toBe(2);
  });
  it('a path that does not exist', async () => {
    const { code, stderr } = await runCli(['validate', 'no/such/dir']);
    expect(code).toBe(2);
    expect(stderr).toContain('no/such/dir: no such file or directory');
  });
  it('no project root', async () => {
    const { code, stderr } = await runCli(['validate'], '/');
    expect(code).toBe(2);
    expect(stderr).toContain('no schemas/contracts.yaml');
  });
});

describe('the contracts bin as a process', () => {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'contracts');

  it('exits 1 with a diagnostic and no stack trace on broken input', () => {
    const result = spawnSync(bin, ['validate'], { cwd: path.join(FIXTURES, 'unknown-avro-type'), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('schemas/demo/event.ping.v1.avsc:9:37 error [avro-unknown-type]');
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });

  it('exits 2 on a usage error', () => {
    const result = spawnSync(bin, ['validate', '--bogus'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it('validates this repository cleanly', () => {
    const result = spawnSync(bin, ['validate'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.stdout).toContain('no problems');
    expect(result.status).toBe(0);
  });
});
