import { applyChargeChange } from './accounting.js';
import { createCharge, type AuthorizationOutcome } from '../domain/charge.js';
import { createChargePermissionFromCheckout } from '../domain/charge-permission.js';
import {
  cancelCheckoutSession,
  checkComplete,
  checkFinalize,
  createCheckoutSession as createSession,
  markCompleted,
  updateCheckoutSession as updateSession,
  type CheckoutSession,
  type CheckoutSessionCreateInput,
  type CheckoutSessionUpdateInput,
  type CompleteInput,
  type FinalizeInput,
  type ProcessingResult,
  type ProductType,
} from '../domain/checkout-session.js';
import { newChargeId, newChargePermissionId, newCheckoutSessionId } from '../domain/ids.js';
import { TIMERS } from '../domain/limits.js';
import type { CheckoutLanguage } from '../domain/regions.js';
import type { SimulationEffect } from '../domain/simulations.js';
import type { Instant } from '../domain/time.js';
import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext, Caller } from './context.js';
import { processPayment } from './buyer-flow.js';
import { lockOwned } from './loading.js';
import { save } from './transactions.js';

export interface CreateOptions {
  readonly productType?: ProductType;
  readonly checkoutLanguage?: CheckoutLanguage;
  readonly buyNow?: boolean;
}

