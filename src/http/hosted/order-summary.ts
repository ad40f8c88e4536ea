import type { FlowBinding } from '../../app/buyer-sessions.js';
import type { CheckoutSession } from '../../domain/checkout-session.js';
import { parseAmount, type Money } from '../../domain/money.js';
import type { CheckoutLanguage } from '../../domain/regions.js';
import { html, type SafeHtml } from '../html.js';
import { formatPrice, isCurrency, t, type MessageKey } from './i18n.js';

/** What the buyer is paying for, on the choose and processing pages: amount, order reference, note. */

function amountsOf(
  cs: CheckoutSession,
  binding: FlowBinding | undefined,
): { label: MessageKey; money: Money } | undefined {
  const charge = cs.paymentDetails.chargeAmount ?? cs.paymentDetails.totalOrderAmount;
  if (charge) return { label: 'amountToPay', money: charge };
  const est = binding?.estimatedOrderAmount;
  if (est && isCurrency(est.currencyCode)) {
    const parsed = parseAmount(est.amount, est.currencyCode, 'estimatedOrderAmount');
    if (parsed.ok) return { label: 'estimatedTotal', money: parsed.value };
  }
  return undefined;
}

export function orderSummary(cs: CheckoutSession, binding: FlowBinding | undefined, lang: CheckoutLanguage): SafeHtml {
  const amount = amountsOf(cs, binding);
  const m = cs.merchantMetadata;
  if (!amount && !m.merchantReferenceId && !m.noteToBuyer) return html``;
  return html`<section aria-labelledby="summary"><h2 id="summary">${t(lang, 'orderSummary')}</h2>
<table class="summary">
  ${amount ? html`<tr><th scope="row">${t(lang, amount.label)}</th><td class="amount">${formatPrice(amount.money, lang)}</td></tr>` : ''}
  ${m.merchantReferenceId ? html`<tr><th scope="row">${t(lang, 'orderReference')}</th><td class="reference">${m.merchantReferenceId}</td></tr>` : ''}
</table>
${m.noteToBuyer ? html`<p><span class="muted">${t(lang, 'noteFromMerchant')}:</span> <span class="note">${m.noteToBuyer}</span></p>` : ''}
</section>`;
}
