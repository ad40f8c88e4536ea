import { authenticateFromPage } from '../../app/hosted-authenticate.js';
import { formTargetsOf } from '../../app/return-urls.js';
import { needsAuthentication } from '../../domain/checkout-session.js';
import { html } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { merchantName, requireCheckout, showOutcome } from './flow-access.js';
import { formatPrice, t } from './i18n.js';
import { redirectToResult } from './merchant-redirects.js';
import { csrfField, languageOf, redirectTo, renderPage, type Page } from './page-context.js';
import { hidden, oneTimeCodeInput } from './views.js';

/**
 * EU/UK strong customer authentication: the one-time code page the processing page sends the buyer to when the
 * chosen card asks for it (docs/sandbox.md, "Strong customer authentication").
 */

export async function authenticatePage(p: Page): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId');
  const found = await requireCheckout(p, id, true);
  if (!found) return;
  const { h, lang, buyer, binding } = found;
  const cs = h.checkoutSession;
  if (cs.state !== 'Open' || cs.processing !== null) return redirectToResult(p, h, binding, lang);
  if (!needsAuthentication(cs))
    return redirectTo(p, `/checkout/processing?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}`);
  const merchant = merchantName(h);
  const amount = cs.paymentDetails.chargeAmount ?? cs.paymentDetails.totalOrderAmount;
  const body = html`
<p>${t(lang, 'scaText', { merchant, amount: amount ? formatPrice(amount, lang) : '' })}</p>
${cs.paymentMethod ? html`<p><span class="muted">${t(lang, 'paymentMethod')}:</span> <span class="descriptor">${cs.paymentMethod.descriptor}</span></p>` : ''}
<form method="post" action="/checkout/authenticate">
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}
  ${oneTimeCodeInput(lang)}
</form>
${cancelForm(p, lang, 'amazonCheckoutSessionId', cs.checkoutSessionId, 'processing', merchant)}`;
  renderPage(p, 200, lang, t(lang, 'scaTitle'), body, {
    sandbox: cs.environment === 'Sandbox',
    formTargets: formTargetsOf(h, binding),
    buyer,
  });
}

export async function authenticatePost(p: Page): Promise<void> {
  const outcome = await authenticateFromPage(
    p.ctx,
    p.session,
    p.form.get('amazonCheckoutSessionId'),
    p.form.get('oneTimeCode') ?? '',
    languageOf(p),
  );
  showOutcome(p, outcome);
}
