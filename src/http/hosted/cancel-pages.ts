import type { FlowBinding } from '../../app/buyer-sessions.js';
import { cancelForBuyer, declineSignIn, loadSignInRequest, type SignInRequest } from '../../app/hosted-checkout.js';
import type { MerchantStore } from '../../domain/merchant.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { html, type SafeHtml } from '../html.js';
import { requireCheckout } from './flow-access.js';
import { t } from './i18n.js';
import { csrfField, languageOf, PageError, type Page } from './page-context.js';
import { cancelUrl, redirectToMerchant, redirectToResult, reviewUrl, signInCancelUrl } from './return-urls.js';
import { hidden } from './views.js';

/** Leaving a flow before it ends: the cancel button of every flow page and where it leads (docs/hosted-pages.md, "Cancel rules"). */

/** Where the cancel button is: a change page keeps the earlier choice, the others cancel the flow. */
export type CancelStage = 'checkout' | 'change' | 'processing' | 'signIn';

export function cancelForm(
  p: Page,
  lang: CheckoutLanguage,
  idName: 'amazonCheckoutSessionId' | 'signInRequestId',
  id: string,
  stage: CancelStage,
  merchant: string,
): SafeHtml {
  const label = stage === 'change' ? t(lang, 'keepChoice', { merchant }) : t(lang, 'cancelAndReturn', { merchant });
  return html`<form method="post" action="/checkout/cancel" class="cancel">
  ${csrfField(p)}${hidden(idName, id)}${hidden('stage', stage)}
  <button type="submit" class="secondary">${label}</button>
</form>`;
}

/** Uses the sign-in request up and goes back to the page the button was on. */
export async function leaveSignIn(
  p: Page,
  id: string,
  r: { request: SignInRequest; store: MerchantStore },
  binding: FlowBinding,
  lang: CheckoutLanguage,
): Promise<void> {
  await declineSignIn(p.ctx, id);
  redirectToMerchant(p, signInCancelUrl(r, binding), lang);
}

async function cancelSignIn(p: Page, requestId: string): Promise<void> {
  const r = await loadSignInRequest(p.ctx, requestId);
  const binding = p.session?.flows[requestId];
  if (!r || !binding) throw new PageError(404, 'signInRequestExpired', languageOf(p));
  await leaveSignIn(p, requestId, r, binding, r.request.language ?? 'en_US');
}

export async function cancelPost(p: Page): Promise<void> {
  const requestId = p.form.get('signInRequestId');
  if (requestId) return cancelSignIn(p, requestId);
  const found = await requireCheckout(p, p.form.get('amazonCheckoutSessionId'), false);
  if (!found) return;
  const { h, lang, binding } = found;
  const stage = p.form.get('stage');
  if (stage === 'change' && h.checkoutSession.buyer !== null) {
    // Leaving a change page keeps the earlier choice: back to the merchant's review page.
    return redirectToMerchant(p, reviewUrl(h) ?? cancelUrl(h, binding), lang);
  }
  const canceled = await cancelForBuyer(p.ctx, h, 'BuyerCanceled');
  if (stage === 'processing') return redirectToResult(p, h, binding, lang, canceled);
  redirectToMerchant(p, cancelUrl(h, binding), lang);
}

/** "Return to the merchant" after a decline: the session ends Canceled / Declined. */
export async function giveUpPost(p: Page): Promise<void> {
  const found = await requireCheckout(p, p.form.get('amazonCheckoutSessionId'), true);
  if (!found) return;
  const { h, lang, binding } = found;
  const canceled = await cancelForBuyer(p.ctx, h, 'Declined');
  redirectToResult(p, h, binding, lang, canceled);
}
