import assert from 'node:assert/strict';
import { test } from 'node:test';
import { armFault, disarmFaults, hitFault, MAX_ARMED_FAULTS, type ArmedFault } from '../../../src/domain/faults.js';
import { isRightOneTimeCode, scaApplies } from '../../../src/domain/sca.js';
import { takeToken, throttleLimit, type Bucket } from '../../../src/domain/throttling.js';
import { SECOND } from '../../../src/domain/time.js';

test('throttle table: published rows per environment, spec 12 §12.14 defaults for the rest', () => {
  assert.deepEqual(throttleLimit('CreateCheckoutSession', 'POST', 'Sandbox'), { maxQuota: 5, restorePerSecond: 1 });
  assert.deepEqual(throttleLimit('CreateCheckoutSession', 'POST', 'Live'), { maxQuota: 40, restorePerSecond: 16 });
  assert.deepEqual(throttleLimit('GetBuyer', 'GET', 'Sandbox'), throttleLimit('GetCharge', 'GET', 'Sandbox'));
  assert.deepEqual(throttleLimit('UpdateCharge', 'PATCH', 'Live'), throttleLimit('CreateCharge', 'POST', 'Live'));
  assert.deepEqual(
    throttleLimit('FinalizeCheckoutSession', 'POST', 'Live'),
    throttleLimit('CompleteCheckoutSession', 'POST', 'Live'),
  );
});

test('token bucket: starts full, refuses when empty, refills at the restore rate, never above the quota', () => {
  const limit = { maxQuota: 2, restorePerSecond: 1 };
  let bucket: Bucket | undefined;
  const take = (now: number) => {
    const r = takeToken(bucket, limit, now);
    bucket = r.bucket;
    return r;
  };
  assert.equal(take(0).allowed, true);
  assert.equal(take(0).allowed, true);
  const refused = take(0);
  assert.equal(refused.allowed, false);
  assert.equal(refused.allowed === false && refused.retryAfterMs, 1000);
  assert.equal(take(SECOND / 2).allowed, false, 'half a token is not a request');
  assert.equal(take(SECOND).allowed, true);
  assert.equal(take(100 * SECOND).allowed, true);
  assert.equal(take(100 * SECOND).allowed, true);
  assert.equal(take(100 * SECOND).allowed, false, 'a long pause refills only up to the quota');
  assert.equal(take(50 * SECOND).allowed, false, 'a clock that went back adds nothing');
});

test('faults: armed in order, hit oldest first per operation, each hit counted once; disarm one or all', () => {
  let faults: readonly ArmedFault[] = [];
  const arm = (operation: string, times?: number) => {
    const r = armFault(faults, { operation, outcome: 'ServiceUnavailable', times }, `f${faults.length}`, 0);
    assert.ok(r.ok);
    faults = r.faults;
    return r.fault;
  };
  arm('GetCharge', 2);
  arm('CreateCharge');
  const third = arm('GetCharge');
  const hits: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = hitFault(faults, 'GetCharge');
    hits.push(r?.fault.faultId ?? 'none');
    if (r) faults = r.faults;
  }
  assert.deepEqual(hits, ['f0', 'f0', 'f2', 'none']);
  assert.deepEqual(
    faults.map((f) => f.operation),
    ['CreateCharge'],
  );
  assert.equal(disarmFaults(faults, third.faultId).found, false);
  assert.deepEqual(disarmFaults(faults, undefined).faults, []);
  const timeout = armFault([], { operation: 'GetCharge', outcome: 'Timeout' }, 'x', 0);
  assert.ok(timeout.ok && timeout.fault.delayMs > 0, 'a Timeout holds the connection by default');
  const full = Array.from({ length: MAX_ARMED_FAULTS }, () => third);
  assert.equal(armFault(full, { operation: 'GetCharge', outcome: 'Delay' }, 'y', 0).ok, false);
});

test('SCA: only EUR and GBP merchants; the sandbox code, spaces ignored', () => {
  assert.equal(scaApplies('EUR'), true);
  assert.equal(scaApplies('GBP'), true);
  assert.equal(scaApplies('JPY'), false);
  assert.equal(scaApplies('USD'), false);
  assert.equal(isRightOneTimeCode('123456'), true);
  assert.equal(isRightOneTimeCode(' 123 456 '), true);
  assert.equal(isRightOneTimeCode('1234567'), false);
  assert.equal(isRightOneTimeCode('654321'), false);
});
