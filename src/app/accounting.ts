import { heldAmount, recordRefundInitiated, recordRefundSettled, type Charge } from '../domain/charge.js';
import {
  markNonChargeable,
  recordCapture,
  release,
  reserve,
  type ChargePermission,
} from '../domain/charge-permission.js';
import { money } from '../domain/money.js';
import type { Refund } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';

/**
 * Keeps a charge permission's books in step with one change of one of its charges: what the charge
 * holds against the limit, what it captured, and (after a hard decline) whether the permission can
 * still be charged. Every path that changes a charge goes through here.
 */
export function applyChargeChange(
  cp: ChargePermission,
  before: Charge | undefined,
  after: Charge,
  now: Instant,
): ChargePermission {
  let next = cp;
  const heldBefore = before ? heldAmount(before).minor : 0;
  const heldAfter = heldAmount(after).minor;
  if (heldAfter > heldBefore) next = reserve(next, money(heldAfter - heldBefore, after.chargeAmount.currency), now);
  if (heldAfter < heldBefore)
    next = release(next, money(heldBefore - heldAfter, after.chargeAmount.currency), after.createdAt);
  const capturedNow = after.state === 'Captured' && before?.state !== 'Captured';
  if (capturedNow) next = recordCapture(next, after.capturedAmount ?? after.chargeAmount, now);
  const hardDeclined =
    after.state === 'Declined' && after.reasonCode === 'HardDeclined' && before?.state !== 'Declined';
  if (hardDeclined) {
    const blocked = markNonChargeable(next, 'PaymentMethodInvalid', now);
    if (blocked.ok) next = blocked.value;
  }
  return next;
}

/** Keeps a charge's refund totals in step with one change of one of its refunds. */
export function applyRefundChange(charge: Charge, before: Refund | undefined, after: Refund): Charge {
  if (before === undefined) return recordRefundInitiated(charge, after.refundAmount);
  if (before.state === 'RefundInitiated' && after.state !== 'RefundInitiated') {
    return recordRefundSettled(charge, after.refundAmount, after.state === 'Refunded');
  }
  return charge;
}
