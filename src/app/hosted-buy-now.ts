import type { CartDetails } from '../domain/buy-now.js';
import type { CheckoutLanguage } from '../domain/regions.js';
import { ApiError } from './api-error.js';
import type { BrowserSession } from './buyer-sessions.js';
import { applyBuyNowCart, placeBuyNowOrderFor } from './buy-now.js';
import { checkoutAccess, type PageOutcome, type PageRefusal } from './checkout-access.js';
import type { AppContext } from './context.js';
import { cancelForBuyer } from './hosted-checkout.js';

/**
 * The Buy Now sheet's posts, each one use case: the cart a merchant's handler returned (POST /checkout/buynow/cart),
 * "place order" (…/place) and cancel (…/cancel). The page checks the form and renders; these act for the buyer
 * whose browser holds the checkout.
 */

export function sheetUrl(checkoutSessionId: string): string {
  return `/checkout/buynow?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
}

export type CartOutcome =
  | { readonly ok: true }
  | { readonly refused: PageRefusal }
  /** The merchant's cart was refused (totals, currency, state): the sheet's script shows it. */
  | { readonly error: { readonly status: number; readonly reasonCode: string; readonly message: string } };

export async function cartFromSheet(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: { readonly checkoutSessionId: string | null; readonly cart: CartDetails; readonly deliveryOptionId?: string },
  fallbackLang: CheckoutLanguage,
): Promise<CartOutcome> {
  const found = await checkoutAccess(ctx, session, form.checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  try {
    await applyBuyNowCart(ctx, found.access.h.caller, form.checkoutSessionId!, form.cart, form.deliveryOptionId);
  } catch (error) {
    if (error instanceof ApiError) return { error: { status: error.status, ...error.toBody() } };
    throw error;
  }
  return { ok: true };
}

export async function placeFromSheet(
  ctx: AppContext,
  session: BrowserSession | undefined,
  checkoutSessionId: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await checkoutAccess(ctx, session, checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  try {
    await placeBuyNowOrderFor(ctx, found.access.h.caller, checkoutSessionId!);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const details = `${error.reasonCode}: ${error.message}`;
    return { refused: { status: error.status, reason: 'merchantNotReady', lang: found.access.lang, details } };
  }
  return { redirect: sheetUrl(checkoutSessionId!) };
}

export async function cancelFromSheet(
  ctx: AppContext,
  session: BrowserSession | undefined,
  checkoutSessionId: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await checkoutAccess(ctx, session, checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  await cancelForBuyer(ctx, found.access.h, 'BuyerCanceled');
  return { redirect: sheetUrl(checkoutSessionId!) };
}
