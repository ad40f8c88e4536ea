// 注文確認 / Review (checkoutReviewReturnUrl): Get Checkout Session, the order created from the cart, coupons,
// and 注文確定: Update Checkout Session, then Amazon Pay's processing page.
import { NotFoundError, StateError, type Address, type CheckoutSession } from '@reji/sdk';
import { showCanceled } from './complete.js';
import { newOrder, type Order, type OrderAddress } from './orders.js';
import { checkCoupon, totalsOf, totalsOfLines, yen } from './pricing.js';
import {
  apiFailure,
  completeUrl,
  flash,
  form,
  go,
  HttpProblem,
  ownOrder,
  page,
  problem,
  reviewUrl,
  sessionIdOf,
  view,
  type Request,
  type Route,
} from './request.js';
import { failurePage, reviewPage } from './views.js';

const STORE_NAME = 'reji 茶舗';

function addressOf(a: Address | null): OrderAddress | null {
  if (!a) return null;
  return {
    name: a.name,
    postalCode: a.postalCode,
    stateOrRegion: a.stateOrRegion,
    city: a.city,
    addressLine1: a.addressLine1,
    addressLine2: a.addressLine2,
    addressLine3: a.addressLine3,
    countryCode: a.countryCode,
    phoneNumber: a.phoneNumber,
  };
}

/** The buyer's choices as Get Checkout Session reports them, copied onto the order. */
export function withBuyer(order: Order, session: CheckoutSession): Order {
  return {
    ...order,
    buyerName: session.buyer?.name ?? order.buyerName,
    buyerEmail: session.buyer?.email ?? order.buyerEmail,
    shippingAddress: addressOf(session.shippingAddress) ?? order.shippingAddress,
    paymentDescriptor: session.paymentPreferences?.[0]?.paymentDescriptor ?? order.paymentDescriptor,
  };
}

async function showReview(r: Request): Promise<void> {
  const id = sessionIdOf(r, r.url.searchParams.get('amazonCheckoutSessionId'));
  await r.ctx.orders.exclusive(id, async () => {
    const existing = ownOrder(r, id);
    if (existing?.completedAt) return go(r, completeUrl(id));
    if (existing?.failureReason && existing.status !== 'pending')
      return page(r, 200, failurePage(view(r), existing.failureReason, existing));
    let session: CheckoutSession;
    try {
      session = (await r.ctx.client.checkoutSessions.get(id)).body;
    } catch (error) {
      if (error instanceof NotFoundError) throw new HttpProblem(404, r.t.sessionMissing);
      return apiFailure(r, error, 'Get Checkout Session');
    }
    const state = session.statusDetails.state;
    if (state === 'Completed') return go(r, completeUrl(id));
    if (state === 'Canceled') return showCanceled(r, session, existing);
    if (!session.buyer || session.constraints?.some((c) => c.constraintId === 'BuyerNotAssociated'))
      throw new HttpProblem(409, r.t.sessionMissing);
    let order = existing;
    if (!order) {
      const totals = totalsOf(r.cart);
      if (totals.lines.length === 0) throw new HttpProblem(409, r.t.emptyCartAtReview);
      const now = new Date();
      order = newOrder(now, {
        checkoutSessionId: id,
        owner: r.owner,
        lang: r.lang,
        lines: totals.lines,
        subtotal: totals.subtotal,
        discount: totals.discount,
        shipping: totals.shipping,
        total: totals.total,
      });
      r.ctx.log({ level: 'info', msg: 'order created', orderId: order.orderId, checkoutSessionId: id });
    }
    // After a change on Amazon's page the address or card differ: always show what Amazon has now.
    order = await r.ctx.orders.put(withBuyer(order, session));
    page(r, 200, reviewPage(view(r), order, r.ctx.config.checkoutJsUrl));
  });
}

