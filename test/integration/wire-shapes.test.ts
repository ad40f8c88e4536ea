import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import {
  idem,
  officialClient,
  settle,
  testing,
  type OfficialClient,
  type OfficialResponse,
} from '../support/official-sdk.js';
import { csrfOf, PageClient, buttonFields } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/**
 * Key sets and key order of every response of every operation, as the live service answers them
 * (spec 11 §11.1), driven through Amazon's official Node SDK. The lists are written out here from the spec,
 * not read from reji's declarations, so that a declaration that drifts fails this test.
 */

interface KeySpec {
  readonly keys: readonly string[];
  /** Nested objects to check when they are not null (arrays: each element). */
  readonly nested?: Readonly<Record<string, KeySpec>>;
}

const PRICE: KeySpec = { keys: ['amount', 'currencyCode'] };
const ADDRESS: KeySpec = {
  keys: [
    'name',
    'addressLine1',
    'addressLine2',
    'addressLine3',
    'city',
    'county',
    'district',
    'stateOrRegion',
    'postalCode',
    'countryCode',
    'phoneNumber',
  ],
};
const BUYER: KeySpec = { keys: ['name', 'email', 'buyerId', 'primeMembershipTypes', 'phoneNumber'] };
const STATUS: KeySpec = { keys: ['state', 'reasonCode', 'reasonDescription', 'lastUpdatedTimestamp'] };
const MERCHANT_METADATA: KeySpec = {
  keys: ['merchantReferenceId', 'merchantStoreName', 'noteToBuyer', 'customInformation'],
};
const RECURRING: KeySpec = {
  keys: ['frequency', 'amount'],
  nested: { frequency: { keys: ['unit', 'value'] }, amount: PRICE },
};

const CHECKOUT_SESSION: KeySpec = {
  keys: [
    'checkoutSessionId',
    'webCheckoutDetails',
    'productType',
    'paymentDetails',
    'chargePermissionType',
    'orderType',
    'recurringMetadata',
    'paymentMethodOnFileMetadata',
    'merchantDetails',
    'merchantMetadata',
    'supplementaryData',
    'buyer',
    'billingAddress',
    'paymentPreferences',
    'statusDetails',
    'shippingAddress',
    'platformId',
    'chargePermissionId',
    'chargeId',
    'constraints',
    'creationTimestamp',
    'expirationTimestamp',
    'storeId',
    'providerMetadata',
    'releaseEnvironment',
    'checkoutButtonText',
    'deliverySpecifications',
    'tokens',
  ],
  nested: {
    webCheckoutDetails: {
      keys: [
        'checkoutReviewReturnUrl',
        'checkoutResultReturnUrl',
        'amazonPayRedirectUrl',
        'checkoutCancelUrl',
        'checkoutMode',
      ],
    },
    paymentDetails: {
      keys: [
        'paymentIntent',
        'canHandlePendingAuthorization',
        'chargeAmount',
        'totalOrderAmount',
        'softDescriptor',
        'presentmentCurrency',
        'allowOvercharge',
        'extendExpiration',
      ],
      nested: { chargeAmount: PRICE, totalOrderAmount: PRICE },
    },
    recurringMetadata: RECURRING,
    merchantMetadata: MERCHANT_METADATA,
    buyer: BUYER,
    billingAddress: ADDRESS,
    shippingAddress: ADDRESS,
    statusDetails: STATUS,
    paymentPreferences: { keys: ['paymentDescriptor'] },
    constraints: { keys: ['constraintId', 'description'] },
  },
};

const CHARGE_PERMISSION: KeySpec = {
  keys: [
    'chargePermissionId',
    'amazonPayToken',
    'chargePermissionReferenceId',
    'platformId',
    'buyer',
    'shippingAddress',
    'billingAddress',
    'paymentPreferences',
    'statusDetails',
    'creationTimestamp',
    'expirationTimestamp',
    'merchantMetadata',
    'releaseEnvironment',
    'limits',
    'chargePermissionType',
    'recurringMetadata',
    'presentmentCurrency',
  ],
  nested: {
    buyer: BUYER,
    shippingAddress: ADDRESS,
    billingAddress: ADDRESS,
    statusDetails: { keys: ['state', 'reasons', 'lastUpdatedTimestamp'] },
    merchantMetadata: MERCHANT_METADATA,
    limits: { keys: ['amountLimit', 'amountBalance'], nested: { amountLimit: PRICE, amountBalance: PRICE } },
    recurringMetadata: RECURRING,
  },
};