export async function createCheckoutSession(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: CheckoutSessionCreateInput,
  now: Instant,
  options: CreateOptions = {},
): Promise<CheckoutSession> {
  const store = await tx.merchants.store(input.storeId);
  if (!store || store.merchantId !== caller.merchant.merchantId) {
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for storeId is invalid. Store ${input.storeId} does not exist for merchant ${caller.merchant.merchantId}.`,
    );
  }
  const cs = unwrap(
    createSession(input, {
      checkoutSessionId: newCheckoutSessionId(ctx.random),
      merchant: caller.merchant,
      store,
      environment: caller.environment,
      now,
      ...options,
    }),
  );
  return save(ctx, tx, 'checkoutSession', undefined, cs, now);
}

export async function updateCheckoutSession(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  id: string,
  input: CheckoutSessionUpdateInput,
  now: Instant,
): Promise<CheckoutSession> {
  const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', id, now);
  const store = await tx.merchants.store(cs.storeId);
  if (!store) throw new ApiError('InvalidParameterValue', `Store ${cs.storeId} no longer exists.`);
  const updated = unwrap(updateSession(cs, input, { merchant: caller.merchant, store, now }));
  return save(ctx, tx, 'checkoutSession', cs, updated, now);
}

export interface CompleteResult {
  readonly checkoutSession: CheckoutSession;
  readonly chargePermission: ChargePermission;
  readonly charge: Charge | null;
}

/**
 * Complete: checks the amounts and that the buyer went through processing, then turns the processing
 * result into a charge permission and (Authorize / AuthorizeWithCapture) a charge.
 */
export async function completeCheckoutSession(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  id: string,
  input: CompleteInput,
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<CompleteResult> {
  const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', id, now);
  if (simulation?.kind === 'CancelCheckout' && cs.state === 'Open') {
    const canceled = unwrap(cancelCheckoutSession(cs, simulation.reason, now));
    await save(ctx, tx, 'checkoutSession', cs, canceled, now);
    const verdict = checkComplete(canceled, input);
    if (!verdict.ok) throw ApiError.from(verdict.error, true);
  }
  let processing = unwrap(checkComplete(cs, input));
  if (simulation?.kind === 'PendAuthorization') processing = forcePending(cs, processing, simulation);
  else if (simulation && simulation.kind !== 'CancelCheckout') {
    throw new ApiError(
      'InvalidSandboxSimulationSpecified',
      'This simulation code does not apply to Complete Checkout Session.',
    );
  }
  return finishCheckout(ctx, tx, cs, processing, now);
}

/**
 * Finalize (Buy Now, and the mobile flows): checks the request against what the buyer saw; a Buy Now order the
 * buyer placed is processed now with the request's paymentIntent (a decline cancels the session, answered as
 * CheckoutSessionCanceled); then it completes like Complete.
 */
export async function finalizeCheckoutSession(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  id: string,
  input: FinalizeInput,
  now: Instant,
  simulation: SimulationEffect | undefined,
): Promise<CompleteResult> {
  const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', id, now);
  const ready = unwrap(checkFinalize(cs, input));
  const cancel = simulation?.kind === 'CancelCheckout' ? simulation : undefined;
  let current: CheckoutSession;
  let processing: ProcessingResult;
  if (ready.processing === null) {
    const outcome = await processPayment(ctx, tx, ready, now, cancel, { previous: cs });
    current = outcome.checkoutSession;
    if (current.state !== 'Open') throw canceledError(current);
    processing = current.processing!;
  } else {
    if (cancel) {
      const canceled = await save(
        ctx,
        tx,
        'checkoutSession',
        cs,
        unwrap(cancelCheckoutSession(cs, cancel.reason, now)),
        now,
      );
      throw canceledError(canceled);
    }
    current = cs;
    processing = ready.processing;
  }
  if (simulation?.kind === 'PendAuthorization') processing = forcePending(current, processing, simulation);
  return finishCheckout(ctx, tx, current, processing, now);
}

/** A session canceled during Finalize: answered 422 CheckoutSessionCanceled, the cancellation kept. */
function canceledError(cs: CheckoutSession): ApiError {
  const verdict = checkComplete(cs, {});
  return verdict.ok
    ? new ApiError('CheckoutSessionCanceled', `Checkout Session ${cs.checkoutSessionId} was canceled.`, true)
    : ApiError.from(verdict.error, true);
}

async function finishCheckout(
  ctx: AppContext,
  tx: StoreTx,
  cs: CheckoutSession,
  processing: ProcessingResult,
  now: Instant,
): Promise<CompleteResult> {
  const recurring = cs.chargePermissionType === 'Recurring';
  const chargePermissionId = newChargePermissionId(ctx.random, cs.environment, recurring);
  let cp = createChargePermissionFromCheckout(cs, processing, chargePermissionId, now);
  let charge: Charge | null = null;
  if (processing.outcome !== 'Confirmed' && processing.chargeAmount) {
    const outcome: Exclude<AuthorizationOutcome, { kind: 'Declined' }> =
      processing.outcome === 'Pending'
        ? {
            kind: 'Pending',
            delayMs: TIMERS.sandboxPendingDelay,
            resolvesTo: processing.pendingResolution === 'HardDeclined' ? 'HardDeclined' : 'Approved',
          }
        : { kind: 'Approved' };
    charge = createCharge(
      {
        chargeId: newChargeId(ctx.random, chargePermissionId),
        chargePermissionId,
        merchantId: cs.merchantId,
        environment: cs.environment,
        ledgerCurrency: cs.ledgerCurrency,
        chargeAmount: processing.chargeAmount,
        captureNow: processing.outcome === 'Captured',
        canHandlePendingAuthorization: cs.paymentDetails.canHandlePendingAuthorization,
        softDescriptor: processing.outcome === 'Captured' ? cs.paymentDetails.softDescriptor : null,
        merchantMetadata: cs.merchantMetadata,
        providerMetadata: cs.providerMetadata,
        platformId: cs.platformId,
        chargeInitiator: null,
        channel: 'Web',
      },
      outcome,
      now,
    );
    cp = applyChargeChange(cp, undefined, charge, now);
  }
  const savedCp = await save(ctx, tx, 'chargePermission', undefined, cp, now);
  const savedCharge = charge ? await save(ctx, tx, 'charge', undefined, charge, now) : null;
  const completed = markCompleted(cs, { chargePermissionId, chargeId: savedCharge?.chargeId ?? null }, now);
  const savedCs = await save(ctx, tx, 'checkoutSession', cs, completed, now);
  return { checkoutSession: savedCs, chargePermission: savedCp, charge: savedCharge };
}

function forcePending(
  cs: CheckoutSession,
  processing: ProcessingResult,
  simulation: Extract<SimulationEffect, { kind: 'PendAuthorization' }>,
): ProcessingResult {
  if (cs.paymentDetails.paymentIntent !== 'Authorize' || !cs.paymentDetails.canHandlePendingAuthorization) {
    throw new ApiError(
      'InvalidSandboxSimulationSpecified',
      'A pending authorization can only be simulated on a Checkout Session with paymentIntent Authorize and canHandlePendingAuthorization true.',
    );
  }
  return {
    ...processing,
    outcome: 'Pending',
    pendingResolution: simulation.resolvesTo === 'Approved' ? 'Authorized' : 'HardDeclined',
  };
}
