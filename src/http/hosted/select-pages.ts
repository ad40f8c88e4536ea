import { walletOf } from '../../app/buyer-wallet.js';
import {
  choiceModeOf as modeOf,
  chooseFromPage,
  choosesAddress,
  choosesCard,
  walletAddressOf,
} from '../../app/hosted-choose.js';
import { formTargetsOf, resultUrl } from '../../app/return-urls.js';
import { addressMeetsDeliverySpecifications } from '../../domain/checkout-session.js';
import type { Address } from '../../domain/shared-types.js';
import { html, raw } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { merchantName, requireCheckout, showOutcome } from './flow-access.js';
import { t } from './i18n.js';
import { orderSummary } from './order-summary.js';
import { csrfField, languageOf, PageError, redirectTo, renderPage, type Page } from './page-context.js';
import { redirectToMerchant } from './merchant-redirects.js';
import { addressBlock, alert, cardLabel, hidden } from './views.js';

/**
 * Choosing the shipping address and payment method: the first choice, a change from the merchant's
 * review page (bindChangeAction), and another card after a decline. APB pays from here.
 */

export async function changePage(p: Page): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId');
  const action = p.url.searchParams.get('action');
  if (action !== 'changeAddress' && action !== 'changePayment') throw new PageError(400, 'notFound', languageOf(p));
  const found = await requireCheckout(p, id, true);
  if (!found) return;
  redirectTo(p, `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(id!)}&action=${action}`);
}

export async function selectPage(p: Page, error?: string, status = 200): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId') ?? p.form.get('amazonCheckoutSessionId');
  const found = await requireCheckout(p, id, true);
  if (!found) return;
  const { h, lang, buyer, binding } = found;
  const cs = h.checkoutSession;
  if (cs.state !== 'Open') throw new PageError(409, 'sessionClosed', lang);
  if (cs.processing !== null) return redirectToMerchant(p, resultUrl(h), lang);
  const mode = modeOf(p.url.searchParams.get('action') ?? p.form.get('mode'), p.url.searchParams.get('retry') === '1');
  const apb = cs.webCheckoutDetails.checkoutMode === 'ProcessOrder';
  const ships = cs.productType !== 'PayOnly';
  const sandbox = cs.environment === 'Sandbox';
  const { addresses, cards } = await walletOf(p.ctx, buyer!.buyerId);
  const merchant = merchantName(h);
  const chosenAddress = p.form.get('addressId') ?? walletAddressOf(addresses, cs);
  const chosenCard = p.form.get('paymentMethodId') ?? cs.paymentMethod?.paymentMethodId;
  const selfUrl = `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}${mode === 'initial' ? '' : mode === 'retry' ? '&retry=1' : `&action=${mode}`}`;
  const walletLink = (what: 'address' | 'card') => `/checkout/wallet/${what}?next=${encodeURIComponent(selfUrl)}`;
  const deliverable = (a: Address) =>
    !cs.deliverySpecifications || addressMeetsDeliverySpecifications(a, cs.deliverySpecifications).ok;
  const firstDeliverable = addresses.find((a) => deliverable(a.value))?.id;
  const addressSection = choosesAddress(cs, mode)
    ? html`<fieldset id="address-choice">
  <legend>${t(lang, 'shippingAddress')}</legend>
  ${addresses.length === 0 ? html`<p>${t(lang, 'noAddresses')}</p>` : ''}
  ${addresses.map((a) => {
    const ok = deliverable(a.value);
    const checked = (chosenAddress ?? firstDeliverable) === a.id && ok;
    const noteId = `nodeliver-${a.id.replace(/[^A-Za-z0-9-]/g, '')}`;
    return html`<div class="choice${ok ? '' : ' disabled'}">
    <input type="radio" name="addressId" id="addr-${a.id}" value="${a.id}"${checked ? raw(' checked') : ''}${ok ? '' : raw(` disabled aria-describedby="${noteId}"`)}>
    <label for="addr-${a.id}">${addressBlock(a.value, lang)}${ok ? '' : html`<span class="problem" id="${noteId}">${t(lang, 'notDeliverable')}</span>`}</label>
  </div>`;
  })}
  <p><a href="${walletLink('address')}">${t(lang, 'addAddress')}</a></p>
</fieldset>`
    : ships && apb && cs.addressDetails
      ? html`<section><h2>${t(lang, 'shipToMerchantAddress')}</h2>${addressBlock(cs.addressDetails, lang)}</section>`
      : ships && cs.shippingAddress
        ? html`<section><h2>${t(lang, 'shippingAddress')}</h2>${addressBlock(cs.shippingAddress, lang)}</section>`
        : '';
  const cardSection = choosesCard(mode)
    ? html`<fieldset id="payment-choice">
  <legend>${t(lang, 'paymentMethod')}</legend>
  ${cards.length === 0 ? html`<p>${t(lang, 'noPaymentMethods')}</p>` : ''}
  ${cards.map((c, i) => {
    const checked = chosenCard ? chosenCard === c.id : i === 0;
    return html`<div class="choice"><input type="radio" name="paymentMethodId" id="pm-${c.id}" value="${c.id}"${checked ? raw(' checked') : ''}>
    <label for="pm-${c.id}">${cardLabel(c.value, lang, sandbox)}</label></div>`;
  })}
  <p><a href="${walletLink('card')}">${t(lang, 'addCard')}</a></p>
  ${sandbox ? html`<p class="hint">${t(lang, 'simulatedCardsNote')}</p>` : ''}
</fieldset>`
    : '';
  const title =
    mode === 'changeAddress'
      ? t(lang, 'changeAddressTitle')
      : mode === 'changePayment'
        ? t(lang, 'changePaymentTitle')
        : mode === 'retry'
          ? t(lang, 'retryTitle')
          : t(lang, ships && !apb ? 'selectTitle' : 'selectTitlePayOnly');
  const body = html`
<p class="muted">${t(lang, 'orderFrom', { merchant })}</p>
${error ? alert(error) : ''}
${orderSummary(cs, binding, lang)}
<form method="post" action="/checkout/select" id="choose">
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}${hidden('mode', mode)}
  ${addressSection}
  ${cardSection}
  <div class="actions"><button type="submit" id="continue">${apb || mode === 'retry' ? t(lang, 'payNow') : t(lang, 'continue')}</button></div>
</form>
<p><a href="/checkout/wallet?next=${encodeURIComponent(selfUrl)}">${t(lang, 'manageWallet')}</a></p>
${cancelForm(p, lang, 'amazonCheckoutSessionId', cs.checkoutSessionId, mode === 'changeAddress' || mode === 'changePayment' ? 'change' : mode === 'retry' ? 'processing' : 'checkout', merchant)}`;
  renderPage(p, status, lang, title, body, { sandbox, formTargets: formTargetsOf(h, binding), buyer, next: selfUrl });
}

export async function selectPost(p: Page): Promise<void> {
  const form = {
    checkoutSessionId: p.form.get('amazonCheckoutSessionId'),
    mode: p.form.get('mode'),
    addressId: p.form.get('addressId'),
    paymentMethodId: p.form.get('paymentMethodId'),
  };
  const outcome = await chooseFromPage(p.ctx, p.session, form, languageOf(p));
  if (!('again' in outcome)) return showOutcome(p, outcome);
  const { lang, again } = outcome;
  return selectPage(p, 'problem' in again ? t(lang, again.problem) : `${t(lang, 'errorTitle')}: ${again.error}`, 400);
}
