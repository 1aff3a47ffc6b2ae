export { run, cli } from './main';
export { EXIT, UsageError, type CliIo, type ExitCode } from './io';
