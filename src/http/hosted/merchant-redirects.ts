import type { FlowBinding } from '../../app/buyer-sessions.js';
import type { HostedCheckout } from '../../app/hosted-checkout.js';
import { cancelUrl, resultUrl } from '../../app/return-urls.js';
import type { CheckoutSession } from '../../domain/checkout-session.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { PageError, redirectTo, type Page } from './page-context.js';

/** Sending the buyer back to the merchant from a page (the URLs themselves: src/app/return-urls.ts). */

/** To the merchant; when no URL is declared and allowed, the buyer sees "session closed" instead. */
export function redirectToMerchant(p: Page, target: string | undefined, lang: CheckoutLanguage): void {
  if (!target) throw new PageError(409, 'sessionClosed', lang);
  redirectTo(p, target);
}

/** To the merchant's result page (`after` is the session as the step left it), else the cancel URL. */
export function redirectToResult(
  p: Page,
  h: HostedCheckout,
  binding: FlowBinding | undefined,
  lang: CheckoutLanguage,
  after: CheckoutSession = h.checkoutSession,
): void {
  redirectToMerchant(p, resultUrl({ ...h, checkoutSession: after }) ?? cancelUrl(h, binding), lang);
}
