import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCart, chooseDeliveryOption, sameAddress, type CartDetails } from '../../../src/domain/buy-now.js';
import { money } from '../../../src/domain/money.js';
import type { Address } from '../../../src/domain/shared-types.js';

const yen = (n: number) => money(n, 'JPY');

const cart: CartDetails = {
  lineItems: [
    {
      id: 'tea',
      title: 'Sencha',
      variantTitle: null,
      quantity: '2',
      listPrice: yen(990),
      totalListPrice: yen(1980),
      discountedPrice: null,
    },
  ],
  deliveryOptions: [
    {
      id: 'std',
      price: yen(0),
      shippingMethod: { shippingMethodName: 'Standard', shippingMethodCode: 'std' },
      shippingEstimate: null,
      isDefault: true,
    },
    {
      id: 'exp',
      price: yen(700),
      shippingMethod: { shippingMethodName: 'Express', shippingMethodCode: 'exp' },
      shippingEstimate: null,
      isDefault: false,
    },
  ],
  totalShippingAmount: yen(0),
  totalBaseAmount: yen(1980),
  totalTaxAmount: yen(0),
  totalDiscountAmount: yen(100),
  totalChargeAmount: yen(1880),
  totalOrderAmount: null,
};

const reason = (r: { ok: boolean; error?: { reasonCode: string } }) => (r.ok ? 'ok' : r.error!.reasonCode);

test('a Buy Now cart must add up, in one currency, with consistent lines and delivery options', () => {
  const options = { shipping: true, path: 'cartDetails' };
  assert.equal(reason(checkCart(cart, 'JPY', options)), 'ok');
  assert.equal(reason(checkCart({ ...cart, totalChargeAmount: yen(1980) }, 'JPY', options)), 'InvalidParameterValue');
  assert.equal(reason(checkCart(cart, 'USD', options)), 'CurrencyMismatch');
  const badLine = { ...cart, lineItems: [{ ...cart.lineItems![0]!, totalListPrice: yen(990) }] };
  assert.equal(reason(checkCart(badLine, 'JPY', options)), 'InvalidParameterValue');
  assert.equal(reason(checkCart({ ...cart, deliveryOptions: null }, 'JPY', options)), 'MissingParameterValue');
  assert.equal(reason(checkCart({ ...cart, deliveryOptions: null }, 'JPY', { ...options, shipping: false })), 'ok');
  const twoDefaults = { ...cart, deliveryOptions: cart.deliveryOptions!.map((o) => ({ ...o, isDefault: true })) };
  assert.equal(reason(checkCart(twoDefaults, 'JPY', options)), 'InvalidParameterValue');
  const chosen = chooseDeliveryOption(cart, 'exp');
  assert.ok(chosen.ok);
  assert.deepEqual(
    chosen.value.deliveryOptions!.map((o) => o.isDefault),
    [false, true],
  );
  assert.equal(reason(chooseDeliveryOption(cart, 'nope')), 'InvalidParameterValue');
});

test('Finalize compares addresses as Amazon shared them: trimmed, empty as null, codes case-insensitive', () => {
  const shared: Address = {
    name: '山田 太郎',
    addressLine1: '千代田区千代田1-1',
    addressLine2: null,
    addressLine3: null,
    city: null,
    county: null,
    district: null,
    stateOrRegion: '東京都',
    postalCode: '100-0001',
    countryCode: 'JP',
    phoneNumber: '090-1234-5678',
  };
  assert.ok(sameAddress({ ...shared, name: ' 山田  太郎 ', addressLine2: '', countryCode: 'jp' }, shared));
  assert.ok(!sameAddress({ ...shared, addressLine1: '大阪市北区梅田3-1-1' }, shared));
  assert.ok(!sameAddress({ ...shared, phoneNumber: null }, shared));
});
