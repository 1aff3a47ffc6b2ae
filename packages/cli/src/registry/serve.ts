import * as path from 'node:path';
import {
  AuthConfigError,
  createAuthenticator,
  createRegistryService,
  withReadCache,
  openEmbeddedStore,
  openPostgresStore,
  startRegistryServer,
  type Authenticator,
} from '@dynamic-capital/contracts-registry';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly data?: string;
  readonly database?: string;
  readonly auth?: string;
  /** Resolves when the server should stop (SIGINT/SIGTERM in the CLI; a test's own signal). */
  readonly until: Promise<void>;
}

/** Default data directory: .registry-data/ in the current directory. */
export const DEFAULT_DATA_DIR = '.registry-data';

export async function serve(io: CliIo, options: ServeOptions): Promise<ExitCode> {
  if (options.data && options.database) throw new UsageError('give --data <dir> or --database <postgres-url>, not both');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new UsageError(`--port ${options.port}: expected 0-65535`);
  if (options.database && !/^postgres(ql)?:\/\//.test(options.database)) throw new UsageError(`--database ${options.database}: expected a postgres:// URL`);
  let auth: Authenticator | undefined;
  try {
    auth = options.auth ? createAuthenticator(path.resolve(io.cwd, options.auth)) : undefined;
  } catch (error) {
    if (error instanceof AuthConfigError) throw new UsageError(error.message);
    throw error;
  }
  const dataDir = path.resolve(io.cwd, options.data ?? DEFAULT_DATA_DIR);
  const store = options.database ? await openPostgresStore(options.database) : await openEmbeddedStore(dataDir);
  // Lookups are cached only when this process is the only writer (the embedded store).
  const service = withReadCache(createRegistryService(store), { lookups: !options.database });
  const server = await startRegistryServer({ service, host: options.host, port: options.port, ...(auth ? { auth } : {}) });
  io.stdout(`registry listening on ${server.url} (${options.database ? 'PostgreSQL' : `data: ${dataDir}`}${auth ? ', auth on' : ''})\n`);
  await options.until;
  await server.close();
  await service.close();
  io.stdout('registry stopped\n');
  return EXIT.ok;
}
