import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyChargeChange, applyRefundChange } from '../../../src/app/accounting.js';
import {
  cancelCharge,
  captureCharge,
  checkRefund,
  createCharge,
  heldAmount,
  settleChargeIfDue,
  type Charge,
} from '../../../src/domain/charge.js';
import {
  checkNewCharge,
  closeChargePermission,
  createChargePermissionFromCheckout,
  expirePermissionIfDue,
  limitsOf,
  type ChargePermission,
} from '../../../src/domain/charge-permission.js';
import type { CheckoutSession, ProcessingResult } from '../../../src/domain/checkout-session.js';
import { overRefundAllowance } from '../../../src/domain/limits.js';
import { money, type CurrencyCode } from '../../../src/domain/money.js';
import { createRefund, settleRefundIfDue, type Refund } from '../../../src/domain/refund.js';
import { checkChange, type StatefulKind, type StatefulObjects } from '../../../src/domain/state-machines.js';
import { DAY, SECOND } from '../../../src/domain/time.js';

/**
 * Random sequences of charges, captures, cancels, refunds, closing and clock moves keep the books right, and
 * every step of every object follows its state table (what `save` enforces), so final states stay final.
 */

type Op =
  | { kind: 'charge'; amount: number; pending: boolean; captureNow: boolean }
  | { kind: 'capture'; index: number; percent: number; async: boolean }
  | { kind: 'cancel'; index: number }
  | { kind: 'refund'; index: number; percent: number; declines: boolean }
  | { kind: 'close'; cancelPendingCharges: boolean }
  | { kind: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('charge' as const),
      amount: fc.integer({ min: 1, max: 6000 }),
      pending: fc.boolean(),
      captureNow: fc.boolean(),
    }),
  },
  // Amounts relative to the charge, so that sequences often end right at a limit (and sometimes just past it).
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('capture' as const),
      index: fc.nat(3),
      percent: fc.integer({ min: 50, max: 110 }),
      async: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), index: fc.nat(3) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      index: fc.nat(3),
      percent: fc.integer({ min: 1, max: 60 }),
      declines: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('close' as const), cancelPendingCharges: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(10 * SECOND, 31 * SECOND, DAY, 8 * DAY, 31 * DAY),
    }),
  },
);

function permission(currency: CurrencyCode, limitMinor: number, type: 'OneTime' | 'Recurring'): ChargePermission {
  const cs = {
    checkoutSessionId: 'cs',
    merchantId: 'M',
    environment: 'Sandbox',
    storeId: 's',
    ledgerCurrency: currency,
    chargePermissionType: type,
    paymentDetails: {
      totalOrderAmount: money(limitMinor, currency),
      chargeAmount: money(limitMinor, currency),
      presentmentCurrency: currency,
      allowOvercharge: null,
      extendExpiration: null,
    },
    buyer: null,
    shippingAddress: null,
    billingAddress: null,
    merchantMetadata: {
      merchantReferenceId: null,
      merchantStoreName: null,
      noteToBuyer: null,
      customInformation: null,
    },
    platformId: null,
    recurringMetadata: null,
  } as unknown as CheckoutSession;
  const processing = {
    paymentMethod: { paymentMethodId: 'pm', descriptor: 'Visa ****1111 (Amazon Pay)', behaviour: 'Succeeds' },
  } as ProcessingResult;
  return createChargePermissionFromCheckout(cs, processing, 'S01-0000000-0000000', 0);
}

const FINAL = new Set(['Canceled', 'Declined']);

/** One step of one object, checked against its state table exactly as `save` checks it. */
function step<K extends StatefulKind>(
  kind: K,
  before: StatefulObjects[K] | undefined,
  after: StatefulObjects[K],
): StatefulObjects[K] {
  const checked = checkChange(kind, before, after);
  assert.ok(checked.ok, checked.ok ? '' : checked.error.message);
  return after;
}

