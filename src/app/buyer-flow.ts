import {
  type AddressWithId,
  associateBuyer,
  decideProcessing,
  hasRedirectUrl,
  needsAuthentication,
  recordProcessing,
  type CheckoutSession,
  type ProcessingDecision,
} from '../domain/checkout-session.js';
import { REGION_INFO, type ApiRegion } from '../domain/regions.js';
import type { Address, BuyerSnapshot } from '../domain/shared-types.js';
import type { SimulationEffect } from '../domain/simulations.js';
import type { Instant } from '../domain/time.js';
import { snapshotOf, type WalletCard } from '../domain/wallet.js';
import type { BuyerRecord, StoreTx, Wallet } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext } from './context.js';
import { save } from './transactions.js';

/**
 * The buyer's side of checkout: what the hosted pages do and what the sandbox testing endpoints do,
 * through the same functions.
 */

export function marketplaceOf(merchantRegion: keyof typeof REGION_INFO): ApiRegion {
  return REGION_INFO[merchantRegion].apiRegion;
}

/** `url` with `amazonCheckoutSessionId` added to its query (before any fragment). */
export function withSessionId(url: string, checkoutSessionId: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}${fragment}`;
}

/** reji's processing page, the `amazonPayRedirectUrl` of a session. */
export function processingUrl(ctx: Pick<AppContext, 'publicUrl'>, checkoutSessionId: string): string {
  return `${ctx.publicUrl}/checkout/processing?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
}

/** reji's Buy Now sheet of a session. */
export function buyNowSheetUrl(ctx: Pick<AppContext, 'publicUrl'>, checkoutSessionId: string): string {
  return `${ctx.publicUrl}/checkout/buynow?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
}

export function amazonPayRedirectUrl(ctx: Pick<AppContext, 'publicUrl'>, cs: CheckoutSession): string | null {
  return hasRedirectUrl(cs) ? processingUrl(ctx, cs.checkoutSessionId) : null;
}

export interface BuyerChoice {
  readonly buyerId: string;
  readonly shippingAddressId?: string | undefined;
  /** PayAndShipMultiAddress: the wallet addresses to ship to (default: the first one). */
  readonly shippingAddressIds?: readonly string[] | undefined;
  readonly paymentMethodId?: string | undefined;
}

export function buyerSnapshot(buyer: BuyerRecord): BuyerSnapshot {
  const prime = buyer.profile['primeMembershipTypes'];
  return {
    buyerId: buyer.buyerId,
    name: buyer.name,
    email: buyer.email,
    phoneNumber: buyer.phoneNumber,
    primeMembershipTypes: Array.isArray(prime) ? (prime as string[]) : null,
  };
}

/**
 * The buyer (signed in) chose an address and a payment method and continues: the session gets the
 * buyer, and the buyer goes to the review page (or, in APB, to reji's pay page).
 * Defaults: the buyer's first address and first payment method.
 */
export async function applyBuyerChoice(
  ctx: AppContext,
  tx: StoreTx,
  cs: CheckoutSession,
  choice: BuyerChoice,
  now: Instant,
  /** The buyer's wallet when the caller has read it already. */
  read?: Wallet<Address, WalletCard>,
): Promise<{ checkoutSession: CheckoutSession; redirectUrl: string }> {
  const wallet = read ?? (await tx.buyers.wallet<Address, WalletCard>(choice.buyerId));
  const { buyer, addresses, paymentMethods: methods } = wallet;
  if (!buyer) throw new ApiError('InvalidParameterValue', `Buyer ${choice.buyerId} does not exist.`);
  const address =
    choice.shippingAddressId === undefined ? addresses[0] : addresses.find((a) => a.id === choice.shippingAddressId);
  if (choice.shippingAddressId !== undefined && !address) {
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for shippingAddressId is invalid. Address ${choice.shippingAddressId} is not in the wallet of ${buyer.email}.`,
    );
  }
  const method =
    choice.paymentMethodId === undefined ? methods[0] : methods.find((m) => m.id === choice.paymentMethodId);
  if (!method) {
    throw new ApiError(
      'InvalidParameterValue',
      choice.paymentMethodId === undefined
        ? `Buyer ${buyer.email} has no payment method.`
        : `The value provided for paymentMethodId is invalid. Payment method ${choice.paymentMethodId} is not in the wallet of ${buyer.email}.`,
    );
  }
  const card = method.value;
  let shippingAddresses: AddressWithId[] | undefined;
  if (cs.productType === 'PayAndShipMultiAddress') {
    const ids = choice.shippingAddressIds ?? (address ? [address.id] : []);
    shippingAddresses = [];
    for (const addressId of ids) {
      const found = addresses.find((a) => a.id === addressId);
      if (!found) {
        throw new ApiError(
          'InvalidParameterValue',
          `The value provided for shippingAddressIds is invalid. Address ${addressId} is not in the wallet of ${buyer.email}.`,
        );
      }
      shippingAddresses.push({ addressId: amazonAddressId(found.id), address: found.value });
    }
  }
  const associated = unwrap(
    associateBuyer(
      cs,
      {
        buyer: buyerSnapshot(buyer),
        shippingAddress: address?.value ?? null,
        billingAddress: address?.value ?? null,
        ...(shippingAddresses ? { shippingAddresses } : {}),
        paymentMethod: snapshotOf(method.id, {
          ...card,
          behaviour: cs.environment === 'Sandbox' ? card.behaviour : 'Succeeds',
        }),
      },
      now,
    ),
  );
  const saved = await save(ctx, tx, 'checkoutSession', cs, associated, now);
  const redirectUrl =
    saved.webCheckoutDetails.checkoutMode === 'ProcessOrder'
      ? processingUrl(ctx, saved.checkoutSessionId)
      : saved.buyNow
        ? buyNowSheetUrl(ctx, saved.checkoutSessionId)
        : withSessionId(saved.webCheckoutDetails.checkoutReviewReturnUrl!, saved.checkoutSessionId);
  return { checkoutSession: saved, redirectUrl };
}

