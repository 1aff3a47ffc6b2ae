import { toBeValidSarifLog } from '@microsoft/jest-sarif';
import type { GateReport } from '../src/compat/gate';
import { githubAnnotations, junitReport, sarifReport } from '../src/compat/reporters';
import { copyRepo, edit, runCli } from './helpers';

expect.extend({ toBeValidSarifLog });
declare module 'expect' {
  interface Matchers<R> {
    toBeValidSarifLog(): R;
  }
}

const REPORT: GateReport = {
  against: 'lock',
  compatible: false,
  contracts: [
    {
      contract: 'a.event.x.v1',
      file: 'schemas/a/event.x.v1.avsc',
      format: 'avro',
      level: 'FULL_TRANSITIVE',
      status: 'compatible',
      revisions: 2,
      checked: 2,
      findings: [],
    },
    {
      contract: 'b.event.y.v1',
      file: 'schemas/b/event.y.v1.avsc',
      format: 'avro',
      level: 'BACKWARD',
      status: 'incompatible',
      revisions: 1,
      checked: 1,
      findings: [
        {
          rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          doc: 'A reader field missing from the writer has no default.',
          message: 'field "q" <new>, with a comma, and 100% & more',
          revision: 1,
          direction: 'backward',
          oldPath: '',
          newPath: '/fields/3',
          line: 12,
          column: 5,
        },
      ],
    },
  ],
};

describe('compat reporters', () => {
  it('SARIF is valid against the SARIF 2.1.0 schema and carries rule, file, line and column', () => {
    const log = JSON.parse(sarifReport(REPORT)) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[] };
    expect(log).toBeValidSarifLog();
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.tool.driver.rules.map((r) => r.id)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
    expect(log.runs[0]?.results).toEqual([
      expect.objectContaining({
        ruleId: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        level: 'error',
        locations: [
          { physicalLocation: { artifactLocation: { uri: 'schemas/b/event.y.v1.avsc', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 5 } } },
        ],
      }),
    ]);
  });

  it('SARIF from a real failing run is valid too', async () => {
    const dir = copyRepo();
    edit(dir, 'schemas/market/event.tick.v1.avsc', /"fields": \[/, '"fields": [\n    { "name": "z", "type": "long", "doc": "No default." },');
    const { code, stdout } = await runCli(['--root', dir, 'compat', '--format', 'sarif']);
    expect(code).toBe(1);
    const log = JSON.parse(stdout) as unknown;
    expect(log).toBeValidSarifLog();
    expect(JSON.stringify(log)).toContain('"startLine":');
  });

  it('JUnit has one test case per contract, a failure for the incompatible one, and escapes XML', () => {
    const xml = junitReport(REPORT);
    expect(xml).toContain('<testsuites name="contracts compat" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="BACKWARD" name="b.event.y.v1" file="schemas/b/event.y.v1.avsc">');
    expect(xml).toContain(
      'schemas/b/event.y.v1.avsc:12:5 READER_FIELD_MISSING_DEFAULT_VALUE: field &quot;q&quot; &lt;new&gt;, with a comma, and 100% &amp; more</failure>',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it('GitHub annotations point at file, line and column, with escaping', () => {
    expect(githubAnnotations(REPORT)).toBe(
      '::error file=schemas/b/event.y.v1.avsc,line=12,col=5,title=READER_FIELD_MISSING_DEFAULT_VALUE (b.event.y.v1)::field "q" <new>, with a comma, and 100%25 & more\n',
    );
  });

  it('are printed when GITHUB_ACTIONS=true', async () => {
    const dir = copyRepo();
    edit(dir, 'schemas/market/event.tick.v1.avsc', /"fields": \[/, '"fields": [\n    { "name": "z", "type": "long", "doc": "No default." },');
    let stdout = '';
    let stderr = '';
    const { run } = await import('@dynamic-capital/contracts-cli');
    const io = { cwd: dir, env: { GITHUB_ACTIONS: 'true' }, color: false, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
    expect(await run(['--root', dir, 'compat', '--format', 'json'], io)).toBe(1);
    expect(() => JSON.parse(stdout) as unknown).not.toThrow();
    expect(stderr).toMatch(/^::error file=schemas\/market\/event\.tick\.v1\.avsc,line=\d+,col=\d+,title=READER_FIELD_MISSING_DEFAULT_VALUE/m);
  });
});
