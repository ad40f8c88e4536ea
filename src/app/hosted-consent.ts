import { REGION_INFO, type CheckoutLanguage } from '../domain/regions.js';
import type { Merchant, MerchantStore } from '../domain/merchant.js';
import type { BrowserSession, FlowBinding } from './buyer-sessions.js';
import { signedInBuyer } from './buyer-wallet.js';
import { signInLanguage, type PageOutcome, type PageRefusal } from './checkout-access.js';
import type { AppContext } from './context.js';
import { leaveSignIn } from './hosted-cancel.js';
import { approveSignIn, loadSignInRequest, type SignInRequest } from './hosted-checkout.js';
import { allowedReturnUrl } from './return-urls.js';

/** Amazon Sign-in's consent page: which browser may answer a sign-in request, and its post as one use case. */

export interface SignInRequestAccess {
  readonly id: string;
  readonly request: SignInRequest;
  readonly merchant: Merchant;
  readonly store: MerchantStore;
  readonly lang: CheckoutLanguage;
  readonly binding: FlowBinding;
}

/** The sign-in request `id`, if this browser started it. */
export async function signInRequestAccess(
  ctx: AppContext,
  session: BrowserSession | undefined,
  id: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<{ readonly access: SignInRequestAccess } | { readonly refused: PageRefusal }> {
  if (!id) return { refused: { status: 404, reason: 'signInRequestExpired', lang: fallbackLang } };
  const r = await loadSignInRequest(ctx, id);
  if (!r) return { refused: { status: 404, reason: 'signInRequestExpired', lang: fallbackLang } };
  const binding = session?.flows[id];
  if (!binding)
    return { refused: { status: 403, reason: 'notYourCheckout', lang: r.request.language ?? fallbackLang } };
  return { access: { ...r, id, lang: signInLanguage(r), binding } };
}

/** POST /checkout/consent: allow (a buyer token for the merchant's return URL) or deny (back to the merchant). */
export async function consentFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: { readonly signInRequestId: string | null; readonly decision: string | null },
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await signInRequestAccess(ctx, session, form.signInRequestId, fallbackLang);
  if ('refused' in found) return found;
  const r = found.access;
  const buyer = await signedInBuyer(ctx, session?.buyerId, REGION_INFO[r.merchant.region].apiRegion);
  if (!buyer) return { refused: { status: 403, reason: 'formExpired', lang: r.lang } };
  if (form.decision !== 'allow') return leaveSignIn(ctx, r.id, r, r.binding, r.lang);
  const returnUrl = allowedReturnUrl(r.request.signInReturnUrl, r.store, r.request.environment);
  if (!returnUrl) return { refused: { status: 409, reason: 'signInRequestExpired', lang: r.lang } };
  const { buyerToken } = await approveSignIn(ctx, r.id, buyer.buyerId);
  const u = new URL(returnUrl);
  u.searchParams.set('buyerToken', buyerToken);
  return { redirect: u.toString() };
}
