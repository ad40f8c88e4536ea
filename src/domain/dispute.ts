import type { Environment } from './environment.js';
import { domainError, fail, ok, type DomainError, type Result } from './errors.js';
import { compare, display, type Money } from './money.js';
import { DAY, type Instant } from './time.js';

/**
 * Disputes (spec 12 §12.9): a chargeback a buyer filed against a captured charge. Amazon's state-transition
 * section was not readable; the table below is reji's reading of the reason codes (docs/decisions.md, "Disputes").
 */

export const DISPUTE_STATES = ['ActionRequired', 'UnderReview', 'Resolved', 'Closed'] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];

/** A dispute starts waiting for the merchant (opened by Amazon's chargeback or reported by a PSP). */
export const DISPUTE_INITIAL_STATES: readonly DisputeState[] = ['ActionRequired'];

/** Resolved and Closed are final; the investigator may send a contested dispute back for more evidence. */
export const DISPUTE_TRANSITIONS: Readonly<Record<DisputeState, readonly DisputeState[]>> = {
  ActionRequired: ['UnderReview', 'Resolved', 'Closed'],
  UnderReview: ['ActionRequired', 'Resolved', 'Closed'],
  Resolved: [],
  Closed: [],
};

export const DISPUTE_OPERATION_SOURCES = {
  contest: ['ActionRequired'],
  /** A PSP reports a new status; a testing endpoint decides as the investigator. */
  update: ['ActionRequired', 'UnderReview'],
  decide: ['ActionRequired', 'UnderReview'],
  expire: ['ActionRequired'],
} as const satisfies Record<string, readonly DisputeState[]>;

export const DISPUTE_REASON_CODES = [
  'MerchantResponseRequired',
  'MerchantAdditionalEvidencesRequired',
  'BuyerAdditionalEvidencesRequired',
  'MerchantAcceptedDispute',
  'MerchantResponseDeadlineExpired',
  'BuyerCancelled',
  'InvestigatorResolved',
  'AutoResolved',
  'ChargebackFiled',
] as const;
export type DisputeReasonCode = (typeof DISPUTE_REASON_CODES)[number];

/** The reason codes each state carries (exactly one; UnderReview carries none: the merchant has answered). */
export const DISPUTE_STATE_REASONS: Readonly<Record<DisputeState, readonly DisputeReasonCode[]>> = {
  ActionRequired: ['MerchantResponseRequired', 'MerchantAdditionalEvidencesRequired'],
  UnderReview: [],
  Resolved: [
    'MerchantAcceptedDispute',
    'MerchantResponseDeadlineExpired',
    'BuyerCancelled',
    'InvestigatorResolved',
    'AutoResolved',
  ],
  Closed: ['ChargebackFiled', 'BuyerCancelled', 'AutoResolved'],
};

export const DISPUTE_RESOLUTIONS = ['BuyerWon', 'MerchantWon', 'NoFault'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];

export const FILING_REASONS = [
  'ProductNotReceived',
  'ProductUnacceptable',
  'ProductNoLongerNeeded',
  'CreditNotProcessed',
  'Overcharged',
  'DuplicateCharge',
  'SubscriptionCancelled',
  'Unrecognized',
  'Fraudulent',
  'Other',
] as const;
export type FilingReason = (typeof FILING_REASONS)[number];

