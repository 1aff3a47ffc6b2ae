// Worker thread running the AssemblyScript compiler (ESM-only) for src/emit/asc.ts.
// workerData: { runtimeDir }. Messages in: { id, policy, files, args }; out: { id, wasm } or
// { id, error }. Compiles one request at a time, entirely in memory: the runtime sources
// (read once) plus the given policy.ts and extra files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const runtime = new Map();
for (const name of readdirSync(workerData.runtimeDir)) {
  if (name.endsWith('.ts')) runtime.set(name, readFileSync(join(workerData.runtimeDir, name), 'utf8'));
}

let ascPromise = null;
function loadAsc() {
  ascPromise ??= import('assemblyscript/asc').then((m) => m.default ?? m);
  return ascPromise;
}

async function compile(msg) {
  const asc = await loadAsc();
  const files = new Map(runtime);
  files.set('policy.ts', msg.policy);
  for (const [name, text] of Object.entries(msg.files ?? {})) files.set(name, text);
  const outputs = new Map();
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const normalize = (name) => posix.normalize(name.replace(/\\/g, '/')).replace(/^\.\//, '');
  const result = await asc.main(msg.args, {
    stdout,
    stderr,
    readFile: (name) => files.get(normalize(name)) ?? null,
    writeFile: (name, contents) => {
      outputs.set(normalize(name), contents);
    },
    listFiles: () => [],
  });
  if (result.error) {
    const text = stderr.toString().trim();
    throw new Error(text ? `${text}\n${result.error.message}` : result.error.message);
  }
  const wasm = outputs.get('policy.wasm');
  if (!(wasm instanceof Uint8Array)) throw new Error('asc produced no output');
  return { wasm, wat: outputs.get('policy.wat') };
}

let queue = Promise.resolve();
parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      const { wasm, wat } = await compile(msg);
      const copy = new Uint8Array(wasm);
      parentPort.postMessage({ id: msg.id, wasm: copy, wat: typeof wat === 'string' ? wat : undefined }, [copy.buffer]);
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
