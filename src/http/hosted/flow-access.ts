import type { FlowBinding } from '../../app/buyer-sessions.js';
import {
  loadHostedCheckout,
  loadSignInRequest,
  type HostedCheckout,
  type SignInRequest,
} from '../../app/hosted-checkout.js';
import { ID_PATTERNS } from '../../domain/ids.js';
import type { Merchant, MerchantStore } from '../../domain/merchant.js';
import { REGION_INFO, type CheckoutLanguage } from '../../domain/regions.js';
import type { BuyerRecord } from '../../store/store.js';
import { currentBuyer, languageOf, PageError, signInFirst, type Page } from './page-context.js';

/**
 * Which flow (checkout session or sign-in request) this browser may act on, and in which language.
 * Knowing an id alone gives nothing: the browser must hold the flow (bound through the claim) or be
 * signed in as its buyer.
 */

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

/** The store name the buyer sees: the session's merchantStoreName, else the store's. */
export function merchantName(h: HostedCheckout): string {
  return h.checkoutSession.merchantMetadata.merchantStoreName ?? h.store.name;
}

/**
 * The checkout of `amazonCheckoutSessionId`, if this browser may act on it: it started it (bound
 * through the claim), or its signed-in buyer is the session's buyer. `needBuyer` sends a buyer who
 * is not signed in (for this marketplace) to the sign-in page first.
 */
export async function requireCheckout(
  p: Page,
  id: string | null,
  needBuyer: boolean,
): Promise<CheckoutAccess | undefined> {
  const fallbackLang = languageOf(p);
  if (!id || !ID_PATTERNS.checkoutSession.test(id)) throw new PageError(404, 'sessionNotFound', fallbackLang);
  const h = await loadHostedCheckout(p.ctx, id);
  if (!h) throw new PageError(404, 'sessionNotFound', fallbackLang);
  const lang = checkoutLanguage(h);
  const buyer = await currentBuyer(p, h.marketplace);
  const binding = p.session?.flows[id];
  const owner = buyer !== undefined && h.checkoutSession.buyer?.buyerId === buyer.buyerId;
  if (!binding && !owner) {
    if (buyer) throw new PageError(403, 'notYourCheckout', lang);
    return signInFirst(p, new PageError(403, 'notYourCheckout', lang));
  }
  if (needBuyer && !buyer) return signInFirst(p, new PageError(403, 'formExpired', lang));
  if (buyer && h.checkoutSession.buyer && h.checkoutSession.buyer.buyerId !== buyer.buyerId)
    throw new PageError(403, 'notYourCheckout', lang);
  return { h, lang, buyer, binding };
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
