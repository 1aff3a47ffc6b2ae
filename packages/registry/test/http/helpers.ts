import * as http from 'node:http';
import { startRegistryServer, type RegistryServer, type RegistryServerOptions } from '../../src/server';
import { FakeRegistryService } from './fake-service';

export const V1 = 'application/vnd.schemaregistry.v1+json';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (undefined if it is not JSON). */
  body: unknown;
}

export interface Harness {
  server: RegistryServer;
  service: FakeRegistryService;
  internalErrors: unknown[];
  call(method: string, path: string, options?: { body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<RegistryServerOptions> = {}): Promise<Harness> {
  const service = new FakeRegistryService();
  const internalErrors: unknown[] = [];
  const server = await startRegistryServer({ service, port: 0, onInternalError: (error) => internalErrors.push(error), ...options });
  const call: Harness['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    let body: string | undefined = callOptions.raw;
    if (callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = V1;
    const response = await fetch(server.url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
  return { server, service, internalErrors, call, close: () => server.close() };
}

/** A request through node:http, for what fetch cannot send (no Content-Type with a body, odd URLs). */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url + path,
      { method, headers: body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export const AVRO_RECORD = JSON.stringify({ type: 'record', name: 'Fill', namespace: 'dc', fields: [{ name: 'qty', type: 'long' }] });
export const AVRO_RECORD_V2 = JSON.stringify({
  type: 'record',
  name: 'Fill',
  namespace: 'dc',
  fields: [
    { name: 'qty', type: 'long' },
    { name: 'px', type: ['null', 'double'], default: null },
  ],
});
export const JSON_SCHEMA = JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } });
