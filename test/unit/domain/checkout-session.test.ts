import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CHECKOUT_SESSION_STATES,
  CHECKOUT_SESSION_TRANSITIONS,
  addressMeetsDeliverySpecifications,
  associateBuyer,
  cancelCheckoutSession,
  checkComplete,
  constraintsOf,
  createCheckoutSession,
  decideProcessing,
  expireIfDue,
  recordProcessing,
  updateCheckoutSession,
  type CheckoutSession,
} from '../../../src/domain/checkout-session.js';
import { isReturnUrlAllowed, type Merchant, type MerchantStore } from '../../../src/domain/merchant.js';
import { money } from '../../../src/domain/money.js';
import type { Address } from '../../../src/domain/shared-types.js';
import { HOUR } from '../../../src/domain/time.js';

const merchant: Merchant = {
  merchantId: 'AMERCHANT',
  name: 'm',
  region: 'jp',
  ledgerCurrency: 'JPY',
  createdAt: 0,
  sandboxClockOffsetMs: 0,
};
const store: MerchantStore = {
  storeId: 'amzn1.application-oa2-client.x',
  merchantId: 'AMERCHANT',
  name: 's',
  allowedOrigins: [],
};
const address: Address = {
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
  phoneNumber: '090',
};
const buyer = {
  buyerId: 'amzn1.account.X',
  name: '山田 太郎',
  email: 't@example.jp',
  phoneNumber: null,
  primeMembershipTypes: null,
};
const card = (behaviour: 'Succeeds' | 'Declines' | 'BuyerCancels' | 'PendsThenAuthorizes') => ({
  paymentMethodId: 'pm',
  descriptor: 'Visa ****1111 (Amazon Pay)',
  behaviour,
});

function open(now = 0): CheckoutSession {
  const r = createCheckoutSession(
    { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: store.storeId },
    { checkoutSessionId: 'cs-1', merchant, store, environment: 'Sandbox', now },
  );
  assert.ok(r.ok);
  return r.value;
}

function ready(): CheckoutSession {
  const withBuyer = associateBuyer(
    open(),
    { buyer, shippingAddress: address, billingAddress: address, paymentMethod: card('Succeeds') },
    1,
  );
  assert.ok(withBuyer.ok);
  const updated = updateCheckoutSession(
    withBuyer.value,
    {
      webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: money(1000, 'JPY') },
    },
    { merchant, store, now: 2 },
  );
  assert.ok(updated.ok);
  return updated.value;
}

test('final states have no transitions and every state has an entry', () => {
  for (const s of CHECKOUT_SESSION_STATES) assert.ok(Array.isArray(CHECKOUT_SESSION_TRANSITIONS[s]));
  assert.deepEqual(CHECKOUT_SESSION_TRANSITIONS.Completed, []);
  assert.deepEqual(CHECKOUT_SESSION_TRANSITIONS.Canceled, []);
});

test('constraints clear one by one as the buyer and the merchant provide what is missing', () => {
  assert.deepEqual(
    constraintsOf(open()).map((c) => c.constraintId),
    ['BuyerNotAssociated', 'ChargeAmountNotSet', 'CheckoutResultReturnUrlNotSet', 'PaymentIntentNotSet'],
  );
  assert.deepEqual(constraintsOf(ready()), []);
  const recurring = updateCheckoutSession(ready(), { chargePermissionType: 'Recurring' }, { merchant, store, now: 3 });
  assert.ok(recurring.ok);
  assert.deepEqual(
    constraintsOf(recurring.value).map((c) => c.constraintId),
    ['RecurringFrequencyNotSet'],
  );
});

test('JP merchants charge in JPY only; amounts above 10,000,000 JPY are refused', () => {
  const usd = updateCheckoutSession(
    open(),
    { paymentDetails: { chargeAmount: money(1000, 'USD') } },
    { merchant, store, now: 1 },
  );
  assert.ok(!usd.ok && usd.error.reasonCode === 'CurrencyMismatch');
  const huge = updateCheckoutSession(
    open(),
    { paymentDetails: { chargeAmount: money(10_000_001, 'JPY') } },
    { merchant, store, now: 1 },
  );
  assert.ok(!huge.ok && huge.error.reasonCode === 'TransactionAmountExceeded');
});

test('Complete checks the state, the amount and that the buyer went through processing', () => {
  const cs = ready();
  const early = checkComplete(cs, { chargeAmount: money(1000, 'JPY') });
  assert.ok(!early.ok && early.error.reasonCode === 'InvalidCheckoutSessionStatus');
  const processed = recordProcessing(cs, { kind: 'Authorized' }, 3);
  assert.ok(processed.ok);
  const mismatch = checkComplete(processed.value, { chargeAmount: money(999, 'JPY') });
  assert.ok(!mismatch.ok && mismatch.error.reasonCode === 'AmountMismatch');
  const currency = checkComplete(processed.value, { chargeAmount: money(1000, 'USD') });
  assert.ok(!currency.ok && currency.error.reasonCode === 'CurrencyMismatch');
  assert.ok(checkComplete(processed.value, { chargeAmount: money(1000, 'JPY') }).ok);
  const canceled = cancelCheckoutSession(cs, 'BuyerCanceled', 4);
  assert.ok(canceled.ok);
  const afterCancel = checkComplete(canceled.value, { chargeAmount: money(1000, 'JPY') });
  assert.ok(!afterCancel.ok && afterCancel.error.reasonCode === 'CheckoutSessionCanceled');
});