/** Amazon's form of an address id (`amzn1.address.…`), for shippingAddressList and multiAddressesCheckoutMetadata. */
export function amazonAddressId(walletAddressId: string): string {
  return `amzn1.address.${walletAddressId}`;
}

export interface ProcessOutcome {
  readonly checkoutSession: CheckoutSession;
  readonly decision: ProcessingDecision;
  /** Where the buyer goes next: the result URL (success, final decline, cancel). */
  readonly redirectUrl: string;
}

/**
 * The buyer is at `amazonPayRedirectUrl` (or pressed "Pay now" in APB): run the paymentIntent with the
 * chosen payment method. With `keepOpenOnDecline` (hosted page) a decline leaves the session Open so the
 * buyer can pick another method; without it (testing endpoint) a decline cancels the session.
 */
export async function processPayment(
  ctx: AppContext,
  tx: StoreTx,
  cs: CheckoutSession,
  now: Instant,
  simulation: SimulationEffect | undefined,
  options: {
    readonly keepOpenOnDecline?: boolean;
    readonly previous?: CheckoutSession;
    /** The buyer's answer to a strong customer authentication challenge (EU/UK), when one was asked. */
    readonly authentication?: 'passed' | 'failed';
  } = {},
): Promise<ProcessOutcome> {
  if (cs.paymentMethod === null) {
    throw new ApiError(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} has no buyer or payment method yet (BuyerNotAssociated).`,
    );
  }
  let decision: ProcessingDecision;
  if (simulation?.kind === 'CancelCheckout') decision = { kind: simulation.reason };
  else if (simulation)
    throw new ApiError(
      'InvalidSandboxSimulationSpecified',
      'This simulation code does not apply to payment processing.',
    );
  else if (options.authentication === 'failed' && needsAuthentication(cs)) decision = { kind: 'MFAFailed' };
  else decision = unwrap(decideProcessing(cs, cs.paymentMethod, options.authentication === 'passed'));
  const processed = unwrap(recordProcessing(cs, decision, now, options));
  // `previous`: the stored session, when the caller changed it before processing (Finalize's paymentIntent).
  const saved = await save(ctx, tx, 'checkoutSession', options.previous ?? cs, processed, now);
  const result = saved.webCheckoutDetails.checkoutResultReturnUrl;
  return {
    checkoutSession: saved,
    decision,
    redirectUrl: result ? withSessionId(result, saved.checkoutSessionId) : '',
  };
}
