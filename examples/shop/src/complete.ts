// 注文完了 (checkoutResultReturnUrl): Complete Checkout Session once, the order's result, and the page for a
// checkout that cannot be paid any more (declined, canceled, expired).
import { ConflictError, DeclineError, NotFoundError, StateError, type CheckoutSession } from '@reji/sdk';
import { statusFromCharge, type Order } from './orders.js';
import { parseYen } from './pricing.js';
import {
  apiFailure,
  cartCookie,
  flash,
  go,
  HttpProblem,
  ownOrder,
  page,
  reviewUrl,
  sessionIdOf,
  view,
  type Request,
  type Route,
} from './request.js';
import { completePage, failurePage } from './views.js';

/** Keeps why the checkout failed with the order: declined, canceled (AmountMismatch leaves the status as it is). */
export async function markFailed(r: Request, order: Order, reason: string): Promise<Order> {
  const status = reason === 'Declined' ? 'declined' : reason === 'AmountMismatch' ? order.status : 'canceled';
  return r.ctx.orders.put({ ...order, status, failureReason: reason });
}

/** The page for a session that cannot be paid any more. */
export async function showCanceled(r: Request, session: CheckoutSession, order: Order | undefined): Promise<void> {
  const reason = session.statusDetails.reasonCode ?? 'Canceled';
  const saved = order ? await markFailed(r, order, reason) : null;
  r.ctx.log({
    level: 'info',
    msg: 'checkout canceled',
    checkoutSessionId: session.checkoutSessionId,
    reasonCode: reason,
  });
  page(r, 200, failurePage(view(r), reason, saved));
}

async function chargeStateOf(
  r: Request,
  chargeId: string | null,
  fallback: string,
): Promise<{ state: string; captured: number }> {
  if (!chargeId) return { state: fallback, captured: 0 };
  try {
    const { body } = await r.ctx.client.charges.get(chargeId);
    return { state: body.statusDetails.state, captured: parseYen(body.captureAmount?.amount) ?? 0 };
  } catch {
    return { state: fallback, captured: 0 };
  }
}

export async function recordCompleted(
  r: Request,
  order: Order,
  session: Pick<CheckoutSession, 'chargePermissionId' | 'chargeId'>,
  pending: boolean,
): Promise<Order> {
  const charge = await chargeStateOf(r, session.chargeId, pending ? 'AuthorizationInitiated' : 'Authorized');
  const completed: Order = {
    ...order,
    chargePermissionId: session.chargePermissionId,
    chargeId: session.chargeId,
    chargeState: charge.state,
    capturedAmount: charge.captured,
    completedAt: new Date().toISOString(),
    failureReason: null,
  };
  const saved = await r.ctx.orders.put({ ...completed, status: statusFromCharge(completed) });
  // The order is placed: the cart starts empty again.
  r.cookies.push(cartCookie(r, {}));
  r.cart = {};
  r.ctx.log({
    level: 'info',
    msg: 'order completed',
    orderId: order.orderId,
    chargePermissionId: saved.chargePermissionId,
    chargeId: saved.chargeId,
  });
  return saved;
}

async function showComplete(r: Request): Promise<void> {
  const id = sessionIdOf(r, r.url.searchParams.get('amazonCheckoutSessionId'));
  await r.ctx.orders.exclusive(id, async () => {
    const order = ownOrder(r, id);
    if (!order) throw new HttpProblem(404, r.t.orderNotFound);
    // A reload shows the order; it never completes it twice.
    if (order.completedAt) return page(r, 200, completePage(view(r), order));
    if (order.status !== 'pending' && order.failureReason)
      return page(r, 200, failurePage(view(r), order.failureReason, order));
    if (order.placedAmount === null) return go(r, reviewUrl(id));
    try {
      const { status, body } = await r.ctx.client.checkoutSessions.complete(id, {
        chargeAmount: { amount: String(order.placedAmount), currencyCode: 'JPY' },
      });
      const saved = await recordCompleted(r, order, body, status === 202);
      return page(r, 200, completePage(view(r), saved));
    } catch (error) {
      if (error instanceof StateError || error instanceof DeclineError) {
        const session = await r.ctx.client.checkoutSessions.get(id).then(
          (x) => x.body,
          () => null,
        );
        if (session?.statusDetails.state === 'Canceled') return showCanceled(r, session, order);
        if (session?.statusDetails.state === 'Completed') {
          const saved = await recordCompleted(r, order, session, false);
          return page(r, 200, completePage(view(r), saved));
        }
        if (session?.statusDetails.state === 'Open') {
          // Back here before paying on Amazon's page: review and place the order again.
          flash(r, 'error', r.t.notPaidYet);
          return go(r, reviewUrl(id));
        }
        if (error instanceof DeclineError) {
          const saved = await markFailed(r, order, 'Declined');
          return page(r, 200, failurePage(view(r), 'Declined', saved));
        }
      }
      if (error instanceof ConflictError) {
        const saved = await markFailed(r, order, error.reasonCode ?? 'AmountMismatch');
        return page(r, 200, failurePage(view(r), saved.failureReason!, saved));
      }
      if (error instanceof NotFoundError) throw new HttpProblem(404, r.t.sessionMissing);
      return apiFailure(r, error, 'Complete Checkout Session');
    }
  });
}

export const COMPLETE_ROUTES: readonly Route[] = [{ method: 'GET', path: '/complete', handle: showComplete }];
