/**
 * `contracts policy ...`: test, eval, build, sign, verify and publish Rego policy packs.
 *
 * A pack is a directory of `.rego` files with optional `pack.yaml` and `data.toml` (see
 * policies/README.md); it is named either by its directory name under policies/ or by a path.
 * Its data.toml is mounted at `data.<package>` (the pack's package, or its name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPolicyPack, loadProject, type PolicyPack } from '@dynamic-capital/contracts-model';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compilePolicy, hostBuiltins, RegoCompileErrors, RegoSyntaxError, runPolicyTests, type PolicyTestReport, type RegoSource } from '@dynamic-capital/contracts-rego';
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
    io.stdout(`${report.failed + report.errored === 0 ? 'PASS' : 'FAIL'}: ${report.passed}/${total}${report.errored > 0 ? ` (${report.errored} errors)` : ''}\n`);
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
      throw new UsageError(`entrypoint ${entrypoint} is not a rule of ${pack.name} (write it as <package path>/<rule>, e.g. ${pack.entrypoints[0] ?? 'pkg/allow'})`);
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
