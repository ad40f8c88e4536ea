// 注文管理 / Admin: sign-in, the orders with their ids and states, and Capture, Cancel, Refund and refresh
// (Get Charge, Get Refund) on an order.
import { createHash } from 'node:crypto';
import { AmazonPayApiError } from '@reji/sdk';
import { refundedAmount, SHIPPING_CARRIERS, statusFromCharge, type Order } from './orders.js';
import { parseYen, yen } from './pricing.js';
import { flash, form, go, HttpProblem, page, secure, view, type Request, type Route } from './request.js';
import { adminLoginPage, adminPage } from './views.js';
import { safeEqual, serializeCookie, sha256, signValue, unsignValue } from './web.js';

const ADMIN_COOKIE = 'shop_admin';
const ADMIN_SESSION_SECONDS = 8 * 3600;

/** A stable idempotency key (≤ 32 characters) for one business action, so a retry or double click does it once. */
function idempotencyKey(purpose: string, id: string): string {
  return createHash('sha256').update(`${purpose}\n${id}`).digest('base64url').slice(0, 32);
}

function isAdmin(r: Request): boolean {
  const expiry = unsignValue(r.ctx.secret, `admin\n${r.sid}`, r.parsedCookies.get(ADMIN_COOKIE));
  return expiry !== null && /^\d+$/.test(expiry) && Number(expiry) > Date.now();
}

async function adminLogin(r: Request): Promise<void> {
  const body = await form(r);
  if (!safeEqual(sha256(body.get('password') ?? ''), sha256(r.ctx.config.adminPassword))) {
    r.ctx.log({ level: 'warn', msg: 'admin sign-in failed' });
    return page(r, 401, adminLoginPage(view(r), true));
  }
  const expiry = String(Date.now() + ADMIN_SESSION_SECONDS * 1000);
  r.cookies.push(
    serializeCookie(ADMIN_COOKIE, signValue(r.ctx.secret, `admin\n${r.sid}`, expiry), {
      maxAgeSeconds: ADMIN_SESSION_SECONDS,
      secure: secure(r.ctx),
    }),
  );
  go(r, '/admin');
}

async function adminLogout(r: Request): Promise<void> {
  await form(r);
  r.cookies.push(serializeCookie(ADMIN_COOKIE, '', { maxAgeSeconds: 0, secure: secure(r.ctx) }));
  go(r, '/admin');
}

async function refresh(r: Request, order: Order): Promise<Order> {
  let next = order;
  if (order.chargeId) {
    const { body: charge } = await r.ctx.client.charges.get(order.chargeId);
    next = {
      ...next,
      chargeState: charge.statusDetails.state,
      capturedAmount: parseYen(charge.captureAmount?.amount) ?? next.capturedAmount,
    };
  }
  const refunds = [];
  for (const refund of next.refunds) {
    if (refund.state === 'RefundInitiated') {
      const { body } = await r.ctx.client.refunds.get(refund.refundId);
      refunds.push({ ...refund, state: body.statusDetails.state });
    } else {
      refunds.push(refund);
    }
  }
  next = { ...next, refunds };
  return { ...next, status: statusFromCharge(next) };
}

