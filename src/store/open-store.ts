import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider, type DialectName } from './migrations.js';
import type { Database } from './schema.js';
import { ConcurrentUpdateError, StoreUnavailableError } from './store.js';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteDialectWithCache } from './sqlite-dialect.js';

/** pg is loaded only for PostgreSQL: on SQLite its start-up (which also loads Node's fetch) is wasted. */
const postgres = () => import('./postgres.js');
const postgresListener = () => import('./postgres-listener.js');

export interface OpenStoreOptions {
  /** `postgres://...` for PostgreSQL; otherwise SQLite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** PostgreSQL pool size per process. */
  readonly poolSize?: number;
  /** PostgreSQL: how long to wait for a connection (new, or free in a full pool). */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL: server-side limit for one statement and for an idle transaction. */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL: where this process LISTENs for merchant and key changes (default: databaseUrl); 'off' turns the
   * credentials cache off. It must reach PostgreSQL directly or through session pooling.
   */
  readonly listenUrl?: string | undefined;
  /** While the database is unreachable, keep trying to migrate for this long (0: fail at once). */
  readonly waitForDatabaseMs?: number;
  /** Where connection trouble and start-up retries are reported. */
  readonly warn?: (message: string, fields: Record<string, unknown>) => void;
}

/** The checkpoint worker starts after start-up has answered (see startSqliteCheckpointer). */
const CHECKPOINTER_DELAY_MS = 2_000;

export const POSTGRES_DEFAULTS = { poolSize: 10, connectTimeoutMs: 5_000, statementTimeoutMs: 15_000 } as const;

export function dialectOf(databaseUrl: string | undefined): DialectName {
  return databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export function sqlitePath(dataDir: string, databaseUrl?: string): string {
  if (databaseUrl?.startsWith('sqlite:')) return databaseUrl.slice('sqlite:'.length);
  return join(dataDir, 'reji.sqlite');
}

export function classifySqliteError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_IOERR' || code === 'SQLITE_FULL')
    return new StoreUnavailableError(error);
  // A read-only file, file system or connection: nothing can be written until an operator fixes it (503).
  if (code.startsWith('SQLITE_READONLY')) return new StoreUnavailableError(error);
  return error;
}

/**
 * Runs `fn` again while it fails with StoreUnavailableError, for at most `waitMs` (start-up only:
 * a process that starts while the database restarts waits for it instead of exiting).
 */
export async function whileUnavailable<T>(
  what: string,
  waitMs: number,
  fn: () => Promise<T>,
  warn: OpenStoreOptions['warn'] = () => {},
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || Date.now() >= deadline) throw error;
      const delayMs = Math.min(250 * 2 ** (attempt - 1), 5_000, Math.max(0, deadline - Date.now()));
      warn(`database unavailable during ${what}; retrying`, { attempt, retryInMs: delayMs, error: error.message });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Opens the store and brings its schema up to date (safe when several processes start at once). */
export async function openStore(options: OpenStoreOptions): Promise<KyselyStore> {
  const dialect = dialectOf(options.databaseUrl);
  if (dialect === 'postgres') {
    const { classifyPostgresError, createPostgresPool } = await postgres();
    const { CREDENTIALS_CHANNEL, listenForChanges } = await postgresListener();
    const url = options.databaseUrl!;
    const connectTimeoutMs = options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs;
    await whileUnavailable(
      'migration',
      options.waitForDatabaseMs ?? 0,
      () => migratePostgres(url, connectTimeoutMs),
      options.warn,
    );
    const pool = createPostgresPool({
      connectionString: url,
      max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
      connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
      onConnectionError: (error) => options.warn?.('database connection lost', { error: error.message }),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const max = options.poolSize ?? POSTGRES_DEFAULTS.poolSize;
    // Other processes' merchant and key writes reach this one as notifications (migration 0013's triggers).
    let changed = false;
    const listenUrl = options.listenUrl ?? url;
    const listener =
      listenUrl === 'off'
        ? undefined
        : listenForChanges(listenUrl, CREDENTIALS_CHANNEL, () => (changed = true), {
            connectTimeoutMs,
            ...(options.warn ? { warn: options.warn } : {}),
          });
    const store = new KyselyStore({
      db,
      dialect,
      classifyError: classifyPostgresError,
      poolStats: () => ({ ...pool.stats(), max }),
      ...(listener
        ? {
            credentialsFreshness: () => {
              if (!listener.listening()) return 'unknown';
              if (!changed) return 'fresh';
              changed = false;
              return 'changed';
            },
            onClose: () => listener.close(),
          }
        : {}),
    });
    await prepared(store);
    return store;
  }
  const path = sqlitePath(options.dataDir, options.databaseUrl);
  if (path !== ':memory:') mkdirSync(options.dataDir, { recursive: true });
  const file = new BetterSqlite3(path);
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  const checkpointer =
    path === ':memory:'
      ? undefined
      : startSqliteCheckpointer(
          path,
          50,
          () => {
            if (file.open) file.pragma('wal_autocheckpoint = 1000');
          },
          CHECKPOINTER_DELAY_MS,
        );
  // The worker does the copying; a commit still checkpoints (what is left) every 10000 pages, so the log starts over.
  if (checkpointer) file.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Database>({ dialect: new SqliteDialectWithCache(file) });
  // Changes by other connections to the file (the CLI, other processes) move data_version; this one's own do not.
  const dataVersion = file.prepare('pragma data_version').pluck();
  let seenVersion = dataVersion.get();
  const store = new KyselyStore({
    db,
    dialect,
    classifyError: classifySqliteError,
    credentialsFreshness: () => {
      if (!file.open) return 'unknown';
      const version = dataVersion.get();
      if (version === seenVersion) return 'fresh';
      seenVersion = version;
      return 'changed';
    },
    onClose: () => checkpointer?.stop() ?? Promise.resolve(),
  });
  await migrate(db, dialect, classifySqliteError);
  await prepared(store);
  return store;
}

/** Runs the store's one-time lookups; a store that cannot is closed, not leaked. */
async function prepared(store: KyselyStore): Promise<void> {
  try {
    await store.prepare();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

/**
 * Migrations get a connection of their own, without statement timeouts: a long migration must not be
 * cut off, and a process that starts while another migrates waits for Kysely's advisory lock
 * (`pg_advisory_lock`, held for the whole run, so concurrent starts run the steps once).
 */
async function migratePostgres(url: string, connectTimeoutMs: number): Promise<void> {
  const { classifyPostgresError, createPostgresPool } = await postgres();
  const pool = createPostgresPool({
    connectionString: url,
    max: 1,
    connectTimeoutMs,
    statementTimeoutMs: 0,
    pipeline: false,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', classifyPostgresError);
  } finally {
    await db.destroy().catch(() => {});
  }
}

async function migrate(
  db: Kysely<Database>,
  dialect: DialectName,
  classify: (error: unknown) => unknown,
): Promise<void> {
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: migrationProvider(dialect),
    // Kysely's default, localeCompare, loads ICU's collation data: 8 ms of every start-up for names that are
    // ASCII numbers and words (0001_…), which compare the same by code unit.
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (!error) return;
  const classified = classify(error);
  if (classified instanceof StoreUnavailableError) throw classified;
  const failed = results?.find((r) => r.status === 'Error');
  throw new Error(
    `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
