import type { CheckoutSession } from '../domain/checkout-session.js';
import { ID_PATTERNS } from '../domain/ids.js';
import type { Merchant } from '../domain/merchant.js';
import { REGION_INFO, type CheckoutLanguage } from '../domain/regions.js';
import type { BuyerRecord } from '../store/store.js';
import type { BrowserSession, FlowBinding } from './buyer-sessions.js';
import { signedInBuyer } from './buyer-wallet.js';
import type { AppContext } from './context.js';
import { loadHostedCheckout, type HostedCheckout, type SignInRequest } from './hosted-checkout.js';
import { cancelUrl, resultUrl } from './return-urls.js';

/**
 * Which flow (checkout session or sign-in request) a browser may act on, and in which language.
 * Knowing an id alone gives nothing: the browser must hold the flow (bound through the claim) or be
 * signed in as its buyer.
 */

/** Why a page refuses; `reason` is the message the page shows (src/http/hosted/i18n.ts). */
export interface PageRefusal {
  readonly status: number;
  readonly reason:
    | 'sessionNotFound'
    | 'notYourCheckout'
    | 'formExpired'
    | 'signInRequestExpired'
    | 'sessionClosed'
    | 'merchantNotReady';
  readonly lang: CheckoutLanguage;
  /** Shown under the message (for the merchant's developer). */
  readonly details?: string;
  /** A buyer who signs in may get further: a GET page goes to the sign-in page instead of refusing. */
  readonly signInFirst?: boolean;
}

/** What a page action leads to: a redirect (to the merchant or another page of reji), or a refusal the page shows. */
export type PageOutcome = { readonly redirect: string } | { readonly refused: PageRefusal };

/** To the merchant; when no URL is declared and allowed, the buyer sees "session closed" instead. */
export function toMerchant(target: string | undefined, lang: CheckoutLanguage): PageOutcome {
  return target ? { redirect: target } : { refused: { status: 409, reason: 'sessionClosed', lang } };
}

/** To the merchant's result page (`after` is the session as the step left it), else the cancel URL. */
export function toResult(
  h: HostedCheckout,
  binding: FlowBinding | undefined,
  lang: CheckoutLanguage,
  after: CheckoutSession = h.checkoutSession,
): PageOutcome {
  return toMerchant(resultUrl({ ...h, checkoutSession: after }) ?? cancelUrl(h, binding), lang);
}

export interface CheckoutAccess {
  readonly h: HostedCheckout;
  readonly lang: CheckoutLanguage;
  readonly buyer: BuyerRecord | undefined;
  readonly binding: FlowBinding | undefined;
}

export function checkoutLanguage(h: HostedCheckout): CheckoutLanguage {
  return h.checkoutSession.checkoutLanguage ?? REGION_INFO[h.merchant.region].defaultLanguage;
}

export function signInLanguage(r: { request: SignInRequest; merchant: Merchant }): CheckoutLanguage {
  return r.request.language ?? REGION_INFO[r.merchant.region].defaultLanguage;
}

/**
 * The checkout of `id`, if the browser's `session` may act on it: it started it (bound through the
 * claim), or its signed-in buyer is the session's buyer. `needBuyer` asks for a signed-in buyer (of
 * the checkout's marketplace). `fallbackLang` is the language of a refusal before the checkout is known.
 */
export async function checkoutAccess(
  ctx: AppContext,
  session: BrowserSession | undefined,
  id: string | null,
  needBuyer: boolean,
  fallbackLang: CheckoutLanguage,
): Promise<{ readonly access: CheckoutAccess } | { readonly refused: PageRefusal }> {
  if (!id || !ID_PATTERNS.checkoutSession.test(id))
    return { refused: { status: 404, reason: 'sessionNotFound', lang: fallbackLang } };
  const h = await loadHostedCheckout(ctx, id);
  if (!h) return { refused: { status: 404, reason: 'sessionNotFound', lang: fallbackLang } };
  const lang = checkoutLanguage(h);
  const buyer = await signedInBuyer(ctx, session?.buyerId, h.marketplace);
  const binding = session?.flows[id];
  const owner = buyer !== undefined && h.checkoutSession.buyer?.buyerId === buyer.buyerId;
  if (!binding && !owner)
    return { refused: { status: 403, reason: 'notYourCheckout', lang, signInFirst: buyer === undefined } };
  if (needBuyer && !buyer) return { refused: { status: 403, reason: 'formExpired', lang, signInFirst: true } };
  if (buyer && h.checkoutSession.buyer && h.checkoutSession.buyer.buyerId !== buyer.buyerId)
    return { refused: { status: 403, reason: 'notYourCheckout', lang } };
  return { access: { h, lang, buyer, binding } };
}
