/**
 * PolicyGuard over real components: the repository's trading_risk_v1 pack compiled to Wasm by
 * @dynamic-capital/contracts-rego, bundled, signed (RS256, key generated here) and served over
 * HTTP by publishBundles (ETag, If-None-Match); evaluated by the official OPA Wasm SDK.
 */
import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import {
  BundleVerificationError,
  buildBundle,
  compilePolicy,
  publishBundles,
  readBundle,
  writeBundleFiles,
  type BundleServer,
  type CompiledPolicy,
} from '@dynamic-capital/contracts-rego';
import type { PolicyPack } from '@dynamic-capital/contracts-model';
import { closeAssemblyScript } from '../../../rego/src/emit/asc';
import { GuardBundleError, policyInputEncoder, PolicyGuard, reasonCode, type GuardUpdate, type PolicyDecision, type PolicyGuardOptions } from '../../src';
import { waitFor } from '../kafka/helpers';
import { contractSchema } from '../serde/contracts';
import {
  compileTradingRisk,
  DECISION,
  PACK,
  packLimits,
  riskInput,
  routeIntent,
  rsaKeys,
  sha256,
  sign,
  tradingRiskBundle,
  tradingRiskPack,
  verification,
  type RsaKeys,
} from './helpers';

type Input = { intent: Record<string, unknown> } & Record<string, unknown>;

let pack: PolicyPack;
let compiled: CompiledPolicy;
let fixture: CompiledPolicy;
let keys: RsaKeys;
let otherKeys: RsaKeys;
let v1: Uint8Array;
let server: BundleServer;
const guards: { stop(): Promise<void> }[] = [];
const dirs: string[] = [];
const servers: Server[] = [];

const encodeInput = policyInputEncoder({ intent: contractSchema('order.intent.route.v1') });

/** A started guard, stopped in afterAll. */
async function start<I = Input>(options: Partial<PolicyGuardOptions<I>> & Pick<PolicyGuardOptions<I>, 'source'>): Promise<PolicyGuard<I>> {
  const guard = await PolicyGuard.start<I>({
    pack: PACK,
    entrypoint: DECISION,
    verification: verification(keys),
    encodeInput: encodeInput as (input: I) => string,
    // generous: the suites run in parallel on busy CI machines (the default, 5 ms, is tested below)
    timeoutMs: 1_000,
    ...options,
  });
  guards.push(guard);
  return guard;
}

/** Collects a guard's updates; `next(outcome)` waits for the next one with that outcome. */
function updates(): { list: GuardUpdate[]; onUpdate: (u: GuardUpdate) => void; next: (outcome: GuardUpdate['outcome']) => Promise<GuardUpdate> } {
  const list: GuardUpdate[] = [];
  return {
    list,
    onUpdate: (u) => void list.push(u),
    async next(outcome) {
      const from = list.length;
      await waitFor(() => list.slice(from).some((u) => u.outcome === outcome), 15_000, `a ${outcome} update`);
      return list.slice(from).find((u) => u.outcome === outcome) as GuardUpdate;
    },
  };
}

const input = (intent: Record<string, unknown> = {}, risk: Record<string, unknown> = {}): Input => ({ intent: routeIntent(intent), ...riskInput(risk) });

/** The bundle with one file's bytes replaced, keeping its (now stale) signature. */
async function tampered(bytes: Uint8Array, file: string, edit: (text: string) => string): Promise<Uint8Array> {
  const bundle = await readBundle(bytes);
  const files = new Map(bundle.files);
  files.set(file, new TextEncoder().encode(edit(new TextDecoder().decode(files.get(file)))));
  return writeBundleFiles(files);
}

