import pg from 'pg';
import { DEFERRED, DEFERRED_ONE, MANY } from './deferred.js';

/**
 * A PostgreSQL connection that sends a transaction in as few round trips as the code allows. Inside a
 * transaction, BEGIN, savepoints and writes marked DEFERRED (deferred.ts) are held back; the next statement
 * that needs an answer takes them along in one multi-statement simple query (their parameters inlined as
 * escaped literals), and COMMIT takes what is left. A held-back write that fails aborts the transaction
 * just as it would have at once: the error reaches whoever waits next, and the transaction rolls back.
 * A transaction that did nothing sends nothing. Outside a transaction every statement goes as it is.
 */

interface Result {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: unknown[];
}

interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** What the pipeline needs of a `pg` client. */
export interface QueryClient {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const SAVEPOINT = /^(savepoint|release savepoint|rollback to savepoint) [a-z_0-9]+$/i;
const BEGIN = /^(begin|start transaction\b.*)$/i;

const done = (command: string): Result => ({ command, rowCount: null, rows: [] });

export class PipelinedConnection {
  /** Statements held back, in order, ready to send (literals inlined). */
  #pending: string[] = [];
  #inTransaction = false;
  /** Whether BEGIN has reached the server in the current transaction. */
  #begun = false;

  constructor(private readonly client: QueryClient) {}

  /** Statements held back, e.g. by a connection given back to the pool in the middle of a transaction. */
  get pending(): number {
    return this.#pending.length;
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<unknown> {
    if (sql === MANY) return this.#many(parameters[0] as readonly Statement[]);
    if (sql.startsWith(DEFERRED_ONE)) {
      const checked = expectOne(sql.slice(DEFERRED_ONE.length));
      if (!this.#inTransaction) return this.client.query(checked, [...parameters]);
      return this.#hold(checked, parameters);
    }
    if (!this.#inTransaction) {
      if (BEGIN.test(sql) && parameters.length === 0) {
        this.#inTransaction = true;
        this.#begun = false;
        this.#pending = [sql];
        return done('BEGIN');
      }
      return this.client.query(sql, [...parameters]);
    }
    if (sql.startsWith(DEFERRED) || (SAVEPOINT.test(sql) && parameters.length === 0)) {
      return this.#hold(sql, parameters);
    }
    if (sql === 'commit') {
      this.#inTransaction = false;
      if (!this.#begun) {
        // Nothing was asked of the server: no BEGIN was sent, so nothing needs ending; unless writes wait.
        const writes = this.#pending.filter((s) => !BEGIN.test(s) && !SAVEPOINT.test(s));
        if (writes.length === 0) {
          this.#pending = [];
          return done('COMMIT');
        }
      }
      return this.#send('commit');
    }
    if (sql === 'rollback') {
      this.#inTransaction = false;
      this.#pending = [];
      if (!this.#begun) return done('ROLLBACK');
      return this.client.query(sql);
    }
    if (this.#pending.length === 0) return this.client.query(sql, [...parameters]);
    const inlined = tryInline(sql, parameters);
    if (inlined !== undefined) return this.#send(inlined);
    await this.#flush();
    return this.client.query(sql, [...parameters]);
  }

  /** Keeps a statement for the next round trip; one whose parameters cannot be inlined goes now, as it is. */
  async #hold(sql: string, parameters: readonly unknown[]): Promise<unknown> {
    const inlined = tryInline(sql, parameters);
    if (inlined !== undefined) {
      this.#pending.push(inlined);
      return done('SELECT');
    }
    await this.#flush();
    await this.client.query(sql, [...parameters]);
    return done('SELECT');
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending.join(';\n');
    this.#pending = [];
    this.#begun = true;
    await this.client.query(batch);
  }

  /** Several reads (and what is held back) in one round trip; each read's rows, in order, as the rows. */
  async #many(statements: readonly Statement[]): Promise<Result> {
    const batch = [...this.#pending, ...statements.map((s) => inline(s.sql, s.parameters))].join(';\n');
    if (this.#inTransaction) {
      this.#pending = [];
      this.#begun = true;
    }
    const results = (await this.client.query(batch)) as Result | Result[];
    const list = Array.isArray(results) ? results : [results];
    return { command: 'SELECT', rowCount: null, rows: list.slice(-statements.length).map((r) => r.rows) };
  }

  /** The held-back statements and `last` in one round trip; answers with `last`'s result. */
  async #send(last: string): Promise<unknown> {
    if (this.#pending.length === 0) return this.client.query(last);
    const batch = [...this.#pending, last].join(';\n');
    this.#pending = [];
    this.#begun = true;
    const results = await this.client.query(batch);
    return Array.isArray(results) ? results[results.length - 1] : results;
  }
}

function tryInline(sql: string, parameters: readonly unknown[]): string | undefined {
  try {
    return inline(sql, parameters);
  } catch {
    return undefined;
  }
}

/** Wraps a compare-and-set so that PostgreSQL raises RJ001 (reji_expect_one, migration 0013) unless one row changed. */
function expectOne(sql: string): string {
  return `with reji_one as (${sql} returning 1) select reji_expect_one(count(*)) from reji_one`;
}

/** A parameter as PostgreSQL literal text: the text `pg` would send for it as a parameter, escaped. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return pg.escapeLiteral(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return `'${String(value)}'`;
  }
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  // pg turns arrays into PostgreSQL arrays and objects into JSON; no statement of reji's passes either.
  throw new TypeError(`cannot send a ${Object.prototype.toString.call(value)} as a pipelined parameter`);
}

/**
 * Puts the parameters into the statement as literals: `$n` outside quotes becomes `literal(parameters[n-1])`.
 * An untyped literal takes its type from where it stands, as an untyped parameter does.
 */
export function inline(sql: string, parameters: readonly unknown[]): string {
  if (parameters.length === 0) return sql;
  let out = '';
  let from = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1 || n > parameters.length) throw new Error(`parameter $${n} of ${parameters.length} in ${sql}`);
      out += sql.slice(from, i) + literal(parameters[n - 1]);
      from = j;
      i = j - 1;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated quote in ${sql}`);
  return out + sql.slice(from);
}