/** Spec 11's 18 keys in its order, then the two request echoes reji keeps (docs/decisions.md). */
const CHARGE: KeySpec = {
  keys: [
    'chargeId',
    'chargeAmount',
    'chargePermissionId',
    'captureAmount',
    'refundedAmount',
    'softDescriptor',
    'providerMetadata',
    'convertedAmount',
    'conversionRate',
    'channel',
    'chargeInitiator',
    'statusDetails',
    'creationTimestamp',
    'expirationTimestamp',
    'releaseEnvironment',
    'merchantMetadata',
    'platformId',
    'webCheckoutDetails',
    'captureNow',
    'canHandlePendingAuthorization',
  ],
  nested: {
    chargeAmount: PRICE,
    captureAmount: PRICE,
    refundedAmount: PRICE,
    convertedAmount: PRICE,
    statusDetails: STATUS,
    merchantMetadata: MERCHANT_METADATA,
  },
};

const REFUND: KeySpec = {
  keys: [
    'refundId',
    'chargeId',
    'refundAmount',
    'softDescriptor',
    'creationTimestamp',
    'statusDetails',
    'releaseEnvironment',
  ],
  nested: { refundAmount: PRICE, statusDetails: STATUS },
};

/** Spec 11 fixes only the addresses of Get Buyer; the top level is reji's earlier order. */
const BUYER_PROFILE: KeySpec = {
  keys: [
    'buyerId',
    'name',
    'email',
    'postalCode',
    'countryCode',
    'phoneNumber',
    'shippingAddress',
    'billingAddress',
    'primeMembershipTypes',
  ],
  nested: { shippingAddress: ADDRESS, billingAddress: ADDRESS },
};

