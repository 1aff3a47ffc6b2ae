/**
 * `contracts policy ...`: test, eval, build, sign, verify and publish Rego policy packs.
 *
 * A pack is a directory of `.rego` files with optional `pack.yaml` and `data.toml` (see
 * policies/README.md); it is named either by its directory name under policies/ or by a path.
 * Its data.toml is mounted at `data.<package>` (the pack's package, or its name).
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPolicyPack, loadProject, type PolicyPack } from '@dynamic-capital/contracts-model';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import {
  buildBundle,
  BundleError,
  BundleVerificationError,
  compilePolicy,
  hostBuiltins,
  planSources,
  publishBundles,
  RegoCompileErrors,
  RegoSyntaxError,
  runPolicyTests,
  signBundle,
  SIGNING_ALGORITHMS,
  uploadBundle,
  verifyBundle,
  type PolicyTestReport,
  type RegoSource,
  type SigningAlgorithm,
} from '@dynamic-capital/contracts-rego';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';

/** The packs a command works on: one named or at a path, or every pack of the project. */
export function resolvePacks(root: string, pack: string | undefined): PolicyPack[] {
  const { graph } = loadProject(root);
  if (pack === undefined) return [...graph.policies.values()];
  const named = graph.policies.get(pack);
  if (named) return [named];
  const dir = path.resolve(root, pack);
  const inProject = [...graph.policies.values()].find((p) => path.resolve(root, p.dir) === dir);
  if (inProject) return [inProject];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const known = [...graph.policies.keys()].join(', ');
    throw new UsageError(`no policy pack "${pack}": name a pack under policies/ (${known || 'none'}) or a directory of .rego files`);
  }
  return [packFromDirectory(dir)];
}

