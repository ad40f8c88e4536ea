import {
  chargeScan,
  completeInStoreRefundIfDue,
  inStoreRefundDueAt,
  refundCharge,
  scan,
  type ChargeInput,
  type InStoreCharge,
  type InStoreScan,
  type NewInStoreRefund,
  type RefundInput,
  type ScanInput,
} from '../domain/in-store.js';
import { inStoreChargeLedgerEntries, inStoreRefundLedgerEntries } from '../domain/ledger.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext, Caller } from './context.js';

/**
 * In-store payments (spec 12 §12.11). Each runs inside the transaction that also records its reference id, so a
 * repeated request replays the first answer (the route table's `idempotency: 'reference'`). A charge books its
 * capture in the ledger at once; a refund answers Pending and a timer completes and books it later.
 */

export async function merchantScan(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: ScanInput,
  now: Instant,
): Promise<InStoreScan> {
  const cp = unwrap(scan(input, caller.merchant, caller.environment, now, ctx.random));
  await tx.inStore.insert(caller.merchant.merchantId, caller.environment, cp);
  return cp;
}

export async function inStoreCharge(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: ChargeInput & { readonly chargePermissionId: string },
  now: Instant,
): Promise<InStoreCharge> {
  const { merchantId } = caller.merchant;
  const cp = await tx.inStore.scanForUpdate(merchantId, caller.environment, input.chargePermissionId);
  if (!cp) throw new ApiError('ResourceNotFound', `Charge permission ${input.chargePermissionId} was not found.`);
  const charge = unwrap(chargeScan(cp, await tx.inStore.chargesOf(cp.chargePermissionId), input, now, ctx.random));
  await tx.inStore.insert(merchantId, caller.environment, charge);
  await tx.ledger.append(inStoreChargeLedgerEntries({ merchantId, environment: caller.environment }, charge, cp));
  return charge;
}

export async function inStoreRefund(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: RefundInput & { readonly chargeId: string },
  now: Instant,
): Promise<NewInStoreRefund> {
  const { merchantId } = caller.merchant;
  const charge = await tx.inStore.chargeForUpdate(merchantId, caller.environment, input.chargeId);
  if (!charge) throw new ApiError('ResourceNotFound', `Charge ${input.chargeId} was not found.`);
  const refund = unwrap(refundCharge(charge, await tx.inStore.refundsOf(charge.chargeId), input, now, ctx.random));
  await tx.inStore.insert(merchantId, caller.environment, refund);
  await tx.timers.set(
    'inStoreRefund',
    { merchantId, environment: caller.environment },
    refund.refundId,
    inStoreRefundDueAt(refund),
  );
  return refund;
}

/** The timer of a Pending refund: Completed once due (the merchant's clock), booked with the fee it returns. */
export async function settleInStoreRefund(tx: StoreTx, refundId: string, now: Instant): Promise<void> {
  const found = await tx.inStore.refundForUpdate(refundId);
  const owner = { merchantId: found?.merchantId ?? '', environment: found?.environment ?? 'Sandbox' };
  if (!found) return tx.timers.set('inStoreRefund', owner, refundId, null);
  const completed = completeInStoreRefundIfDue(found.refund, now);
  if (!completed) return tx.timers.set('inStoreRefund', owner, refundId, inStoreRefundDueAt(found.refund));
  const charge = await tx.inStore.charge(completed.chargeId);
  await tx.inStore.updateRefund(completed);
  if (charge) {
    const earlier = await tx.ledger.entriesOfCharge(charge.chargeId);
    await tx.ledger.append(inStoreRefundLedgerEntries(owner, completed, charge, earlier));
  }
  await tx.timers.set('inStoreRefund', owner, refundId, null);
}
