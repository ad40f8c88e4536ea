import type { Environment } from './environment.js';
import { SECOND, type Instant } from './time.js';

/**
 * Amazon's throttle table (spec 09 §9.2) as token buckets: each operation has a bucket of `maxQuota` requests
 * that refills at `restorePerSecond`; a call finding it empty answers 429 TooManyRequests. Pure: the bucket is a
 * value and time an argument.
 */

export interface ThrottleLimit {
  readonly maxQuota: number;
  readonly restorePerSecond: number;
}

type Row = { readonly Live: ThrottleLimit; readonly Sandbox: ThrottleLimit };

const row = (liveMax: number, liveRate: number, sandboxMax: number, sandboxRate: number): Row => ({
  Live: { maxQuota: liveMax, restorePerSecond: liveRate },
  Sandbox: { maxQuota: sandboxMax, restorePerSecond: sandboxRate },
});

/** The published rows, by reji's operation names (the route table's `operation`). */
export const THROTTLE_TABLE: Readonly<Record<string, Row>> = {
  CancelCharge: row(10, 2, 2, 1),
  CaptureCharge: row(20, 4, 2, 1),
  CloseChargePermission: row(10, 2, 2, 1),
  CompleteCheckoutSession: row(20, 4, 2, 1),
  CreateCharge: row(10, 4, 2, 1),
  CreateCheckoutSession: row(40, 16, 5, 1),
  CreateRefund: row(10, 4, 2, 1),
  CreateDeliveryTracker: row(10, 1, 1, 1),
  GetCharge: row(20, 4, 5, 1),
  GetChargePermission: row(20, 4, 10, 1),
  GetCheckoutSession: row(40, 8, 10, 1),
  GetRefund: row(20, 4, 5, 1),
  UpdateChargePermission: row(10, 2, 5, 1),
  UpdateCheckoutSession: row(20, 8, 5, 1),
  // Not published (spec 12 §12.14 defaults): Finalize like Complete.
  FinalizeCheckoutSession: row(20, 4, 2, 1),
};

/** Rows Amazon does not publish (spec 12 §12.14): a read like Get Charge, a write like Create Charge. */
const DEFAULT_READ = row(20, 4, 5, 1);
const DEFAULT_WRITE = row(10, 4, 2, 1);

export function throttleLimit(operation: string, method: string, environment: Environment): ThrottleLimit {
  const r = THROTTLE_TABLE[operation] ?? (method === 'GET' ? DEFAULT_READ : DEFAULT_WRITE);
  return r[environment];
}

export interface Bucket {
  readonly tokens: number;
  readonly at: Instant;
}

/**
 * Takes one request from the bucket (a missing bucket is full). When it is empty, `retryAfterMs` says when the
 * next request will be allowed. A clock that went back counts as no time passed.
 */
export function takeToken(
  bucket: Bucket | undefined,
  limit: ThrottleLimit,
  now: Instant,
): { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; retryAfterMs: number } {
  const elapsed = bucket === undefined ? 0 : Math.max(0, now - bucket.at);
  const tokens =
    bucket === undefined
      ? limit.maxQuota
      : Math.min(limit.maxQuota, bucket.tokens + (elapsed * limit.restorePerSecond) / SECOND);
  const at = bucket === undefined ? now : Math.max(now, bucket.at);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at } };
  return {
    allowed: false,
    bucket: { tokens, at },
    retryAfterMs: Math.ceil(((1 - tokens) * SECOND) / limit.restorePerSecond),
  };
}
