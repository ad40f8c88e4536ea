import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AmazonPayApiError,
  AmazonPayClient,
  ConflictError,
  DeclineError,
  NotFoundError,
  StateError,
  type AmazonPayClientOptions,
  type Address,
  type CheckoutSession,
} from '@reji/sdk';
import { productById } from './catalog.js';
import type { SafeHtml } from './html.js';
import { checkoutLanguageOf, isLang, MESSAGES, type Lang, type Messages } from './i18n.js';
import { newOrderId, OrderStore, refundedAmount, statusFromCharge, type Order, type OrderAddress } from './orders.js';
import {
  checkCoupon,
  MAX_QUANTITY,
  normalizeCart,
  parseQuantity,
  parseYen,
  totalsOf,
  totalsOfLines,
  yen,
  type CartItems,
} from './pricing.js';
import {
  adminLoginPage,
  adminPage,
  cartPage,
  completePage,
  failurePage,
  messagePage,
  productsPage,
  reviewPage,
  type ButtonOptions,
  type Flash,
  type ViewContext,
} from './views.js';
import {
  BodyTooLargeError,
  hmac,
  parseCookies,
  randomToken,
  readForm,
  redirect,
  safeEqual,
  sendHtml,
  serializeCookie,
  sha256,
  signValue,
  unsignValue,
} from './web.js';

/** Everything the shop needs, decided once at start-up. */
export interface ShopConfig {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The shop's URL as buyers' browsers reach it; default `http://<host>:<port>`. */
  readonly publicUrl?: string;
  /** Orders and the cookie secret live here (e.g. `.reji/shop`). */
  readonly dataDir: string;
  readonly merchantId: string;
  readonly storeId: string;
  readonly publicKeyId: string;
  /** PEM of the merchant's private key. */
  readonly privateKey: string | Buffer;
  /** Where the API is: reji's URL (`https://127.0.0.1:8443`); leave out for Amazon's hosts. */
  readonly apiBaseUrl?: string;
  /** Extra CA to trust for the API (reji's `.reji/tls/cert.pem`). */
  readonly ca?: string | Buffer;
  /** `<script src>` of checkout.js: `{reji}/checkout.js`, or Amazon's. */
  readonly checkoutJsUrl: string;
  /** Sandbox merchant (shows `sandbox: true` on the button). */
  readonly sandbox: boolean;
  /** Password of `/admin`. */
  readonly adminPassword: string;
  /** Extra options for the SDK client (tests shorten retries). */
  readonly clientOptions?: Partial<AmazonPayClientOptions>;
  /** One JSON object per line; default: stderr. Never gets keys, cookies or buyer data. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface RunningShop {
  readonly url: string;
  readonly orders: OrderStore;
  readonly client: AmazonPayClient;
  readonly server: Server;
  close(): Promise<void>;
}

const SID_COOKIE = 'shop_sid';
const CART_COOKIE = 'shop_cart';
const LANG_COOKIE = 'shop_lang';
const ADMIN_COOKIE = 'shop_admin';
const YEAR = 365 * 24 * 3600;
const ADMIN_SESSION_SECONDS = 8 * 3600;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** Amazon's checkout session ids are UUIDs; accept a little more, never anything that needs escaping in a URL. */
const CHECKOUT_SESSION_ID = /^[A-Za-z0-9-]{8,100}$/;
const STORE_NAME = 'reji 茶舗';

/** The per-request state every handler works with. */
interface Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly sid: string;
  /** SHA-256 of the session id: what orders and flashes are keyed by. */
  readonly owner: string;
  readonly lang: Lang;
  readonly t: Messages;
  /** The cart as this response leaves it. */
  cart: Record<string, number>;
  readonly cookies: string[];
  readonly parsedCookies: Map<string, string>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** A stable idempotency key (≤ 32 characters) for one business action, so a retry or double click does it once. */
function idempotencyKey(purpose: string, id: string): string {
  return createHash('sha256').update(`${purpose}\n${id}`).digest('base64url').slice(0, 32);
}

function loadSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}

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

