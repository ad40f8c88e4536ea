import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACCOUNT_CLIENT_POLICY,
  giveBack,
  takeAttempt,
  type ThrottleState,
} from '../../../src/domain/sign-in-throttle.js';
import { MINUTE, SECOND } from '../../../src/domain/time.js';

test('5 free attempts, then backoff that doubles up to 15 minutes, and a quiet key starts over', () => {
  let state: ThrottleState | undefined;
  let now = 1_000_000;
  for (let i = 0; i < 5; i++) {
    const r = takeAttempt(state, ACCOUNT_CLIENT_POLICY, now);
    assert.ok(r.allowed);
    state = r.state;
  }
  assert.equal(state!.nextAt, now + 30 * SECOND);
  const blocked = takeAttempt(state, ACCOUNT_CLIENT_POLICY, now + 29 * SECOND);
  assert.deepEqual(blocked, { allowed: false, retryAt: now + 30 * SECOND });
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    now = state!.nextAt;
    const r = takeAttempt(state, ACCOUNT_CLIENT_POLICY, now);
    assert.ok(r.allowed);
    state = r.state;
    delays.push((state.nextAt - now) / SECOND);
  }
  assert.deepEqual(delays, [60, 120, 240, 480, 900, 900, 900, 900]);
  const later = takeAttempt(state, ACCOUNT_CLIENT_POLICY, state!.nextAt + 15 * MINUTE);
  assert.ok(later.allowed);
  assert.equal(later.state.failures, 1);
  assert.equal(giveBack(later.state, ACCOUNT_CLIENT_POLICY).failures, 0);
});
