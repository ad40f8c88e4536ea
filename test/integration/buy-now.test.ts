import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';
import { JPY, teaCart } from '../support/buy-now.js';

for (const { dialect, skip } of await dialectCases()) {
  describe(`Buy Now and Finalize Checkout Session with the official SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant, { algorithm: 'AMZN-PAY-RSASSA-PSS-V2' });
    });
    after(() => reji?.stop());

    /** A Buy Now button click (no webCheckoutDetails), the buyer signed in, the cart from onInitCheckout. */
    async function buyNowSession(payload: object = {}, cart: object = teaCart()): Promise<string> {
      const clicked = await testing(client).button(
        merchant.sandboxKey.publicKeyId,
        { storeId: merchant.storeId, ...payload },
        { buyNow: true, productType: 'PayAndShip', placement: 'Product' },
      );
      assert.equal(clicked.status, 201);
      const id = clicked.data.checkoutSessionId as string;
      await testing(client).buyerConsent(id);
      const carted = await settle(testing(client).cart(id, cart));
      assert.equal(carted.status, 200, JSON.stringify(carted.data));
      return id;
    }

    test('button → sheet cart → place order → Finalize: one charge permission and a captured charge', async () => {
      const id = await buyNowSession();
      const got = await client.getCheckoutSession(id);
      // A Buy Now session carries cartDetails right after paymentDetails (29 keys), and no redirect URL.
      assert.deepEqual(Object.keys(got.data).slice(0, 6), [
        'checkoutSessionId',
        'webCheckoutDetails',
        'productType',
        'paymentDetails',
        'cartDetails',
        'chargePermissionType',
      ]);
      assert.equal(Object.keys(got.data).length, 29);
      assert.equal(got.data.webCheckoutDetails.amazonPayRedirectUrl, null);
      assert.deepEqual(got.data.paymentDetails.chargeAmount, JPY('2480'));
      assert.deepEqual(got.data.cartDetails.totalChargeAmount, JPY('2480'));
      assert.equal(got.data.cartDetails.lineItems[0].quantity, '2');
      assert.deepEqual(got.data.constraints, []);

      const early = await settle(
        client.finalizeCheckoutSession(id, { chargeAmount: JPY('2480'), shippingAddress: got.data.shippingAddress }),
      );
      assert.equal(early.status, 422, 'not before the buyer placed the order');
      assert.equal(early.data.reasonCode, 'InvalidCheckoutSessionStatus');

      // The buyer picks express delivery: onDeliveryOptionSelection answers the new totals.
      await testing(client).cart(id, teaCart('express'), 'express');
      await testing(client).placeOrder(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;

      const wrongAmount = await settle(
        client.finalizeCheckoutSession(id, { chargeAmount: JPY('2480'), shippingAddress: address }),
      );
      assert.equal(wrongAmount.status, 409);
      assert.equal(wrongAmount.data.reasonCode, 'AmountMismatch');
      const otherAddress = await settle(
        client.finalizeCheckoutSession(id, {
          chargeAmount: JPY('3180'),
          shippingAddress: { ...address, addressLine1: '大阪市北区梅田3-1-1' },
        }),
      );
      assert.equal(otherAddress.status, 400);
      assert.equal(otherAddress.data.reasonCode, 'InvalidParameterValue');
      const noAddress = await settle(client.finalizeCheckoutSession(id, { chargeAmount: JPY('3180') }));
      assert.equal(noAddress.status, 400);
      assert.equal(noAddress.data.reasonCode, 'MissingParameterValue');

      // PHP and Java send canHandlePendingAuthorization as the string "false".
      const done = await client.finalizeCheckoutSession(
        id,
        {
          paymentIntent: 'AuthorizeWithCapture',
          canHandlePendingAuthorization: 'false',
          chargeAmount: JPY('3180'),
          shippingAddress: address,
        },
        idem(),
      );
      assert.equal(done.status, 200);
      assert.equal(Object.keys(done.data).length, 29);
      assert.equal(Object.keys(done.data)[4], 'cartDetails');
      assert.equal(done.data.statusDetails.state, 'Completed');
      assert.equal(done.data.cartDetails.deliveryOptions.find((o: any) => o.isDefault).id, 'express');
      assert.equal(done.data.buyer.name, '山田 太郎', 'Finalize hands over the buyer');
      assert.match(done.data.chargePermissionId, /^S\d\d-\d{7}-\d{7}$/);
      const charge = await client.getCharge(done.data.chargeId);
      assert.equal(charge.data.statusDetails.state, 'Captured');
      assert.deepEqual(charge.data.captureAmount, JPY('3180'));
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.equal(cp.data.shippingAddress.addressLine1, address.addressLine1);

      const again = await settle(
        client.finalizeCheckoutSession(id, { chargeAmount: JPY('3180'), shippingAddress: address }),
      );
      assert.equal(again.status, 422);
      assert.equal(again.data.reasonCode, 'InvalidCheckoutSessionStatus');
    });

    test('Finalize with Authorize and a boolean canHandlePendingAuthorization; supplementaryData must match', async () => {
      const id = await buyNowSession({ supplementaryData: '{"orderNo":"A-1"}' });
      await testing(client).placeOrder(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;
      const body = { paymentIntent: 'Authorize', canHandlePendingAuthorization: false, chargeAmount: JPY('2480') };
      const missing = await settle(client.finalizeCheckoutSession(id, { ...body, shippingAddress: address }));
      assert.equal(missing.data.reasonCode, 'MissingParameterValue');
      const done = await client.finalizeCheckoutSession(id, {
        ...body,
        shippingAddress: address,
        supplementaryData: '{"orderNo":"A-1"}',
      });
      assert.equal(done.status, 200);
      assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'Authorized');
    });

    test('a cart that does not add up, or in another currency, is refused; Update cannot change Buy Now amounts', async () => {
      const clicked = await testing(client).button(
        merchant.sandboxKey.publicKeyId,
        { storeId: merchant.storeId },
        { buyNow: true },
      );
      const id = clicked.data.checkoutSessionId as string;
      await testing(client).buyerConsent(id);
      const bad = await settle(testing(client).cart(id, { ...teaCart(), totalChargeAmount: JPY('2000') }));
      assert.equal(bad.status, 400);
      assert.equal(bad.data.reasonCode, 'InvalidParameterValue');
      const usd = await settle(
        testing(client).cart(id, { ...teaCart(), totalTaxAmount: { amount: '0', currencyCode: 'USD' } }),
      );
      assert.equal(usd.data.reasonCode, 'CurrencyMismatch');
      const noOptions = await settle(testing(client).cart(id, { ...teaCart(), deliveryOptions: undefined }));
      assert.equal(noOptions.data.reasonCode, 'MissingParameterValue');
      const noCart = await settle(testing(client).placeOrder(id));
      assert.equal(noCart.status, 422);
      await testing(client).cart(id, teaCart());
      const update = await settle(client.updateCheckoutSession(id, { paymentDetails: { chargeAmount: JPY('1') } }));
      assert.equal(update.status, 400);
      assert.equal(update.data.reasonCode, 'InvalidParameterCombination');
    });

    test('not finalized within 24 hours: the session is canceled and Finalize answers CheckoutSessionCanceled', async () => {
      const id = await buyNowSession();
      await testing(client).placeOrder(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;
      await testing(client).advanceClock(24 * 3600 + 1);
      const late = await settle(
        client.finalizeCheckoutSession(id, {
          paymentIntent: 'AuthorizeWithCapture',
          chargeAmount: JPY('2480'),
          shippingAddress: address,
        }),
      );
      assert.equal(late.status, 422);
      assert.equal(late.data.reasonCode, 'CheckoutSessionCanceled');
      const got = await client.getCheckoutSession(id);
      assert.equal(got.data.statusDetails.reasonCode, 'Expired');
    });

    test('a declined card at Finalize cancels the session (CheckoutSessionCanceled / Declined)', async () => {
      const id = await buyNowSession();
      await testing(client).placeOrder(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;
      const declined = await settle(
        client.finalizeCheckoutSession(
          id,
          { paymentIntent: 'Authorize', chargeAmount: JPY('2480'), shippingAddress: address },
          { 'x-amz-pay-simulation-code': 'Declined' },
        ),
      );
      assert.equal(declined.status, 422);
      assert.equal(declined.data.reasonCode, 'CheckoutSessionCanceled');
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.reasonCode, 'Declined');
    });

    test('Finalize with a pending authorization answers 202; "true" with AuthorizeWithCapture is refused', async () => {
      const id = await buyNowSession();
      await testing(client).placeOrder(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;
      const both = await settle(
        client.finalizeCheckoutSession(id, {
          paymentIntent: 'AuthorizeWithCapture',
          canHandlePendingAuthorization: 'true',
          chargeAmount: JPY('2480'),
          shippingAddress: address,
        }),
      );
      assert.equal(both.status, 400);
      assert.equal(both.data.reasonCode, 'InvalidParameterCombination');
      const badFlag = await settle(
        client.finalizeCheckoutSession(id, {
          canHandlePendingAuthorization: 'yes',
          chargeAmount: JPY('2480'),
          shippingAddress: address,
        }),
      );
      assert.equal(badFlag.data.reasonCode, 'InvalidParameterValue');
      const key = idem();
      const body = {
        paymentIntent: 'Authorize',
        canHandlePendingAuthorization: 'true',
        chargeAmount: JPY('2480'),
        shippingAddress: address,
      };
      const pending = await client.finalizeCheckoutSession(id, body, {
        ...key,
        'x-amz-pay-simulation-code': 'AuthorizationInitiated',
      });
      assert.equal(pending.status, 202);
      assert.equal((await client.getCharge(pending.data.chargeId)).data.statusDetails.state, 'AuthorizationInitiated');
      const replay = await client.finalizeCheckoutSession(id, body, {
        ...key,
        'x-amz-pay-simulation-code': 'AuthorizationInitiated',
      });
      assert.equal(replay.status, 202, 'the same idempotency key replays the answer');
      assert.equal(replay.data.chargeId, pending.data.chargeId);
    });

    test('Finalize after the ordinary redirect flow (the mobile flows) completes like Complete', async () => {
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      assert.equal('cartDetails' in created.data, false, 'an ordinary session keeps its 28 keys');
      await testing(client).buyerConsent(id);
      await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: JPY('1000') },
      });
      await testing(client).processPayment(id);
      const address = (await client.getCheckoutSession(id)).data.shippingAddress;
      const done = await client.finalizeCheckoutSession(id, {
        paymentIntent: 'Authorize',
        chargeAmount: JPY('1000'),
        shippingAddress: address,
      });
      assert.equal(done.status, 200);
      assert.equal(done.data.cartDetails, null);
      assert.equal(done.data.statusDetails.state, 'Completed');
      assert.ok(done.data.chargeId);
    });
  });
}
