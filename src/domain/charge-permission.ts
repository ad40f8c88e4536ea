import type { ChargePermissionType, CheckoutSession, ProcessingResult } from './checkout-session.js';
import type { Environment } from './environment.js';
import { domainError, fail, ok, type DomainError, type Result } from './errors.js';
import { TIMERS, overchargeLimit, paymentMethodOnFileMonthlyLimit, recurringMonthlyLimit } from './limits.js';
import { compare, display, money, type CurrencyCode, type Money } from './money.js';
import {
  EMPTY_MERCHANT_METADATA,
  type Address,
  type BuyerSnapshot,
  type MerchantMetadata,
  type PaymentMethodSnapshot,
  type RecurringMetadata,
} from './shared-types.js';
import { DAY, addMonths, type Instant } from './time.js';

export const CHARGE_PERMISSION_STATES = ['Chargeable', 'NonChargeable', 'Closed'] as const;
export type ChargePermissionState = (typeof CHARGE_PERMISSION_STATES)[number];

/**
 * How a permission is born at Complete: Chargeable, or already Closed / AmazonClosed when Complete captured
 * a OneTime permission's whole amount (AuthorizeWithCapture; recordCapture closes it before the first save).
 */
export const CHARGE_PERMISSION_INITIAL_STATUSES: readonly {
  readonly state: ChargePermissionState;
  readonly reasons: readonly ClosedReason[];
}[] = [
  { state: 'Chargeable', reasons: [] },
  { state: 'Closed', reasons: ['AmazonClosed'] },
];

/**
 * Where a change of status (state or reasons) may lead; saving checks it (domain/state-machines.ts).
 * Updates, charges and the books keep the status (no transition). Closed is final.
 */
export const CHARGE_PERMISSION_TRANSITIONS: Readonly<Record<ChargePermissionState, readonly ChargePermissionState[]>> =
  {
    Chargeable: ['NonChargeable', 'Closed'],
    NonChargeable: ['Chargeable', 'Closed'],
    Closed: [],
  };

export const NON_CHARGEABLE_REASONS = [
  'PaymentMethodInvalid',
  'PaymentMethodDeleted',
  'PaymentMethodExpired',
  'PaymentMethodNotAllowed',
  'PaymentMethodNotSet',
  'BillingAddressDeleted',
  'ChargeInProgress',
  'MFAFailed',
] as const;
export const CLOSED_REASONS = ['MerchantClosed', 'BuyerClosed', 'AmazonClosed', 'AmazonCanceled', 'Expired'] as const;
export type NonChargeableReason = (typeof NON_CHARGEABLE_REASONS)[number];
export type ClosedReason = (typeof CLOSED_REASONS)[number];

/** The reason codes a permission in each state may carry (at least one where the list is not empty). */
export const CHARGE_PERMISSION_STATE_REASONS: Readonly<
  Record<ChargePermissionState, readonly (NonChargeableReason | ClosedReason)[]>
> = {
  Chargeable: [],
  NonChargeable: NON_CHARGEABLE_REASONS,
  Closed: CLOSED_REASONS,
};

export const CHARGE_PERMISSION_OPERATION_SOURCES = {
  update: ['Chargeable', 'NonChargeable'],
  close: ['Chargeable', 'NonChargeable'],
  charge: ['Chargeable'],
  expire: ['Chargeable', 'NonChargeable'],
  changePaymentMethod: ['Chargeable', 'NonChargeable'],
  markNonChargeable: ['Chargeable'],
  closeWhenCaptured: ['Chargeable', 'NonChargeable'],
} as const satisfies Record<string, readonly ChargePermissionState[]>;

export interface ChargePermissionReason {
  readonly reasonCode: NonChargeableReason | ClosedReason;
  readonly reasonDescription: string;
}

export interface ChargePermission {
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly storeId: string;
  readonly checkoutSessionId: string;
  readonly version: number;
  readonly chargePermissionType: ChargePermissionType;
  readonly state: ChargePermissionState;
  readonly reasons: readonly ChargePermissionReason[];
  readonly lastUpdatedAt: Instant;
  readonly createdAt: Instant;
  readonly expiresAt: Instant | null;
  readonly buyer: BuyerSnapshot | null;
  readonly shippingAddress: Address | null;
  readonly billingAddress: Address | null;
  readonly paymentMethod: PaymentMethodSnapshot;
  readonly merchantMetadata: MerchantMetadata;
  readonly platformId: string | null;
  readonly recurringMetadata: RecurringMetadata | null;
  readonly presentmentCurrency: CurrencyCode;
  readonly ledgerCurrency: CurrencyCode;
  readonly extendExpiration: boolean;
  /** OneTime: the most all charges together may take. Recurring / PaymentMethodOnFile: null (monthly limit instead). */
  readonly amountLimit: Money | null;
  /** What the live charges hold: the authorized amount until captured, then the captured amount. */
  readonly reservedMinor: number;
  readonly capturedMinor: number;
  /** Recurring / PaymentMethodOnFile: what was charged in the calendar month (UTC) starting at periodStart. */
  readonly periodStart: Instant | null;
  readonly periodChargedMinor: number;
  readonly lastChargedAt: Instant | null;
  readonly closureReason: string | null;
}

