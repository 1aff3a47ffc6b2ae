jest.mock('prettier', () => ({}));
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { generateSdkPackages, sdkPackageDir, type GeneratedFile } from '@dynamic-capital/contracts-generators';
import { loadProject, type ContractGraph } from '@dynamic-capital/contracts-model';
import { fillEventDefinition, fillEventFingerprint, validateFillEvent } from '@dynamic-capital/contracts-sdk-execution';
import { haltIntentDefinition, isHaltIntent, validateHaltIntent } from '@dynamic-capital/contracts-sdk-system';

const ROOT = path.resolve(__dirname, '../../..');

let graph: ContractGraph;
let files: GeneratedFile[];

beforeAll(async () => {
  graph = loadProject(ROOT).graph;
  files = await generateSdkPackages(graph);
});

describe('generateSdkPackages', () => {
  it('is deterministic: two runs give byte-identical files', async () => {
    const again = await generateSdkPackages(loadProject(ROOT).graph);
    expect(again.map((f) => f.path)).toEqual(files.map((f) => f.path));
    for (let i = 0; i < files.length; i++) expect(again[i]?.contents).toBe(files[i]?.contents);
  });

  it('produces one package per domain with package.json, README.md, src/index.ts and tsconfig.json, sorted', () => {
    const domains = [...new Set([...graph.contracts.values()].map((c) => c.domain))].sort();
    const expected = domains.flatMap((d) => ['README.md', 'package.json', 'src/index.ts', 'tsconfig.json'].map((f) => `${sdkPackageDir(d)}/${f}`));
    expect(files.map((f) => f.path)).toEqual(expected);
  });

  it('matches the committed packages (contracts generate --check in-process)', () => {
    for (const file of files) expect({ path: file.path, contents: fs.readFileSync(path.join(ROOT, file.path), 'utf8') }).toEqual(file);
  });

  it('writes package.json and tsconfig.json as the workspace expects', () => {
    const pkg = JSON.parse(files.find((f) => f.path === 'packages/sdk-execution/package.json')?.contents ?? '{}') as Record<string, unknown>;
    expect(pkg['name']).toBe('@dynamic-capital/contracts-sdk-execution');
    expect(pkg['dependencies']).toEqual({ '@dynamic-capital/contracts-runtime': '0.1.0' });
    const tsconfig = JSON.parse(files.find((f) => f.path === 'packages/sdk-execution/tsconfig.json')?.contents ?? '{}') as Record<string, unknown>;
    expect(tsconfig['extends']).toBe('../../tsconfig.base.json');
    expect(tsconfig['references']).toEqual([{ path: '../runtime' }]);
  });

  it('generates code without any, timestamps or absolute paths', () => {
    for (const file of files) {
      if (file.path.endsWith('.ts')) expect(file.contents).not.toMatch(/:\s*any\b|<any>|\bas any\b|any\[\]/);
      expect(file.contents).not.toContain(ROOT);
      expect(file.contents).not.toMatch(/20\d\d-\d\d-\d\dT/);
    }
  });

  it('embeds the fingerprint the compatibility lock records', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'compat/execution.event.fill.v1.lock.json'), 'utf8')) as { revisions: { fingerprint: string }[] };
    expect(fillEventFingerprint).toBe(lock.revisions[lock.revisions.length - 1]?.fingerprint);
  });

  it('exports definitions and validators that work', () => {
    expect(fillEventDefinition).toMatchObject({
      name: 'execution.event.fill.v1',
      topic: 'execution.event.fill.v1',
      dlqTopic: 'execution.event.fill.v1.dlq',
      format: 'AVRO',
      keyField: 'order_id',
    });
    expect(haltIntentDefinition.format).toBe('JSON');
    expect(validateFillEvent({}).length).toBeGreaterThan(0);
    const halt = {
      halt_id: '7d9f1c1e-0000-4000-8000-000000000001',
      action: 'HALT',
      scope: 'GLOBAL',
      target: null,
      releases_halt_id: null,
      reason: 'drawdown limit',
      issued_by: 'orchestrator',
      issued_at_ms: 1_700_000_000_000,
      expires_at_ms: null,
    };
    expect(validateHaltIntent(halt)).toEqual([]);
    expect(isHaltIntent(halt)).toBe(true);
    expect(validateHaltIntent({ ...halt, action: 'STOP' }).map((i) => i.path)).toContain('/action');
  });

  it('generated packages compile under tsc --strict', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-sdk-'));
    try {
      const names: string[] = [];
      for (const file of files) {
        const target = path.join(dir, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.contents);
        if (file.path.endsWith('.ts')) names.push(target);
      }
      const program = ts.createProgram(names, {
        strict: true,
        noEmit: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        esModuleInterop: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
        baseUrl: ROOT,
        paths: { '@dynamic-capital/contracts-runtime': ['packages/runtime/src'] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diagnostics).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