test('property: captured ≤ authorized, refunded ≤ captured + allowance, balance never negative, final states stay final', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<CurrencyCode>('JPY', 'USD', 'EUR'),
      fc.integer({ min: 100, max: 20000 }),
      fc.constantFrom('OneTime' as const, 'Recurring' as const),
      fc.array(op, { minLength: 20, maxLength: 80 }),
      (currency, limit, type, ops) => {
        let now = 0;
        let cp = step('chargePermission', undefined, permission(currency, limit, type));
        const charges: Charge[] = [];
        const refunds: Refund[] = [];
        let seq = 0;
        const setCp = (next: ChargePermission) => {
          cp = step('chargePermission', cp, next);
        };
        const setCharge = (i: number, next: Charge) => {
          setCp(applyChargeChange(cp, charges[i]!, next, now));
          charges[i] = step('charge', charges[i]!, next);
        };
        const setChargeBooks = (i: number, next: Charge) => {
          charges[i] = step('charge', charges[i]!, next);
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'charge': {
              const amount = money(o.amount, currency);
              if (!checkNewCharge(cp, amount, now).ok) break;
              const charge = createCharge(
                {
                  chargeId: `c${seq++}`,
                  chargePermissionId: cp.chargePermissionId,
                  merchantId: 'M',
                  environment: 'Sandbox',
                  ledgerCurrency: currency,
                  chargeAmount: amount,
                  captureNow: o.captureNow,
                  canHandlePendingAuthorization: o.pending,
                },
                o.pending
                  ? {
                      kind: 'Pending',
                      delayMs: 30 * SECOND,
                      resolvesTo: o.amount % 3 === 0 ? 'HardDeclined' : 'Approved',
                    }
                  : { kind: 'Approved' },
                now,
              );
              setCp(applyChargeChange(cp, undefined, charge, now));
              charges.push(step('charge', undefined, charge));
              break;
            }
            case 'capture': {
              const c = charges[o.index];
              if (!c) break;
              const amount = money(Math.max(1, Math.floor((c.chargeAmount.minor * o.percent) / 100)), currency);
              const r = captureCharge(
                c,
                amount,
                now,
                o.async ? { kind: 'Async', delayMs: 30 * SECOND, resolvesTo: 'Captured' } : { kind: 'Immediate' },
              );
              if (r.ok) setCharge(o.index, r.value);
              break;
            }
            case 'cancel': {
              const c = charges[o.index];
              if (!c) break;
              const r = cancelCharge(c, 'MerchantCanceled', now);
              if (r.ok) setCharge(o.index, r.value);
              break;
            }
            case 'refund': {
              const c = charges[o.index];
              if (!c) break;
              const amount = money(
                Math.max(1, Math.floor(((c.capturedAmount ?? c.chargeAmount).minor * o.percent) / 100)),
                currency,
              );
              if (!checkRefund(c, amount).ok) break;
              const refund = createRefund(
                {
                  refundId: `r${seq++}`,
                  chargeId: c.chargeId,
                  chargePermissionId: cp.chargePermissionId,
                  merchantId: 'M',
                  environment: 'Sandbox',
                  refundAmount: amount,
                  settlesAfterMs: 30 * SECOND,
                  settlement: o.declines ? 'AmazonRejected' : 'Refunded',
                },
                now,
              );
              setChargeBooks(o.index, applyRefundChange(c, undefined, refund));
              refunds.push(step('refund', undefined, refund));
              break;
            }
            case 'close': {
              // As Close Charge Permission does: with cancelPendingCharges, what can still be canceled is.
              const closed = closeChargePermission(cp, { reasonCode: 'MerchantClosed', closureReason: 'test' }, now);
              if (!closed.ok) break;
              setCp(closed.value);
              if (!o.cancelPendingCharges) break;
              for (let i = 0; i < charges.length; i++) {
                const r = cancelCharge(charges[i]!, 'ChargePermissionCanceled', now);
                if (r.ok) setCharge(i, r.value);
              }
              break;
            }
            case 'advance': {
              now += o.ms;
              const expired = expirePermissionIfDue(cp, now);
              if (expired) setCp(expired);
              for (let i = 0; i < charges.length; i++) {
                const settled = settleChargeIfDue(charges[i]!, now);
                if (settled) {
                  assert.ok(!FINAL.has(charges[i]!.state), `final state ${charges[i]!.state} changed`);
                  setCharge(i, settled);
                }
              }
              for (let i = 0; i < refunds.length; i++) {
                const settled = settleRefundIfDue(refunds[i]!, now);
                if (!settled) continue;
                const ci = charges.findIndex((c) => c.chargeId === settled.chargeId);
                setChargeBooks(ci, applyRefundChange(charges[ci]!, refunds[i], settled));
                refunds[i] = step('refund', refunds[i], settled);
              }
              break;
            }
          }
          // Invariants after every step.
          let held = 0;
          for (const c of charges) {
            assert.equal(c.chargeAmount.currency, currency);
            if (c.capturedAmount) {
              assert.equal(c.capturedAmount.currency, currency);
              assert.ok(c.capturedAmount.minor <= c.chargeAmount.minor, 'captured ≤ authorized');
            }
            const captured = c.capturedAmount?.minor ?? 0;
            const allowance = c.capturedAmount ? overRefundAllowance(c.capturedAmount).minor : 0;
            assert.ok(
              c.refundedMinor + c.refundPendingMinor <= captured + allowance,
              'refunded ≤ captured + allowance',
            );
            held += heldAmount(c).minor;
          }
          assert.equal(cp.reservedMinor, held, 'the permission holds exactly what its charges hold');
          const { amountBalance, amountLimit } = limitsOf(cp, now);
          assert.ok(amountBalance.minor >= 0, 'balance never negative');
          assert.equal(amountBalance.currency, currency);
          if (cp.amountLimit) assert.ok(cp.reservedMinor <= amountLimit.minor, 'held ≤ limit');
        }
      },
    ),
    { numRuns: 400 },
  );
});
