import type { IncomingMessage, ServerResponse } from 'node:http';
import { BROWSER_SESSION_LIFETIME, newBrowserSession, type BrowserSession } from '../../app/buyer-sessions.js';
import { signedInBuyer } from '../../app/buyer-wallet.js';
import type { AppContext } from '../../app/context.js';
import { isCheckoutLanguage, type ApiRegion, type CheckoutLanguage } from '../../domain/regions.js';
import type { BuyerRecord } from '../../store/store.js';
import type { SafeHtml } from '../html.js';
import { languageFromHeader, type MessageKey } from './i18n.js';
import type { PageAssets } from './page-assets.js';
import type { HostedLimiters } from './rate-limit-pages.js';
import { hidden, layout } from './views.js';
import { redirect, sendPage, sessionCookie } from './web.js';

/** One request to a hosted page: what every handler reads, and the cookies its answer will set. */
export interface Page {
  readonly ctx: AppContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly secure: boolean;
  readonly origin: string;
  session: BrowserSession | undefined;
  readonly cookies: string[];
  form: URLSearchParams;
  readonly assets: PageAssets;
  readonly reqBody: () => Promise<Buffer>;
  readonly limiters: HostedLimiters;
}

export type Route = (p: Page) => Promise<void>;

/** Thrown by a handler; the page handler shows it as an error page in `lang`. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly key: MessageKey,
    readonly lang: CheckoutLanguage,
    readonly details?: string,
  ) {
    super(key);
  }
}

/** The language when no flow decides it: `?lang=`, else the browser's, else English. */
export function languageOf(p: Page): CheckoutLanguage {
  const q = p.url.searchParams.get('lang');
  if (isCheckoutLanguage(q)) return q;
  return languageFromHeader(p.req.headers['accept-language']) ?? 'en_US';
}

/** The browser's session, started (signed out) when it has none: every form needs its CSRF token. */
export async function ensureSession(p: Page): Promise<BrowserSession> {
  if (p.session) return p.session;
  adoptSession(p, await newBrowserSession(p.ctx, { buyerId: null }));
  return p.session!;
}

/** A session a use case started (sign-in, sign-out, claim): this browser gets its cookie. */
export function adoptSession(p: Page, started: { cookieValue: string; session: BrowserSession }): void {
  p.session = started.session;
  p.cookies.push(sessionCookie(started.cookieValue, p.secure, BROWSER_SESSION_LIFETIME / 1000));
}

/** The signed-in buyer, if any (and only one of `marketplace`, when given). */
export async function currentBuyer(p: Page, marketplace?: ApiRegion): Promise<BuyerRecord | undefined> {
  return signedInBuyer(p.ctx, p.session?.buyerId, marketplace);
}

export interface RenderOptions {
  readonly sandbox?: boolean;
  /** The merchant URLs the page's forms may lead to (the CSP's form-action). */
  readonly formTargets?: readonly string[];
  /** The signed-in buyer, shown in the header with a sign-out form that returns to `next`. */
  readonly buyer?: BuyerRecord | undefined;
  readonly next?: string;
}

export function renderPage(
  p: Page,
  status: number,
  lang: CheckoutLanguage,
  title: string,
  body: SafeHtml,
  o: RenderOptions = {},
): void {
  sendPage(
    p.res,
    status,
    layout({
      lang,
      title,
      body,
      sandbox: o.sandbox ?? false,
      assets: p.assets.urls,
      signedIn:
        o.buyer && p.session
          ? { name: o.buyer.name, csrf: p.session.csrfToken, next: o.next ?? '/checkout/wallet' }
          : undefined,
    }),
    { formTargets: o.formTargets ?? [], cookies: p.cookies },
  );
}

export function redirectTo(p: Page, location: string): void {
  redirect(p.res, location, p.cookies);
}

export function csrfField(p: Page): SafeHtml {
  return hidden('_csrf', p.session?.csrfToken ?? '');
}

/** Only reji's own pages may be a `next`: a path, never a scheme or `//host`. */
export function safeNext(raw: string | null | undefined, fallback: string): string {
  if (raw && /^\/checkout\/[a-z/-]*(\?[A-Za-z0-9%=&_.~-]*)?$/.test(raw)) return raw;
  return fallback;
}

/** The page to go on to (`next` of the query, else of the form); the wallet when none is safe. */
export function nextPage(p: Page): string {
  return safeNext(p.url.searchParams.get('next') ?? p.form.get('next'), '/checkout/wallet');
}

export function currentPath(p: Page): string {
  return p.url.pathname + p.url.search;
}

export function signInUrl(next: string): string {
  return `/checkout/signin?next=${encodeURIComponent(next)}`;
}

/** To the sign-in page, which comes back here afterwards. */
export function redirectToSignIn(p: Page): void {
  redirectTo(p, signInUrl(currentPath(p)));
}

/** A GET goes to the sign-in page first (and answers undefined); a form post is refused with `refusal`. */
export function signInFirst(p: Page, refusal: PageError): undefined {
  if (p.req.method !== 'GET') throw refusal;
  redirectToSignIn(p);
  return undefined;
}
