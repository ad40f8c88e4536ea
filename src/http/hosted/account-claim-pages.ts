import { claimPageOf, confirmAccountClaim, type ClaimRefusal, type ClaimView } from '../../app/account-claim.js';
import { isCheckoutLanguage, REGION_INFO, type CheckoutLanguage } from '../../domain/regions.js';
import { html } from '../html.js';
import { languageFromHeader, t } from './i18n.js';
import { csrfField, ensureSession, PageError, renderPage, type Page } from './page-context.js';
import { alert, field, hidden } from './views.js';

/**
 * The merchant's page of Merchant Account Claim: the link the partner's claim call answered with. The merchant
 * confirms with the account's email address and then owns the account (src/app/account-claim.ts).
 */

/** `?lang=` (or the form's), else the browser's, else the account's marketplace language (ja_JP for JP). */
function claimLanguage(p: Page, view?: ClaimView): CheckoutLanguage {
  const asked = p.url.searchParams.get('lang') ?? p.form.get('lang');
  if (isCheckoutLanguage(asked)) return asked;
  return (
    languageFromHeader(p.req.headers['accept-language']) ?? (view ? REGION_INFO[view.region].defaultLanguage : 'en_US')
  );
}

function refuse(p: Page, reason: ClaimRefusal): never {
  const lang = claimLanguage(p);
  throw reason === 'accountDeleted'
    ? new PageError(410, 'claimAccountDeleted', lang)
    : new PageError(404, 'claimLinkInvalid', lang);
}

async function claimFormPage(p: Page, view: ClaimView, ticket: string, wrongEmail = false): Promise<void> {
  const lang = claimLanguage(p, view);
  const names = { partner: view.partnerName, business: view.businessName };
  const sandbox = view.environment === 'Sandbox';
  if (view.claimed) {
    renderPage(p, 200, lang, t(lang, 'claimTitle'), html`${alert(t(lang, 'claimAlreadyText', names), 'info')}`, {
      sandbox,
    });
    return;
  }
  await ensureSession(p);
  const body = html`
<p>${t(lang, 'claimText', names)}</p>
<p class="muted">${t(lang, 'claimAccountId')}: <span data-merchant-account-id>${view.merchantAccountId}</span></p>
<form method="post" action="/checkout/account-claim" novalidate>
  ${csrfField(p)}${hidden('merchantAccountId', view.merchantAccountId)}${hidden('ticket', ticket)}${hidden('lang', lang)}
  ${
    view.needsEmail
      ? field({
          name: 'email',
          label: t(lang, 'email'),
          type: 'email',
          autocomplete: 'email',
          value: p.form.get('email') ?? '',
          required: true,
          hint: t(lang, 'claimEmailHint', names),
          problem: wrongEmail ? t(lang, 'claimWrongEmail') : undefined,
        })
      : ''
  }
  <div class="actions"><button type="submit" id="claim-submit">${t(lang, 'claimButton')}</button></div>
</form>`;
  renderPage(p, wrongEmail ? 400 : 200, lang, t(lang, 'claimTitle'), body, { sandbox });
}

export async function accountClaimPage(p: Page): Promise<void> {
  const ticket = p.url.searchParams.get('ticket') ?? '';
  const found = await claimPageOf(p.ctx, p.url.searchParams.get('merchantAccountId') ?? '', ticket);
  if (!found.ok) refuse(p, found.reason);
  await claimFormPage(p, found.view, ticket);
}

export async function accountClaimPost(p: Page): Promise<void> {
  const form = {
    merchantAccountId: p.form.get('merchantAccountId') ?? '',
    ticket: p.form.get('ticket') ?? '',
    email: p.form.get('email') ?? '',
  };
  const r = await confirmAccountClaim(p.ctx, form);
  if (!r.ok) {
    if (r.reason === 'wrongEmail' && r.view) return claimFormPage(p, r.view, form.ticket, true);
    refuse(p, r.reason === 'wrongEmail' ? 'linkInvalid' : r.reason);
  }
  const lang = claimLanguage(p, r.view);
  const names = { partner: r.view.partnerName, business: r.view.businessName };
  renderPage(p, 200, lang, t(lang, 'claimDoneTitle'), html`${alert(t(lang, 'claimDoneText', names), 'info')}`, {
    sandbox: r.view.environment === 'Sandbox',
  });
}
