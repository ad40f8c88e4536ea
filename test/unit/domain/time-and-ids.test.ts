import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  ID_PATTERNS,
  newChargeId,
  newChargePermissionId,
  newCheckoutSessionId,
  newPublicKeyId,
  newRefundId,
} from '../../../src/domain/ids.js';
import { addMonths, formatWireTimestamp, parseRequestDate } from '../../../src/domain/time.js';

const random = { bytes: (n: number) => randomBytes(n) };

test("wire timestamps are Amazon's basic ISO-8601 form", () => {
  assert.equal(formatWireTimestamp(Date.UTC(2022, 2, 6, 7, 46, 11, 999)), '20220306T074611Z');
});

test('x-amz-pay-date accepts the basic and the extended form, and refuses impossible dates', () => {
  const at = Date.UTC(2019, 8, 23, 23, 19, 8);
  assert.equal(parseRequestDate('20190923T231908Z'), at);
  assert.equal(parseRequestDate('2019-09-23T23:19:08Z'), at);
  assert.equal(parseRequestDate('2019-09-23T23:19:08.123Z'), at);
  for (const bad of ['20190231T000000Z', '2019-09-23 23:19:08', '20190923T246000Z', 'yesterday', ''])
    assert.equal(parseRequestDate(bad), undefined, bad);
});

test('addMonths clamps to the end of shorter months', () => {
  assert.equal(new Date(addMonths(Date.UTC(2025, 0, 31), 1)).toISOString().slice(0, 10), '2025-02-28');
  assert.equal(new Date(addMonths(Date.UTC(2024, 0, 31), 13)).toISOString().slice(0, 10), '2025-02-28');
});

test('ids follow the documented formats', () => {
  const cp = newChargePermissionId(random, 'Sandbox', false);
  assert.match(cp, /^S01-\d{7}-\d{7}$/);
  assert.match(newChargePermissionId(random, 'Live', false), /^P01-/);
  assert.match(newChargePermissionId(random, 'Sandbox', true), /^C01-/);
  assert.match(newChargeId(random, cp), ID_PATTERNS.charge);
  assert.match(newRefundId(random, cp), ID_PATTERNS.refund);
  assert.match(newCheckoutSessionId(random), ID_PATTERNS.checkoutSession);
  assert.match(newPublicKeyId(random, 'Sandbox'), /^SANDBOX-[A-Z0-9]{24}$/);
  assert.match(newPublicKeyId(random, 'legacy'), /^[A-Z0-9]{24}$/);
});
