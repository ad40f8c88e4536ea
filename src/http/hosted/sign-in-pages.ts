import { MIN_PASSWORD_LENGTH } from '../../app/buyer-sessions.js';
import { registerFromPage, signInFromPage, signOutFromPage } from '../../app/hosted-identity.js';
import { TEST_BUYER_PASSWORD, testBuyersOf } from '../../app/test-buyers.js';
import { html, type SafeHtml } from '../html.js';
import { flowHints, flowOfNext, type FlowOfNext } from './flow-of-next.js';
import { t, type MessageKey } from './i18n.js';
import {
  adoptSession,
  csrfField,
  currentBuyer,
  ensureSession,
  nextPage,
  redirectTo,
  renderPage,
  safeNext,
  signInUrl,
  type Page,
} from './page-context.js';
import { alert, field, formProblems, hidden } from './views.js';
import { clearedSessionCookie, clientIp } from './web.js';

/** Who the buyer is: sign-in (with the Sandbox test buyers), registration and sign-out. */

/** What every sign-in and register form carries: the CSRF token and the flow it leads back to. */
function flowFields(p: Page, next: string, flow: FlowOfNext): SafeHtml {
  return html`${csrfField(p)}${hidden('next', next)}${hidden('region', flow.marketplace)}${hidden('lang', flow.lang)}`;
}

export async function signInPage(
  p: Page,
  problem?: { key: MessageKey; params?: Record<string, string | number> },
  status = 200,
  email = '',
): Promise<void> {
  const next = nextPage(p);
  const flow = await flowOfNext(p, next);
  const buyer = await currentBuyer(p, flow.marketplace);
  if (buyer && !problem) return redirectTo(p, next);
  await ensureSession(p);
  const lang = flow.lang;
  const testBuyers = flow.sandbox ? await testBuyersOf(p.ctx, flow.marketplace) : [];
  const body = html`
${flow.merchant ? html`<p class="muted">${t(lang, 'orderFrom', { merchant: flow.merchant })}</p>` : ''}
${problem ? alert(t(lang, problem.key, problem.params)) : p.url.searchParams.get('registered') === '1' ? alert(t(lang, 'registeredNotice'), 'info') : ''}
<form method="post" action="/checkout/signin" novalidate>
  ${flowFields(p, next, flow)}
  ${field({ name: 'email', label: t(lang, 'email'), type: 'email', autocomplete: 'username', value: email, required: true })}
  ${field({ name: 'password', label: t(lang, 'password'), type: 'password', autocomplete: 'current-password', required: true })}
  <div class="actions"><button type="submit" id="signin-submit">${t(lang, 'signInButton')}</button></div>
</form>
<p>${t(lang, 'noAccount')} <a href="/checkout/register?next=${encodeURIComponent(next)}&amp;region=${flow.marketplace}&amp;lang=${lang}">${t(lang, 'createAccount')}</a></p>
${
  testBuyers.length > 0
    ? html`<section aria-labelledby="test-buyers">
  <h2 id="test-buyers">${t(lang, 'testBuyersTitle')}</h2>
  <p class="hint">${t(lang, 'testBuyersHint')}</p>
  <ul class="plain">${testBuyers.map(
    (b) => html`<li><span>${b.name} <span class="muted">${b.email}</span></span>
    <form method="post" action="/checkout/signin">${flowFields(p, next, flow)}${hidden('email', b.email)}${hidden('password', TEST_BUYER_PASSWORD)}
      <button type="submit" class="secondary" data-test-buyer="${b.email}">${t(lang, 'signInAs', { name: b.name })}</button></form></li>`,
  )}</ul>
</section>`
    : ''
}
${flow.cancel ?? ''}`;
  renderPage(p, status, lang, t(lang, 'signInTitle'), body, { sandbox: flow.sandbox });
}

export async function signInPost(p: Page): Promise<void> {
  const next = safeNext(p.form.get('next'), '/checkout/wallet');
  const email = p.form.get('email') ?? '';
  const form = { next, email, password: p.form.get('password') ?? '' };
  const result = await signInFromPage(p.ctx, p.session, form, flowHints(p), clientIp(p.req));
  if (!result.ok) {
    return result.reason === 'tooManyAttempts'
      ? signInPage(p, { key: 'tooManyAttempts', params: { minutes: result.retryAfterMinutes } }, 429, email)
      : signInPage(p, { key: 'badCredentials' }, 401, email);
  }
  adoptSession(p, result.started);
  redirectTo(p, next);
}

export async function registerPage(p: Page, problems: Record<string, string> = {}, status = 200): Promise<void> {
  const next = nextPage(p);
  const flow = await flowOfNext(p, next);
  await ensureSession(p);
  const lang = flow.lang;
  const v = (name: string) => p.form.get(name) ?? '';
  const problem = formProblems(lang, problems);
  const body = html`
${problem.alert}
<form method="post" action="/checkout/register" novalidate>
  ${flowFields(p, next, flow)}
  ${field({ name: 'name', label: t(lang, 'fullName'), autocomplete: 'name', value: v('name'), required: true, problem: problem.of('name') })}
  ${field({ name: 'email', label: t(lang, 'email'), type: 'email', autocomplete: 'email', value: v('email'), required: true, problem: problem.of('email') })}
  ${field({ name: 'phoneNumber', label: t(lang, 'phoneNumber'), type: 'tel', autocomplete: 'tel', value: v('phoneNumber'), problem: problem.of('phoneNumber') })}
  ${field({ name: 'password', label: t(lang, 'password'), type: 'password', autocomplete: 'new-password', required: true, hint: t(lang, 'passwordHint', { min: MIN_PASSWORD_LENGTH }), problem: problem.of('password') })}
  <div class="actions"><button type="submit">${t(lang, 'registerButton')}</button></div>
</form>
<p>${t(lang, 'haveAccount')} <a href="${signInUrl(next)}">${t(lang, 'signInButton')}</a></p>
${flow.cancel ?? ''}`;
  renderPage(p, status, lang, t(lang, 'registerTitle'), body, { sandbox: flow.sandbox });
}

export async function registerPost(p: Page): Promise<void> {
  const next = safeNext(p.form.get('next'), '/checkout/wallet');
  const form = {
    next,
    name: p.form.get('name') ?? '',
    email: p.form.get('email') ?? '',
    password: p.form.get('password') ?? '',
    phoneNumber: p.form.get('phoneNumber') ?? '',
  };
  const hints = flowHints(p);
  const result = await registerFromPage(p.ctx, form, hints, clientIp(p.req));
  if (!result.ok) return registerPage(p, result.problems, result.status);
  // The same answer for a new email and one that has an account: the buyer signs in next.
  const region = hints.region === 'na' || hints.region === 'eu' ? hints.region : 'jp';
  const lang = hints.lang ? `&lang=${encodeURIComponent(hints.lang)}` : '';
  redirectTo(p, `${signInUrl(next)}&region=${region}${lang}&registered=1`);
}

export async function signOutPost(p: Page): Promise<void> {
  const next = safeNext(p.form.get('next'), '/checkout/wallet');
  const started = await signOutFromPage(p.ctx, p.session);
  p.cookies.push(clearedSessionCookie(p.secure));
  adoptSession(p, started);
  redirectTo(p, signInUrl(next));
}
