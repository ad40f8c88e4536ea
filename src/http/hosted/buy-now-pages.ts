import { cancelFromSheet, cartFromSheet, placeFromSheet, sheetUrl } from '../../app/hosted-buy-now.js';
import { selectedDeliveryOption, type CartDetails } from '../../domain/buy-now.js';
import type { CheckoutSession } from '../../domain/checkout-session.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { cartDetailsRequest } from '../../wire/requests.js';
import { html, raw, type SafeHtml } from '../html.js';
import { wireAddressOf, wireCart } from '../wire-mapping.js';
import { merchantName, refusalError, requireCheckout, showOutcome } from './flow-access.js';
import { formatPrice, t } from './i18n.js';
import { csrfField, languageOf, PageError, redirectTo, renderPage, type Page } from './page-context.js';
import { addressBlock, alert, hidden } from './views.js';
import { sendJson } from './web.js';

/**
 * The Buy Now sheet (GET /checkout/buynow): one page with the address, the payment method, the merchant's cart,
 * its delivery options and totals, and "place order". It runs in the popup checkout.js opened and asks the
 * merchant's page (window.opener, by postMessage to the button page's origin) for the cart through the handlers
 * (onInitCheckout, onShippingAddressSelection, onDeliveryOptionSelection), then tells it onCompleteCheckout /
 * onCancel. The script is hosted.js (no inline scripts); this page only says which event is due (data-*).
 */

type PendingEvent = 'initCheckout' | 'shippingAddressSelection' | 'completeCheckout' | 'cancel' | 'none';

/** The merchant page's origin, where the sheet's messages go (the store allowed it when the button was clicked). */
function openerOrigin(startedFrom: string | null | undefined): string {
  if (!startedFrom) return '';
  try {
    return new URL(startedFrom).origin;
  } catch {
    return '';
  }
}

/** What the handlers receive about the buyer, by the scopes the payload asked for (all but billing when none). */
function buyerScopes(cs: CheckoutSession): Record<string, unknown> {
  const scopes = cs.scopes ?? ['name', 'email', 'phoneNumber', 'shippingAddress', 'postalCode'];
  const out: Record<string, unknown> = {};
  if (scopes.includes('name')) out['name'] = cs.buyer?.name ?? null;
  if (scopes.includes('email')) out['email'] = cs.buyer?.email ?? null;
  if (scopes.includes('phoneNumber')) out['phoneNumber'] = cs.buyer?.phoneNumber ?? null;
  if (scopes.includes('postalCode')) out['postalCode'] = cs.shippingAddress?.postalCode ?? null;
  if (scopes.includes('billingAddress') && cs.billingAddress) out['billingAddress'] = wireAddressOf(cs.billingAddress);
  return out;
}

function pendingEventOf(cs: CheckoutSession): PendingEvent {
  if (cs.state === 'Canceled') return cs.reasonCode === 'BuyerCanceled' ? 'cancel' : 'none';
  if (cs.state === 'Completed') return 'none';
  const state = cs.buyNow!;
  if (state.placedAt !== null) return 'completeCheckout';
  if (state.cartDetails === null) return 'initCheckout';
  if (state.addressChanged) return 'shippingAddressSelection';
  return 'none';
}

function eventOf(cs: CheckoutSession, pending: PendingEvent, lang: CheckoutLanguage): Record<string, unknown> {
  const shippingAddress = cs.shippingAddress ? wireAddressOf(cs.shippingAddress) : null;
  switch (pending) {
    case 'initCheckout':
      return { shippingAddress, scopes: buyerScopes(cs), checkoutLanguage: lang };
    case 'shippingAddressSelection':
      return { shippingAddress };
    case 'completeCheckout':
      return { amazonCheckoutSessionId: cs.checkoutSessionId };
    case 'cancel':
    case 'none':
      return {};
  }
}

