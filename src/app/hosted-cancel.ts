import type { CheckoutLanguage } from '../domain/regions.js';
import type { BrowserSession } from './buyer-sessions.js';
import { checkoutAccess, type PageOutcome, toMerchant, toResult } from './checkout-access.js';
import type { AppContext } from './context.js';
import { cancelForBuyer, declineSignIn, loadSignInRequest } from './hosted-checkout.js';
import { cancelUrl, reviewUrl, signInCancelUrl } from './return-urls.js';

/**
 * Leaving a flow before it ends, as use cases of the hosted pages: the cancel button of every flow
 * page and "return to the merchant" after a decline (docs/hosted-pages.md, "Cancel rules"). Each is
 * called once by its page with the parsed form and answers where the browser goes next.
 */

/** Where the cancel button is: a change page keeps the earlier choice, the others cancel the flow. */
export type CancelStage = 'checkout' | 'change' | 'processing' | 'signIn';

export interface CancelForm {
  readonly signInRequestId: string | null;
  readonly checkoutSessionId: string | null;
  readonly stage: string | null;
}

/** Uses the sign-in request up and goes back to the page the button was on. */
export async function leaveSignIn(
  ctx: AppContext,
  id: string,
  r: Parameters<typeof signInCancelUrl>[0],
  binding: Parameters<typeof signInCancelUrl>[1],
  lang: CheckoutLanguage,
): Promise<PageOutcome> {
  await declineSignIn(ctx, id);
  return toMerchant(signInCancelUrl(r, binding), lang);
}

/** The cancel button (POST /checkout/cancel) of a checkout or sign-in page. */
export async function cancelFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: CancelForm,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const requestId = form.signInRequestId;
  if (requestId) {
    const r = await loadSignInRequest(ctx, requestId);
    const binding = session?.flows[requestId];
    if (!r || !binding) return { refused: { status: 404, reason: 'signInRequestExpired', lang: fallbackLang } };
    return leaveSignIn(ctx, requestId, r, binding, r.request.language ?? 'en_US');
  }
  const found = await checkoutAccess(ctx, session, form.checkoutSessionId, false, fallbackLang);
  if ('refused' in found) return found;
  const { h, lang, binding } = found.access;
  if (form.stage === 'change' && h.checkoutSession.buyer !== null) {
    // Leaving a change page keeps the earlier choice: back to the merchant's review page.
    return toMerchant(reviewUrl(h) ?? cancelUrl(h, binding), lang);
  }
  const canceled = await cancelForBuyer(ctx, h, 'BuyerCanceled');
  if (form.stage === 'processing') return toResult(h, binding, lang, canceled);
  return toMerchant(cancelUrl(h, binding), lang);
}

/** "Return to the merchant" after a decline (POST /checkout/give-up): the session ends Canceled / Declined. */
export async function giveUpFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  checkoutSessionId: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await checkoutAccess(ctx, session, checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  const { h, lang, binding } = found.access;
  const canceled = await cancelForBuyer(ctx, h, 'Declined');
  return toResult(h, binding, lang, canceled);
}
