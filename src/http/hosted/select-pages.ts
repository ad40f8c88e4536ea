import { ApiError } from '../../app/api-error.js';
import { addressesOf, walletOf } from '../../app/buyer-wallet.js';
import { amazonAddressId } from '../../app/buyer-flow.js';
import { chooseForCheckout } from '../../app/hosted-checkout.js';
import { formTargetsOf, resultUrl, reviewUrl } from '../../app/return-urls.js';
import { addressMeetsDeliverySpecifications, type CheckoutSession } from '../../domain/checkout-session.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import type { Address } from '../../domain/shared-types.js';
import type { BuyerItem } from '../../store/store.js';
import { html, raw } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { merchantName, requireCheckout } from './flow-access.js';
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

type Mode = 'initial' | 'changeAddress' | 'changePayment' | 'retry';

function modeOf(raw: string | null, retry: boolean): Mode {
  if (retry) return 'retry';
  return raw === 'changeAddress' || raw === 'changePayment' || raw === 'retry' ? raw : 'initial';
}

/** Physical goods chosen here (not APB, which ships to the merchant's address), unless only the card changes. */
function choosesAddress(cs: CheckoutSession, mode: Mode): boolean {
  return (
    cs.productType !== 'PayOnly' &&
    cs.webCheckoutDetails.checkoutMode !== 'ProcessOrder' &&
    mode !== 'changePayment' &&
    mode !== 'retry'
  );
}

function choosesCard(mode: Mode): boolean {
  return mode !== 'changeAddress';
}

/** The wallet address the session's shipping address was chosen from. */
function walletAddressOf(addresses: readonly BuyerItem<Address>[], cs: CheckoutSession): string | undefined {
  const shipping = cs.shippingAddress;
  if (shipping === null) return undefined;
  return addresses.find((a) => JSON.stringify(a.value) === JSON.stringify(shipping))?.id;
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
  // Multi-address: checkboxes; the buyer's earlier list (Amazon address ids name the wallet's), else the first.
  const multi = cs.productType === 'PayAndShipMultiAddress';
  const earlier = (cs.shippingAddressList ?? []).map((e) => e.addressId);
  const chosenList = p.form.getAll('addressIds').length
    ? p.form.getAll('addressIds')
    : earlier.length
      ? addresses.filter((a) => earlier.includes(amazonAddressId(a.id))).map((a) => a.id)
      : firstDeliverable
        ? [firstDeliverable]
        : [];
  const addressSection = choosesAddress(cs, mode)
    ? html`<fieldset id="address-choice">
  <legend>${t(lang, 'shippingAddress')}</legend>
  ${addresses.length === 0 ? html`<p>${t(lang, 'noAddresses')}</p>` : ''}
  ${multi ? html`<p class="hint">${t(lang, 'multiAddressHint')}</p>` : ''}
  ${addresses.map((a) => {
    const ok = deliverable(a.value);
    const checked = (multi ? chosenList.includes(a.id) : (chosenAddress ?? firstDeliverable) === a.id) && ok;
    const noteId = `nodeliver-${a.id.replace(/[^A-Za-z0-9-]/g, '')}`;
    return html`<div class="choice${ok ? '' : ' disabled'}">
    <input type="${multi ? 'checkbox' : 'radio'}" name="${multi ? 'addressIds' : 'addressId'}" id="addr-${a.id}" value="${a.id}"${checked ? raw(' checked') : ''}${ok ? '' : raw(` disabled aria-describedby="${noteId}"`)}>
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
${cs.buyNow ? buyNowCancelForm(p, lang, cs.checkoutSessionId, merchant, mode) : cancelForm(p, lang, 'amazonCheckoutSessionId', cs.checkoutSessionId, mode === 'changeAddress' || mode === 'changePayment' ? 'change' : mode === 'retry' ? 'processing' : 'checkout', merchant)}`;
  renderPage(p, status, lang, title, body, { sandbox, formTargets: formTargetsOf(h, binding), buyer, next: selfUrl });
}

/** Buy Now: a change goes back to the sheet; cancel ends the checkout there (the sheet then runs onCancel). */
function buyNowCancelForm(p: Page, lang: CheckoutLanguage, id: string, merchant: string, mode: Mode) {
  if (mode === 'changeAddress' || mode === 'changePayment') {
    return html`<p><a href="/checkout/buynow?amazonCheckoutSessionId=${id}">${t(lang, 'keepChoice', { merchant })}</a></p>`;
  }
  return html`<form method="post" action="/checkout/buynow/cancel" class="cancel">
  ${csrfField(p)}${hidden('amazonCheckoutSessionId', id)}
  <button type="submit" class="secondary">${t(lang, 'cancelAndReturn', { merchant })}</button>
</form>`;
}

export async function selectPost(p: Page): Promise<void> {
  const id = p.form.get('amazonCheckoutSessionId');
  const found = await requireCheckout(p, id, true);
  if (!found) return;
  const { h, lang, buyer } = found;
  const cs = h.checkoutSession;
  const mode = modeOf(p.form.get('mode'), false);
  const multi = cs.productType === 'PayAndShipMultiAddress' && choosesAddress(cs, mode);
  const addressIds = multi ? p.form.getAll('addressIds') : [];
  const addressId = choosesAddress(cs, mode) ? (p.form.get('addressId') ?? addressIds[0] ?? undefined) : undefined;
  const paymentMethodId = choosesCard(mode) ? (p.form.get('paymentMethodId') ?? undefined) : undefined;
  if (choosesAddress(cs, mode) && !addressId) return selectPage(p, t(lang, 'noAddresses'), 400);
  if (choosesCard(mode) && !paymentMethodId) return selectPage(p, t(lang, 'noPaymentMethods'), 400);
  // A change keeps the other half of the earlier choice.
  const keepAddress =
    !addressId && cs.shippingAddress ? walletAddressOf(await addressesOf(p.ctx, buyer!.buyerId), cs) : undefined;
  try {
    const r = await chooseForCheckout(p.ctx, h, {
      buyerId: buyer!.buyerId,
      shippingAddressId: addressId ?? keepAddress,
      paymentMethodId: paymentMethodId ?? cs.paymentMethod?.paymentMethodId,
      ...(multi ? { shippingAddressIds: addressIds } : {}),
    });
    const saved = r.checkoutSession;
    // Buy Now: back to the sheet, which asks the merchant's handlers for the cart.
    if (saved.buyNow) return redirectTo(p, r.redirectUrl.slice(r.redirectUrl.indexOf('/checkout/')));
    if (saved.webCheckoutDetails.checkoutMode === 'ProcessOrder' || mode === 'retry') {
      return redirectTo(
        p,
        `/checkout/processing?amazonCheckoutSessionId=${encodeURIComponent(saved.checkoutSessionId)}`,
      );
    }
    const review = reviewUrl({ ...h, checkoutSession: saved });
    if (!review) throw new PageError(409, 'sessionClosed', lang);
    redirectTo(p, review);
  } catch (error) {
    if (error instanceof ApiError) return selectPage(p, localizeChoiceError(error, lang), 400);
    throw error;
  }
}

function localizeChoiceError(error: ApiError, lang: CheckoutLanguage): string {
  if (/does not ship|deliver/i.test(error.message)) return t(lang, 'notDeliverable');
  return `${t(lang, 'errorTitle')}: ${error.message}`;
}
