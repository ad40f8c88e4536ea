import { needsAuthentication, type CheckoutSession } from '../domain/checkout-session.js';
import type { CheckoutLanguage } from '../domain/regions.js';
import { isRightOneTimeCode } from '../domain/sca.js';
import type { BrowserSession } from './buyer-sessions.js';
import { checkoutAccess, type PageOutcome, toResult } from './checkout-access.js';
import type { AppContext } from './context.js';
import { processForBuyer } from './hosted-checkout.js';

/**
 * The strong customer authentication page's post (POST /checkout/authenticate, EU/UK sandbox): the buyer's
 * one-time code. The right code processes the payment as the processing page would; a wrong one cancels the
 * session (Canceled / MFAFailed) and sends the buyer to the merchant's result page (docs/decisions.md, "SCA").
 */

export function authenticationPageUrl(cs: Pick<CheckoutSession, 'checkoutSessionId'>): string {
  return `/checkout/authenticate?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}`;
}

export async function authenticateFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  checkoutSessionId: string | null,
  oneTimeCode: string,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await checkoutAccess(ctx, session, checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  const { h, lang, binding } = found.access;
  const cs = h.checkoutSession;
  if (cs.state !== 'Open' || cs.processing !== null) return toResult(h, binding, lang);
  // The buyer chose another card meanwhile: the processing page decides again.
  if (!needsAuthentication(cs)) {
    return { redirect: `/checkout/processing?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}` };
  }
  const outcome = await processForBuyer(ctx, h, isRightOneTimeCode(oneTimeCode) ? 'passed' : 'failed');
  return toResult(h, binding, lang, outcome.checkoutSession);
}
