import {
  chargeScan,
  refundCharge,
  scan,
  type ChargeInput,
  type InStoreCharge,
  type InStoreRefund,
  type InStoreScan,
  type RefundInput,
  type ScanInput,
} from '../domain/in-store.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext, Caller } from './context.js';

/**
 * In-store payments (spec 12 §12.11). Each runs inside the transaction that also records its reference id, so a
 * repeated request replays the first answer (the route table's `idempotency: 'reference'`).
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
  return charge;
}

export async function inStoreRefund(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: RefundInput & { readonly chargeId: string },
  now: Instant,
): Promise<InStoreRefund> {
  const { merchantId } = caller.merchant;
  const charge = await tx.inStore.chargeForUpdate(merchantId, caller.environment, input.chargeId);
  if (!charge) throw new ApiError('ResourceNotFound', `Charge ${input.chargeId} was not found.`);
  const refund = unwrap(refundCharge(charge, await tx.inStore.refundsOf(charge.chargeId), input, now, ctx.random));
  await tx.inStore.insert(merchantId, caller.environment, refund);
  return refund;
}
