// Products and カート / Cart: add to cart, quantities, and the Amazon Pay button with its signed payload.
import { productById } from './catalog.js';
import { checkoutLanguageOf } from './i18n.js';
import { MAX_QUANTITY, parseQuantity, totalsOf } from './pricing.js';
import { cartCookie, flash, form, go, page, view, type Request, type Route } from './request.js';
import { cartPage, productsPage, type ButtonOptions } from './views.js';

function buttonOptions(r: Request): ButtonOptions {
  const { client, config, baseUrl } = r.ctx;
  const signed = client.buttonConfig({
    webCheckoutDetails: { checkoutReviewReturnUrl: `${baseUrl}/review`, checkoutCancelUrl: `${baseUrl}/cart` },
    storeId: config.storeId,
    scopes: ['name', 'email', 'phoneNumber', 'shippingAddress'],
    // Japan only, and no PO boxes: the hosted page greys out other addresses.
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
    placement: 'Cart',
    buttonColor: 'Gold',
    sandbox: config.sandbox,
    createCheckoutSessionConfig: signed,
  };
}

function showProducts(r: Request): void {
  page(r, 200, productsPage(view(r)));
}

async function addToCart(r: Request): Promise<void> {
  const body = await form(r);
  const productId = body.get('productId') ?? '';
  const quantity = parseQuantity(body.get('quantity') ?? '1');
  if (!productById(productId) || quantity === null || quantity < 1) {
    flash(r, 'error', r.t.quantityInvalid);
    return go(r, '/');
  }
  const next = { ...r.cart, [productId]: Math.min((r.cart[productId] ?? 0) + quantity, MAX_QUANTITY) };
  r.cookies.push(cartCookie(r, next));
  flash(r, 'ok', r.t.cartAdded);
  go(r, '/cart');
}

async function updateCart(r: Request): Promise<void> {
  const body = await form(r);
  const next: Record<string, number> = { ...r.cart };
  const removed = body.get('remove');
  if (removed !== null) {
    delete next[removed];
  } else {
    for (const productId of Object.keys(r.cart)) {
      const field = body.get(`qty_${productId}`);
      if (field === null) continue;
      const quantity = parseQuantity(field);
      if (quantity === null) {
        flash(r, 'error', r.t.quantityInvalid);
        return go(r, '/cart');
      }
      if (quantity === 0) delete next[productId];
      else next[productId] = quantity;
    }
  }
  r.cookies.push(cartCookie(r, next));
  flash(r, 'ok', r.t.cartUpdated);
  go(r, '/cart');
}

function showCart(r: Request): void {
  const totals = totalsOf(r.cart);
  page(
    r,
    200,
    cartPage(
      view(r),
      totals,
      totals.lines.length ? { options: buttonOptions(r), checkoutJs: r.ctx.config.checkoutJsUrl } : null,
    ),
  );
}

export const CART_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/', handle: showProducts },
  { method: 'GET', path: '/cart', handle: showCart },
  { method: 'POST', path: '/cart/add', handle: addToCart },
  { method: 'POST', path: '/cart/update', handle: updateCart },
];
