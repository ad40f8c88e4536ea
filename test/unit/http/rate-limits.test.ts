import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readServeConfig } from '../../../src/cli/config.js';
import { isFull, takeToken, type BucketState } from '../../../src/domain/token-bucket.js';
import { MINUTE, SECOND } from '../../../src/domain/time.js';
import { DEFAULT_ANONYMOUS_LIMITS, RateLimiter } from '../../../src/http/hosted/rate-limits.js';

test('token bucket: a burst of perMinute, then one token every 60/perMinute seconds, never more than perMinute', () => {
  let state: BucketState | undefined;
  const t0 = 1_000_000;
  for (let i = 0; i < 6; i++) {
    const r = takeToken(state, 6, t0);
    assert.ok(r.allowed, `token ${i + 1}`);
    state = r.state;
  }
  const empty = takeToken(state, 6, t0);
  assert.equal(empty.allowed, false);
  assert.equal(empty.allowed ? 0 : empty.retryAfterMs, 10 * SECOND);
  assert.equal(takeToken(state, 6, t0 + 9 * SECOND).allowed, false);
  const refilled = takeToken(state, 6, t0 + 10 * SECOND);
  assert.ok(refilled.allowed);
  assert.ok(!isFull(refilled.state, 6, t0 + 10 * SECOND));
  assert.ok(isFull(refilled.state, 6, t0 + 10 * SECOND + MINUTE));
  // A long pause refills to the burst size, not beyond.
  let later = refilled.state;
  let allowed = 0;
  for (let i = 0; i < 10; i++) {
    const r = takeToken(later, 6, t0 + 60 * MINUTE);
    later = r.state;
    if (r.allowed) allowed++;
  }
  assert.equal(allowed, 6);
});

test('rate limiter: keys apart, 0 turns it off, the retry hint in whole seconds', () => {
  let now = 5_000_000;
  const clock = { now: () => now };
  const limiter = new RateLimiter(2, clock);
  assert.ok(limiter.take('a').allowed);
  assert.ok(limiter.take('a').allowed);
  const refused = limiter.take('a');
  assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 30 });
  assert.ok(limiter.take('b').allowed);
  now += 30 * SECOND;
  assert.ok(limiter.take('a').allowed);
  const off = new RateLimiter(0, clock);
  for (let i = 0; i < 100; i++) assert.ok(off.take('x').allowed);
  assert.equal(off.size, 0);
});

test('config: the limits come from flags or REJI_* variables, default generously, and refuse nonsense', () => {
  assert.deepEqual(readServeConfig({}, {}).anonymousLimits, DEFAULT_ANONYMOUS_LIMITS);
  const set = readServeConfig(
    { 'page-rate-limit': '10' },
    { REJI_BUTTON_RATE_LIMIT: '0', REJI_PAYLOAD_START_LIMIT: '7' },
  );
  assert.deepEqual(set.anonymousLimits, { pagesPerMinute: 10, buttonPerMinute: 0, payloadStartsPerMinute: 7 });
  assert.throws(() => readServeConfig({ 'page-rate-limit': '-1' }, {}), /--page-rate-limit \(REJI_PAGE_RATE_LIMIT\)/);
  assert.throws(() => readServeConfig({}, { REJI_PAYLOAD_START_LIMIT: 'many' }), /REJI_PAYLOAD_START_LIMIT/);
});
