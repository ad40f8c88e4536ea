import type { ChargeDeclineReason } from './charge.js';
import type { ClosedReason } from './charge-permission.js';
import type { CheckoutSessionCancelReason } from './checkout-session.js';
import type { Environment } from './environment.js';
import { fail, ok, type ReasonCode, type Result } from './errors.js';
import { TIMERS } from './limits.js';
import type { RefundDeclineReason } from './refund.js';

/** Operations that accept `x-amz-pay-simulation-code` (the processing step covers the hosted page and the testing endpoint). */
export const SIMULATED_OPERATIONS = [
  'ProcessPayment',
  'CompleteCheckoutSession',
  'CreateCharge',
  'CaptureCharge',
  'CreateRefund',
  'CloseChargePermission',
] as const;
export type SimulatedOperation = (typeof SIMULATED_OPERATIONS)[number];

/** What a simulation code makes happen. */
export type SimulationEffect =
  /** Answer with this error; nothing changes. */
  | { readonly kind: 'Fail'; readonly reasonCode: ReasonCode }
  /** The checkout session is canceled with this reason (Complete then answers CheckoutSessionCanceled). */
  | { readonly kind: 'CancelCheckout'; readonly reason: Exclude<CheckoutSessionCancelReason, 'Expired'> }
  /** A synchronous authorization decline (Create Charge answers with it as an error). */
  | { readonly kind: 'DeclineAuthorization'; readonly reasonCode: ChargeDeclineReason }
  /** The authorization pends, then resolves. */
  | {
      readonly kind: 'PendAuthorization';
      readonly delayMs: number;
      readonly resolvesTo: 'Approved' | ChargeDeclineReason;
    }
  /** The capture goes through CaptureInitiated, then resolves. */
  | { readonly kind: 'PendCapture'; readonly delayMs: number; readonly resolvesTo: 'Captured' | ChargeDeclineReason }
  /** The refund settles this way. */
  | { readonly kind: 'SettleRefund'; readonly delayMs: number; readonly settlement: 'Refunded' | RefundDeclineReason }
  /** Close Charge Permission closes with this reason instead of MerchantClosed. */
  | { readonly kind: 'ClosePermission'; readonly reasonCode: ClosedReason };

export interface SimulationRow {
  readonly operation: SimulatedOperation;
  readonly code: string;
  readonly effect: SimulationEffect;
  readonly description: string;
}

const PENDING = TIMERS.sandboxPendingDelay;