const REASON_DESCRIPTIONS: Readonly<Record<NonChargeableReason | ClosedReason, string>> = {
  PaymentMethodInvalid: 'The payment method is invalid; the buyer must choose another one.',
  PaymentMethodDeleted: 'The buyer deleted the payment method.',
  PaymentMethodExpired: 'The payment method expired.',
  PaymentMethodNotAllowed: 'The payment method cannot be used for this charge permission.',
  PaymentMethodNotSet: 'No payment method is set.',
  BillingAddressDeleted: 'The buyer deleted the billing address.',
  ChargeInProgress: 'A charge is in progress.',
  MFAFailed: 'The buyer did not complete multi-factor authentication.',
  MerchantClosed: 'The merchant closed the charge permission.',
  BuyerClosed: 'The buyer closed the charge permission.',
  AmazonClosed: 'Amazon Pay closed the charge permission.',
  AmazonCanceled: 'Amazon Pay canceled the charge permission.',
  Expired: 'The charge permission expired.',
};

export function reason(code: NonChargeableReason | ClosedReason): ChargePermissionReason {
  return { reasonCode: code, reasonDescription: REASON_DESCRIPTIONS[code] };
}

function startOfUtcMonth(at: Instant): Instant {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** When an open permission lapses; recurring ones are kept alive by charging (13 months after the last). */
export function expirationOf(
  cp: Pick<ChargePermission, 'chargePermissionType' | 'createdAt' | 'extendExpiration' | 'lastChargedAt'>,
): Instant | null {
  switch (cp.chargePermissionType) {
    case 'OneTime':
      return cp.extendExpiration
        ? addMonths(cp.createdAt, TIMERS.extendedPermissionLifetimeMonths)
        : cp.createdAt + TIMERS.oneTimePermissionLifetimeDays * DAY;
    case 'Recurring':
      return addMonths(cp.lastChargedAt ?? cp.createdAt, TIMERS.recurringPermissionIdleMonths);
    case 'PaymentMethodOnFile':
      return null;
  }
}

export function createChargePermissionFromCheckout(
  cs: CheckoutSession,
  processing: ProcessingResult,
  chargePermissionId: string,
  now: Instant,
): ChargePermission {
  const order = cs.paymentDetails.totalOrderAmount ?? cs.paymentDetails.chargeAmount;
  const presentmentCurrency = order?.currency ?? cs.paymentDetails.presentmentCurrency ?? cs.ledgerCurrency;
  let amountLimit: Money | null = null;
  if (cs.chargePermissionType === 'OneTime' && order) {
    amountLimit = cs.paymentDetails.allowOvercharge ? overchargeLimit(order) : order;
  }
  const base = {
    chargePermissionType: cs.chargePermissionType,
    createdAt: now,
    extendExpiration: cs.paymentDetails.extendExpiration === true,
    lastChargedAt: null,
  };
  return {
    chargePermissionId,
    merchantId: cs.merchantId,
    environment: cs.environment,
    storeId: cs.storeId,
    checkoutSessionId: cs.checkoutSessionId,
    version: 0,
    ...base,
    state: 'Chargeable',
    reasons: [],
    lastUpdatedAt: now,
    expiresAt: expirationOf(base),
    buyer: cs.buyer,
    shippingAddress: cs.shippingAddress,
    billingAddress: cs.billingAddress,
    paymentMethod: processing.paymentMethod,
    merchantMetadata: cs.merchantMetadata ?? EMPTY_MERCHANT_METADATA,
    platformId: cs.platformId,
    recurringMetadata: cs.recurringMetadata,
    presentmentCurrency,
    ledgerCurrency: cs.ledgerCurrency,
    amountLimit,
    reservedMinor: 0,
    capturedMinor: 0,
    periodStart: cs.chargePermissionType === 'OneTime' ? null : startOfUtcMonth(now),
    periodChargedMinor: 0,
    lastChargedAt: null,
    closureReason: null,
  };
}

/** The limit and what is left of it, as `limits` on the wire. */
export function limitsOf(cp: ChargePermission, now: Instant): { amountLimit: Money; amountBalance: Money } {
  if (cp.amountLimit) {
    const balance = money(Math.max(0, cp.amountLimit.minor - cp.reservedMinor), cp.amountLimit.currency);
    return {
      amountLimit: cp.amountLimit,
      amountBalance: cp.state === 'Closed' ? money(0, cp.amountLimit.currency) : balance,
    };
  }
  const limit = monthlyLimitOf(cp);
  const used = cp.periodStart !== null && startOfUtcMonth(now) === cp.periodStart ? cp.periodChargedMinor : 0;
  return {
    amountLimit: limit,
    amountBalance: money(cp.state === 'Closed' ? 0 : Math.max(0, limit.minor - used), limit.currency),
  };
}

function monthlyLimitOf(cp: ChargePermission): Money {
  return cp.chargePermissionType === 'PaymentMethodOnFile'
    ? paymentMethodOnFileMonthlyLimit(cp.presentmentCurrency)
    : recurringMonthlyLimit(cp.presentmentCurrency);
}

function notChargeable(cp: ChargePermission, operation: string): DomainError {
  switch (cp.state) {
    case 'Closed':
      return domainError(
        'InvalidChargePermissionStatus',
        `You cannot ${operation} because Charge Permission ${cp.chargePermissionId} is Closed (${cp.reasons.map((r) => r.reasonCode).join(', ') || 'no reason'}).`,
      );
    case 'NonChargeable':
      return domainError(
        'InvalidChargePermissionStatus',
        `You cannot ${operation} because Charge Permission ${cp.chargePermissionId} is NonChargeable (${cp.reasons.map((r) => r.reasonCode).join(', ') || 'no reason'}).`,
      );
    case 'Chargeable':
      throw new Error('notChargeable called on a Chargeable permission');
  }
}

function inState<S extends ChargePermissionState>(cp: ChargePermission, allowed: readonly S[]): boolean {
  return (allowed as readonly ChargePermissionState[]).includes(cp.state);
}

/** Whether a new authorization of `amount` fits: state, currency, the one-time limit or the monthly limit. */
export function checkNewCharge(cp: ChargePermission, amount: Money, now: Instant): Result<null> {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.charge)) return fail(notChargeable(cp, 'create a charge'));
  if (amount.currency !== cp.presentmentCurrency) {
    return fail(
      'CurrencyMismatch',
      `chargeAmount.currencyCode ${amount.currency} differs from the charge permission's currency ${cp.presentmentCurrency}.`,
    );
  }
  const { amountBalance } = limitsOf(cp, now);
  if (compare(amount, amountBalance) > 0) {
    return cp.amountLimit
      ? fail(
          'TransactionAmountExceeded',
          `chargeAmount ${display(amount)} exceeds the remaining balance ${display(amountBalance)} of Charge Permission ${cp.chargePermissionId}.`,
        )
      : fail(
          'PeriodicAmountExceeded',
          `chargeAmount ${display(amount)} exceeds what remains of this month's limit (${display(amountBalance)}) on Charge Permission ${cp.chargePermissionId}.`,
        );
  }
  return ok(null);
}

