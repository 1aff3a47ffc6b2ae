/**
 * A small client for the Confluent Schema Registry REST API (ours, Confluent's, Karapace, Redpanda,
 * Apicurio's Confluent endpoint), used by `contracts registry push` and `contracts compat --against registry:`.
 * Agents at run time use @kafkajs/confluent-schema-registry instead.
 */
import type { SchemaReference, SchemaRequest, SubjectVersion } from './service/types';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export type RegistryAuth = { readonly username: string; readonly password: string } | { readonly token: string };

/** A non-2xx answer, with Confluent's error code when the body has one. */
export class RegistryHttpError extends Error {
  override readonly name = 'RegistryHttpError';
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface RegistryClientOptions {
  readonly auth?: RegistryAuth;
  readonly timeoutMs?: number;
}

export class RegistryClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  /** `url` may carry credentials (https://user:pass@host); options.auth wins over them. */
  constructor(url: string, options: RegistryClientOptions = {}) {
    const parsed = new URL(url);
    let auth = options.auth;
    if (!auth && parsed.username) auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    parsed.username = '';
    parsed.password = '';
    this.baseUrl = parsed.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = { accept: REGISTRY_CONTENT_TYPE, 'content-type': REGISTRY_CONTENT_TYPE };
    if (auth && 'token' in auth) this.headers['authorization'] = `Bearer ${auth.token}`;
    else if (auth) this.headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: this.headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new RegistryHttpError(0, undefined, `cannot reach the schema registry at ${this.baseUrl}: ${cause}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A non-JSON body (a proxy's HTML error page, GET .../schema raw text) stays a string.
    }
    if (!response.ok) {
      const e = parsed as { error_code?: unknown; message?: unknown } | undefined;
      const code = typeof e?.error_code === 'number' ? e.error_code : undefined;
      const message = typeof e?.message === 'string' ? e.message : `HTTP ${response.status} ${response.statusText}`;
      throw new RegistryHttpError(response.status, code, `${method} ${path}: ${message}`);
    }
    return parsed as T;
  }

  private subjectPath(subject: string): string {
    return `/subjects/${encodeURIComponent(subject)}`;
  }

  register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    return this.request('POST', `${this.subjectPath(subject)}/versions`, request);
  }

  /** The subject version holding this schema, or undefined when the subject or the schema is not there. */
  async lookup(subject: string, request: SchemaRequest): Promise<SubjectVersion | undefined> {
    try {
      return await this.request<SubjectVersion>('POST', this.subjectPath(subject), request);
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40401 || error.errorCode === 40403)) return undefined;
      throw error;
    }
  }

  /** Live versions of a subject; [] when the subject does not exist. */
  async versions(subject: string): Promise<number[]> {
    try {
      return await this.request<number[]>('GET', `${this.subjectPath(subject)}/versions`);
    } catch (error) {
      if (error instanceof RegistryHttpError && error.errorCode === 40401) return [];
      throw error;
    }
  }

  version(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    return this.request('GET', `${this.subjectPath(subject)}/versions/${version}`);
  }

  testCompatibility(subject: string, request: SchemaRequest): Promise<{ is_compatible: boolean; messages?: string[] }> {
    return this.request('POST', `/compatibility${this.subjectPath(subject)}/versions?verbose=true`, request);
  }

  /** The subject's own level, or undefined when it has none (it follows the global level). */
  async subjectLevel(subject: string): Promise<string | undefined> {
    try {
      const answer = await this.request<{ compatibilityLevel?: string; compatibility?: string }>('GET', `/config/${encodeURIComponent(subject)}`);
      return answer.compatibilityLevel ?? answer.compatibility;
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40408 || error.errorCode === 40401)) return undefined;
      throw error;
    }
  }

  setSubjectLevel(subject: string, level: string): Promise<{ compatibility: string }> {
    return this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }
}

export type { SchemaReference };
