import { csrfMatches, loadBrowserSession } from '../../app/buyer-sessions.js';
import type { AppContext } from '../../app/context.js';
import { isStorableText } from '../../domain/text.js';
import type { PageHandler } from '../server.js';
import { clientAddress } from '../client-address.js';
import {
  checkoutJs,
  claim,
  corsHeaders,
  startFromButton,
  verifyPayload,
  verifyPayloadPreflight,
} from './button-pages.js';
import { buyNowCancelPost, buyNowCartPost, buyNowPage, buyNowPlacePost } from './buy-now-pages.js';
import { accountClaimPage, accountClaimPost } from './account-claim-pages.js';
import { authenticatePage, authenticatePost } from './authenticate-pages.js';
import { cancelPost, giveUpPost } from './cancel-pages.js';
import { consentPage, consentPost } from './consent-pages.js';
import { t } from './i18n.js';
import { buildAssets, hostedCss, hostedJs } from './page-assets.js';
import { languageOf, PageError, renderPage, type Page, type Route } from './page-context.js';
import { hostedLimiters, tooManyRequests, tooManyRequestsJson } from './rate-limit-pages.js';
import type { AnonymousLimits } from './rate-limits.js';
import { declinedPage, processingPage, processingPost } from './payment-pages.js';
import { changePage, selectPage, selectPost } from './select-pages.js';
import { registerPage, registerPost, signInPage, signInPost, signOutPost } from './sign-in-pages.js';
import { stepUpPage, stepUpPost } from './step-up-pages.js';
import { errorBody } from './views.js';
import { addressPage, addressPost, cardPage, cardPost, deletePost, walletPage } from './wallet-pages.js';
import { cookieName, isSameOriginPost, isSecure, ownOrigin, parseForm, readCookie } from './web.js';

/**
 * reji's buyer-facing side: checkout.js, the button's start and verification endpoints, and the hosted
 * pages (sign-in, register, choose, change, processing, decline, cancel, consent, wallet).
 * URLs and rules: docs/hosted-pages.md.
 */

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /checkout.js': checkoutJs,
  'GET /checkout/assets/hosted.css': hostedCss,
  'GET /checkout/assets/hosted.js': hostedJs,
  'OPTIONS /checkout/verify-payload': verifyPayloadPreflight,
  'POST /checkout/verify-payload': verifyPayload,
  'POST /checkout/start': startFromButton,
  'GET /checkout/claim': claim,
  'GET /checkout/signin': signInPage,
  'POST /checkout/signin': signInPost,
  'GET /checkout/register': registerPage,
  'POST /checkout/register': registerPost,
  'POST /checkout/signout': signOutPost,
  'GET /checkout/change': changePage,
  'GET /checkout/select': selectPage,
  'POST /checkout/select': selectPost,
  'GET /checkout/processing': processingPage,
  'POST /checkout/processing': processingPost,
  'GET /checkout/declined': declinedPage,
  'GET /checkout/authenticate': authenticatePage,
  'POST /checkout/authenticate': authenticatePost,
  'GET /checkout/step-up': stepUpPage,
  'POST /checkout/step-up': stepUpPost,
  'POST /checkout/give-up': giveUpPost,
  'POST /checkout/cancel': cancelPost,
  'GET /checkout/consent': consentPage,
  'POST /checkout/consent': consentPost,
  'GET /checkout/buynow': buyNowPage,
  'POST /checkout/buynow/cart': buyNowCartPost,
  'POST /checkout/buynow/place': buyNowPlacePost,
  'POST /checkout/buynow/cancel': buyNowCancelPost,
  'GET /checkout/wallet': walletPage,
  'GET /checkout/wallet/address': addressPage,
  'POST /checkout/wallet/address': addressPost,
  'GET /checkout/wallet/card': cardPage,
  'POST /checkout/wallet/card': cardPost,
  'POST /checkout/wallet/delete': deletePost,
  'GET /checkout/account-claim': accountClaimPage,
  'POST /checkout/account-claim': accountClaimPost,
};