/** A charge now holds `amount` against the permission. */
export function reserve(cp: ChargePermission, amount: Money, now: Instant): ChargePermission {
  const month = startOfUtcMonth(now);
  const samePeriod = cp.periodStart === month;
  const lastChargedAt = now;
  return {
    ...cp,
    reservedMinor: cp.reservedMinor + amount.minor,
    periodStart: cp.amountLimit ? cp.periodStart : month,
    periodChargedMinor: cp.amountLimit
      ? cp.periodChargedMinor
      : (samePeriod ? cp.periodChargedMinor : 0) + amount.minor,
    lastChargedAt,
    expiresAt: cp.chargePermissionType === 'Recurring' ? expirationOf({ ...cp, lastChargedAt }) : cp.expiresAt,
  };
}

/** A charge gave back `amount` (canceled, declined, or captured for less than it held). */
export function release(cp: ChargePermission, amount: Money, chargeCreatedAt: Instant): ChargePermission {
  const sameMonth = cp.periodStart !== null && startOfUtcMonth(chargeCreatedAt) === cp.periodStart;
  return {
    ...cp,
    reservedMinor: Math.max(0, cp.reservedMinor - amount.minor),
    periodChargedMinor: sameMonth ? Math.max(0, cp.periodChargedMinor - amount.minor) : cp.periodChargedMinor,
  };
}

