/**
 * Starts the registry's HTTP server. Binds 127.0.0.1 unless told otherwise; port 0 picks a free one.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildRegistryApp, DEFAULT_BODY_LIMIT, type RegistryAppOptions } from './http';

export interface RegistryServerOptions extends RegistryAppOptions {
  /** Interface to bind (default 127.0.0.1; "0.0.0.0" or "::" to listen on all). */
  readonly host?: string;
  /** TCP port (default 8081, Confluent's; 0 = any free port). */
  readonly port?: number;
}

export interface RegistryServer {
  /** Base URL, e.g. http://127.0.0.1:8081 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The fastify app (for inject() in tests, hooks, metrics). */
  readonly app: FastifyInstance;
  /** Stops accepting connections and closes idle keep-alive ones. Does not close the service. */
  close(): Promise<void>;
}

export async function startRegistryServer(options: RegistryServerOptions): Promise<RegistryServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8081;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535, got ${String(options.port)}`);
  const app = buildRegistryApp({ ...options, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    app,
    close: () => (closing ??= app.close()),
  };
}
