import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { inTransaction } from '../../src/app/transactions.js';
import { officialClient, settle, type OfficialResponse } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** In-store payments (spec 12 §12.11) through the official Node SDK's InStoreClient, unmodified. */

const require = createRequire(import.meta.url);
type Call = Promise<OfficialResponse>;
interface InStoreClient {
  merchantScan(payload: unknown, headers?: Record<string, string> | null): Call;
  charge(payload: unknown, headers?: Record<string, string> | null): Call;
  refund(payload: unknown, headers?: Record<string, string> | null): Call;
}
const AmazonPay = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  InStoreClient: new (config: Record<string, unknown>) => InStoreClient;
};

function inStoreClient(reji: TestReji, merchant: TestMerchant, key: 'sandbox' | 'live' = 'sandbox'): InStoreClient {
  const k = key === 'sandbox' ? merchant.sandboxKey : merchant.liveKey;
  return new AmazonPay.InStoreClient({
    publicKeyId: k.publicKeyId,
    privateKey: k.privateKeyPem,
    region: merchant.region,
    sandbox: key === 'sandbox',
    overrideServiceUrl: reji.httpsHost,
  });
}

let n = 0;
const ref = (what: string) => `${what}-${process.pid}-${++n}`;

for (const { dialect, skip } of await dialectCases()) {
  describe(`in-store payments (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let other: TestMerchant;
    let client: InStoreClient;

    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      merchant = await reji.merchant('us');
      other = await reji.merchant('us');
      client = inStoreClient(reji, merchant);
    });
    after(() => reji?.stop());

    const scanBody = (scanData = 'amzn-pay-qr-0001', scanReferenceId = ref('scan')) => ({
      scanData,
      scanReferenceId,
      merchantCOE: 'US',
      ledgerCurrency: 'USD',
      chargeTotal: { currencyCode: 'USD', amount: 20 },
      storeLocation: { countryCode: 'US' },
      metadata: {
        merchantNote: 'till 3',
        customInformation: 'in-store',
        communicationContext: { merchantStoreName: 'Main Street', merchantOrderId: 'ord-1' },
      },
    });

    test('scan, charge, refund: the key sets of the live test; amounts as JSON numbers', async () => {
      const scan = await client.merchantScan(scanBody());
      assert.equal(scan.status, 200, JSON.stringify(scan.data));
      assert.deepEqual(Object.keys(scan.data), ['chargePermissionId']);
      assert.match(scan.data.chargePermissionId, /^S01-\d{7}-\d{7}$/);

      const charge = await client.charge({
        chargePermissionId: scan.data.chargePermissionId,
        chargeReferenceId: ref('charge'),
        chargeTotal: { currencyCode: 'USD', amount: 12.5 },
        softDescriptor: 'MAIN ST',
        metadata: { merchantNote: 'coffee' },
      });
      assert.equal(charge.status, 200, JSON.stringify(charge.data));
      assert.deepEqual(Object.keys(charge.data), ['chargeId', 'chargeStatus']);
      assert.deepEqual(charge.data.chargeStatus, { state: 'Completed' });

      const refund = await client.refund({
        chargeId: charge.data.chargeId,
        refundReferenceId: ref('refund'),
        refundTotal: { currencyCode: 'USD', amount: 2 },
        softDescriptor: 'MAIN ST',
      });
      assert.equal(refund.status, 200, JSON.stringify(refund.data));
      assert.deepEqual(Object.keys(refund.data), ['refundId', 'refundStatus']);
      assert.deepEqual(refund.data.refundStatus, { state: 'Pending' });

      // Refunds may exceed the charge by 15 % or 75 USD, the lesser: 12.50 + 1.87 in all.
      const within = await client.refund({
        chargeId: charge.data.chargeId,
        refundReferenceId: ref('refund'),
        refundTotal: { currencyCode: 'USD', amount: 12.37 },
      });
      assert.equal(within.status, 200, JSON.stringify(within.data));
      const over = await settle(
        client.refund({
          chargeId: charge.data.chargeId,
          refundReferenceId: ref('refund'),
          refundTotal: { currencyCode: 'USD', amount: 0.01 },
        }),
      );
      assert.equal(over.status, 400);
      assert.equal(over.data.reasonCode, 'TransactionAmountExceeded');

      const second = await settle(
        client.charge({
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: ref('charge'),
          chargeTotal: { currencyCode: 'USD', amount: 1 },
        }),
      );
      assert.equal(second.status, 422);
      assert.equal(second.data.reasonCode, 'InvalidChargePermissionStatus');
    });

    test('a charge books its capture at once; a refund completes 30 s later on the sandbox clock and is booked then', async () => {
      const jp = await reji.merchant('jp');
      const till = inStoreClient(reji, jp);
      const sdk = officialClient(reji, jp);
      const scan = await till.merchantScan({
        ...scanBody(),
        merchantCOE: 'JP',
        ledgerCurrency: 'JPY',
        chargeTotal: { currencyCode: 'JPY', amount: 5000 },
        storeLocation: { countryCode: 'JP' },
      });
      assert.equal(scan.status, 200, JSON.stringify(scan.data));
      const charge = await till.charge({
        chargePermissionId: scan.data.chargePermissionId,
        chargeReferenceId: ref('charge'),
        chargeTotal: { currencyCode: 'JPY', amount: 2000 },
      });
      assert.equal(charge.status, 200, JSON.stringify(charge.data));
      const chargeId = charge.data.chargeId as string;
      const booked = async () =>
        (await reji.ctx.store.reader.ledger.entriesOfCharge(chargeId)).map((e) => [
          e.kind,
          e.amount,
          e.sellerOrderId,
          e.storeName,
        ]);
      // JP fee: 3.90 % of 2,000 JPY = 78; the scan's communicationContext fills the settlement columns.
      assert.deepEqual(await booked(), [
        ['Capture', 2000, 'ord-1', 'Main Street'],
        ['CaptureFee', -78, 'ord-1', 'Main Street'],
      ]);

      const body = { chargeId, refundReferenceId: ref('refund'), refundTotal: { currencyCode: 'JPY', amount: 500 } };
      const refund = await till.refund(body);
      assert.equal(refund.status, 200, JSON.stringify(refund.data));
      assert.deepEqual(refund.data.refundStatus, { state: 'Pending' });
      const refundId = refund.data.refundId as string;
      const stateOf = () =>
        inTransaction(reji.ctx, async (tx) => (await tx.inStore.refundForUpdate(refundId))?.refund.state);
      const clock = (seconds: number) =>
        sdk.apiCall({
          method: 'POST',
          urlFragment: 'testing/clock',
          payload: { advanceBySeconds: seconds },
          headers: {},
        });

      assert.equal((await clock(10)).status, 200);
      assert.equal(await stateOf(), 'Pending');
      assert.equal((await booked()).length, 2, 'a Pending refund books nothing');

      assert.equal((await clock(25)).status, 200);
      assert.equal(await stateOf(), 'Completed');
      // 3.90 % of 500 JPY = 19.5, rounded half up: 20 of the capture's fee comes back.
      assert.deepEqual((await booked()).slice(2), [
        ['Refund', -500, 'ord-1', 'Main Street'],
        ['RefundFeeReturn', 20, 'ord-1', 'Main Street'],
      ]);
      // Replaying the request still answers what it answered first; nothing is booked twice.
      const replay = await till.refund(body);
      assert.deepEqual(replay.data, refund.data);
      assert.equal((await clock(60)).status, 200);
      assert.equal((await booked()).length, 4);
    });

    test('the reference ids name the request: same body replays, another body is refused', async () => {
      const body = scanBody('amzn-pay-qr-0002', ref('scan'));
      const first = await client.merchantScan(body);
      const again = await client.merchantScan(body);
      assert.equal(again.status, 200);
      assert.deepEqual(again.data, first.data);
      const changed = await settle(client.merchantScan({ ...body, scanData: 'amzn-pay-qr-0003' }));
      assert.equal(changed.status, 400);
      assert.equal(changed.data.reasonCode, 'DuplicateIdempotencyKey');
      assert.match(changed.data.message, /scanReferenceId/);
      // A header key (which .NET adds to every POST) does not change that.
      const withHeader = await client.merchantScan(body, { 'x-amz-pay-idempotency-key': ref('k') });
      assert.deepEqual(withHeader.data, first.data);

      const chargeBody = {
        chargePermissionId: first.data.chargePermissionId,
        chargeReferenceId: ref('charge'),
        chargeTotal: { currencyCode: 'USD', amount: 5 },
      };
      const c1 = await client.charge(chargeBody);
      const c2 = await client.charge(chargeBody);
      assert.deepEqual(c2.data, c1.data);
    });

    test('Sandbox test codes: unreadable and not-allowed scans fail; declining codes decline the charge (replayed)', async () => {
      const unreadable = await settle(client.merchantScan(scanBody('AMZN-TEST-UNREADABLE')));
      assert.equal(unreadable.status, 400);
      assert.equal(unreadable.data.reasonCode, 'InvalidParameterValue');
      const notAllowed = await settle(client.merchantScan(scanBody('amzn-test-payment-method-not-allowed')));
      assert.equal(notAllowed.status, 422);
      assert.equal(notAllowed.data.reasonCode, 'PaymentMethodNotAllowed');

      for (const [code, reason] of [
        ['AMZN-TEST-HARD-DECLINE', 'HardDeclined'],
        ['AMZN-TEST-SOFT-DECLINE', 'SoftDeclined'],
      ] as const) {
        const scan = await client.merchantScan(scanBody(code));
        assert.equal(scan.status, 200);
        const body = {
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: ref('charge'),
          chargeTotal: { currencyCode: 'USD', amount: 3 },
        };
        const declined = await settle(client.charge(body));
        assert.equal(declined.status, 422);
        assert.equal(declined.data.reasonCode, reason);
        assert.deepEqual((await settle(client.charge(body))).data, declined.data);
      }
    });

    test('validation and ownership: Amazon error shape, never a 500', async () => {
      const noRef = await settle(client.merchantScan({ ...scanBody(), scanReferenceId: undefined }));
      assert.equal(noRef.status, 400);
      assert.equal(noRef.data.reasonCode, 'MissingParameterValue');
      const currency = await settle(client.merchantScan({ ...scanBody(), ledgerCurrency: 'EUR' }));
      assert.equal(currency.status, 400);
      assert.equal(currency.data.reasonCode, 'CurrencyMismatch');
      const tooMuch = await settle(
        client.merchantScan({ ...scanBody(), chargeTotal: { currencyCode: 'USD', amount: 150000.01 } }),
      );
      assert.equal(tooMuch.status, 400);
      assert.equal(tooMuch.data.reasonCode, 'TransactionAmountExceeded');
      const extra = await settle(client.merchantScan({ ...scanBody(), surprise: 1 }));
      assert.equal(extra.data.reasonCode, 'UnrecognizedField');

      const scan = await client.merchantScan(scanBody());
      const overScan = await settle(
        client.charge({
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: ref('charge'),
          chargeTotal: { currencyCode: 'USD', amount: 20.01 },
        }),
      );
      assert.equal(overScan.status, 400);
      assert.equal(overScan.data.reasonCode, 'TransactionAmountExceeded');
      const foreign = await settle(
        inStoreClient(reji, other).charge({
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: ref('charge'),
          chargeTotal: { currencyCode: 'USD', amount: 1 },
        }),
      );
      assert.equal(foreign.status, 404);
      const live = await settle(
        inStoreClient(reji, merchant, 'live').charge({
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: ref('charge'),
          chargeTotal: { currencyCode: 'USD', amount: 1 },
        }),
      );
      assert.equal(live.status, 404, 'a Sandbox scan is not found with a Live key');
      const noCharge = await settle(
        client.refund({
          chargeId: `${scan.data.chargePermissionId}-C000000`,
          refundReferenceId: ref('refund'),
          refundTotal: { currencyCode: 'USD', amount: 1 },
        }),
      );
      assert.equal(noCharge.status, 404);
    });
  });
}