/** Starts the demo shop's HTTP server. */
export async function startShop(config: ShopConfig): Promise<RunningShop> {
  mkdirSync(config.dataDir, { recursive: true });
  const secret = loadSecret(config.dataDir);
  const orders = new OrderStore(config.dataDir);
  const log =
    config.log ??
    ((entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));
  const client = new AmazonPayClient({
    publicKeyId: config.publicKeyId,
    privateKey: config.privateKey,
    region: 'jp',
    ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
    ...(config.ca ? { ca: config.ca } : {}),
    userAgent: 'reji-demo-shop/0.1',
    ...config.clientOptions,
  });
  const checkoutJsOrigin = new URL(config.checkoutJsUrl).origin;
  // checkout.js posts its form to reji and fetches from it; 注文確定 redirects there after a form POST.
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${checkoutJsOrigin}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${checkoutJsOrigin}`,
    `form-action 'self' ${checkoutJsOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  const flashes = new Map<string, Flash>();
  let baseUrl = '';
  const secure = () => baseUrl.startsWith('https:');

  // ---- request context ----

  function contextOf(req: IncomingMessage, res: ServerResponse): Request {
    const url = new URL(req.url ?? '/', baseUrl);
    const parsedCookies = parseCookies(req.headers.cookie);
    const cookies: string[] = [];
    let sid = parsedCookies.get(SID_COOKIE) ?? '';
    if (!SESSION_ID.test(sid)) {
      sid = randomToken(32);
      cookies.push(serializeCookie(SID_COOKIE, sid, { maxAgeSeconds: YEAR, secure: secure() }));
    }
    const asked = url.searchParams.get('lang');
    let lang: Lang = 'ja';
    if (isLang(asked)) {
      lang = asked;
      cookies.push(serializeCookie(LANG_COOKIE, asked, { maxAgeSeconds: YEAR, secure: secure() }));
    } else {
      const remembered = parsedCookies.get(LANG_COOKIE);
      if (isLang(remembered)) lang = remembered;
    }
    return {
      req,
      res,
      url,
      sid,
      owner: sha256(sid),
      lang,
      t: MESSAGES[lang],
      cart: readCart(parsedCookies.get(CART_COOKIE)),
      cookies,
      parsedCookies,
    };
  }

  function readCart(signed: string | undefined): Record<string, number> {
    const value = unsignValue(secret, 'cart', signed);
    if (value === null) return {};
    try {
      const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? normalizeCart(parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  function cartCookie(items: CartItems): string {
    const value = Buffer.from(JSON.stringify(normalizeCart(items))).toString('base64url');
    return serializeCookie(CART_COOKIE, signValue(secret, 'cart', value), {
      maxAgeSeconds: 30 * 24 * 3600,
      secure: secure(),
    });
  }

  function csrfOf(r: Request): string {
    return hmac(secret, 'csrf', r.sid);
  }

  function view(r: Request): ViewContext {
    const flash = flashes.get(r.owner) ?? null;
    flashes.delete(r.owner);
    const other = new URL(r.url.pathname + r.url.search, baseUrl);
    other.searchParams.set('lang', r.lang === 'ja' ? 'en' : 'ja');
    return {
      lang: r.lang,
      t: r.t,
      csrf: csrfOf(r),
      cartCount: Object.values(r.cart).reduce((a, b) => a + b, 0),
      switchHref: `${other.pathname}${other.search}`,
      flash,
    };
  }

  function flash(r: Request, kind: Flash['kind'], text: string): void {
    flashes.set(r.owner, { kind, text });
    // A forgotten flash must not pile up: the map only keeps the newest few thousand.
    if (flashes.size > 5000) flashes.delete(flashes.keys().next().value!);
  }

  function page(r: Request, status: number, body: SafeHtml): void {
    sendHtml(r.res, status, body, { csp, cookies: r.cookies });
  }

  function go(r: Request, location: string): void {
    redirect(r.res, location, r.cookies);
  }

  function problem(r: Request, status: number, text: string, link?: { href: string; text: string } | null): void {
    page(
      r,
      status,
      messagePage(view(r), r.t.errorTitle, text, link === undefined ? { href: '/cart', text: r.t.backToCart } : link),
    );
  }

  /** Every form carries the session's token; a cross-site Origin is refused as well. */
  async function form(r: Request): Promise<URLSearchParams> {
    const origin = r.req.headers.origin;
    if (origin !== undefined && origin !== new URL(baseUrl).origin) throw new HttpProblem(403, r.t.csrfFailed);
    const body = await readForm(r.req);
    const token = body.get('_csrf') ?? '';
    if (!r.parsedCookies.has(SID_COOKIE) || !safeEqual(token, csrfOf(r))) throw new HttpProblem(403, r.t.csrfFailed);
    return body;
  }

  function sessionIdOf(r: Request, value: string | null): string {
    if (value === null || !CHECKOUT_SESSION_ID.test(value)) throw new HttpProblem(400, r.t.sessionMissing);
    return value;
  }

  /** The order of this checkout session, if this browser started it. */
  function ownOrder(r: Request, checkoutSessionId: string): Order | undefined {
    const order = orders.get(checkoutSessionId);
    if (order && order.owner !== r.owner) throw new HttpProblem(403, r.t.notYourOrder);
    return order;
  }

  function apiFailure(r: Request, error: unknown, where: string): void {
    const e =
      error instanceof AmazonPayApiError
        ? { status: error.status, reasonCode: error.reasonCode, requestId: error.requestId }
        : { error: String(error) };
    log({ level: 'error', msg: `Amazon Pay call failed: ${where}`, ...e });
    problem(r, 502, r.t.paymentServiceDown, null);
  }

  // ---- cart ----

  function buttonOptions(r: Request): ButtonOptions {
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

  async function addToCart(r: Request): Promise<void> {
    const body = await form(r);
    const productId = body.get('productId') ?? '';
    const quantity = parseQuantity(body.get('quantity') ?? '1');
    if (!productById(productId) || quantity === null || quantity < 1) {
      flash(r, 'error', r.t.quantityInvalid);
      return go(r, '/');
    }
    const next = { ...r.cart, [productId]: Math.min((r.cart[productId] ?? 0) + quantity, MAX_QUANTITY) };
    r.cookies.push(cartCookie(next));
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
    r.cookies.push(cartCookie(next));
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
        totals.lines.length ? { options: buttonOptions(r), checkoutJs: config.checkoutJsUrl } : null,
      ),
    );
  }

  // ---- review (checkoutReviewReturnUrl) ----

  /** The buyer's choices as Get Checkout Session reports them, copied onto the order. */
  function withBuyer(order: Order, session: CheckoutSession): Order {
    return {
      ...order,
      buyerName: session.buyer?.name ?? order.buyerName,
      buyerEmail: session.buyer?.email ?? order.buyerEmail,
      shippingAddress: addressOf(session.shippingAddress) ?? order.shippingAddress,
      paymentDescriptor: session.paymentPreferences?.[0]?.paymentDescriptor ?? order.paymentDescriptor,
    };
  }

  async function markFailed(order: Order, reason: string): Promise<Order> {
    const status = reason === 'Declined' ? 'declined' : reason === 'AmountMismatch' ? order.status : 'canceled';
    return orders.put({ ...order, status, failureReason: reason });
  }

  /** The page for a session that cannot be paid any more. */
  async function showCanceled(r: Request, session: CheckoutSession, order: Order | undefined): Promise<void> {
    const reason = session.statusDetails.reasonCode ?? 'Canceled';
    const saved = order ? await markFailed(order, reason) : null;
    log({ level: 'info', msg: 'checkout canceled', checkoutSessionId: session.checkoutSessionId, reasonCode: reason });
    page(r, 200, failurePage(view(r), reason, saved));
  }

  function completeUrl(checkoutSessionId: string): string {
    return `/complete?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
  }

  function reviewUrl(checkoutSessionId: string): string {
    return `/review?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
  }

  async function showReview(r: Request): Promise<void> {
    const id = sessionIdOf(r, r.url.searchParams.get('amazonCheckoutSessionId'));
    await orders.exclusive(id, async () => {
      const existing = ownOrder(r, id);
      if (existing?.completedAt) return go(r, completeUrl(id));
      if (existing?.failureReason && existing.status !== 'pending')
        return page(r, 200, failurePage(view(r), existing.failureReason, existing));
      let session: CheckoutSession;
      try {
        session = (await client.checkoutSessions.get(id)).body;
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
        order = {
          orderId: newOrderId(now),
          checkoutSessionId: id,
          owner: r.owner,
          status: 'pending',
          lang: r.lang,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          lines: totals.lines,
          couponCode: null,
          subtotal: totals.subtotal,
          discount: totals.discount,
          shipping: totals.shipping,
          total: totals.total,
          placedAmount: null,
          placedAt: null,
          buyerName: null,
          buyerEmail: null,
          shippingAddress: null,
          paymentDescriptor: null,
          chargePermissionId: null,
          chargeId: null,
          chargeState: null,
          capturedAmount: 0,
          refunds: [],
          completedAt: null,
          failureReason: null,
        };
        log({ level: 'info', msg: 'order created', orderId: order.orderId, checkoutSessionId: id });
      }
      // After a change on Amazon's page the address or card differ: always show what Amazon has now.
      order = await orders.put(withBuyer(order, session));
      page(r, 200, reviewPage(view(r), order, config.checkoutJsUrl));
    });
  }

  async function changeCoupon(r: Request, remove: boolean): Promise<void> {
    const body = await form(r);
    const id = sessionIdOf(r, body.get('amazonCheckoutSessionId'));
    await orders.exclusive(id, async () => {
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
      await orders.put({
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
    await orders.exclusive(id, async () => {
      const order = ownOrder(r, id);
      if (!order) throw new HttpProblem(404, r.t.orderNotFound);
      if (order.completedAt) return go(r, completeUrl(id));
      if (order.status !== 'pending')
        return page(r, 200, failurePage(view(r), order.failureReason ?? order.status, order));
      let session: CheckoutSession;
      try {
        session = (
          await client.checkoutSessions.update(id, {
            webCheckoutDetails: { checkoutResultReturnUrl: `${baseUrl}/complete` },
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
          const current = await client.checkoutSessions.get(id).then(
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
        log({
          level: 'error',
          msg: 'Update Checkout Session left constraints',
          constraints: session.constraints?.map((c) => c.constraintId),
        });
        return problem(r, 502, r.t.paymentServiceDown);
      }
      await orders.put({ ...order, placedAmount: order.total, placedAt: new Date().toISOString() });
      log({ level: 'info', msg: 'order placed', orderId: order.orderId, amount: order.total });
      go(r, next);
    });
  }

  // ---- 注文完了 (checkoutResultReturnUrl): Complete Checkout Session ----

  async function chargeStateOf(
    chargeId: string | null,
    fallback: string,
  ): Promise<{ state: string; captured: number }> {
    if (!chargeId) return { state: fallback, captured: 0 };
    try {
      const { body } = await client.charges.get(chargeId);
      return { state: body.statusDetails.state, captured: parseYen(body.captureAmount?.amount) ?? 0 };
    } catch {
      return { state: fallback, captured: 0 };
    }
  }

  async function recordCompleted(
    r: Request,
    order: Order,
    session: Pick<CheckoutSession, 'chargePermissionId' | 'chargeId'>,
    pending: boolean,
  ): Promise<Order> {
    const charge = await chargeStateOf(session.chargeId, pending ? 'AuthorizationInitiated' : 'Authorized');
    const completed: Order = {
      ...order,
      chargePermissionId: session.chargePermissionId,
      chargeId: session.chargeId,
      chargeState: charge.state,
      capturedAmount: charge.captured,
      completedAt: new Date().toISOString(),
      failureReason: null,
    };
    const saved = await orders.put({ ...completed, status: statusFromCharge(completed) });
    // The order is placed: the cart starts empty again.
    r.cookies.push(cartCookie({}));
    r.cart = {};
    log({
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
    await orders.exclusive(id, async () => {
      const order = ownOrder(r, id);
      if (!order) throw new HttpProblem(404, r.t.orderNotFound);
      // A reload shows the order; it never completes it twice.
      if (order.completedAt) return page(r, 200, completePage(view(r), order));
      if (order.status !== 'pending' && order.failureReason)
        return page(r, 200, failurePage(view(r), order.failureReason, order));
      if (order.placedAmount === null) return go(r, reviewUrl(id));
      try {
        const { status, body } = await client.checkoutSessions.complete(id, {
          chargeAmount: { amount: String(order.placedAmount), currencyCode: 'JPY' },
        });
        const saved = await recordCompleted(r, order, body, status === 202);
        return page(r, 200, completePage(view(r), saved));
      } catch (error) {
        if (error instanceof StateError || error instanceof DeclineError) {
          const session = await client.checkoutSessions.get(id).then(
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
            const saved = await markFailed(order, 'Declined');
            return page(r, 200, failurePage(view(r), 'Declined', saved));
          }
        }
        if (error instanceof ConflictError) {
          const saved = await markFailed(order, error.reasonCode ?? 'AmountMismatch');
          return page(r, 200, failurePage(view(r), saved.failureReason!, saved));
        }
        if (error instanceof NotFoundError) throw new HttpProblem(404, r.t.sessionMissing);
        return apiFailure(r, error, 'Complete Checkout Session');
      }
    });
  }

  // ---- admin ----

  function isAdmin(r: Request): boolean {
    const expiry = unsignValue(secret, `admin\n${r.sid}`, r.parsedCookies.get(ADMIN_COOKIE));
    return expiry !== null && /^\d+$/.test(expiry) && Number(expiry) > Date.now();
  }

  async function adminLogin(r: Request): Promise<void> {
    const body = await form(r);
    if (!safeEqual(sha256(body.get('password') ?? ''), sha256(config.adminPassword))) {
      log({ level: 'warn', msg: 'admin sign-in failed' });
      return page(r, 401, adminLoginPage(view(r), true));
    }
    const expiry = String(Date.now() + ADMIN_SESSION_SECONDS * 1000);
    r.cookies.push(
      serializeCookie(ADMIN_COOKIE, signValue(secret, `admin\n${r.sid}`, expiry), {
        maxAgeSeconds: ADMIN_SESSION_SECONDS,
        secure: secure(),
      }),
    );
    go(r, '/admin');
  }

  async function adminLogout(r: Request): Promise<void> {
    await form(r);
    r.cookies.push(serializeCookie(ADMIN_COOKIE, '', { maxAgeSeconds: 0, secure: secure() }));
    go(r, '/admin');
  }

  async function refresh(order: Order): Promise<Order> {
    let next = order;
    if (order.chargeId) {
      const { body: charge } = await client.charges.get(order.chargeId);
      next = {
        ...next,
        chargeState: charge.statusDetails.state,
        capturedAmount: parseYen(charge.captureAmount?.amount) ?? next.capturedAmount,
      };
    }
    const refunds = [];
    for (const refund of next.refunds) {
      if (refund.state === 'RefundInitiated') {
        const { body } = await client.refunds.get(refund.refundId);
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
    const found = orders.list().find((o) => o.orderId === orderId);
    if (!found) throw new HttpProblem(404, r.t.orderNotFound);
    const action = body.get('action');
    await orders.exclusive(found.checkoutSessionId, async () => {
      const order = orders.get(found.checkoutSessionId)!;
      const chargeId = order.chargeId;
      try {
        if (action === 'capture' && chargeId && order.status === 'authorized') {
          const { body: charge } = await client.charges.capture(
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
          await orders.put({ ...next, status: statusFromCharge(next) });
          flash(r, 'ok', r.t.adminCaptured(order.orderId));
        } else if (action === 'cancel' && chargeId && order.status === 'authorized') {
          const { body: charge } = await client.charges.cancel(chargeId, {
            cancellationReason: 'Canceled by the shop',
          });
          const next = { ...order, chargeState: charge.statusDetails.state };
          await orders.put({ ...next, status: statusFromCharge(next) });
          flash(r, 'ok', r.t.adminCanceled(order.orderId));
        } else if (action === 'refund' && chargeId && (order.status === 'captured' || order.status === 'refunded')) {
          const refundable = order.capturedAmount - refundedAmount(order);
          const amount = parseQuantityYen(body.get('amount'));
          if (amount === null || amount < 1 || amount > refundable) {
            flash(r, 'error', r.t.adminRefundInvalid(yen(Math.max(refundable, 0))));
            return go(r, '/admin');
          }
          const nonce = body.get('nonce') ?? '';
          const { body: refund } = await client.refunds.create(
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
          await orders.put({ ...next, status: statusFromCharge(next) });
          flash(r, 'ok', r.t.adminRefunded(order.orderId, yen(amount)));
        } else if (action === 'refresh' && chargeId) {
          await orders.put(await refresh(order));
          flash(r, 'ok', r.t.adminRefreshed(order.orderId));
        } else {
          flash(r, 'error', r.t.adminNotAllowed);
        }
      } catch (error) {
        if (!(error instanceof AmazonPayApiError)) throw error;
        log({
          level: 'warn',
          msg: `admin ${action} failed`,
          orderId: order.orderId,
          status: error.status,
          reasonCode: error.reasonCode,
        });
        flash(r, 'error', r.t.adminApiError(error.reasonCode ?? String(error.status), error.message));
        // The charge may have moved on (e.g. expired): show what Amazon Pay has now.
        await refresh(order).then(
          (x) => orders.put(x),
          () => undefined,
        );
      }
      go(r, '/admin');
    });
  }

  function parseQuantityYen(text: string | null): number | null {
    return text !== null && /^\s*\d{1,9}\s*$/.test(text) ? Number(text.trim()) : null;
  }

  // ---- routing ----

  async function route(r: Request): Promise<void> {
    const method = r.req.method ?? 'GET';
    const path = r.url.pathname;
    if (method === 'GET' || method === 'HEAD') {
      switch (path) {
        case '/':
          return page(r, 200, productsPage(view(r)));
        case '/cart':
          return showCart(r);
        case '/review':
          return showReview(r);
        case '/complete':
          return showComplete(r);
        case '/admin':
          return isAdmin(r)
            ? page(r, 200, adminPage(view(r), orders.list()))
            : page(r, 200, adminLoginPage(view(r), false));
        case '/healthz':
          r.res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
          return;
        case '/assets/shop.js':
        case '/assets/shop.css':
          return asset(r, path.slice('/assets/'.length));
      }
    } else if (method === 'POST') {
      switch (path) {
        case '/cart/add':
          return addToCart(r);
        case '/cart/update':
          return updateCart(r);
        case '/review/coupon':
          return changeCoupon(r, false);
        case '/review/coupon/remove':
          return changeCoupon(r, true);
        case '/review/place':
          return placeOrder(r);
        case '/admin/login':
          return adminLogin(r);
        case '/admin/logout':
          return adminLogout(r);
        case '/admin/orders':
          return adminAction(r);
      }
    }
    throw new HttpProblem(404, r.t.notFound);
  }

  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const [name, type] of [
    ['shop.js', 'text/javascript; charset=utf-8'],
    ['shop.css', 'text/css; charset=utf-8'],
  ] as const) {
    assets.set(name, { type, body: readFileSync(new URL(`../assets/${name}`, import.meta.url)) });
  }

  function asset(r: Request, name: string): void {
    const a = assets.get(name)!;
    r.res
      .writeHead(200, { 'content-type': a.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .end(a.body);
  }

  const server = createServer((req, res) => {
    let r: Request | undefined;
    const started = Date.now();
    void (async () => {
      try {
        r = contextOf(req, res);
        await route(r);
      } catch (error) {
        if (!r) {
          res.writeHead(400).end();
        } else if (res.headersSent) {
          res.destroy();
        } else if (error instanceof HttpProblem) {
          problem(r, error.status, error.text);
        } else if (error instanceof BodyTooLargeError) {
          problem(r, 413, r.t.badRequest);
        } else {
          log({ level: 'error', msg: 'unhandled error', error: error instanceof Error ? error.stack : String(error) });
          problem(r, 500, r.t.paymentServiceDown, null);
        }
      } finally {
        if (process.env['REJI_SHOP_LOG'] === 'debug')
          log({
            level: 'debug',
            method: req.method,
            path: r?.url.pathname,
            status: res.statusCode,
            ms: Date.now() - started,
          });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = (config.host ?? '127.0.0.1').includes(':') ? `[${config.host}]` : (config.host ?? '127.0.0.1');
  baseUrl = (config.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`).replace(
    /\/+$/,
    '',
  );
  return {
    url: baseUrl,
    orders,
    client,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        client.close();
      }),
  };
}