async function adminAction(r: Request): Promise<void> {
  const body = await form(r);
  if (!isAdmin(r)) return go(r, '/admin');
  const orderId = body.get('orderId') ?? '';
  const found = r.ctx.orders.list().find((o) => o.orderId === orderId);
  if (!found) throw new HttpProblem(404, r.t.orderNotFound);
  const action = body.get('action');
  await r.ctx.orders.exclusive(found.checkoutSessionId, async () => {
    const order = r.ctx.orders.get(found.checkoutSessionId)!;
    const chargeId = order.chargeId;
    try {
      if (action === 'capture' && chargeId && order.status === 'authorized') {
        const { body: charge } = await r.ctx.client.charges.capture(
          chargeId,
          {
            captureAmount: { amount: String(order.placedAmount ?? order.total), currencyCode: 'JPY' },
            softDescriptor: 'REJI CHAHO',
          },
          { idempotencyKey: idempotencyKey('capture', chargeId) },
        );
        const next = {
          ...order,
          chargeState: charge.statusDetails.state,
          capturedAmount: parseYen(charge.captureAmount?.amount) ?? 0,
        };
        await r.ctx.orders.put({ ...next, status: statusFromCharge(next) });
        flash(r, 'ok', r.t.adminCaptured(order.orderId));
      } else if (action === 'cancel' && chargeId && order.status === 'authorized') {
        const { body: charge } = await r.ctx.client.charges.cancel(chargeId, {
          cancellationReason: 'Canceled by the shop',
        });
        const next = { ...order, chargeState: charge.statusDetails.state };
        await r.ctx.orders.put({ ...next, status: statusFromCharge(next) });
        flash(r, 'ok', r.t.adminCanceled(order.orderId));
      } else if (action === 'refund' && chargeId && (order.status === 'captured' || order.status === 'refunded')) {
        const refundable = order.capturedAmount - refundedAmount(order);
        const amount = parseQuantityYen(body.get('amount'));
        if (amount === null || amount < 1 || amount > refundable) {
          flash(r, 'error', r.t.adminRefundInvalid(yen(Math.max(refundable, 0))));
          return go(r, '/admin');
        }
        const nonce = body.get('nonce') ?? '';
        const { body: refund } = await r.ctx.client.refunds.create(
          { chargeId, refundAmount: { amount: String(amount), currencyCode: 'JPY' }, softDescriptor: 'REJI CHAHO' },
          nonce ? { idempotencyKey: idempotencyKey('refund', nonce) } : {},
        );
        const refunds = order.refunds.some((x) => x.refundId === refund.refundId)
          ? order.refunds
          : [
              ...order.refunds,
              {
                refundId: refund.refundId,
                amount,
                state: refund.statusDetails.state,
                createdAt: new Date().toISOString(),
              },
            ];
        const next = { ...order, refunds };
        await r.ctx.orders.put({ ...next, status: statusFromCharge(next) });
        flash(r, 'ok', r.t.adminRefunded(order.orderId, yen(amount)));
      } else if (
        action === 'ship' &&
        order.chargePermissionId &&
        ['authorized', 'captured', 'refunded'].includes(order.status)
      ) {
        const trackingNumber = (body.get('trackingNumber') ?? '').trim();
        const carrierCode = body.get('carrierCode') ?? '';
        if (!/^[A-Za-z0-9-]{1,40}$/.test(trackingNumber) || !SHIPPING_CARRIERS.some((c) => c.code === carrierCode)) {
          flash(r, 'error', r.t.adminTrackingInvalid);
          return go(r, '/admin');
        }
        // Amazon Pay uses the tracking number to tell the buyer about the delivery; a retry replays, not refuses.
        await r.ctx.client.deliveryTrackers.create(
          { chargePermissionId: order.chargePermissionId, deliveryDetails: [{ trackingNumber, carrierCode }] },
          { idempotencyKey: idempotencyKey('ship', `${order.orderId}\n${trackingNumber}`) },
        );
        const shipments = (order.shipments ?? []).some((x) => x.trackingNumber === trackingNumber)
          ? (order.shipments ?? [])
          : [...(order.shipments ?? []), { trackingNumber, carrierCode, shippedAt: new Date().toISOString() }];
        await r.ctx.orders.put({ ...order, shipments });
        flash(r, 'ok', r.t.adminShipped(order.orderId, trackingNumber));
      } else if (action === 'refresh' && chargeId) {
        await r.ctx.orders.put(await refresh(r, order));
        flash(r, 'ok', r.t.adminRefreshed(order.orderId));
      } else {
        flash(r, 'error', r.t.adminNotAllowed);
      }
    } catch (error) {
      if (!(error instanceof AmazonPayApiError)) throw error;
      r.ctx.log({
        level: 'warn',
        msg: `admin ${action} failed`,
        orderId: order.orderId,
        status: error.status,
        reasonCode: error.reasonCode,
      });
      flash(r, 'error', r.t.adminApiError(error.reasonCode ?? String(error.status), error.message));
      // The charge may have moved on (e.g. expired): show what Amazon Pay has now.
      await refresh(r, order).then(
        (x) => r.ctx.orders.put(x),
        () => undefined,
      );
    }
    go(r, '/admin');
  });
}

function parseQuantityYen(text: string | null): number | null {
  return text !== null && /^\s*\d{1,9}\s*$/.test(text) ? Number(text.trim()) : null;
}

function showAdmin(r: Request): void {
  if (isAdmin(r)) page(r, 200, adminPage(view(r), r.ctx.orders.list()));
  else page(r, 200, adminLoginPage(view(r), false));
}

export const ADMIN_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/admin', handle: showAdmin },
  { method: 'POST', path: '/admin/login', handle: adminLogin },
  { method: 'POST', path: '/admin/logout', handle: adminLogout },
  { method: 'POST', path: '/admin/orders', handle: adminAction },
];
