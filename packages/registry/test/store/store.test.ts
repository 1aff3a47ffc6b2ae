/**
 * The storage layer: the embedded data directory (durability across close/reopen and kill -9, the single-process
 * lock) and concurrent registrations (one process, and two service instances with their own pools on one database).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createRegistryService, type RegistryService } from '../../src/service';
import { openEmbeddedStore, openPostgresStore, StoreError, type SqlStore } from '../../src/store';
import { avroRecord, createTestDatabase, tempDir, type TestDatabase } from './helpers';

const REPO_ROOT = resolve(__dirname, '../../../..');

describe('embedded store', () => {
  it('keeps registrations across close and reopen, and ids continue', async () => {
    const dir = tempDir();
    try {
      let started = Date.now();
      const first = createRegistryService(await openEmbeddedStore(dir.path));
      const openNew = Date.now() - started;
      const a = await first.register('durable', { schema: avroRecord('A', [['a', 'int']]) });
      await first.setConfig('durable', 'FULL');
      await first.close();

      started = Date.now();
      const second = createRegistryService(await openEmbeddedStore(dir.path));
      const openExisting = Date.now() - started;
      expect(await second.getVersion('durable', 1)).toMatchObject({ id: a.id, version: 1 });
      expect(await second.getConfig('durable')).toEqual({ compatibilityLevel: 'FULL' });
      expect(
        (
          await second.register('durable', {
            schema: avroRecord('A', [
              ['a', 'int'],
              ['b', 'int', 0],
            ]),
          })
        ).id,
      ).toBe(a.id + 1);
      await second.close();
      console.log(`embedded store open: new data directory ${openNew} ms, existing ${openExisting} ms`);
    } finally {
      dir.remove();
    }
  });

  it('refuses a data directory another live process holds, and takes over a dead one', async () => {
    const dir = tempDir();
    try {
      const store = await openEmbeddedStore(dir.path);
      await expect(openEmbeddedStore(dir.path)).rejects.toThrow(StoreError);
      await expect(openEmbeddedStore(dir.path)).rejects.toThrow(/is in use by this process/);
      await store.close();
      expect(existsSync(join(dir.path, 'registry.lock'))).toBe(false);

      // a live foreign process (our parent shell's pid is alive) holds it
      writeFileSync(join(dir.path, 'registry.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'x' }));
      await expect(openEmbeddedStore(dir.path)).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));

      // a dead process's lock is taken over
      writeFileSync(join(dir.path, 'registry.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: 'x' }));
      const again = await openEmbeddedStore(dir.path);
      expect(JSON.parse(readFileSync(join(dir.path, 'registry.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
      await again.close();
    } finally {
      dir.remove();
    }
  });

  it('keeps every acknowledged registration when the process is killed with SIGKILL', async () => {
    const dir = tempDir();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'register-until-killed.ts'), dir.path], {
        cwd: REPO_ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.test.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, signal) => resolveExit(signal)));
      const acked: { subject: string; schema: string; id: number; version: number }[] = [];
      const lines = createInterface({ input: child.stdout });
      await new Promise<void>((done, fail) => {
        lines.on('line', (line) => {
          const message = JSON.parse(line) as { ready?: boolean; subject: string; schema: string; id: number; version: number };
          if (message.ready === true) return;
          acked.push(message);
          if (acked.length === 25) {
            child.kill('SIGKILL');
            done();
          }
        });
        void exited.then(() => fail(new Error(`the child exited before 25 registrations: ${stderr}`)));
      });
      expect(await exited).toBe('SIGKILL');

      const registry = createRegistryService(await openEmbeddedStore(dir.path));
      try {
        for (const ack of acked) {
          expect(await registry.getVersion(ack.subject, ack.version)).toMatchObject({ id: ack.id, schema: ack.schema });
        }
        // and the registry goes on where the killed process stopped
        const next = await registry.register('killed-0', { schema: avroRecord('AfterKill', [['f', 'int']]) });
        expect(next.id).toBeGreaterThan(Math.max(...acked.map((a) => a.id)));
      } finally {
        await registry.close();
      }
    } finally {
      dir.remove();
    }
  }, 120_000);
});

describe('postgres store', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reports an unreachable server clearly', async () => {
    await expect(openPostgresStore('postgres://postgres:secret@127.0.0.1:1/none', { connectionTimeoutMs: 2000 })).rejects.toThrow(
      /Cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });

  it('migrates idempotently, also when processes open the database at once', async () => {
    const stores = await Promise.all([openPostgresStore(db.url), openPostgresStore(db.url), openPostgresStore(db.url)]);
    const again = await openPostgresStore(db.url);
    const rows = await again.query<{ version: number }>('SELECT version FROM registry_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1]);
    await Promise.all([...stores, again].map((s) => s.close()));
  });
});

/** A deterministic pseudo-random sequence (LCG). */
function* random(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    yield state / 2147483648;
  }
}

