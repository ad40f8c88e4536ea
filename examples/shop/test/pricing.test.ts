// The shop's money: integer yen, shipping rule, coupons and their validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PRODUCTS } from '../src/catalog.js';
import {
  checkCoupon,
  shippingOf,
  normalizeCart,
  parseQuantity,
  parseYen,
  totalsOf,
  yen,
  SHIPPING_FEE,
  FREE_SHIPPING_FROM,
} from '../src/pricing.js';

describe('shop pricing', () => {
  test('one matcha: ¥1,980 + ¥500 shipping = ¥2,480', () => {
    const t = totalsOf({ matcha: 1 });
    assert.deepEqual([t.subtotal, t.discount, t.shipping, t.total], [1980, 0, 500, 2480]);
  });

  test('shipping is free from ¥5,000 of goods, counted before the coupon', () => {
    assert.equal(totalsOf({ kyusu: 1 }).shipping, SHIPPING_FEE); // 4,800
    const t = totalsOf({ kyusu: 1, sencha: 1 }, 'WELCOME10'); // 5,780 - 578
    assert.deepEqual([t.subtotal, t.discount, t.shipping, t.total], [5780, 578, 0, 5202]);
    assert.equal(totalsOf({ matcha: 2, sencha: 1 }).shipping, SHIPPING_FEE); // 4,940: just below
    assert.deepEqual([shippingOf(4999), shippingOf(5000), shippingOf(0)], [SHIPPING_FEE, 0, 0]);
  });

  test('WELCOME10 takes 10 % off the goods, rounded down to whole yen', () => {
    const t = totalsOf({ matcha: 1 }, 'welcome10 ');
    assert.equal(t.coupon?.code, 'WELCOME10');
    assert.deepEqual([t.discount, t.total], [198, 2282]);
    assert.equal(totalsOf({ sencha: 1 }, 'WELCOME10').discount, 98); // 98.0
    assert.equal(totalsOf({ sencha: 3 }, 'WELCOME10').discount, 294); // 294.0
    assert.equal(totalsOf({ yunomi: 1, sencha: 1 }, 'WELCOME10').discount, 218); // 218.0
  });

  test('coupon validation says what is wrong', () => {
    assert.deepEqual(checkCoupon('  ', 1000), { ok: false, error: 'couponEmpty' });
    assert.deepEqual(checkCoupon('FREE100', 1000), { ok: false, error: 'couponUnknown' });
    assert.deepEqual(checkCoupon('SENCHA500', 2999), { ok: false, error: 'couponMinimum', minimum: 3000 });
    assert.equal(checkCoupon('sencha500', 3000).ok, true);
    // A coupon that no longer applies is dropped from the totals instead of failing.
    assert.equal(totalsOf({ sencha: 1 }, 'SENCHA500').discount, 0);
  });

  test('quantities: whole numbers 0..10 only; unknown products dropped', () => {
    assert.equal(parseQuantity('3'), 3);
    assert.equal(parseQuantity(' 0 '), 0);
    for (const bad of ['-1', '1.5', '11', 'abc', '', '1e1', undefined])
      assert.equal(parseQuantity(bad), null, String(bad));
    assert.deepEqual(normalizeCart({ matcha: 2, nope: 1, kyusu: 0, yunomi: 99, sencha: 1.5 }), {
      matcha: 2,
      yunomi: 10,
    });
  });

  test('yen formatting and parsing', () => {
    assert.equal(yen(0), '¥0');
    assert.equal(yen(2480), '¥2,480');
    assert.equal(yen(1234567), '¥1,234,567');
    assert.equal(yen(-198), '-¥198');
    assert.throws(() => yen(1.5));
    assert.equal(parseYen('1980'), 1980);
    assert.equal(parseYen('1980.00'), 1980);
    assert.equal(parseYen('19.5'), null);
    assert.equal(parseYen(null), null);
  });

  test('property: totals are integers, never negative, and add up', () => {
    const ids = PRODUCTS.map((p) => p.id);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: 1, max: 10 })),
        fc.constantFrom(null, 'WELCOME10', 'SENCHA500', 'BOGUS'),
        (items, coupon) => {
          const t = totalsOf(items, coupon);
          for (const n of [t.subtotal, t.discount, t.shipping, t.total]) assert.ok(Number.isSafeInteger(n) && n >= 0);
          assert.equal(t.total, t.subtotal - t.discount + t.shipping);
          assert.equal(
            t.subtotal,
            t.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
          );
          assert.ok(t.discount <= t.subtotal);
          assert.equal(t.shipping, t.subtotal >= FREE_SHIPPING_FROM || t.subtotal === 0 ? 0 : SHIPPING_FEE);
        },
      ),
    );
  });
});
