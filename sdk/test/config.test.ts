import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  apiRegionOf,
  backoffDelay,
  endpointFor,
  formatAmzDate,
  isRetryableStatus,
  keyEnvironmentOf,
  newIdempotencyKey,
  parseRetryAfter,
  resolveRetryOptions,
  SDK_VERSION,
} from '../src/index.js';

test('regions and their aliases map to the V2 x-amz-pay-region values and Amazon hosts', () => {
  for (const [input, region] of [
    ['na', 'na'],
    ['us', 'na'],
    ['US', 'na'],
    ['eu', 'eu'],
    ['de', 'eu'],
    ['uk', 'eu'],
    ['jp', 'jp'],
    [' JP ', 'jp'],
  ] as const) {
    assert.equal(apiRegionOf(input), region);
  }
  assert.throws(() => apiRegionOf('fe'), /Unknown region/);
  assert.deepEqual(endpointFor('na'), { origin: 'https://pay-api.amazon.com', host: 'pay-api.amazon.com' });
  assert.deepEqual(endpointFor('eu'), { origin: 'https://pay-api.amazon.eu', host: 'pay-api.amazon.eu' });
  assert.deepEqual(endpointFor('jp'), { origin: 'https://pay-api.amazon.jp', host: 'pay-api.amazon.jp' });
});

test('baseUrl gives the origin and the host[:port] that x-amz-pay-host signs', () => {
  assert.deepEqual(endpointFor('jp', 'https://127.0.0.1:8443'), {
    origin: 'https://127.0.0.1:8443',
    host: '127.0.0.1:8443',
  });
  assert.deepEqual(endpointFor('jp', 'http://127.0.0.1:8080/'), {
    origin: 'http://127.0.0.1:8080',
    host: '127.0.0.1:8080',
  });
  assert.deepEqual(endpointFor('jp', 'https://pay.example.com:443'), {
    origin: 'https://pay.example.com',
    host: 'pay.example.com',
  });
  assert.deepEqual(endpointFor('jp', 'http://[::1]:8080'), { origin: 'http://[::1]:8080', host: '[::1]:8080' });
  assert.throws(() => endpointFor('jp', 'ftp://x'), /http\(s\)/);
  assert.throws(() => endpointFor('jp', 'not a url'), /not a URL/);
});

test('key kinds, dates, idempotency keys', () => {
  assert.equal(keyEnvironmentOf('SANDBOX-ABC'), 'Sandbox');
  assert.equal(keyEnvironmentOf('live-abc'), 'Live');
  assert.equal(keyEnvironmentOf('AHHDX7WQ3CLBJ4F3ZAALRNXE'), null);
  assert.equal(formatAmzDate(new Date('2019-09-23T23:19:08.999Z')), '20190923T231908Z');
  const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
  assert.equal(keys.size, 100);
  for (const k of keys) assert.match(k, /^[0-9a-f]{32}$/);
});

test('retry policy: retryable statuses, backoff ceiling, Retry-After forms', () => {
  assert.deepEqual(
    [400, 401, 403, 404, 405, 408, 409, 422, 425, 429, 500, 502, 503, 504].filter(isRetryableStatus),
    [408, 425, 429, 500, 502, 503, 504],
  );
  const o = resolveRetryOptions({ initialDelayMs: 1000, maxDelayMs: 5000, random: () => 0.999999 });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, o)),
    [999, 1999, 3999, 4999, 4999],
  );
  assert.equal(backoffDelay(3, { ...o, random: () => 0 }), 0);
  assert.equal(resolveRetryOptions(undefined).maxRetries, 3);
  assert.equal(resolveRetryOptions(0).maxRetries, 0);
  assert.throws(() => resolveRetryOptions({ maxRetries: -1 }), /non-negative/);
  const now = Date.parse('2026-01-27T10:00:00Z');
  assert.equal(parseRetryAfter('2', now), 2000);
  assert.equal(parseRetryAfter('0.5', now), 500);
  assert.equal(parseRetryAfter('Tue, 27 Jan 2026 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tue, 27 Jan 2026 09:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(undefined, now), null);
});

test('SDK_VERSION is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(SDK_VERSION, pkg.version);
});
