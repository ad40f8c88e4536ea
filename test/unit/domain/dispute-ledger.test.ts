import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCharge, type Charge } from '../../../src/domain/charge.js';
import { changeDisputeStatus, openDispute, settleDisputeIfDue, type Dispute } from '../../../src/domain/dispute.js';
import { disputeLedgerEntries, ledgerTotals } from '../../../src/domain/ledger.js';
import { money } from '../../../src/domain/money.js';
import { DAY } from '../../../src/domain/time.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/** A captured charge: chargebacks are booked in its ledger currency, with its order's reference. */
const charge: Charge = createCharge(
  {
    chargeId: 'S01-1111111-1111111-C000001',
    chargePermissionId: 'S01-1111111-1111111',
    merchantId: 'AMERCHANT',
    environment: 'Sandbox',
    ledgerCurrency: 'USD',
    chargeAmount: money(10_000, 'USD'),
    captureNow: true,
    canHandlePendingAuthorization: false,
    merchantMetadata: { merchantReferenceId: 'order-9' },
  },
  { kind: 'Approved' },
  T0,
);

function opened(): Dispute {
  const r = openDispute(
    {
      disputeId: 'S01-1111111-1111111-B000001',
      chargeId: charge.chargeId,
      chargePermissionId: charge.chargePermissionId,
      merchantId: charge.merchantId,
      environment: 'Sandbox',
      disputeAmount: money(2_500, 'USD'),
      filingReason: 'Fraudulent',
      filedAt: T0 + DAY,
      merchantResponseDeadline: T0 + 12 * DAY,
      resolutionAuthority: 'AmazonPay',
    },
    money(10_000, 'USD'),
    T0 + DAY,
  );
  assert.ok(r.ok);
  return r.value;
}

test('a chargeback books its debit once when it opens, and nothing while it is contested', () => {
  const d = opened();
  const [debit, ...rest] = disputeLedgerEntries(undefined, d, charge);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    [debit?.entryId, debit?.kind, debit?.amount, debit?.currencyCode, debit?.sellerOrderId, debit?.occurredAt],
    [`ChargebackDebit:${d.disputeId}`, 'ChargebackDebit', -2_500, 'USD', 'order-9', T0 + DAY],
  );
  const review = changeDisputeStatus(d, { state: 'UnderReview' }, T0 + 2 * DAY, 'decide');
  assert.ok(review.ok);
  assert.deepEqual(disputeLedgerEntries(d, review.value, charge), []);
});

test('MerchantWon and NoFault reverse the debit; BuyerWon and a missed deadline keep it', () => {
  const d = opened();
  for (const resolution of ['MerchantWon', 'NoFault', 'BuyerWon'] as const) {
    const r = changeDisputeStatus(d, { state: 'Resolved', resolution }, T0 + 3 * DAY, 'decide');
    assert.ok(r.ok);
    const entries = disputeLedgerEntries(d, r.value, charge);
    if (resolution === 'BuyerWon') assert.deepEqual(entries, []);
    else {
      assert.deepEqual(
        entries.map((e) => [e.kind, e.amount, e.relatesTo, e.occurredAt]),
        [['ChargebackReversal', 2_500, `ChargebackDebit:${d.disputeId}`, T0 + 3 * DAY]],
      );
      const all = [...disputeLedgerEntries(undefined, d, charge), ...entries];
      assert.equal(ledgerTotals(all).chargebacks, 0);
      assert.equal(ledgerTotals(all).net, 0);
    }
  }
  const lost = settleDisputeIfDue(d, d.merchantResponseDeadline)!;
  assert.deepEqual(disputeLedgerEntries(d, lost, charge), []);
  assert.equal(ledgerTotals(disputeLedgerEntries(undefined, d, charge)).chargebacks, 2_500);
});
