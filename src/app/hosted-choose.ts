import type { CheckoutSession } from '../domain/checkout-session.js';
import type { CheckoutLanguage } from '../domain/regions.js';
import type { Address } from '../domain/shared-types.js';
import type { BuyerItem } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { BrowserSession } from './buyer-sessions.js';
import { addressesOf } from './buyer-wallet.js';
import { checkoutAccess, type PageOutcome } from './checkout-access.js';
import type { AppContext } from './context.js';
import { chooseForCheckout } from './hosted-checkout.js';
import { reviewUrl } from './return-urls.js';

/**
 * The choose page's post (POST /checkout/select) as one use case: the first choice of address and
 * payment method, a change from the merchant's review page, or another method after a decline.
 */

export type ChoiceMode = 'initial' | 'changeAddress' | 'changePayment' | 'retry';

export function choiceModeOf(raw: string | null, retry: boolean): ChoiceMode {
  if (retry) return 'retry';
  return raw === 'changeAddress' || raw === 'changePayment' || raw === 'retry' ? raw : 'initial';
}

/** Physical goods chosen here (not APB, which ships to the merchant's address), unless only the card changes. */
export function choosesAddress(cs: CheckoutSession, mode: ChoiceMode): boolean {
  return (
    cs.productType !== 'PayOnly' &&
    cs.webCheckoutDetails.checkoutMode !== 'ProcessOrder' &&
    mode !== 'changePayment' &&
    mode !== 'retry'
  );
}

export function choosesCard(mode: ChoiceMode): boolean {
  return mode !== 'changeAddress';
}

/** The wallet address the session's shipping address was chosen from. */
export function walletAddressOf(addresses: readonly BuyerItem<Address>[], cs: CheckoutSession): string | undefined {
  const shipping = cs.shippingAddress;
  if (shipping === null) return undefined;
  return addresses.find((a) => JSON.stringify(a.value) === JSON.stringify(shipping))?.id;
}

export interface ChoiceForm {
  readonly checkoutSessionId: string | null;
  readonly mode: string | null;
  readonly addressId: string | null;
  readonly paymentMethodId: string | null;
}

/** The choose page again, with a problem to show: a missing choice, an address the merchant does not ship to, or an API error. */
export interface ChooseAgain {
  readonly lang: CheckoutLanguage;
  readonly again:
    | { readonly problem: 'noAddresses' | 'noPaymentMethods' | 'notDeliverable' }
    | { readonly error: string };
}

export async function chooseFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: ChoiceForm,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome | ChooseAgain> {
  const found = await checkoutAccess(ctx, session, form.checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  const { h, lang, buyer } = found.access;
  const cs = h.checkoutSession;
  const mode = choiceModeOf(form.mode, false);
  const addressId = choosesAddress(cs, mode) ? (form.addressId ?? undefined) : undefined;
  const paymentMethodId = choosesCard(mode) ? (form.paymentMethodId ?? undefined) : undefined;
  if (choosesAddress(cs, mode) && !addressId) return { lang, again: { problem: 'noAddresses' } };
  if (choosesCard(mode) && !paymentMethodId) return { lang, again: { problem: 'noPaymentMethods' } };
  // A change keeps the other half of the earlier choice.
  const keepAddress =
    !addressId && cs.shippingAddress ? walletAddressOf(await addressesOf(ctx, buyer!.buyerId), cs) : undefined;
  try {
    const r = await chooseForCheckout(ctx, h, {
      buyerId: buyer!.buyerId,
      shippingAddressId: addressId ?? keepAddress,
      paymentMethodId: paymentMethodId ?? cs.paymentMethod?.paymentMethodId,
    });
    const saved = r.checkoutSession;
    if (saved.webCheckoutDetails.checkoutMode === 'ProcessOrder' || mode === 'retry') {
      return {
        redirect: `/checkout/processing?amazonCheckoutSessionId=${encodeURIComponent(saved.checkoutSessionId)}`,
      };
    }
    const review = reviewUrl({ ...h, checkoutSession: saved });
    if (!review) return { refused: { status: 409, reason: 'sessionClosed', lang } };
    return { redirect: review };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (/does not ship|deliver/i.test(error.message)) return { lang, again: { problem: 'notDeliverable' } };
    return { lang, again: { error: error.message } };
  }
}
