/**
 * Registry throughput and cold start. Each server runs in its own process; autocannon runs here.
 * Baseline: a bare node:http server answering a constant JSON body, measured in the same run.
 * Targets: ratio >= 0.5 for GET /schemas/ids/{id} and POST /subjects/{s} (lookup); cold start with an
 * existing data directory < 1 s (process spawn to first answer).
 * Run: npx tsx bench/registry.ts [--write]
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'contracts');
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 8);
const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Fill',
  namespace: 'dynamic_capital.bench.v1',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'qty', type: 'long' },
  ],
});

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in 30 s: ${out}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

async function startRegistry(data: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(BIN, ['registry', 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /listening on (http:\/\/\S+)/);
  return { url: m[1] as string, child };
}

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const code = `const http=require('http');const body=JSON.stringify({schema:${JSON.stringify(SCHEMA)}});http.createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/vnd.schemaregistry.v1+json'});s.end(body)})}).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /listening on (http:\/\/\S+)/);
  return { url: m[1] as string, child };
}

async function rps(url: string, method: 'GET' | 'POST', pathname: string, body?: string): Promise<number> {
  const result = await autocannon({
    url: url + pathname,
    method,
    connections: 32,
    duration: DURATION,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    ...(body ? { body } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${method} ${pathname}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-registry-'));
  let registry = await startRegistry(data);
  const registered = (await (
    await fetch(`${registry.url}/subjects/bench-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: SCHEMA }),
    })
  ).json()) as { id: number };
  const lookupBody = JSON.stringify({ schema: SCHEMA });
  const bare = await startBare();
  await rps(registry.url, 'GET', `/schemas/ids/${registered.id}`); // warm-up
  const byId = await rps(registry.url, 'GET', `/schemas/ids/${registered.id}`);
  const lookup = await rps(registry.url, 'POST', '/subjects/bench-value', lookupBody);
  const bareGet = await rps(bare.url, 'GET', '/schemas/ids/1');
  const barePost = await rps(bare.url, 'POST', '/subjects/bench-value', lookupBody);
  bare.child.kill();

  // Cold start with the existing data directory: spawn to first answer.
  registry.child.kill('SIGTERM');
  await new Promise((r) => registry.child.once('exit', r));
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    registry = await startRegistry(data);
    const response = await fetch(`${registry.url}/schemas/ids/${registered.id}`);
    if (!response.ok) throw new Error('cold start: no answer');
    starts.push(performance.now() - t0);
    registry.child.kill('SIGTERM');
    await new Promise((r) => registry.child.once('exit', r));
  }
  const coldStart = [...starts].sort((a, b) => a - b)[2] as number;

  const table = [
    '| measure | registry | bare node:http | ratio | target |',
    '| --- | ---: | ---: | ---: | --- |',
    `| GET /schemas/ids/{id} (req/s) | ${byId.toFixed(0)} | ${bareGet.toFixed(0)} | ${(byId / bareGet).toFixed(2)} | >= 0.5 ${byId / bareGet >= 0.5 ? 'met' : 'MISSED'} |`,
    `| POST /subjects/{s} lookup (req/s) | ${lookup.toFixed(0)} | ${barePost.toFixed(0)} | ${(lookup / barePost).toFixed(2)} | >= 0.5 ${lookup / barePost >= 0.5 ? 'met' : 'MISSED'} |`,
    `| cold start, existing data dir (ms, median of 5) | ${coldStart.toFixed(0)} | | | < 1000 ${coldStart < 1000 ? 'met' : 'MISSED'} |`,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    fs.writeFileSync(
      path.join(__dirname, 'registry.results.md'),
      `# registry throughput and cold start\n\nRecorded ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npx tsx bench/registry.ts --write\` (autocannon, 32 connections, ${DURATION} s per measure; each server in its own process, embedded database).\n\n${table}\n`,
    );
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
