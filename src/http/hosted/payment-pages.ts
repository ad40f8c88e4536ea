import { processFromPage } from '../../app/hosted-process.js';
import { formTargetsOf } from '../../app/return-urls.js';
import { constraintsOf } from '../../domain/checkout-session.js';
import { html } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { merchantName, requireCheckout, showOutcome, type CheckoutAccess } from './flow-access.js';
import { t } from './i18n.js';
import { orderSummary } from './order-summary.js';
import { csrfField, languageOf, PageError, redirectTo, renderPage, type Page } from './page-context.js';
import { redirectToResult } from './merchant-redirects.js';
import { alert, hidden } from './views.js';

/**
 * Paying: the processing page behind amazonPayRedirectUrl (it posts itself, post-redirect-get) and
 * the page after a decline or a pending authorization the merchant cannot handle.
 */

/** The checkout still waiting for payment; one that has moved on sends the buyer to its result. */
async function requireOpenCheckout(p: Page, id: string | null): Promise<CheckoutAccess | undefined> {
  const found = await requireCheckout(p, id, true);
  if (!found) return undefined;
  const { h, lang, binding } = found;
  const cs = h.checkoutSession;
  if (cs.state !== 'Open' || cs.processing !== null) {
    redirectToResult(p, h, binding, lang);
    return undefined;
  }
  return found;
}

export async function processingPage(p: Page): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId');
  const found = await requireOpenCheckout(p, id);
  if (!found) return;
  const { h, lang, buyer, binding } = found;
  const cs = h.checkoutSession;
  if (cs.buyer === null)
    return redirectTo(p, `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}`);
  const blocking = constraintsOf(cs);
  if (blocking.length > 0) {
    throw new PageError(
      409,
      'merchantNotReady',
      lang,
      `Checkout Session constraints: ${blocking.map((c) => c.constraintId).join(', ')}. Call Update Checkout Session before redirecting the buyer to amazonPayRedirectUrl.`,
    );
  }
  const merchant = merchantName(h);
  const body = html`
<div class="progress" role="progressbar" aria-label="${t(lang, 'processingTitle')}" aria-busy="true"></div>
<p role="status">${t(lang, 'processingText')}</p>
${orderSummary(cs, binding, lang)}
${cs.paymentMethod ? html`<p><span class="muted">${t(lang, 'paymentMethod')}:</span> <span class="descriptor">${cs.paymentMethod.descriptor}</span></p>` : ''}
<form method="post" action="/checkout/processing" data-autosubmit>
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}
  <div class="actions"><button type="submit" id="complete-payment">${t(lang, 'processingButton')}</button></div>
</form>
${cancelForm(p, lang, 'amazonCheckoutSessionId', cs.checkoutSessionId, 'processing', merchant)}`;
  renderPage(p, 200, lang, t(lang, 'processingTitle'), body, {
    sandbox: cs.environment === 'Sandbox',
    formTargets: formTargetsOf(h, binding),
    buyer,
  });
}

export async function processingPost(p: Page): Promise<void> {
  const id = p.form.get('amazonCheckoutSessionId');
  showOutcome(p, await processFromPage(p.ctx, p.session, id, languageOf(p)));
}

export async function declinedPage(p: Page): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId');
  const found = await requireOpenCheckout(p, id);
  if (!found) return;
  const { h, lang, buyer, binding } = found;
  const cs = h.checkoutSession;
  const pending = p.url.searchParams.get('reason') === 'pending';
  const merchant = merchantName(h);
  const body = html`
${alert(pending ? t(lang, 'pendingNotAllowedText', { merchant }) : t(lang, 'declinedText', { merchant }))}
${cs.paymentMethod ? html`<p><span class="muted">${t(lang, 'paymentMethod')}:</span> ${cs.paymentMethod.descriptor}</p>` : ''}
<div class="actions">
  <a class="button" id="choose-another" href="/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}&amp;retry=1">${t(lang, 'chooseAnother')}</a>
  <form method="post" action="/checkout/give-up">${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}
    <button type="submit" class="secondary" id="return-to-merchant">${t(lang, 'returnToMerchant', { merchant })}</button></form>
</div>`;
  renderPage(p, 200, lang, pending ? t(lang, 'pendingNotAllowedTitle') : t(lang, 'declinedTitle'), body, {
    sandbox: cs.environment === 'Sandbox',
    formTargets: formTargetsOf(h, binding),
    buyer,
  });
}
