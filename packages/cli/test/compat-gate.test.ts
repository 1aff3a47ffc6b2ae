// `contracts check` runs generate --check, whose generators load json-schema-to-typescript (prettier's CommonJS entry, which Jest rejects; see generators/src/types/json-schema.ts).
jest.mock('prettier', () => ({}));
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, edit, REPO_ROOT, runCli } from './helpers';

interface JsonReport {
  against: string;
  compatible: boolean;
  contracts: {
    contract: string;
    file: string;
    status: string;
    level: string;
    findings: { rule: string; line: number; column: number; revision: number; direction: string }[];
  }[];
}

function lineOf(dir: string, file: string, needle: string): number {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

const TICK = 'schemas/market/event.tick.v1.avsc';

describe('contracts compat on this repository', () => {
  it('the committed lock covers every contract and the repository is compatible with it', async () => {
    const { code, stdout } = await runCli(['compat', '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.against).toBe('lock');
    expect(report.contracts.length).toBe(15);
    expect(report.contracts.filter((c) => c.status === 'new')).toEqual([]);
    expect(report.compatible).toBe(true);
    expect(code).toBe(0);
  });

  it('a field added without a default breaks FULL_TRANSITIVE, reported at its file, line and rule', async () => {
    const dir = copyRepo();
    edit(dir, TICK, /"fields": \[/, '"fields": [\n    { "name": "venue_latency_ms", "type": "long", "doc": "Added without a default: breaks old data." },');
    const { code, stdout } = await runCli(['--root', dir, 'compat', '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    const tick = report.contracts.find((c) => c.contract === 'market.event.tick.v1');
    expect(tick?.status).toBe('incompatible');
    expect(tick?.file).toBe(TICK);
    expect(tick?.findings[0]).toMatchObject({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', direction: 'backward', line: lineOf(dir, TICK, 'venue_latency_ms') });
    expect(report.contracts.filter((c) => c.status === 'incompatible').map((c) => c.contract)).toEqual(['market.event.tick.v1']);
    expect(code).toBe(1);

    const text = await runCli(['--root', dir, 'compat']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${TICK}:${lineOf(dir, TICK, 'venue_latency_ms')}:`);
    expect(text.stdout).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(text.stdout).toMatch(/compat against lock: 15 contracts .*INCOMPATIBLE/);
  });

  it('a field removed without a default breaks FULL_TRANSITIVE (old readers need it)', async () => {
    const dir = copyRepo();
    const schema = JSON.parse(fs.readFileSync(path.join(dir, TICK), 'utf8')) as { fields: { name: string; default?: unknown }[] };
    const victim = schema.fields.find((f) => !('default' in f) && f.name !== 'symbol');
    if (!victim) throw new Error('the tick contract has no field without default');
    schema.fields = schema.fields.filter((f) => f !== victim);
    fs.writeFileSync(path.join(dir, TICK), JSON.stringify(schema, null, 2));
    const { code, stdout } = await runCli(['--root', dir, 'compat', '--format', 'json']);
    const tick = (JSON.parse(stdout) as JsonReport).contracts.find((c) => c.contract === 'market.event.tick.v1');
    expect(tick?.findings).toEqual([expect.objectContaining({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', direction: 'forward' })]);
    expect(code).toBe(1);
  });

  it('a compatible edit (an optional field with a default) passes', async () => {
    const dir = copyRepo();
    edit(
      dir,
      TICK,
      /"fields": \[/,
      '"fields": [\n    { "name": "venue_latency_ms", "type": ["null", "long"], "default": null, "doc": "Optional, with a default." },',
    );
    const { code, stdout } = await runCli(['--root', dir, 'compat', '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.contracts.find((c) => c.contract === 'market.event.tick.v1')?.status).toBe('compatible');
    expect(code).toBe(0);
  });

  it('a new major (.v2) beside the old one passes as a new contract', async () => {
    const dir = copyRepo();
    const v1 = JSON.parse(fs.readFileSync(path.join(dir, TICK), 'utf8')) as { namespace: string; fields: unknown[] };
    const v2 = { ...v1, namespace: 'dynamic_capital.market.v2', fields: v1.fields.slice(0, 3) };
    fs.writeFileSync(path.join(dir, 'schemas/market/event.tick.v2.avsc'), JSON.stringify(v2, null, 2));
    const manifest = fs.readFileSync(path.join(dir, 'schemas/contracts.yaml'), 'utf8');
    const entry = /\n  market\.event\.tick\.v1:\n((?: {4}.*\n)+)/.exec(manifest);
    if (!entry?.[1]) throw new Error('no tick entry');
    fs.writeFileSync(path.join(dir, 'schemas/contracts.yaml'), manifest + `  market.event.tick.v2:\n${entry[1].replace(/v1/g, 'v2')}`);
    edit(dir, 'agents/market-data.yaml', /produces:\n/, 'produces:\n  - market.event.tick.v2\n');
    const validate = await runCli(['--root', dir, 'validate', '--json']);
    expect(JSON.parse(validate.stdout)).toEqual([]);
    const { code, stdout } = await runCli(['--root', dir, 'compat', '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.contracts.find((c) => c.contract === 'market.event.tick.v2')?.status).toBe('new');
    expect(code).toBe(0);
    expect((await runCli(['--root', dir, 'compat'])).stdout).toContain('market.event.tick.v2 [FULL_TRANSITIVE]: new (no history');
  });

  it('--against git:<ref> takes the history from that ref', async () => {
    const dir = copyRepo();
    fs.rmSync(path.join(dir, 'compat'), { recursive: true, force: true });
    const git = (...args: string[]): void => {
      const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', 'commit', '-qm', 'base');
    edit(dir, TICK, /"fields": \[/, '"fields": [\n    { "name": "venue_latency_ms", "type": "long", "doc": "No default." },');
    const broken = await runCli(['--root', dir, 'compat', '--against', 'git:HEAD', '--format', 'json']);
    const report = JSON.parse(broken.stdout) as JsonReport;
    expect(report.against).toBe('git:HEAD');
    expect(report.contracts.find((c) => c.contract === 'market.event.tick.v1')?.status).toBe('incompatible');
    expect(broken.code).toBe(1);
    const unknownRef = await runCli(['--root', dir, 'compat', '--against', 'git:no-such-branch']);
    expect(unknownRef.code).toBe(2);
    expect(unknownRef.stderr).toContain('no-such-branch');
  });
});

describe('contracts lock', () => {
  it('records new contracts, is idempotent, and refuses a breaking revision without writing anything', async () => {
    const dir = copyRepo();
    fs.rmSync(path.join(dir, 'compat'), { recursive: true, force: true });
    const first = await runCli(['--root', dir, 'lock']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('lock: 15 revisions recorded');
    const files = fs.readdirSync(path.join(dir, 'compat')).sort();
    expect(files).toHaveLength(15);
    expect(files.every((f) => f.endsWith('.lock.json'))).toBe(true);
    const again = await runCli(['--root', dir, 'lock']);
    expect(again.stdout).toContain('lock: 0 revisions recorded');

    edit(dir, TICK, /"fields": \[/, '"fields": [\n    { "name": "venue_latency_ms", "type": "long", "doc": "No default." },');
    const before = fs.readFileSync(path.join(dir, 'compat/market.event.tick.v1.lock.json'), 'utf8');
    const refused = await runCli(['--root', dir, 'lock']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('market.event.tick.v1: breaks FULL_TRANSITIVE');
    expect(refused.stderr).toContain('nothing written');
    expect(fs.readFileSync(path.join(dir, 'compat/market.event.tick.v1.lock.json'), 'utf8')).toBe(before);

    const forced = await runCli(['--root', dir, 'lock', '--force']);
    expect(forced.code).toBe(0);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'compat/market.event.tick.v1.lock.json'), 'utf8')) as {
      revisions: { revision: number; fingerprint: string }[];
    };
    expect(lock.revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(lock.revisions[1]?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fs.readdirSync(path.join(dir, 'compat')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a corrupted lock is a clear error with a hint, exit 2, never a verdict', async () => {
    const dir = copyRepo();
    const file = path.join(dir, 'compat/market.event.tick.v1.lock.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 200));
    const { code, stdout, stderr } = await runCli(['--root', dir, 'compat']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/compat\/market\.event\.tick\.v1\.lock\.json:\d+:\d+: corrupted lock/);
    expect(stderr).toContain('re-create it');
  });

  it('a hand-edited schema in the lock fails its fingerprint check', async () => {
    const dir = copyRepo();
    const file = path.join(dir, 'compat/market.event.tick.v1.lock.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"type": "record"', '"type": "record", "doc2": 1'));
    const { code, stderr } = await runCli(['--root', dir, 'compat']);
    expect(code).toBe(2);
    expect(stderr).toContain('the fingerprint does not match the recorded schema');
  });
});

describe('contracts check', () => {
  it('runs validate, compat, generate --check, policy test and policy build on this repository', async () => {
    const { code, stdout } = await runCli(['check']);
    expect(stdout).toContain('== validate');
    expect(stdout).toContain('== compat --against lock');
    expect(stdout).toContain('== generate --check');
    expect(stdout).toMatch(/== policy test\n[\s\S]*PASS: 32\/32/);
    expect(stdout).toMatch(/== policy build\ndist\/policies\/authz_v1\.tar\.gz: authz_v1 revision /);
    expect(stdout).toContain('check: all 5 stages passed');
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'policies', 'trading_risk_v1.tar.gz'))).toBe(true);
  }, 120_000);

  it('fails (exit 1) when a policy test fails, naming the stage', async () => {
    const repo = copyRepo();
    edit(repo, 'policies/authz_v1/authz_v1.rego', 'input.contract == halt_contract', 'input.contract == "nothing"');
    const { code, stdout } = await runCli(['check'], repo);
    expect(stdout).toMatch(/test_halt_consumable_by_every_agent_even_unlisted: FAIL/);
    expect(stdout).toMatch(/check: FAILED \(.*policy test.*\)/);
    expect(code).toBe(1);
    fs.rmSync(repo, { recursive: true, force: true });
  }, 120_000);
});
