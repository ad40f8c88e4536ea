import { MINUTE, type Instant } from './time.js';

/**
 * A token bucket (issue 17: anonymous traffic): `perMinute` tokens, refilled evenly over a minute, so a
 * client may burst up to `perMinute` requests and then keeps `perMinute` a minute. Pure: time is an argument.
 */
export interface BucketState {
  readonly tokens: number;
  readonly at: Instant;
}

export type TakeToken =
  | { readonly allowed: true; readonly state: BucketState }
  | { readonly allowed: false; readonly state: BucketState; readonly retryAfterMs: number };

export function takeToken(state: BucketState | undefined, perMinute: number, now: Instant): TakeToken {
  const elapsed = state === undefined ? MINUTE : Math.max(0, now - state.at);
  const tokens = Math.min(perMinute, (state?.tokens ?? perMinute) + (elapsed * perMinute) / MINUTE);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, at: now } };
  return { allowed: false, state: { tokens, at: now }, retryAfterMs: Math.ceil(((1 - tokens) * MINUTE) / perMinute) };
}

/** Whether a bucket left alone until `now` is full again (then it need not be kept). */
export function isFull(state: BucketState, perMinute: number, now: Instant): boolean {
  return state.tokens + ((now - state.at) * perMinute) / MINUTE >= perMinute;
}