function cartTable(cart: CartDetails, lang: CheckoutLanguage): SafeHtml {
  const row = (label: string, amount: CartDetails['totalBaseAmount'] | null, id: string) =>
    amount === null
      ? ''
      : html`<tr><th scope="row">${label}</th><td class="amount" id="${id}">${formatPrice(amount, lang)}</td></tr>`;
  return html`<section aria-labelledby="items"><h2 id="items">${t(lang, 'buyNowItems')}</h2>
<ul class="line-items">
  ${(cart.lineItems ?? []).map(
    (
      item,
    ) => html`<li class="line-item" data-item-id="${item.id}"><span class="title">${item.title}</span>${item.variantTitle ? html` <span class="muted">${item.variantTitle}</span>` : ''}
    <span class="muted">${t(lang, 'buyNowQuantity', { quantity: item.quantity })}</span>
    <span class="amount">${formatPrice(item.totalListPrice, lang)}</span></li>`,
  )}
</ul></section>
<table class="summary" id="buynow-totals">
  ${row(t(lang, 'buyNowSubtotal'), cart.totalBaseAmount, 'total-base')}
  ${row(t(lang, 'buyNowShipping'), cart.totalShippingAmount, 'total-shipping')}
  ${row(t(lang, 'buyNowTax'), cart.totalTaxAmount, 'total-tax')}
  ${row(t(lang, 'buyNowDiscount'), cart.totalDiscountAmount, 'total-discount')}
  <tr class="total"><th scope="row">${t(lang, 'buyNowTotal')}</th><td class="amount" id="total-charge">${formatPrice(cart.totalChargeAmount, lang)}</td></tr>
</table>`;
}

function deliveryChoice(cart: CartDetails, lang: CheckoutLanguage): SafeHtml {
  const options = cart.deliveryOptions ?? [];
  if (options.length === 0) return html``;
  const chosen = selectedDeliveryOption(cart)?.id;
  return html`<fieldset id="delivery-choice"><legend>${t(lang, 'buyNowDelivery')}</legend>
  ${options.map(
    (
      o,
      i,
    ) => html`<div class="choice"><input type="radio" name="deliveryOptionId" id="delivery-${i}" value="${o.id}"${o.id === chosen ? raw(' checked') : ''}>
    <label for="delivery-${i}">${o.shippingMethod.shippingMethodName} — ${formatPrice(o.price, lang)}</label></div>`,
  )}
</fieldset>`;
}

