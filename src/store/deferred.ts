/**
 * Markers a write carries when the code needs no answer from it. On PostgreSQL the pipelined connection
 * (postgres-pipeline.ts) holds such writes back inside a transaction and sends them together with the next
 * statement that needs an answer, or with COMMIT, in one round trip. SQLite runs them at once: to it they
 * are comments.
 */

/** Send whenever convenient; a failure still fails the transaction. */
export const DEFERRED = '/* reji:deferred */ ';

/**
 * An update or delete that must change exactly one row (a compare-and-set): PostgreSQL raises SQLSTATE
 * RJ001 otherwise, which becomes ConcurrentUpdateError. Such a statement reports no row count back.
 */
export const DEFERRED_ONE = '/* reji:deferred-one */ ';

/**
 * Several reads in one round trip, in order (`readMany` in prepared.ts): the statement text is this marker
 * and the only parameter the list of statements; the answer's rows are each statement's rows.
 */
export const MANY = '/* reji:many */';

/** The SQLSTATE of a deferred compare-and-set that changed no row (migration 0013's `reji_expect_one`). */
export const CAS_FAILED_SQLSTATE = 'RJ001';
