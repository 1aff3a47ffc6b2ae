import * as fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { compat, compatDiff } from './commands/compat';
import { generate } from './commands/generate';
import { lock } from './commands/lock';
import { policyBuild, policyBuildAll, policyEval, policyPublish, policySign, policyTest, policyVerify } from './commands/policy';
import { push } from './registry/push';
import { DEFAULT_DATA_DIR, serve } from './registry/serve';
import { validate } from './commands/validate';
import { REPORT_FORMATS, type ReportFormat } from './compat/reporters';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io';
import { resolveRoot } from './project-root';

/**
 * Run the `contracts` command with `argv` (without node and script). Never throws: every
 * outcome is an exit code, and only internal bugs print a stack (with CONTRACTS_DEBUG=1).
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = new Command('contracts')
    .description("Dynamic Capital's contract toolkit: validate contracts, gate compatibility, run the schema registry.")
    .option('--root <dir>', 'project root (default: nearest directory with schemas/contracts.yaml)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run contracts --help for usage)');

  const rootOf = (): string => resolveRoot(io.cwd, program.opts<{ root?: string }>().root);

  program
    .command('validate')
    .description('parse and lint every contract, agent manifest and policy pack; exit 1 on any error')
    .argument('[paths...]', 'only report problems in these files or directories')
    .option('--json', 'print diagnostics as a JSON array of {file, line, column, rule, severity, message, hint}')
    .action((paths: string[], opts: { json?: boolean }) => {
      code = validate(io, { root: rootOf(), paths, json: opts.json === true }).code;
    });

  const compatCommand = program
    .command('compat')
    .description("check every contract against its recorded history at the contract's compatibility level; exit 1 on any incompatibility")
    .option('--against <source>', 'history to check against: lock (compat/), git:<ref>, or registry:<url>', 'lock')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .option('--output <file>', 'write the report to a file (e.g. a SARIF file to upload)')
    .action(async (opts: { against: string; format: ReportFormat; output?: string }) => {
      code = await compat(io, { root: rootOf(), against: opts.against, format: opts.format, ...(opts.output ? { output: opts.output } : {}) });
    });

  compatCommand
    .command('diff')
    .description('check one pair of schema files (format from the extension: .avsc or .json)')
    .argument('<old>', 'the earlier schema')
    .argument('<new>', 'the candidate schema')
    .option('--level <level>', 'BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE', 'BACKWARD')
    .option('--policy <policy>', 'JSON Schema: strict or lenient (Confluent)', 'strict')
    .option('--json', 'print {compatible, level, incompatibilities: [{rule, oldPath, newPath, message}]}')
    .action((oldFile: string, newFile: string, opts: { level: string; policy: string; json?: boolean }) => {
      code = compatDiff(io, { oldFile, newFile, level: opts.level, policy: opts.policy, json: opts.json === true });
    });

  const registry = program.command('registry').description('the schema registry: serve one, push contracts to one');
  registry
    .command('serve')
    .description('run a Confluent-compatible schema registry (embedded database by default)')
    .option('--port <port>', 'port (0: any free port)', '8081')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', `embedded database directory (default ${DEFAULT_DATA_DIR})`)
    .option('--database <url>', 'PostgreSQL URL for shared deployments (postgres://...)')
    .option('--auth <file>', 'users, tokens and per-subject-prefix permissions (YAML)')
    .action(async (opts: { port: string; host: string; data?: string; database?: string; auth?: string }) => {
      const until = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      code = await serve(io, {
        host: opts.host,
        port: Number(opts.port),
        until,
        ...(opts.data ? { data: opts.data } : {}),
        ...(opts.database ? { database: opts.database } : {}),
        ...(opts.auth ? { auth: opts.auth } : {}),
      });
    });
  registry
    .command('push')
    .description("register every contract (references first), set each contract's level, record registry ids in the lock; idempotent")
    .requiredOption('--url <url>', 'the registry (credentials in the URL or CONTRACTS_REGISTRY_TOKEN)')
    .action(async (opts: { url: string }) => {
      code = await push(io, { root: rootOf(), url: opts.url });
    });

  program
    .command('lock')
    .description('record every changed contract as a new revision in compat/ (refuses revisions that break their level)')
    .option('--force', 'record revisions that break their level (a reviewed, deliberate break)')
    .action((opts: { force?: boolean }) => {
      code = lock(io, { root: rootOf(), force: opts.force === true });
    });

  program
    .command('generate')
    .description('write the generated SDK packages (packages/sdk-<domain>/) from the contracts; removes stale generated files')
    .option('--check', 'write nothing; exit 1 listing every file that would change (missing, different, stale)')
    .action(async (opts: { check?: boolean }) => {
      code = await generate(io, { root: rootOf(), check: opts.check === true });
    });

  const policy = program.command('policy').description('Rego policy packs: test, eval, build, sign, verify, publish');
  policy
    .command('test')
    .description('run the test_* rules of a pack (default: every pack under policies/), like opa test; exit 1 on any failure')
    .argument('[pack]', 'pack name under policies/ or a directory of .rego files')
    .option('--json', 'print [{pack, passed, failed, errored, tests: [{name, file, line, outcome, detail?, duration_ms}], coverage}]')
    .option('--run <regex>', 'only tests whose pkg/test_name matches')
    .action(async (pack: string | undefined, opts: { json?: boolean; run?: string }) => {
      code = await policyTest(io, { root: rootOf(), json: opts.json === true, ...(pack ? { pack } : {}), ...(opts.run ? { run: opts.run } : {}) });
    });
  policy
    .command('eval')
    .description('evaluate one entrypoint of a pack for an input and print the decision JSON; exit 1 when it is undefined')
    .argument('<pack>', 'pack name under policies/ or a directory of .rego files')
    .requiredOption('--entrypoint <rule>', 'pkg/rule (as in pack.yaml), pkg.rule or data.pkg.rule')
    .option('--input <file>', 'input document (JSON file, - for stdin)')
    .action(async (pack: string, opts: { entrypoint: string; input?: string }) => {
      const stdin = opts.input === '-' ? fs.readFileSync(0, 'utf8') : undefined;
      code = await policyEval(io, {
        root: rootOf(),
        pack,
        entrypoint: opts.entrypoint,
        ...(opts.input ? { input: opts.input } : {}),
        ...(stdin !== undefined ? { stdin } : {}),
      });
    });

  policy
    .command('build')
    .description('compile a pack to an OPA bundle: .manifest (revision, roots, wasm entrypoints), /policy.wasm, /data.json from data.toml')
    .argument('<pack>', 'pack name under policies/ or a directory of .rego files')
    .option('--out <file>', 'bundle file (default dist/policies/<pack>.tar.gz)')
    .addOption(
      new Option('--engine <engine>', 'builtin: this compiler; opa: `opa build -t wasm` (needs opa on PATH)').choices(['builtin', 'opa']).default('builtin'),
    )
    .option('--revision <revision>', 'manifest revision (default: <version>+<digest of sources and data>)')
    .action(async (pack: string, opts: { out?: string; engine: 'builtin' | 'opa'; revision?: string }) => {
      code = await policyBuild(io, {
        root: rootOf(),
        pack,
        engine: opts.engine,
        ...(opts.out ? { out: opts.out } : {}),
        ...(opts.revision ? { revision: opts.revision } : {}),
      });
    });
  policy
    .command('sign')
    .description("sign a bundle as OPA does (/.signatures.json: a JWS listing every file's SHA-256); in place unless --out")
    .argument('<bundle>', 'bundle file (.tar.gz)')
    .requiredOption('--key <file>', 'PEM private key (RS256, ES256) or a file with the HS256 secret')
    .option('--alg <alg>', 'RS256, ES256 or HS256 (default from the key)')
    .option('--key-id <id>', 'key id written to the signature (verifiers look the key up by it)')
    .option('--scope <scope>', 'scope claim')
    .option('--out <file>', 'write the signed bundle here')
    .action(async (bundle: string, opts: { key: string; alg?: string; keyId?: string; scope?: string; out?: string }) => {
      code = await policySign(io, {
        root: rootOf(),
        bundle,
        key: opts.key,
        ...(opts.alg ? { algorithm: opts.alg } : {}),
        ...(opts.keyId ? { keyId: opts.keyId } : {}),
        ...(opts.scope ? { scope: opts.scope } : {}),
        ...(opts.out ? { out: opts.out } : {}),
      });
    });
  policy
    .command('verify')
    .description('verify a signed bundle: signature, and every file present, listed and unchanged; exit 1 otherwise')
    .argument('<bundle>', 'bundle file (.tar.gz)')
    .requiredOption('--key <file>', 'PEM public key (RS256, ES256) or a file with the HS256 secret')
    .option('--alg <alg>', 'RS256, ES256 or HS256 (default from the key)')
    .option('--key-id <id>', 'require this key id')
    .option('--scope <scope>', 'required scope claim')
    .option('--json', 'print {ok, algorithm, files} or {ok: false, code, message}')
    .action(async (bundle: string, opts: { key: string; alg?: string; keyId?: string; scope?: string; json?: boolean }) => {
      code = await policyVerify(io, {
        root: rootOf(),
        bundle,
        key: opts.key,
        json: opts.json === true,
        ...(opts.alg ? { algorithm: opts.alg } : {}),
        ...(opts.keyId ? { keyId: opts.keyId } : {}),
        ...(opts.scope ? { scope: opts.scope } : {}),
      });
    });
  policy
    .command('publish')
    .description('serve bundles over HTTP with ETags so agents can poll (until interrupted), or upload them with --url')
    .argument('<bundles...>', 'bundle files (.tar.gz); served as /bundles/<file name>')
    .option('--url <url>', 'upload (PUT) to this bundle server instead of serving')
    .option('--token <token>', 'bearer token (upload), or the token that allows PUT (serve); default CONTRACTS_BUNDLE_TOKEN')
    .option('--port <port>', 'port to serve on', '8182')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (bundles: string[], opts: { url?: string; token?: string; port: string; host: string }) => {
      const until = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const token = opts.token ?? io.env['CONTRACTS_BUNDLE_TOKEN'];
      code = await policyPublish(io, {
        root: rootOf(),
        bundles,
        port: Number(opts.port),
        host: opts.host,
        until,
        ...(opts.url ? { url: opts.url } : {}),
        ...(token ? { token } : {}),
      });
    });

  program
    .command('check')
    .description('the whole contract pipeline over this repository: validate, compat against the lock, generate --check, policy test, policy build')
    .action(async () => {
      const root = rootOf();
      const stages: [string, () => ExitCode | Promise<ExitCode>][] = [
        ['validate', () => validate(io, { root, paths: [], json: false }).code],
        ['compat --against lock', () => compat(io, { root, against: 'lock', format: 'text' })],
        ['generate --check', () => generate(io, { root, check: true })],
        ['policy test', () => policyTest(io, { root, json: false })],
        ['policy build', () => policyBuildAll(io, root)],
      ];
      const failed: string[] = [];
      for (const [name, stage] of stages) {
        io.stdout(`== ${name}\n`);
        const stageCode = await stage();
        if (stageCode !== EXIT.ok) failed.push(name);
        if (stageCode === EXIT.usage) code = EXIT.usage;
      }
      if (failed.length > 0 && code !== EXIT.usage) code = EXIT.failed;
      io.stdout(failed.length === 0 ? `check: all ${stages.length} stages passed\n` : `check: FAILED (${failed.join(', ')})\n`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; everything else commander rejects is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`contracts: ${error.message}\n`);
      return EXIT.usage;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr(
      `contracts: internal error: ${e.message}\n${io.env['CONTRACTS_DEBUG'] ? `${e.stack ?? ''}\n` : '(set CONTRACTS_DEBUG=1 for a stack trace, and report it)\n'}`,
    );
    return EXIT.usage;
  }
}

/** Entry point of the `contracts` bin. */
export function cli(): void {
  const io: CliIo = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
  };
  void run(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