async function changeCoupon(r: Request, remove: boolean): Promise<void> {
  const body = await form(r);
  const id = sessionIdOf(r, body.get('amazonCheckoutSessionId'));
  await r.ctx.orders.exclusive(id, async () => {
    const order = ownOrder(r, id);
    if (!order) throw new HttpProblem(404, r.t.orderNotFound);
    if (order.completedAt || order.status !== 'pending') {
      flash(r, 'error', r.t.orderLocked);
      return go(r, completeUrl(id));
    }
    let couponCode: string | null = null;
    if (!remove) {
      const verdict = checkCoupon(body.get('couponCode') ?? '', order.subtotal);
      if (!verdict.ok) {
        flash(
          r,
          'error',
          verdict.error === 'couponMinimum'
            ? r.t.couponMinimum(yen(verdict.minimum ?? 0))
            : verdict.error === 'couponEmpty'
              ? r.t.couponEmpty
              : r.t.couponUnknown,
        );
        return go(r, reviewUrl(id));
      }
      couponCode = verdict.coupon.code;
    }
    const totals = totalsOfLines(order.lines, couponCode);
    await r.ctx.orders.put({
      ...order,
      couponCode,
      discount: totals.discount,
      shipping: totals.shipping,
      total: totals.total,
    });
    flash(r, 'ok', couponCode ? r.t.couponApplied(couponCode) : r.t.couponRemoved);
    go(r, reviewUrl(id));
  });
}

// ---- 注文確定: Update Checkout Session, then Amazon's processing page ----

async function placeOrder(r: Request): Promise<void> {
  const body = await form(r);
  const id = sessionIdOf(r, body.get('amazonCheckoutSessionId'));
  await r.ctx.orders.exclusive(id, async () => {
    const order = ownOrder(r, id);
    if (!order) throw new HttpProblem(404, r.t.orderNotFound);
    if (order.completedAt) return go(r, completeUrl(id));
    if (order.status !== 'pending')
      return page(r, 200, failurePage(view(r), order.failureReason ?? order.status, order));
    let session: CheckoutSession;
    try {
      session = (
        await r.ctx.client.checkoutSessions.update(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: `${r.ctx.baseUrl}/complete` },
          paymentDetails: {
            paymentIntent: 'Authorize',
            canHandlePendingAuthorization: false,
            chargeAmount: { amount: String(order.total), currencyCode: 'JPY' },
          },
          merchantMetadata: { merchantReferenceId: order.orderId, merchantStoreName: STORE_NAME },
        })
      ).body;
    } catch (error) {
      if (error instanceof StateError) {
        // The session moved on: cancelled (declined, expired…) or already through processing.
        const current = await r.ctx.client.checkoutSessions.get(id).then(
          (x) => x.body,
          () => null,
        );
        if (current?.statusDetails.state === 'Canceled') return showCanceled(r, current, order);
        return go(r, completeUrl(id));
      }
      if (error instanceof NotFoundError) throw new HttpProblem(404, r.t.sessionMissing);
      return apiFailure(r, error, 'Update Checkout Session');
    }
    const next = session.webCheckoutDetails?.amazonPayRedirectUrl;
    if (!next || (session.constraints?.length ?? 0) > 0) {
      r.ctx.log({
        level: 'error',
        msg: 'Update Checkout Session left constraints',
        constraints: session.constraints?.map((c) => c.constraintId),
      });
      return problem(r, 502, r.t.paymentServiceDown);
    }
    await r.ctx.orders.put({ ...order, placedAmount: order.total, placedAt: new Date().toISOString() });
    r.ctx.log({ level: 'info', msg: 'order placed', orderId: order.orderId, amount: order.total });
    go(r, next);
  });
}

export const REVIEW_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/review', handle: showReview },
  { method: 'POST', path: '/review/coupon', handle: (r) => changeCoupon(r, false) },
  { method: 'POST', path: '/review/coupon/remove', handle: (r) => changeCoupon(r, true) },
  { method: 'POST', path: '/review/place', handle: placeOrder },
];
