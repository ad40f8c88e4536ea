import type { FlowBinding } from '../../app/buyer-sessions.js';
import {
  checkoutAccess,
  signInLanguage,
  type CheckoutAccess,
  type PageOutcome,
  type PageRefusal,
} from '../../app/checkout-access.js';
import { loadSignInRequest, type HostedCheckout, type SignInRequest } from '../../app/hosted-checkout.js';
import type { Merchant, MerchantStore } from '../../domain/merchant.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { languageOf, PageError, redirectTo, signInFirst, type Page } from './page-context.js';

/** The page side of src/app/checkout-access.ts: a refusal becomes an error page, or the sign-in page first. */

export { checkoutLanguage, signInLanguage, type CheckoutAccess } from '../../app/checkout-access.js';

/** The store name the buyer sees: the session's merchantStoreName, else the store's. */
export function merchantName(h: HostedCheckout): string {
  return h.checkoutSession.merchantMetadata.merchantStoreName ?? h.store.name;
}

export function refusalError(r: PageRefusal): PageError {
  return new PageError(r.status, r.reason, r.lang, r.details);
}

/** Answers a use case's outcome: the redirect, or the refusal as an error page. */
export function showOutcome(p: Page, outcome: PageOutcome): void {
  if ('refused' in outcome) throw refusalError(outcome.refused);
  redirectTo(p, outcome.redirect);
}

/**
 * The checkout of `amazonCheckoutSessionId`, if this browser may act on it. `needBuyer` sends a buyer
 * who is not signed in (for this marketplace) to the sign-in page first (a GET; a form post is refused).
 */
export async function requireCheckout(
  p: Page,
  id: string | null,
  needBuyer: boolean,
): Promise<CheckoutAccess | undefined> {
  const found = await checkoutAccess(p.ctx, p.session, id, needBuyer, languageOf(p));
  if ('access' in found) return found.access;
  if (found.refused.signInFirst) return signInFirst(p, refusalError(found.refused));
  throw refusalError(found.refused);
}

/** The sign-in request `id`, if this browser started it. */
export async function requireSignInRequest(
  p: Page,
  id: string | null,
): Promise<{
  id: string;
  request: SignInRequest;
  merchant: Merchant;
  store: MerchantStore;
  lang: CheckoutLanguage;
  binding: FlowBinding;
}> {
  const lang = languageOf(p);
  if (!id) throw new PageError(404, 'signInRequestExpired', lang);
  const r = await loadSignInRequest(p.ctx, id);
  if (!r) throw new PageError(404, 'signInRequestExpired', lang);
  const binding = p.session?.flows[id];
  if (!binding) throw new PageError(403, 'notYourCheckout', r.request.language ?? lang);
  return { ...r, id, lang: signInLanguage(r), binding };
}
