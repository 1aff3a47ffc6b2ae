export { EmbeddedQueryError, openEmbeddedStore, type EmbeddedStoreOptions } from './embedded';
export { openPostgresStore, redactUrl, type PostgresStoreOptions } from './postgres';
export { MIGRATIONS, WRITE_LOCK_KEY, migrate } from './migrations';
export { StoreError, type Queryable, type Row, type SqlParam, type SqlStore } from './types';
