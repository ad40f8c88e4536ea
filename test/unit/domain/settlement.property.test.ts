import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyRefundChange } from '../../../src/app/accounting.js';
import { captureCharge, checkRefund, createCharge, type Charge } from '../../../src/domain/charge.js';
import {
  captureFee,
  chargeLedgerEntries,
  percentageFeeOf,
  refundLedgerEntries,
  type LedgerEntry,
} from '../../../src/domain/ledger.js';
import { formatAmount, money, type CurrencyCode } from '../../../src/domain/money.js';
import { createRefund, settleRefundIfDue } from '../../../src/domain/refund.js';
import { parseSettlementCsv, settlementReportCsv } from '../../../src/domain/settlement.js';
import { SECOND } from '../../../src/domain/time.js';

const T0 = Date.UTC(2026, 2, 1, 22, 0, 0);

/** One order: authorized, captured in full or in part, then refunds that complete or are declined. */
const order = fc.record({
  authorized: fc.integer({ min: 1, max: 5_000_000 }),
  capturedPart: fc.integer({ min: 1, max: 100 }),
  refunds: fc.array(fc.record({ percent: fc.integer({ min: 1, max: 60 }), declined: fc.boolean() }), { maxLength: 4 }),
  gapSeconds: fc.integer({ min: 0, max: 6 * 3600 }),
});

/**
 * For any sequence of captures, partial captures, refunds and declined refunds, booked as `save` books them,
 * the settlement file's totals are sum(captures) − sum(completed refunds) − fees, where fees are every
 * capture's fee minus what its refunds returned (at most the capture's percentage part).
 */
test('settlement report totals = captures − refunds − fees, for any sequence of operations', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<CurrencyCode>('USD', 'EUR', 'GBP', 'JPY'),
      fc.array(order, { minLength: 1, maxLength: 8 }),
      (currency, orders) => {
        const entries: LedgerEntry[] = [];
        let now = T0;
        let captures = 0;
        let refunds = 0;
        let fees = 0;
        orders.forEach((o, n) => {
          now += o.gapSeconds * SECOND;
          const authorized = createCharge(
            {
              chargeId: `S01-0000000-${String(n).padStart(7, '0')}-C000001`,
              chargePermissionId: `S01-0000000-${String(n).padStart(7, '0')}`,
              merchantId: 'AMERCHANT',
              environment: 'Sandbox',
              ledgerCurrency: currency,
              chargeAmount: money(o.authorized, currency),
              captureNow: false,
              canHandlePendingAuthorization: false,
              softDescriptor: null,
              merchantMetadata: { merchantReferenceId: `order,"${n}"` },
              platformId: null,
              chargeInitiator: null,
              channel: null,
            },
            { kind: 'Approved' },
            now,
          );
          const amount = Math.max(1, Math.floor((o.authorized * o.capturedPart) / 100));
          const captured = captureCharge(authorized, money(amount, currency), now, { kind: 'Immediate' });
          assert.ok(captured.ok);
          let charge: Charge = captured.value;
          entries.push(...chargeLedgerEntries(authorized, charge));
          captures += amount;
          const fee = captureFee(money(amount, currency));
          let refundedPercentage = 0;
          o.refunds.forEach((r, i) => {
            const refundAmount = money(Math.max(1, Math.floor((amount * r.percent) / 100)), currency);
            if (!checkRefund(charge, refundAmount).ok) return;
            const refund = createRefund(
              {
                refundId: `${charge.chargePermissionId}-R00000${i}`,
                chargeId: charge.chargeId,
                chargePermissionId: charge.chargePermissionId,
                merchantId: charge.merchantId,
                environment: 'Sandbox',
                refundAmount,
                settlesAfterMs: 30 * SECOND,
                settlement: r.declined ? 'AmazonRejected' : 'Refunded',
              },
              now,
            );
            charge = applyRefundChange(charge, undefined, refund);
            now += 30 * SECOND;
            const settled = settleRefundIfDue(refund, now);
            assert.ok(settled);
            const earlier = entries.filter((e) => e.chargeId === charge.chargeId);
            entries.push(...refundLedgerEntries(refund, settled, charge, earlier));
            charge = applyRefundChange(charge, refund, settled);
            if (!r.declined) {
              refunds += refundAmount.minor;
              refundedPercentage += percentageFeeOf(refundAmount.minor, currency);
            }
          });
          fees += fee.percentage + fee.fixed - Math.min(refundedPercentage, fee.percentage);
        });

        const csv = parseSettlementCsv(
          settlementReportCsv({
            sellerId: 'AMERCHANT',
            startTime: T0,
            endTime: now + 1,
            currencyCode: currency,
            entries,
          }),
        );
        const fmt = (minor: number) => formatAmount(money(minor, currency));
        assert.deepEqual(csv.totals, {
          CurrencyCode: currency,
          TotalTransactionAmount: fmt(captures - refunds),
          TotalTransactionFee: fmt(-fees),
          NetTransactionAmount: fmt(captures - refunds - fees),
        });
        // Every row adds up, and the rows add up to the totals.
        const minor = (s: string | undefined) => Math.round(Number(s) * (currency === 'JPY' ? 1 : 100));
        let net = 0;
        for (const row of csv.rows) {
          const sum = minor(row['TransactionAmount']) + minor(row['TotalTransactionFee']);
          assert.equal(minor(row['NetTransactionAmount']), sum);
          assert.equal(
            minor(row['TotalTransactionFee']),
            minor(row['TransactionPercentageFee']) + minor(row['TransactionFixedFee']),
          );
          net += sum;
        }
        assert.equal(net, captures - refunds - fees);
        assert.equal(csv.rows.filter((r) => r['TransactionType'] === 'Capture').length, orders.length);
        // Merchant text with commas and quotes survives the CSV.
        assert.ok(csv.rows.every((r) => /^order,"\d+"$/.test(r['SellerOrderId'] ?? '')));
      },
    ),
    { numRuns: 200 },
  );
});