/** A charge captured `captured`; a OneTime permission closes once its whole limit is captured. */
export function recordCapture(cp: ChargePermission, captured: Money, now: Instant): ChargePermission {
  const next = { ...cp, capturedMinor: cp.capturedMinor + captured.minor };
  if (
    next.chargePermissionType === 'OneTime' &&
    next.amountLimit &&
    next.capturedMinor >= next.amountLimit.minor &&
    inState(next, CHARGE_PERMISSION_OPERATION_SOURCES.closeWhenCaptured)
  ) {
    return {
      ...next,
      state: 'Closed',
      reasons: [reason('AmazonClosed')],
      closureReason: 'The whole amount of the charge permission was captured.',
      lastUpdatedAt: now,
    };
  }
  return next;
}

export interface ChargePermissionUpdateInput {
  readonly merchantMetadata?: Partial<MerchantMetadata>;
  readonly recurringMetadata?: RecurringMetadata;
}

export function updateChargePermission(
  cp: ChargePermission,
  input: ChargePermissionUpdateInput,
): Result<ChargePermission> {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.update)) {
    return fail(
      'ChargePermissionNotModifiable',
      `Charge Permission ${cp.chargePermissionId} is Closed and can no longer be modified.`,
    );
  }
  if (input.recurringMetadata && cp.chargePermissionType !== 'Recurring') {
    return fail(
      'InvalidParameterCombination',
      'recurringMetadata can only be updated on a Recurring charge permission.',
    );
  }
  const merchantMetadata = { ...cp.merchantMetadata };
  for (const [k, v] of Object.entries(input.merchantMetadata ?? {}))
    if (v !== undefined) (merchantMetadata as Record<string, unknown>)[k] = v;
  if (input.recurringMetadata?.amount && input.recurringMetadata.amount.currency !== cp.presentmentCurrency) {
    return fail('CurrencyMismatch', `recurringMetadata.amount.currencyCode must be ${cp.presentmentCurrency}.`);
  }
  return ok({
    ...cp,
    merchantMetadata,
    recurringMetadata: input.recurringMetadata ?? cp.recurringMetadata,
  });
}

export function closeChargePermission(
  cp: ChargePermission,
  closure: { reasonCode: ClosedReason; closureReason: string },
  now: Instant,
): Result<ChargePermission> {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.close)) {
    return fail('InvalidChargePermissionStatus', `Charge Permission ${cp.chargePermissionId} is already Closed.`);
  }
  return ok({
    ...cp,
    state: 'Closed',
    reasons: [reason(closure.reasonCode)],
    closureReason: closure.closureReason,
    lastUpdatedAt: now,
  });
}

/** The buyer must act before the permission can be charged again (e.g. choose another method after a hard decline). */
export function markNonChargeable(
  cp: ChargePermission,
  reasonCode: NonChargeableReason,
  now: Instant,
): Result<ChargePermission> {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.markNonChargeable)) {
    return fail(notChargeable(cp, `make it NonChargeable (${reasonCode})`));
  }
  return ok({ ...cp, state: 'NonChargeable', reasons: [reason(reasonCode)], lastUpdatedAt: now });
}

/** The expiry timer: an open permission past its expiration is Closed / Expired. */
export function expirePermissionIfDue(cp: ChargePermission, now: Instant): ChargePermission | null {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.expire) || cp.expiresAt === null || now < cp.expiresAt)
    return null;
  return {
    ...cp,
    state: 'Closed',
    reasons: [reason('Expired')],
    closureReason: 'Expired',
    lastUpdatedAt: cp.expiresAt,
  };
}

/** The buyer switched the payment method in their wallet (an ATTRIBUTE_CHANGE for the merchant). */
export function changePaymentMethod(
  cp: ChargePermission,
  method: PaymentMethodSnapshot,
  now: Instant,
): Result<ChargePermission> {
  if (!inState(cp, CHARGE_PERMISSION_OPERATION_SOURCES.changePaymentMethod)) {
    return fail('ChargePermissionNotModifiable', `Charge Permission ${cp.chargePermissionId} is Closed.`);
  }
  const wasMissing = cp.state === 'NonChargeable';
  return ok({
    ...cp,
    paymentMethod: method,
    state: wasMissing ? 'Chargeable' : cp.state,
    reasons: wasMissing ? [] : cp.reasons,
    lastUpdatedAt: wasMissing ? now : cp.lastUpdatedAt,
  });
}

/** Buyer data is visible for 30 days on OneTime permissions; on the others while open and 30 days after closing. */
export function buyerDataVisible(cp: ChargePermission, now: Instant): boolean {
  if (cp.chargePermissionType === 'OneTime') return now < cp.createdAt + TIMERS.buyerDataVisibility;
  if (cp.state !== 'Closed') return true;
  return now < cp.lastUpdatedAt + TIMERS.buyerDataVisibility;
}
