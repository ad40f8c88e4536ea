import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instant } from '../../../src/wire/schema.js';

const at = Date.UTC(2026, 0, 27, 10, 10, 10);

test('dispute timestamps: epoch seconds (PHP, Java), milliseconds (Node), ISO-8601 (the docs), one instant', () => {
  const s = instant();
  for (const v of [at, at / 1000, String(at), String(at / 1000), '2026-01-27T10:10:10Z', '20260127T101010Z']) {
    const r = s.parse(v, 'filingTimestamp');
    assert.ok(r.ok, String(v));
    assert.equal(r.value, at, String(v));
  }
  const offset = s.parse('2026-01-27T19:10:10+09:00', 'x');
  assert.ok(offset.ok && offset.value === at);
  const fraction = s.parse('2026-01-27T10:10:10.500Z', 'x');
  assert.ok(fraction.ok && fraction.value === at + 500);
});

test('anything else is InvalidParameterValue with the field path', () => {
  const s = instant();
  for (const v of ['tomorrow', '2026-01-27', '2026-13-45T99:99:99Z', -1, Number.NaN, true, {}, '1e12', 1e20]) {
    const r = s.parse(v, 'merchantResponseDeadline');
    assert.ok(!r.ok, String(v));
    assert.equal(r.error.reasonCode, 'InvalidParameterValue');
    assert.match(r.error.message, /merchantResponseDeadline/);
  }
});
