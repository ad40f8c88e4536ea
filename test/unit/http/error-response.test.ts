import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppContext } from '../../../src/app/context.js';
import { errorResponse } from '../../../src/http/server.js';
import { ConcurrentUpdateError, StoreUnavailableError } from '../../../src/store/store.js';

function context(): { ctx: AppContext; logged: { level: string; message: string }[] } {
  const logged: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => void logged.push({ level, message });
  return {
    ctx: { log: { info: log('info'), warn: log('warn'), error: log('error') } } as unknown as AppContext,
    logged,
  };
}

describe('errorResponse: what a lost or contended database answers', () => {
  test('a lost database is 503 ServiceUnavailable, logged as a warning, without internals', () => {
    const { ctx, logged } = context();
    const r = errorResponse(ctx, new StoreUnavailableError(new Error('connect ECONNREFUSED 10.0.0.5:5432')), 'req-1');
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.body), {
      reasonCode: 'ServiceUnavailable',
      message: 'The service is temporarily unavailable. Retry the request.',
    });
    assert.deepEqual(
      logged.map((l) => l.level),
      ['warn'],
    );
  });

  test('a transaction that lost every retry to other writers is 503 too (nothing was written), not a 500', () => {
    const { ctx, logged } = context();
    const r = errorResponse(ctx, new ConcurrentUpdateError('charge', 'S01-0000000-0000000-C000001'), 'req-2');
    assert.equal(r.status, 503);
    assert.equal(JSON.parse(r.body).reasonCode, 'ServiceUnavailable');
    assert.deepEqual(
      logged.map((l) => l.level),
      ['warn'],
    );
  });

  test('anything else unknown stays a logged 500', () => {
    const { ctx, logged } = context();
    assert.equal(errorResponse(ctx, new TypeError('x is undefined'), 'req-3').status, 500);
    assert.deepEqual(
      logged.map((l) => l.level),
      ['error'],
    );
  });
});
