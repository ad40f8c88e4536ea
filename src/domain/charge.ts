import type { Environment } from './environment.js';
import { domainError, fail, ok, type DomainError, type Result } from './errors.js';
import { TIMERS, maxTransactionAmount, overRefundAllowance } from './limits.js';
import { add, compare, display, money, subtract, zero, type CurrencyCode, type Money } from './money.js';
import { EMPTY_MERCHANT_METADATA, type MerchantMetadata, type ProviderMetadata } from './shared-types.js';
import type { Instant } from './time.js';

export const CHARGE_STATES = [
  'AuthorizationInitiated',
  'Authorized',
  'CaptureInitiated',
  'Captured',
  'Canceled',
  'Declined',
] as const;
export type ChargeState = (typeof CHARGE_STATES)[number];

/** Create Charge (and Complete) start a charge in one of these: pending, authorized, or captured at once. */
export const CHARGE_INITIAL_STATES: readonly ChargeState[] = ['AuthorizationInitiated', 'Authorized', 'Captured'];

/**
 * Where a change of status (state or reason code) may lead; saving checks it (domain/state-machines.ts).
 * Captured stays Captured through refunds (no transition); Captured, Canceled and Declined are final.
 */
export const CHARGE_TRANSITIONS: Readonly<Record<ChargeState, readonly ChargeState[]>> = {
  AuthorizationInitiated: ['Authorized', 'Captured', 'Declined', 'Canceled'],
  Authorized: ['CaptureInitiated', 'Captured', 'Canceled'],
  CaptureInitiated: ['Captured', 'Declined'],
  Captured: [],
  Canceled: [],
  Declined: [],
};

export const CHARGE_OPERATION_SOURCES = {
  capture: ['Authorized'],
  cancel: ['AuthorizationInitiated', 'Authorized'],
  resolvePending: ['AuthorizationInitiated', 'CaptureInitiated'],
  stepUp: ['AuthorizationInitiated'],
  expire: ['Authorized'],
  refund: ['Captured'],
  /** Update Charge: a payment service provider reports the outcome of a charge it processes (spec 12 §12.8). */
  pspUpdate: ['AuthorizationInitiated', 'Authorized', 'CaptureInitiated'],
} as const satisfies Record<string, readonly ChargeState[]>;

export const CHARGE_CANCEL_REASONS = [
  'MerchantCanceled',
  'ExpiredUnused',
  'ChargePermissionCanceled',
  'AmazonCanceled',
  'BuyerCanceled',
] as const;
export const CHARGE_DECLINE_REASONS = [
  'SoftDeclined',
  'HardDeclined',
  'AmazonRejected',
  'ProcessingFailure',
  'TransactionTimedOut',
  'MFAFailed',
] as const;
export type ChargeCancelReason = (typeof CHARGE_CANCEL_REASONS)[number];
export type ChargeDeclineReason = (typeof CHARGE_DECLINE_REASONS)[number];
export type ChargeReasonCode = ChargeCancelReason | ChargeDeclineReason;

/** The reason codes a charge in each state carries (exactly one where the list is not empty). */
export const CHARGE_STATE_REASONS: Readonly<Record<ChargeState, readonly ChargeReasonCode[]>> = {
  AuthorizationInitiated: [],
  Authorized: [],
  CaptureInitiated: [],
  Captured: [],
  Canceled: CHARGE_CANCEL_REASONS,
  Declined: CHARGE_DECLINE_REASONS,
};

const REASON_DESCRIPTIONS: Readonly<Record<ChargeReasonCode, string>> = {
  MerchantCanceled: 'The merchant canceled the charge.',
  ExpiredUnused: 'The authorization expired: it was not captured within 30 days.',
  ChargePermissionCanceled: 'The charge permission was closed and its pending charges canceled.',
  AmazonCanceled: 'Amazon Pay canceled the charge.',
  BuyerCanceled: 'The buyer canceled the charge.',
  SoftDeclined: 'The payment was declined; it may succeed if retried later.',
  HardDeclined: 'The payment was declined; the buyer must use another payment method.',
  AmazonRejected: 'Amazon Pay rejected the transaction.',
  ProcessingFailure: 'The transaction could not be processed.',
  TransactionTimedOut: 'The authorization could not be processed in time.',
  MFAFailed: 'The buyer did not complete multi-factor authentication.',
};