/** Asserts the key order of `value` and of its nested objects; returns how many objects it checked. */
function assertShape(value: unknown, spec: KeySpec, path: string): number {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${path} is an object`);
  assert.deepEqual(Object.keys(value), spec.keys, `keys of ${path}`);
  let checked = 1;
  for (const [key, inner] of Object.entries(spec.nested ?? {})) {
    const v = (value as Record<string, unknown>)[key];
    if (v === null) continue;
    if (!Array.isArray(v)) checked += assertShape(v, inner, `${path}.${key}`);
    else for (const [i, item] of v.entries()) checked += assertShape(item, inner, `${path}.${key}[${i}]`);
  }
  return checked;
}

/** The answer of a call that must succeed (its error body in the message otherwise). */
async function must(call: Promise<OfficialResponse>): Promise<OfficialResponse> {
  const r = await settle(call);
  assert.ok(r.status < 300, `${r.status} ${JSON.stringify(r.data)}`);
  return r;
}

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

for (const { dialect, skip } of await dialectCases()) {
  describe(`response key sets and order of spec 11 (${dialect}, official SDK)`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    test('Checkout Session: create, get, update, complete (28 keys; nested objects too)', async () => {
      const created = await must(
        client.createCheckoutSession(
          {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
            storeId: merchant.storeId,
            scopes: ['name', 'email', 'phoneNumber', 'billingAddress', 'shippingAddress'],
            merchantMetadata: { merchantReferenceId: 'order-1' },
          },
          idem(),
        ),
      );
      assertShape(created.data, CHECKOUT_SESSION, 'create');
      assert.equal(created.data.orderType, null);
      assert.equal(created.data.merchantDetails, null);
      assert.equal(created.data.tokens, null);
      const id = created.data.checkoutSessionId as string;
      await must(testing(client).buyerConsent(id));
      const got = await must(client.getCheckoutSession(id));
      // The buyer, both addresses and a payment preference are there to be checked.
      assert.ok(got.data.buyer && got.data.shippingAddress && got.data.billingAddress && got.data.paymentPreferences);
      assert.ok(assertShape(got.data, CHECKOUT_SESSION, 'get') >= 9);
      const updated = await must(
        client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
          paymentDetails: { paymentIntent: 'Authorize', chargeAmount: JPY('5000'), totalOrderAmount: JPY('5000') },
        }),
      );
      assert.ok(updated.data.paymentDetails.chargeAmount);
      assertShape(updated.data, CHECKOUT_SESSION, 'update');
      await must(testing(client).processPayment(id));
      const completed = await must(
        client.completeCheckoutSession(id, { chargeAmount: JPY('5000'), totalOrderAmount: JPY('5000') }),
      );
      assert.equal(completed.status, 200);
      assertShape(completed.data, CHECKOUT_SESSION, 'complete');
    });

    test('Charge Permission, Charge and Refund: every operation', async () => {
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '10000' });
      const cpId = done.data.chargePermissionId as string;
      const cp = await must(client.getChargePermission(cpId));
      assert.ok(cp.data.buyer && cp.data.shippingAddress);
      assertShape(cp.data, CHARGE_PERMISSION, 'get charge permission');
      // OneTime: an object of nulls, so `cp.recurringMetadata.frequency` reads as on Amazon.
      assert.deepEqual(cp.data.recurringMetadata, { frequency: null, amount: null });
      assert.equal(cp.data.amazonPayToken, null);
      const cpUpdated = await must(
        client.updateChargePermission(cpId, { merchantMetadata: { noteToBuyer: 'thanks' } }),
      );
      assertShape(cpUpdated.data, CHARGE_PERMISSION, 'update charge permission');

      const charge = await must(client.createCharge({ chargePermissionId: cpId, chargeAmount: JPY('3000') }, idem()));
      assertShape(charge.data, CHARGE, 'create charge');
      const chargeId = charge.data.chargeId as string;
      const captured = await must(client.captureCharge(chargeId, { captureAmount: JPY('3000') }, idem()));
      assert.ok(captured.data.captureAmount && captured.data.convertedAmount);
      assertShape(captured.data, CHARGE, 'capture charge');
      const refund = await must(client.createRefund({ chargeId, refundAmount: JPY('1000') }, idem()));
      assertShape(refund.data, REFUND, 'create refund');
      await must(testing(client).advanceClock(60));
      assertShape((await must(client.getRefund(refund.data.refundId))).data, REFUND, 'get refund');
      const got = await must(client.getCharge(chargeId));
      assert.ok(got.data.refundedAmount);
      assertShape(got.data, CHARGE, 'get charge');

      const second = await must(client.createCharge({ chargePermissionId: cpId, chargeAmount: JPY('2000') }, idem()));
      const canceled = await must(client.cancelCharge(second.data.chargeId, { cancellationReason: 'out of stock' }));
      assert.equal(canceled.data.statusDetails.state, 'Canceled');
      assertShape(canceled.data, CHARGE, 'cancel charge');

      const closed = await must(client.closeChargePermission(cpId, { closureReason: 'done' }));
      assertShape(closed.data, CHARGE_PERMISSION, 'close charge permission');
    });

    test('a Recurring charge permission: recurringMetadata with frequency and amount', async () => {
      const done = await checkout(client, merchant, {
        intent: 'Confirm',
        chargePermissionType: 'Recurring',
        recurringMetadata: { frequency: { unit: 'Month', value: '1' }, amount: JPY('5000') },
      });
      assert.equal(done.status, 200);
      const cp = await must(client.getChargePermission(done.data.chargePermissionId));
      assert.ok(cp.data.recurringMetadata.frequency && cp.data.recurringMetadata.amount);
      assertShape(cp.data, CHARGE_PERMISSION, 'recurring charge permission');
    });

    test('Get Buyer: top level as before, addresses in Amazon order', async () => {
      // A merchant whose allowed origins include the shop page the sign-in button is on.
      const shop = 'http://127.0.0.1:8123';
      const signIn = await reji.merchant('jp', ['http://127.0.0.1:*']);
      const page = new PageClient(reji.httpUrl);
      const started = await page.post(
        '/checkout/start',
        buttonFields(
          signIn,
          {
            signInReturnUrl: `${shop}/signed-in`,
            storeId: signIn.storeId,
            signInScopes: ['name', 'email', 'postalCode', 'shippingAddress', 'billingAddress', 'phoneNumber'],
          },
          { productType: 'SignIn' },
        ),
        { origin: shop },
      );
      const next = new URL(started.url).searchParams.get('next')!;
      const consent = await page.post('/checkout/signin', {
        _csrf: csrfOf(started.html),
        email: 'taro.yamada@example.jp',
        password: 'sandbox',
        next,
      });
      const allowed = await page.request('/checkout/consent', {
        form: {
          _csrf: csrfOf(consent.html),
          signInRequestId: new URL(consent.url).searchParams.get('signInRequestId')!,
          decision: 'allow',
        },
      });
      const token = new URL(allowed.headers.get('location')!).searchParams.get('buyerToken')!;
      const buyer = await must(officialClient(reji, signIn).getBuyer(token));
      assert.ok(buyer.data.shippingAddress && buyer.data.billingAddress);
      assertShape(buyer.data, BUYER_PROFILE, 'get buyer');
    });
  });
}