export async function buyNowPage(p: Page): Promise<void> {
  const id = p.url.searchParams.get('amazonCheckoutSessionId');
  const found = await requireCheckout(p, id, true);
  if (!found) return;
  const { h, lang, buyer, binding } = found;
  const cs = h.checkoutSession;
  if (!cs.buyNow) throw new PageError(409, 'sessionClosed', lang);
  const merchant = merchantName(h);
  const sandbox = cs.environment === 'Sandbox';
  if (cs.state === 'Open' && cs.buyer === null) {
    return redirectTo(p, `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(cs.checkoutSessionId)}`);
  }
  const pending = pendingEventOf(cs);
  const origin = openerOrigin(binding?.startedFrom);
  const cart = cs.buyNow.cartDetails;
  const data = html`<div id="buynow" hidden data-session-id="${cs.checkoutSessionId}" data-origin="${origin}" data-event="${pending}" data-event-json="${JSON.stringify(eventOf(cs, pending, lang))}" data-cart-json="${JSON.stringify(wireCart(cart))}"></div>
<div id="buynow-error" hidden>${alert(t(lang, 'buyNowMerchantError', { merchant }))}</div>
<div id="buynow-no-opener" hidden>${alert(t(lang, 'buyNowNoOpener', { merchant }))}</div>`;
  const cancel = html`<form method="post" action="/checkout/buynow/cancel" class="cancel">
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}
  <button type="submit" class="secondary" id="buynow-cancel">${t(lang, 'cancelAndReturn', { merchant })}</button>
</form>`;
  const options = { sandbox, buyer, next: sheetUrl(cs.checkoutSessionId) };
  if (cs.state !== 'Open') {
    const text = cs.state === 'Completed' ? t(lang, 'buyNowCompleted') : t(lang, 'buyNowCanceled');
    return renderPage(
      p,
      200,
      lang,
      t(lang, 'buyNowTitle'),
      html`${data}<p class="status" role="status" id="buynow-closed">${text}</p>`,
      options,
    );
  }
  if (pending !== 'none') {
    const text =
      pending === 'completeCheckout' ? t(lang, 'buyNowPlacing', { merchant }) : t(lang, 'buyNowLoading', { merchant });
    return renderPage(
      p,
      200,
      lang,
      t(lang, 'buyNowTitle'),
      html`<p class="muted">${t(lang, 'orderFrom', { merchant })}</p>${data}<p class="status" role="status" aria-busy="true" id="buynow-waiting">${text}</p>${pending === 'completeCheckout' ? '' : cancel}`,
      options,
    );
  }
  const change = (action: 'changeAddress' | 'changePayment') =>
    html`<a href="/checkout/select?amazonCheckoutSessionId=${cs.checkoutSessionId}&amp;action=${action}" id="${action}">${t(lang, 'buyNowChange')}</a>`;
  const body = html`<p class="muted">${t(lang, 'orderFrom', { merchant })}</p>
${data}
${cs.shippingAddress ? html`<section aria-labelledby="ship"><h2 id="ship">${t(lang, 'shippingAddress')}</h2>${addressBlock(cs.shippingAddress, lang)}<p>${change('changeAddress')}</p></section>` : ''}
${cs.paymentMethod ? html`<section aria-labelledby="pay"><h2 id="pay">${t(lang, 'paymentMethod')}</h2><p class="card" id="buynow-card">${cs.paymentMethod.descriptor}</p><p>${change('changePayment')}</p></section>` : ''}
${cart ? deliveryChoice(cart, lang) : ''}
${cart ? cartTable(cart, lang) : ''}
<form method="post" action="/checkout/buynow/place" id="place-order">
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', cs.checkoutSessionId)}
  <div class="actions"><button type="submit" id="buynow-place">${t(lang, 'buyNowPlaceOrder')}</button></div>
</form>
${cancel}`;
  renderPage(p, 200, lang, t(lang, 'buyNowTitle'), body, options);
}

/** The sheet's script passes on what a handler returned (fetch, same origin, CSRF token): JSON in, JSON out. */
export async function buyNowCartPost(p: Page): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.form.get('cartDetails') ?? '');
  } catch {
    return sendJson(p.res, 400, { ok: false, reasonCode: 'InvalidRequestFormat', message: 'cartDetails is not JSON.' });
  }
  const cart = cartDetailsRequest.parse(parsed, 'cartDetails');
  if (!cart.ok) return sendJson(p.res, 400, { ok: false, ...cart.error });
  const option = p.form.get('deliveryOptionId');
  const form = {
    checkoutSessionId: p.form.get('amazonCheckoutSessionId'),
    cart: cart.value,
    ...(option === null || option === '' ? {} : { deliveryOptionId: option }),
  };
  const outcome = await cartFromSheet(p.ctx, p.session, form, languageOf(p));
  if ('refused' in outcome) throw refusalError(outcome.refused);
  if ('error' in outcome) return sendJson(p.res, outcome.error.status, { ok: false, ...outcome.error });
  sendJson(p.res, 200, { ok: true });
}

export async function buyNowPlacePost(p: Page): Promise<void> {
  const outcome = await placeFromSheet(p.ctx, p.session, p.form.get('amazonCheckoutSessionId'), languageOf(p));
  showOutcome(p, outcome);
}

export async function buyNowCancelPost(p: Page): Promise<void> {
  const outcome = await cancelFromSheet(p.ctx, p.session, p.form.get('amazonCheckoutSessionId'), languageOf(p));
  showOutcome(p, outcome);
}
