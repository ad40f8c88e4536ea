import type { Charge } from './charge.js';
import { toLedger } from './conversion.js';
import { disputeMoneyMovement, type Dispute } from './dispute.js';
import type { Environment } from './environment.js';
import type { InStoreCharge, InStoreRefund, InStoreScan } from './in-store.js';
import type { CurrencyCode, Money } from './money.js';
import type { Refund } from './refund.js';
import type { Instant } from './time.js';

/**
 * The merchant's books: every money movement as one append-only entry, in the ledger currency. Amounts are
 * signed minor units from the merchant's side: what Amazon owes the merchant is positive (a capture, a fee
 * returned), what it takes back is negative (a refund, a fee, a chargeback). Reports and disbursements are
 * sums over entries; nothing ever updates or deletes one.
 */
export const LEDGER_ENTRY_KINDS = [
  'Capture',
  'CaptureFee',
  'Refund',
  'RefundFeeReturn',
  'ChargebackDebit',
  'ChargebackReversal',
  'ChargebackFee',
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/** Entries that move the buyer's money (a settlement report row each); the others are fees that belong to one. */
export const PRINCIPAL_KINDS: readonly LedgerEntryKind[] = [
  'Capture',
  'Refund',
  'ChargebackDebit',
  'ChargebackReversal',
];

export interface LedgerEntry {
  /** Deterministic from what caused it (e.g. `Capture:<chargeId>`): one money movement is booked once. */
  readonly entryId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly kind: LedgerEntryKind;
  /** Signed minor units of `currencyCode` (the merchant's ledger currency). */
  readonly amount: number;
  readonly currencyCode: CurrencyCode;
  readonly chargePermissionId: string;
  readonly chargeId: string | null;
  readonly refundId: string | null;
  readonly disputeId: string | null;
  /** When the money moved, on the object's clock (the merchant's sandbox clock in the Sandbox). */
  readonly occurredAt: Instant;
  /** A fee's principal entry (the capture or refund it belongs to); null for principal entries. */
  readonly relatesTo: string | null;
  /** Of a fee entry: the percentage part and the fixed part of `amount` (signed; they add up to it). */
  readonly percentageFee: number;
  readonly fixedFee: number;
  /** Settlement report columns the merchant gave: merchantReferenceId (SellerOrderId) and store name. */
  readonly sellerOrderId: string | null;
  readonly storeName: string | null;
}

/**
 * reji's Sandbox fee rule, by ledger currency (so by region: US, UK, EU/DE, JP). Amazon's real rates vary per
 * contract; these are fixed so that reports are reproducible (docs/sandbox.md, "Fees"). A capture pays
 * `basisPoints` of its amount (rounded half up to the minor unit) plus `fixedMinor`; a refund gets the
 * percentage part of its own amount back (never more than its capture paid), the fixed part is kept.
 */
export const FEE_RULES: Readonly<Record<'USD' | 'EUR' | 'GBP' | 'JPY', { basisPoints: number; fixedMinor: number }>> = {
  USD: { basisPoints: 290, fixedMinor: 30 },
  EUR: { basisPoints: 270, fixedMinor: 35 },
  GBP: { basisPoints: 270, fixedMinor: 20 },
  JPY: { basisPoints: 390, fixedMinor: 0 },
};

function feeRule(currency: CurrencyCode): { basisPoints: number; fixedMinor: number } {
  return Object.hasOwn(FEE_RULES, currency)
    ? FEE_RULES[currency as keyof typeof FEE_RULES]
    : { basisPoints: 0, fixedMinor: 0 };
}

/** `basisPoints` of `minor`, rounded half up (amounts are positive; integer arithmetic only). */
export function percentageFeeOf(minor: number, currency: CurrencyCode): number {
  const bp = BigInt(feeRule(currency).basisPoints);
  return Number((BigInt(minor) * bp * 2n + 10_000n) / 20_000n);
}

/** What a capture of `amount` (ledger currency) pays: both parts as positive numbers. */
export function captureFee(amount: Money): { percentage: number; fixed: number } {
  return { percentage: percentageFeeOf(amount.minor, amount.currency), fixed: feeRule(amount.currency).fixedMinor };
}

interface Common {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly chargePermissionId: string;
  readonly sellerOrderId: string | null;
  readonly storeName: string | null;
}

function commonOf(charge: Charge): Common {
  return {
    merchantId: charge.merchantId,
    environment: charge.environment,
    chargePermissionId: charge.chargePermissionId,
    sellerOrderId: charge.merchantMetadata.merchantReferenceId ?? null,
    storeName: charge.merchantMetadata.merchantStoreName ?? null,
  };
}

/** The entries a charge's change books: its capture and the capture's fee, once, when it becomes Captured. */
export function chargeLedgerEntries(before: Charge | undefined, after: Charge): LedgerEntry[] {
  if (after.state !== 'Captured' || before?.state === 'Captured') return [];
  const captured = toLedger(after.capturedAmount ?? after.chargeAmount, after.ledgerCurrency);
  const base = { ...commonOf(after), chargeId: after.chargeId, refundId: null, disputeId: null };
  return captureEntries(base, captured, after.lastUpdatedAt);
}

/** Columns every entry of one charge (or one of its refunds) shares. */
type EntryBase = Common & { readonly chargeId: string; readonly refundId: string | null; readonly disputeId: null };

/** A capture and the capture's fee (left out when there is none): a checkout charge's, or an in-store charge's. */
function captureEntries(base: EntryBase, captured: Money, at: Instant): LedgerEntry[] {
  const fee = captureFee(captured);
  const captureId = `Capture:${base.chargeId}`;
  const entries: LedgerEntry[] = [
    {
      ...base,
      entryId: captureId,
      kind: 'Capture',
      amount: captured.minor,
      currencyCode: captured.currency,
      occurredAt: at,
      relatesTo: null,
      percentageFee: 0,
      fixedFee: 0,
    },
  ];
  if (fee.percentage + fee.fixed > 0) {
    entries.push({
      ...base,
      entryId: `CaptureFee:${base.chargeId}`,
      kind: 'CaptureFee',
      amount: -(fee.percentage + fee.fixed),
      currencyCode: captured.currency,
      occurredAt: at,
      relatesTo: captureId,
      percentageFee: -fee.percentage,
      fixedFee: -fee.fixed,
    });
  }
  return entries;
}

/**
 * The entries a refund's change books, once, when it becomes Refunded: the refund and the part of the
 * capture's percentage fee it returns. `earlier` are the charge's entries booked so far (the cap on returns).
 */
export function refundLedgerEntries(
  before: Refund | undefined,
  after: Refund,
  charge: Charge,
  earlier: readonly LedgerEntry[],
): LedgerEntry[] {
  if (after.state !== 'Refunded' || before?.state === 'Refunded') return [];
  const refunded = toLedger(after.refundAmount, charge.ledgerCurrency);
  const base = { ...commonOf(charge), chargeId: charge.chargeId, refundId: after.refundId, disputeId: null };
  return refundEntries(base, after.refundId, refunded, after.lastUpdatedAt, earlier);
}

/** A refund and the part of the capture's percentage fee it returns (left out when nothing is returned). */
function refundEntries(
  base: EntryBase,
  refundId: string,
  refunded: Money,
  at: Instant,
  earlier: readonly LedgerEntry[],
): LedgerEntry[] {
  const refundEntryId = `Refund:${refundId}`;
  const entries: LedgerEntry[] = [
    {
      ...base,
      entryId: refundEntryId,
      kind: 'Refund',
      amount: -refunded.minor,
      currencyCode: refunded.currency,
      occurredAt: at,
      relatesTo: null,
      percentageFee: 0,
      fixedFee: 0,
    },
  ];
  const back = feeReturnOf(refunded, earlier);
  if (back > 0) {
    entries.push({
      ...base,
      entryId: `RefundFeeReturn:${refundId}`,
      kind: 'RefundFeeReturn',
      amount: back,
      currencyCode: refunded.currency,
      occurredAt: at,
      relatesTo: refundEntryId,
      percentageFee: back,
      fixedFee: 0,
    });
  }
  return entries;
}

/** The percentage fee a refund of `refunded` gets back: its own share, never more than the charge paid in all. */
function feeReturnOf(refunded: Money, earlier: readonly LedgerEntry[]): number {
  const paid = -sumOf(earlier.filter((e) => e.kind === 'CaptureFee').map((e) => e.percentageFee));
  const returned = sumOf(earlier.filter((e) => e.kind === 'RefundFeeReturn').map((e) => e.amount));
  return Math.max(0, Math.min(percentageFeeOf(refunded.minor, refunded.currency), paid - returned));
}

/** Who an in-store charge belongs to, and the settlement columns its metadata fills. */
export interface InStoreOwner {
  readonly merchantId: string;
  readonly environment: Environment;
}

/** The settlement columns come from the charge's metadata, else the scan's (where tills usually put them). */
function inStoreCommon(owner: InStoreOwner, charge: InStoreCharge, scan: InStoreScan | undefined): Common {
  const context = charge.metadata?.communicationContext;
  const scanContext = scan?.metadata?.communicationContext;
  return {
    merchantId: owner.merchantId,
    environment: owner.environment,
    chargePermissionId: charge.chargePermissionId,
    sellerOrderId: context?.merchantOrderId ?? scanContext?.merchantOrderId ?? null,
    storeName: context?.merchantStoreName ?? scanContext?.merchantStoreName ?? null,
  };
}

/** An in-store charge is Completed when made: it books its capture and the capture's fee at once, as a capture does. */
export function inStoreChargeLedgerEntries(
  owner: InStoreOwner,
  charge: InStoreCharge,
  scan: InStoreScan,
): LedgerEntry[] {
  const base = { ...inStoreCommon(owner, charge, scan), chargeId: charge.chargeId, refundId: null, disputeId: null };
  return captureEntries(base, charge.chargeTotal, charge.createdAt);
}

/** An in-store refund books, once it is Completed, the refund and the fee it returns (as a checkout refund does). */
export function inStoreRefundLedgerEntries(
  owner: InStoreOwner,
  refund: InStoreRefund,
  charge: InStoreCharge,
  earlier: readonly LedgerEntry[],
): LedgerEntry[] {
  if (refund.state !== 'Completed') return [];
  const at = refund.completedAt ?? refund.createdAt;
  // The same settlement columns as the charge's capture.
  const capture = earlier.find((e) => e.kind === 'Capture');
  const common = inStoreCommon(owner, charge, undefined);
  const base = {
    ...common,
    sellerOrderId: capture?.sellerOrderId ?? common.sellerOrderId,
    storeName: capture?.storeName ?? common.storeName,
    chargeId: charge.chargeId,
    refundId: refund.refundId,
    disputeId: null,
  };
  return refundEntries(base, refund.refundId, refund.refundTotal, at, earlier);
}

/**
 * The entry a dispute's change books: the chargeback debit (negative) when it opens, its reversal (positive) when
 * the merchant wins or no one was at fault; once each (docs/decisions.md, "Disputes"). No chargeback fee.
 */
export function disputeLedgerEntries(before: Dispute | undefined, after: Dispute, charge: Charge): LedgerEntry[] {
  const movement = disputeMoneyMovement(before, after);
  if (movement === null) return [];
  const amount = toLedger(after.disputeAmount, charge.ledgerCurrency);
  return [
    {
      ...commonOf(charge),
      chargeId: charge.chargeId,
      refundId: null,
      disputeId: after.disputeId,
      entryId: `${movement}:${after.disputeId}`,
      kind: movement,
      amount: movement === 'ChargebackDebit' ? -amount.minor : amount.minor,
      currencyCode: amount.currency,
      occurredAt: after.lastUpdatedAt,
      relatesTo: movement === 'ChargebackReversal' ? `ChargebackDebit:${after.disputeId}` : null,
      percentageFee: 0,
      fixedFee: 0,
    },
  ];
}

function sumOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Totals of a set of entries (one currency): the settlement report's and a disbursement's arithmetic. */
export interface LedgerTotals {
  readonly captures: number;
  /** Positive: what refunds took back. */
  readonly refunds: number;
  /** Positive: fees paid minus fees returned. */
  readonly fees: number;
  /** Positive: chargebacks minus their reversals. */
  readonly chargebacks: number;
  /** Signed: the sum of every entry. */
  readonly net: number;
}

export function ledgerTotals(entries: readonly LedgerEntry[]): LedgerTotals {
  let captures = 0;
  let refunds = 0;
  let fees = 0;
  let chargebacks = 0;
  for (const e of entries) {
    switch (e.kind) {
      case 'Capture':
        captures += e.amount;
        break;
      case 'Refund':
        refunds -= e.amount;
        break;
      case 'CaptureFee':
      case 'RefundFeeReturn':
      case 'ChargebackFee':
        fees -= e.amount;
        break;
      case 'ChargebackDebit':
      case 'ChargebackReversal':
        chargebacks -= e.amount;
        break;
    }
  }
  return { captures, refunds, fees, chargebacks, net: sumOf(entries.map((e) => e.amount)) };
}
