import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyRepo, edit, runCli } from './helpers';
import { startServe, tempDir, type ServerProcess } from './registry-helpers';

interface JsonReport {
  against: string;
  compatible: boolean;
  contracts: { contract: string; status: string; findings: { rule: string; line: number }[] }[];
}

describe('contracts registry serve + push + compat --against registry', () => {
  let server: ServerProcess;
  const repo = copyRepo();

  beforeAll(async () => {
    server = await startServe(['--data', tempDir('contracts-registry-data-')]);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('registry stopped');
  });

  it('binds 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('push registers every contract and shared schema, sets levels, records ids in the lock', async () => {
    const first = await runCli(['--root', repo, 'registry', 'push', '--url', server.url]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^subject\s+version\s+id\s+schema\s+level/m);
    expect(first.stdout).toMatch(/market\.event\.tick\.v1-value\s+1\s+\d+\s+registered\s+set FULL_TRANSITIVE/);
    expect(first.stdout).toMatch(/dynamic_capital\.common\.Instrument\s+1\s+\d+\s+registered/);
    expect(first.stdout).toContain('registry push to');

    const subjects = (await (await fetch(`${server.url}/subjects`)).json()) as string[];
    expect(subjects).toEqual(
      expect.arrayContaining(['market.event.tick.v1-value', 'execution.event.fill.v1-value', 'dynamic_capital.common.Instrument', 'shared.json.common.defs']),
    );
    const fill = (await (await fetch(`${server.url}/subjects/execution.event.fill.v1-value/versions/latest`)).json()) as {
      references?: { name: string; subject: string }[];
    };
    expect(fill.references).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'dynamic_capital.common.Instrument', subject: 'dynamic_capital.common.Instrument' })]),
    );
    const level = (await (await fetch(`${server.url}/config/system.halt.intent.v1-value`)).json()) as { compatibilityLevel: string };
    expect(level.compatibilityLevel).toBe('BACKWARD_TRANSITIVE');

    const lock = JSON.parse(fs.readFileSync(path.join(repo, 'compat/market.event.tick.v1.lock.json'), 'utf8')) as {
      revisions: { registry_id: number | null }[];
    };
    expect(typeof lock.revisions[0]?.registry_id).toBe('number');

    const again = await runCli(['--root', repo, 'registry', 'push', '--url', server.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 registered, 0 levels set/);
    expect(again.stdout).not.toMatch(/\sregistered\s/);
  });

  it('compat --against registry: reports like the lock mode', async () => {
    const ok = await runCli(['--root', repo, 'compat', '--against', `registry:${server.url}`, '--format', 'json']);
    const report = JSON.parse(ok.stdout) as JsonReport;
    expect(report.against).toBe(`registry:${server.url}`);
    expect(report.compatible).toBe(true);
    expect(report.contracts.every((c) => c.status === 'unchanged')).toBe(true);
    expect(ok.code).toBe(0);

    const broken = copyRepo();
    edit(broken, 'schemas/market/event.tick.v1.avsc', /"fields": \[/, '"fields": [\n    { "name": "venue_latency_ms", "type": "long", "doc": "No default." },');
    const bad = await runCli(['--root', broken, 'compat', '--against', `registry:${server.url}`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/schemas\/market\/event\.tick\.v1\.avsc:7:\d+ READER_FIELD_MISSING_DEFAULT_VALUE/);
    expect(bad.stdout).toMatch(/compat against registry:http:\/\/127\.0\.0\.1:\d+: 15 contracts .*INCOMPATIBLE/);
  });

  it('push of a breaking change is rejected by the registry (409) and exits 1', async () => {
    const broken = copyRepo();
    edit(broken, 'schemas/market/event.tick.v1.avsc', /"fields": \[/, '"fields": [\n    { "name": "venue_latency_ms", "type": "long", "doc": "No default." },');
    const { code, stdout, stderr } = await runCli(['--root', broken, 'registry', 'push', '--url', server.url]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/market\.event\.tick\.v1-value\s+-\s+-\s+REJECTED: incompatible/);
    expect(stderr).toContain('market.event.tick.v1-value');
  });

  it('an unreachable registry is an environment error (exit 2)', async () => {
    const { code, stderr } = await runCli(['--root', repo, 'compat', '--against', 'registry:http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot reach the schema registry');
  });
});
