import {
  cancelCharge as cancelChargeDomain,
  captureCharge as captureChargeDomain,
  checkChargeAmount,
  checkRefund,
  createCharge as createChargeDomain,
  pspUpdateCharge,
  type AuthorizationOutcome,
  type CaptureProcessing,
  type Charge,
  type ChargeInitiator,
  type Channel,
  type ChargeState,
} from '../domain/charge.js';
import {
  checkNewCharge,
  closeChargePermission as closePermissionDomain,
  markNonChargeable,
  updateChargePermission as updatePermissionDomain,
  type ChargePermission,
  type ChargePermissionUpdateInput,
} from '../domain/charge-permission.js';
import { newChargeId, newRefundId } from '../domain/ids.js';
import { TIMERS } from '../domain/limits.js';
import type { Money } from '../domain/money.js';
import { createRefund as createRefundDomain, type Refund } from '../domain/refund.js';
import type { MerchantMetadata, PaymentMethodSnapshot, ProviderMetadata } from '../domain/shared-types.js';
import type { SimulationEffect } from '../domain/simulations.js';
import { scaApplies, STEP_UP_WINDOW_MS } from '../domain/sca.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { applyChargeChange, applyRefundChange } from './accounting.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext, Caller } from './context.js';
import { requirePaymentServiceProvider } from './disputes.js';
import { lockChargeWithPermission, lockOwned } from './loading.js';
import { save } from './transactions.js';

/**
 * Money movement after checkout: charges on a charge permission, captures, cancels, refunds and
 * closing. Every use case locks the charge permission first (then the charge, then refunds), so two
 * racing requests on the same permission run one after the other and can never together pass a limit.
 */

function simulationMismatch(operation: string): ApiError {
  return new ApiError('InvalidSandboxSimulationSpecified', `This simulation code does not apply to ${operation}.`);
}

/** What the processor answers for a new authorization: a forced simulation, or the payment method's behaviour. */
function authorizationOutcome(
  method: PaymentMethodSnapshot,
  canHandlePending: boolean,
  simulation: SimulationEffect | undefined,
): AuthorizationOutcome {
  if (simulation) {
    switch (simulation.kind) {
      case 'DeclineAuthorization':
        return { kind: 'Declined', reasonCode: simulation.reasonCode };
      case 'PendAuthorization':
        if (!canHandlePending) {
          throw new ApiError(
            'InvalidSandboxSimulationSpecified',
            'A pending authorization can only be simulated with canHandlePendingAuthorization true.',
          );
        }
        return { kind: 'Pending', delayMs: simulation.delayMs, resolvesTo: simulation.resolvesTo };
      case 'Fail':
        throw new ApiError(simulation.reasonCode, `Simulated ${simulation.reasonCode}.`);
      case 'CancelCheckout':
      case 'PendCapture':
      case 'SettleRefund':
      case 'ClosePermission':
        throw simulationMismatch('Create Charge');
    }
  }
  switch (method.behaviour) {
    case 'Succeeds':
    case 'BuyerCancels':
    // Outside the EU/UK (createCharge handles the step-up there) the card just pays.
    case 'RequiresAuthentication':
      return { kind: 'Approved' };
    case 'Declines':
      return { kind: 'Declined', reasonCode: 'HardDeclined' };
    case 'PendsThenAuthorizes':
    case 'PendsThenHardDeclines':
      if (!canHandlePending) {
        throw new ApiError(
          'InvalidSandboxSimulationSpecified',
          `The payment method ${method.descriptor} simulates a pending authorization: set canHandlePendingAuthorization to true.`,
        );
      }
      return {
        kind: 'Pending',
        delayMs: TIMERS.sandboxPendingDelay,
        resolvesTo: method.behaviour === 'PendsThenAuthorizes' ? 'Approved' : 'HardDeclined',
      };
  }
}

export interface CreateChargeInput {
  readonly chargePermissionId: string;
  readonly chargeAmount: Money;
  readonly captureNow?: boolean;
  readonly softDescriptor?: string;
  readonly canHandlePendingAuthorization?: boolean;
  readonly merchantMetadata?: Partial<MerchantMetadata>;
  readonly providerMetadata?: Partial<ProviderMetadata>;
  readonly platformId?: string;
  readonly chargeInitiator?: ChargeInitiator;
  readonly channel?: Channel;
  readonly webCheckoutDetails?: { readonly checkoutResultReturnUrl?: string | undefined };
}

