import { isCarrierCode } from '../domain/carriers.js';
import { ID_PATTERNS } from '../domain/ids.js';
import type { Instant } from '../domain/time.js';
import type { DeliveryTrackerRecord, StoreTx } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { AppContext, Caller } from './context.js';
import { lockOwned, readOwned } from './loading.js';

export interface DeliveryTrackerInput {
  readonly chargePermissionId?: string;
  readonly amazonOrderReferenceId?: string;
  readonly deliveryDetails: readonly { readonly trackingNumber: string; readonly carrierCode: string }[];
}

/**
 * Create Delivery Tracker (spec 12 §12.3, §12.16): every carrier code must be on reji's carrier list, the charge
 * permission must be the caller's and Chargeable or Closed (an order reference id names a charge permission:
 * they share the format), and a tracking number is accepted once per merchant and environment.
 */
export async function createDeliveryTracker(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: DeliveryTrackerInput,
  now: Instant,
): Promise<DeliveryTrackerInput> {
  const seen = new Set<string>();
  input.deliveryDetails.forEach((d, i) => {
    if (!isCarrierCode(d.carrierCode)) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for deliveryDetails[${i}].carrierCode is invalid. ${d.carrierCode} is not a supported carrier code (docs/sandbox.md, "Delivery trackers").`,
      );
    }
    if (seen.has(d.trackingNumber)) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for deliveryDetails[${i}].trackingNumber is invalid. It is given twice.`,
      );
    }
    seen.add(d.trackingNumber);
  });
  const field = input.chargePermissionId !== undefined ? 'chargePermissionId' : 'amazonOrderReferenceId';
  const id = input.chargePermissionId ?? input.amazonOrderReferenceId ?? '';
  const invalidId = (why: string) =>
    new ApiError('InvalidParameterValue', `The value provided for ${field} is invalid. ${why}`);
  if (!ID_PATTERNS.chargePermission.test(id)) throw invalidId(`${id} is not a charge permission id.`);
  const cp = await lockOwned(ctx, tx, caller, 'chargePermission', id, now).then(
    (doc) => doc,
    (error: unknown) => {
      if (error instanceof ApiError && error.reasonCode === 'ResourceNotFound') throw invalidId(`${id} was not found.`);
      throw error;
    },
  );
  if (cp.state === 'NonChargeable') {
    throw new ApiError(
      'InvalidChargePermissionStatus',
      `Charge permission ${id} is NonChargeable; send tracking information for orders that were paid.`,
    );
  }
  for (const [i, d] of input.deliveryDetails.entries()) {
    const inserted = await tx.deliveryTrackers.insert({
      merchantId: caller.merchant.merchantId,
      environment: caller.environment,
      trackingNumber: d.trackingNumber,
      carrierCode: d.carrierCode,
      chargePermissionId: cp.chargePermissionId,
      amazonOrderReferenceId: input.amazonOrderReferenceId ?? null,
      createdAt: now,
    });
    if (!inserted) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for deliveryDetails[${i}].trackingNumber is invalid. Tracking number ${d.trackingNumber} was already used.`,
      );
    }
  }
  return input;
}

/** The tracking numbers sent for one charge permission of the caller's (by either id), oldest first. */
export async function deliveryTrackersOf(
  ctx: AppContext,
  caller: Caller,
  chargePermissionId: string,
): Promise<DeliveryTrackerRecord[]> {
  await readOwned(ctx, caller, 'chargePermission', chargePermissionId);
  const rows = await ctx.store.reader.deliveryTrackers.ofChargePermission(chargePermissionId);
  return rows.filter((r) => r.merchantId === caller.merchant.merchantId && r.environment === caller.environment);
}
