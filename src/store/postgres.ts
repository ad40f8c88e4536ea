import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { CAS_FAILED_SQLSTATE } from './deferred.js';
import { PipelinedConnection } from './postgres-pipeline.js';
import { ConcurrentUpdateError, StoreUnavailableError } from './store.js';

/**
 * reji's narrow interface to `pg`: a bounded pool whose connections carry server-side timeouts, that
 * never lets a lost connection crash the process, and that throws away a connection once it failed.
 */

export interface PostgresPoolOptions {
  readonly connectionString: string;
  /** Most connections this process holds at once. */
  readonly max: number;
  /** How long to wait for a connection: a new one, or a free one when all `max` are busy. */
  readonly connectTimeoutMs: number;
  /**
   * Server-side limit for one statement (lock waits included); a transaction left idle twice as long is
   * ended by the server, and the client gives up on a silent server a little later. 0 turns all off (migrations).
   */
  readonly statementTimeoutMs: number;
  /** A connection died while nobody was using it, or between two queries of a transaction. */
  readonly onConnectionError?: (error: Error) => void;
  /** Send each transaction in as few round trips as possible (postgres-pipeline.ts); off for migrations. */
  readonly pipeline?: boolean;
}

// int8 (our epoch-millisecond columns and bigserial) as numbers; they stay far below 2^53.
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
} as never;

/** Kysely's pool interface, plus what /metrics shows of it. */
export interface ObservablePostgresPool extends PostgresPool {
  stats(): { total: number; idle: number; waiting: number };
}

export function createPostgresPool(options: PostgresPoolOptions): ObservablePostgresPool {
  const report = (error: Error) => options.onConnectionError?.(error);
  const timeouts =
    options.statementTimeoutMs > 0
      ? {
          statement_timeout: options.statementTimeoutMs,
          // A process that stalls inside a transaction (paused, partitioned) gives its row locks back.
          idle_in_transaction_session_timeout: 2 * options.statementTimeoutMs,
          // A server that stopped answering (network partition) is given up on after this.
          query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
        }
      : {};
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    fallback_application_name: 'reji',
    types,
    ...timeouts,
  });
  // A connection lost while checked out emits 'error' on its client, which pg-pool does not listen to
  // then; without a listener of our own that event would end the process. This one also reports idle
  // connections lost (the pool drops those by itself and re-emits the error below).
  pool.on('connect', (client) => client.on('error', report));
  pool.on('error', () => {});
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let lost = false;
      const pipeline = options.pipeline === false ? undefined : new PipelinedConnection(client);
      const query = async (sql: string, parameters: readonly unknown[]) => {
        try {
          if (pipeline) return await pipeline.query(sql, parameters);
          return await client.query(sql, parameters as unknown[]);
        } catch (error) {
          if (classifyPostgresError(error) instanceof StoreUnavailableError) lost = true;
          throw error;
        }
      };
      return {
        query: query as unknown as PostgresPoolClient['query'],
        // A connection that failed once (dead socket, query left running after a client timeout) is closed, not reused.
        // Statements still held back mean a transaction was left unfinished: that connection is not reused.
        release: (destroy?: boolean) =>
          client.release(destroy === true || lost || (pipeline?.pending ?? 0) > 0 ? true : undefined),
      };
    },
    end: () => pool.end(),
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/**
 * SQLSTATEs that mean "the database cannot serve this now", not "this request is wrong":
 * 08 connection exceptions; 53 insufficient resources (too many connections, disk full);
 * 57P01-57P05 shutdown, crash, starting up, database dropped, idle session timeout; 57014 statement
 * timeout or cancel; 25P03 idle-in-transaction timeout; 25006 a read-only server (a standby after a
 * failover); 55P03 lock timeout; 40003 CockroachDB's "statement completion unknown" (an ambiguous commit
 * must never be retried as if it had failed).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[1-5]|57014|25P03|25006|55P03|40003)$/;
/** Serialization failure and deadlock: nothing was written; the whole transaction runs again. */
const RETRY_SQLSTATE = new Set(['40001', '40P01']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
/** What pg, pg-pool and Kysely say when a connection is gone or cannot be had; they set no code. */
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated', // unexpectedly, or due to connection timeout
    'timeout exceeded when trying to connect', // no free connection in the pool in time
    'Client has encountered a connection error and is not queryable',
    'Client was closed and is not queryable',
    'Query read timeout',
    'Cannot use a pool after calling end on the pool',
    'driver has already been destroyed',
    'Postgres connection has been discarded',
    'server closed the connection unexpectedly',
    'the database system is (starting up|shutting down|in recovery mode)',
  ].join('|'),
  'i',
);

interface DriverError {
  readonly code?: unknown;
  readonly severity?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

function isUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const e = error as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code)) return true;
  // A session ended by the server; wrong credentials or a missing database (28, 3D) are configuration, not an outage.
  if ((e.severity === 'FATAL' || e.severity === 'PANIC') && !/^(28|3D)/.test(code)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  // Node wraps failed connection attempts (several addresses tried) in an AggregateError or a cause.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isUnavailable(inner, depth + 1))) return true;
  return isUnavailable(e.cause, depth + 1);
}

/**
 * Turns a `pg` failure into what the application acts on: StoreUnavailableError (503, retry later;
 * whatever the transaction did may or may not have committed) or ConcurrentUpdateError (run the
 * transaction again). Anything else (a bad query, a constraint) is returned as it is.
 */
export function classifyPostgresError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError) return error;
  const code = (error as DriverError | undefined)?.code;
  if (typeof code === 'string' && RETRY_SQLSTATE.has(code)) return new ConcurrentUpdateError('row', `(${code})`);
  if (code === CAS_FAILED_SQLSTATE) return new ConcurrentUpdateError('row', `(${code})`);
  if (isUnavailable(error)) return new StoreUnavailableError(error);
  return error;
}
