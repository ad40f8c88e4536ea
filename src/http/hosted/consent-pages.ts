import { consentFromPage } from '../../app/hosted-consent.js';
import { allowedReturnUrl, signInCancelUrl } from '../../app/return-urls.js';
import { REGION_INFO } from '../../domain/regions.js';
import { html } from '../html.js';
import { requireSignInRequest, showOutcome } from './flow-access.js';
import { t, type MessageKey } from './i18n.js';
import {
  csrfField,
  currentBuyer,
  currentPath,
  languageOf,
  redirectToSignIn,
  renderPage,
  type Page,
} from './page-context.js';
import { hidden } from './views.js';

/** Amazon Sign-in: the buyer allows or denies the merchant the scopes it asked for; allowing returns a buyerToken. */

export async function consentPage(p: Page): Promise<void> {
  const r = await requireSignInRequest(p, p.url.searchParams.get('signInRequestId'));
  const buyer = await currentBuyer(p, REGION_INFO[r.merchant.region].apiRegion);
  if (!buyer) return redirectToSignIn(p);
  const lang = r.lang;
  const merchant = r.store.name;
  // Like the checkout pages: the CSP lets forms lead only to merchant URLs the store still allows.
  const targets = [
    allowedReturnUrl(r.request.signInReturnUrl, r.store, r.request.environment),
    signInCancelUrl(r, r.binding),
  ].filter((u): u is string => u !== undefined);
  const body = html`
<p>${t(lang, 'consentIntro', { merchant })}</p>
<ul class="scopes">${r.request.scopes.map((s) => html`<li data-scope="${s}">${t(lang, `scope_${s}` as MessageKey)}</li>`)}</ul>
<div class="actions">
  <form method="post" action="/checkout/consent">${csrfField(p)}${hidden('signInRequestId', r.id)}${hidden('decision', 'allow')}
    <button type="submit" id="allow">${t(lang, 'allow')}</button></form>
  <form method="post" action="/checkout/consent">${csrfField(p)}${hidden('signInRequestId', r.id)}${hidden('decision', 'deny')}
    <button type="submit" class="secondary" id="deny">${t(lang, 'deny')}</button></form>
</div>`;
  renderPage(p, 200, lang, t(lang, 'consentTitle', { merchant }), body, {
    sandbox: r.request.environment === 'Sandbox',
    formTargets: targets,
    buyer,
    next: currentPath(p),
  });
}

export async function consentPost(p: Page): Promise<void> {
  const form = { signInRequestId: p.form.get('signInRequestId'), decision: p.form.get('decision') };
  showOutcome(p, await consentFromPage(p.ctx, p.session, form, languageOf(p)));
}
