import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider, type DialectName } from './migrations.js';
import type { Database } from './schema.js';
import { ConcurrentUpdateError, StoreUnavailableError } from './store.js';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteDialectWithCache } from './sqlite-dialect.js';

export interface OpenStoreOptions {
  /** `postgres://...` for PostgreSQL; otherwise SQLite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** PostgreSQL pool size per process. */
  readonly poolSize?: number;
}

export function dialectOf(databaseUrl: string | undefined): DialectName {
  return databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export function sqlitePath(dataDir: string, databaseUrl?: string): string {
  if (databaseUrl?.startsWith('sqlite:')) return databaseUrl.slice('sqlite:'.length);
  return join(dataDir, 'reji.sqlite');
}

// PostgreSQL SQLSTATE classes that mean "could not talk to the database" rather than "bad query".
const PG_UNAVAILABLE = /^(08|53|57P0[1-3])/;
const PG_RETRY = new Set(['40001', '40P01']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function classifyPostgresError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError) return error;
  const e = error as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  if (PG_RETRY.has(code)) return new ConcurrentUpdateError('row', `(${code})`);
  if (PG_UNAVAILABLE.test(code) || NETWORK.has(code)) return new StoreUnavailableError(error);
  if (e?.message && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i.test(e.message)) {
    return new StoreUnavailableError(error);
  }
  return error;
}

export function classifySqliteError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_IOERR' || code === 'SQLITE_FULL') return new StoreUnavailableError(error);
  return error;
}

/** Opens the store and brings its schema up to date (safe when several processes start at once). */
export async function openStore(options: OpenStoreOptions): Promise<KyselyStore> {
  const dialect = dialectOf(options.databaseUrl);
  let store: KyselyStore;
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // int8 (our epoch-millisecond columns) as numbers; they stay far below 2^53.
      types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) } as never,
    });
    // An idle client that loses its connection must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = new KyselyStore({ db, dialect, classifyError: classifyPostgresError });
  } else {
    const path = sqlitePath(options.dataDir, options.databaseUrl);
    if (path !== ':memory:') mkdirSync(options.dataDir, { recursive: true });
    const file = new BetterSqlite3(path);
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = NORMAL');
    file.pragma('busy_timeout = 5000');
    file.pragma('foreign_keys = ON');
    const checkpointer = path === ':memory:' ? undefined : startSqliteCheckpointer(path, 50, () => {
      if (file.open) file.pragma('wal_autocheckpoint = 1000');
    });
    // The worker does the copying; a commit still checkpoints (what is left) every 10000 pages, so the log starts over.
    if (checkpointer) file.pragma('wal_autocheckpoint = 10000');
    const db = new Kysely<Database>({ dialect: new SqliteDialectWithCache(file) });
    store = new KyselyStore({ db, dialect, classifyError: classifySqliteError, onClose: () => checkpointer?.stop() ?? Promise.resolve() });
  }
  await migrate(store.kysely, dialect);
  return store;
}

async function migrate(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
