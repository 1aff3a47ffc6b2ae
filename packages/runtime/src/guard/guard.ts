/**
 * `PolicyGuard`: one policy pack's decision entrypoint, evaluated in-process with OPA's Wasm SDK
 * (@open-policy-agent/opa-wasm) on a bundle that is fetched, verified and hot-swapped in the
 * background.
 *
 * Lifecycle. `PolicyGuard.start(options)` tries to load the first bundle and returns either way:
 * without a verified bundle the guard denies everything with `GUARD_NO_POLICY: <why>` and keeps
 * polling (`ready()` resolves once a bundle is active). Every `pollMs` the source is polled (see
 * source.ts). Bytes that differ from the active bundle's are a candidate revision, activated only
 * when every check passes:
 *
 *   1. the signature verifies with the configured keys (verifyBundle: every file digest, key id,
 *      algorithm, scope) — skipped only with `allowUnsigned: true` and no `verification`;
 *   2. the bundle reads as OPA would activate it (readBundle: manifest, roots, data under roots);
 *   3. the manifest maps the entrypoint to a Wasm module;
 *   4. that module instantiates with the SDK (with the host built-ins of
 *      @dynamic-capital/contracts-rego) and exports the entrypoint;
 *   5. the bundle's data (`data.json`) loads with `setData`;
 *   6. a smoke evaluation of the entrypoint on input `{}` does not throw, and gives either no
 *      result or a well-formed decision.
 *
 * Then it replaces the active bundle in one assignment: an evaluation sees the old bundle or the
 * new one, never a mix. A candidate that fails any check is rejected and the active bundle keeps
 * deciding; the same bytes are not retried (a URL source sends their ETag as If-None-Match). Every
 * outcome goes to `onUpdate` and to `contracts_guard_bundle_updates_total{pack,outcome}`
 * (activated | rejected | fetch_failed).
 *
 * Evaluation (`evaluate`) is synchronous and fails closed: it allows only when the entrypoint's
 * value is a decision with `allow === true` exactly. Anything else denies: the policy's own deny
 * (its reasons), or a guard reason GUARD_NO_POLICY, GUARD_ERROR (the evaluation threw: a Wasm
 * abort such as a rule conflict or a strict built-in error, or an input that is not JSON),
 * GUARD_BAD_DECISION (undefined, several results, or not `{allow: boolean, reasons: string[]}`) or
 * GUARD_TIMEOUT.
 *
 * The timeout is measured, not enforced: Wasm evaluation runs synchronously on the calling thread
 * and cannot be interrupted, so an evaluation that takes longer than `timeoutMs` (default 5 ms)
 * runs to completion, blocking the event loop meanwhile, and its result is then discarded and the
 * call denied with GUARD_TIMEOUT. The measured time is wall-clock time of the call (input encoding
 * included), so a garbage-collection pause or a descheduled process in the middle of it counts
 * too. A hard bound would need the evaluation in a worker thread.
 */
import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins, readBundle, verifyBundle, type Bundle, type VerifyOptions } from '@dynamic-capital/contracts-rego';
import { Counter, Histogram, type Registry } from 'prom-client';
import { isPolicyDecision, type GuardDecision, type GuardReasonCode, type PolicyDecision, type PolicyEvaluator } from './decision';
import { sourcePoller, type BundleSource, type SourcePoller } from './source';

