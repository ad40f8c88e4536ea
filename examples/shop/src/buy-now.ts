// 今すぐ購入 / Buy now: a product page with Amazon Pay's Buy Now button. The buyer checks out on the hosted
// sheet; the button's handlers (assets/shop.js) ask this server for the cart (/buynow/cart) and, when the buyer
// places the order, for Finalize Checkout Session (/buynow/complete), whose success alone makes the order.
import { AmazonPayApiError, type CheckoutSession } from '@reji/sdk';
import { productById } from './catalog.js';
import { recordCompleted } from './complete.js';
import { checkoutLanguageOf } from './i18n.js';
import { newOrder, type Order } from './orders.js';
import { FREE_SHIPPING_FROM, MAX_QUANTITY, SHIPPING_FEE, parseQuantity } from './pricing.js';
import { completeUrl, form, HttpProblem, page, sessionIdOf, view, type Request, type Route } from './request.js';
import { withBuyer } from './review.js';
import { productPage, type BuyNowButtonOptions } from './views.js';

const EXPRESS_SURCHARGE = 700;
const JPY = (amount: number) => ({ amount: String(amount), currencyCode: 'JPY' as const });

/** The cart Amazon shows on the sheet for `quantity` of one product (prices include tax; shipping per option). */
export function buyNowCart(r: Request, productId: string, quantity: number, deliveryOptionId: string | null) {
  const product = productById(productId)!;
  const base = product.price * quantity;
  const standard = base >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE;
  const options = [
    { id: 'standard', fee: standard, name: r.t.deliveryStandard, days: 3 },
    { id: 'express', fee: standard + EXPRESS_SURCHARGE, name: r.t.deliveryExpress, days: 1 },
  ];
  const chosen = options.find((o) => o.id === deliveryOptionId) ?? options[0]!;
  return {
    lineItems: [
      {
        id: product.id,
        title: product.name[r.lang],
        quantity: String(quantity),
        listPrice: JPY(product.price),
        totalListPrice: JPY(base),
      },
    ],
    deliveryOptions: options.map((o) => ({
      id: o.id,
      price: JPY(o.fee),
      shippingMethod: { shippingMethodName: o.name, shippingMethodCode: o.id },
      shippingEstimate: [{ timeUnit: 'DAY' as const, value: o.days }],
      isDefault: o.id === chosen.id,
    })),
    totalBaseAmount: JPY(base),
    totalShippingAmount: JPY(chosen.fee),
    totalTaxAmount: JPY(0),
    totalChargeAmount: JPY(base + chosen.fee),
  };
}

function buttonOptions(r: Request): BuyNowButtonOptions {
  const { client, config } = r.ctx;
  // No return URLs: the buyer stays on the sheet; the handlers do the rest.
  const signed = client.buttonConfig({
    webCheckoutDetails: {},
    storeId: config.storeId,
    scopes: ['name', 'email', 'phoneNumber', 'shippingAddress'],
    deliverySpecifications: {
      specialRestrictions: ['RestrictPOBoxes'],
      addressRestrictions: { type: 'Allowed', restrictions: { JP: {} } },
    },
  });
  return {
    merchantId: config.merchantId,
    ledgerCurrency: 'JPY',
    checkoutLanguage: checkoutLanguageOf(r.lang),
    productType: 'PayAndShip',
    placement: 'Product',
    buttonColor: 'Gold',
    sandbox: config.sandbox,
    createCheckoutSessionConfig: signed,
  };
}

function showProduct(r: Request): void {
  const product = productById(r.url.searchParams.get('id') ?? '');
  if (!product) throw new HttpProblem(404, r.t.notFound);
  page(r, 200, productPage(view(r), product, buttonOptions(r), r.ctx.config.checkoutJsUrl));
}

function json(r: Request, status: number, value: unknown): void {
  r.res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(value));
}

function itemOf(r: Request, body: URLSearchParams): { productId: string; quantity: number } {
  const productId = body.get('productId') ?? '';
  const quantity = parseQuantity(body.get('quantity') ?? '1');
  if (!productById(productId) || quantity === null || quantity < 1 || quantity > MAX_QUANTITY)
    throw new HttpProblem(400, r.t.quantityInvalid);
  return { productId, quantity };
}

/** onInitCheckout / onShippingAddressSelection / onDeliveryOptionSelection: the cart for the address Amazon shared. */
async function cart(r: Request): Promise<void> {
  const body = await form(r);
  const { productId, quantity } = itemOf(r, body);
  const country = body.get('countryCode');
  // The shop ships in Japan only (the payload's deliverySpecifications say so to Amazon too).
  if (country !== null && country !== '' && country !== 'JP')
    return json(r, 200, { status: 'error', reasonCode: 'unknownError' });
  json(r, 200, buyNowCart(r, productId, quantity, body.get('deliveryOptionId')));
}

/** onCompleteCheckout: the order from what the buyer saw, then Finalize; only its success makes the order. */
async function complete(r: Request): Promise<void> {
  const body = await form(r);
  const id = sessionIdOf(r, body.get('amazonCheckoutSessionId'));
  const { productId, quantity } = itemOf(r, body);
  const { client, orders } = r.ctx;
  await orders.exclusive(id, async () => {
    const session: CheckoutSession = (await client.checkoutSessions.get(id)).body;
    const chosen = session.cartDetails?.deliveryOptions?.find((o) => o.isDefault)?.id ?? null;
    const expected = buyNowCart(r, productId, quantity, chosen);
    const charge = session.paymentDetails?.chargeAmount;
    if (!charge || charge.amount !== expected.totalChargeAmount.amount || !session.shippingAddress) {
      return json(r, 409, { ok: false, message: r.t.buyNowFailed });
    }
    const now = new Date();
    const product = productById(productId)!;
    const subtotal = product.price * quantity;
    const total = Number(expected.totalChargeAmount.amount);
    const order: Order = withBuyer(
      newOrder(now, {
        checkoutSessionId: id,
        owner: r.owner,
        lang: r.lang,
        lines: [{ productId, unitPrice: product.price, quantity, amount: subtotal }],
        subtotal,
        discount: 0,
        shipping: total - subtotal,
        total,
        placedAmount: total,
        placedAt: now.toISOString(),
      }),
      session,
    );
    await orders.put(order);
    try {
      const finalized = await client.checkoutSessions.finalize(id, {
        paymentIntent: 'Authorize',
        canHandlePendingAuthorization: false,
        chargeAmount: JPY(total),
        shippingAddress: session.shippingAddress,
      });
      await recordCompleted(r, order, finalized.body, finalized.status === 202);
      json(r, 200, { ok: true, redirect: completeUrl(id) });
    } catch (error) {
      if (!(error instanceof AmazonPayApiError)) throw error;
      await orders.put({ ...order, status: 'canceled', failureReason: error.reasonCode ?? 'Finalize' });
      r.ctx.log({ level: 'warn', msg: 'finalize failed', checkoutSessionId: id, reasonCode: error.reasonCode });
      json(r, 409, { ok: false, message: r.t.buyNowFailed });
    }
  });
}

export const BUY_NOW_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/product', handle: showProduct },
  { method: 'POST', path: '/buynow/cart', handle: cart },
  { method: 'POST', path: '/buynow/complete', handle: complete },
];
