// Retry behaviour against a local node:http stub (no reji needed).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { canonicalRequest, parseAuthorization, stringToSign, verifyString } from '../../src/signing/index.js';
import {
  AmazonPayClient,
  ConflictError,
  ConnectionError,
  DeclineError,
  InvalidRequestError,
  RateLimitError,
  ServerError,
  StateError,
  TransportTimeoutError,
  type AmazonPayClientOptions,
  type RetryOptions,
} from '../src/index.js';

const PRIVATE_KEY = readFileSync(new URL('./fixtures/TEST-ONLY-private-key.pem', import.meta.url), 'utf8');
const PUBLIC_KEY = readFileSync(new URL('./fixtures/TEST-ONLY-public-key.pem', import.meta.url), 'utf8');

interface Received {
  method: string;
  url: string;
  headers: Map<string, string>;
  body: string;
}

/** What the stub does for one request: answer, or drop the connection, or never answer. */
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset' | 'hang';

const received: Received[] = [];
let replies: Reply[] = [];
let server: http.Server;
let baseUrl: string;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Map<string, string>();
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.set(req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!);
      received.push({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = replies.shift() ?? { status: 200, body: {} };
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      if (reply === 'hang') return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'x-amz-pay-request-id': `req-${received.length}`,
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  replies = [];
});

const START = Date.parse('2026-01-27T10:00:00Z');

function makeClient(retry: RetryOptions = {}, extra: Partial<AmazonPayClientOptions> = {}) {
  const sleeps: number[] = [];
  let tick = 0;
  const client = new AmazonPayClient({
    publicKeyId: 'SANDBOX-RETRYTEST',
    privateKey: PRIVATE_KEY,
    region: 'jp',
    baseUrl,
    // Every signature gets its own second, as time passes between attempts.
    now: () => new Date(START + 1000 * tick++),
    retries: {
      initialDelayMs: 100,
      maxDelayMs: 250,
      random: () => 0.999,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...retry,
    },
    ...extra,
  });
  return { client, sleeps };
}

/** Verifies a received request the way reji does: rebuild the canonical request from what arrived. */
function verifiesAsReceived(r: Received): boolean {
  const auth = parseAuthorization(r.headers.get('authorization')!);
  assert.ok(auth.ok);
  const [path, query = ''] = r.url.split('?') as [string, string?];
  const canonical = canonicalRequest({
    method: r.method,
    path,
    query: query === '' ? [] : query.split('&').map((p) => p.split('=').map(decodeURIComponent) as [string, string]),
    headers: r.headers,
    signedHeaders: auth.value.signedHeaders,
    body: r.body,
  });
  return verifyString(
    auth.value.algorithm,
    PUBLIC_KEY,
    stringToSign(auth.value.algorithm, canonical),
    auth.value.signature,
  );
}

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });
const BUSY = (status: number, reasonCode: string) => ({ status, body: { reasonCode, message: `busy ${status}` } });