/** A pack outside policies/: every .rego file of the directory, with pack.yaml and data.toml when present. */
function packFromDirectory(dir: string): PolicyPack {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.rego') || f === 'pack.yaml' || f === 'data.toml');
  if (!names.some((f) => f.endsWith('.rego'))) throw new UsageError(`${dir} holds no .rego files: a policy pack is a directory of .rego files`);
  const files = new Map(names.sort().map((f) => [`${dir}/${f}`, fs.readFileSync(path.join(dir, f), 'utf8')] as const));
  const { loaded, diagnostics } = loadPolicyPack(dir, files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new UsageError(errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('\n'));
  const pack = loaded.pack;
  return { ...pack, packageName: pack.packageName ?? pack.modules.find((m) => !m.isTest)?.packageName ?? null };
}

/** data.toml placed at data.<package> (dotted packages nest). */
export function packData(pack: PolicyPack): Record<string, unknown> {
  const segments = (pack.packageName ?? pack.name).split('.');
  let doc: Record<string, unknown> = { ...pack.data };
  for (let i = segments.length - 1; i >= 0; i--) doc = { [segments[i] as string]: doc };
  return doc;
}

export function packSources(pack: PolicyPack, withTests: boolean): RegoSource[] {
  return pack.modules.filter((m) => withTests || !m.isTest).map((m) => ({ path: m.file, text: m.text }));
}

/** Compile problems as `file:line:col: ...` lines (RegoSyntaxError, RegoCompileErrors). */
export function reportCompileError(io: CliIo, error: unknown): ExitCode {
  if (error instanceof RegoSyntaxError) {
    io.stderr(`${error.message}\n`);
    return EXIT.failed;
  }
  if (error instanceof RegoCompileErrors) {
    for (const e of error.errors) io.stderr(`${e.message}\n`);
    return EXIT.failed;
  }
  throw error;
}

export interface PolicyTestOptions {
  readonly root: string;
  readonly pack?: string;
  readonly json: boolean;
  /** Only tests whose `pkg/test_name` matches. */
  readonly run?: string;
}

/** `contracts policy test [pack]`: exit 1 when any test fails or errors (or does not compile). */
export async function policyTest(io: CliIo, options: PolicyTestOptions): Promise<ExitCode> {
  const packs = resolvePacks(options.root, options.pack);
  const filter = options.run ? new RegExp(options.run) : undefined;
  const reports: { pack: string; report?: PolicyTestReport; error?: string }[] = [];
  let code: ExitCode = EXIT.ok;
  for (const pack of packs) {
    try {
      const report = await runPolicyTests(packSources(pack, true), packData(pack), filter ? { filter } : {});
      reports.push({ pack: pack.name, report });
      if (report.failed + report.errored > 0) code = EXIT.failed;
    } catch (error) {
      const lines: string[] = [];
      reportCompileError({ ...io, stderr: (t) => lines.push(t) }, error);
      reports.push({ pack: pack.name, error: lines.join('') });
      code = EXIT.failed;
    }
  }
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        reports.map((r) => ({
          pack: r.pack,
          ...(r.error ? { error: r.error } : {}),
          ...(r.report
            ? {
                passed: r.report.passed,
                failed: r.report.failed,
                errored: r.report.errored,
                tests: r.report.results.map((t) => ({
                  name: t.name,
                  file: t.file,
                  line: t.line,
                  outcome: t.outcome,
                  ...(t.detail ? { detail: t.detail } : {}),
                  duration_ms: Number(t.durationMs.toFixed(3)),
                })),
                coverage: {
                  rules_hit: r.report.coverage.rulesHit,
                  rules: r.report.coverage.rules,
                  percent: Number(r.report.coverage.percent.toFixed(1)),
                  not_covered: r.report.coverage.definitions.filter((d) => !d.covered).map((d) => ({ rule: d.rule, file: d.file, line: d.line })),
                },
              }
            : {}),
        })),
        null,
        2,
      )}\n`,
    );
    return code;
  }
  for (const r of reports) {
    io.stdout(`== ${r.pack}\n`);
    if (r.error) {
      io.stderr(r.error);
      continue;
    }
    const report = r.report as PolicyTestReport;
    for (const t of report.results) {
      const status = t.outcome === 'pass' ? 'PASS' : t.outcome === 'fail' ? 'FAIL' : 'ERROR';
      io.stdout(`${t.file}:${t.line}: data.${t.name.replace(/\//g, '.')}: ${status} (${t.durationMs.toFixed(2)} ms)${t.detail ? `\n    ${t.detail}` : ''}\n`);
    }
    const total = report.results.length;
    io.stdout(
      `${report.failed + report.errored === 0 ? 'PASS' : 'FAIL'}: ${report.passed}/${total}${report.errored > 0 ? ` (${report.errored} errors)` : ''}\n`,
    );
    const c = report.coverage;
    io.stdout(`coverage: ${c.rulesHit}/${c.rules} rules hit (${c.percent.toFixed(1)}%)\n`);
    for (const d of c.definitions.filter((x) => !x.covered)) io.stdout(`  not covered: ${d.file}:${d.line} data.${d.rule.replace(/\//g, '.')}\n`);
  }
  return code;
}

/** `pkg/rule`, `pkg.rule` or `data.pkg.rule` -> `pkg/rule`. */
export function entrypointName(text: string): string {
  const trimmed = text.startsWith('data.') ? text.slice(5) : text;
  return trimmed.includes('/') ? trimmed : trimmed.replace(/\./g, '/');
}

export interface PolicyEvalOptions {
  readonly root: string;
  readonly pack: string;
  readonly entrypoint: string;
  /** A JSON file, or '-' for stdin text passed in `stdin`. */
  readonly input?: string;
  readonly stdin?: string;
}

