import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout, checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

for (const { dialect, skip } of await dialectCases()) {
  describe(`money movement with the official SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant, { algorithm: 'AMZN-PAY-RSASSA-PSS-V2' });
    });
    after(() => reji?.stop());

    test('Confirm → Create Charge → Capture → two partial Refunds', async () => {
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '10000' });
      assert.equal(done.status, 200);
      assert.equal(done.data.chargeId, null);
      const cpId = done.data.chargePermissionId as string;
      const cp = await client.getChargePermission(cpId);
      assert.equal(cp.data.statusDetails.state, 'Chargeable');
      assert.deepEqual(cp.data.limits, { amountLimit: JPY('10000'), amountBalance: JPY('10000') });
      assert.equal(cp.data.buyer.name, '山田 太郎');

      const charge = await client.createCharge({ chargePermissionId: cpId, chargeAmount: JPY('10000') }, idem());
      assert.equal(charge.status, 201);
      assert.equal(charge.data.statusDetails.state, 'Authorized');
      const chargeId = charge.data.chargeId as string;
      assert.deepEqual((await client.getChargePermission(cpId)).data.limits.amountBalance, JPY('0'));

      const captured = await client.captureCharge(
        chargeId,
        { captureAmount: JPY('10000'), softDescriptor: 'REJI SHOP' },
        idem(),
      );
      assert.equal(captured.status, 200);
      assert.equal(captured.data.statusDetails.state, 'Captured');
      assert.deepEqual(captured.data.captureAmount, JPY('10000'));
      assert.equal((await client.getChargePermission(cpId)).data.statusDetails.state, 'Closed');

      const r1 = await client.createRefund({ chargeId, refundAmount: JPY('3000') }, idem());
      const r2 = await client.createRefund({ chargeId, refundAmount: JPY('2000') }, idem());
      assert.equal(r1.status, 201);
      assert.equal(r1.data.statusDetails.state, 'RefundInitiated');
      assert.match(r1.data.refundId, new RegExp(`^${cpId}-R\\d{6}$`));
      await testing(client).advanceClock(60);
      assert.equal((await client.getRefund(r1.data.refundId)).data.statusDetails.state, 'Refunded');
      assert.equal((await client.getRefund(r2.data.refundId)).data.statusDetails.state, 'Refunded');
      assert.deepEqual((await client.getCharge(chargeId)).data.refundedAmount, JPY('5000'));

      // 10000 captured + min(15 %, 8,400 JPY) allowance = 11500 at most; 5000 refunded so far.
      const tooMuch = await settle(client.createRefund({ chargeId, refundAmount: JPY('6501') }, idem()));
      assert.equal(tooMuch.status, 400);
      assert.equal(tooMuch.data.reasonCode, 'TransactionAmountExceeded');
      const upToAllowance = await client.createRefund({ chargeId, refundAmount: JPY('6500') }, idem());
      assert.equal(upToAllowance.status, 201);
    });

    test('Authorize → Cancel', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '3000' });
      const chargeId = done.data.chargeId as string;
      assert.equal((await client.getCharge(chargeId)).data.statusDetails.state, 'Authorized');
      const canceled = await client.cancelCharge(chargeId, { cancellationReason: 'out of stock' });
      assert.equal(canceled.data.statusDetails.state, 'Canceled');
      assert.equal(canceled.data.statusDetails.reasonCode, 'MerchantCanceled');
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.deepEqual(cp.data.limits.amountBalance, JPY('3000'));
      const again = await settle(client.captureCharge(chargeId, { captureAmount: JPY('3000') }, idem()));
      assert.equal(again.status, 422);
      assert.equal(again.data.reasonCode, 'InvalidChargeStatus');
    });

    test('AuthorizeWithCapture → Refund', async () => {
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '2500' });
      const charge = await client.getCharge(done.data.chargeId);
      assert.equal(charge.data.statusDetails.state, 'Captured');
      const refund = await client.createRefund({ chargeId: done.data.chargeId, refundAmount: JPY('2500') }, idem());
      assert.equal(refund.data.statusDetails.state, 'RefundInitiated');
      await testing(client).advanceClock(31);
      assert.equal((await client.getRefund(refund.data.refundId)).data.statusDetails.state, 'Refunded');
    });

    for (const last4 of ['1111', '0005', '4444', '9424', '0000']) {
      test(`card ending ${last4} succeeds`, async () => {
        const done = await checkout(client, merchant, { intent: 'Authorize', paymentMethodId: `jp-taro-${last4}` });
        assert.equal(done.status, 200);
        assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'Authorized');
      });
    }

    test('card ending 3064: the buyer cancels', async () => {
      const { id, processed } = await checkoutUntilComplete(client, merchant, { paymentMethodId: 'jp-taro-3064' });
      assert.equal(processed.status, 200);
      const cs = await client.getCheckoutSession(id);
      assert.equal(cs.data.statusDetails.state, 'Canceled');
      assert.equal(cs.data.statusDetails.reasonCode, 'BuyerCanceled');
      const complete = await settle(client.completeCheckoutSession(id, { chargeAmount: JPY('5000') }));
      assert.equal(complete.status, 422);
      assert.equal(complete.data.reasonCode, 'CheckoutSessionCanceled');
    });

    test('card ending 3434: declined', async () => {
      const { id } = await checkoutUntilComplete(client, merchant, { paymentMethodId: 'jp-taro-3434' });
      const cs = await client.getCheckoutSession(id);
      assert.equal(cs.data.statusDetails.reasonCode, 'Declined');
      const complete = await settle(client.completeCheckoutSession(id, { chargeAmount: JPY('5000') }));
      assert.equal(complete.data.reasonCode, 'CheckoutSessionCanceled');
    });

    test('card ending 0701 pends, then is authorized when the clock moves 30 s', async () => {
      const done = await checkout(client, merchant, {
        intent: 'Authorize',
        paymentMethodId: 'jp-taro-0701',
        canHandlePendingAuthorization: true,
      });
      assert.equal(done.status, 202);
      assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'AuthorizationInitiated');
      await testing(client).advanceClock(29);
      assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'AuthorizationInitiated');
      await testing(client).advanceClock(2);
      assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'Authorized');
    });

    test('card ending 4354 pends, then is hard declined; the charge permission becomes NonChargeable', async () => {
      const done = await checkout(client, merchant, {
        intent: 'Authorize',
        paymentMethodId: 'jp-taro-4354',
        canHandlePendingAuthorization: true,
      });
      assert.equal(done.status, 202);
      await testing(client).advanceClock(31);
      const charge = await client.getCharge(done.data.chargeId);
      assert.equal(charge.data.statusDetails.state, 'Declined');
      assert.equal(charge.data.statusDetails.reasonCode, 'HardDeclined');
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.equal(cp.data.statusDetails.state, 'NonChargeable');
    });

    test('a pending card without canHandlePendingAuthorization is a clear error', async () => {
      const { processed } = await checkoutUntilComplete(client, merchant, { paymentMethodId: 'jp-taro-0701' });
      assert.equal(processed.status, 400);
      assert.equal(processed.data.reasonCode, 'InvalidSandboxSimulationSpecified');
      assert.match(processed.data.message, /canHandlePendingAuthorization/);
    });

    test('an authorization expires 30 days after creation (Canceled / ExpiredUnused)', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize' });
      await testing(client).advanceClock(31 * 24 * 3600);
      const charge = await client.getCharge(done.data.chargeId);
      assert.equal(charge.data.statusDetails.state, 'Canceled');
      assert.equal(charge.data.statusDetails.reasonCode, 'ExpiredUnused');
    });

    test('a capture after the 7-day honor period goes through CaptureInitiated', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '4000' });
      await testing(client).advanceClock(8 * 24 * 3600);
      const captured = await client.captureCharge(done.data.chargeId, { captureAmount: JPY('4000') }, idem());
      assert.equal(captured.data.statusDetails.state, 'CaptureInitiated');
      await testing(client).advanceClock(60);
      assert.equal((await client.getCharge(done.data.chargeId)).data.statusDetails.state, 'Captured');
    });

    test('Close with cancelPendingCharges cancels open authorizations', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '1000', totalOrderAmount: '3000' });
      const second = await client.createCharge(
        { chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('2000') },
        idem(),
      );
      const closed = await client.closeChargePermission(done.data.chargePermissionId, {
        closureReason: 'order canceled',
        cancelPendingCharges: true,
      });
      assert.equal(closed.data.statusDetails.state, 'Closed');
      assert.equal(closed.data.statusDetails.reasons[0].reasonCode, 'MerchantClosed');
      for (const chargeId of [done.data.chargeId, second.data.chargeId]) {
        const c = await client.getCharge(chargeId);
        assert.equal(c.data.statusDetails.state, 'Canceled');
        assert.equal(c.data.statusDetails.reasonCode, 'ChargePermissionCanceled');
      }
      const more = await settle(
        client.createCharge({ chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('100') }, idem()),
      );
      assert.equal(more.status, 422);
      assert.equal(more.data.reasonCode, 'InvalidChargePermissionStatus');
      const twice = await settle(
        client.closeChargePermission(done.data.chargePermissionId, { closureReason: 'again' }),
      );
      assert.equal(twice.data.reasonCode, 'InvalidChargePermissionStatus');
    });

    test('limits: capture above the authorization, charges above the balance, other currencies', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '1000', totalOrderAmount: '1500' });
      const over = await settle(client.captureCharge(done.data.chargeId, { captureAmount: JPY('1001') }, idem()));
      assert.equal(over.status, 400);
      assert.equal(over.data.reasonCode, 'TransactionAmountExceeded');
      const wrongCurrency = await settle(
        client.createCharge(
          { chargePermissionId: done.data.chargePermissionId, chargeAmount: { amount: '5.00', currencyCode: 'USD' } },
          idem(),
        ),
      );
      assert.equal(wrongCurrency.data.reasonCode, 'CurrencyMismatch');
      const overBalance = await settle(
        client.createCharge({ chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('501') }, idem()),
      );
      assert.equal(overBalance.data.reasonCode, 'TransactionAmountExceeded');
      const fractional = await settle(client.captureCharge(done.data.chargeId, { captureAmount: JPY('10.5') }, idem()));
      assert.equal(fractional.data.reasonCode, 'InvalidParameterValue');
      const unknown = await settle(client.getCharge(`${done.data.chargePermissionId}-C999999`));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.data.reasonCode, 'ResourceNotFound');
    });

    test('simulation codes force outcomes and an unknown code is refused', async () => {
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '9000' });
      const cpId = done.data.chargePermissionId;
      const soft = await settle(
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: JPY('1000') },
          { ...idem(), 'x-amz-pay-simulation-code': 'SoftDeclined' },
        ),
      );
      assert.equal(soft.status, 422);
      assert.equal(soft.data.reasonCode, 'SoftDeclined');
      const bogus = await settle(
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: JPY('1000') },
          { ...idem(), 'x-amz-pay-simulation-code': 'Bogus' },
        ),
      );
      assert.equal(bogus.status, 400);
      assert.equal(bogus.data.reasonCode, 'InvalidSandboxSimulationSpecified');
      const misplaced = await settle(client.getChargePermission(cpId, { 'x-amz-pay-simulation-code': 'SoftDeclined' }));
      assert.equal(misplaced.data.reasonCode, 'InvalidSandboxSimulationSpecified');
      const ok = await client.createCharge({ chargePermissionId: cpId, chargeAmount: JPY('1000') }, idem());
      const declinedCapture = await client.captureCharge(
        ok.data.chargeId,
        { captureAmount: JPY('1000') },
        { ...idem(), 'x-amz-pay-simulation-code': 'CaptureDeclined' },
      );
      assert.equal(declinedCapture.data.statusDetails.state, 'CaptureInitiated');
      await testing(client).advanceClock(31);
      const after = await client.getCharge(ok.data.chargeId);
      assert.equal(after.data.statusDetails.state, 'Declined');
      assert.equal(after.data.statusDetails.reasonCode, 'AmazonRejected');
      const hard = await settle(
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: JPY('1000') },
          { ...idem(), 'x-amz-pay-simulation-code': 'HardDeclined' },
        ),
      );
      assert.equal(hard.data.reasonCode, 'HardDeclined');
      assert.equal((await client.getChargePermission(cpId)).data.statusDetails.state, 'NonChargeable');
    });
  });
}
