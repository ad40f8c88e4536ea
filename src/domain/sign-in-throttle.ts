import { MINUTE, SECOND, type Instant } from './time.js';

/**
 * Sign-in throttling with backoff instead of a hard lock (issue 17). An attempt is taken (counted) before
 * the password is checked, so parallel attempts cannot outrun the count. Each key allows `freeFailures`
 * attempts; past that each further attempt waits `baseDelay * 2^(n - free)`, at most `maxDelay`. A key
 * left alone for `quietReset` after its wait ended starts over; a successful sign-in gives the attempt back.
 */
export interface ThrottlePolicy {
  readonly freeFailures: number;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly quietReset: number;
}

export interface ThrottleState {
  /** Attempts counted (failures, and the attempt in flight) since the key was last quiet. */
  readonly failures: number;
  readonly lastAt: Instant;
  /** No attempt is taken before this instant. */
  readonly nextAt: Instant;
}

/** Per account and client address: a buyer's own browser is never slowed by someone else's guesses. */
export const ACCOUNT_CLIENT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelay: 30 * SECOND,
  maxDelay: 15 * MINUTE,
  quietReset: 15 * MINUTE,
};

/** Per client address, across accounts (guessing many emails, registration probing). */
export const CLIENT_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  baseDelay: 30 * SECOND,
  maxDelay: 15 * MINUTE,
  quietReset: 15 * MINUTE,
};

export type TakeResult =
  | { readonly allowed: true; readonly state: ThrottleState }
  | { readonly allowed: false; readonly retryAt: Instant };

export function takeAttempt(state: ThrottleState | undefined, policy: ThrottlePolicy, now: Instant): TakeResult {
  const current =
    state === undefined || (state.nextAt <= now && now - Math.max(state.lastAt, state.nextAt) >= policy.quietReset)
      ? { failures: 0, lastAt: now, nextAt: 0 }
      : state;
  if (current.nextAt > now) return { allowed: false, retryAt: current.nextAt };
  const failures = current.failures + 1;
  const over = failures - policy.freeFailures;
  const delay = over < 0 ? 0 : Math.min(policy.baseDelay * 2 ** Math.min(over, 30), policy.maxDelay);
  return { allowed: true, state: { failures, lastAt: now, nextAt: delay === 0 ? 0 : now + delay } };
}

/** A successful sign-in: its attempt was not a failure. */
export function giveBack(state: ThrottleState, policy: ThrottlePolicy): ThrottleState {
  const failures = Math.max(0, state.failures - 1);
  return { ...state, failures, nextAt: failures < policy.freeFailures ? 0 : state.nextAt };
}