export const CHARGE_INITIATORS = ['CITU', 'MITU', 'CITR', 'MITR'] as const;
export const CHANNELS = ['Web', 'Phone', 'App', 'Alexa', 'PointOfSale', 'FireTv', 'Offline', 'Amazon'] as const;
export type ChargeInitiator = (typeof CHARGE_INITIATORS)[number];
export type Channel = (typeof CHANNELS)[number];

/** Something the charge waits for: an asynchronous authorization or capture and what it will turn into. */
export type PendingChargeStep =
  | { readonly kind: 'Authorization'; readonly resolvesAt: Instant; readonly outcome: 'Authorized' | 'Captured' }
  | {
      readonly kind: 'Authorization';
      readonly resolvesAt: Instant;
      readonly outcome: 'Declined';
      readonly reasonCode: ChargeDeclineReason;
    }
  | {
      readonly kind: 'Capture';
      readonly resolvesAt: Instant;
      readonly captureAmount: Money;
      readonly outcome: 'Captured';
    }
  | {
      readonly kind: 'Capture';
      readonly resolvesAt: Instant;
      readonly captureAmount: Money;
      readonly outcome: 'Declined';
      readonly reasonCode: ChargeDeclineReason;
    };

export interface Charge {
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly version: number;
  readonly state: ChargeState;
  readonly reasonCode: ChargeReasonCode | null;
  readonly reasonDescription: string | null;
  readonly lastUpdatedAt: Instant;
  readonly createdAt: Instant;
  readonly authorizedAt: Instant | null;
  /** The authorization lapses 30 days after creation. */
  readonly expiresAt: Instant;
  readonly chargeAmount: Money;
  readonly capturedAmount: Money | null;
  /** Refunds that completed. */
  readonly refundedMinor: number;
  /** Refunds still RefundInitiated: they count against the refund limit already. */
  readonly refundPendingMinor: number;
  readonly ledgerCurrency: CurrencyCode;
  readonly captureNow: boolean;
  readonly canHandlePendingAuthorization: boolean;
  readonly softDescriptor: string | null;
  readonly merchantMetadata: MerchantMetadata;
  readonly providerMetadata: ProviderMetadata;
  readonly platformId: string | null;
  readonly chargeInitiator: ChargeInitiator | null;
  readonly channel: Channel | null;
  readonly pending: PendingChargeStep | null;
  /**
   * The request's `webCheckoutDetails` (saved-wallet charges with the buyer present); `amazonPayRedirectUrl` is
   * the strong customer authentication step-up page while the charge waits for the buyer (EU/UK sandbox).
   * Absent on charges stored before it existed.
   */
  readonly webCheckoutDetails?: {
    readonly checkoutResultReturnUrl: string | null;
    readonly amazonPayRedirectUrl: string | null;
  } | null;
}

export interface NewChargeInput {
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly ledgerCurrency: CurrencyCode;
  readonly chargeAmount: Money;
  readonly captureNow: boolean;
  readonly canHandlePendingAuthorization: boolean;
  readonly softDescriptor?: string | null;
  readonly merchantMetadata?: Partial<MerchantMetadata>;
  readonly providerMetadata?: Partial<ProviderMetadata>;
  readonly platformId?: string | null;
  readonly chargeInitiator?: ChargeInitiator | null;
  readonly channel?: Channel | null;
  readonly webCheckoutDetails?: Charge['webCheckoutDetails'];
}

/** How the processor answers an authorization. */
export type AuthorizationOutcome =
  | { readonly kind: 'Approved' }
  | { readonly kind: 'Pending'; readonly delayMs: number; readonly resolvesTo: 'Approved' | ChargeDeclineReason }
  | { readonly kind: 'Declined'; readonly reasonCode: ChargeDeclineReason };

export function checkChargeAmount(amount: Money, path: string): Result<null> {
  const max = maxTransactionAmount(amount.currency);
  if (compare(amount, max) > 0)
    return fail('TransactionAmountExceeded', `${path} ${display(amount)} exceeds the maximum of ${display(max)}.`);
  return ok(null);
}

