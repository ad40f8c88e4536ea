import { takeToken, throttleLimit, type Bucket } from '../domain/throttling.js';
import { setMerchantThrottling } from './merchants.js';
import { ApiError } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';

/**
 * Amazon's throttle table for the merchants that turned it on (docs/sandbox.md, "Throttling"). The buckets live in
 * the memory of each process (docs/decisions.md, "Throttling"): with N processes behind a load balancer a merchant
 * may get up to N times the quota. They follow the merchant's sandbox clock, so moving it refills them.
 */

const bucketsByContext = new WeakMap<AppContext, Map<string, Bucket>>();

/** Throws 429 TooManyRequests when the call's bucket is empty; a no-op for merchants without throttling. */
export function throttle(ctx: AppContext, caller: Caller, operation: string, method: string): void {
  if (!caller.merchant.throttling) return;
  let buckets = bucketsByContext.get(ctx);
  if (!buckets) {
    buckets = new Map();
    bucketsByContext.set(ctx, buckets);
  }
  const key = `${caller.merchant.merchantId} ${caller.environment} ${operation}`;
  const limit = throttleLimit(operation, method, caller.environment);
  const r = takeToken(buckets.get(key), limit, nowFor(ctx, caller.merchant, caller.environment));
  buckets.set(key, r.bucket);
  if (!r.allowed) {
    throw new ApiError(
      'TooManyRequests',
      `The request was throttled: ${operation} allows ${limit.maxQuota} requests, restored at ${limit.restorePerSecond} per second. Retry with exponential backoff.`,
    );
  }
}

/** Turns throttling on or off for the merchant; the buckets start full. */
export async function setThrottling(ctx: AppContext, caller: Caller, on: boolean): Promise<boolean> {
  await setMerchantThrottling(ctx, caller.merchant.merchantId, on);
  const buckets = bucketsByContext.get(ctx);
  if (buckets) {
    const prefix = `${caller.merchant.merchantId} `;
    for (const key of [...buckets.keys()]) if (key.startsWith(prefix)) buckets.delete(key);
  }
  return on;
}