beforeAll(async () => {
  pack = tradingRiskPack();
  keys = rsaKeys();
  otherKeys = rsaKeys();
  compiled = await compileTradingRisk(pack);
  // a second pack for what trading_risk_v1 never does: abort, answer a non-decision, be undefined
  fixture = await compilePolicy(
    [
      {
        path: 'guard_fixture.rego',
        text: [
          'package guard_fixture',
          '',
          'decision := {"allow": true, "reasons": []} if input.mode == "allow"',
          'decision := {"allow": "yes", "reasons": []} if input.mode == "malformed"',
          'decision := {"allow": false, "reasons": ["A: a"]} if input.mode == "conflict"',
          'decision := {"allow": true, "reasons": []} if input.mode == "conflict"',
          'decision := {"allow": false, "reasons": [sprintf("%v", [to_number(input.n)])]} if input.mode == "builtin"',
          '',
          'not_a_decision := "nope"',
          '',
        ].join('\n'),
      },
    ],
    { entrypoints: ['guard_fixture/decision', 'guard_fixture/not_a_decision'], strictBuiltinErrors: true },
  );
  v1 = await sign(await tradingRiskBundle(compiled, pack, { revision: '1.0.0' }), keys);
  server = await publishBundles({ bundles: { [PACK]: v1 } });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(guards.map((g) => g.stop()));
  await server?.close();
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await closeAssemblyScript();
});

describe('PolicyGuard.start', () => {
  it('requires verification keys unless allowUnsigned is set explicitly', async () => {
    const source = { bytes: v1 };
    await expect(PolicyGuard.start({ pack: PACK, entrypoint: DECISION, source })).rejects.toThrow(/verification .* is required; allowUnsigned: true skips it/);
    await expect(PolicyGuard.start({ pack: PACK, entrypoint: DECISION, source, allowUnsigned: false })).rejects.toThrow(TypeError);
    await expect(PolicyGuard.start({ pack: PACK, entrypoint: DECISION, source, verification: { keys: {} } })).rejects.toThrow(/keys is empty/);
    await expect(
      PolicyGuard.start({ pack: PACK, entrypoint: DECISION, source, verification: { keys: { k: 'not a key' }, algorithm: 'RS256' } }),
    ).rejects.toThrow(/unusable verification options/);
    await expect(PolicyGuard.start({ pack: PACK, entrypoint: 'trading_risk_v1.decision', source, allowUnsigned: true })).rejects.toThrow(/slash-separated/);
    const unsigned = await start({ source, verification: undefined, allowUnsigned: true });
    expect(unsigned.evaluate(input()).allow).toBe(true);
  });
});

