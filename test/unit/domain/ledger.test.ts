import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCharge, captureCharge, type Charge } from '../../../src/domain/charge.js';
import {
  captureFee,
  chargeLedgerEntries,
  ledgerTotals,
  percentageFeeOf,
  refundLedgerEntries,
} from '../../../src/domain/ledger.js';
import { money, type CurrencyCode } from '../../../src/domain/money.js';
import { createRefund, settleRefundIfDue } from '../../../src/domain/refund.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function authorized(amount: number, currency: CurrencyCode = 'USD', ledger: CurrencyCode = currency): Charge {
  return createCharge(
    {
      chargeId: 'S01-1111111-1111111-C000001',
      chargePermissionId: 'S01-1111111-1111111',
      merchantId: 'AMERCHANT',
      environment: 'Sandbox',
      ledgerCurrency: ledger,
      chargeAmount: money(amount, currency),
      captureNow: false,
      canHandlePendingAuthorization: false,
      softDescriptor: null,
      merchantMetadata: { merchantReferenceId: 'order-1', merchantStoreName: 'Shop' },
      platformId: null,
      chargeInitiator: null,
      channel: null,
    },
    { kind: 'Approved' },
    T0,
  );
}

function captured(amount: number, currency: CurrencyCode = 'USD', ledger: CurrencyCode = currency): Charge {
  const charge = authorized(amount, currency, ledger);
  const r = captureCharge(charge, money(amount, currency), T0 + 1000, { kind: 'Immediate' });
  assert.ok(r.ok);
  return r.value;
}

test('the sandbox fee rule per region: percentage rounded half up, plus the fixed part', () => {
  assert.deepEqual(captureFee(money(10_000, 'USD')), { percentage: 290, fixed: 30 });
  assert.deepEqual(captureFee(money(10_000, 'EUR')), { percentage: 270, fixed: 35 });
  assert.deepEqual(captureFee(money(10_000, 'GBP')), { percentage: 270, fixed: 20 });
  assert.deepEqual(captureFee(money(10_000, 'JPY')), { percentage: 390, fixed: 0 });
  // 2.9 % of 50 cents is 1.45 → 1; of 52 cents 1.508 → 2; JPY 3.9 % of 50 yen is 1.95 → 2.
  assert.equal(percentageFeeOf(50, 'USD'), 1);
  assert.equal(percentageFeeOf(52, 'USD'), 2);
  assert.equal(percentageFeeOf(50, 'JPY'), 2);
});

test('a capture books the amount and its fee once, at the moment it became Captured', () => {
  const before = authorized(10_000);
  const after = captured(10_000);
  const entries = chargeLedgerEntries(before, after);
  assert.deepEqual(
    entries.map((e) => [e.entryId, e.kind, e.amount, e.percentageFee, e.fixedFee, e.relatesTo, e.occurredAt]),
    [
      ['Capture:S01-1111111-1111111-C000001', 'Capture', 10_000, 0, 0, null, T0 + 1000],
      [
        'CaptureFee:S01-1111111-1111111-C000001',
        'CaptureFee',
        -320,
        -290,
        -30,
        'Capture:S01-1111111-1111111-C000001',
        T0 + 1000,
      ],
    ],
  );
  assert.equal(entries[0]?.sellerOrderId, 'order-1');
  assert.equal(entries[0]?.storeName, 'Shop');
  // Saving the captured charge again (a refund total changed) books nothing more.
  assert.deepEqual(chargeLedgerEntries(after, { ...after, refundedMinor: 100 }), []);
  assert.deepEqual(chargeLedgerEntries(undefined, before), []);
});

test('a multi-currency capture is booked in the ledger currency', () => {
  // 108.00 USD presented on a EUR ledger is 100.00 EUR at the sandbox rate.
  const [capture, fee] = chargeLedgerEntries(authorized(10_800, 'USD', 'EUR'), captured(10_800, 'USD', 'EUR'));
  assert.equal(capture?.currencyCode, 'EUR');
  assert.equal(capture?.amount, 10_000);
  assert.equal(fee?.amount, -(270 + 35));
});

test('a refund books its amount and returns the percentage fee, never more than the capture paid', () => {
  const charge = captured(10_000);
  const booked = chargeLedgerEntries(authorized(10_000), charge);
  const refund = (id: string, amount: number) =>
    createRefund(
      {
        refundId: `S01-1111111-1111111-R00000${id}`,
        chargeId: charge.chargeId,
        chargePermissionId: charge.chargePermissionId,
        merchantId: charge.merchantId,
        environment: 'Sandbox',
        refundAmount: money(amount, 'USD'),
        settlesAfterMs: 1000,
        settlement: 'Refunded',
      },
      T0 + 5000,
    );
  const r1 = refund('1', 6_000);
  const done1 = settleRefundIfDue(r1, T0 + 10_000);
  assert.ok(done1);
  assert.deepEqual(refundLedgerEntries(undefined, r1, charge, booked), [], 'nothing while RefundInitiated');
  const e1 = refundLedgerEntries(r1, done1, charge, booked);
  assert.deepEqual(
    e1.map((e) => [e.kind, e.amount, e.occurredAt]),
    [
      ['Refund', -6_000, T0 + 6000],
      ['RefundFeeReturn', 174, T0 + 6000],
    ],
  );
  // Refunding 5,500 more (over the capture, within the allowance) returns only the 116 cents left of the 290.
  const r2 = refund('2', 5_500);
  const done2 = settleRefundIfDue(r2, T0 + 10_000);
  assert.ok(done2);
  const e2 = refundLedgerEntries(r2, done2, charge, [...booked, ...e1]);
  assert.deepEqual(
    e2.map((e) => [e.kind, e.amount]),
    [
      ['Refund', -5_500],
      ['RefundFeeReturn', 116],
    ],
  );
  const totals = ledgerTotals([...booked, ...e1, ...e2]);
  assert.deepEqual(totals, { captures: 10_000, refunds: 11_500, fees: 30, chargebacks: 0, net: -1_530 });
  assert.equal(totals.net, totals.captures - totals.refunds - totals.fees - totals.chargebacks);
});

test('a declined refund books nothing', () => {
  const charge = captured(10_000);
  const r = createRefund(
    {
      refundId: 'S01-1111111-1111111-R000009',
      chargeId: charge.chargeId,
      chargePermissionId: charge.chargePermissionId,
      merchantId: charge.merchantId,
      environment: 'Sandbox',
      refundAmount: money(100, 'USD'),
      settlesAfterMs: 1000,
      settlement: 'AmazonRejected',
    },
    T0,
  );
  const declined = settleRefundIfDue(r, T0 + 2000);
  assert.equal(declined?.state, 'Declined');
  assert.deepEqual(refundLedgerEntries(r, declined ?? r, charge, []), []);
});
