/**
 * Reliability of `contracts registry serve` through real processes: SIGKILL under load on the
 * embedded database, and concurrent writers (one server, and two servers on one PostgreSQL).
 */
import { freshDatabase, registerHttp, startServe, tempDir, type ServerProcess } from './registry-helpers';

const record = (n: number): string =>
  JSON.stringify({ type: 'record', name: `R${n}`, namespace: 'dynamic_capital.reliability.v1', fields: [{ name: 'f', type: 'long' }] });

interface Ack {
  subject: string;
  schema: string;
  id: number;
}

async function versionsOf(url: string, subject: string): Promise<{ version: number; id: number; schema: string }[]> {
  const versions = (await (await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as number[];
  const out = [];
  for (const v of versions)
    out.push((await (await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions/${v}`)).json()) as { version: number; id: number; schema: string });
  return out;
}

describe('kill -9 under load (embedded database)', () => {
  it('every acknowledged registration survives SIGKILL with the same id, version and text', async () => {
    const data = tempDir('contracts-registry-kill-');
    let server: ServerProcess = await startServe(['--data', data]);
    const acks: Ack[] = [];
    let stop = false;
    // Two writers loop until the kill; each subject gets one schema so the version is always 1.
    const writer = async (w: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const subject = `kill.w${w}.s${n}-value`;
        const schema = record(w * 100000 + n);
        try {
          acks.push({ subject, schema, id: await registerHttp(server.url, subject, schema) });
        } catch {
          return; // the server is gone: this request was never acknowledged
        }
      }
    };
    const writers = [writer(1), writer(2)];
    while (acks.length < 60) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(acks.length).toBeGreaterThanOrEqual(60);

    server = await startServe(['--data', data]);
    try {
      for (const ack of acks) {
        const versions = await versionsOf(server.url, ack.subject);
        expect(versions).toHaveLength(1);
        expect(versions[0]).toMatchObject({ version: 1, id: ack.id });
        expect(JSON.parse(versions[0]?.schema ?? 'null')).toEqual(JSON.parse(ack.schema));
      }
      const ids = new Set(acks.map((a) => a.id));
      expect(ids.size).toBe(acks.length);
    } finally {
      await server.stop();
    }
  });
});

/** 50 clients register overlapping schemas into overlapping subjects across `urls`; then check the invariants. */
async function concurrentWriters(urls: readonly string[]): Promise<void> {
  const SUBJECTS = 5;
  const SCHEMAS = 8;
  // Schema k is compatible with every other (no fields removed or added without default), so all succeed.
  const schemas = Array.from({ length: SCHEMAS }, (_, k) =>
    JSON.stringify({
      type: 'record',
      name: 'Shared',
      namespace: 'dynamic_capital.concurrency.v1',
      fields: [{ name: 'id', type: 'string' }, ...Array.from({ length: k }, (_, j) => ({ name: `extra_${j}`, type: 'long', default: 0 }))],
    }),
  );
  await fetch(`${urls[0]}/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ compatibility: 'NONE' }) });
  const results: { subject: string; schema: number; id: number }[] = [];
  await Promise.all(
    Array.from({ length: 50 }, async (_, client) => {
      const url = urls[client % urls.length] as string;
      for (let i = 0; i < 6; i++) {
        const subject = `concurrency.s${(client + i) % SUBJECTS}-value`;
        const schema = (client * 7 + i * 3) % SCHEMAS;
        results.push({ subject, schema, id: await registerHttp(url, subject, schemas[schema] as string) });
      }
    }),
  );
  // Equal schemas have one id, wherever and by whichever server they were registered.
  const idOf = new Map<number, number>();
  for (const r of results) {
    const known = idOf.get(r.schema);
    if (known === undefined) idOf.set(r.schema, r.id);
    else expect(r.id).toBe(known);
  }
  expect(new Set(idOf.values()).size).toBe(idOf.size);
  // Per subject: versions 1..n, no gaps or repeats, one version per distinct schema, each registered id present.
  for (let s = 0; s < SUBJECTS; s++) {
    const subject = `concurrency.s${s}-value`;
    const versions = await versionsOf(urls[0] as string, subject);
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
    const registered = new Set(results.filter((r) => r.subject === subject).map((r) => r.id));
    expect(new Set(versions.map((v) => v.id))).toEqual(registered);
    expect(versions.length).toBe(registered.size);
  }
}

describe('50 concurrent clients', () => {
  it('one server, embedded database', async () => {
    const server = await startServe(['--data', tempDir('contracts-registry-conc-')]);
    try {
      await concurrentWriters([server.url]);
    } finally {
      await server.stop();
    }
  });

  it('two server processes on one PostgreSQL database', async () => {
    const db = await freshDatabase();
    const a = await startServe(['--database', db.url]);
    const b = await startServe(['--database', db.url]);
    try {
      await concurrentWriters([a.url, b.url]);
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });
});