/** The one table of simulation codes (docs/sandbox.md is generated from the same rows by a test). */
export const SIMULATIONS: readonly SimulationRow[] = [
  {
    operation: 'ProcessPayment',
    code: 'BuyerCanceled',
    effect: { kind: 'CancelCheckout', reason: 'BuyerCanceled' },
    description: 'The buyer cancels on the processing page: session Canceled / BuyerCanceled.',
  },
  {
    operation: 'ProcessPayment',
    code: 'Declined',
    effect: { kind: 'CancelCheckout', reason: 'Declined' },
    description: 'The payment is declined: session Canceled / Declined.',
  },
  {
    operation: 'ProcessPayment',
    code: 'AmazonCanceled',
    effect: { kind: 'CancelCheckout', reason: 'AmazonCanceled' },
    description: 'Amazon cancels the checkout: session Canceled / AmazonCanceled.',
  },

  {
    operation: 'CompleteCheckoutSession',
    code: 'BuyerCanceled',
    effect: { kind: 'CancelCheckout', reason: 'BuyerCanceled' },
    description: '422 CheckoutSessionCanceled; session Canceled / BuyerCanceled.',
  },
  {
    operation: 'CompleteCheckoutSession',
    code: 'Declined',
    effect: { kind: 'CancelCheckout', reason: 'Declined' },
    description: '422 CheckoutSessionCanceled; session Canceled / Declined.',
  },
  {
    operation: 'CompleteCheckoutSession',
    code: 'AmazonCanceled',
    effect: { kind: 'CancelCheckout', reason: 'AmazonCanceled' },
    description: '422 CheckoutSessionCanceled; session Canceled / AmazonCanceled.',
  },
  {
    operation: 'CompleteCheckoutSession',
    code: 'AuthorizationInitiated',
    effect: { kind: 'PendAuthorization', delayMs: PENDING, resolvesTo: 'Approved' },
    description:
      '202; the Charge is AuthorizationInitiated, then Authorized after 30 s (needs paymentIntent Authorize and canHandlePendingAuthorization).',
  },
  {
    operation: 'CompleteCheckoutSession',
    code: 'AuthorizationInitiatedDeclined',
    effect: { kind: 'PendAuthorization', delayMs: PENDING, resolvesTo: 'HardDeclined' },
    description: '202; the Charge is AuthorizationInitiated, then Declined / HardDeclined after 30 s.',
  },

  {
    operation: 'CreateCharge',
    code: 'SoftDeclined',
    effect: { kind: 'DeclineAuthorization', reasonCode: 'SoftDeclined' },
    description: '422 SoftDeclined; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'HardDeclined',
    effect: { kind: 'DeclineAuthorization', reasonCode: 'HardDeclined' },
    description: '422 HardDeclined; no charge; the charge permission becomes NonChargeable / PaymentMethodInvalid.',
  },
  {
    operation: 'CreateCharge',
    code: 'AmazonRejected',
    effect: { kind: 'DeclineAuthorization', reasonCode: 'AmazonRejected' },
    description: '422 AmazonRejected; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'TransactionTimedOut',
    effect: { kind: 'DeclineAuthorization', reasonCode: 'TransactionTimedOut' },
    description: '422 TransactionTimedOut; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'ProcessingFailure',
    effect: { kind: 'DeclineAuthorization', reasonCode: 'ProcessingFailure' },
    description: '500 ProcessingFailure; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'PaymentMethodNotAllowed',
    effect: { kind: 'Fail', reasonCode: 'PaymentMethodNotAllowed' },
    description: '422 PaymentMethodNotAllowed; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'MFANotCompleted',
    effect: { kind: 'Fail', reasonCode: 'MFANotCompleted' },
    description: '422 MFANotCompleted; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'TransactionCountExceeded',
    effect: { kind: 'Fail', reasonCode: 'TransactionCountExceeded' },
    description: '422 TransactionCountExceeded; no charge.',
  },
  {
    operation: 'CreateCharge',
    code: 'AuthorizationInitiated',
    effect: { kind: 'PendAuthorization', delayMs: PENDING, resolvesTo: 'Approved' },
    description:
      '201 AuthorizationInitiated, then Authorized (or Captured with captureNow) after 30 s; needs canHandlePendingAuthorization.',
  },
  {
    operation: 'CreateCharge',
    code: 'AuthorizationInitiatedDeclined',
    effect: { kind: 'PendAuthorization', delayMs: PENDING, resolvesTo: 'HardDeclined' },
    description:
      '201 AuthorizationInitiated, then Declined / HardDeclined after 30 s; needs canHandlePendingAuthorization.',
  },

  {
    operation: 'CaptureCharge',
    code: 'CaptureInitiated',
    effect: { kind: 'PendCapture', delayMs: PENDING, resolvesTo: 'Captured' },
    description: '200 CaptureInitiated, then Captured after 30 s.',
  },
  {
    operation: 'CaptureCharge',
    code: 'CaptureDeclined',
    effect: { kind: 'PendCapture', delayMs: PENDING, resolvesTo: 'AmazonRejected' },
    description: '200 CaptureInitiated, then Declined / AmazonRejected after 30 s.',
  },
  {
    operation: 'CaptureCharge',
    code: 'AmazonRejected',
    effect: { kind: 'Fail', reasonCode: 'AmazonRejected' },
    description: '422 AmazonRejected; the charge stays Authorized.',
  },
  {
    operation: 'CaptureCharge',
    code: 'ProcessingFailure',
    effect: { kind: 'Fail', reasonCode: 'ProcessingFailure' },
    description: '500 ProcessingFailure; the charge stays Authorized.',
  },
  {
    operation: 'CaptureCharge',
    code: 'TransactionCountExceeded',
    effect: { kind: 'Fail', reasonCode: 'TransactionCountExceeded' },
    description: '422 TransactionCountExceeded.',
  },

  {
    operation: 'CreateRefund',
    code: 'RefundDeclined',
    effect: { kind: 'SettleRefund', delayMs: TIMERS.refundProcessingDelay, settlement: 'AmazonRejected' },
    description: '201 RefundInitiated, then Declined / AmazonRejected.',
  },
  {
    operation: 'CreateRefund',
    code: 'RefundProcessingFailure',
    effect: { kind: 'SettleRefund', delayMs: TIMERS.refundProcessingDelay, settlement: 'ProcessingFailure' },
    description: '201 RefundInitiated, then Declined / ProcessingFailure.',
  },
  {
    operation: 'CreateRefund',
    code: 'AmazonRejected',
    effect: { kind: 'Fail', reasonCode: 'AmazonRejected' },
    description: '422 AmazonRejected; no refund.',
  },
  {
    operation: 'CreateRefund',
    code: 'ProcessingFailure',
    effect: { kind: 'Fail', reasonCode: 'ProcessingFailure' },
    description: '500 ProcessingFailure; no refund.',
  },
  {
    operation: 'CreateRefund',
    code: 'TransactionCountExceeded',
    effect: { kind: 'Fail', reasonCode: 'TransactionCountExceeded' },
    description: '422 TransactionCountExceeded; no refund.',
  },

  {
    operation: 'CloseChargePermission',
    code: 'AmazonClosed',
    effect: { kind: 'ClosePermission', reasonCode: 'AmazonClosed' },
    description: 'Closed / AmazonClosed instead of MerchantClosed.',
  },
  {
    operation: 'CloseChargePermission',
    code: 'BuyerClosed',
    effect: { kind: 'ClosePermission', reasonCode: 'BuyerClosed' },
    description: 'Closed / BuyerClosed instead of MerchantClosed.',
  },
  {
    operation: 'CloseChargePermission',
    code: 'AmazonCanceled',
    effect: { kind: 'ClosePermission', reasonCode: 'AmazonCanceled' },
    description: 'Closed / AmazonCanceled instead of MerchantClosed.',
  },
];

/**
 * The effect of a simulation code on an operation, or undefined when no code was sent.
 * A code on a Live request, on an operation that takes none, or unknown for the operation is refused.
 */
export function simulationFor(
  operation: SimulatedOperation | 'Other',
  code: string | undefined,
  environment: Environment,
): Result<SimulationEffect | undefined> {
  if (code === undefined) return ok(undefined);
  if (environment === 'Live') {
    return fail(
      'InvalidSandboxSimulationSpecified',
      'Simulation codes (x-amz-pay-simulation-code) are only accepted in the Sandbox environment.',
    );
  }
  if (operation === 'Other') {
    return fail('InvalidSandboxSimulationSpecified', `This operation accepts no simulation code; "${code}" was sent.`);
  }
  const row = SIMULATIONS.find((r) => r.operation === operation && r.code === code);
  if (row) return ok(row.effect);
  const valid = SIMULATIONS.filter((r) => r.operation === operation).map((r) => r.code);
  return fail(
    'InvalidSandboxSimulationSpecified',
    `"${code}" is not a simulation code for ${operation}. Valid codes: ${valid.join(', ')}.`,
  );
}
