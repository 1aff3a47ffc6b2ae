import { Command, CommanderError } from 'commander';
import { validate } from './commands/validate';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io';
import { resolveRoot } from './project-root';

/**
 * Run the `contracts` command with `argv` (without node and script). Never throws: every
 * outcome is an exit code, and only internal bugs print a stack (with CONTRACTS_DEBUG=1).
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = new Command('contracts')
    .description("Dynamic Capital's contract toolkit: validate, check compatibility, generate SDKs, build policies.")
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

  program
    .command('check')
    .description('the whole contract pipeline over this repository (every stage that exists): validate')
    .action(() => {
      const root = rootOf();
      io.stdout('== validate\n');
      const result = validate(io, { root, paths: [], json: false });
      code = result.code;
      io.stdout(code === EXIT.ok ? 'check: all stages passed\n' : 'check: FAILED\n');
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
