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
  assert.deepEqual(parseAmount('0.50', 'GBP', 'x'), { ok: true, value: money(50, 'GBP') });
  assert.deepEqual(parseAmount('10.1', 'GBP', 'x'), { ok: true, value: money(1010, 'GBP') });
  assert.deepEqual(parseAmount(100.0, 'JPY', 'x'), { ok: true, value: money(100, 'JPY') });
});

test('one rule for amount strings: no whitespace, no leading zeros, JPY without a point, at most two decimals', () => {
  for (const [raw, currency, why] of [
    ['100.0', 'JPY', /no decimal places/],
    ['100.00', 'JPY', /no decimal places/],
    ['100.', 'JPY', /no decimal places/],
    [' 100', 'JPY', /whitespace/],
    ['100 ', 'USD', /whitespace/],
    ['1 000', 'JPY', /whitespace/],
    ['0100', 'JPY', /leading zero; write "100"/],
    ['00.50', 'USD', /leading zero; write "0.50"/],
    ['0010.10', 'GBP', /leading zero/],
    ['1.500', 'USD', /at most 2 decimal places/],
    ['1.', 'USD', /ends with a decimal point/],
    ['.5', 'USD', /not a positive decimal amount/],
    ['+5', 'USD', /not a positive decimal amount/],
    ['0', 'JPY', /greater than zero/],
    ['0.00', 'USD', /greater than zero/],
  ] as const) {
    const r = parseAmount(raw, currency, 'chargeAmount.amount');
    assert.ok(!r.ok, `${raw} ${currency} should be refused`);
    assert.equal(r.error.reasonCode, 'InvalidParameterValue');
    assert.match(r.error.message, /chargeAmount\.amount/);
    assert.match(r.error.message, why, `${raw} ${currency}: ${r.error.message}`);
  }
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

/** The rule of docs/decisions.md (Money), written independently of the parser. */
function wellFormed(text: string, c: CurrencyCode): boolean {
  const pattern = CURRENCIES[c].decimals === 0 ? /^(0|[1-9][0-9]*)$/ : /^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;
  return pattern.test(text) && /[1-9]/.test(text) && text.split('.')[0]!.length <= 13;
}

test('property: a string is accepted exactly when it follows the rule, and then means its decimal value', () => {
  const pieces = fc.constantFrom('0', '1', '5', '9', '00', '.', ' ', '\t', '-', '+', 'e', '.0', '.5', '.05', '.500');
  const candidate = fc.oneof(
    fc.array(pieces, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    fc.integer({ min: 0, max: 10_000_000 }).map(String),
    fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${b}`),
  );
  fc.assert(
    fc.property(currency, candidate, (c, text) => {
      const r = parseAmount(text, c, 'x');
      assert.equal(r.ok, wellFormed(text, c), `${JSON.stringify(text)} ${c}: ${r.ok ? 'accepted' : r.error.message}`);
      if (r.ok) assert.equal(r.value.minor, Math.round(Number(text) * 10 ** CURRENCIES[c].decimals));
    }),
    { numRuns: 2000 },
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
