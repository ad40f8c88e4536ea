import {
  type Compilable,
  CompiledQuery,
  type Kysely,
  type QueryResult,
  type RootOperationNode,
  type Transaction,
} from 'kysely';
import { DEFERRED, DEFERRED_ONE, MANY } from './deferred.js';
import type { DialectName } from './migrations.js';
import type { Database } from './schema.js';

/** The pool or a transaction: every aggregate's reads run on either. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** One value per key, e.g. one prepared query per document kind. */
export function byKind<K extends string, V>(keys: readonly K[], make: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, V>;
}

/**
 * Row locks for a read-modify-write: only PostgreSQL takes them; SQLite's write transactions
 * (BEGIN IMMEDIATE) already exclude each other.
 */
export function rowLock(dialect: DialectName): <Q extends { forUpdate(): Q }>(q: Q) => Q {
  return (q) => (dialect === 'postgres' ? q.forUpdate() : q);
}

/**
 * Several reads, answered in order: on PostgreSQL in one round trip (the pipelined connection sends them
 * together, so row locks are taken in this order), on SQLite one after another.
 */
export async function readMany(
  db: Executor,
  dialect: DialectName,
  queries: readonly CompiledQuery[],
): Promise<unknown[][]> {
  if (dialect !== 'postgres') {
    const out: unknown[][] = [];
    for (const q of queries) out.push((await db.executeQuery(q)).rows as unknown[]);
    return out;
  }
  const statements = queries.map((q) => ({ sql: q.sql, parameters: q.parameters }));
  return (await db.executeQuery(CompiledQuery.raw(MANY, [statements]))).rows as unknown[][];
}

/** Where a compiled parameter comes from: an argument of the call, or a constant of the query. */
type Slot = { readonly arg: number } | { readonly value: unknown };

// Mixed case, so that a query that lower- or upper-cases an argument loses the marker and is refused.
const MARK = '\u0000Reji-Arg-';

/**
 * A query that Kysely builds and compiles once; each run only fills in the arguments. Building and
 * compiling costs as much as the SQLite lookup itself, on every call of every request otherwise.
 *
 * `build` must put each argument into the query unchanged (no arithmetic, no string functions): it is
 * called once with markers in their place, and the markers' positions in the compiled parameters say
 * where each argument goes.
 */
export class PreparedQuery<A extends unknown[], R> {
  #compiled:
    | {
        readonly sql: string;
        readonly query: RootOperationNode;
        readonly queryId: CompiledQuery['queryId'];
        readonly slots: readonly Slot[];
      }
    | undefined;

  constructor(private readonly build: (db: Executor, ...args: A) => Compilable<R>) {}

  execute(db: Executor, ...args: A): Promise<QueryResult<R>> {
    return this.#run(db, '', args);
  }

  /** A write whose answer nobody needs: PostgreSQL sends it with the transaction's next statement (deferred.ts). */
  async defer(db: Executor, ...args: A): Promise<void> {
    await this.#run(db, DEFERRED, args);
  }

  /**
   * A compare-and-set: false when it changed no row. On PostgreSQL it is deferred and the database itself
   * fails the transaction (ConcurrentUpdateError) instead, so it answers true there.
   */
  async changedOne(db: Executor, ...args: A): Promise<boolean> {
    const { numAffectedRows } = await this.#run(db, DEFERRED_ONE, args);
    return numAffectedRows === undefined || Number(numAffectedRows) === 1;
  }

  /** The statement with these arguments, for `readMany`. */
  with(db: Executor, ...args: A): CompiledQuery<R> {
    this.#compiled ??= this.#compile(db, args.length);
    const c = this.#compiled;
    const parameters = c.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    return { sql: c.sql, query: c.query, queryId: c.queryId, parameters };
  }

  #run(db: Executor, prefix: string, args: A): Promise<QueryResult<R>> {
    const q = this.with(db, ...args);
    return db.executeQuery<R>(prefix === '' ? q : { ...q, sql: prefix + q.sql });
  }

  async first(db: Executor, ...args: A): Promise<R | undefined> {
    return (await this.execute(db, ...args)).rows[0];
  }

  /** Rows changed by an insert, update or delete. */
  async changed(db: Executor, ...args: A): Promise<number> {
    return Number((await this.execute(db, ...args)).numAffectedRows ?? 0);
  }

  #compile(db: Executor, arity: number) {
    const markers = Array.from({ length: arity }, (_, i) => `${MARK}${i}`);
    const compiled = this.build(db, ...(markers as A)).compile();
    const used = new Set<number>();
    const slots = compiled.parameters.map((p): Slot => {
      const i = typeof p === 'string' && p.startsWith(MARK) ? markers.indexOf(p) : -1;
      if (i !== -1) {
        used.add(i);
        return { arg: i };
      }
      if (typeof p === 'string' && p.includes(MARK))
        throw new Error(`a prepared query must use each argument unchanged: ${compiled.sql}`);
      return { value: p };
    });
    if (used.size !== arity)
      throw new Error(
        `a prepared query must use each argument unchanged (${arity - used.size} of ${arity} missing): ${compiled.sql}`,
      );
    return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
  }
}