/** The button's endpoints take cross-site POSTs: their authority is the payload signature, not a form of ours. */
const CROSS_SITE_POSTS: ReadonlySet<string> = new Set(['/checkout/start', '/checkout/verify-payload']);

/** Static files, counted by no limit (a browser fetches them with every page). */
const UNLIMITED: ReadonlySet<string> = new Set([
  'GET /checkout.js',
  'GET /checkout/assets/hosted.css',
  'GET /checkout/assets/hosted.js',
  'OPTIONS /checkout/verify-payload',
]);

export interface HostedPagesOptions {
  /** Limits for anonymous traffic (src/http/hosted/rate-limits.ts); the defaults when absent. */
  readonly limits?: AnonymousLimits;
}

function formIsStorable(form: URLSearchParams): boolean {
  for (const [k, v] of form) if (!isStorableText(k) || !isStorableText(v)) return false;
  return true;
}

export function hostedPages(ctx: AppContext, options: HostedPagesOptions = {}): PageHandler {
  const assets = buildAssets();
  const limiters = hostedLimiters(ctx, options.limits);
  return {
    async handle(req, res, { body }) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path !== '/checkout.js' && path !== '/checkout' && !path.startsWith('/checkout/')) return false;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const route = ROUTES[`${method} ${path}`];
      const ourForm = method === 'POST' && !CROSS_SITE_POSTS.has(path);
      const secure = isSecure(req, ctx.publicUrl);
      const origin = ownOrigin(req, secure);
      const p: Page = {
        ctx,
        req,
        res,
        secure,
        origin,
        assets,
        reqBody: body,
        limiters,
        url: new URL(req.url ?? '/', origin),
        session: undefined,
        cookies: [],
        form: new URLSearchParams(),
      };
      try {
        if (!route) throw new PageError(404, 'notFound', languageOf(p));
        const key = `${method} ${path}`;
        // The button's endpoints are anonymous by nature: limited per client before anything is read.
        if (CROSS_SITE_POSTS.has(path)) {
          const verdict = limiters.button.take(clientAddress(req));
          if (!verdict.allowed) {
            if (path === '/checkout/verify-payload') tooManyRequestsJson(p, verdict.retryAfterSeconds, corsHeaders());
            else tooManyRequests(p, verdict.retryAfterSeconds);
            return true;
          }
        }
        if (ourForm) p.form = parseForm(await body());
        // Text no database keeps (NUL, lone surrogates) is refused here, once, for every page.
        if (!formIsStorable(p.url.searchParams) || !formIsStorable(p.form))
          throw new PageError(400, 'badInput', languageOf(p));
        p.session = await loadBrowserSession(ctx, readCookie(req, cookieName(secure)));
        // Pages and forms of browsers not signed in: limited per client before they create anything.
        if (!UNLIMITED.has(key) && !CROSS_SITE_POSTS.has(path) && !p.session?.buyerId) {
          const verdict = limiters.pages.take(clientAddress(req));
          if (!verdict.allowed) {
            tooManyRequests(p, verdict.retryAfterSeconds);
            return true;
          }
        }
        p.allowOpener = Object.values(p.session?.flows ?? {}).some((flow) => flow.buyNow === true);
        // Every form of ours carries the session's CSRF token and comes from our own origin.
        if (
          ourForm &&
          (!isSameOriginPost(req, origin, ctx.publicUrl) || !csrfMatches(p.session, p.form.get('_csrf')))
        ) {
          throw new PageError(403, 'formExpired', languageOf(p));
        }
        await route(p);
      } catch (error) {
        if (res.headersSent || !(error instanceof PageError)) throw error;
        renderPage(
          p,
          error.status,
          error.lang,
          t(error.lang, 'errorTitle'),
          errorBody(error.lang, t(error.lang, error.key), error.details),
        );
      }
      return true;
    },
  };
}
