import { randomUUID } from 'node:crypto';
import { PRODUCTS, productById } from './catalog.js';
import { html, jsonScript, type SafeHtml } from './html.js';
import type { Lang, Messages } from './i18n.js';
import { refundedAmount, SHIPPING_CARRIERS, type Order, type OrderAddress, type OrderStatus } from './orders.js';
import { FREE_SHIPPING_FROM, MAX_QUANTITY, yen, type Line, type Totals } from './pricing.js';

/** Everything a page needs from the request: language, strings, CSRF token, cart size, a one-time message. */
export interface ViewContext {
  readonly lang: Lang;
  readonly t: Messages;
  readonly csrf: string;
  readonly cartCount: number;
  /** The current URL with the other language. */
  readonly switchHref: string;
  readonly flash: Flash | null;
}

export interface Flash {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

/** The options for `amazon.Pay.renderButton`, made on the server (the payload is signed there). */
export interface ButtonOptions {
  readonly merchantId: string;
  readonly ledgerCurrency: 'JPY';
  readonly checkoutLanguage: string;
  readonly productType: 'PayAndShip';
  readonly placement: 'Cart';
  readonly buttonColor: 'Gold';
  readonly sandbox: boolean;
  readonly createCheckoutSessionConfig: {
    readonly payloadJSON: string;
    readonly signature: string;
    readonly publicKeyId: string;
    readonly algorithm: string;
  };
}

function layout(
  v: ViewContext,
  title: string,
  body: SafeHtml,
  options: { checkoutJs?: string; bodyClass?: string } = {},
): SafeHtml {
  const { t } = v;
  return html`<html lang="${t.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${t.shopName}</title>
<link rel="stylesheet" href="/assets/shop.css">
<link rel="icon" href="data:,">
</head>
<body class="${options.bodyClass ?? ''}">
<header class="site-header">
  <a class="brand" href="/">${t.shopName}</a>
  <nav>
    <a href="/">${t.navProducts}</a>
    <a href="/cart" id="nav-cart">${t.navCart(v.cartCount)}</a>
    <a href="${v.switchHref}" id="switch-language" hreflang="${v.lang === 'ja' ? 'en' : 'ja'}">${t.switchLanguage}</a>
  </nav>
</header>
<main>
${v.flash ? html`<p class="flash flash-${v.flash.kind}" role="${v.flash.kind === 'error' ? 'alert' : 'status'}">${v.flash.text}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
<footer><p>${t.footer} · <a href="/admin">${t.navAdmin}</a></p></footer>
${options.checkoutJs ? html`<script src="${options.checkoutJs}"></script>` : ''}
<script src="/assets/shop.js"></script>
</body>
</html>`;
}

function productName(lang: Lang, productId: string): string {
  return productById(productId)?.name[lang] ?? productId;
}

function csrfField(v: ViewContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
}

export function productsPage(v: ViewContext): SafeHtml {
  const { t } = v;
  const cards = PRODUCTS.map(
    (p) => html`<li class="product" id="product-${p.id}">
  <div class="mark" aria-hidden="true">${p.mark}</div>
  <h2>${p.name[v.lang]}</h2>
  <p class="description">${p.description[v.lang]}</p>
  <p class="price">${yen(p.price)}</p>
  <form method="post" action="/cart/add">
    ${csrfField(v)}
    <input type="hidden" name="productId" value="${p.id}">
    <label>${t.quantity} <input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" inputmode="numeric"></label>
    <button type="submit">${t.addToCart}</button>
  </form>
</li>`,
  );
  return layout(v, t.productsTitle, html`<p class="lead">${t.tagline}</p><ul class="products">${cards}</ul>`);
}

function linesTable(v: ViewContext, lines: readonly Line[], editable: boolean): SafeHtml {
  const { t } = v;
  const rows = lines.map(
    (l) => html`<tr data-product="${l.productId}">
  <td>${productName(v.lang, l.productId)}</td>
  <td class="num">${yen(l.unitPrice)}</td>
  <td class="num">${
    editable
      ? html`<input type="number" name="qty_${l.productId}" value="${l.quantity}" min="0" max="${MAX_QUANTITY}" inputmode="numeric" aria-label="${t.quantity}: ${productName(v.lang, l.productId)}">`
      : l.quantity
  }</td>
  <td class="num">${yen(l.amount)}</td>
  ${editable ? html`<td><button type="submit" name="remove" value="${l.productId}" class="link">${t.remove}</button></td>` : ''}
</tr>`,
  );
  return html`<table class="lines">
<thead><tr><th>${t.product}</th><th class="num">${t.unitPrice}</th><th class="num">${t.quantity}</th><th class="num">${t.lineAmount}</th>${editable ? html`<th></th>` : ''}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function totalsTable(
  v: ViewContext,
  totals: Pick<Totals, 'subtotal' | 'discount' | 'shipping' | 'total'>,
  couponCode: string | null,
  totalLabel: string,
): SafeHtml {
  const { t } = v;
  return html`<table class="totals">
<tr><th>${t.subtotal}</th><td class="num" id="subtotal">${yen(totals.subtotal)}</td></tr>
${totals.discount > 0 && couponCode ? html`<tr class="discount"><th>${t.discount(couponCode)}</th><td class="num" id="discount">${yen(-totals.discount)}</td></tr>` : ''}
<tr><th>${t.shipping}</th><td class="num" id="shipping">${totals.shipping === 0 ? t.free : yen(totals.shipping)}</td></tr>
<tr class="grand"><th>${totalLabel}</th><td class="num" id="total">${yen(totals.total)}</td></tr>
</table>`;
}

export function cartPage(
  v: ViewContext,
  totals: Totals,
  button: { options: ButtonOptions; checkoutJs: string } | null,
): SafeHtml {
  const { t } = v;
  if (totals.lines.length === 0) {
    return layout(
      v,
      t.cartTitle,
      html`<p class="empty">${t.cartEmpty}</p><p><a class="button secondary" href="/">${t.continueShopping}</a></p>`,
    );
  }
  const hint =
    totals.subtotal >= FREE_SHIPPING_FROM
      ? t.freeShippingReached
      : t.freeShippingHint(yen(FREE_SHIPPING_FROM - totals.subtotal));
  const body = html`<form method="post" action="/cart/update" class="cart">
  ${csrfField(v)}
  ${linesTable(v, totals.lines, true)}
  <p><button type="submit" class="secondary">${t.update}</button></p>
</form>
<section class="summary">
  ${totalsTable(v, totals, null, t.estimatedTotal)}
  <p class="hint" id="shipping-hint">${hint}</p>
  <p class="hint">${t.couponLater}</p>
  ${
    button
      ? html`<div id="AmazonPayButton" class="amazon-pay" data-unavailable="${t.amazonPayUnavailable}"></div>
  <script type="application/json" id="amazon-pay-button-options">${jsonScript(button.options)}</script>
  <p class="hint">${t.payWithAmazon}</p>`
      : ''
  }
  <p><a href="/">${t.continueShopping}</a></p>
</section>`;
  return layout(v, t.cartTitle, body, button ? { checkoutJs: button.checkoutJs } : {});
}

/** Japanese order: 〒 postal code, prefecture, city, lines; then the phone number. */
export function addressBlock(v: ViewContext, a: OrderAddress): SafeHtml {
  const region = [a.stateOrRegion, a.city, a.addressLine1].filter((x) => x).join(' ');
  return html`<address id="shipping-address">
  ${a.name ? html`<span class="name">${a.name}</span><br>` : ''}
  ${a.postalCode ? html`<span class="postal">${v.t.postalMark}${a.postalCode}</span><br>` : ''}
  ${region ? html`${region}<br>` : ''}
  ${a.addressLine2 ? html`${a.addressLine2}<br>` : ''}
  ${a.addressLine3 ? html`${a.addressLine3}<br>` : ''}
  ${a.countryCode && a.countryCode !== 'JP' ? html`${a.countryCode}<br>` : ''}
  ${a.phoneNumber ? html`${v.t.phone}: ${a.phoneNumber}` : ''}
</address>`;
}

export function reviewPage(v: ViewContext, order: Order, checkoutJs: string): SafeHtml {
  const { t } = v;
  const id = order.checkoutSessionId;
  const body = html`<p class="lead">${t.reviewLead}</p>
<div class="review-grid">
<section class="box" id="customer">
  <h2>${t.customer}</h2>
  <p id="buyer-name">${order.buyerName ?? ''}</p>
  ${order.buyerEmail ? html`<p class="muted">${order.buyerEmail}</p>` : ''}
</section>
<section class="box">
  <h2>${t.shipTo} <a href="#" id="changeAddress" class="change" data-change-action="changeAddress" data-session-id="${id}">${t.change}</a></h2>
  ${order.shippingAddress ? addressBlock(v, order.shippingAddress) : ''}
</section>
<section class="box">
  <h2>${t.paymentMethod} <a href="#" id="changePayment" class="change" data-change-action="changePayment" data-session-id="${id}">${t.change}</a></h2>
  <p id="payment-descriptor">${order.paymentDescriptor ?? ''}</p>
</section>
</div>
<section>
  <h2>${t.items}</h2>
  ${linesTable(v, order.lines, false)}
</section>
<section class="box coupon">
  <h2>${t.coupon}</h2>
  ${
    order.couponCode
      ? html`<form method="post" action="/review/coupon/remove" class="inline">
    ${csrfField(v)}<input type="hidden" name="amazonCheckoutSessionId" value="${id}">
    <span class="coupon-code" id="applied-coupon">${order.couponCode}</span>
    <button type="submit" class="link">${t.removeCoupon}</button>
  </form>`
      : html`<form method="post" action="/review/coupon" class="inline">
    ${csrfField(v)}<input type="hidden" name="amazonCheckoutSessionId" value="${id}">
    <label>${t.couponCode} <input type="text" name="couponCode" id="coupon-code" maxlength="32" autocomplete="off" placeholder="${t.couponHint}"></label>
    <button type="submit" class="secondary">${t.applyCoupon}</button>
  </form>`
  }
</section>
<section class="summary">
  ${totalsTable(v, order, order.couponCode, t.total)}
  <form method="post" action="/review/place" data-once>
    ${csrfField(v)}<input type="hidden" name="amazonCheckoutSessionId" value="${id}">
    <button type="submit" class="primary" id="place-order">${t.placeOrder}</button>
  </form>
  <p class="muted">${t.orderNumber}: <span id="order-id">${order.orderId}</span></p>
  <p><a href="/cart">${t.backToCart}</a></p>
</section>`;
  return layout(v, t.reviewTitle, body, { checkoutJs });
}

export function statusLabel(t: Messages, status: OrderStatus): string {
  const labels: Record<OrderStatus, string> = {
    pending: t.statusPending,
    authorized: t.statusAuthorized,
    captured: t.statusCaptured,
    refunded: t.statusRefunded,
    canceled: t.statusCanceled,
    declined: t.statusDeclined,
  };
  return labels[status];
}

export function completePage(v: ViewContext, order: Order): SafeHtml {
  const { t } = v;
  const body = html`<p class="lead">${t.completeLead}</p>
<dl class="ids">
  <dt>${t.orderNumber}</dt><dd id="order-id">${order.orderId}</dd>
  <dt>${t.status}</dt><dd id="order-status" data-status="${order.status}">${statusLabel(t, order.status)}</dd>
  <dt>${t.chargePermissionId}</dt><dd><code id="charge-permission-id">${order.chargePermissionId ?? ''}</code></dd>
  <dt>${t.chargeId}</dt><dd><code id="charge-id">${order.chargeId ?? ''}</code></dd>
  <dt>${t.checkoutSessionId}</dt><dd><code id="checkout-session-id">${order.checkoutSessionId}</code></dd>
</dl>
<div class="review-grid">
<section class="box"><h2>${t.shipTo}</h2>${order.shippingAddress ? addressBlock(v, order.shippingAddress) : ''}</section>
<section class="box"><h2>${t.paymentMethod}</h2><p id="payment-descriptor">${order.paymentDescriptor ?? ''}</p></section>
</div>
<section><h2>${t.items}</h2>${linesTable(v, order.lines, false)}${totalsTable(v, order, order.couponCode, t.total)}</section>
<p><a class="button secondary" href="/">${t.continueShopping}</a></p>`;
  return layout(v, t.completeTitle, body, { bodyClass: 'complete' });
}

/** The buyer-facing sentence for why a payment did not go through. */
export function failureText(t: Messages, reason: string): string {
  switch (reason) {
    case 'Declined':
      return t.reasonDeclined;
    case 'BuyerCanceled':
      return t.reasonBuyerCanceled;
    case 'AmazonCanceled':
      return t.reasonAmazonCanceled;
    case 'Expired':
      return t.reasonExpired;
    case 'AmountMismatch':
      return t.reasonAmountMismatch;
    default:
      return t.reasonOther(reason);
  }
}

export function failurePage(v: ViewContext, reason: string, order: Order | null): SafeHtml {
  const { t } = v;
  const body = html`<p class="flash flash-error" id="failure-reason" data-reason="${reason}" role="alert">${failureText(t, reason)}</p>
${order ? html`<p class="muted">${t.orderNumber}: ${order.orderId}</p>` : ''}
<p><a class="button primary" href="/cart" id="pay-again">${t.payAgain}</a></p>`;
  return layout(v, t.failedTitle, body, { bodyClass: 'failed' });
}

export function messagePage(
  v: ViewContext,
  title: string,
  message: string,
  link: { href: string; text: string } | null = { href: '/cart', text: v.t.backToCart },
): SafeHtml {
  return layout(
    v,
    title,
    html`<p class="message" id="message">${message}</p>${link ? html`<p><a class="button secondary" href="${link.href}">${link.text}</a></p>` : ''}`,
  );
}

export function adminLoginPage(v: ViewContext, wrongPassword: boolean): SafeHtml {
  const { t } = v;
  return layout(
    v,
    t.adminTitle,
    html`${wrongPassword ? html`<p class="flash flash-error" role="alert">${t.adminWrongPassword}</p>` : ''}
<form method="post" action="/admin/login" class="box narrow">
  ${csrfField(v)}
  <label>${t.adminPassword} <input type="password" name="password" id="admin-password" autocomplete="current-password" required></label>
  <button type="submit" class="primary">${t.adminLogin}</button>
</form>`,
  );
}

function adminActions(v: ViewContext, order: Order): SafeHtml {
  const { t } = v;
  const form = (
    action: string,
    label: string,
    extra: SafeHtml | '' = '',
  ) => html`<form method="post" action="/admin/orders" class="inline" data-once>
    ${csrfField(v)}<input type="hidden" name="orderId" value="${order.orderId}"><input type="hidden" name="action" value="${action}">
    ${extra}<button type="submit" class="${action === 'refresh' ? 'link' : 'secondary'}" data-action="${action}">${label}</button></form>`;
  const refundable = order.capturedAmount - refundedAmount(order);
  const out: SafeHtml[] = [];
  if (order.status === 'authorized' && order.chargeState === 'Authorized') {
    out.push(form('capture', t.adminCapture), form('cancel', t.adminCancel));
  }
  if (
    (order.status === 'captured' || order.status === 'refunded') &&
    order.chargeState === 'Captured' &&
    refundable > 0
  ) {
    out.push(
      form(
        'refund',
        t.adminRefund,
        html`<input type="hidden" name="nonce" value="${randomUUID()}">
    <label class="sr">${t.adminRefundAmount} <input type="number" name="amount" min="1" max="${refundable}" value="${refundable}" inputmode="numeric" class="amount"></label>`,
      ),
    );
  }
  if (order.chargePermissionId && ['authorized', 'captured', 'refunded'].includes(order.status)) {
    out.push(
      form(
        'ship',
        t.adminShip,
        html`<label class="sr">${t.adminCarrier} <select name="carrierCode">${SHIPPING_CARRIERS.map(
          (c) => html`<option value="${c.code}">${c.name}</option>`,
        )}</select></label>
    <label class="sr">${t.adminTrackingNumber} <input type="text" name="trackingNumber" maxlength="40" pattern="[A-Za-z0-9-]{1,40}" required class="tracking"></label>`,
      ),
    );
  }
  if (order.chargeId) out.push(form('refresh', t.adminRefresh));
  return html`${out}`;
}

export function adminPage(v: ViewContext, orders: readonly Order[]): SafeHtml {
  const { t } = v;
  const rows = orders.map(
    (o) => html`<tr id="order-${o.orderId}" data-status="${o.status}">
  <td><strong>${o.orderId}</strong><br><span class="muted">${o.createdAt.replace('T', ' ').slice(0, 19)}</span><br>${o.buyerName ?? ''}</td>
  <td class="status">${statusLabel(t, o.status)}${o.chargeState ? html`<br><span class="muted">${o.chargeState}</span>` : ''}${o.failureReason ? html`<br><span class="muted">${o.failureReason}</span>` : ''}</td>
  <td class="num">${yen(o.total)}${o.capturedAmount ? html`<br><span class="muted">capture ${yen(o.capturedAmount)}</span>` : ''}${o.refunds.length ? html`<br><span class="muted">refund ${yen(refundedAmount(o))}</span>` : ''}</td>
  <td class="id-list">
    <div><span class="k">checkoutSessionId</span> <code>${o.checkoutSessionId}</code></div>
    ${o.chargePermissionId ? html`<div><span class="k">chargePermissionId</span> <code class="cp">${o.chargePermissionId}</code></div>` : ''}
    ${o.chargeId ? html`<div><span class="k">chargeId</span> <code class="charge">${o.chargeId}</code></div>` : ''}
    ${o.refunds.map((r) => html`<div><span class="k">refundId</span> <code class="refund" data-state="${r.state}">${r.refundId}</code> ${yen(r.amount)} · ${r.state}</div>`)}
    ${(o.shipments ?? []).map((s) => html`<div><span class="k">${t.adminShipments}</span> <code class="tracking" data-carrier="${s.carrierCode}">${s.trackingNumber}</code> ${s.carrierCode}</div>`)}
  </td>
  <td class="actions">${adminActions(v, o)}</td>
</tr>`,
  );
  const body = html`<form method="post" action="/admin/logout" class="right">${csrfField(v)}<button type="submit" class="link">${t.adminLogout}</button></form>
${
  orders.length === 0
    ? html`<p>${t.adminNoOrders}</p>`
    : html`<table class="orders">
<thead><tr><th>${t.adminOrder}</th><th>${t.status}</th><th class="num">${t.adminAmount}</th><th>${t.adminIds}</th><th>${t.adminActions}</th></tr></thead>
<tbody>${rows}</tbody></table>`
}`;
  return layout(v, t.adminTitle, body, { bodyClass: 'admin' });
}
