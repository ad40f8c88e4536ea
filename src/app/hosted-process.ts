import type { CheckoutLanguage } from '../domain/regions.js';
import { ApiError } from './api-error.js';
import type { BrowserSession } from './buyer-sessions.js';
import { checkoutAccess, type PageOutcome, toResult } from './checkout-access.js';
import type { AppContext } from './context.js';
import { processForBuyer } from './hosted-checkout.js';
import { authenticationPageUrl } from './hosted-authenticate.js';
import { needsAuthentication } from '../domain/checkout-session.js';

/**
 * The processing page's post (POST /checkout/processing, behind amazonPayRedirectUrl), as one use
 * case: authorize with the chosen payment method, then the merchant's result page, or the decline
 * page when the session stays open for another method.
 */
export async function processFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  checkoutSessionId: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await checkoutAccess(ctx, session, checkoutSessionId, true, fallbackLang);
  if ('refused' in found) return found;
  const { h, lang, binding } = found.access;
  // A checkout that has moved on sends the buyer to its result.
  if (h.checkoutSession.state !== 'Open' || h.checkoutSession.processing !== null) return toResult(h, binding, lang);
  const declined = (reason: string) => ({
    redirect: `/checkout/declined?amazonCheckoutSessionId=${encodeURIComponent(h.checkoutSession.checkoutSessionId)}&reason=${reason}`,
  });
  // EU/UK: a card that asks for strong customer authentication goes through the one-time code page first.
  if (needsAuthentication(h.checkoutSession)) return { redirect: authenticationPageUrl(h.checkoutSession) };
  try {
    const outcome = await processForBuyer(ctx, h);
    if (outcome.decision.kind === 'Declined' && outcome.checkoutSession.state === 'Open') return declined('declined');
    return toResult(h, binding, lang, outcome.checkoutSession);
  } catch (error) {
    if (error instanceof ApiError && error.reasonCode === 'InvalidSandboxSimulationSpecified')
      return declined('pending');
    if (error instanceof ApiError)
      return {
        refused: {
          status: error.status,
          reason: 'merchantNotReady',
          lang,
          details: `${error.reasonCode}: ${error.message}`,
        },
      };
    throw error;
  }
}
