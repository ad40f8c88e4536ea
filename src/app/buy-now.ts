import { chooseDeliveryOption, type CartDetails } from '../domain/buy-now.js';
import { placeBuyNowOrder, setBuyNowCart, type CheckoutSession } from '../domain/checkout-session.js';
import { unwrap } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { lockOwned } from './loading.js';
import { inTransaction, save } from './transactions.js';

/**
 * Buy Now on the hosted sheet: the cart the merchant's checkout.js handlers return, and the buyer's "place order".
 * The sheet (src/http/hosted/buy-now-pages.ts, acting for the merchant whose button started it) and the sandbox
 * testing endpoints call these same functions.
 */

/** A handler answered: its cart (with the buyer's delivery option, if one was picked) is what the sheet shows. */
export async function applyBuyNowCart(
  ctx: AppContext,
  caller: Caller,
  checkoutSessionId: string,
  cart: CartDetails,
  deliveryOptionId: string | undefined,
): Promise<CheckoutSession> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  return inTransaction(ctx, async (tx) => {
    const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', checkoutSessionId, now);
    const chosen = deliveryOptionId === undefined ? cart : unwrap(chooseDeliveryOption(cart, deliveryOptionId));
    return save(ctx, tx, 'checkoutSession', cs, unwrap(setBuyNowCart(cs, chosen, now)), now);
  });
}

/** The buyer pressed "place order": the merchant's onCompleteCheckout runs next and calls Finalize. */
export async function placeBuyNowOrderFor(
  ctx: AppContext,
  caller: Caller,
  checkoutSessionId: string,
): Promise<CheckoutSession> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  return inTransaction(ctx, async (tx) => {
    const cs = await lockOwned(ctx, tx, caller, 'checkoutSession', checkoutSessionId, now);
    return save(ctx, tx, 'checkoutSession', cs, unwrap(placeBuyNowOrder(cs, now)), now);
  });
}
