import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PackConfigError, buildBundle, bundleInputFromPack, dataFromToml, loadPackConfig, readBundle } from '../../src/bundle';
import { WASM } from './helpers';

const POLICIES = resolve(__dirname, '../../../../policies');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pack-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A pack directory `name` under the temp root with these files. */
function pack(files: Record<string, string>, name = 'risk_v1'): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const POLICY = 'package risk_v1\n\ndefault allow := false\n';

async function packError(dir: string): Promise<PackConfigError> {
  try {
    await loadPackConfig(dir);
  } catch (error) {
    if (error instanceof PackConfigError) return error;
    throw error;
  }
  throw new Error('expected loadPackConfig to fail');
}

describe('dataFromToml', () => {
  it('converts tables, arrays and datetimes to JSON data', () => {
    const data = dataFromToml('[limits]\nmax = 250000\nvenues = ["CME"]\nratio = 0.5\nsince = 1979-05-27T07:32:00Z\nday = 1979-05-27\n', 'data.toml');
    expect(data).toEqual({ limits: { max: 250000, venues: ['CME'], ratio: 0.5, since: '1979-05-27T07:32:00.000Z', day: '1979-05-27' } });
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('names file:line:column on bad TOML', () => {
    expect(() => dataFromToml('[limits]\nmax = 1\nvenues = ["CME",\nnext = 2\n', 'policies/x/data.toml')).toThrow(
      /^policies\/x\/data\.toml:4:\d+: invalid TOML: .+\. Fix the TOML syntax at this position$/,
    );
    expect(() => dataFromToml('a = 1\na = 2\n', 'data.toml')).toThrow(/^data\.toml:2:\d+: invalid TOML/);
    expect(() => dataFromToml('x = 99999999999999999999\n', 'data.toml')).toThrow(/^data\.toml:1:\d+: invalid TOML: .*losslessly/);
  });

  it('rejects inf and nan, which JSON cannot hold, at their line', () => {
    expect(() => dataFromToml('[limits]\nok = 1\nmax = inf\n', 'data.toml')).toThrow(
      /^data\.toml:3:1 \(limits\.max\): limits\.max is Infinity, which JSON .* cannot hold\. Use a finite number$/,
    );
    expect(() => dataFromToml('n = nan\n', 'data.toml')).toThrow(/n is NaN/);
  });
});

describe('loadPackConfig', () => {
  it('loads the repository packs', async () => {
    const risk = await loadPackConfig(join(POLICIES, 'trading_risk_v1'));
    expect(risk).toMatchObject({
      name: 'trading_risk_v1',
      version: '1.0.0',
      revision: '1.0.0',
      package: 'trading_risk_v1',
      entrypoints: ['trading_risk_v1/decision', 'trading_risk_v1/allow', 'trading_risk_v1/reasons'],
      roots: ['trading_risk_v1'],
      gates: ['order.intent.route.v1'],
    });
    expect(risk.data).toMatchObject({ trading_risk_v1: { limits: { max_order_notional_usd: 250000 } } });
    expect(risk.modules.map((m) => [m.path, m.test, m.package])).toEqual([
      ['trading_risk_v1.rego', false, 'trading_risk_v1'],
      ['trading_risk_v1_test.rego', true, 'trading_risk_v1_test'],
    ]);
    const authz = await loadPackConfig(join(POLICIES, 'authz_v1'));
    expect(authz.entrypoints).toEqual(['authz_v1/decision', 'authz_v1/allow']);
  });

  it('builds a bundle from a pack (policy sources only, data under the package)', async () => {
    const risk = await loadPackConfig(join(POLICIES, 'trading_risk_v1'));
    const bundle = await readBundle(await buildBundle(bundleInputFromPack(risk, WASM, { revision: '1.0.0+abc' })));
    expect([...bundle.files.keys()]).toEqual(['/.manifest', '/data.json', '/policy.wasm', '/trading_risk_v1.rego']);
    expect(bundle.revision).toBe('1.0.0+abc');
    expect(bundle.wasm[0]?.entrypoints).toEqual(risk.entrypoints);
    expect(bundle.data).toEqual(risk.data);
    const noRego = await readBundle(await buildBundle(bundleInputFromPack(risk, WASM, { includeRego: false })));
    expect(noRego.rego).toEqual([]);
  });

  it('needs only .rego files: defaults from the directory and the package', async () => {
    const config = await loadPackConfig(pack({ 'risk_v1.rego': POLICY, 'risk_v1_test.rego': 'package risk_v1_test\n' }));
    expect(config).toMatchObject({ name: 'risk_v1', revision: '', package: 'risk_v1', roots: ['risk_v1'], entrypoints: [], data: {}, packYaml: undefined });
  });

  it('nests data.toml under a dotted package, and takes revision over version', async () => {
    const dir = pack({
      'p.rego': 'package acme.risk\n',
      'pack.yaml': "version: '2.1.0'\nrevision: '2.1.0+git.abc'\nentrypoints: [acme/risk/allow]\n",
      'data.toml': '[limits]\nmax = 1\n',
    });
    const config = await loadPackConfig(dir);
    expect(config).toMatchObject({ package: 'acme.risk', roots: ['acme/risk'], revision: '2.1.0+git.abc', data: { acme: { risk: { limits: { max: 1 } } } } });
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['no .rego files', { 'pack.yaml': 'name: x\n' }, /risk_v1: no \.rego files\. A pack is a directory of \.rego files/],
    ['only tests', { 'x_test.rego': 'package x_test\n' }, /only test modules/],
    [
      'invalid YAML',
      { 'p.rego': POLICY, 'pack.yaml': 'name: x\nentrypoints: [a\n' },
      /pack\.yaml:\d+:\d+: invalid YAML: .*Fix the YAML syntax at this position$/,
    ],
    ['a duplicate key', { 'p.rego': POLICY, 'pack.yaml': 'name: a\nname: b\n' }, /pack\.yaml:2:1: invalid YAML: Map keys must be unique/],
    ['not a mapping', { 'p.rego': POLICY, 'pack.yaml': '- a\n- b\n' }, /pack\.yaml:1:1: pack\.yaml is not a mapping/],
    [
      'an unknown field, with a suggestion',
      { 'p.rego': POLICY, 'pack.yaml': 'name: risk_v1\nentrypoint: [risk_v1/allow]\n' },
      /pack\.yaml:2:1 \(entrypoint\): unknown field "entrypoint"\. Did you mean "entrypoints"\?$/,
    ],
    ['an unknown field, no suggestion', { 'p.rego': POLICY, 'pack.yaml': 'colour: red\n' }, /unknown field "colour"\. Remove it; known fields: name, version/],
    [
      'an unquoted version',
      { 'p.rego': POLICY, 'pack.yaml': 'version: 1.0\n' },
      /pack\.yaml:1:10 \(version\): version is 1\.0 \(a number\), not a string\. Quote it: version: '1\.0'$/,
    ],
    ['entrypoints not a list', { 'p.rego': POLICY, 'pack.yaml': 'entrypoints: risk_v1/allow\n' }, /pack\.yaml:1:14 \(entrypoints\): entrypoints is not a list/],
    [
      'a non-string entrypoint',
      { 'p.rego': POLICY, 'pack.yaml': 'entrypoints:\n  - risk_v1/allow\n  - 3\n' },
      /pack\.yaml:3:5 \(entrypoints\[1\]\): entrypoints\[1\] is not a string/,
    ],
    [
      'a dotted entrypoint',
      { 'p.rego': POLICY, 'pack.yaml': 'entrypoints:\n  - risk_v1.allow\n' },
      /pack\.yaml:2:5 \(entrypoints\[0\]\): entrypoint "risk_v1\.allow" is dotted\. Write it slash-separated, as OPA names entrypoints: risk_v1\/allow$/,
    ],
    ['a data. entrypoint', { 'p.rego': POLICY, 'pack.yaml': 'entrypoints: [data.risk_v1.allow]\n' }, /starts with "data"\. Drop the prefix: risk_v1\/allow/],
    [
      'an entrypoint outside the roots',
      { 'p.rego': POLICY, 'pack.yaml': 'entrypoints: [authz_v1/allow]\n' },
      /entrypoint "authz_v1\/allow" is outside the roots \["risk_v1"\]/,
    ],
    [
      'an unknown package',
      { 'p.rego': POLICY, 'pack.yaml': 'package: risk_v2\n' },
      /pack\.yaml:1:10 \(package\): no policy module declares "package risk_v2" \(they declare: risk_v1\)/,
    ],
    [
      'several packages',
      { 'a.rego': 'package a\n', 'b.rego': 'package b\n' },
      /the policy modules declare several packages \(a, b\)\. Set "package:" in pack\.yaml/,
    ],
    ['a bad name', { 'p.rego': POLICY, 'pack.yaml': 'name: risk v1\n' }, /\(name\): name "risk v1" is not usable as a bundle name/],
    ['a bad root', { 'p.rego': POLICY, 'pack.yaml': 'roots: ["risk_v1//x"]\n' }, /\(roots\[0\]\): root "risk_v1\/\/x" has an empty segment/],
    [
      'data outside the roots',
      { 'p.rego': POLICY, 'pack.yaml': 'roots: [risk_v1/sub]\n', 'data.toml': 'a = 1\n' },
      /data\.toml: data\.toml is loaded as data\.risk_v1, which is outside the roots/,
    ],
    ['bad TOML', { 'p.rego': POLICY, 'data.toml': '[limits\n' }, /data\.toml:1:\d+: invalid TOML/],
  ];
  it.each(bad)('rejects %s', async (_name, files, message) => {
    const error = await packError(pack(files));
    expect(error.message).toMatch(message);
    expect(error.hint.length).toBeGreaterThan(0);
  });

  it('rejects a missing directory', async () => {
    expect((await packError(join(root, 'nope'))).message).toMatch(/nope: the pack directory does not exist/);
  });
});
