/** The two drivers behave alike: the same SQL, transactions that commit or roll back as a whole. */
import type { SqlStore } from '../../src/store';
import { createBackend, type Backend } from './helpers';

describe.each(['embedded', 'postgres'] as const)('%s driver', (kind) => {
  let backend: Backend;
  let store: SqlStore;

  beforeAll(async () => {
    backend = await createBackend(kind);
    store = await backend.open();
    await store.query('CREATE TABLE t (id serial PRIMARY KEY, name text UNIQUE NOT NULL, doc jsonb, flag boolean)');
  });

  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  beforeEach(async () => {
    await store.query('TRUNCATE t RESTART IDENTITY');
  });

  it('reads back what it wrote, types alike on both drivers', async () => {
    await store.query('INSERT INTO t (name, doc, flag) VALUES ($1, $2::jsonb, $3)', ['a', JSON.stringify({ x: [1, 'two'] }), true]);
    const rows = await store.query<{ id: number; name: string; doc: string; flag: boolean; n: number }>(
      'SELECT id, name, doc::text AS doc, flag, count(*) OVER ()::int AS n FROM t',
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] as { id: number; name: string; doc: string; flag: boolean; n: number };
    expect({ ...row, doc: JSON.parse(row.doc) as unknown }).toEqual({ id: 1, name: 'a', doc: { x: [1, 'two'] }, flag: true, n: 1 });
  });

  it('commits a transaction as a whole', async () => {
    const result = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO t (name) VALUES ($1)', ['a']);
      await tx.query('INSERT INTO t (name) VALUES ($1)', ['b']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.query('SELECT name FROM t ORDER BY name')).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('rolls back when the function throws', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO t (name) VALUES ($1)', ['a']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await store.query('SELECT name FROM t')).toEqual([]);
  });

  it('does not report a commit when a failed statement was caught inside the transaction', async () => {
    await store.query('INSERT INTO t (name) VALUES ($1)', ['taken']);
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO t (name) VALUES ($1)', ['new']);
        await tx.query('INSERT INTO t (name) VALUES ($1)', ['taken']).catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await store.query('SELECT name FROM t')).toEqual([{ name: 'taken' }]);
  });

  it('keeps statements outside a transaction out of it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = store.transaction(async (tx) => {
      await tx.query('INSERT INTO t (name) VALUES ($1)', ['inside']);
      await gate;
      throw new Error('roll back');
    });
    const outside = store.query('INSERT INTO t (name) VALUES ($1)', ['outside']);
    release();
    await expect(running).rejects.toThrow('roll back');
    await outside;
    expect(await store.query('SELECT name FROM t')).toEqual([{ name: 'outside' }]);
  });
});
