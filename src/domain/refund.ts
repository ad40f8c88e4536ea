import type { Environment } from './environment.js';
import type { Money } from './money.js';
import type { Instant } from './time.js';

export const REFUND_STATES = ['RefundInitiated', 'Refunded', 'Declined'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_INITIAL_STATES: readonly RefundState[] = ['RefundInitiated'];

/** Where a change of status may lead; saving checks it (domain/state-machines.ts). Refunded and Declined are final. */
export const REFUND_TRANSITIONS: Readonly<Record<RefundState, readonly RefundState[]>> = {
  RefundInitiated: ['Refunded', 'Declined'],
  Refunded: [],
  Declined: [],
};

export const REFUND_OPERATION_SOURCES = {
  settle: ['RefundInitiated'],
} as const satisfies Record<string, readonly RefundState[]>;

export const REFUND_DECLINE_REASONS = ['AmazonRejected', 'ProcessingFailure'] as const;
export type RefundDeclineReason = (typeof REFUND_DECLINE_REASONS)[number];

/** The reason codes a refund in each state carries (exactly one where the list is not empty). */
export const REFUND_STATE_REASONS: Readonly<Record<RefundState, readonly RefundDeclineReason[]>> = {
  RefundInitiated: [],
  Refunded: [],
  Declined: REFUND_DECLINE_REASONS,
};

const DESCRIPTIONS: Readonly<Record<RefundDeclineReason, string>> = {
  AmazonRejected: 'Amazon Pay rejected the refund; refund the buyer by other means.',
  ProcessingFailure: 'The refund could not be processed; refund the buyer by other means.',
};

export interface Refund {
  readonly refundId: string;
  readonly chargeId: string;
  readonly chargePermissionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly version: number;
  readonly state: RefundState;
  readonly reasonCode: RefundDeclineReason | null;
  readonly reasonDescription: string | null;
  readonly lastUpdatedAt: Instant;
  readonly createdAt: Instant;
  readonly refundAmount: Money;
  readonly softDescriptor: string | null;
  /** When the refund leaves RefundInitiated, and how. */
  readonly settlesAt: Instant | null;
  readonly settlement: 'Refunded' | RefundDeclineReason;
}

export function createRefund(
  input: {
    refundId: string;
    chargeId: string;
    chargePermissionId: string;
    merchantId: string;
    environment: Environment;
    refundAmount: Money;
    softDescriptor?: string | null;
    settlesAfterMs: number;
    settlement: 'Refunded' | RefundDeclineReason;
  },
  now: Instant,
): Refund {
  return {
    refundId: input.refundId,
    chargeId: input.chargeId,
    chargePermissionId: input.chargePermissionId,
    merchantId: input.merchantId,
    environment: input.environment,
    version: 0,
    state: 'RefundInitiated',
    reasonCode: null,
    reasonDescription: null,
    lastUpdatedAt: now,
    createdAt: now,
    refundAmount: input.refundAmount,
    softDescriptor: input.softDescriptor ?? null,
    settlesAt: now + input.settlesAfterMs,
    settlement: input.settlement,
  };
}

/** Refunds are always asynchronous: RefundInitiated, then Refunded or Declined at settlesAt. */
export function settleRefundIfDue(refund: Refund, now: Instant): Refund | null {
  if (!(REFUND_OPERATION_SOURCES.settle as readonly RefundState[]).includes(refund.state)) return null;
  if (refund.settlesAt === null || now < refund.settlesAt) return null;
  const at = refund.settlesAt;
  if (refund.settlement === 'Refunded') return { ...refund, state: 'Refunded', settlesAt: null, lastUpdatedAt: at };
  return {
    ...refund,
    state: 'Declined',
    reasonCode: refund.settlement,
    reasonDescription: DESCRIPTIONS[refund.settlement],
    settlesAt: null,
    lastUpdatedAt: at,
  };
}

export function nextRefundDeadline(refund: Refund): Instant | null {
  return refund.state === 'RefundInitiated' ? refund.settlesAt : null;
}
