import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createCharge, type Charge } from '../../../src/domain/charge.js';
import {
  DISPUTE_RESOLUTIONS,
  changeDisputeStatus,
  contestDispute,
  heldByDispute,
  openDispute,
  settleDisputeIfDue,
  type Dispute,
} from '../../../src/domain/dispute.js';
import { disputeLedgerEntries, ledgerTotals, type LedgerEntry } from '../../../src/domain/ledger.js';
import { money } from '../../../src/domain/money.js';
import { checkChange } from '../../../src/domain/state-machines.js';
import { DAY, HOUR } from '../../../src/domain/time.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

function capturedCharge(amount: number): Charge {
  return createCharge(
    {
      chargeId: 'S01-2222222-2222222-C000001',
      chargePermissionId: 'S01-2222222-2222222',
      merchantId: 'AMERCHANT',
      environment: 'Sandbox',
      ledgerCurrency: 'JPY',
      chargeAmount: money(amount, 'JPY'),
      captureNow: true,
      canHandlePendingAuthorization: false,
    },
    { kind: 'Approved' },
    T0,
  );
}

const step = fc.oneof(
  fc.record({ kind: fc.constant('open' as const), percent: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('contest' as const), which: fc.nat(), hours: fc.integer({ min: 0, max: 400 }) }),
  fc.record({
    kind: fc.constant('decide' as const),
    which: fc.nat(),
    decision: fc.constantFrom(...DISPUTE_RESOLUTIONS, 'RequestEvidence' as const),
  }),
  fc.record({ kind: fc.constant('expire' as const), which: fc.nat() }),
);

/**
 * Random chargebacks on one captured charge, contested, decided, sent back for evidence or left to expire, booked
 * as `save` books them: every change stays inside the dispute table, final states stay final, the disputes never
 * hold more than the capture, each dispute books one debit and at most one reversal (exactly when the merchant
 * won or no one was at fault), and the ledger's chargebacks equal what the disputes still hold.
 */
test('disputes: table, bounds and ledger for any sequence of operations', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(step, { maxLength: 25 }), (amount, steps) => {
      const charge = capturedCharge(amount);
      let disputes: Dispute[] = [];
      const ledger: LedgerEntry[] = [];
      let now = T0 + HOUR;
      const apply = (before: Dispute | undefined, after: Dispute) => {
        assert.ok(checkChange('dispute', before, after).ok);
        if (before && (before.state === 'Resolved' || before.state === 'Closed'))
          assert.fail('a final dispute changed');
        ledger.push(...disputeLedgerEntries(before, after, charge));
        disputes = before ? disputes.map((d) => (d.disputeId === after.disputeId ? after : d)) : [...disputes, after];
      };
      for (const s of steps) {
        now += HOUR;
        if (s.kind === 'open') {
          const held = disputes.reduce((sum, d) => sum + heldByDispute(d), 0);
          const disputable = money(Math.max(0, amount - held), 'JPY');
          const r = openDispute(
            {
              disputeId: `S01-2222222-2222222-B${String(disputes.length).padStart(6, '0')}`,
              chargeId: charge.chargeId,
              chargePermissionId: charge.chargePermissionId,
              merchantId: charge.merchantId,
              environment: 'Sandbox',
              disputeAmount: money(Math.max(1, Math.floor((amount * s.percent) / 100)), 'JPY'),
              filingReason: 'Other',
              filedAt: now,
              merchantResponseDeadline: now + 11 * DAY,
              resolutionAuthority: 'AmazonPay',
            },
            disputable,
            now,
          );
          if (r.ok) apply(undefined, r.value);
          continue;
        }
        const target = disputes[s.which % Math.max(1, disputes.length)];
        if (!target) continue;
        if (s.kind === 'contest') {
          now += s.hours * HOUR;
          const r = contestDispute(target, [{ evidenceType: 'Other', fileId: null, evidenceText: 'x' }], now);
          if (r.ok) apply(target, r.value);
        } else if (s.kind === 'decide') {
          const r = changeDisputeStatus(
            target,
            s.decision === 'RequestEvidence'
              ? { state: 'ActionRequired' }
              : { state: 'Resolved', resolution: s.decision },
            now,
            'decide',
          );
          if (r.ok) apply(target, r.value);
        } else {
          now = Math.max(now, target.merchantResponseDeadline);
          const settled = settleDisputeIfDue(target, now);
          if (settled) apply(target, settled);
        }
      }
      const held = disputes.reduce((sum, d) => sum + heldByDispute(d), 0);
      assert.ok(held <= amount, `held ${held} > captured ${amount}`);
      assert.equal(ledgerTotals(ledger).chargebacks, held);
      for (const d of disputes) {
        const own = ledger.filter((e) => e.disputeId === d.disputeId).map((e) => e.kind);
        const reversed = d.resolution === 'MerchantWon' || d.resolution === 'NoFault';
        assert.deepEqual(own, reversed ? ['ChargebackDebit', 'ChargebackReversal'] : ['ChargebackDebit']);
      }
    }),
    { numRuns: 300 },
  );
});
