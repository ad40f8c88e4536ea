import { stepUpAccess, stepUpFromPage, stepUpReturnUrl, waitsForStepUp } from '../../app/hosted-step-up.js';
import { html } from '../html.js';
import { refusalError, showOutcome } from './flow-access.js';
import { formatPrice, t } from './i18n.js';
import { redirectToMerchant } from './merchant-redirects.js';
import { csrfField, currentPath, languageOf, redirectTo, renderPage, signInUrl, type Page } from './page-context.js';
import { hidden, oneTimeCodeInput } from './views.js';

/**
 * The step-up page of a saved-wallet charge (EU/UK strong customer authentication): the charge's
 * `webCheckoutDetails.amazonPayRedirectUrl` (docs/sandbox.md, "Strong customer authentication").
 */

export async function stepUpPage(p: Page): Promise<void> {
  const chargeId = p.url.searchParams.get('chargeId');
  const found = await stepUpAccess(p.ctx, p.session, chargeId, languageOf(p));
  if ('refused' in found) {
    if (found.refused.signInFirst && found.marketplace) {
      const q = `&region=${found.marketplace}&lang=${found.refused.lang}`;
      return redirectTo(p, `${signInUrl(currentPath(p))}${q}`);
    }
    throw refusalError(found.refused);
  }
  const { charge, merchant, lang, buyer } = found.access;
  const target = stepUpReturnUrl(charge);
  if (!waitsForStepUp(charge)) return redirectToMerchant(p, target, lang);
  const body = html`
<p>${t(lang, 'scaText', { merchant: merchant.name, amount: formatPrice(charge.chargeAmount, lang) })}</p>
<form method="post" action="/checkout/step-up">
  ${csrfField(p)}${hidden('chargeId', charge.chargeId)}
  ${oneTimeCodeInput(lang)}
</form>`;
  renderPage(p, 200, lang, t(lang, 'scaTitle'), body, {
    sandbox: charge.environment === 'Sandbox',
    formTargets: target ? [target] : [],
    buyer,
    next: currentPath(p),
  });
}

export async function stepUpPost(p: Page): Promise<void> {
  const outcome = await stepUpFromPage(
    p.ctx,
    p.session,
    p.form.get('chargeId'),
    p.form.get('oneTimeCode') ?? '',
    languageOf(p),
  );
  showOutcome(p, outcome);
}