test('a decline cancels with Declined, unless the hosted page lets the buyer choose again', () => {
  const cs = ready();
  const declined = recordProcessing(cs, { kind: 'Declined' }, 5);
  assert.ok(declined.ok && declined.value.state === 'Canceled' && declined.value.reasonCode === 'Declined');
  const retry = recordProcessing(cs, { kind: 'Declined' }, 5, { keepOpenOnDecline: true });
  assert.ok(retry.ok && retry.value.state === 'Open' && retry.value.processing === null);
});

test('pending cards need Authorize with canHandlePendingAuthorization', () => {
  const r = decideProcessing(ready(), card('PendsThenAuthorizes'));
  assert.ok(!r.ok && r.error.reasonCode === 'InvalidSandboxSimulationSpecified');
});

test('an Open session expires exactly 24 hours after creation; final states never change', () => {
  const cs = open(0);
  assert.equal(expireIfDue(cs, 24 * HOUR - 1), null);
  const expired = expireIfDue(cs, 24 * HOUR);
  assert.equal(expired?.state, 'Canceled');
  assert.equal(expired?.reasonCode, 'Expired');
  assert.equal(expireIfDue(expired!, 48 * HOUR), null);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e12 }), (t) => {
      const again = expired ? expireIfDue(expired, t) : null;
      assert.equal(again, null);
    }),
  );
});

test('delivery specifications: PO boxes, Packstations and country allow-lists', () => {
  const pobox = { ...address, addressLine2: '日本橋郵便局 私書箱 第12号' };
  assert.ok(
    !addressMeetsDeliverySpecifications(pobox, { specialRestrictions: ['RestrictPOBoxes'], addressRestrictions: null })
      .ok,
  );
  assert.ok(
    addressMeetsDeliverySpecifications(address, { specialRestrictions: ['RestrictPOBoxes'], addressRestrictions: null })
      .ok,
  );
  const onlyOkinawa = {
    specialRestrictions: [],
    addressRestrictions: {
      type: 'Allowed' as const,
      restrictions: { JP: { statesOrRegions: ['沖縄県'], zipCodes: [] } },
    },
  };
  assert.ok(!addressMeetsDeliverySpecifications(address, onlyOkinawa).ok);
  assert.ok(addressMeetsDeliverySpecifications({ ...address, stateOrRegion: '沖縄県' }, onlyOkinawa).ok);
});

test('return URLs in signed calls: any absolute https URL, http only on loopback, no control characters', () => {
  const locked: MerchantStore = { ...store, allowedOrigins: ['https://shop.example'] };
  const create = (url: string, environment: 'Sandbox' | 'Live' = 'Sandbox') =>
    createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: url }, storeId: store.storeId },
      { checkoutSessionId: 'x', merchant, store: locked, environment, now: 0 },
    );
  // Allowed origins guard the button's pages, not signed calls.
  assert.ok(create('https://other-shop.example/review').ok);
  for (const url of ['http://localhost:3000/r', 'http://127.0.0.1/r', 'http://127.9.8.7:8080/r', 'http://[::1]/r'])
    assert.ok(create(url).ok, url);
  for (const [url, why] of [
    ['http://shop.example/review', /only for localhost/i],
    ['https://shop.example/re\r\nview', /control characters/],
    ['https://shop.example/\treview', /control characters/],
    ['https://user:pw@shop.example/review', /credentials/],
    ['ftp://shop.example/review', /only http and https/i],
  ] as const) {
    const r = create(url);
    assert.ok(!r.ok && r.error.reasonCode === 'InvalidParameterValue' && why.test(r.error.message), url);
  }
  const live = create('http://localhost/review', 'Live');
  assert.ok(!live.ok && /https/.test(live.error.message));
});

test('the button pages: return URLs must also use an origin the store allows', () => {
  const locked: MerchantStore = { ...store, allowedOrigins: ['https://shop.example'] };
  assert.deepEqual(isReturnUrlAllowed('https://shop.example/review', locked, 'Sandbox'), { allowed: true });
  const evil = isReturnUrlAllowed('https://evil.example/review', locked, 'Sandbox');
  assert.ok(!evil.allowed && /not allowed/.test(evil.why));
  assert.ok(!isReturnUrlAllowed('http://shop.example/review', store, 'Sandbox').allowed);
});
