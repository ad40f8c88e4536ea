import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyPostgresError } from '../../../src/store/postgres.js';
import { ConcurrentUpdateError, StoreUnavailableError } from '../../../src/store/store.js';

/** A driver error the way `pg` builds them: an Error with extra fields. */
function driverError(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), fields);
}

describe('classifyPostgresError: every way a lost database shows up in pg is 503, never a wrong answer', () => {
  const unavailable: [string, unknown][] = [
    ['connection refused', driverError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['connection reset', driverError('read ECONNRESET', { code: 'ECONNRESET' })],
    [
      'both addresses of localhost refused',
      new AggregateError([driverError('x', { code: 'ECONNREFUSED' }), driverError('y', { code: 'ECONNREFUSED' })], ''),
    ],
    ['socket closed by the server or a proxy', driverError('Connection terminated unexpectedly')],
    [
      'connect took too long',
      driverError('Connection terminated due to connection timeout', {
        cause: driverError('Connection terminated unexpectedly'),
      }),
    ],
    ['no free pooled connection in time', driverError('timeout exceeded when trying to connect')],
    [
      'a client whose socket died earlier',
      driverError('Client has encountered a connection error and is not queryable'),
    ],
    ['a silent server (client-side query timeout)', driverError('Query read timeout')],
    ['pool ended during shutdown', driverError('Cannot use a pool after calling end on the pool')],
    [
      'admin shutdown / pg_terminate_backend (57P01)',
      driverError('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' }),
    ],
    [
      'crash shutdown (57P02)',
      driverError('terminating connection because of crash of another server process', {
        code: '57P02',
        severity: 'FATAL',
      }),
    ],
    ['starting up (57P03)', driverError('the database system is starting up', { code: '57P03', severity: 'FATAL' })],
    [
      'statement timeout (57014)',
      driverError('canceling statement due to statement timeout', { code: '57014', severity: 'ERROR' }),
    ],
    [
      'idle in transaction timeout (25P03)',
      driverError('terminating connection due to idle-in-transaction timeout', { code: '25P03', severity: 'FATAL' }),
    ],
    [
      'too many connections (53300)',
      driverError('sorry, too many clients already', { code: '53300', severity: 'FATAL' }),
    ],
    ['connection failure (08006)', driverError('connection failure', { code: '08006' })],
    [
      'a standby after failover (25006)',
      driverError('cannot execute UPDATE in a read-only transaction', { code: '25006', severity: 'ERROR' }),
    ],
    [
      'lock timeout (55P03)',
      driverError('canceling statement due to lock timeout', { code: '55P03', severity: 'ERROR' }),
    ],
    ['CockroachDB ambiguous commit (40003)', driverError('result is ambiguous', { code: '40003', severity: 'ERROR' })],
  ];
  for (const [name, error] of unavailable) {
    test(`${name} -> StoreUnavailableError`, () => {
      const classified = classifyPostgresError(error);
      assert.ok(classified instanceof StoreUnavailableError, String(classified));
      assert.equal((classified as StoreUnavailableError).cause, error);
    });
  }

  test('serialization failures and deadlocks are retried (ConcurrentUpdateError)', () => {
    for (const code of ['40001', '40P01'])
      assert.ok(classifyPostgresError(driverError('x', { code, severity: 'ERROR' })) instanceof ConcurrentUpdateError);
  });

  test('query and configuration errors stay as they are (500, or a failed start)', () => {
    for (const error of [
      driverError('duplicate key value violates unique constraint "buyers_pkey"', { code: '23505', severity: 'ERROR' }),
      driverError('syntax error at or near "selec"', { code: '42601', severity: 'ERROR' }),
      driverError('password authentication failed for user "reji"', { code: '28P01', severity: 'FATAL' }),
      driverError('database "nope" does not exist', { code: '3D000', severity: 'FATAL' }),
      new TypeError('cannot read properties of undefined'),
    ]) {
      assert.equal(classifyPostgresError(error), error);
    }
  });

  test('already classified errors pass through', () => {
    const a = new StoreUnavailableError(new Error('x'));
    const b = new ConcurrentUpdateError('charge', 'C1');
    assert.equal(classifyPostgresError(a), a);
    assert.equal(classifyPostgresError(b), b);
  });
});
