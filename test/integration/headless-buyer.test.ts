import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Every buyer step of the hosted pages, driven through signed testing endpoints with the official SDK. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`every buyer step headless (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    /** What checkout.js submits when the buyer clicks a button rendered with this payload. */
    function button(c: OfficialClient, m: TestMerchant, payload: object, extra: Record<string, unknown> = {}) {
      const payloadJSON = JSON.stringify(payload);
      return settle(
        c.apiCall({
          method: 'POST',
          urlFragment: 'testing/button',
          payload: {
            payloadJSON,
            signature: c.generateButtonSignature(payloadJSON),
            publicKeyId: m.sandboxKey.publicKeyId,
            ...extra,
          },
          headers: {},
        }),
      );
    }
    const checkoutPayload = (m: TestMerchant, extra: object = {}) => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: m.storeId,
      ...extra,
    });

    test('a PayOnly button starts a session; a test buyer chooses a card; it completes', async () => {
      const started = await button(client, merchant, checkoutPayload(merchant), {
        productType: 'PayOnly',
        placement: 'Cart',
      });
      assert.equal(started.status, 201, JSON.stringify(started.data));
      assert.deepEqual(Object.keys(started.data), ['productType', 'checkoutSessionId', 'signInRequestId']);
      const id = started.data.checkoutSessionId;
      assert.equal((await client.getCheckoutSession(id)).data.productType, 'PayOnly');
      const buyers = (await testing(client).buyers()).data.buyers;
      const taro = buyers[0];
      const consent = await testing(client).buyerConsent(id, {
        buyerEmail: taro.email,
        paymentMethodId: taro.paymentMethods[0].paymentMethodId,
      });
      assert.equal(consent.status, 200);
      await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: '1500', currencyCode: 'JPY' } },
      });
      assert.equal((await testing(client).processPayment(id)).status, 200);
      const done = await client.completeCheckoutSession(id, { chargeAmount: { amount: '1500', currencyCode: 'JPY' } });
      assert.equal(done.status, 200);
      assert.equal(done.data.statusDetails.state, 'Completed');
      assert.equal(done.data.shippingAddress, null, 'PayOnly has no shipping address');
    });

    test('a PayAndShip button with placement; the buyer cancels: Canceled / BuyerCanceled', async () => {
      const started = await button(
        client,
        merchant,
        checkoutPayload(merchant, {
          webCheckoutDetails: {
            checkoutReviewReturnUrl: 'https://shop.example/review',
            checkoutCancelUrl: 'https://shop.example/cart',
          },
        }),
        { productType: 'PayAndShip', placement: 'Checkout' },
      );
      assert.equal(started.status, 201, JSON.stringify(started.data));
      const id = started.data.checkoutSessionId;
      const canceled = await testing(client).cancel(id);
      assert.equal(canceled.status, 200, JSON.stringify(canceled.data));
      assert.equal(canceled.data.redirectUrl, 'https://shop.example/cart');
      const cs = (await client.getCheckoutSession(id)).data;
      assert.equal(cs.statusDetails.state, 'Canceled');
      assert.equal(cs.statusDetails.reasonCode, 'BuyerCanceled');
      const again = await settle(testing(client).cancel(id));
      assert.equal(again.status, 422);
      assert.equal(again.data.reasonCode, 'InvalidCheckoutSessionStatus');
    });

    test('a SignIn button and a test buyer who allows: a buyerToken that Get Buyer answers', async () => {
      const started = await button(
        client,
        merchant,
        {
          signInReturnUrl: 'https://shop.example/signed-in?x=1',
          storeId: merchant.storeId,
          signInScopes: ['name', 'email'],
        },
        { productType: 'SignIn' },
      );
      assert.equal(started.status, 201, JSON.stringify(started.data));
      assert.equal(started.data.checkoutSessionId, null);
      const consent = await testing(client).signIn(started.data.signInRequestId, {});
      assert.equal(consent.status, 200, JSON.stringify(consent.data));
      const token = consent.data.buyerToken;
      assert.equal(typeof token, 'string');
      const url = new URL(consent.data.redirectUrl);
      assert.equal(url.searchParams.get('buyerToken'), token);
      assert.equal(url.searchParams.get('x'), '1');
      const buyer = await client.getBuyer(token);
      assert.equal(buyer.status, 200);
      assert.equal(typeof buyer.data.email, 'string');
      assert.equal(buyer.data.phoneNumber, null, 'phoneNumber was not a requested scope');
      const used = await settle(testing(client).signIn(started.data.signInRequestId, {}));
      assert.equal(used.status, 404);
      assert.equal(used.data.reasonCode, 'ResourceNotFound');
      const denied = await button(
        client,
        merchant,
        { signInReturnUrl: 'https://shop.example/signed-in', storeId: merchant.storeId },
        { productType: 'SignIn' },
      );
      const no = await testing(client).signIn(denied.data.signInRequestId, { decision: 'deny' });
      assert.deepEqual(no.data, { buyerToken: null, redirectUrl: null });
    });

    test("only the caller's own buttons, sign-ins and test buyers; Sandbox keys only", async () => {
      const other = await reji.merchant('jp');
      const otherClient = officialClient(reji, other);
      const foreign = await button(otherClient, other, checkoutPayload(other), {});
      assert.equal(foreign.status, 201);
      const stolen = await button(client, other, checkoutPayload(other), {});
      assert.equal(stolen.status, 401, "a key that is not the caller merchant's");
      const signedByOther = await settle(
        client.apiCall({
          method: 'POST',
          urlFragment: 'testing/button',
          payload: {
            payloadJSON: JSON.stringify(checkoutPayload(other)),
            signature: otherClient.generateButtonSignature(JSON.stringify(checkoutPayload(other))),
            publicKeyId: other.sandboxKey.publicKeyId,
            merchantId: other.merchantId,
          },
          headers: {},
        }),
      );
      assert.equal(signedByOther.status, 401);
      assert.equal(signedByOther.data.reasonCode, 'UnauthorizedAccess');
      const otherCancel = await settle(testing(client).cancel(foreign.data.checkoutSessionId));
      assert.equal(otherCancel.status, 404);
      const signIn = await button(
        otherClient,
        other,
        { signInReturnUrl: 'https://a.example/', storeId: other.storeId },
        {
          productType: 'SignIn',
        },
      );
      assert.equal((await settle(testing(client).signIn(signIn.data.signInRequestId, {}))).status, 404);
      const notTest = await settle(
        testing(client).signIn(signIn.data.signInRequestId, { buyerEmail: 'nobody@example.jp' }),
      );
      assert.equal(notTest.status, 404);
      const live = officialClient(reji, merchant, { key: 'live' });
      const fromLive = await settle(
        live.apiCall({ method: 'POST', urlFragment: 'testing/button', payload: {}, headers: {} }),
      );
      assert.equal(fromLive.status, 401);
      const created = await client.createCheckoutSession(checkoutPayload(merchant), idem());
      const unknownBuyer = await settle(
        testing(client).buyerConsent(created.data.checkoutSessionId, { buyerEmail: 'nobody@example.jp' }),
      );
      assert.equal(unknownBuyer.status, 400);
      assert.equal(unknownBuyer.data.reasonCode, 'InvalidParameterValue');
    });
  });
}
