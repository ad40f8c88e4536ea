import { csrfMatches, loadBrowserSession } from '../../app/buyer-sessions.js';
import { addAddress, addCard, deleteWalletItem } from '../../app/buyer-wallet.js';
import type { AppContext } from '../../app/context.js';
import { ADDRESS_COUNTRIES, JP_PREFECTURES, type AddressEntry } from '../../domain/address-entry.js';
import { isCheckoutLanguage, type ApiRegion, type CheckoutLanguage } from '../../domain/regions.js';
import type { Address } from '../../domain/shared-types.js';
import type { WalletCard } from '../../domain/wallet.js';
import type { BuyerRecord } from '../../store/store.js';
import { html } from '../html.js';
import type { PageHandler } from '../server.js';
import { checkoutJs, claim, startFromButton, verifyPayload, verifyPayloadPreflight } from './button-pages.js';
import { registerPage, registerPost, signInPage, signInPost, signOutPost } from './sign-in-pages.js';
import { changePage, selectPage, selectPost } from './select-pages.js';
import { declinedPage, processingPage, processingPost } from './payment-pages.js';
import { cancelPost, giveUpPost } from './cancel-pages.js';
import { consentPage, consentPost } from './consent-pages.js';
import { flowOfNext } from './flow-of-next.js';
import { buildAssets, hostedCss, hostedJs } from './page-assets.js';
import {
  PageError,
  csrfField,
  currentBuyer,
  languageOf,
  redirectTo,
  redirectToSignIn,
  renderPage,
  safeNext,
  type Page,
  type Route,
} from './page-context.js';
import { t, type MessageKey } from './i18n.js';
import { addressBlock, alert, cardLabel, errorBody, field, hidden, layout, regionName, selectField } from './views.js';
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

  // ---------- wallet ----------

  async function requireBuyer(p: Page): Promise<{ buyer: BuyerRecord; next: string; lang: CheckoutLanguage; sandbox: boolean } | undefined> {
    const next = safeNext(p.url.searchParams.get('next') ?? p.form.get('next'), '/checkout/wallet');
    const buyer = await currentBuyer(p);
    if (!buyer) {
      if (p.req.method === 'GET') redirectToSignIn(p);
      else throw new PageError(403, 'formExpired', languageOf(p));
      return undefined;
    }
    const flow = next === '/checkout/wallet' ? undefined : await flowOfNext(p, next);
    const profileLang = buyer.profile['language'];
    const lang = flow?.lang ?? (isCheckoutLanguage(profileLang) ? profileLang : languageOf(p));
    return { buyer, next, lang, sandbox: flow?.sandbox ?? true };
  }

  function walletUrl(next: string): string {
    return next === '/checkout/wallet' ? next : `/checkout/wallet?next=${encodeURIComponent(next)}`;
  }

  async function walletPage(p: Page) {
    const w = await requireBuyer(p);
    if (!w) return;
    const { buyer, next, lang, sandbox } = w;
    const addresses = await ctx.store.reader.buyerItems<Address>('address', buyer.buyerId);
    const cards = await ctx.store.reader.buyerItems<WalletCard>('paymentMethod', buyer.buyerId);
    const self = walletUrl(next);
    const del = (kind: string, id: string) => html`<form method="post" action="/checkout/wallet/delete">${csrfField(p)}${hidden('kind', kind)}${hidden('id', id)}${hidden('next', next)}
      <button type="submit" class="secondary" aria-label="${t(lang, 'delete')} ${id}">${t(lang, 'delete')}</button></form>`;
    const body = html`
<h2>${t(lang, 'addresses')}</h2>
<ul class="plain">${addresses.map((a) => html`<li>${addressBlock(a.value, lang)}${del('address', a.id)}</li>`)}</ul>
${addresses.length === 0 ? html`<p>${t(lang, 'noAddresses')}</p>` : ''}
<p><a href="/checkout/wallet/address?next=${encodeURIComponent(next === '/checkout/wallet' ? self : next)}">${t(lang, 'addAddress')}</a></p>
<h2>${t(lang, 'cards')}</h2>
<ul class="plain">${cards.map((c) => html`<li>${cardLabel(c.value, lang, sandbox)}${del('paymentMethod', c.id)}</li>`)}</ul>
${cards.length === 0 ? html`<p>${t(lang, 'noPaymentMethods')}</p>` : ''}
<p><a href="/checkout/wallet/card?next=${encodeURIComponent(next === '/checkout/wallet' ? self : next)}">${t(lang, 'addCard')}</a></p>
${sandbox ? html`<p class="hint">${t(lang, 'simulatedCardsNote')}</p>` : ''}
${next !== '/checkout/wallet' ? html`<p><a class="button" href="${next}">${t(lang, 'backToCheckout')}</a></p>` : ''}`;
    renderPage(p, 200, lang, t(lang, 'walletTitle'), body, { sandbox, buyer, next: self });
  }

  async function addressPage(p: Page, problems: Record<string, string> = {}, status = 200) {
    const w = await requireBuyer(p);
    if (!w) return;
    const { buyer, next, lang, sandbox } = w;
    const countries = ADDRESS_COUNTRIES[buyer.region as ApiRegion] ?? ['JP'];
    const v = (name: string) => p.form.get(name) ?? '';
    const problemText = (name: string) => (problems[name] ? t(lang, `problem_${problems[name]}` as MessageKey) : undefined);
    const jp = countries.length === 1 && countries[0] === 'JP';
    const us = countries.length === 1 && countries[0] === 'US';
    const name = field({ name: 'name', label: t(lang, 'fullName'), autocomplete: 'name', value: v('name') || (jp || us ? buyer.name : ''), required: true, problem: problemText('name') });
    const phone = field({ name: 'phoneNumber', label: t(lang, 'phoneNumber'), type: 'tel', autocomplete: 'tel', value: v('phoneNumber') || (buyer.phoneNumber ?? ''), required: true, problem: problemText('phoneNumber') });
    // Japanese addresses are written from the largest unit down: 〒, prefecture, municipality + block, building.
    const fields = jp
      ? html`${hidden('countryCode', 'JP')}
  ${field({ name: 'postalCode', label: `〒 ${t(lang, 'postalCode')}`, autocomplete: 'postal-code', inputmode: 'numeric', value: v('postalCode'), required: true, hint: '100-0001', problem: problemText('postalCode') })}
  ${selectField({ name: 'stateOrRegion', label: t(lang, 'prefecture'), options: JP_PREFECTURES.map((x) => ({ value: x, label: x })), value: v('stateOrRegion'), placeholder: t(lang, 'choosePrefecture'), problem: problemText('stateOrRegion') })}
  ${field({ name: 'addressLine1', label: t(lang, 'jpLine1'), autocomplete: 'address-line1', value: v('addressLine1'), required: true, problem: problemText('addressLine1') })}
  ${field({ name: 'addressLine2', label: t(lang, 'jpLine2'), autocomplete: 'address-line2', value: v('addressLine2'), problem: problemText('addressLine2') })}
  ${name}${phone}`
      : html`${name}
  ${field({ name: 'addressLine1', label: t(lang, 'addressLine1'), autocomplete: 'address-line1', value: v('addressLine1'), required: true, problem: problemText('addressLine1') })}
  ${field({ name: 'addressLine2', label: t(lang, 'addressLine2'), autocomplete: 'address-line2', value: v('addressLine2'), problem: problemText('addressLine2') })}
  ${field({ name: 'city', label: t(lang, 'city'), autocomplete: 'address-level2', value: v('city'), required: true, problem: problemText('city') })}
  ${field({ name: 'stateOrRegion', label: t(lang, 'state'), autocomplete: 'address-level1', value: v('stateOrRegion'), required: us, problem: problemText('stateOrRegion') })}
  ${field({ name: 'postalCode', label: t(lang, 'postalCode'), autocomplete: 'postal-code', value: v('postalCode'), required: true, problem: problemText('postalCode') })}
  ${countries.length === 1 ? hidden('countryCode', countries[0]!) : selectField({ name: 'countryCode', label: t(lang, 'country'), options: countries.map((c) => ({ value: c, label: regionName(c, lang) })), value: v('countryCode') || countries[0]!, problem: problemText('countryCode') })}
  ${phone}`;
    const body = html`
${Object.keys(problems).length > 0 ? alert(t(lang, 'formHasErrors')) : ''}
<form method="post" action="/checkout/wallet/address" novalidate class="${jp ? 'address-jp' : 'address'}">
  ${csrfField(p)}${hidden('next', next)}
  ${fields}
  <div class="actions"><button type="submit" id="save-address">${t(lang, 'save')}</button> <a href="${walletUrl(next)}">${t(lang, 'back')}</a></div>
</form>`;
    renderPage(p, status, lang, t(lang, 'addAddressTitle'), body, { sandbox, buyer, next: walletUrl(next) });
  }

  async function addressPost(p: Page) {
    const w = await requireBuyer(p);
    if (!w) return;
    const entry: AddressEntry = {
      name: p.form.get('name') ?? '',
      addressLine1: p.form.get('addressLine1') ?? '',
      addressLine2: p.form.get('addressLine2') ?? '',
      city: p.form.get('city') ?? '',
      stateOrRegion: p.form.get('stateOrRegion') ?? '',
      postalCode: p.form.get('postalCode') ?? '',
      countryCode: p.form.get('countryCode') ?? '',
      phoneNumber: p.form.get('phoneNumber') ?? '',
    };
    const r = await addAddress(ctx, w.buyer, entry);
    if (!r.ok) return addressPage(p, r.problems as Record<string, string>, 400);
    redirectTo(p, w.next);
  }

  async function cardPage(p: Page, problems: Record<string, string> = {}, status = 200) {
    const w = await requireBuyer(p);
    if (!w) return;
    const { buyer, next, lang, sandbox } = w;
    const problemText = (name: string) => (problems[name] ? t(lang, `problem_${problems[name]}` as MessageKey) : undefined);
    const body = html`
${Object.keys(problems).length > 0 ? alert(t(lang, 'formHasErrors')) : ''}
<form method="post" action="/checkout/wallet/card" novalidate>
  ${csrfField(p)}${hidden('next', next)}
  ${field({ name: 'number', label: t(lang, 'cardNumber'), autocomplete: 'cc-number', inputmode: 'numeric', required: true, problem: problemText('number') })}
  ${field({ name: 'expiry', label: t(lang, 'expiry'), autocomplete: 'cc-exp', value: p.form.get('expiry') ?? '', required: true, problem: problemText('expiry') })}
  ${field({ name: 'holderName', label: t(lang, 'cardholder'), autocomplete: 'cc-name', value: p.form.get('holderName') ?? buyer.name, required: true, problem: problemText('holderName') })}
  <p class="hint">${t(lang, 'cardStorageNote')}</p>
  ${sandbox ? html`<p class="hint">${t(lang, 'simulatedCardsNote')}</p>` : ''}
  <div class="actions"><button type="submit" id="save-card">${t(lang, 'save')}</button> <a href="${walletUrl(next)}">${t(lang, 'back')}</a></div>
</form>`;
    renderPage(p, status, lang, t(lang, 'addCardTitle'), body, { sandbox, buyer, next: walletUrl(next) });
  }

  async function cardPost(p: Page) {
    const w = await requireBuyer(p);
    if (!w) return;
    const r = await addCard(ctx, w.buyer.buyerId, { number: p.form.get('number') ?? '', expiry: p.form.get('expiry') ?? '', holderName: p.form.get('holderName') ?? '' });
    if (!r.ok) return cardPage(p, r.problems as Record<string, string>, 400);
    redirectTo(p, w.next);
  }

  async function deletePost(p: Page) {
    const w = await requireBuyer(p);
    if (!w) return;
    const kind = p.form.get('kind') === 'address' ? 'address' : 'paymentMethod';
    await deleteWalletItem(ctx, w.buyer.buyerId, kind, p.form.get('id') ?? '');
    redirectTo(p, walletUrl(w.next));
  }
}