/** Create Charge. A decline answers as an HTTP error and creates no charge (a hard decline also makes the permission NonChargeable). */
export async function createCharge(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: CreateChargeInput,
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<Charge> {
  if (input.softDescriptor !== undefined && !input.captureNow) {
    throw new ApiError(
      'InvalidParameterCombination',
      'softDescriptor can only be given together with captureNow true.',
    );
  }
  unwrap(checkChargeAmount(input.chargeAmount, 'chargeAmount'));
  const cp = await lockOwned(ctx, tx, caller, 'chargePermission', input.chargePermissionId, now);
  unwrap(checkNewCharge(cp, input.chargeAmount, now));
  const canHandlePending = input.canHandlePendingAuthorization ?? false;
  const returnUrl = input.webCheckoutDetails?.checkoutResultReturnUrl ?? null;
  const chargeId = newChargeId(ctx.random, cp.chargePermissionId);
  let stepUpUrl: string | null = null;
  let outcome: AuthorizationOutcome;
  if (simulation === undefined && permissionNeedsStepUp(cp)) {
    // EU/UK: the buyer's card asks for strong customer authentication on every charge (docs/sandbox.md).
    const buyerPresent = input.chargeInitiator === 'CITU' || input.chargeInitiator === 'CITR';
    if (returnUrl === null || !buyerPresent) {
      throw new ApiError(
        'MFANotCompleted',
        `The buyer's payment method asks for strong customer authentication: send chargeInitiator CITU (or CITR) with webCheckoutDetails.checkoutResultReturnUrl and send the buyer to webCheckoutDetails.amazonPayRedirectUrl, or let the buyer check out again.`,
      );
    }
    stepUpUrl = stepUpPageUrl(ctx, chargeId);
    outcome = { kind: 'Pending', delayMs: STEP_UP_WINDOW_MS, resolvesTo: 'MFAFailed' };
  } else outcome = authorizationOutcome(cp.paymentMethod, canHandlePending, simulation);
  if (outcome.kind === 'Declined') {
    const blocked = outcome.reasonCode === 'HardDeclined' ? markNonChargeable(cp, 'PaymentMethodInvalid', now) : null;
    if (blocked?.ok) {
      await save(ctx, tx, 'chargePermission', cp, blocked.value, now);
      throw new ApiError(
        'HardDeclined',
        'The authorization was declined; the buyer must use another payment method. The charge permission is now NonChargeable.',
        true,
      );
    }
    throw new ApiError(
      outcome.reasonCode === 'MFAFailed' ? 'MFANotCompleted' : outcome.reasonCode,
      declineMessage(outcome.reasonCode),
    );
  }
  const charge = createChargeDomain(
    {
      chargeId,
      chargePermissionId: cp.chargePermissionId,
      merchantId: cp.merchantId,
      environment: cp.environment,
      ledgerCurrency: cp.ledgerCurrency,
      chargeAmount: input.chargeAmount,
      captureNow: input.captureNow ?? false,
      canHandlePendingAuthorization: canHandlePending,
      softDescriptor: input.softDescriptor ?? null,
      merchantMetadata: input.merchantMetadata,
      providerMetadata: input.providerMetadata,
      platformId: input.platformId ?? null,
      chargeInitiator: input.chargeInitiator ?? null,
      channel: input.channel ?? null,
      webCheckoutDetails:
        input.webCheckoutDetails === undefined
          ? null
          : { checkoutResultReturnUrl: returnUrl, amazonPayRedirectUrl: stepUpUrl },
    },
    outcome,
    now,
  );
  await save(ctx, tx, 'chargePermission', cp, applyChargeChange(cp, undefined, charge, now), now);
  return save(ctx, tx, 'charge', undefined, charge, now);
}

/** A saved-wallet charge on this permission must go through the buyer's step-up (EU/UK sandbox, card 3155). */
function permissionNeedsStepUp(cp: ChargePermission): boolean {
  return (
    cp.paymentMethod.behaviour === 'RequiresAuthentication' &&
    cp.environment === 'Sandbox' &&
    scaApplies(cp.ledgerCurrency)
  );
}

/** reji's step-up page for a charge, the charge's `webCheckoutDetails.amazonPayRedirectUrl`. */
export function stepUpPageUrl(ctx: Pick<AppContext, 'publicUrl'>, chargeId: string): string {
  return `${ctx.publicUrl}/checkout/step-up?chargeId=${encodeURIComponent(chargeId)}`;
}

function declineMessage(code: string): string {
  switch (code) {
    case 'SoftDeclined':
      return 'The authorization was declined; it may succeed if retried later. Check that the charge permission is Chargeable.';
    case 'ProcessingFailure':
      return 'The authorization could not be processed; retry later.';
    case 'TransactionTimedOut':
      return 'The authorization could not be processed in time; retry, or allow pending authorizations.';
    case 'AmazonRejected':
      return 'Amazon Pay rejected the authorization.';
    default:
      return `The authorization was declined (${code}).`;
  }
}

export async function captureCharge(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  chargeId: string,
  input: { captureAmount: Money; softDescriptor?: string },
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<Charge> {
  unwrap(checkChargeAmount(input.captureAmount, 'captureAmount'));
  const { cp, charge } = await lockChargeWithPermission(ctx, tx, caller, chargeId, now);
  let processing: CaptureProcessing = { kind: 'Immediate' };
  if (simulation) {
    switch (simulation.kind) {
      case 'PendCapture':
        processing = { kind: 'Async', delayMs: simulation.delayMs, resolvesTo: simulation.resolvesTo };
        break;
      case 'Fail':
        throw new ApiError(
          simulation.reasonCode,
          `Simulated ${simulation.reasonCode}; the charge stays ${charge.state}.`,
        );
      case 'CancelCheckout':
      case 'DeclineAuthorization':
      case 'PendAuthorization':
      case 'SettleRefund':
      case 'ClosePermission':
        throw simulationMismatch('Capture Charge');
    }
  }
  const captured = unwrap(captureChargeDomain(charge, input.captureAmount, now, processing, input.softDescriptor));
  await save(ctx, tx, 'chargePermission', cp, applyChargeChange(cp, charge, captured, now), now);
  return save(ctx, tx, 'charge', charge, captured, now);
}

/** Update Charge: a payment service provider reports the outcome of a charge it processes (spec 12 §12.8). */
export async function updateChargeAsPsp(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  chargeId: string,
  input: { statusDetails: { state: ChargeState; reasonCode?: string | undefined } },
  now: Instant,
): Promise<Charge> {
  requirePaymentServiceProvider(caller, 'Update Charge');
  const { cp, charge } = await lockChargeWithPermission(ctx, tx, caller, chargeId, now);
  const updated = unwrap(pspUpdateCharge(charge, input.statusDetails, now));
  await save(ctx, tx, 'chargePermission', cp, applyChargeChange(cp, charge, updated, now), now);
  return save(ctx, tx, 'charge', charge, updated, now);
}

export async function cancelCharge(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  chargeId: string,
  now: Instant,
): Promise<Charge> {
  const { cp, charge } = await lockChargeWithPermission(ctx, tx, caller, chargeId, now);
  const canceled = unwrap(cancelChargeDomain(charge, 'MerchantCanceled', now));
  await save(ctx, tx, 'chargePermission', cp, applyChargeChange(cp, charge, canceled, now), now);
  return save(ctx, tx, 'charge', charge, canceled, now);
}

export async function createRefund(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: { chargeId: string; refundAmount: Money; softDescriptor?: string },
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<Refund> {
  let settlement: { delayMs: number; settlement: Refund['settlement'] } = {
    delayMs: TIMERS.refundProcessingDelay,
    settlement: 'Refunded',
  };
  if (simulation) {
    switch (simulation.kind) {
      case 'SettleRefund':
        settlement = { delayMs: simulation.delayMs, settlement: simulation.settlement };
        break;
      case 'Fail':
        throw new ApiError(simulation.reasonCode, `Simulated ${simulation.reasonCode}; no refund was created.`);
      case 'CancelCheckout':
      case 'DeclineAuthorization':
      case 'PendAuthorization':
      case 'PendCapture':
      case 'ClosePermission':
        throw simulationMismatch('Create Refund');
    }
  }
  const { charge } = await lockChargeWithPermission(ctx, tx, caller, input.chargeId, now);
  unwrap(checkRefund(charge, input.refundAmount));
  const refund = createRefundDomain(
    {
      refundId: newRefundId(ctx.random, charge.chargePermissionId),
      chargeId: charge.chargeId,
      chargePermissionId: charge.chargePermissionId,
      merchantId: charge.merchantId,
      environment: charge.environment,
      refundAmount: input.refundAmount,
      softDescriptor: input.softDescriptor ?? null,
      settlesAfterMs: settlement.delayMs,
      settlement: settlement.settlement,
    },
    now,
  );
  await save(ctx, tx, 'charge', charge, applyRefundChange(charge, undefined, refund), now);
  return save(ctx, tx, 'refund', undefined, refund, now);
}

export async function updateChargePermission(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  id: string,
  input: ChargePermissionUpdateInput,
  now: Instant,
): Promise<ChargePermission> {
  const cp = await lockOwned(ctx, tx, caller, 'chargePermission', id, now);
  return save(ctx, tx, 'chargePermission', cp, unwrap(updatePermissionDomain(cp, input)), now);
}

/** Close; with cancelPendingCharges, its open authorizations are canceled too (ChargePermissionCanceled). */
export async function closeChargePermission(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  id: string,
  input: { closureReason: string; cancelPendingCharges?: boolean },
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<ChargePermission> {
  let reasonCode: 'MerchantClosed' | 'BuyerClosed' | 'AmazonClosed' | 'AmazonCanceled' | 'Expired' = 'MerchantClosed';
  if (simulation) {
    if (simulation.kind !== 'ClosePermission') throw simulationMismatch('Close Charge Permission');
    reasonCode = simulation.reasonCode;
  }
  const cp = await lockOwned(ctx, tx, caller, 'chargePermission', id, now);
  let next = unwrap(closePermissionDomain(cp, { reasonCode, closureReason: input.closureReason }, now));
  const changes: { before: Charge; after: Charge }[] = [];
  if (input.cancelPendingCharges) {
    for (const charge of await tx.documents.chargesOfPermissionForUpdate(cp.chargePermissionId)) {
      // Only what may still be canceled (the domain's cancel source states); captured charges stay.
      const canceled = cancelChargeDomain(charge, 'ChargePermissionCanceled', now);
      if (!canceled.ok) continue;
      next = applyChargeChange(next, charge, canceled.value, now);
      changes.push({ before: charge, after: canceled.value });
    }
  }
  const saved = await save(ctx, tx, 'chargePermission', cp, next, now);
  for (const { before, after } of changes) await save(ctx, tx, 'charge', before, after, now);
  return saved;
}
