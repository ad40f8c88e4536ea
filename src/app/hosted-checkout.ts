import {
  cancelCheckoutSession,
  createCheckoutSession as createSessionDoc,
  type CheckoutSession,
  type CheckoutSessionCancelReason,
  type CheckoutSessionCreateInput,
  type ProductType,
} from '../domain/checkout-session.js';
import type { Environment } from '../domain/environment.js';
import { isReturnUrlAllowed, type Merchant, type MerchantStore } from '../domain/merchant.js';
import { REGION_INFO, type ApiRegion, type CheckoutLanguage } from '../domain/regions.js';
import type { Address } from '../domain/shared-types.js';
import { HOUR } from '../domain/time.js';
import type { HostedTokenRecord } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import { applyBuyerChoice, processPayment, type ProcessOutcome } from './buyer-flow.js';
import { consumeToken, issueToken, readToken } from './buyer-sessions.js';
import { createCheckoutSession } from './checkout-sessions.js';
import type { StoreTx } from '../store/store.js';
import type { Instant } from '../domain/time.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { lockOwned, readOwned } from './loading.js';
import { save, inTransaction } from './transactions.js';

/**
 * The use cases behind reji's hosted pages: starting a checkout or an Amazon Sign-in from a verified
 * button, the buyer's choices, processing, cancel and consent. Choices and processing go through
 * buyer-flow.ts, the same functions the sandbox testing endpoints use.
 */

export const SIGN_IN_REQUEST_LIFETIME = 1 * HOUR;
export const BUYER_TOKEN_LIFETIME = 1 * HOUR;
export const SIGN_IN_SCOPES = [
  'name',
  'email',
  'postalCode',
  'shippingAddress',
  'phoneNumber',
  'billingAddress',
  'primeStatus',
] as const;
export type SignInScope = (typeof SIGN_IN_SCOPES)[number];

/** The hosted pages act for the merchant whose button started the flow. */
export function callerFor(merchant: Merchant, environment: Environment): Caller {
  return { merchant, environment, publicKeyId: 'hosted-pages' };
}

export interface StartOptions {
  readonly productType: ProductType;
  readonly checkoutLanguage: CheckoutLanguage | undefined;
  /** The button registered Buy Now handlers (onInitCheckout). */
  readonly buyNow?: boolean;
}

/** Everything Create Checkout Session would check, without creating anything (for checkout.js's early warning). */
export async function checkCheckoutStart(
  ctx: AppContext,
  caller: Caller,
  input: CheckoutSessionCreateInput,
  options: StartOptions,
): Promise<void> {
  const store = await ctx.store.reader.merchants.store(input.storeId);
  if (!store || store.merchantId !== caller.merchant.merchantId) {
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for storeId is invalid. Store ${input.storeId} does not exist for merchant ${caller.merchant.merchantId}.`,
    );
  }
  // The page that renders the button starts the checkout: its return URLs must use an origin the store allows.
  const web = input.webCheckoutDetails;
  for (const key of ['checkoutReviewReturnUrl', 'checkoutResultReturnUrl', 'checkoutCancelUrl'] as const) {
    const url = web?.[key];
    if (url === undefined || url === null) continue;
    const verdict = isReturnUrlAllowed(url, store, caller.environment);
    if (!verdict.allowed) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for webCheckoutDetails.${key} is invalid. ${verdict.why.charAt(0).toUpperCase()}${verdict.why.slice(1)}.`,
      );
    }
  }
  unwrap(
    createSessionDoc(input, {
      checkoutSessionId: '00000000-0000-4000-8000-000000000000',
      merchant: caller.merchant,
      store,
      environment: caller.environment,
      now: nowFor(ctx, caller.merchant, caller.environment),
      productType: options.productType,
      ...(options.checkoutLanguage ? { checkoutLanguage: options.checkoutLanguage } : {}),
      ...(options.buyNow ? { buyNow: true } : {}),
    }),
  );
}

/** The button was verified: create the Checkout Session from its payload. */
export async function startCheckout(
  ctx: AppContext,
  caller: Caller,
  input: CheckoutSessionCreateInput,
  options: StartOptions,
): Promise<CheckoutSession> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  return inTransaction(ctx, (tx) =>
    createCheckoutSession(ctx, tx, caller, input, now, {
      productType: options.productType,
      ...(options.checkoutLanguage ? { checkoutLanguage: options.checkoutLanguage } : {}),
      ...(options.buyNow ? { buyNow: true } : {}),
    }),
  );
}

