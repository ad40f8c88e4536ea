import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkEndpointUrl,
  GIVE_UP_AFTER_MS,
  isAcknowledged,
  nextAttemptAt,
  nominalDelay,
  RETRY_DELAYS_MS,
} from '../../../src/domain/ipn-delivery.js';
import { DAY, HOUR, MINUTE, SECOND } from '../../../src/domain/time.js';

const T0 = Date.UTC(2026, 0, 1);

/** Every attempt time of one delivery that is never acknowledged. */
function attemptTimes(jitters: (i: number) => number): number[] {
  const times = [T0];
  for (let attempt = 1; ; attempt++) {
    const next = nextAttemptAt({
      attempt,
      attemptedAt: times[times.length - 1]!,
      deliveryStartedAt: T0,
      jitter: jitters(attempt),
    });
    if (next === null) return times;
    times.push(next);
  }
}

describe('notification retry schedule', () => {
  test('without jitter: +0, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h, then the last attempt at 26 h', () => {
    const offsets = attemptTimes(() => 0).map((t) => t - T0);
    assert.deepEqual(offsets, [
      0,
      30 * SECOND,
      2 * MINUTE + 30 * SECOND,
      12 * MINUTE + 30 * SECOND,
      42 * MINUTE + 30 * SECOND,
      HOUR + 42 * MINUTE + 30 * SECOND,
      3 * HOUR + 42 * MINUTE + 30 * SECOND,
      7 * HOUR + 42 * MINUTE + 30 * SECOND,
      15 * HOUR + 42 * MINUTE + 30 * SECOND,
      23 * HOUR + 42 * MINUTE + 30 * SECOND,
      26 * HOUR,
    ]);
  });

  test('jitter stretches or shrinks each wait by at most 20 %', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = nominalDelay(attempt);
      const at = T0 + MINUTE;
      assert.equal(
        nextAttemptAt({ attempt, attemptedAt: at, deliveryStartedAt: at, jitter: -1 }),
        at + Math.min(base * 0.8, GIVE_UP_AFTER_MS),
      );
      assert.equal(
        nextAttemptAt({ attempt, attemptedAt: at, deliveryStartedAt: at, jitter: 1 }),
        at + Math.min(base * 1.2, GIVE_UP_AFTER_MS),
      );
    }
  });

  test('waits are capped at 8 hours', () => {
    assert.equal(nominalDelay(8), 8 * HOUR);
    assert.equal(nominalDelay(50), 8 * HOUR);
    assert.equal(RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1], 8 * HOUR);
  });

  test('an attempt at or after the give-up point is the last', () => {
    assert.equal(
      nextAttemptAt({ attempt: 10, attemptedAt: T0 + GIVE_UP_AFTER_MS, deliveryStartedAt: T0, jitter: 0 }),
      null,
    );
    assert.equal(nextAttemptAt({ attempt: 1, attemptedAt: T0 + 3 * DAY, deliveryStartedAt: T0, jitter: 0 }), null);
  });

  test('for any jitter: increasing times, none after 26 h, the last exactly at 26 h, over a day in all', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }),
        (jitters) => {
          const times = attemptTimes((i) => jitters[i - 1]!);
          for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!);
          assert.equal(times[times.length - 1], T0 + GIVE_UP_AFTER_MS);
          assert.ok(GIVE_UP_AFTER_MS >= DAY);
          assert.ok(times.length >= 10 && times.length <= 12, `${times.length} attempts`);
        },
      ),
    );
  });

  test('only a 2xx answer acknowledges', () => {
    assert.ok(isAcknowledged(200));
    assert.ok(isAcknowledged(204));
    for (const code of [null, 199, 301, 302, 400, 404, 500, 503])
      assert.equal(isAcknowledged(code), false, String(code));
  });
});

describe('notification endpoint URLs', () => {
  test('the sandbox accepts http and https; live only https', () => {
    assert.deepEqual(checkEndpointUrl('http://127.0.0.1:9000/ipn', 'Sandbox'), {
      ok: true,
      url: 'http://127.0.0.1:9000/ipn',
    });
    assert.equal(checkEndpointUrl('https://shop.example/ipn', 'Live').ok, true);
    const live = checkEndpointUrl('http://shop.example/ipn', 'Live');
    assert.equal(live.ok, false);
    assert.match(!live.ok ? live.why : '', /https/);
  });

  test('refuses what cannot be an endpoint', () => {
    for (const url of [
      'shop.example/ipn',
      'ftp://shop.example/ipn',
      'https://user:pw@shop.example/ipn',
      'https://shop.example/ipn#x',
      '',
    ]) {
      assert.equal(checkEndpointUrl(url, 'Sandbox').ok, false, url);
    }
  });
});