interface Job {
  readonly subject: string;
  readonly schema: number;
}

/** 50 registrations of 10 schemas into 4 subjects: the same schema in several subjects, the same pair repeated. */
function jobs(): Job[] {
  const rnd = random(42);
  const next = (n: number): number => Math.floor((rnd.next().value as number) * n);
  const list = Array.from({ length: 40 }, () => ({ subject: `c-${next(4)}`, schema: next(10) }));
  return [...list, ...list.slice(0, 10)];
}

const SCHEMAS = Array.from({ length: 10 }, (_, k) => avroRecord(`Concurrent${k}`, [['f', 'int']]));

async function hammer(services: readonly RegistryService[]): Promise<void> {
  await services[0]?.setConfig(undefined, 'NONE');
  const list = jobs();
  const results = await Promise.all(
    list.map((job, i) => (services[i % services.length] as RegistryService).register(job.subject, { schema: SCHEMAS[job.schema] as string })),
  );
  const reader = services[0] as RegistryService;

  // one id per schema, distinct schemas distinct ids
  const idOf = new Map<number, number>();
  list.forEach((job, i) => {
    const id = (results[i] as { id: number }).id;
    expect(idOf.get(job.schema) ?? id).toBe(id);
    idOf.set(job.schema, id);
  });
  expect(new Set(idOf.values()).size).toBe(idOf.size);

  // per subject: versions 1..n, each schema once, matching what each registration was told
  const subjects = [...new Set(list.map((j) => j.subject))].sort();
  expect(await reader.listSubjects()).toEqual(subjects);
  for (const subject of subjects) {
    const expected = new Set(list.filter((j) => j.subject === subject).map((j) => idOf.get(j.schema)));
    const versions = await reader.listVersions(subject);
    expect(versions).toEqual(Array.from({ length: expected.size }, (_, k) => k + 1));
    const ids = await Promise.all(versions.map(async (v) => (await reader.getVersion(subject, v)).id));
    expect(new Set(ids)).toEqual(expected);
    expect(ids.length).toBe(expected.size);
  }
  for (const [i, job] of list.entries()) {
    const result = results[i] as { id: number; version: number };
    expect((await reader.getVersion(job.subject, result.version)).id).toBe(result.id);
  }
}

async function count(store: SqlStore, table: string): Promise<number> {
  const rows = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

describe('concurrent registrations', () => {
  it('embedded: 50 at once, overlapping schemas and subjects', async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir.path);
    const registry = createRegistryService(store, { closeStore: false });
    try {
      await hammer([registry]);
      expect(await count(store, 'schemas')).toBe(new Set(jobs().map((j) => j.schema)).size);
    } finally {
      await store.close();
      dir.remove();
    }
  });

  describe('postgres', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await db?.drop();
    });

    it('one service: 50 at once on one pool', async () => {
      const store = await openPostgresStore(db.url);
      try {
        await hammer([createRegistryService(store, { closeStore: false })]);
        expect(await count(store, 'schemas')).toBe(new Set(jobs().map((j) => j.schema)).size);
      } finally {
        await store.close();
      }
    });

    it('two services with their own pools on one database: 50 at once, interleaved', async () => {
      const one = await openPostgresStore(db.url, { maxConnections: 5 });
      const two = await openPostgresStore(db.url, { maxConnections: 5 });
      try {
        await hammer([createRegistryService(one, { closeStore: false }), createRegistryService(two, { closeStore: false })]);
        expect(await count(one, 'schemas')).toBe(new Set(jobs().map((j) => j.schema)).size);
        const pairs = new Set(jobs().map((j) => `${j.subject}/${j.schema}`)).size;
        expect(await count(two, 'subject_versions')).toBe(pairs);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });
  });
});
