import { isRightOneTimeCode } from '../domain/sca.js';
import { SECOND, type Instant } from '../domain/time.js';
import type { ApiRegion } from '../domain/regions.js';
import type { SimulationEffect } from '../domain/simulations.js';
import { ApiError } from './api-error.js';
import { applyBuyerChoice, marketplaceOf, processPayment } from './buyer-flow.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import type { MerchantStore } from '../domain/merchant.js';
import type { Address } from '../domain/shared-types.js';
import type { WalletCard } from '../domain/wallet.js';
import {
  approveSignIn,
  cancelForBuyer,
  declineSignIn,
  loadHostedCheckout,
  loadSignInRequest,
  type SignInRequest,
} from './hosted-checkout.js';
import { lockOwned, readOwned } from './loading.js';
import { runDueTimers } from './scheduler.js';
import { inTransaction } from './transactions.js';

/**
 * The sandbox testing endpoints: a test buyer's consent and visit to the processing page without a
 * browser, and the merchant's movable clock. They run the same code as the hosted pages.
 */

export function requireSandbox(caller: Caller): void {
  if (caller.environment !== 'Sandbox') {
    throw new ApiError(
      'UnauthorizedAccess',
      'The testing endpoints are only available with Sandbox keys (or the /sandbox path).',
    );
  }
}

export interface BuyerConsentInput {
  readonly buyerEmail?: string;
  readonly shippingAddressId?: string;
  readonly shippingAddressIds?: readonly string[];
  readonly paymentMethodId?: string;
}

/**
 * A seeded test buyer of the merchant's marketplace (the first one without an email). Buyers who registered on
 * the hosted pages are never reachable with a merchant key, and the answer for them is the same as for an
 * email nobody uses, so that the endpoint tells nothing about who has an account.
 */
export async function sandboxTestBuyer(ctx: AppContext, region: ApiRegion, email: string | undefined) {
  const buyer =
    email === undefined
      ? (await ctx.store.reader.buyers.ofRegion(region, true))[0]
      : await ctx.store.reader.buyers.byEmail(region, email);
  if (buyer?.isTest && buyer.region === region) return buyer;
  return noTestBuyer(region, email);
}

function noTestBuyer(region: ApiRegion, email: string | undefined): never {
  throw new ApiError(
    'InvalidParameterValue',
    email === undefined
      ? `There is no test buyer for the ${region} marketplace.`
      : `The value provided for buyerEmail is invalid. It is not a test buyer of the ${region} marketplace.`,
  );
}

export async function buyerConsent(
  ctx: AppContext,
  caller: Caller,
  checkoutSessionId: string,
  input: BuyerConsentInput,
) {
  requireSandbox(caller);
  // The buyer and its wallet in one read, before the transaction (as the buyer was read before).
  const region = marketplaceOf(caller.merchant.region);
  const wallet = await ctx.store.reader.buyers.testWallet<Address, WalletCard>(region, input.buyerEmail);
  const buyer = wallet.buyer ?? noTestBuyer(region, input.buyerEmail);
  const now = nowFor(ctx, caller.merchant, caller.environment);
  return inTransaction(ctx, async (tx) => {
    const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', checkoutSessionId, now);
    return applyBuyerChoice(
      ctx,
      tx,
      cs,
      {
        buyerId: buyer.buyerId,
        shippingAddressId: input.shippingAddressId,
        paymentMethodId: input.paymentMethodId,
        shippingAddressIds: input.shippingAddressIds,
      },
      now,
      { ...wallet, buyer },
    );
  });
}

export async function processPaymentForTest(
  ctx: AppContext,
  caller: Caller,
  checkoutSessionId: string,
  simulation: SimulationEffect | undefined,
  oneTimeCode?: string,
) {
  requireSandbox(caller);
  const now = nowFor(ctx, caller.merchant, caller.environment);
  // EU/UK strong customer authentication: without a code a card that asks for one answers 422 MFANotCompleted.
  const authentication = oneTimeCode === undefined ? undefined : isRightOneTimeCode(oneTimeCode) ? 'passed' : 'failed';
  return inTransaction(ctx, async (tx) => {
    const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', checkoutSessionId, now);
    return processPayment(ctx, tx, cs, now, simulation, {
      keepOpenOnDecline: false,
      ...(authentication ? { authentication } : {}),
    });
  });
}

/** The buyer pressed Cancel on a hosted page of an open checkout: Canceled / BuyerCanceled, as the pages do. */
export async function cancelAsBuyer(ctx: AppContext, caller: Caller, checkoutSessionId: string) {
  requireSandbox(caller);
  await readOwned(ctx, caller, 'checkoutSession', checkoutSessionId);
  const checkout = await loadHostedCheckout(ctx, checkoutSessionId);
  if (!checkout) throw new ApiError('ResourceNotFound', `Checkout Session ${checkoutSessionId} does not exist.`);
  if (checkout.checkoutSession.state !== 'Open' || checkout.checkoutSession.processing !== null) {
    throw new ApiError(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${checkoutSessionId} is ${checkout.checkoutSession.state}${checkout.checkoutSession.processing ? ' and was processed' : ''}: the buyer can no longer cancel it.`,
    );
  }
  return { checkout, checkoutSession: await cancelForBuyer(ctx, checkout, 'BuyerCanceled') };
}

/** A test buyer answers an Amazon Sign-in request of this merchant: a buyerToken for Get Buyer, or none on deny. */
export async function signInAsTestBuyer(
  ctx: AppContext,
  caller: Caller,
  signInRequestId: string,
  input: { readonly buyerEmail?: string | undefined; readonly decision?: 'allow' | 'deny' | undefined },
): Promise<{ request: SignInRequest; store: MerchantStore; buyerToken: string | null }> {
  requireSandbox(caller);
  const found = await loadSignInRequest(ctx, signInRequestId);
  if (
    !found ||
    found.request.merchantId !== caller.merchant.merchantId ||
    found.request.environment !== caller.environment
  ) {
    throw new ApiError('ResourceNotFound', 'The sign-in request is unknown, expired, used, or of another merchant.');
  }
  if (input.decision === 'deny') {
    await declineSignIn(ctx, signInRequestId);
    return { request: found.request, store: found.store, buyerToken: null };
  }
  const buyer = await sandboxTestBuyer(ctx, marketplaceOf(caller.merchant.region), input.buyerEmail);
  const { request, buyerToken } = await approveSignIn(ctx, signInRequestId, buyer.buyerId);
  return { request, store: found.store, buyerToken };
}

/** Moves the merchant's sandbox clock forward and fires what became due before answering. */
export async function advanceClock(ctx: AppContext, caller: Caller, seconds: number): Promise<Instant> {
  requireSandbox(caller);
  const merchant = await inTransaction(ctx, (tx) =>
    tx.merchants.advanceSandboxClock(caller.merchant.merchantId, Math.round(seconds * SECOND)),
  );
  await runDueTimers(ctx, merchant.merchantId);
  return nowFor(ctx, merchant, 'Sandbox');
}

export function clockNow(ctx: AppContext, caller: Caller): Instant {
  requireSandbox(caller);
  return nowFor(ctx, caller.merchant, 'Sandbox');
}
