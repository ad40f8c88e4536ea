import type { Environment } from '../domain/environment.js';
import { checkReturnUrl, isReturnUrlAllowed, type MerchantStore } from '../domain/merchant.js';
import { withSessionId } from './buyer-flow.js';
import type { FlowBinding } from './buyer-sessions.js';
import type { HostedCheckout, SignInRequest } from './hosted-checkout.js';

/** Where a flow may send the buyer back to the merchant (docs/hosted-pages.md, "Cancel rules"). */

/**
 * A checkout session's URLs were set by signed calls (API or button), so a redirect needs only the URL rule
 * (https, or http on loopback in the Sandbox); the page the button was on was checked against the allowed
 * origins when the checkout started.
 */
export function sessionReturnUrl(url: string | null | undefined, environment: Environment): string | undefined {
  if (!url) return undefined;
  return checkReturnUrl(url, environment).allowed ? url : undefined;
}

/** Amazon Sign-in redirects only to a URL the sign-in button declared and the store still allows. */
export function allowedReturnUrl(
  url: string | null | undefined,
  store: MerchantStore,
  environment: Environment,
): string | undefined {
  if (!url) return undefined;
  return isReturnUrlAllowed(url, store, environment).allowed ? url : undefined;
}

/** `https://shop.example/` for any URL of that shop. */
export function homePageOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return `${new URL(url).origin}/`;
  } catch {
    return null;
  }
}

/** One of the session's return URLs with `amazonCheckoutSessionId` added, if still allowed. */
function returnUrlOf(h: HostedCheckout, url: string | null | undefined): string | undefined {
  const cs = h.checkoutSession;
  return sessionReturnUrl(url && withSessionId(url, cs.checkoutSessionId), cs.environment);
}

export function resultUrl(h: HostedCheckout): string | undefined {
  return returnUrlOf(h, h.checkoutSession.webCheckoutDetails.checkoutResultReturnUrl);
}

export function reviewUrl(h: HostedCheckout): string | undefined {
  return returnUrlOf(h, h.checkoutSession.webCheckoutDetails.checkoutReviewReturnUrl);
}

/** checkoutCancelUrl, else the page the button was on, else the home page of the merchant's return URL. */
export function cancelUrl(h: HostedCheckout, binding: FlowBinding | undefined): string | undefined {
  const cs = h.checkoutSession;
  const declared =
    cs.webCheckoutDetails.checkoutCancelUrl ??
    binding?.startedFrom ??
    homePageOf(cs.webCheckoutDetails.checkoutReviewReturnUrl ?? cs.webCheckoutDetails.checkoutResultReturnUrl);
  return sessionReturnUrl(declared, cs.environment);
}

/** The page the sign-in button was on, else the home page of signInReturnUrl. */
export function signInCancelUrl(
  r: { request: SignInRequest; store: MerchantStore },
  binding: FlowBinding,
): string | undefined {
  return allowedReturnUrl(binding.startedFrom ?? homePageOf(r.request.signInReturnUrl), r.store, r.request.environment);
}

/** The merchant URLs a checkout page's forms may lead to (its CSP form-action). */
export function formTargetsOf(h: HostedCheckout, binding: FlowBinding | undefined): string[] {
  return [reviewUrl(h), resultUrl(h), cancelUrl(h, binding)].filter((u): u is string => u !== undefined);
}