/** `contracts policy eval <pack> --entrypoint <pkg/rule> --input <file>`: prints the decision JSON; exit 1 when undefined. */
export async function policyEval(io: CliIo, options: PolicyEvalOptions): Promise<ExitCode> {
  const [pack] = resolvePacks(options.root, options.pack);
  if (!pack) throw new UsageError(`no policy pack "${options.pack}"`);
  const entrypoint = entrypointName(options.entrypoint);
  let input: unknown;
  if (options.input !== undefined) {
    const file = options.input;
    const text = file === '-' ? (options.stdin ?? '') : readFileOr(path.resolve(options.root, file));
    try {
      input = JSON.parse(text) as unknown;
    } catch (error) {
      throw new UsageError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}): the input must be one JSON document`);
    }
  }
  let compiled;
  try {
    compiled = await compilePolicy(packSources(pack, false), { entrypoints: [entrypoint] });
  } catch (error) {
    if (error instanceof RegoCompileErrors && error.errors.some((e) => e.detail.startsWith(`entrypoint ${entrypoint} `)))
      throw new UsageError(
        `entrypoint ${entrypoint} is not a rule of ${pack.name} (write it as <package path>/<rule>, e.g. ${pack.entrypoints[0] ?? 'pkg/allow'})`,
      );
    return reportCompileError(io, error);
  }
  const policy = await loadPolicy(compiled.wasm, undefined, hostBuiltins());
  policy.setData(packData(pack));
  const rs = policy.evaluate(input, entrypoint) as { result: unknown }[];
  if (rs.length === 0) {
    io.stderr(`data.${entrypoint.replace(/\//g, '.')} is undefined for this input\n`);
    return EXIT.failed;
  }
  io.stdout(`${JSON.stringify(rs[0]?.result, null, 2)}\n`);
  return EXIT.ok;
}

function readFileOr(file: string): string {
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist (pass the input as a JSON file, or - for stdin)`);
  return fs.readFileSync(file, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// build, sign, verify, publish

/** Entrypoints of a pack: pack.yaml's, else every rule (not function) of its non-test packages, as OPA names them. */
export function packEntrypoints(pack: PolicyPack): string[] {
  if (pack.entrypoints.length > 0) return [...pack.entrypoints];
  const { program } = planSources(packSources(pack, false), { entrypoints: [] });
  return [...program.groups.values()].filter((g) => g.kind !== 'function').map((g) => g.name);
}

/** Deterministic revision: the pack's version plus a digest of its sources and data. */
export function packRevision(pack: PolicyPack): string {
  const hash = createHash('sha256');
  for (const s of packSources(pack, false)) hash.update(`${s.path}\0${s.text}\0`);
  hash.update(JSON.stringify(pack.data));
  return `${pack.version ?? '0.0.0'}+${hash.digest('hex').slice(0, 12)}`;
}

export interface PolicyBuildOptions {
  readonly root: string;
  readonly pack: string;
  readonly out?: string;
  readonly engine: 'builtin' | 'opa';
  readonly revision?: string;
}

/** `contracts policy build <pack>`: an OPA bundle (.manifest, /policy.wasm, /data.json, the .rego sources). */
export async function policyBuild(io: CliIo, options: PolicyBuildOptions): Promise<ExitCode> {
  const [pack] = resolvePacks(options.root, options.pack);
  if (!pack) throw new UsageError(`no policy pack "${options.pack}"`);
  const out = path.resolve(options.root, options.out ?? path.join('dist', 'policies', `${pack.name}.tar.gz`));
  const revision = options.revision ?? packRevision(pack);
  const roots = [(pack.packageName ?? pack.name).replace(/\./g, '/')];
  let bytes: Uint8Array;
  try {
    const entrypoints = packEntrypoints(pack);
    if (options.engine === 'opa') {
      bytes = opaBuild(pack, entrypoints, revision);
    } else {
      const compiled = await compilePolicy(packSources(pack, false), { entrypoints });
      bytes = await buildBundle({
        wasm: compiled.wasm,
        entrypoints: compiled.entrypoints,
        roots,
        revision,
        data: packData(pack),
        rego: packSources(pack, false).map((s) => ({ path: path.relative(pack.dir, s.path) || s.path, source: s.text })),
      });
    }
  } catch (error) {
    if (error instanceof BundleError) {
      io.stderr(`${error.message}\n`);
      return EXIT.failed;
    }
    return reportCompileError(io, error);
  }
  writeAtomically(out, bytes);
  const digest = createHash('sha256').update(bytes).digest('hex');
  io.stdout(`${path.relative(options.root, out)}: ${pack.name} revision ${revision}, ${bytes.length} bytes, sha256 ${digest}\n`);
  return EXIT.ok;
}

/** `opa build -t wasm` for a pack (only where an `opa` binary is on PATH). */
function opaBuild(pack: PolicyPack, entrypoints: readonly string[], revision: string): Uint8Array {
  const probe = spawnSync('opa', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new UsageError(
      '--engine opa needs an `opa` binary on PATH (https://www.openpolicyagent.org/docs/latest/#running-opa); the builtin engine needs nothing',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-opa-build-'));
  try {
    for (const s of packSources(pack, false)) fs.writeFileSync(path.join(dir, path.basename(s.path)), s.text);
    fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(packData(pack)));
    const out = path.join(dir, 'bundle.tar.gz');
    const args = ['build', '-t', 'wasm', '--revision', revision, '-o', out, ...entrypoints.flatMap((e) => ['-e', e]), dir];
    const run = spawnSync('opa', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new UsageError(`opa ${args.join(' ')} failed:\n${run.stderr}`);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes via a temporary file and rename, so a reader never sees half a bundle. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

function readInput(root: string, file: string, what: string): Buffer {
  const resolved = path.resolve(root, file);
  if (!fs.existsSync(resolved)) throw new UsageError(`${what} ${file} does not exist`);
  return fs.readFileSync(resolved);
}

function algorithmOf(text: string | undefined): SigningAlgorithm | undefined {
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(upper)) throw new UsageError(`--alg ${text}: use one of ${SIGNING_ALGORITHMS.join(', ')}`);
  return upper as SigningAlgorithm;
}

export interface PolicySignOptions {
  readonly root: string;
  readonly bundle: string;
  /** PEM private key file (RS256, ES256) or a file holding the HS256 secret. */
  readonly key: string;
  readonly algorithm?: string;
  readonly keyId?: string;
  readonly scope?: string;
  readonly out?: string;
}

/** `contracts policy sign <bundle> --key <file>`: adds /.signatures.json (OPA's format); writes in place unless --out. */
export async function policySign(io: CliIo, options: PolicySignOptions): Promise<ExitCode> {
  const bytes = readInput(options.root, options.bundle, 'bundle');
  const key = readInput(options.root, options.key, 'key');
  const algorithm = algorithmOf(options.algorithm) ?? guessAlgorithm(key);
  let signed: Uint8Array;
  try {
    signed = await signBundle(bytes, {
      algorithm,
      key: algorithm === 'HS256' ? key.toString('utf8').trim() : key.toString('utf8'),
      ...(options.keyId ? { keyId: options.keyId } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    });
  } catch (error) {
    if (error instanceof BundleError || error instanceof BundleVerificationError) {
      io.stderr(`${options.bundle}: ${error.message}\n`);
      return EXIT.failed;
    }
    if (error instanceof Error)
      throw new UsageError(`${options.key}: ${error.message} (pass a PEM private key for RS256/ES256, or a secret file with --alg HS256)`);
    throw error;
  }
  const out = path.resolve(options.root, options.out ?? options.bundle);
  writeAtomically(out, signed);
  io.stdout(`${path.relative(options.root, out)}: signed with ${algorithm}${options.keyId ? ` (key id ${options.keyId})` : ''}\n`);
  return EXIT.ok;
}

/** RS256 for RSA keys, ES256 for EC keys; a file that is not PEM needs --alg HS256. */
function guessAlgorithm(key: Buffer): SigningAlgorithm {
  const text = key.toString('utf8');
  if (!text.includes('-----BEGIN')) throw new UsageError('the key is not PEM: pass --alg HS256 for a shared secret');
  return createPrivateKeyType(text) === 'ec' ? 'ES256' : 'RS256';
}

function createPrivateKeyType(pem: string): string | undefined {
  try {
    return createPrivateKey(pem).asymmetricKeyType;
  } catch {
    try {
      return createPublicKey(pem).asymmetricKeyType;
    } catch {
      return undefined;
    }
  }
}

export interface PolicyVerifyOptions {
  readonly root: string;
  readonly bundle: string;
  /** PEM public key file (RS256, ES256) or a file holding the HS256 secret. */
  readonly key: string;
  readonly algorithm?: string;
  readonly keyId?: string;
  readonly scope?: string;
  readonly json: boolean;
}

/** `contracts policy verify <bundle> --key <file>`: exit 1 when the signature or any file does not verify. */
export async function policyVerify(io: CliIo, options: PolicyVerifyOptions): Promise<ExitCode> {
  const bytes = readInput(options.root, options.bundle, 'bundle');
  const keyBytes = readInput(options.root, options.key, 'key');
  const text = keyBytes.toString('utf8');
  const algorithm = algorithmOf(options.algorithm) ?? (text.includes('-----BEGIN') ? (createPrivateKeyType(text) === 'ec' ? 'ES256' : 'RS256') : undefined);
  if (!algorithm) throw new UsageError('the key is not PEM: pass --alg HS256 for a shared secret');
  const key = algorithm === 'HS256' ? text.trim() : text;
  // the key answers for whatever key id the bundle names, unless --key-id pins one
  const result = await verifyBundle(bytes, {
    keys: { [options.keyId ?? 'default']: { key, algorithm } },
    algorithm,
    keyId: options.keyId ?? 'default',
    ...(options.scope ? { scope: options.scope } : {}),
  });
  if (options.json) {
    io.stdout(
      `${JSON.stringify(result.ok ? { ok: true, algorithm: result.algorithm, files: result.files.map((f) => f.name) } : { ok: false, code: result.error.code, message: result.error.message }, null, 2)}\n`,
    );
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  if (!result.ok) {
    io.stderr(`${options.bundle}: ${result.error.message}\n`);
    return EXIT.failed;
  }
  io.stdout(`${options.bundle}: verified (${result.algorithm}, ${result.files.length} files)\n`);
  return EXIT.ok;
}

export interface PolicyPublishOptions {
  readonly root: string;
  readonly bundles: readonly string[];
  /** Upload to this URL (PUT) instead of serving. */
  readonly url?: string;
  readonly token?: string;
  readonly port: number;
  readonly host: string;
  /** Resolves when the server should stop (serve mode). */
  readonly until?: Promise<void>;
  /** Called once serving, with the server's URL (tests). */
  readonly onListening?: (url: string) => void;
}

/**
 * `contracts policy publish <bundle...>`: with --url, PUT each bundle there; otherwise serve them at
 * /bundles/<name>.tar.gz with strong ETags (agents poll with If-None-Match) until interrupted.
 */
export async function policyPublish(io: CliIo, options: PolicyPublishOptions): Promise<ExitCode> {
  const bundles = new Map<string, Uint8Array>();
  for (const file of options.bundles) bundles.set(path.basename(file).replace(/\.tar\.gz$/, ''), readInput(options.root, file, 'bundle'));
  if (options.url !== undefined) {
    let code: ExitCode = EXIT.ok;
    for (const [name, bytes] of bundles) {
      const url = options.url.includes('{name}') ? options.url.replace('{name}', name) : `${options.url.replace(/\/+$/, '')}/bundles/${name}.tar.gz`;
      try {
        const result = await uploadBundle(url, bytes, options.token ? { token: options.token } : {});
        io.stdout(`${name}: uploaded to ${url} (HTTP ${result.status}, ETag ${result.etag ?? 'none'})\n`);
      } catch (error) {
        io.stderr(`${name}: upload to ${url} failed: ${error instanceof Error ? error.message : String(error)}\n`);
        code = EXIT.failed;
      }
    }
    return code;
  }
  const server = await publishBundles({
    bundles,
    port: options.port,
    host: options.host,
    ...(options.token ? { token: options.token } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  for (const b of server.list()) io.stdout(`serving ${server.urlOf(b.name)} (revision ${b.revision}, ETag ${b.etag})\n`);
  options.onListening?.(server.url);
  await (options.until ?? new Promise<void>(() => undefined));
  await server.close();
  return EXIT.ok;
}

/** Every pack of the project built to dist/policies/<pack>.tar.gz (the `contracts check` stage). */
export async function policyBuildAll(io: CliIo, root: string): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  for (const pack of resolvePacks(root, undefined)) {
    const packCode = await policyBuild(io, { root, pack: pack.name, engine: 'builtin' });
    if (packCode !== EXIT.ok) code = packCode;
  }
  return code;
}