/** A new charge from an approved or pending authorization. Declines never become charges (they answer as errors). */
export function createCharge(
  input: NewChargeInput,
  outcome: Exclude<AuthorizationOutcome, { kind: 'Declined' }>,
  now: Instant,
): Charge {
  const base: Charge = {
    chargeId: input.chargeId,
    chargePermissionId: input.chargePermissionId,
    merchantId: input.merchantId,
    environment: input.environment,
    version: 0,
    state: 'Authorized',
    reasonCode: null,
    reasonDescription: null,
    lastUpdatedAt: now,
    createdAt: now,
    authorizedAt: now,
    expiresAt: now + TIMERS.authorizationValidity,
    chargeAmount: input.chargeAmount,
    capturedAmount: null,
    refundedMinor: 0,
    refundPendingMinor: 0,
    ledgerCurrency: input.ledgerCurrency,
    captureNow: input.captureNow,
    canHandlePendingAuthorization: input.canHandlePendingAuthorization,
    softDescriptor: input.softDescriptor ?? null,
    merchantMetadata: { ...EMPTY_MERCHANT_METADATA, ...definedOnly(input.merchantMetadata) },
    providerMetadata: { providerReferenceId: input.providerMetadata?.providerReferenceId ?? null },
    platformId: input.platformId ?? null,
    chargeInitiator: input.chargeInitiator ?? null,
    channel: input.channel ?? null,
    pending: null,
    webCheckoutDetails: input.webCheckoutDetails ?? null,
  };
  if (outcome.kind === 'Pending') {
    const resolvesAt = now + outcome.delayMs;
    const pending: PendingChargeStep =
      outcome.resolvesTo === 'Approved'
        ? { kind: 'Authorization', resolvesAt, outcome: input.captureNow ? 'Captured' : 'Authorized' }
        : { kind: 'Authorization', resolvesAt, outcome: 'Declined', reasonCode: outcome.resolvesTo };
    return { ...base, state: 'AuthorizationInitiated', authorizedAt: null, pending };
  }
  return input.captureNow ? { ...base, state: 'Captured', capturedAmount: input.chargeAmount } : base;
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function wrongState(charge: Charge, operation: string): DomainError {
  const why = charge.reasonCode ? ` (reasonCode ${charge.reasonCode})` : '';
  return domainError(
    'InvalidChargeStatus',
    `You cannot ${operation} Charge ${charge.chargeId} because it is in the ${charge.state} state${why}.`,
  );
}

function inState<S extends ChargeState>(charge: Charge, allowed: readonly S[]): boolean {
  return (allowed as readonly ChargeState[]).includes(charge.state);
}

/** How a capture request will be processed (forced by a simulation code, or by the honor period). */
export type CaptureProcessing =
  | { readonly kind: 'Immediate' }
  | { readonly kind: 'Async'; readonly delayMs: number; readonly resolvesTo: 'Captured' | ChargeDeclineReason };

/**
 * Capture: at most the authorized amount (the safer rule; docs/decisions.md), once per charge.
 * Within 7 days of authorization it is immediate; later it goes through CaptureInitiated.
 */
export function captureCharge(
  charge: Charge,
  amount: Money,
  now: Instant,
  processing: CaptureProcessing,
  softDescriptor?: string,
): Result<Charge> {
  if (!inState(charge, CHARGE_OPERATION_SOURCES.capture)) return fail(wrongState(charge, 'capture'));
  if (amount.currency !== charge.chargeAmount.currency) {
    return fail(
      'CurrencyMismatch',
      `captureAmount.currencyCode ${amount.currency} differs from the charge's currency ${charge.chargeAmount.currency}.`,
    );
  }
  if (compare(amount, charge.chargeAmount) > 0) {
    return fail(
      'TransactionAmountExceeded',
      `captureAmount ${display(amount)} exceeds the authorized amount ${display(charge.chargeAmount)}.`,
    );
  }
  const base = { ...charge, lastUpdatedAt: now, softDescriptor: softDescriptor ?? charge.softDescriptor };
  const afterHonorPeriod = charge.authorizedAt !== null && now - charge.authorizedAt > TIMERS.captureHonorPeriod;
  const effective: CaptureProcessing =
    processing.kind === 'Immediate' && afterHonorPeriod
      ? { kind: 'Async', delayMs: TIMERS.asyncCaptureDelay, resolvesTo: 'Captured' }
      : processing;
  if (effective.kind === 'Immediate') return ok({ ...base, state: 'Captured', capturedAmount: amount });
  const resolvesAt = now + effective.delayMs;
  const pending: PendingChargeStep =
    effective.resolvesTo === 'Captured'
      ? { kind: 'Capture', resolvesAt, captureAmount: amount, outcome: 'Captured' }
      : { kind: 'Capture', resolvesAt, captureAmount: amount, outcome: 'Declined', reasonCode: effective.resolvesTo };
  return ok({ ...base, state: 'CaptureInitiated', pending });
}

export function cancelCharge(charge: Charge, reasonCode: ChargeCancelReason, now: Instant): Result<Charge> {
  if (!inState(charge, CHARGE_OPERATION_SOURCES.cancel)) return fail(wrongState(charge, 'cancel'));
  return ok({
    ...charge,
    state: 'Canceled',
    reasonCode,
    reasonDescription: REASON_DESCRIPTIONS[reasonCode],
    pending: null,
    lastUpdatedAt: now,
  });
}

/**
 * The buyer answered the step-up challenge of a charge waiting for it: the right code authorizes (or captures,
 * with captureNow) at once; a wrong one declines it with MFAFailed. Either way the redirect URL is spent.
 */
export function resolveStepUp(charge: Charge, passed: boolean, now: Instant): Result<Charge> {
  if (!inState(charge, CHARGE_OPERATION_SOURCES.stepUp) || !charge.webCheckoutDetails?.amazonPayRedirectUrl)
    return fail(wrongState(charge, 'authenticate'));
  const details = { ...charge.webCheckoutDetails, amazonPayRedirectUrl: null };
  const base = { ...charge, pending: null, lastUpdatedAt: now, webCheckoutDetails: details };
  if (!passed) {
    return ok({
      ...base,
      state: 'Declined',
      reasonCode: 'MFAFailed',
      reasonDescription: REASON_DESCRIPTIONS.MFAFailed,
    });
  }
  return ok(
    charge.captureNow
      ? { ...base, state: 'Captured', authorizedAt: now, capturedAmount: charge.chargeAmount }
      : { ...base, state: 'Authorized', authorizedAt: now },
  );
}

/** Timers: a pending step resolves at its time; an unused authorization expires after 30 days. */
export function settleChargeIfDue(charge: Charge, now: Instant): Charge | null {
  if (charge.pending && inState(charge, CHARGE_OPERATION_SOURCES.resolvePending) && now >= charge.pending.resolvesAt) {
    const p = charge.pending;
    const at = p.resolvesAt;
    if (p.outcome === 'Declined') {
      return {
        ...charge,
        state: 'Declined',
        reasonCode: p.reasonCode,
        reasonDescription: REASON_DESCRIPTIONS[p.reasonCode],
        pending: null,
        lastUpdatedAt: at,
      };
    }
    if (p.kind === 'Capture')
      return { ...charge, state: 'Captured', capturedAmount: p.captureAmount, pending: null, lastUpdatedAt: at };
    return p.outcome === 'Captured'
      ? {
          ...charge,
          state: 'Captured',
          authorizedAt: at,
          capturedAmount: charge.chargeAmount,
          pending: null,
          lastUpdatedAt: at,
        }
      : { ...charge, state: 'Authorized', authorizedAt: at, pending: null, lastUpdatedAt: at };
  }
  if (inState(charge, CHARGE_OPERATION_SOURCES.expire) && now >= charge.expiresAt) {
    return {
      ...charge,
      state: 'Canceled',
      reasonCode: 'ExpiredUnused',
      reasonDescription: REASON_DESCRIPTIONS.ExpiredUnused,
      lastUpdatedAt: charge.expiresAt,
    };
  }
  return null;
}

/** The next moment a timer may change this charge, if any. */
export function nextChargeDeadline(charge: Charge): Instant | null {
  if (charge.pending && inState(charge, CHARGE_OPERATION_SOURCES.resolvePending)) return charge.pending.resolvesAt;
  if (inState(charge, CHARGE_OPERATION_SOURCES.expire)) return charge.expiresAt;
  return null;
}

/** What the charge holds against its permission's limit right now (0 once it is final without capture). */
export function heldAmount(charge: Charge): Money {
  switch (charge.state) {
    case 'AuthorizationInitiated':
    case 'Authorized':
    case 'CaptureInitiated':
      return charge.chargeAmount;
    case 'Captured':
      return charge.capturedAmount ?? charge.chargeAmount;
    case 'Canceled':
    case 'Declined':
      return zero(charge.chargeAmount.currency);
  }
}

/** Refunds may exceed the capture by the allowance; pending refunds count already. */
export function checkRefund(charge: Charge, amount: Money): Result<null> {
  if (!inState(charge, CHARGE_OPERATION_SOURCES.refund)) return fail(wrongState(charge, 'refund'));
  if (amount.currency !== charge.chargeAmount.currency) {
    return fail(
      'CurrencyMismatch',
      `refundAmount.currencyCode ${amount.currency} differs from the charge's currency ${charge.chargeAmount.currency}.`,
    );
  }
  const max = maxTransactionAmount(amount.currency);
  if (compare(amount, max) > 0)
    return fail('TransactionAmountExceeded', `refundAmount ${display(amount)} exceeds the maximum of ${display(max)}.`);
  const captured = charge.capturedAmount ?? charge.chargeAmount;
  const ceiling = add(captured, overRefundAllowance(captured));
  const already = money(charge.refundedMinor + charge.refundPendingMinor, amount.currency);
  if (compare(add(already, amount), ceiling) > 0) {
    const left = subtract(ceiling, already);
    return fail(
      'TransactionAmountExceeded',
      `refundAmount ${display(amount)} exceeds what may still be refunded on Charge ${charge.chargeId} (${display(left.minor > 0 ? left : zero(amount.currency))}: captured ${display(captured)} plus an allowance of ${display(overRefundAllowance(captured))}, less ${display(already)} already refunded or in progress).`,
    );
  }
  return ok(null);
}

export function recordRefundInitiated(charge: Charge, amount: Money): Charge {
  return { ...charge, refundPendingMinor: charge.refundPendingMinor + amount.minor };
}

export function recordRefundSettled(charge: Charge, amount: Money, refunded: boolean): Charge {
  return {
    ...charge,
    refundPendingMinor: Math.max(0, charge.refundPendingMinor - amount.minor),
    refundedMinor: refunded ? charge.refundedMinor + amount.minor : charge.refundedMinor,
  };
}

/**
 * Update Charge as a PSP: the charge moves along its table to the reported state, with a reason code exactly where
 * the state carries one. A capture takes the pending capture's amount, else the whole authorization.
 */
export function pspUpdateCharge(
  charge: Charge,
  input: { readonly state: ChargeState; readonly reasonCode?: string | undefined },
  now: Instant,
): Result<Charge> {
  if (!inState(charge, CHARGE_OPERATION_SOURCES.pspUpdate)) return fail(wrongState(charge, 'update'));
  const target = input.state;
  if (!CHARGE_TRANSITIONS[charge.state].includes(target)) {
    return fail(
      'InvalidChargeStatus',
      `Charge ${charge.chargeId} cannot go from ${charge.state} to ${target} (allowed: ${CHARGE_TRANSITIONS[charge.state].join(', ')}).`,
    );
  }
  const reasons = CHARGE_STATE_REASONS[target];
  const reasonCode = (input.reasonCode ?? null) as ChargeReasonCode | null;
  if (reasons.length === 0 && reasonCode !== null) {
    return fail('InvalidParameterValue', `statusDetails.reasonCode must be absent for ${target}.`);
  }
  if (reasons.length > 0 && (reasonCode === null || !reasons.includes(reasonCode))) {
    return fail(
      reasonCode === null ? 'MissingParameterValue' : 'InvalidParameterValue',
      `statusDetails.reasonCode for ${target} must be one of ${reasons.join(', ')}.`,
    );
  }
  const base: Charge = {
    ...charge,
    state: target,
    reasonCode,
    reasonDescription: reasonCode === null ? null : REASON_DESCRIPTIONS[reasonCode],
    pending: null,
    lastUpdatedAt: now,
  };
  switch (target) {
    case 'Authorized':
      return ok({ ...base, authorizedAt: now });
    case 'Captured': {
      const captured = charge.pending?.kind === 'Capture' ? charge.pending.captureAmount : charge.chargeAmount;
      return ok({ ...base, authorizedAt: charge.authorizedAt ?? now, capturedAmount: captured });
    }
    // Without a pending step no timer moves it on: the PSP reports the outcome.
    case 'CaptureInitiated':
    case 'AuthorizationInitiated':
    case 'Canceled':
    case 'Declined':
      return ok(base);
  }
}
