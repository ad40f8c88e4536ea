import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing, type KeyKind } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const WIRE_TIMESTAMP = /^\d{8}T\d{6}Z$/;

for (const { dialect, skip } of await dialectCases()) {
  describe(`checkout flow with the official SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    const combos: [KeyKind, 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2'][] = [
      ['sandbox', 'AMZN-PAY-RSASSA-PSS'],
      ['sandbox', 'AMZN-PAY-RSASSA-PSS-V2'],
      ['legacy', 'AMZN-PAY-RSASSA-PSS'],
      ['legacy', 'AMZN-PAY-RSASSA-PSS-V2'],
    ];
    for (const [key, algorithm] of combos) {
      test(`create → buyerConsent → get → update → processPayment → complete → get (${key} key, ${algorithm})`, async () => {
        const client = officialClient(reji, merchant, { key, algorithm });
        const t = testing(client);
        const created = await client.createCheckoutSession(
          {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review?step=2' },
            storeId: merchant.storeId,
            merchantMetadata: { merchantReferenceId: 'order-1' },
          },
          idem(),
        );
        assert.equal(created.status, 201);
        const cs = created.data;
        assert.match(cs.checkoutSessionId, /^[0-9a-f-]{36}$/);
        assert.equal(cs.statusDetails.state, 'Open');
        assert.match(cs.creationTimestamp, WIRE_TIMESTAMP);
        assert.match(cs.expirationTimestamp, WIRE_TIMESTAMP);
        assert.deepEqual(
          cs.constraints.map((c: { constraintId: string }) => c.constraintId),
          ['BuyerNotAssociated', 'ChargeAmountNotSet', 'CheckoutResultReturnUrlNotSet', 'PaymentIntentNotSet'],
        );
        assert.equal(cs.webCheckoutDetails.amazonPayRedirectUrl, null);
        assert.equal(cs.releaseEnvironment, 'Sandbox');
        assert.ok(created.headers['x-amz-pay-request-id']);

        const consent = await t.buyerConsent(cs.checkoutSessionId);
        assert.equal(
          consent.data.redirectUrl,
          `https://shop.example/review?step=2&amazonCheckoutSessionId=${cs.checkoutSessionId}`,
        );

        const got = await client.getCheckoutSession(cs.checkoutSessionId);
        assert.equal(got.data.buyer.name, '山田 太郎');
        assert.equal(got.data.shippingAddress.stateOrRegion, '東京都');
        assert.equal(got.data.paymentPreferences[0].paymentDescriptor, 'Visa ****1111 (Amazon Pay)');
        assert.deepEqual(
          got.data.constraints.map((c: { constraintId: string }) => c.constraintId),
          ['ChargeAmountNotSet', 'CheckoutResultReturnUrlNotSet', 'PaymentIntentNotSet'],
        );

        const updated = await client.updateCheckoutSession(cs.checkoutSessionId, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/complete' },
          paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: '1980', currencyCode: 'JPY' } },
        });
        assert.deepEqual(updated.data.constraints, []);
        assert.equal(updated.data.paymentDetails.chargeAmount.amount, '1980');
        const redirect = updated.data.webCheckoutDetails.amazonPayRedirectUrl as string;
        assert.match(redirect, new RegExp(`/checkout/processing\\?amazonCheckoutSessionId=${cs.checkoutSessionId}$`));

        const processed = await t.processPayment(cs.checkoutSessionId);
        assert.equal(
          processed.data.redirectUrl,
          `https://shop.example/complete?amazonCheckoutSessionId=${cs.checkoutSessionId}`,
        );

        const completed = await client.completeCheckoutSession(cs.checkoutSessionId, {
          chargeAmount: { amount: '1980', currencyCode: 'JPY' },
        });
        assert.equal(completed.status, 200);
        assert.equal(completed.data.statusDetails.state, 'Completed');
        assert.match(completed.data.chargePermissionId, /^S01-\d{7}-\d{7}$/);
        assert.match(completed.data.chargeId, /^S01-\d{7}-\d{7}-C\d{6}$/);
        assert.equal(completed.data.buyer, null);

        const after = await client.getCheckoutSession(cs.checkoutSessionId);
        assert.equal(after.data.statusDetails.state, 'Completed');
        assert.equal(after.data.chargePermissionId, completed.data.chargePermissionId);
        assert.equal(after.data.expirationTimestamp, null);

        const again = await settle(
          client.completeCheckoutSession(cs.checkoutSessionId, {
            chargeAmount: { amount: '1980', currencyCode: 'JPY' },
          }),
        );
        assert.equal(again.status, 422);
        assert.equal(again.data.reasonCode, 'InvalidCheckoutSessionStatus');
      });
    }
  });
}
