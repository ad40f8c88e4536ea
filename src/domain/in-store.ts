import type { Environment } from './environment.js';
import { fail, invalidParameter, ok, type ReasonCode, type Result } from './errors.js';
import { newChargeId, newChargePermissionId, newRefundId } from './ids.js';
import { maxTransactionAmount, overRefundAllowance, TIMERS } from './limits.js';
import { add, compare, display, zero, type CurrencyCode, type Money } from './money.js';
import type { RandomSource } from './random.js';
import type { Instant } from './time.js';

/**
 * In-store payments (a till scans the buyer's Amazon Pay code): a scan gives a charge permission, which takes one
 * charge, which takes refunds. Kept apart from the checkout objects (docs/decisions.md, "In-store payments").
 */

/**
 * Scan codes that behave differently in the Sandbox (docs/sandbox.md, "In-store test codes"): every other
 * scanData gives a charge permission whose charge completes.
 */
export const IN_STORE_TEST_CODES = {
  'AMZN-TEST-UNREADABLE': {
    at: 'scan',
    reasonCode: 'InvalidParameterValue',
    description: 'The scan fails: the code cannot be read (400 InvalidParameterValue).',
  },
  'AMZN-TEST-PAYMENT-METHOD-NOT-ALLOWED': {
    at: 'scan',
    reasonCode: 'PaymentMethodNotAllowed',
    description: "The scan fails: the buyer's wallet cannot pay in a store (422 PaymentMethodNotAllowed).",
  },
  'AMZN-TEST-SOFT-DECLINE': {
    at: 'charge',
    reasonCode: 'SoftDeclined',
    description: 'The scan succeeds; its charge is declined and may succeed later (422 SoftDeclined).',
  },
  'AMZN-TEST-HARD-DECLINE': {
    at: 'charge',
    reasonCode: 'HardDeclined',
    description: 'The scan succeeds; its charge is declined for good (422 HardDeclined).',
  },
} as const satisfies Record<string, { at: 'scan' | 'charge'; reasonCode: ReasonCode; description: string }>;

export type InStoreTestCode = keyof typeof IN_STORE_TEST_CODES;

export interface InStoreMetadata {
  readonly merchantNote?: string;
  readonly customInformation?: string;
  readonly communicationContext?: { readonly merchantStoreName?: string; readonly merchantOrderId?: string };
}

export interface InStoreScan {
  readonly kind: 'scan';
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly scanReferenceId: string;
  readonly merchantCOE: string;
  readonly ledgerCurrency: CurrencyCode;
  /** The most the charge may take, when the till named it. */
  readonly chargeTotal: Money | null;
  readonly storeCountryCode: string | null;
  readonly metadata: InStoreMetadata | null;
  /** A Sandbox test code that declines the charge. */
  readonly declineWith: ReasonCode | null;
  readonly createdAt: Instant;
}

export interface InStoreCharge {
  readonly kind: 'charge';
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly chargeReferenceId: string;
  readonly chargeTotal: Money;
  readonly softDescriptor: string | null;
  readonly metadata: InStoreMetadata | null;
  readonly state: 'Completed';
  readonly createdAt: Instant;
}

export interface InStoreRefund {
  readonly kind: 'refund';
  readonly refundId: string;
  readonly chargeId: string;
  readonly refundReferenceId: string;
  readonly refundTotal: Money;
  readonly softDescriptor: string | null;
  readonly metadata: InStoreMetadata | null;
  readonly state: InStoreRefundState;
  readonly createdAt: Instant;
  /** When a Pending refund completes (the merchant's clock); absent on refunds stored before it was kept. */
  readonly completesAt?: Instant;
  /** When it completed; null while Pending. */
  readonly completedAt?: Instant | null;
}

/** An in-store refund answers Pending and completes by itself after IN_STORE_REFUND_DELAY_MS. */
export const IN_STORE_REFUND_STATES = ['Pending', 'Completed'] as const;
export type InStoreRefundState = (typeof IN_STORE_REFUND_STATES)[number];
export const IN_STORE_REFUND_TRANSITIONS: Record<InStoreRefundState, readonly InStoreRefundState[]> = {
  Pending: ['Completed'],
  Completed: [],
};

/** How long an in-store refund stays Pending: as long as a checkout refund stays RefundInitiated. */
export const IN_STORE_REFUND_DELAY_MS = TIMERS.refundProcessingDelay;

/** When a Pending refund completes (older rows without `completesAt`: the delay after its creation). */
export function inStoreRefundDueAt(refund: InStoreRefund): Instant | null {
  return refund.state === 'Pending' ? (refund.completesAt ?? refund.createdAt + IN_STORE_REFUND_DELAY_MS) : null;
}

/** The refund Completed once due; null when it is not due yet or already final. */
export function completeInStoreRefundIfDue(refund: InStoreRefund, now: Instant): InStoreRefund | null {
  const due = inStoreRefundDueAt(refund);
  if (due === null || now < due || !IN_STORE_REFUND_TRANSITIONS[refund.state].includes('Completed')) return null;
  return { ...refund, state: 'Completed', completedAt: due };
}

/** What Create Refund answers with: a new refund is always Pending. */
export type NewInStoreRefund = InStoreRefund & { readonly state: 'Pending' };

export type InStoreRecord = InStoreScan | InStoreCharge | InStoreRefund;

export interface ScanInput {
  readonly scanData: string;
  readonly scanReferenceId: string;
  readonly merchantCOE: string;
  readonly ledgerCurrency: CurrencyCode;
  readonly chargeTotal?: Money;
  readonly storeLocation?: { readonly countryCode?: string };
  readonly metadata?: InStoreMetadata;
}

