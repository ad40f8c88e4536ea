import { major, min, money, percentOf, type CurrencyCode, type Money } from './money.js';
import { DAY, HOUR, SECOND } from './time.js';

/**
 * Every amount limit and every timer in one place (docs/decisions.md explains the choices
 * where Amazon's documentation is silent).
 */

/** Largest single charge, capture or refund: 150,000 in two-decimal currencies, 10,000,000 JPY. */
export function maxTransactionAmount(currency: CurrencyCode): Money {
  return currency === 'JPY' ? major(10_000_000, 'JPY') : major(150_000, currency);
}

/**
 * How far the total refunded may exceed the captured amount: the lesser of 15 % of the capture
 * and 75 (USD/EUR/GBP and other two-decimal currencies) or 8,400 JPY.
 */
export function overRefundAllowance(captured: Money): Money {
  const cap = captured.currency === 'JPY' ? major(8_400, 'JPY') : major(75, captured.currency);
  return min(percentOf(captured, 15), cap);
}

/**
 * With `allowOvercharge`, the charge permission's limit becomes the greater of 900 % of the order
 * and 500 (two-decimal currencies) or 70,000 JPY.
 */
export function overchargeLimit(order: Money): Money {
  const floor = order.currency === 'JPY' ? major(70_000, 'JPY') : major(500, order.currency);
  const scaled = money(order.minor * 9, order.currency);
  return scaled.minor >= floor.minor ? scaled : floor;
}

/** Recurring charge permissions: the most that may be charged per calendar month (UTC). */
export function recurringMonthlyLimit(currency: CurrencyCode): Money {
  return currency === 'JPY' ? major(150_000, 'JPY') : major(1_000, currency);
}

const PMOF_MONTHLY: Readonly<Partial<Record<CurrencyCode, number>>> = {
  USD: 15_000,
  AUD: 15_000,
  CHF: 15_000,
  DKK: 150_000,
  EUR: 15_000,
  GBP: 15_000,
  HKD: 150_000,
  JPY: 2_000_000,
  NOK: 150_000,
  NZD: 15_000,
  SEK: 150_000,
  ZAR: 150_000,
};

/** Saved-wallet (PaymentMethodOnFile) charge permissions: the most per calendar month. */
export function paymentMethodOnFileMonthlyLimit(currency: CurrencyCode): Money {
  return major(PMOF_MONTHLY[currency] ?? 15_000, currency);
}

export const TIMERS = {
  checkoutSessionLifetime: 24 * HOUR,
  checkoutSessionRetention: 30 * DAY,
  authorizationValidity: 30 * DAY,
  captureHonorPeriod: 7 * DAY,
  oneTimePermissionLifetimeDays: 180,
  extendedPermissionLifetimeMonths: 13,
  /** Recurring permissions expire this long after their last charge (or their creation). */
  recurringPermissionIdleMonths: 13,
  buyerDataVisibility: 30 * DAY,
  sandboxPendingDelay: 30 * SECOND,
  /** How long an asynchronous capture (after the honor period) stays CaptureInitiated. */
  asyncCaptureDelay: 30 * SECOND,
  /** How long a refund stays RefundInitiated before it is Refunded (or Declined). */
  refundProcessingDelay: 30 * SECOND,
} as const;

export const TEXT_LIMITS = {
  url: 1024,
  softDescriptor: 16,
  merchantReferenceId: 256,
  merchantStoreName: 50,
  noteToBuyer: 255,
  customInformation: 4096,
  supplementaryData: 4096,
  platformId: 64,
  providerReferenceId: 256,
  closureReason: 255,
  cancellationReason: 255,
} as const;
