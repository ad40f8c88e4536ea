import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_CATALOGUE, type ReasonCode } from '../../src/domain/errors.js';
import {
  AmazonPayApiError,
  AmazonPayError,
  AuthenticationError,
  ConflictError,
  DECLINE_REASON_CODES,
  DeclineError,
  errorFromResponse,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  STATE_REASON_CODES,
  StateError,
} from '../src/index.js';

function expectedClass(status: number, code: string) {
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 404) return NotFoundError;
  if (status === 408) return RequestTimeoutError;
  if (status === 409) return ConflictError;
  if (status === 422) return (DECLINE_REASON_CODES as readonly string[]).includes(code) ? DeclineError : StateError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return InvalidRequestError;
}

describe('typed errors', () => {
  test("every reason code of reji's catalogue becomes the error class of its status", () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      const error = errorFromResponse({
        status,
        headers: { 'x-amz-pay-request-id': 'rid-1' },
        text: JSON.stringify({ reasonCode: code, message: `m-${code}` }),
        attempts: 1,
      });
      const cls = expectedClass(status, code);
      assert.ok(error instanceof cls, `${code} (${status}) → ${cls.name}, got ${error.name}`);
      assert.ok(error instanceof AmazonPayApiError && error instanceof AmazonPayError && error instanceof Error);
      assert.equal(error.name, cls.name);
      assert.equal(error.status, status);
      assert.equal(error.reasonCode, code);
      assert.equal(error.message, `m-${code}`);
      assert.equal(error.requestId, 'rid-1');
    }
  });

  test('the decline and state code lists are exactly the 422 codes of the catalogue', () => {
    const codes422 = Object.entries(ERROR_CATALOGUE)
      .filter(([, v]) => v.status === 422)
      .map(([k]) => k as ReasonCode)
      .sort();
    assert.deepEqual([...DECLINE_REASON_CODES, ...STATE_REASON_CODES].sort(), codes422);
  });

  test('declines say whether to retry later or to ask for another payment method', () => {
    const decline = (code: string) =>
      errorFromResponse({
        status: 422,
        headers: {},
        text: JSON.stringify({ reasonCode: code, message: '' }),
        attempts: 1,
      }) as DeclineError;
    assert.ok(decline('SoftDeclined').isSoftDecline);
    assert.ok(!decline('SoftDeclined').isHardDecline);
    assert.ok(decline('HardDeclined').isHardDecline);
    assert.ok(decline('PaymentMethodNotAllowed').isHardDecline);
    assert.ok(decline('TransactionTimedOut').isSoftDecline);
    assert.ok(!decline('AmazonRejected').isSoftDecline && !decline('AmazonRejected').isHardDecline);
  });

  test("a body that is not Amazon's error shape still gives a typed error", () => {
    const html = errorFromResponse({ status: 502, headers: {}, text: '<html>Bad Gateway</html>', attempts: 4 });
    assert.ok(html instanceof ServerError);
    assert.equal(html.reasonCode, 'InternalServerError');
    assert.equal(html.message, 'HTTP 502');
    assert.equal(html.body, '<html>Bad Gateway</html>');
    assert.equal(html.requestId, null);
    assert.equal(html.attempts, 4);
    const teapot = errorFromResponse({ status: 418, headers: {}, text: '', attempts: 1 });
    assert.ok(teapot instanceof InvalidRequestError);
    assert.equal(teapot.reasonCode, 'Http418');
    const unknown = errorFromResponse({
      status: 422,
      headers: {},
      text: '{"reasonCode":"SomethingNew","message":"x"}',
      attempts: 1,
    });
    assert.ok(unknown instanceof StateError);
    assert.equal(unknown.reasonCode, 'SomethingNew');
  });
});