export interface SignInPayload {
  readonly signInReturnUrl: string;
  readonly storeId: string;
  readonly signInScopes: readonly SignInScope[];
}

export interface SignInRequest {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly storeId: string;
  readonly signInReturnUrl: string;
  readonly scopes: readonly SignInScope[];
  readonly language: CheckoutLanguage | null;
}

/** Checks a sign-in payload against the merchant's store (ownership and allowed return URL). */
export async function checkSignInStart(
  ctx: AppContext,
  caller: Caller,
  payload: SignInPayload,
): Promise<MerchantStore> {
  const store = await ctx.store.reader.merchants.store(payload.storeId);
  if (!store || store.merchantId !== caller.merchant.merchantId) {
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for storeId is invalid. Store ${payload.storeId} does not exist for merchant ${caller.merchant.merchantId}.`,
    );
  }
  const verdict = isReturnUrlAllowed(payload.signInReturnUrl, store, caller.environment);
  if (!verdict.allowed)
    throw new ApiError('InvalidParameterValue', `The value provided for signInReturnUrl is invalid. ${verdict.why}.`);
  return store;
}

/** Amazon Sign-in: a sign-in request (its id is a secret bound to the browser that started it). */
export async function startSignIn(
  ctx: AppContext,
  caller: Caller,
  payload: SignInPayload,
  language: CheckoutLanguage | undefined,
): Promise<string> {
  await checkSignInStart(ctx, caller, payload);
  const request: SignInRequest = {
    merchantId: caller.merchant.merchantId,
    environment: caller.environment,
    storeId: payload.storeId,
    signInReturnUrl: payload.signInReturnUrl,
    scopes: [...new Set(payload.signInScopes)],
    language: language ?? null,
  };
  return issueToken(ctx, 'signInRequest', caller.merchant.merchantId, SIGN_IN_REQUEST_LIFETIME, { ...request });
}

export async function loadSignInRequest(
  ctx: AppContext,
  id: string,
): Promise<{ request: SignInRequest; merchant: Merchant; store: MerchantStore } | undefined> {
  const token = await readToken(ctx, 'signInRequest', id);
  if (!token || token.usedAt !== null) return undefined;
  const request = token.data as unknown as SignInRequest;
  const merchant = await ctx.store.reader.merchants.get(request.merchantId);
  const store = await ctx.store.reader.merchants.store(request.storeId);
  return merchant && store ? { request, merchant, store } : undefined;
}

/** The buyer allowed the merchant to see the requested scopes: a buyer token for `GET /v2/buyers/{buyerToken}`. */
export async function approveSignIn(
  ctx: AppContext,
  requestId: string,
  buyerId: string,
): Promise<{ request: SignInRequest; buyerToken: string }> {
  const used = await consumeToken(ctx, 'signInRequest', requestId);
  if (!used) throw new ApiError('InvalidParameterValue', 'This sign-in request has expired or was already used.');
  const request = used.data as unknown as SignInRequest;
  const buyerToken = await issueToken(ctx, 'buyerToken', buyerId, BUYER_TOKEN_LIFETIME, {
    merchantId: request.merchantId,
    environment: request.environment,
    storeId: request.storeId,
    scopes: request.scopes,
  });
  return { request, buyerToken };
}

export async function declineSignIn(ctx: AppContext, requestId: string): Promise<void> {
  await consumeToken(ctx, 'signInRequest', requestId);
}

export interface BuyerProfileView {
  readonly buyerId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly postalCode: string | null;
  readonly countryCode: string | null;
  readonly phoneNumber: string | null;
  readonly shippingAddress: Address | null;
  readonly billingAddress: Address | null;
  readonly primeMembershipTypes: string[] | null;
}

/** Get Buyer: the buyer behind a token of this merchant and environment, limited to the scopes the buyer allowed. */
export async function buyerForToken(ctx: AppContext, caller: Caller, buyerToken: string): Promise<BuyerProfileView> {
  const token: HostedTokenRecord | undefined = await readToken(ctx, 'buyerToken', buyerToken);
  const data = token?.data as { merchantId?: string; environment?: string; scopes?: SignInScope[] } | undefined;
  if (!token || data?.merchantId !== caller.merchant.merchantId || data.environment !== caller.environment) {
    throw new ApiError(
      'ResourceNotFound',
      'The buyerToken is unknown, expired, or was issued to another merchant or environment.',
    );
  }
  const buyer = await ctx.store.reader.buyers.get(token.subject);
  if (!buyer) throw new ApiError('ResourceNotFound', 'The buyer of this buyerToken no longer exists.');
  const scopes = new Set(data.scopes ?? []);
  const addresses = await ctx.store.reader.buyers.items<Address>('address', buyer.buyerId);
  const first = addresses[0]?.value ?? null;
  const prime = buyer.profile['primeMembershipTypes'];
  return {
    buyerId: buyer.buyerId,
    name: scopes.has('name') ? buyer.name : null,
    email: scopes.has('email') ? buyer.email : null,
    postalCode: scopes.has('postalCode') || scopes.has('shippingAddress') ? (first?.postalCode ?? null) : null,
    countryCode: scopes.has('postalCode') || scopes.has('shippingAddress') ? (first?.countryCode ?? null) : null,
    phoneNumber: scopes.has('phoneNumber') ? buyer.phoneNumber : null,
    shippingAddress: scopes.has('shippingAddress') ? first : null,
    billingAddress: scopes.has('billingAddress') ? first : null,
    primeMembershipTypes: scopes.has('primeStatus') && Array.isArray(prime) ? (prime as string[]) : null,
  };
}

// ---------- a checkout as the hosted pages see it ----------

export interface HostedCheckout {
  readonly checkoutSession: CheckoutSession;
  readonly merchant: Merchant;
  readonly store: MerchantStore;
  readonly caller: Caller;
  readonly marketplace: ApiRegion;
}

/** A checkout session with its merchant and store, due timers applied; undefined when unknown. */
export async function loadHostedCheckout(
  ctx: AppContext,
  checkoutSessionId: string,
): Promise<HostedCheckout | undefined> {
  const raw = await ctx.store.reader.documents.get('checkoutSession', checkoutSessionId);
  if (!raw) return undefined;
  const merchant = await ctx.store.reader.merchants.get(raw.merchantId);
  const store = await ctx.store.reader.merchants.store(raw.storeId);
  if (!merchant || !store) return undefined;
  const caller = callerFor(merchant, raw.environment);
  const { doc } = await readOwned(ctx, caller, 'checkoutSession', checkoutSessionId);
  return { checkoutSession: doc, merchant, store, caller, marketplace: REGION_INFO[merchant.region].apiRegion };
}

/** One buyer action on the page's session: locked (and settled) by the merchant's clock in one transaction. */
function withLockedSession<T>(
  ctx: AppContext,
  checkout: HostedCheckout,
  action: (tx: StoreTx, cs: CheckoutSession, now: Instant) => Promise<T>,
): Promise<T> {
  const now = nowFor(ctx, checkout.merchant, checkout.caller.environment);
  return inTransaction(ctx, async (tx) => {
    const id = checkout.checkoutSession.checkoutSessionId;
    return action(tx, await lockOwned(ctx, tx, checkout.caller, 'checkoutSession', id, now), now);
  });
}

/** The signed-in buyer picked an address and a payment method (first choice, change, or another method after a decline). */
export async function chooseForCheckout(
  ctx: AppContext,
  checkout: HostedCheckout,
  choice: {
    buyerId: string;
    shippingAddressId: string | undefined;
    paymentMethodId: string | undefined;
    shippingAddressIds?: readonly string[] | undefined;
  },
): Promise<{ checkoutSession: CheckoutSession; redirectUrl: string }> {
  return withLockedSession(ctx, checkout, (tx, cs, now) => applyBuyerChoice(ctx, tx, cs, choice, now));
}

/** The buyer is at `amazonPayRedirectUrl` (or pressed Pay now in APB); a decline keeps the session Open for another method. */
export async function processForBuyer(
  ctx: AppContext,
  checkout: HostedCheckout,
  authentication?: 'passed' | 'failed',
): Promise<ProcessOutcome> {
  return withLockedSession(ctx, checkout, (tx, cs, now) =>
    processPayment(ctx, tx, cs, now, undefined, {
      keepOpenOnDecline: true,
      ...(authentication ? { authentication } : {}),
    }),
  );
}

/** The buyer canceled (BuyerCanceled) or gave up after a decline (Declined); a session no longer Open is left as it is. */
export async function cancelForBuyer(
  ctx: AppContext,
  checkout: HostedCheckout,
  reason: Extract<CheckoutSessionCancelReason, 'BuyerCanceled' | 'Declined'>,
): Promise<CheckoutSession> {
  return withLockedSession(ctx, checkout, (tx, cs, now) => {
    if (cs.state !== 'Open' || cs.processing !== null) return Promise.resolve(cs);
    return save(ctx, tx, 'checkoutSession', cs, unwrap(cancelCheckoutSession(cs, reason, now)), now);
  });
}
