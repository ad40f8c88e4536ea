import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CURRENCIES,
  add,
  compare,
  formatAmount,
  money,
  parseAmount,
  subtract,
  type CurrencyCode,
} from '../../../src/domain/money.js';
import { overRefundAllowance, overchargeLimit } from '../../../src/domain/limits.js';

test('parses decimal strings and JSON numbers exactly into minor units', () => {
  assert.deepEqual(parseAmount('15.00', 'USD', 'x'), { ok: true, value: money(1500, 'USD') });
  assert.deepEqual(parseAmount('15.5', 'USD', 'x'), { ok: true, value: money(1550, 'USD') });
  assert.deepEqual(parseAmount(50, 'USD', 'x'), { ok: true, value: money(5000, 'USD') });
  assert.deepEqual(parseAmount(0.1, 'EUR', 'x'), { ok: true, value: money(10, 'EUR') });
  assert.deepEqual(parseAmount('500', 'JPY', 'x'), { ok: true, value: money(500, 'JPY') });
  assert.deepEqual(parseAmount('0010.10', 'GBP', 'x'), { ok: true, value: money(1010, 'GBP') });
});

test('refuses fractions of yen, three decimals, zero, negatives, exponents and junk', () => {
  for (const [raw, currency] of [
    ['10.5', 'JPY'],
    ['1.999', 'USD'],
    ['0', 'USD'],
    ['-5', 'EUR'],
    ['1e3', 'USD'],
    ['abc', 'USD'],
    ['', 'JPY'],
    [null, 'USD'],
    [true, 'USD'],
    [0.30000000000000004, 'USD'],
    ['12345678901234', 'JPY'],
  ] as const) {
    const r = parseAmount(raw, currency as CurrencyCode, 'chargeAmount.amount');
    assert.equal(r.ok, false, `${String(raw)} ${currency} should be refused`);
    if (!r.ok) {
      assert.equal(r.error.reasonCode, 'InvalidParameterValue');
      assert.match(r.error.message, /chargeAmount\.amount/);
    }
  }
  const jpy = parseAmount('10.5', 'JPY', 'x');
  assert.ok(!jpy.ok && /no decimal places/.test(jpy.error.message));
});

test('formats per currency: two decimals, or none for JPY', () => {
  assert.equal(formatAmount(money(1500, 'USD')), '15.00');
  assert.equal(formatAmount(money(5, 'EUR')), '0.05');
  assert.equal(formatAmount(money(500, 'JPY')), '500');
  assert.equal(formatAmount(money(-250, 'GBP')), '-2.50');
});

const currency = fc.constantFrom(...(Object.keys(CURRENCIES) as CurrencyCode[]));

test('property: format then parse gives the same money back', () => {
  fc.assert(
    fc.property(currency, fc.integer({ min: 1, max: 1_000_000_000_000 }), (c, minor) => {
      const r = parseAmount(formatAmount(money(minor, c)), c, 'x');
      assert.ok(r.ok);
      assert.deepEqual(r.value, money(minor, c));
    }),
  );
});

test('property: add and subtract are exact inverses; compare agrees with integers', () => {
  fc.assert(
    fc.property(currency, fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), (c, a, b) => {
      const x = money(a, c);
      const y = money(b, c);
      assert.deepEqual(subtract(add(x, y), y), x);
      assert.equal(compare(x, y), a < b ? -1 : a > b ? 1 : 0);
    }),
  );
});

test('adding different currencies is a programming error, never a silent sum', () => {
  assert.throws(() => add(money(1, 'USD'), money(1, 'EUR')), /currency mismatch/);
});

test('over-refund allowance: the lesser of 15 % and 75 (or 8,400 JPY)', () => {
  assert.deepEqual(overRefundAllowance(money(10_000, 'USD')), money(1_500, 'USD'));
  assert.deepEqual(overRefundAllowance(money(100_000, 'USD')), money(7_500, 'USD'));
  assert.deepEqual(overRefundAllowance(money(10_000, 'JPY')), money(1_500, 'JPY'));
  assert.deepEqual(overRefundAllowance(money(1_000_000, 'JPY')), money(8_400, 'JPY'));
  fc.assert(
    fc.property(currency, fc.integer({ min: 1, max: 1e10 }), (c, minor) => {
      const a = overRefundAllowance(money(minor, c));
      assert.ok(a.minor >= 0 && a.minor <= Math.floor(minor * 0.15) + 0);
    }),
  );
});

test('overcharge limit: the greater of 900 % and 500 (or 70,000 JPY)', () => {
  assert.deepEqual(overchargeLimit(money(1000, 'USD')), money(50_000, 'USD'));
  assert.deepEqual(overchargeLimit(money(10_000, 'USD')), money(90_000, 'USD'));
  assert.deepEqual(overchargeLimit(money(1000, 'JPY')), money(70_000, 'JPY'));
});
