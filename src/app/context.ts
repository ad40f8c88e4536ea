import type { Environment } from '../domain/environment.js';
import type { Merchant } from '../domain/merchant.js';
import type { RandomSource } from '../domain/random.js';
import type { Instant } from '../domain/time.js';
import type { Store } from '../store/store.js';

export interface Clock {
  /** Real time; sandbox objects add their merchant's clock offset on top. */
  now(): Instant;
}

export interface Logger {
  /** Optional so that minimal loggers (tests) need not have it; reji's own logger does. */
  debug?(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Events operators count (/metrics); every method must return at once and never throw. */
export interface AppMetrics {
  /** An API call failed authentication (signature, key, date, headers) with this reason code. */
  authenticationFailed(reasonCode: string): void;
  /** One delivery attempt of a payment notification ended so. */
  notificationAttempt(outcome: string): void;
}

/** What every use case needs; built once at start-up. */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Base URL of reji's own pages (hosted checkout, processing), without a trailing slash. */
  readonly publicUrl: string;
  readonly log: Logger;
  /** Where counted events go; absent when nothing counts them (most tests). */
  readonly metrics?: AppMetrics;
}

/** The authenticated merchant of an API call and the environment its key and path select. */
export interface Caller {
  readonly merchant: Merchant;
  readonly environment: Environment;
  readonly publicKeyId: string;
}

/** The time an object of this merchant and environment lives in: Live is real time, Sandbox follows the merchant's clock. */
export function nowFor(
  ctx: Pick<AppContext, 'clock'>,
  merchant: Pick<Merchant, 'sandboxClockOffsetMs'>,
  environment: Environment,
): Instant {
  const real = ctx.clock.now();
  return environment === 'Sandbox' ? real + merchant.sandboxClockOffsetMs : real;
}