describe('retries', () => {
  test('503, 429, 408 and 425 are retried with the same idempotency key and body, each attempt freshly signed', async () => {
    const { client, sleeps } = makeClient();
    replies = [
      BUSY(503, 'ServiceUnavailable'),
      BUSY(429, 'TooManyRequests'),
      BUSY(408, 'RequestTimeout'),
      { status: 425, body: {} },
      { status: 201, body: { chargeId: 'S01-1-1-C000001' } },
    ];
    const res = await client.charges.create(
      { chargePermissionId: 'S01-1-1', chargeAmount: JPY('1000') },
      {
        retries: {
          maxRetries: 4,
          initialDelayMs: 100,
          maxDelayMs: 250,
          random: () => 0.999,
          sleep: async (ms) => void sleeps.push(ms),
        },
      },
    );
    assert.equal(res.status, 201);
    assert.equal(res.body.chargeId, 'S01-1-1-C000001');
    assert.equal(res.attempts, 5);
    assert.equal(res.requestId, 'req-5');
    assert.equal(received.length, 5);

    const keys = new Set(received.map((r) => r.headers.get('x-amz-pay-idempotency-key')));
    assert.equal(keys.size, 1);
    const key = [...keys][0]!;
    assert.match(key, /^[0-9a-f]{32}$/);
    assert.equal(res.idempotencyKey, key);
    assert.equal(new Set(received.map((r) => r.body)).size, 1);
    assert.deepEqual(JSON.parse(received[0]!.body), { chargePermissionId: 'S01-1-1', chargeAmount: JPY('1000') });

    const dates = received.map((r) => r.headers.get('x-amz-pay-date'));
    assert.equal(new Set(dates).size, 5, 'a fresh x-amz-pay-date per attempt');
    assert.equal(new Set(received.map((r) => r.headers.get('authorization'))).size, 5);
    for (const r of received) {
      assert.ok(verifiesAsReceived(r), `attempt signed at ${r.headers.get('x-amz-pay-date')} verifies`);
      assert.match(r.headers.get('authorization')!, /SignedHeaders=[^,]*x-amz-pay-idempotency-key/);
    }
    // Full jitter under a doubling ceiling (100, 200, 400 → capped at 250).
    assert.deepEqual(sleeps, [99, 199, 249, 249]);
  });

  test('backoff stays under the cap and is jittered', async () => {
    const { client, sleeps } = makeClient({ maxRetries: 6, random: () => 0.5 });
    replies = Array.from({ length: 6 }, () => BUSY(500, 'InternalServerError'));
    const res = await client.testing.getClock();
    assert.equal(res.attempts, 7);
    assert.deepEqual(sleeps, [50, 100, 125, 125, 125, 125]);
  });

  test('the retries run out: the last answer is thrown as a typed error', async () => {
    const { client, sleeps } = makeClient();
    replies = [
      BUSY(503, 'ServiceUnavailable'),
      BUSY(502, 'InternalServerError'),
      BUSY(500, 'ProcessingFailure'),
      BUSY(500, 'ProcessingFailure'),
    ];
    const error = await client.refunds.create({ chargeId: 'C', refundAmount: JPY('1') }).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 500);
    assert.equal(error.reasonCode, 'ProcessingFailure');
    assert.equal(error.message, 'busy 500');
    assert.equal(error.requestId, 'req-4');
    assert.equal(error.attempts, 4);
    assert.equal(error.idempotencyKey, received[0]!.headers.get('x-amz-pay-idempotency-key'));
    assert.deepEqual(error.body, { reasonCode: 'ProcessingFailure', message: 'busy 500' });
    assert.equal(sleeps.length, 3);
  });

  for (const [status, reasonCode, errorClass] of [
    [400, 'InvalidParameterValue', InvalidRequestError],
    [422, 'InvalidChargeStatus', StateError],
    [422, 'HardDeclined', DeclineError],
    [409, 'AmountMismatch', ConflictError],
  ] as const) {
    test(`no retry of the business error ${status} ${reasonCode}`, async () => {
      const { client, sleeps } = makeClient();
      replies = [{ status, body: { reasonCode, message: 'no' } }];
      await assert.rejects(client.charges.capture('S01-1-1-C1', { captureAmount: JPY('1') }), (e: unknown) => {
        assert.ok(e instanceof errorClass);
        assert.equal((e as { attempts: number }).attempts, 1);
        return true;
      });
      assert.equal(received.length, 1);
      assert.deepEqual(sleeps, []);
    });
  }

  test('Retry-After in seconds is waited for exactly (no jitter)', async () => {
    const { client, sleeps } = makeClient();
    replies = [
      { status: 429, body: { reasonCode: 'TooManyRequests', message: 'slow down' }, headers: { 'retry-after': '3' } },
      { status: 200, body: { now: '20260127T100000Z' } },
    ];
    const res = await client.testing.getClock();
    assert.equal(res.body.now, '20260127T100000Z');
    assert.deepEqual(sleeps, [3000]);
  });

  test('Retry-After as an HTTP date is measured against the client clock', async () => {
    const { client, sleeps } = makeClient();
    // The client's clock reads START + 1 s when the answer is judged (one tick was used for signing).
    replies = [
      { status: 503, body: {}, headers: { 'retry-after': new Date(START + 11_000).toUTCString() } },
      { status: 200, body: {} },
    ];
    await client.chargePermissions.get('S01-1-1');
    assert.deepEqual(sleeps, [10_000]);
  });

  test('a Retry-After beyond maxRetryAfterMs is not waited for: RateLimitError with retryAfterMs', async () => {
    const { client, sleeps } = makeClient({ maxRetryAfterMs: 60_000 });
    replies = [
      { status: 429, body: { reasonCode: 'TooManyRequests', message: 'later' }, headers: { 'retry-after': '120' } },
    ];
    const error = await client.charges.get('C').then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.retryAfterMs, 120_000);
    assert.equal(error.reasonCode, 'TooManyRequests');
    assert.deepEqual(sleeps, []);
  });

  test('a dropped connection is retried with the same key; ConnectionError when it keeps failing', async () => {
    const { client, sleeps } = makeClient({ maxRetries: 2 });
    replies = ['reset', { status: 201, body: { checkoutSessionId: 'cs-1' } }];
    const ok = await client.checkoutSessions.create(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' }, storeId: 's' },
      { idempotencyKey: 'order-42' },
    );
    assert.equal(ok.body.checkoutSessionId, 'cs-1');
    assert.deepEqual(
      received.map((r) => r.headers.get('x-amz-pay-idempotency-key')),
      ['order-42', 'order-42'],
    );
    assert.equal(sleeps.length, 1);

    received.length = 0;
    replies = ['reset', 'reset', 'reset'];
    const error = await client.checkoutSessions.create({ webCheckoutDetails: {}, storeId: 's' }).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.status, null);
    assert.equal(error.reasonCode, null);
    assert.equal(error.attempts, 3);
    assert.equal(new Set(received.map((r) => r.headers.get('x-amz-pay-idempotency-key'))).size, 1);
  });

  test('a request that gets no answer times out as a ConnectionError', async () => {
    const { client } = makeClient({ maxRetries: 0 }, { timeoutMs: 150 });
    replies = ['hang'];
    const error = await client.charges.get('C').then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError);
    assert.ok(error.cause instanceof TransportTimeoutError);
    client.close();
  });

  test('an aborted call stops retrying at once', async () => {
    const controller = new AbortController();
    const { client } = makeClient({ sleep: async () => controller.abort(new Error('stop')) });
    replies = [BUSY(503, 'ServiceUnavailable'), BUSY(503, 'ServiceUnavailable')];
    await assert.rejects(client.charges.get('C', { signal: controller.signal }), /stop/);
    assert.equal(received.length, 1);
  });
});

