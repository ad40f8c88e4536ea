import { csrfMatches, loadBrowserSession } from '../../app/buyer-sessions.js';
import type { AppContext } from '../../app/context.js';



import type { PageHandler } from '../server.js';
import { checkoutJs, claim, startFromButton, verifyPayload, verifyPayloadPreflight } from './button-pages.js';
import { registerPage, registerPost, signInPage, signInPost, signOutPost } from './sign-in-pages.js';
import { changePage, selectPage, selectPost } from './select-pages.js';
import { declinedPage, processingPage, processingPost } from './payment-pages.js';
import { cancelPost, giveUpPost } from './cancel-pages.js';
import { consentPage, consentPost } from './consent-pages.js';
import { addressPage, addressPost, cardPage, cardPost, deletePost, walletPage } from './wallet-pages.js';
import { buildAssets, hostedCss, hostedJs } from './page-assets.js';
import {
  PageError,
  languageOf,
  type Page,
  type Route,
} from './page-context.js';
import { t } from './i18n.js';
import { errorBody, layout } from './views.js';
import {
  cookieName,
  isSameOriginPost,
  isSecure,
  ownOrigin,
  parseForm,
  readCookie,
  sendPage,
} from './web.js';

/**
 * reji's buyer-facing side: checkout.js, the button's start and verification endpoints, and the hosted
 * pages (sign-in, register, choose, change, processing, decline, cancel, consent, wallet).
 * URLs and rules: docs/hosted-pages.md.
 */


export function hostedPages(ctx: AppContext): PageHandler {
  const assets = buildAssets();
  const routes: Record<string, Route> = {
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
    'POST /checkout/give-up': giveUpPost,
    'POST /checkout/cancel': cancelPost,
    'GET /checkout/consent': consentPage,
    'POST /checkout/consent': consentPost,
    'GET /checkout/wallet': walletPage,
    'GET /checkout/wallet/address': addressPage,
    'POST /checkout/wallet/address': addressPost,
    'GET /checkout/wallet/card': cardPage,
    'POST /checkout/wallet/card': cardPost,
    'POST /checkout/wallet/delete': deletePost,
  };
  return {
    async handle(req, res, { body }) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path !== '/checkout.js' && path !== '/checkout' && !path.startsWith('/checkout/')) return false;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const route = routes[`${method} ${path}`];
      const secure = isSecure(req, ctx.publicUrl);
      const origin = ownOrigin(req, secure);
      const p: Page = {
        ctx, req, res, secure, origin, assets, reqBody: body,
        url: new URL(req.url ?? '/', origin),
        session: undefined,
        cookies: [],
        form: new URLSearchParams(),
      };
      try {
        if (!route) throw new PageError(404, 'notFound', languageOf(p));
        if (method === 'POST' && path !== '/checkout/start' && path !== '/checkout/verify-payload') {
          p.form = parseForm(await body());
        }
        p.session = await loadBrowserSession(ctx, readCookie(req, cookieName(secure)));
        if (method === 'POST' && path !== '/checkout/start' && path !== '/checkout/verify-payload') {
          // Every form of ours carries the session's CSRF token and comes from our own origin.
          if (!isSameOriginPost(req, origin, ctx.publicUrl) || !csrfMatches(p.session, p.form.get('_csrf'))) {
            throw new PageError(403, 'formExpired', languageOf(p));
          }
        }
        await route(p);
      } catch (error) {
        if (res.headersSent) throw error;
        if (error instanceof PageError) {
          sendPage(res, error.status, layout({
            lang: error.lang, title: t(error.lang, 'errorTitle'), sandbox: false, assets: assets.urls,
            body: errorBody(error.lang, t(error.lang, error.key), error.details),
          }), { cookies: p.cookies });
          return true;
        }
        throw error;
      }
      return true;
    },
  };


}
