import { checkoutAccess, type CheckoutAccess, type PageOutcome, type PageRefusal } from '../../app/checkout-access.js';
import { signInRequestAccess, type SignInRequestAccess } from '../../app/hosted-consent.js';
import { languageOf, PageError, redirectTo, signInFirst, type Page } from './page-context.js';

/** The page side of src/app/checkout-access.ts: a refusal becomes an error page, or the sign-in page first. */

export { checkoutLanguage, signInLanguage, type CheckoutAccess } from '../../app/checkout-access.js';
export { merchantName } from '../../app/flow-of-next.js';

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

/** The sign-in request `id`, if this browser started it (a refusal becomes an error page). */
export async function requireSignInRequest(p: Page, id: string | null): Promise<SignInRequestAccess> {
  const found = await signInRequestAccess(p.ctx, p.session, id, languageOf(p));
  if ('refused' in found) throw refusalError(found.refused);
  return found.access;
}
