import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout, checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, testing } from '../support/official-sdk.js';
import { startTestReji, type TestReji } from '../support/reji.js';

const DAY = 24 * 3600;

for (const { dialect, skip } of await dialectCases()) {
  describe(`sandbox clock, timers and regions (${dialect})`, { skip }, () => {
    let reji: TestReji;
    before(async () => {
      reji = await startTestReji({ dialect });
    });
    after(() => reji?.stop());

    test('an Open session expires after 24 hours; a session is gone after 30 days', async () => {
      const merchant = await reji.merchant('jp');
      const client = officialClient(reji, merchant);
      const t = testing(client);
      const { id } = await checkoutUntilComplete(client, merchant);
      const clockBefore = (await t.clock()).data.now as string;
      await t.advanceClock(DAY - 60);
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.state, 'Open');
      await t.advanceClock(61);
      const expired = await client.getCheckoutSession(id);
      assert.equal(expired.data.statusDetails.state, 'Canceled');
      assert.equal(expired.data.statusDetails.reasonCode, 'Expired');
      const complete = await settle(
        client.completeCheckoutSession(id, { chargeAmount: { amount: '5000', currencyCode: 'JPY' } }),
      );
      assert.equal(complete.data.reasonCode, 'CheckoutSessionCanceled');
      const clockAfter = (await t.clock()).data.now as string;
      assert.ok(clockAfter > clockBefore);
      await t.advanceClock(30 * DAY);
      assert.equal((await settle(client.getCheckoutSession(id))).status, 404);
    });

    test("one merchant's clock does not move another's", async () => {
      const a = await reji.merchant('jp');
      const b = await reji.merchant('jp');
      const ca = officialClient(reji, a);
      const cb = officialClient(reji, b);
      const { id } = await checkoutUntilComplete(cb, b);
      await testing(ca).advanceClock(2 * DAY);
      assert.equal((await cb.getCheckoutSession(id)).data.statusDetails.state, 'Open');
    });

    test('a OneTime charge permission expires after 180 days; the clock never moves back', async () => {
      const merchant = await reji.merchant('jp');
      const client = officialClient(reji, merchant);
      const done = await checkout(client, merchant, { intent: 'Confirm' });
      await testing(client).advanceClock(181 * DAY);
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.equal(cp.data.statusDetails.state, 'Closed');
      assert.equal(cp.data.statusDetails.reasons[0].reasonCode, 'Expired');
      assert.equal(cp.data.buyer, null, 'buyer data is only visible for 30 days');
      const back = await settle(testing(client).advanceClock(-5));
      assert.equal(back.status, 400);
    });

    test('Live keys cannot use the testing endpoints; live return URLs must use https', async () => {
      const merchant = await reji.merchant('jp', ['https://shop.example']);
      const live = officialClient(reji, merchant, { key: 'live' });
      const r = await settle(testing(live).advanceClock(10));
      assert.equal(r.status, 401);
      assert.equal(r.data.reasonCode, 'UnauthorizedAccess');
      const sim = await settle(
        live.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' }, storeId: merchant.storeId },
          { ...idem(), 'x-amz-pay-simulation-code': 'Declined' },
        ),
      );
      assert.equal(sim.data.reasonCode, 'InvalidSandboxSimulationSpecified');
      const created = await live.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' }, storeId: merchant.storeId },
        idem(),
      );
      assert.equal(created.data.releaseEnvironment, 'Live');
      // Signed calls take any https return URL, in Live too; allowed origins guard the button's pages only.
      const elsewhere = await live.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://elsewhere.example/r' }, storeId: merchant.storeId },
        idem(),
      );
      assert.equal(elsewhere.status, 201);
      const plainHttp = await settle(
        live.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'http://localhost:3000/r' }, storeId: merchant.storeId },
          idem(),
        ),
      );
      assert.equal(plainHttp.data.reasonCode, 'InvalidParameterValue');
      assert.match(plainHttp.data.message, /Live return URLs must use https/);
    });

    test('a US merchant charges USD with cents; a recurring permission has a monthly limit', async () => {
      const merchant = await reji.merchant('us');
      const client = officialClient(reji, merchant);
      const done = await checkout(client, merchant, {
        intent: 'AuthorizeWithCapture',
        amount: '19.99',
        chargePermissionType: 'Recurring',
        recurringMetadata: {
          frequency: { unit: 'Month', value: '1' },
          amount: { amount: '19.99', currencyCode: 'USD' },
        },
      });
      assert.equal(done.status, 200, JSON.stringify(done.data));
      assert.match(done.data.chargePermissionId, /^C01-/);
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.equal(cp.data.chargePermissionType, 'Recurring');
      assert.deepEqual(cp.data.recurringMetadata, {
        frequency: { unit: 'Month', value: '1' },
        amount: { amount: '19.99', currencyCode: 'USD' },
      });
      assert.deepEqual(cp.data.limits.amountLimit, { amount: '1000.00', currencyCode: 'USD' });
      assert.deepEqual(cp.data.limits.amountBalance, { amount: '980.01', currencyCode: 'USD' });
      const over = await settle(
        client.createCharge(
          {
            chargePermissionId: done.data.chargePermissionId,
            chargeAmount: { amount: '980.02', currencyCode: 'USD' },
            captureNow: true,
          },
          idem(),
        ),
      );
      assert.equal(over.status, 400);
      assert.equal(over.data.reasonCode, 'PeriodicAmountExceeded');
      const next = await client.createCharge(
        {
          chargePermissionId: done.data.chargePermissionId,
          chargeAmount: { amount: '19.99', currencyCode: 'USD' },
          captureNow: true,
          chargeInitiator: 'MITR',
          channel: 'Web',
        },
        idem(),
      );
      assert.equal(next.data.statusDetails.state, 'Captured');
      assert.equal(next.data.chargeInitiator, 'MITR');
      const updated = await client.updateChargePermission(done.data.chargePermissionId, {
        recurringMetadata: {
          frequency: { unit: 'Year', value: '1' },
          amount: { amount: '199.00', currencyCode: 'USD' },
        },
      });
      assert.equal(updated.data.recurringMetadata.frequency.unit, 'Year');
    });

    test('an EU merchant may charge another currency (multi-currency) and sees the converted amount', async () => {
      const merchant = await reji.merchant('de');
      const client = officialClient(reji, merchant);
      const done = await checkout(client, merchant, {
        intent: 'AuthorizeWithCapture',
        amount: '108.00',
        currency: 'USD',
      });
      assert.equal(done.status, 200, JSON.stringify(done.data));
      const charge = await client.getCharge(done.data.chargeId);
      assert.deepEqual(charge.data.chargeAmount, { amount: '108.00', currencyCode: 'USD' });
      assert.deepEqual(charge.data.convertedAmount, { amount: '100.00', currencyCode: 'EUR' });
      assert.equal(charge.data.conversionRate, 1.08);
      const jp = await reji.merchant('jp');
      const jpClient = officialClient(reji, jp);
      const refused = await settle(
        jpClient.createCheckoutSession(
          {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' },
            storeId: jp.storeId,
            paymentDetails: { chargeAmount: { amount: '10.00', currencyCode: 'EUR' } },
          },
          idem(),
        ),
      );
      assert.equal(refused.data.reasonCode, 'CurrencyMismatch');
    });
  });
}