describe('a bundle served over HTTP', () => {
  it('allows a valid intent and denies an over-limit one with the pack reason; the decision names the bundle', async () => {
    const metrics = new Registry();
    const guard = await start({ source: { url: server.urlOf(PACK) }, metrics });
    await guard.ready();
    const hash = sha256(v1);
    expect(guard.policyHash).toBe(hash);
    expect(server.get(PACK)?.etag).toBe(`"${hash}"`);
    expect(guard.revision).toBe('1.0.0');

    const allowed = guard.evaluate(input());
    expect(allowed).toMatchObject({
      allow: true,
      reasons: [],
      decision: { allow: true, reasons: [] },
      policyHash: hash,
      revision: '1.0.0',
      pack: PACK,
      failure: undefined,
    });

    // decimals reach the policy as numbers, digit for digit
    const over = guard.evaluate(input({ notional_usd: '300000.50000000' }));
    expect(over.allow).toBe(false);
    expect(over.reasons).toEqual(['MAX_NOTIONAL_EXCEEDED: notional_usd 300000.5 > max_order_notional_usd 250000']);
    expect(over.policyHash).toBe(hash);
    expect(over.failure).toBeUndefined();

    const several = guard.evaluate(input({ quantity: '8.00000000', venue: 'OTC' }, { halted: true }));
    expect(several.reasons.map(reasonCode)).toEqual(['POSITION_LIMIT_EXCEEDED', 'VENUE_NOT_ALLOWED', 'halted']);

    const text = await metrics.metrics();
    expect(text).toContain(`contracts_guard_decisions_total{pack="${PACK}",outcome="allow"} 1`);
    expect(text).toContain(`contracts_guard_decisions_total{pack="${PACK}",outcome="deny"} 2`);
    expect(text).toContain(`contracts_guard_bundle_updates_total{pack="${PACK}",outcome="activated"} 1`);
    expect(text).toContain(`contracts_guard_evaluation_seconds_count{pack="${PACK}"} 3`);
  });

  it('picks up a new signed revision without restart; rejects a tampered, an unsigned and a foreign-signed one and keeps deciding with the old', async () => {
    const name = 'revisions';
    await server.update(name, v1);
    const metrics = new Registry();
    const seen = updates();
    const guard = await start({ source: { url: server.urlOf(name) }, pollMs: 50, metrics, onUpdate: seen.onUpdate });
    await guard.ready();
    const order = input({ notional_usd: '130000.00000000' });
    expect(guard.evaluate(order).allow).toBe(true);

    // a new revision: the notional limit lowered in data.toml's [limits]
    const v2 = await sign(
      await tradingRiskBundle(compiled, pack, { revision: '1.0.1', limits: { ...packLimits(pack), max_order_notional_usd: 100000 } }),
      keys,
    );
    const activated = seen.next('activated');
    await server.update(name, v2);
    expect(await activated).toMatchObject({ outcome: 'activated', policyHash: sha256(v2), revision: '1.0.1', activeHash: sha256(v1) });
    const denied = guard.evaluate(order);
    expect(denied).toMatchObject({ allow: false, policyHash: sha256(v2), revision: '1.0.1' });
    expect(denied.reasons).toEqual(['MAX_NOTIONAL_EXCEEDED: notional_usd 130000 > max_order_notional_usd 100000']);

    // tampered: data.json edited after signing (the limit raised back)
    const bad = await tampered(v2, '/data.json', (t) => t.replace('100000', '900000'));
    let rejected = seen.next('rejected');
    await server.update(name, bad);
    const tamper = await rejected;
    expect(tamper).toMatchObject({ policyHash: sha256(bad), activeHash: sha256(v2) });
    expect(tamper.error).toBeInstanceOf(BundleVerificationError);
    expect((tamper.error as BundleVerificationError).code).toBe('tampered');
    expect(guard.evaluate(order)).toMatchObject({ allow: false, policyHash: sha256(v2), reasons: [expect.stringMatching(/^MAX_NOTIONAL_EXCEEDED/)] });

    // unsigned
    const unsigned = await tradingRiskBundle(compiled, pack, { revision: '1.0.2', limits: { ...packLimits(pack), max_order_notional_usd: 900000 } });
    rejected = seen.next('rejected');
    await server.update(name, unsigned);
    expect(((await rejected).error as BundleVerificationError).code).toBe('unsigned');

    // signed, but by a key the guard does not trust
    const foreign = await sign(unsigned, otherKeys);
    rejected = seen.next('rejected');
    await server.update(name, foreign);
    expect(((await rejected).error as BundleVerificationError).code).toBe('bad-signature');

    expect(guard.policyHash).toBe(sha256(v2));
    expect(guard.evaluate(order).allow).toBe(false);
    expect(guard.evaluate(input({ notional_usd: '90000.00000000' })).allow).toBe(true);

    // a rejected bundle is not fetched again (If-None-Match: its ETag -> 304): no repeated rejections
    const count = seen.list.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.list.length).toBe(count);
    const text = await metrics.metrics();
    expect(text).toContain(`contracts_guard_bundle_updates_total{pack="${PACK}",outcome="activated"} 2`);
    expect(text).toContain(`contracts_guard_bundle_updates_total{pack="${PACK}",outcome="rejected"} 3`);
  });

  it('fails closed with GUARD_NO_POLICY until a first bundle can be loaded, then becomes ready', async () => {
    const name = 'late';
    const seen = updates();
    const guard = await start({ source: { url: server.urlOf(name) }, pollMs: 50, onUpdate: seen.onUpdate });
    const none = guard.evaluate(input());
    expect(none).toMatchObject({ allow: false, failure: 'GUARD_NO_POLICY', policyHash: undefined, decision: undefined });
    expect(none.reasons).toEqual([
      expect.stringMatching(/^GUARD_NO_POLICY: cannot read the bundle from http:\/\/127\.0\.0\.1:\d+\/bundles\/late\.tar\.gz: .*HTTP 404/),
    ]);
    expect(seen.list[0]?.outcome).toBe('fetch_failed');

    // first bundle unsigned: rejected, still no policy
    const rejected = seen.next('rejected');
    await server.update(name, await tradingRiskBundle(compiled, pack, { revision: 'unsigned' }));
    await rejected;
    expect(guard.evaluate(input()).reasons).toEqual([
      expect.stringMatching(/^GUARD_NO_POLICY: bundle [0-9a-f]{12} from .* was rejected: .*no \/\.signatures\.json/),
    ]);

    const ready = guard.ready();
    await server.update(name, v1);
    await ready;
    expect(guard.evaluate(input())).toMatchObject({ allow: true, policyHash: sha256(v1) });
  });

  it('sends the bearer token and If-None-Match; keeps the bundle when the server fails', async () => {
    const requests: { auth: string | undefined; ifNoneMatch: string | undefined; status: number }[] = [];
    let failing = false;
    const etag = `"${sha256(v1)}"`;
    const http = createServer((req, res) => {
      const entry = { auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'], status: 200 };
      requests.push(entry);
      if (req.headers.authorization !== 'Bearer s3cret') entry.status = 401;
      else if (failing) entry.status = 503;
      else if (req.headers['if-none-match'] === etag) entry.status = 304;
      if (entry.status !== 200) return void res.writeHead(entry.status, { ETag: etag }).end(entry.status === 304 ? undefined : 'no');
      res.writeHead(200, { ETag: etag, 'Content-Type': 'application/gzip' }).end(v1);
    });
    servers.push(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/bundles/${PACK}.tar.gz`;

    const anonymous = await start({ source: { url }, pollMs: 60_000 });
    expect(anonymous.evaluate(input()).reasons).toEqual([expect.stringMatching(/^GUARD_NO_POLICY: .*HTTP 401 no$/)]);
    await anonymous.stop();

    const seen = updates();
    const guard = await start({ source: { url, token: 's3cret' }, pollMs: 40, onUpdate: seen.onUpdate });
    expect(guard.policyHash).toBe(sha256(v1));
    await waitFor(() => requests.filter((r) => r.status === 304).length >= 2, 5_000, 'two 304 answers');
    const withToken = requests.filter((r) => r.auth === 'Bearer s3cret');
    expect(withToken[0]).toMatchObject({ ifNoneMatch: undefined, status: 200 });
    expect(withToken.slice(1).every((r) => r.ifNoneMatch === etag && r.status === 304)).toBe(true);
    expect(seen.list.map((u) => u.outcome)).toEqual(['activated']);

    failing = true;
    const failed = await seen.next('fetch_failed');
    expect(failed).toMatchObject({ activeHash: sha256(v1), source: url });
    expect(failed.error?.message).toMatch(/HTTP 503/);
    expect(failed.error?.message).not.toContain('s3cret');
    expect(guard.evaluate(input())).toMatchObject({ allow: true, policyHash: sha256(v1) });
    failing = false;
    await guard.stop();
    expect(guard.status()).toMatchObject({ stopped: true, active: true, policyHash: sha256(v1) });
  });
});

describe('a bundle file', () => {
  it('is polled by mtime and hash: a replaced file is picked up, a touch is not an update, a broken file is rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-file-'));
    dirs.push(dir);
    const file = join(dir, 'bundle.tar.gz');
    const replace = (bytes: Uint8Array): void => {
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
    };
    replace(v1);
    const seen = updates();
    const guard = await start({ source: { file }, pollMs: 40, onUpdate: seen.onUpdate });
    expect(guard.policyHash).toBe(sha256(v1));
    expect(seen.list.map((u) => u.outcome)).toEqual(['activated']);

    const v3 = await sign(await tradingRiskBundle(compiled, pack, { revision: '1.1.0', limits: { ...packLimits(pack), allowed_symbols: ['ETH-USDT'] } }), keys);
    const activated = seen.next('activated');
    replace(v3);
    expect(await activated).toMatchObject({ policyHash: sha256(v3), revision: '1.1.0' });
    expect(guard.evaluate(input()).reasons).toEqual(['SYMBOL_NOT_ALLOWED: symbol BTC-USDT is not in allowed_symbols']);

    const count = seen.list.length;
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.list.length).toBe(count);

    const rejected = seen.next('rejected');
    writeFileSync(file, 'not a bundle');
    expect((await rejected).error).toBeInstanceOf(BundleVerificationError);
    expect(guard.evaluate(input())).toMatchObject({ allow: false, policyHash: sha256(v3), reasons: [expect.stringMatching(/^SYMBOL_NOT_ALLOWED/)] });

    const failed = seen.next('fetch_failed');
    rmSync(file);
    expect((await failed).error?.message).toMatch(/ENOENT/);
    expect(guard.evaluate(input()).policyHash).toBe(sha256(v3));
  });
});

describe('bundle checks beyond the signature', () => {
  it('rejects a bundle whose manifest does not map the entrypoint', async () => {
    const bytes = await sign(await tradingRiskBundle(compiled, pack, { revision: 'x', entrypoints: ['trading_risk_v1/allow'] }), keys);
    const seen = updates();
    const guard = await start({ source: { bytes }, onUpdate: seen.onUpdate });
    expect(seen.list[0]?.outcome).toBe('rejected');
    expect(seen.list[0]?.error).toBeInstanceOf(GuardBundleError);
    expect(guard.evaluate(input()).reasons).toEqual([
      expect.stringMatching(/^GUARD_NO_POLICY: .*the manifest maps no Wasm module to entrypoint trading_risk_v1\/decision \(it maps: trading_risk_v1\/allow\)/),
    ]);
    await expect(Promise.race([guard.ready().then(() => 'ready'), new Promise((r) => setTimeout(() => r('waiting'), 100))])).resolves.toBe('waiting');
    const stopped = guard.ready();
    await guard.stop();
    await expect(stopped).rejects.toThrow(/stopped before a bundle was activated/);
  });

  it('rejects a bundle whose entrypoint answers a non-decision on the smoke evaluation', async () => {
    const bytes = await sign(await buildBundle({ wasm: fixture.wasm, entrypoints: fixture.entrypoints, roots: ['guard_fixture'], revision: 'fixture' }), keys);
    const seen = updates();
    const guard = await start({ source: { bytes }, pack: 'guard_fixture', entrypoint: 'guard_fixture/not_a_decision', onUpdate: seen.onUpdate });
    expect(guard.policyHash).toBeUndefined();
    expect(seen.list[0]?.error?.message).toBe(
      'smoke evaluation of guard_fixture/not_a_decision on input {} returned "nope", not a decision {allow: boolean, reasons: string[]}',
    );
  });
});

describe('evaluation fails closed', () => {
  let fixtureBundle: Uint8Array;
  beforeAll(async () => {
    fixtureBundle = await sign(
      await buildBundle({ wasm: fixture.wasm, entrypoints: fixture.entrypoints, roots: ['guard_fixture'], revision: 'fixture' }),
      keys,
    );
  });
  const fixtureGuard = (options: Partial<PolicyGuardOptions<Record<string, unknown>>> = {}): Promise<PolicyGuard<Record<string, unknown>>> =>
    start<Record<string, unknown>>({
      source: { bytes: fixtureBundle },
      pack: 'guard_fixture',
      entrypoint: 'guard_fixture/decision',
      encodeInput: (i) => JSON.stringify(i),
      ...options,
    });

  it('denies with GUARD_ERROR when evaluation aborts, and keeps working afterwards', async () => {
    const metrics = new Registry();
    const guard = await fixtureGuard({ metrics });
    expect(guard.evaluate({ mode: 'allow' }).allow).toBe(true);
    const conflict = guard.evaluate({ mode: 'conflict' });
    expect(conflict).toMatchObject({ allow: false, failure: 'GUARD_ERROR', decision: undefined, policyHash: sha256(fixtureBundle) });
    expect(conflict.reasons).toEqual([
      'GUARD_ERROR: evaluation of guard_fixture/decision failed: eval_conflict_error: complete rules must not produce multiple outputs',
    ]);
    expect(guard.evaluate({ mode: 'builtin', n: 'abc' }).reasons).toEqual([expect.stringMatching(/^GUARD_ERROR: .*eval_builtin_error: to_number/)]);
    expect(guard.evaluate({ mode: 'allow', big: 10n } as Record<string, unknown>)).toMatchObject({
      allow: false,
      failure: 'GUARD_ERROR',
      reasons: ['GUARD_ERROR: the input cannot be written as JSON: Do not know how to serialize a BigInt'],
    });
    expect(guard.evaluate({ mode: 'allow' }).allow).toBe(true);
    expect(await metrics.metrics()).toContain('contracts_guard_decisions_total{pack="guard_fixture",outcome="error"} 3');
  });

  it('denies with GUARD_BAD_DECISION on an undefined or malformed decision', async () => {
    const guard = await fixtureGuard();
    expect(guard.evaluate({ mode: 'none' })).toMatchObject({
      allow: false,
      failure: 'GUARD_BAD_DECISION',
      reasons: ['GUARD_BAD_DECISION: guard_fixture/decision: the entrypoint is undefined for this input'],
    });
    expect(guard.evaluate({ mode: 'malformed' })).toMatchObject({
      allow: false,
      failure: 'GUARD_BAD_DECISION',
      reasons: ['GUARD_BAD_DECISION: guard_fixture/decision returned {"allow":"yes","reasons":[]}, not a decision {allow: boolean, reasons: string[]}'],
    });
    // a custom decision check that throws is a bad decision too, never an exception out of evaluate
    const throwing = await fixtureGuard({
      isDecision: (value: unknown): value is PolicyDecision => {
        throw new Error(`cannot check ${JSON.stringify(value)}`);
      },
    });
    expect(throwing.evaluate({ mode: 'allow' })).toMatchObject({
      allow: false,
      failure: 'GUARD_BAD_DECISION',
      reasons: ['GUARD_BAD_DECISION: checking the decision of guard_fixture/decision failed: cannot check {"allow":true,"reasons":[]}'],
    });
  });

  it('denies with GUARD_TIMEOUT when evaluation takes longer than timeoutMs (measured after the fact)', async () => {
    const tiny = await start({ source: { bytes: v1 }, timeoutMs: 1e-9 });
    const late = tiny.evaluate(input());
    expect(late).toMatchObject({ allow: false, failure: 'GUARD_TIMEOUT', decision: undefined, policyHash: sha256(v1) });
    expect(late.reasons).toEqual([
      expect.stringMatching(/^GUARD_TIMEOUT: evaluation of trading_risk_v1\/decision took \d+\.\d{3} ms, more than timeoutMs 1e-9$/),
    ]);

    let now = 0;
    const slow = await start({ source: { bytes: v1 }, timeoutMs: 5, monotonic: () => (now += 3) });
    // start -> 3, end -> 6: 3 ms, within 5
    expect(slow.evaluate(input()).allow).toBe(true);
    // the default timeoutMs is 5
    const stepping = await start({ source: { bytes: v1 }, timeoutMs: undefined, monotonic: () => (now += 6) });
    expect(stepping.evaluate(input())).toMatchObject({
      allow: false,
      failure: 'GUARD_TIMEOUT',
      reasons: ['GUARD_TIMEOUT: evaluation of trading_risk_v1/decision took 6.000 ms, more than timeoutMs 5'],
    });
  });
});
