import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LedgerEntry } from '../../src/domain/ledger.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const USD = (amount: string) => ({ amount, currencyCode: 'USD' });

/** Every capture and refund lands in the append-only ledger, in the transaction that moves the money. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`the ledger (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('us');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    const entries = (): Promise<LedgerEntry[]> =>
      reji.ctx.store.reader.ledger.entries(merchant.merchantId, 'Sandbox', 0, Number.MAX_SAFE_INTEGER);

    test('capture, partial capture, refunds and a declined refund are booked with the sandbox fees', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '100.00' });
      const chargeId = done.data.chargeId as string;
      assert.deepEqual(await entries(), [], 'an authorization moves no money');
      const captured = await client.captureCharge(chargeId, { captureAmount: USD('80.00') }, idem());
      assert.equal(captured.status, 200);
      await client.createRefund({ chargeId, refundAmount: USD('30.00') }, idem());
      const declined = await client.createRefund(
        { chargeId, refundAmount: USD('10.00') },
        {
          ...idem(),
          'x-amz-pay-simulation-code': 'RefundDeclined',
        },
      );
      assert.equal(declined.status, 201);
      assert.equal((await entries()).length, 2, 'refunds are booked when they complete, not before');
      await testing(client).advanceClock(24 * 3600);
      assert.equal((await client.getRefund(declined.data.refundId)).data.statusDetails.state, 'Declined');
      const booked = await entries();
      assert.deepEqual(
        booked.map((e) => [e.kind, e.amount, e.currencyCode, e.chargeId]),
        [
          ['Capture', 8000, 'USD', chargeId],
          ['CaptureFee', -(232 + 30), 'USD', chargeId],
          ['Refund', -3000, 'USD', chargeId],
          ['RefundFeeReturn', 87, 'USD', chargeId],
        ],
      );
      assert.ok(booked.every((e) => e.merchantId === merchant.merchantId && e.environment === 'Sandbox'));
      assert.ok(booked.every((e) => e.chargePermissionId === done.data.chargePermissionId));
    });

    test('AuthorizeWithCapture at Complete books the capture (the hosted path too)', async () => {
      const before = (await entries()).length;
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '10.00' });
      const added = (await entries()).slice(before);
      assert.deepEqual(
        added.map((e) => [e.kind, e.amount, e.chargeId]),
        [
          ['Capture', 1000, done.data.chargeId],
          ['CaptureFee', -(29 + 30), done.data.chargeId],
        ],
      );
    });

    test('the store appends only: an entry booked twice is refused, and there is no way to change one', async () => {
      const [first] = await entries();
      assert.ok(first);
      await assert.rejects(reji.ctx.store.transaction((tx) => tx.ledger.append([first])));
      await reji.ctx.store.transaction(async (tx) => {
        const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(tx.ledger));
        assert.ok(!methods.some((m) => /update|delete|remove/i.test(m)), methods.join());
      });
    });
  });
}