describe('idempotency keys and request shapes', () => {
  test('only POSTs get an automatic key; GET, PATCH and DELETE carry none unless asked', async () => {
    const { client } = makeClient();
    replies = [
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 200, body: {} },
    ];
    await client.checkoutSessions.get('cs 1/2');
    await client.checkoutSessions.update('cs', { merchantMetadata: { merchantReferenceId: 'o-1' } });
    await client.charges.cancel('C', { cancellationReason: 'out of stock' });
    await client.checkoutSessions.complete('cs', { chargeAmount: JPY('100') });
    await client.testing.processPayment('cs', { simulationCode: 'Declined' });
    assert.deepEqual(
      received.map((r) => [r.method, r.url, r.headers.has('x-amz-pay-idempotency-key')]),
      [
        ['GET', '/v2/checkoutSessions/cs%201%2F2', false],
        ['PATCH', '/v2/checkoutSessions/cs', false],
        ['DELETE', '/v2/charges/C/cancel', false],
        ['POST', '/v2/checkoutSessions/cs/complete', true],
        ['POST', '/v2/testing/checkoutSessions/cs/processPayment', true],
      ],
    );
    assert.equal(received[0]!.body, '');
    assert.equal(received[2]!.body, '{"cancellationReason":"out of stock"}');
    assert.equal(received[4]!.body, '{}');
    assert.equal(received[4]!.headers.get('x-amz-pay-simulation-code'), 'Declined');
    assert.match(received[4]!.headers.get('authorization')!, /SignedHeaders=[^,]*x-amz-pay-simulation-code/);
    for (const r of received) assert.ok(verifiesAsReceived(r));
    assert.match(received[0]!.headers.get('user-agent')!, /^reji-sdk\/0\.1\.0 /);
  });

  test('bad ids and keys are refused before anything is sent', async () => {
    const { client } = makeClient();
    await assert.rejects(client.charges.get(''), /chargeId must be a non-empty string/);
    await assert.rejects(client.request('GET', '/reports?x=1'), /carry no query/);
    await assert.rejects(
      client.refunds.create({ chargeId: 'C', refundAmount: JPY('1') }, { idempotencyKey: 'has spaces' }),
      /Invalid idempotency key/,
    );
    await assert.rejects(
      client.refunds.create({ chargeId: 'C', refundAmount: JPY('1') }, { idempotencyKey: 'x'.repeat(33) }),
      /Invalid idempotency key/,
    );
    await assert.rejects(client.charges.get('C', { headers: { 'X-Amz-Pay-Date': 'now' } }), /cannot be overridden/);
    assert.equal(received.length, 0);
  });
});
