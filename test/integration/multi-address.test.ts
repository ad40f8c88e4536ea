import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

for (const { dialect, skip } of await dialectCases()) {
  describe(`multi-address checkout (PayAndShipMultiAddress) with the official SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    async function multiAddressSession(): Promise<{ id: string; addressIds: string[] }> {
      const clicked = await testing(client).button(
        merchant.sandboxKey.publicKeyId,
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        { productType: 'PayAndShipMultiAddress' },
      );
      assert.equal(clicked.status, 201);
      assert.equal(clicked.data.productType, 'PayAndShipMultiAddress');
      const buyers = (await testing(client).buyers()).data.buyers as { addresses: { addressId: string }[] }[];
      const walletIds = buyers[0]!.addresses.slice(0, 2).map((a) => a.addressId);
      const id = clicked.data.checkoutSessionId as string;
      await testing(client).buyerConsent(id, { shippingAddressIds: walletIds });
      return { id, addressIds: walletIds };
    }

    test('two addresses, a price for each on Update, Complete charges their sum once', async () => {
      const { id } = await multiAddressSession();
      // The official SDK parses each shippingAddressList entry (a JSON string on the wire) into an object.
      const got = await client.getCheckoutSession(id);
      const keys = Object.keys(got.data);
      assert.equal(keys.length, 30);
      assert.deepEqual(keys.slice(keys.indexOf('shippingAddress'), keys.indexOf('shippingAddress') + 4), [
        'shippingAddress',
        'shippingAddressList',
        'multiAddressesCheckoutMetadata',
        'platformId',
      ]);
      const list = got.data.shippingAddressList as { addressId: string; postalCode: string }[];
      assert.equal(list.length, 2);
      assert.match(list[0]!.addressId, /^amzn1\.address\./);
      assert.deepEqual(
        list.map((a) => a.postalCode),
        ['100-0001', '530-0001'],
      );
      assert.equal(got.data.shippingAddress.postalCode, '100-0001');
      assert.equal(got.data.multiAddressesCheckoutMetadata, null);

      const unknown = await settle(
        client.updateCheckoutSession(id, {
          multiAddressesCheckoutMetadata: [{ addressId: 'amzn1.address.nope', price: JPY('33') }],
        }),
      );
      assert.equal(unknown.status, 400);
      assert.equal(unknown.data.reasonCode, 'InvalidParameterValue');
      const metadata = list.map((a, i) => ({ addressId: a.addressId, price: JPY(i === 0 ? '1980' : '990') }));
      const wrongSum = await settle(
        client.updateCheckoutSession(id, {
          multiAddressesCheckoutMetadata: metadata,
          paymentDetails: { chargeAmount: JPY('3000') },
        }),
      );
      assert.equal(wrongSum.status, 409);
      assert.equal(wrongSum.data.reasonCode, 'AmountMismatch');

      const updated = await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'AuthorizeWithCapture' },
        multiAddressesCheckoutMetadata: metadata,
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(updated.data.paymentDetails.chargeAmount, JPY('2970'), 'chargeAmount = the sum of the prices');
      assert.deepEqual(updated.data.multiAddressesCheckoutMetadata, metadata);
      assert.equal(updated.data.shippingAddressList.length, 2);
      assert.deepEqual(updated.data.constraints, []);

      await testing(client).processPayment(id);
      const done = await client.completeCheckoutSession(id, { chargeAmount: JPY('2970') }, idem());
      assert.equal(done.status, 200);
      const charge = await client.getCharge(done.data.chargeId);
      assert.deepEqual(charge.data.captureAmount, JPY('2970'));
      const after = await client.getCheckoutSession(id);
      assert.equal(after.data.statusDetails.state, 'Completed');
      assert.deepEqual(after.data.multiAddressesCheckoutMetadata, metadata, 'kept as fulfilment information');
    });

    test('multiAddressesCheckoutMetadata on an ordinary session is refused; ordinary sessions keep 28 keys', async () => {
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      assert.equal(Object.keys(created.data).length, 28);
      const refused = await settle(
        client.updateCheckoutSession(created.data.checkoutSessionId, {
          multiAddressesCheckoutMetadata: [{ addressId: 'amzn1.address.x', price: JPY('33') }],
        }),
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.data.reasonCode, 'InvalidParameterValue');
    });
  });
}