export const EVIDENCE_TYPES = [
  'ProductDescription',
  'Receipt',
  'CancellationPolicy',
  'CustomerSignature',
  'TrackingNumber',
  'CarrierName',
  'DeviceId',
  'DeviceName',
  'DownloadDateTime',
  'Other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const DISPUTE_TYPES = ['Chargeback'] as const;
export const RESOLUTION_AUTHORITIES = ['AmazonPay', 'PaymentServiceProvider'] as const;
export type ResolutionAuthority = (typeof RESOLUTION_AUTHORITIES)[number];

/** How long the merchant has to answer a chargeback Amazon opens (the SDKs' comments: 11 days for chargebacks). */
export const CHARGEBACK_RESPONSE_WINDOW = 11 * DAY;
/** At most this many evidence entries per dispute (all contests together). */
export const MAX_EVIDENCES = 20;
export const EVIDENCE_TEXT_MAX = 4096;

export interface Evidence {
  readonly evidenceType: EvidenceType;
  readonly fileId: string | null;
  readonly evidenceText: string | null;
}

export interface Dispute {
  readonly disputeId: string;
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly version: number;
  readonly state: DisputeState;
  readonly reasonCode: DisputeReasonCode | null;
  readonly reasonDescription: string | null;
  readonly resolution: DisputeResolution | null;
  readonly lastUpdatedAt: Instant;
  readonly createdAt: Instant;
  /** When the buyer filed it (the PSP's filingTimestamp; creation time for Amazon's own chargebacks). */
  readonly filedAt: Instant;
  readonly closedAt: Instant | null;
  readonly disputeAmount: Money;
  readonly filingReason: FilingReason;
  readonly evidences: readonly Evidence[];
  readonly merchantResponseDeadline: Instant;
  readonly resolutionAuthority: ResolutionAuthority;
  /** The PSP's own id for a dispute it reported (Create Dispute's providerMetadata.providerDisputeId). */
  readonly providerDisputeId: string | null;
}

const REASON_DESCRIPTIONS: Readonly<Record<DisputeReasonCode, string>> = {
  MerchantResponseRequired: 'The buyer filed a chargeback: respond with evidence before the deadline.',
  MerchantAdditionalEvidencesRequired: 'The investigator needs more evidence from the merchant.',
  BuyerAdditionalEvidencesRequired: 'The investigator needs more evidence from the buyer.',
  MerchantAcceptedDispute: 'The merchant accepted the dispute.',
  MerchantResponseDeadlineExpired: 'The merchant did not respond before the deadline.',
  BuyerCancelled: 'The buyer withdrew the dispute.',
  InvestigatorResolved: 'The investigator decided the dispute.',
  AutoResolved: 'The dispute was resolved automatically.',
  ChargebackFiled: 'The claim was closed because the buyer filed a chargeback.',
};

export function disputeReasonDescription(code: DisputeReasonCode): string {
  return REASON_DESCRIPTIONS[code];
}

function wrongState(dispute: Dispute, operation: string): DomainError {
  const why = dispute.reasonCode ? ` (reasonCode ${dispute.reasonCode})` : '';
  return domainError(
    'InvalidDisputeStatus',
    `You cannot ${operation} Dispute ${dispute.disputeId} because it is in the ${dispute.state} state${why}.`,
  );
}

function inState(dispute: Dispute, allowed: readonly DisputeState[]): boolean {
  return allowed.includes(dispute.state);
}

export interface NewDisputeInput {
  readonly disputeId: string;
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly disputeAmount: Money;
  readonly filingReason: FilingReason;
  readonly filedAt: Instant;
  readonly merchantResponseDeadline: Instant;
  readonly reasonCode?: DisputeReasonCode | undefined;
  readonly reasonDescription?: string | undefined;
  readonly resolutionAuthority: ResolutionAuthority;
  readonly providerDisputeId?: string | null | undefined;
}

/**
 * A dispute against a captured charge. `disputable` is what the charge may still lose: its capture less refunds and
 * the amounts of its other disputes that the merchant has not won.
 */
export function openDispute(input: NewDisputeInput, disputable: Money, now: Instant): Result<Dispute> {
  const amount = input.disputeAmount;
  if (amount.currency !== disputable.currency) {
    return fail(
      'CurrencyMismatch',
      `disputeAmount.currencyCode ${amount.currency} differs from the charge's currency ${disputable.currency}.`,
    );
  }
  if (amount.minor <= 0) return fail('InvalidParameterValue', 'disputeAmount.amount must be greater than 0.');
  if (compare(amount, disputable) > 0) {
    return fail(
      'TransactionAmountExceeded',
      `disputeAmount ${display(amount)} exceeds what may still be disputed on Charge ${input.chargeId} (${display(disputable)}).`,
    );
  }
  const reasonCode = input.reasonCode ?? 'MerchantResponseRequired';
  if (!DISPUTE_STATE_REASONS.ActionRequired.includes(reasonCode)) {
    return fail(
      'InvalidParameterValue',
      `statusDetails.reasonCode ${reasonCode} does not go with ActionRequired (${DISPUTE_STATE_REASONS.ActionRequired.join(', ')}).`,
    );
  }
  if (input.merchantResponseDeadline <= now) {
    return fail('InvalidParameterValue', 'merchantResponseDeadline must be in the future.');
  }
  return ok({
    disputeId: input.disputeId,
    chargeId: input.chargeId,
    chargePermissionId: input.chargePermissionId,
    merchantId: input.merchantId,
    environment: input.environment,
    version: 0,
    state: 'ActionRequired',
    reasonCode,
    reasonDescription: input.reasonDescription ?? REASON_DESCRIPTIONS[reasonCode],
    resolution: null,
    lastUpdatedAt: now,
    createdAt: now,
    filedAt: input.filedAt,
    closedAt: null,
    disputeAmount: amount,
    filingReason: input.filingReason,
    evidences: [],
    merchantResponseDeadline: input.merchantResponseDeadline,
    resolutionAuthority: input.resolutionAuthority,
    providerDisputeId: input.providerDisputeId ?? null,
  });
}

/** Contest: the merchant's evidence, before the deadline; the dispute goes to the investigator (UnderReview). */
export function contestDispute(dispute: Dispute, evidences: readonly Evidence[], now: Instant): Result<Dispute> {
  if (!inState(dispute, DISPUTE_OPERATION_SOURCES.contest)) return fail(wrongState(dispute, 'contest'));
  if (now >= dispute.merchantResponseDeadline) {
    return fail(
      'InvalidDisputeStatus',
      `The response deadline of Dispute ${dispute.disputeId} has passed; it can no longer be contested.`,
    );
  }
  if (evidences.length === 0)
    return fail('MissingParameterValue', 'merchantEvidences must list at least one evidence.');
  for (const [i, e] of evidences.entries()) {
    if (e.fileId === null && e.evidenceText === null) {
      return fail('MissingParameterValue', `merchantEvidences[${i}] needs a fileId or an evidenceText.`);
    }
  }
  const all = [...dispute.evidences, ...evidences];
  if (all.length > MAX_EVIDENCES) {
    return fail('InvalidParameterValue', `A dispute holds at most ${MAX_EVIDENCES} evidences (${all.length} given).`);
  }
  return ok({
    ...dispute,
    state: 'UnderReview',
    reasonCode: null,
    reasonDescription: null,
    evidences: all,
    lastUpdatedAt: now,
  });
}

export interface DisputeStatusInput {
  readonly state: DisputeState;
  readonly reasonCode?: DisputeReasonCode | undefined;
  readonly reasonDescription?: string | undefined;
  readonly resolution?: DisputeResolution | undefined;
  readonly closedAt?: Instant | undefined;
}

/**
 * A new status as a PSP reports it (Update Dispute) or the investigator decides it (testing): along the table,
 * with a reason code that goes with the state, and a resolution exactly when the dispute ends.
 */
export function changeDisputeStatus(
  dispute: Dispute,
  input: DisputeStatusInput,
  now: Instant,
  operation: 'update' | 'decide',
): Result<Dispute> {
  if (!inState(dispute, DISPUTE_OPERATION_SOURCES[operation])) return fail(wrongState(dispute, 'update'));
  const target = input.state;
  if (!DISPUTE_TRANSITIONS[dispute.state].includes(target)) {
    return fail(
      'InvalidDisputeStatus',
      `Dispute ${dispute.disputeId} cannot go from ${dispute.state} to ${target} (allowed: ${DISPUTE_TRANSITIONS[dispute.state].join(', ')}).`,
    );
  }
  const allowed = DISPUTE_STATE_REASONS[target];
  const reasonCode = input.reasonCode ?? defaultReason(target);
  if (reasonCode !== null && !allowed.includes(reasonCode)) {
    return fail(
      'InvalidParameterValue',
      allowed.length === 0
        ? `statusDetails.reasonCode must be absent for ${target}.`
        : `statusDetails.reasonCode ${reasonCode} does not go with ${target} (${allowed.join(', ')}).`,
    );
  }
  const final = target === 'Resolved' || target === 'Closed';
  if (final && input.resolution === undefined) {
    return fail('MissingParameterValue', `statusDetails.resolution is required when the state is ${target}.`);
  }
  if (!final && input.resolution !== undefined) {
    return fail(
      'InvalidParameterValue',
      `statusDetails.resolution is only given when the state is Resolved or Closed.`,
    );
  }
  return ok({
    ...dispute,
    state: target,
    reasonCode,
    reasonDescription: reasonCode === null ? null : (input.reasonDescription ?? REASON_DESCRIPTIONS[reasonCode]),
    resolution: final ? (input.resolution ?? null) : null,
    closedAt: final ? (input.closedAt ?? now) : null,
    merchantResponseDeadline:
      target === 'ActionRequired'
        ? Math.max(dispute.merchantResponseDeadline, now + CHARGEBACK_RESPONSE_WINDOW)
        : dispute.merchantResponseDeadline,
    lastUpdatedAt: now,
  });
}

function defaultReason(state: DisputeState): DisputeReasonCode | null {
  switch (state) {
    case 'ActionRequired':
      return 'MerchantAdditionalEvidencesRequired';
    case 'UnderReview':
      return null;
    case 'Resolved':
      return 'InvestigatorResolved';
    case 'Closed':
      return 'AutoResolved';
  }
}

/** Timer: a dispute still waiting for the merchant at its deadline is lost (Resolved / BuyerWon). */
export function settleDisputeIfDue(dispute: Dispute, now: Instant): Dispute | null {
  if (!inState(dispute, DISPUTE_OPERATION_SOURCES.expire) || now < dispute.merchantResponseDeadline) return null;
  const at = dispute.merchantResponseDeadline;
  return {
    ...dispute,
    state: 'Resolved',
    reasonCode: 'MerchantResponseDeadlineExpired',
    reasonDescription: REASON_DESCRIPTIONS.MerchantResponseDeadlineExpired,
    resolution: 'BuyerWon',
    closedAt: at,
    lastUpdatedAt: at,
  };
}

export function nextDisputeDeadline(dispute: Dispute): Instant | null {
  return inState(dispute, DISPUTE_OPERATION_SOURCES.expire) ? dispute.merchantResponseDeadline : null;
}

/**
 * What a dispute holds against its charge: the whole amount while open or lost; nothing once the merchant won
 * (or no one was at fault: Amazon Pay bears it).
 */
export function heldByDispute(dispute: Dispute): number {
  return dispute.resolution === 'MerchantWon' || dispute.resolution === 'NoFault' ? 0 : dispute.disputeAmount.minor;
}

/** The money a change moves: the chargeback debit when a dispute opens, its reversal when the merchant wins. */
export type DisputeMoneyMovement = 'ChargebackDebit' | 'ChargebackReversal';

export function disputeMoneyMovement(before: Dispute | undefined, after: Dispute): DisputeMoneyMovement | null {
  if (before === undefined) return 'ChargebackDebit';
  return heldByDispute(before) > 0 && heldByDispute(after) === 0 ? 'ChargebackReversal' : null;
}