/** A scan of the buyer's code: a new charge permission, or the failure a Sandbox test code asks for. */
export function scan(
  input: ScanInput,
  merchant: { readonly merchantId: string; readonly ledgerCurrency: CurrencyCode },
  environment: Environment,
  now: Instant,
  random: RandomSource,
): Result<InStoreScan> {
  if (input.ledgerCurrency !== merchant.ledgerCurrency)
    return fail(
      'CurrencyMismatch',
      `ledgerCurrency ${input.ledgerCurrency} is not the merchant's ledger currency ${merchant.ledgerCurrency}.`,
    );
  if (input.chargeTotal) {
    const r = checkAmount(input.chargeTotal, merchant.ledgerCurrency, 'chargeTotal');
    if (!r.ok) return r;
  }
  const test = environment === 'Sandbox' ? testCodeOf(input.scanData) : undefined;
  if (test?.at === 'scan') return fail(test.reasonCode, `scanData ${input.scanData}: ${test.description}`);
  return ok({
    kind: 'scan',
    chargePermissionId: newChargePermissionId(random, environment, false),
    merchantId: merchant.merchantId,
    environment,
    scanReferenceId: input.scanReferenceId,
    merchantCOE: input.merchantCOE,
    ledgerCurrency: input.ledgerCurrency,
    chargeTotal: input.chargeTotal ?? null,
    storeCountryCode: input.storeLocation?.countryCode ?? null,
    metadata: input.metadata ?? null,
    declineWith: test?.at === 'charge' ? test.reasonCode : null,
    createdAt: now,
  });
}

function testCodeOf(scanData: string) {
  const code = scanData.trim().toUpperCase();
  return Object.hasOwn(IN_STORE_TEST_CODES, code) ? IN_STORE_TEST_CODES[code as InStoreTestCode] : undefined;
}

function checkAmount(amount: Money, ledger: CurrencyCode, path: string): Result<Money> {
  if (amount.currency !== ledger)
    return fail('CurrencyMismatch', `${path}.currencyCode ${amount.currency} is not the ledger currency ${ledger}.`);
  if (amount.minor <= 0) return fail(invalidParameter(`${path}.amount`, 'It must be greater than zero.'));
  const most = maxTransactionAmount(ledger);
  if (compare(amount, most) > 0)
    return fail('TransactionAmountExceeded', `${path} ${display(amount)} is above the maximum of ${display(most)}.`);
  return ok(amount);
}

export interface ChargeInput {
  readonly chargeReferenceId: string;
  readonly chargeTotal: Money;
  readonly softDescriptor?: string;
  readonly metadata?: InStoreMetadata;
}

/** The one charge of a scan: Completed at once, or declined as the scan's test code says. */
export function chargeScan(
  cp: InStoreScan,
  existing: readonly InStoreCharge[],
  input: ChargeInput,
  now: Instant,
  random: RandomSource,
): Result<InStoreCharge> {
  const amount = checkAmount(input.chargeTotal, cp.ledgerCurrency, 'chargeTotal');
  if (!amount.ok) return amount;
  if (existing.length > 0)
    return fail(
      'InvalidChargePermissionStatus',
      `Charge permission ${cp.chargePermissionId} was already charged (${existing[0]!.chargeId}); scan the buyer's code again.`,
    );
  if (cp.chargeTotal && compare(input.chargeTotal, cp.chargeTotal) > 0)
    return fail(
      'TransactionAmountExceeded',
      `chargeTotal ${display(input.chargeTotal)} is above the ${display(cp.chargeTotal)} given at the scan.`,
    );
  if (cp.declineWith)
    return fail(cp.declineWith, `The charge on ${cp.chargePermissionId} was declined (Sandbox test code of the scan).`);
  return ok({
    kind: 'charge',
    chargeId: newChargeId(random, cp.chargePermissionId),
    chargePermissionId: cp.chargePermissionId,
    chargeReferenceId: input.chargeReferenceId,
    chargeTotal: input.chargeTotal,
    softDescriptor: input.softDescriptor ?? null,
    metadata: input.metadata ?? null,
    state: 'Completed',
    createdAt: now,
  });
}

export interface RefundInput {
  readonly refundReferenceId: string;
  readonly refundTotal: Money;
  readonly softDescriptor?: string;
  readonly metadata?: InStoreMetadata;
}

/** A refund of an in-store charge: all refunds together may exceed the charge by 15 % or 75 (8,400 JPY), the lesser. */
export function refundCharge(
  charge: InStoreCharge,
  earlier: readonly InStoreRefund[],
  input: RefundInput,
  now: Instant,
  random: RandomSource,
): Result<NewInStoreRefund> {
  const amount = checkAmount(input.refundTotal, charge.chargeTotal.currency, 'refundTotal');
  if (!amount.ok) return amount;
  const refunded = earlier.reduce((sum, r) => add(sum, r.refundTotal), zero(charge.chargeTotal.currency));
  const most = add(charge.chargeTotal, overRefundAllowance(charge.chargeTotal));
  if (compare(add(refunded, input.refundTotal), most) > 0)
    return fail(
      'TransactionAmountExceeded',
      `Refunds of ${charge.chargeId} would total ${display(add(refunded, input.refundTotal))}, above the ${display(most)} allowed.`,
    );
  return ok({
    kind: 'refund',
    refundId: newRefundId(random, charge.chargePermissionId),
    chargeId: charge.chargeId,
    refundReferenceId: input.refundReferenceId,
    refundTotal: input.refundTotal,
    softDescriptor: input.softDescriptor ?? null,
    metadata: input.metadata ?? null,
    state: 'Pending',
    createdAt: now,
    completesAt: now + IN_STORE_REFUND_DELAY_MS,
    completedAt: null,
  });
}
