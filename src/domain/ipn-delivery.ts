import type { Environment } from './environment.js';
import { HOUR, MINUTE, SECOND, type Instant } from './time.js';

/**
 * How a payment notification (IPN) moves from the outbox to the merchant: its delivery states and the
 * retry schedule (docs/notifications.md). Times are in the notification's environment clock: the
 * merchant's sandbox clock for Sandbox notifications, real time for Live ones.
 */

export const NOTIFICATION_STATUSES = [
  /** Written by the change it reports; not tried yet. */
  'pending',
  /** Tried and not acknowledged; tried again at next_attempt_at. */
  'retrying',
  /** A 2xx answer acknowledged it. */
  'delivered',
  /** Not acknowledged within the schedule; `reji ipn replay` sends it again. */
  'failed',
  /** No endpoint was configured when it came up for delivery; not retried, replayable. */
  'no_endpoint',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** States a worker still has to act on; an earlier notification in one of them holds back later ones of its object. */
export const UNDELIVERED_STATUSES = ['pending', 'retrying'] as const satisfies readonly NotificationStatus[];

/** Waits after the 1st, 2nd, ... failed attempt; the last one repeats (the cap). */
export const RETRY_DELAYS_MS: readonly number[] = [
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
];

/** No attempt is scheduled later than this after the delivery began (creation or replay); the attempt at that point is the last. */
export const GIVE_UP_AFTER_MS = 26 * HOUR;

/** Each wait is stretched or shrunk by up to this fraction, so retries to one endpoint do not arrive in bursts. */
export const JITTER = 0.2;

export interface FailedAttempt {
  /** 1 for the first attempt of the delivery (creation or replay). */
  readonly attempt: number;
  /** When the failed attempt started (environment clock). */
  readonly attemptedAt: Instant;
  /** When the delivery began: the notification's creation, or its last replay. */
  readonly deliveryStartedAt: Instant;
  /** A uniform random number in [-1, 1] (the jitter's direction and size). */
  readonly jitter: number;
}

/**
 * When to try again after a failed attempt, or null to give up (the notification becomes `failed`).
 * Waits follow RETRY_DELAYS_MS with ±20 % jitter; no attempt is scheduled after the give-up point, and
 * the one that would be is moved to exactly that point.
 */
export function nextAttemptAt(failed: FailedAttempt): Instant | null {
  const giveUpAt = failed.deliveryStartedAt + GIVE_UP_AFTER_MS;
  if (failed.attemptedAt >= giveUpAt) return null;
  const index = Math.min(Math.max(failed.attempt, 1), RETRY_DELAYS_MS.length) - 1;
  const base = RETRY_DELAYS_MS[index]!;
  const jitter = Math.min(1, Math.max(-1, failed.jitter));
  const wait = Math.round(base * (1 + JITTER * jitter));
  return Math.min(failed.attemptedAt + wait, giveUpAt);
}

/** The nominal wait (without jitter) after the given failed attempt; for docs and tests. */
export function nominalDelay(attempt: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(attempt, 1), RETRY_DELAYS_MS.length) - 1]!;
}

/** The outcome of one attempt, as the delivery log records it. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'no_endpoint';

/** A 2xx answer is the only acknowledgement; redirects, errors and timeouts are failures. */
export function isAcknowledged(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode <= 299;
}

/**
 * Where a merchant's notifications may go: an absolute http(s) URL without credentials or fragment;
 * Live requires https (the Sandbox accepts plain http, as Amazon Pay's does).
 */
export function checkEndpointUrl(
  url: string,
  environment: Environment,
): { ok: true; url: string } | { ok: false; why: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, why: `"${url}" is not an absolute URL` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, why: 'the URL must use https (or http in the sandbox)' };
  if (environment === 'Live' && parsed.protocol !== 'https:')
    return { ok: false, why: 'Live endpoints must use https' };
  if (parsed.username !== '' || parsed.password !== '')
    return { ok: false, why: 'credentials in the URL are not supported' };
  if (parsed.hash !== '') return { ok: false, why: 'the URL must not have a fragment (#...)' };
  if (url.length > 2048) return { ok: false, why: 'the URL is longer than 2048 characters' };
  return { ok: true, url: parsed.toString() };
}