export interface PolicyGuardOptions<Input, Decision extends PolicyDecision = PolicyDecision> {
  /** Name of the pack (policies/<pack>): in reasons, errors, metrics labels. */
  readonly pack: string;
  /** The entrypoint to evaluate, as OPA names it: `trading_risk_v1/decision`. */
  readonly entrypoint: string;
  /** Where the bundle comes from: `{ url, token? }`, `{ file }` or `{ bytes }` (see source.ts). */
  readonly source: BundleSource;
  /** Poll interval of a URL or file source (default 10 000 ms). */
  readonly pollMs?: number;
  /**
   * Signature verification, as verifyBundle of @dynamic-capital/contracts-rego takes it: `keys`
   * (key id -> public key PEM, or shared secret for HS256), optional `algorithm`, `keyId`,
   * `scope`, `limits`. Required unless `allowUnsigned` is true.
   */
  readonly verification?: VerifyOptions;
  /**
   * Accept bundles without checking any signature (they are still read and checked otherwise).
   * For tests and local development only: anyone who can write the source decides what is
   * allowed. Has no effect when `verification` is given (then every bundle must verify).
   */
  readonly allowUnsigned?: boolean;
  /** Evaluations that take longer are denied with GUARD_TIMEOUT (default 5 ms; see the module doc). */
  readonly timeoutMs?: number;
  /**
   * prom-client registry for contracts_guard_decisions_total{pack,outcome=allow|deny|error},
   * contracts_guard_bundle_updates_total{pack,outcome=activated|rejected|fetch_failed} and
   * contracts_guard_evaluation_seconds{pack}.
   */
  readonly metrics?: Registry;
  /** Hears every update outcome (activated, rejected, fetch_failed); must not throw (errors are ignored). */
  readonly onUpdate?: (update: GuardUpdate) => void;
  /** The input as JSON text (default JSON.stringify). Generated SDK guards write contract decimals as numbers (policyInputEncoder). */
  readonly encodeInput?: (input: Input) => string;
  /** Checks the entrypoint's value (default isPolicyDecision); a value it rejects denies with GUARD_BAD_DECISION. */
  readonly isDecision?: (value: unknown) => value is Decision;
  /** Epoch milliseconds (default Date.now): the policy's time.now_ns and activation times. */
  readonly clock?: () => number;
  /** Test seam: monotonic milliseconds for the timeout measurement (default performance.now). */
  readonly monotonic?: () => number;
}

export type GuardUpdateOutcome = 'activated' | 'rejected' | 'fetch_failed';

/** One poll that found something: a bundle activated or rejected, or a source that could not be read. */
export interface GuardUpdate {
  readonly pack: string;
  readonly outcome: GuardUpdateOutcome;
  /** The source, without credentials. */
  readonly source: string;
  /** sha256 (hex) of the candidate bundle (activated or rejected). */
  readonly policyHash?: string;
  /** Its manifest revision, when it could be read. */
  readonly revision?: string;
  /** The bundle active before (activated) or still active (rejected, fetch_failed), if any. */
  readonly activeHash?: string;
  /** Why the bundle was rejected or the source could not be read. */
  readonly error?: Error;
}

export interface GuardStatus {
  readonly pack: string;
  readonly entrypoint: string;
  readonly source: string;
  /** A verified bundle is active. */
  readonly active: boolean;
  readonly policyHash: string | undefined;
  readonly revision: string | undefined;
  /** Epoch ms the active bundle was activated. */
  readonly activatedAtMs: number | undefined;
  /** The last update reported (any outcome). */
  readonly lastUpdate: GuardUpdate | undefined;
  readonly stopped: boolean;
}

interface ActiveBundle {
  readonly policy: LoadedPolicy;
  readonly hash: string;
  readonly revision: string;
  readonly activatedAtMs: number;
}

interface GuardMetrics {
  readonly decisions: Counter<'pack' | 'outcome'>;
  readonly updates: Counter<'pack' | 'outcome'>;
  readonly latency: Histogram<'pack'>;
}

function metricsIn(registry: Registry): GuardMetrics {
  const counter = (name: string, help: string): Counter<'pack' | 'outcome'> =>
    (registry.getSingleMetric(name) as Counter<'pack' | 'outcome'> | undefined) ??
    new Counter({ name, help, labelNames: ['pack', 'outcome'], registers: [registry] });
  return {
    decisions: counter(
      'contracts_guard_decisions_total',
      'Guard evaluations by outcome: allow, deny (by the policy), error (the guard could not decide: GUARD_* reasons)',
    ),
    updates: counter('contracts_guard_bundle_updates_total', 'Bundle updates by outcome: activated, rejected (failed verification or checks), fetch_failed'),
    latency:
      (registry.getSingleMetric('contracts_guard_evaluation_seconds') as Histogram<'pack'> | undefined) ??
      new Histogram({
        name: 'contracts_guard_evaluation_seconds',
        help: 'Time of one guard evaluation (input encoding and Wasm evaluation)',
        labelNames: ['pack'],
        buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
        registers: [registry],
      }),
  };
}

/** A thrown value as text: opa-wasm throws strings (`eval_conflict_error: ...`) and plain objects as well as Errors. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return String(error);
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(describe(error)));

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** JSON text as an ArrayBuffer of this realm (opa-wasm takes an ArrayBuffer as ready-made JSON). */
function jsonBuffer(text: string): ArrayBuffer {
  const buffer = new ArrayBuffer(Buffer.byteLength(text, 'utf8'));
  Buffer.from(buffer).write(text, 'utf8');
  return buffer;
}

