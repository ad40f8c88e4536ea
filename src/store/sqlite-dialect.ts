import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Our own narrow driver over better-sqlite3. Compared with Kysely's stock one it caches prepared
 * statements (preparing is most of a small query's cost) and starts write transactions with
 * BEGIN IMMEDIATE, so that a CLI process writing to the same file waits for the lock instead of
 * failing half-way with SQLITE_BUSY.
 */
export class SqliteDialectWithCache implements Dialect {
  constructor(private readonly db: BetterSqlite3.Database) {}
  createDriver(): Driver {
    return new CachingSqliteDriver(this.db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * SQLite can roll DDL back, so migrations run in one BEGIN IMMEDIATE transaction that also reads which
 * steps already ran: a CLI command and `reji serve` starting together on a new data directory take
 * turns instead of both creating the tables (Kysely's stock adapter runs them outside a transaction).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class CachingSqliteDriver implements Driver {
  readonly #connection: CachingSqliteConnection;
  #lock: Promise<void> = Promise.resolve();
  #unlock: (() => void) | undefined;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.#connection = new CachingSqliteConnection(db);
  }
  async init(): Promise<void> {}

  /** There is one connection; the mutex makes a transaction's statements run without others in between. */
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#unlock = release;
    return this.#connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.db.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }
  async releaseConnection(): Promise<void> {
    const unlock = this.#unlock;
    this.#unlock = undefined;
    unlock?.();
  }
  async destroy(): Promise<void> {
    this.db.close();
  }
}

class CachingSqliteConnection implements DatabaseConnection {
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  constructor(private readonly db: BetterSqlite3.Database) {}

  #prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Queries and transaction control run on every request; DDL and pragmas run once. (A leading comment is
      // a marker of deferred.ts.)
      if (
        this.#statements.size < 500 &&
        /^\s*(\/\*[^*]*\*\/\s*)?(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i.test(sql)
      )
        this.#statements.set(sql, statement);
    }
    return statement;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // biome-ignore lint/correctness/useYield: Kysely requires the method; reji never streams.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by reji');
  }
}
