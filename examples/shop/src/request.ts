// One request as every page handler sees it (session, language, cart, cookies to set) and the helpers
// the page groups share: rendering, redirects, flashes, forms with CSRF, the error pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AmazonPayApiError } from '@reji/sdk';
import type { ShopContext } from './context.js';
import type { SafeHtml } from './html.js';
import { isLang, type Lang, type Messages } from './i18n.js';
import type { Order } from './orders.js';
import { normalizeCart, type CartItems } from './pricing.js';
import { messagePage, type Flash, type ViewContext } from './views.js';
import {
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

export const SID_COOKIE = 'shop_sid';
const CART_COOKIE = 'shop_cart';
const LANG_COOKIE = 'shop_lang';
const YEAR = 365 * 24 * 3600;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** Amazon's checkout session ids are UUIDs; accept a little more, never anything that needs escaping in a URL. */
const CHECKOUT_SESSION_ID = /^[A-Za-z0-9-]{8,100}$/;

/** The per-request state every handler works with. */
export interface Request {
  readonly ctx: ShopContext;
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

/** A page handler: answers one method and path. */
export type Handler = (r: Request) => void | Promise<void>;

/** One entry of the shop's route table; a GET route answers HEAD too. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handle: Handler;
}

/** Thrown by a handler to answer with the error page. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** Whether the shop's cookies get `Secure`. */
export function secure(ctx: ShopContext): boolean {
  return ctx.baseUrl.startsWith('https:');
}

export function requestOf(ctx: ShopContext, req: IncomingMessage, res: ServerResponse): Request {
  const url = new URL(req.url ?? '/', ctx.baseUrl);
  const parsedCookies = parseCookies(req.headers.cookie);
  const cookies: string[] = [];
  let sid = parsedCookies.get(SID_COOKIE) ?? '';
  if (!SESSION_ID.test(sid)) {
    sid = randomToken(32);
    cookies.push(serializeCookie(SID_COOKIE, sid, { maxAgeSeconds: YEAR, secure: secure(ctx) }));
  }
  const asked = url.searchParams.get('lang');
  let lang: Lang = 'ja';
  if (isLang(asked)) {
    lang = asked;
    cookies.push(serializeCookie(LANG_COOKIE, asked, { maxAgeSeconds: YEAR, secure: secure(ctx) }));
  } else {
    const remembered = parsedCookies.get(LANG_COOKIE);
    if (isLang(remembered)) lang = remembered;
  }
  return {
    ctx,
    req,
    res,
    url,
    sid,
    owner: sha256(sid),
    lang,
    t: ctx.messages[lang],
    cart: readCart(ctx, parsedCookies.get(CART_COOKIE)),
    cookies,
    parsedCookies,
  };
}

function readCart(ctx: ShopContext, signed: string | undefined): Record<string, number> {
  const value = unsignValue(ctx.secret, 'cart', signed);
  if (value === null) return {};
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? normalizeCart(parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The signed cart cookie for `items`. */
export function cartCookie(r: Request, items: CartItems): string {
  const value = Buffer.from(JSON.stringify(normalizeCart(items))).toString('base64url');
  return serializeCookie(CART_COOKIE, signValue(r.ctx.secret, 'cart', value), {
    maxAgeSeconds: 30 * 24 * 3600,
    secure: secure(r.ctx),
  });
}

function csrfOf(r: Request): string {
  return hmac(r.ctx.secret, 'csrf', r.sid);
}

export function view(r: Request): ViewContext {
  const { flashes, baseUrl } = r.ctx;
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

export function flash(r: Request, kind: Flash['kind'], text: string): void {
  const { flashes } = r.ctx;
  flashes.set(r.owner, { kind, text });
  // A forgotten flash must not pile up: the map only keeps the newest few thousand.
  if (flashes.size > 5000) flashes.delete(flashes.keys().next().value!);
}

export function page(r: Request, status: number, body: SafeHtml): void {
  sendHtml(r.res, status, body, { csp: r.ctx.csp, cookies: r.cookies });
}

export function go(r: Request, location: string): void {
  redirect(r.res, location, r.cookies);
}

export function problem(r: Request, status: number, text: string, link?: { href: string; text: string } | null): void {
  page(
    r,
    status,
    messagePage(view(r), r.t.errorTitle, text, link === undefined ? { href: '/cart', text: r.t.backToCart } : link),
  );
}

/** Every form carries the session's token; a cross-site Origin is refused as well. */
export async function form(r: Request): Promise<URLSearchParams> {
  const origin = r.req.headers.origin;
  if (origin !== undefined && origin !== new URL(r.ctx.baseUrl).origin) throw new HttpProblem(403, r.t.csrfFailed);
  const body = await readForm(r.req);
  const token = body.get('_csrf') ?? '';
  if (!r.parsedCookies.has(SID_COOKIE) || !safeEqual(token, csrfOf(r))) throw new HttpProblem(403, r.t.csrfFailed);
  return body;
}

export function sessionIdOf(r: Request, value: string | null): string {
  if (value === null || !CHECKOUT_SESSION_ID.test(value)) throw new HttpProblem(400, r.t.sessionMissing);
  return value;
}

/** The order of this checkout session, if this browser started it. */
export function ownOrder(r: Request, checkoutSessionId: string): Order | undefined {
  const order = r.ctx.orders.get(checkoutSessionId);
  if (order && order.owner !== r.owner) throw new HttpProblem(403, r.t.notYourOrder);
  return order;
}

export function apiFailure(r: Request, error: unknown, where: string): void {
  const e =
    error instanceof AmazonPayApiError
      ? { status: error.status, reasonCode: error.reasonCode, requestId: error.requestId }
      : { error: String(error) };
  r.ctx.log({ level: 'error', msg: `Amazon Pay call failed: ${where}`, ...e });
  problem(r, 502, r.t.paymentServiceDown, null);
}

export function completeUrl(checkoutSessionId: string): string {
  return `/complete?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
}

export function reviewUrl(checkoutSessionId: string): string {
  return `/review?amazonCheckoutSessionId=${encodeURIComponent(checkoutSessionId)}`;
}
