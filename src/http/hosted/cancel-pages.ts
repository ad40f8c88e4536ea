import { cancelFromPage, giveUpFromPage, type CancelStage } from '../../app/hosted-cancel.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { html, type SafeHtml } from '../html.js';
import { showOutcome } from './flow-access.js';
import { t } from './i18n.js';
import { csrfField, languageOf, type Page } from './page-context.js';
import { hidden } from './views.js';

/** Leaving a flow before it ends: the cancel button of every flow page; the rules are src/app/hosted-cancel.ts. */

export type { CancelStage } from '../../app/hosted-cancel.js';

export function cancelForm(
  p: Page,
  lang: CheckoutLanguage,
  idName: 'amazonCheckoutSessionId' | 'signInRequestId',
  id: string,
  stage: CancelStage,
  merchant: string,
): SafeHtml {
  const label = stage === 'change' ? t(lang, 'keepChoice', { merchant }) : t(lang, 'cancelAndReturn', { merchant });
  return html`<form method="post" action="/checkout/cancel" class="cancel">
  ${csrfField(p)}${hidden(idName, id)}${hidden('stage', stage)}
  <button type="submit" class="secondary">${label}</button>
</form>`;
}

export async function cancelPost(p: Page): Promise<void> {
  const form = {
    signInRequestId: p.form.get('signInRequestId'),
    checkoutSessionId: p.form.get('amazonCheckoutSessionId'),
    stage: p.form.get('stage'),
  };
  showOutcome(p, await cancelFromPage(p.ctx, p.session, form, languageOf(p)));
}

/** "Return to the merchant" after a decline: the session ends Canceled / Declined. */
export async function giveUpPost(p: Page): Promise<void> {
  showOutcome(p, await giveUpFromPage(p.ctx, p.session, p.form.get('amazonCheckoutSessionId'), languageOf(p)));
}