/** The value of a result set (`[{result}]`), or why it is not a single defined value. */
function resultOf(resultSet: unknown): { value: unknown } | { problem: string } {
  if (!Array.isArray(resultSet)) return { problem: 'the result set is not an array' };
  if (resultSet.length === 0) return { problem: 'the entrypoint is undefined for this input' };
  if (resultSet.length > 1) return { problem: `the result set has ${resultSet.length} results, expected 1` };
  const [first] = resultSet as unknown[];
  if (first === null || typeof first !== 'object' || !('result' in first)) return { problem: 'the result set entry has no result' };
  return { value: (first as { result: unknown }).result };
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A bundle that failed a guard check (beyond signature and format, which have their own errors). */
export class GuardBundleError extends Error {
  override readonly name = 'GuardBundleError';
}

export class PolicyGuard<Input, Decision extends PolicyDecision = PolicyDecision> implements PolicyEvaluator<Input, Decision> {
  readonly pack: string;
  readonly entrypoint: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly clock: () => number;
  private readonly monotonic: () => number;
  private readonly encode: (input: Input) => string;
  private readonly isDecision: (value: unknown) => value is Decision;
  private readonly metrics: GuardMetrics | undefined;
  private active: ActiveBundle | undefined;
  /** Hash of the last candidate considered (activated or rejected): not considered again. */
  private lastCandidate: string | undefined;
  /** Why there is no active bundle (the reason of GUARD_NO_POLICY). */
  private problem = 'no bundle has been loaded yet';
  private lastUpdate: GuardUpdate | undefined;
  private inflight: Promise<GuardUpdate | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  private constructor(
    private readonly options: PolicyGuardOptions<Input, Decision>,
    private readonly poller: SourcePoller,
  ) {
    this.pack = options.pack;
    this.entrypoint = options.entrypoint;
    this.timeoutMs = options.timeoutMs ?? 5;
    this.pollMs = options.pollMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.encode = options.encodeInput ?? ((input) => JSON.stringify(input));
    this.isDecision = options.isDecision ?? (isPolicyDecision as (value: unknown) => value is Decision);
    this.metrics = options.metrics ? metricsIn(options.metrics) : undefined;
  }

  /**
   * A guard that has tried to load the first bundle. Resolves whether or not that worked (until a
   * bundle is active it denies with GUARD_NO_POLICY; see `ready`). Throws TypeError only for bad
   * options: no `verification` without `allowUnsigned: true`, unusable keys, a malformed source.
   */
  static async start<Input, Decision extends PolicyDecision = PolicyDecision>(
    options: PolicyGuardOptions<Input, Decision>,
  ): Promise<PolicyGuard<Input, Decision>> {
    if (typeof options.pack !== 'string' || options.pack === '') throw new TypeError('PolicyGuard: pack must be a non-empty string');
    if (typeof options.entrypoint !== 'string' || !/^[^\s/]+(\/[^\s/]+)+$/.test(options.entrypoint))
      throw new TypeError(
        `PolicyGuard ${options.pack}: entrypoint must be slash-separated as OPA names it (e.g. trading_risk_v1/decision), got ${JSON.stringify(options.entrypoint)}`,
      );
    for (const [name, value] of [
      ['timeoutMs', options.timeoutMs],
      ['pollMs', options.pollMs],
    ] as const) {
      if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value)))
        throw new TypeError(`PolicyGuard ${options.pack}: ${name} must be a positive number, got ${String(value)}`);
    }
    if (options.verification === undefined) {
      if (options.allowUnsigned !== true)
        throw new TypeError(
          `PolicyGuard ${options.pack}: verification (the keys bundles are signed with) is required; allowUnsigned: true skips it, for tests and development only`,
        );
    } else {
      if (Object.keys(options.verification.keys).length === 0)
        throw new TypeError(`PolicyGuard ${options.pack}: verification.keys is empty: no bundle could verify`);
      // verifyBundle parses every key before it looks at the bundle: bad keys are a configuration error
      try {
        await verifyBundle(new Uint8Array(), options.verification);
      } catch (error) {
        throw new TypeError(`PolicyGuard ${options.pack}: unusable verification options: ${describe(error)}`, { cause: error });
      }
    }
    const guard = new PolicyGuard<Input, Decision>(options, sourcePoller(options.source));
    await guard.refresh();
    guard.schedule();
    return guard;
  }

  /** sha256 (hex) of the active bundle's bytes; undefined while none is active. */
  get policyHash(): string | undefined {
    return this.active?.hash;
  }

  /** The active bundle's manifest revision. */
  get revision(): string | undefined {
    return this.active?.revision;
  }

  status(): GuardStatus {
    const active = this.active;
    return {
      pack: this.pack,
      entrypoint: this.entrypoint,
      source: this.poller.description,
      active: active !== undefined,
      policyHash: active?.hash,
      revision: active?.revision,
      activatedAtMs: active?.activatedAtMs,
      lastUpdate: this.lastUpdate,
      stopped: this.stopped,
    };
  }

  /** Resolves once a verified bundle is active (at once if one is); rejects if the guard is stopped before. */
  ready(): Promise<void> {
    if (this.active) return Promise.resolve();
    if (this.stopped) return Promise.reject(new Error(`PolicyGuard ${this.pack}: stopped before a bundle was activated (${this.problem})`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Evaluates the entrypoint on `input` with the active bundle. Never throws: every problem is a
   * deny with a GUARD_* reason (see the module doc).
   */
  evaluate(input: Input): GuardDecision<Decision> {
    const active = this.active;
    if (active === undefined) return this.failed('GUARD_NO_POLICY', this.problem, undefined, 0);
    const start = this.monotonic();
    let text: unknown;
    try {
      text = this.encode(input);
    } catch (error) {
      return this.failed('GUARD_ERROR', `the input cannot be written as JSON: ${describe(error)}`, active, this.monotonic() - start);
    }
    if (typeof text !== 'string') return this.failed('GUARD_ERROR', 'the input cannot be written as JSON', active, this.monotonic() - start);
    let resultSet: unknown;
    try {
      resultSet = active.policy.evaluate(jsonBuffer(text), this.entrypoint);
    } catch (error) {
      return this.failed('GUARD_ERROR', `evaluation of ${this.entrypoint} failed: ${describe(error)}`, active, this.monotonic() - start);
    }
    const elapsedMs = this.monotonic() - start;
    if (elapsedMs > this.timeoutMs) {
      return this.failed(
        'GUARD_TIMEOUT',
        `evaluation of ${this.entrypoint} took ${elapsedMs.toFixed(3)} ms, more than timeoutMs ${this.timeoutMs}`,
        active,
        elapsedMs,
      );
    }
    const result = resultOf(resultSet);
    if ('problem' in result) return this.failed('GUARD_BAD_DECISION', `${this.entrypoint}: ${result.problem}`, active, elapsedMs);
    let decision: Decision;
    let reasons: string[];
    try {
      if (!this.isDecision(result.value)) {
        return this.failed(
          'GUARD_BAD_DECISION',
          `${this.entrypoint} returned ${preview(result.value)}, not a decision {allow: boolean, reasons: string[]}`,
          active,
          elapsedMs,
        );
      }
      decision = result.value;
      reasons = [...decision.reasons];
    } catch (error) {
      // a custom isDecision that throws, or lets through reasons that are not a list
      return this.failed('GUARD_BAD_DECISION', `checking the decision of ${this.entrypoint} failed: ${describe(error)}`, active, elapsedMs);
    }
    const allow = decision.allow === true;
    this.count(allow ? 'allow' : 'deny', elapsedMs);
    return {
      allow,
      reasons,
      decision,
      policyHash: active.hash,
      revision: active.revision,
      pack: this.pack,
      failure: undefined,
      elapsedMs,
    };
  }

  /**
   * Polls the source now (the timer does it every pollMs). Resolves with what happened, or
   * undefined when nothing changed; never rejects. Calls while a poll runs share it.
   */
  refresh(): Promise<GuardUpdate | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    if (!this.inflight) {
      const run = this.pollOnce().finally(() => {
        if (this.inflight === run) this.inflight = undefined;
      });
      this.inflight = run;
    }
    return this.inflight;
  }

  /** Stops polling (the active bundle keeps deciding). Resolves once a poll in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inflight;
    const error = new Error(`PolicyGuard ${this.pack}: stopped before a bundle was activated (${this.problem})`);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private schedule(): void {
    if (this.stopped || !this.poller.polls) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().then(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  private failed(code: GuardReasonCode, detail: string, active: ActiveBundle | undefined, elapsedMs: number): GuardDecision<Decision> {
    this.count('error', elapsedMs);
    return {
      allow: false,
      reasons: [`${code}: ${detail}`],
      decision: undefined,
      policyHash: active?.hash,
      revision: active?.revision,
      pack: this.pack,
      failure: code,
      elapsedMs,
    };
  }

  private count(outcome: 'allow' | 'deny' | 'error', elapsedMs: number): void {
    if (!this.metrics) return;
    this.metrics.decisions.inc({ pack: this.pack, outcome });
    this.metrics.latency.observe({ pack: this.pack }, elapsedMs / 1000);
  }

  private report(update: Omit<GuardUpdate, 'pack' | 'source'>): GuardUpdate {
    const full: GuardUpdate = { pack: this.pack, source: this.poller.description, ...update };
    this.lastUpdate = full;
    this.metrics?.updates.inc({ pack: this.pack, outcome: full.outcome });
    try {
      this.options.onUpdate?.(full);
    } catch {
      // a listener's failure is not the guard's
    }
    return full;
  }

  private async pollOnce(): Promise<GuardUpdate | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.poller.poll();
    } catch (error) {
      const err = toError(error);
      if (!this.active) this.problem = `cannot read the bundle from ${this.poller.description}: ${err.message}`;
      return this.report({ outcome: 'fetch_failed', error: err, ...(this.active ? { activeHash: this.active.hash } : {}) });
    }
    if (bytes === undefined) return undefined;
    const hash = sha256(bytes);
    if (hash === this.active?.hash || hash === this.lastCandidate) return undefined;
    this.lastCandidate = hash;
    let revision: string | undefined;
    try {
      const bundle = await this.readVerified(bytes);
      revision = bundle.revision;
      const policy = await this.instantiate(bundle);
      const previous = this.active;
      // the swap: one assignment, so an evaluation uses the old bundle or the new one
      this.active = { policy, hash, revision, activatedAtMs: this.clock() };
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
      return this.report({ outcome: 'activated', policyHash: hash, revision, ...(previous ? { activeHash: previous.hash } : {}) });
    } catch (error) {
      const err = toError(error);
      if (!this.active) this.problem = `bundle ${hash.slice(0, 12)} from ${this.poller.description} was rejected: ${err.message}`;
      return this.report({
        outcome: 'rejected',
        policyHash: hash,
        error: err,
        ...(revision === undefined ? {} : { revision }),
        ...(this.active ? { activeHash: this.active.hash } : {}),
      });
    }
  }

  /** Checks 1-2: the signature and every file digest (or, with allowUnsigned, the format only). */
  private async readVerified(bytes: Uint8Array): Promise<Bundle> {
    const { verification } = this.options;
    if (verification === undefined) return readBundle(bytes);
    const result = await verifyBundle(bytes, verification);
    if (!result.ok) throw result.error;
    return result.bundle;
  }

  /** Checks 3-6: the entrypoint's module, instantiation, data, smoke evaluation. */
  private async instantiate(bundle: Bundle): Promise<LoadedPolicy> {
    const entrypoint = this.entrypoint;
    const module = bundle.wasm.find((m) => m.entrypoints.includes(entrypoint));
    if (!module) {
      const mapped = bundle.wasm.flatMap((m) => m.entrypoints);
      throw new GuardBundleError(`the manifest maps no Wasm module to entrypoint ${entrypoint} (it maps: ${mapped.length === 0 ? 'none' : mapped.join(', ')})`);
    }
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(new Uint8Array(module.bytes), undefined, hostBuiltins({ clock: this.clock }));
    } catch (error) {
      throw new GuardBundleError(`${module.path} does not load with the OPA Wasm SDK: ${describe(error)}`, { cause: error });
    }
    const exported = (policy.entrypoints ?? {}) as Record<string, unknown>;
    if (!Object.hasOwn(exported, entrypoint)) {
      throw new GuardBundleError(`${module.path} does not export entrypoint ${entrypoint} (it exports: ${Object.keys(exported).join(', ') || 'none'})`);
    }
    try {
      policy.setData(bundle.data);
    } catch (error) {
      throw new GuardBundleError(`the bundle's data does not load into ${module.path}: ${describe(error)}`, { cause: error });
    }
    let smoke: unknown;
    try {
      smoke = policy.evaluate({}, entrypoint);
    } catch (error) {
      throw new GuardBundleError(`smoke evaluation of ${entrypoint} on input {} failed: ${describe(error)}`, { cause: error });
    }
    // undefined for {} is fine (a policy may decide nothing without input); anything defined must be a decision
    if (!(Array.isArray(smoke) && smoke.length === 0)) {
      const result = resultOf(smoke);
      if ('problem' in result) throw new GuardBundleError(`smoke evaluation of ${entrypoint} on input {}: ${result.problem}`);
      if (!this.isDecision(result.value)) {
        throw new GuardBundleError(
          `smoke evaluation of ${entrypoint} on input {} returned ${preview(result.value)}, not a decision {allow: boolean, reasons: string[]}`,
        );
      }
    }
    return policy;
  }
}
