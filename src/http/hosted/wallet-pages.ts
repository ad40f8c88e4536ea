import { walletOf } from '../../app/buyer-wallet.js';
import { addAddressFromPage, addCardFromPage, removeFromWalletPage } from '../../app/hosted-wallet.js';
import { ADDRESS_COUNTRIES, JP_PREFECTURES, type AddressEntry } from '../../domain/address-entry.js';
import { isCheckoutLanguage, type ApiRegion, type CheckoutLanguage } from '../../domain/regions.js';
import type { BuyerRecord } from '../../store/store.js';
import { html } from '../html.js';
import { refusalError } from './flow-access.js';
import { flowOfNext } from './flow-of-next.js';
import { t } from './i18n.js';
import {
  csrfField,
  currentBuyer,
  languageOf,
  nextPage,
  PageError,
  redirectTo,
  renderPage,
  signInFirst,
  type Page,
} from './page-context.js';
import { addressBlock, cardLabel, field, formProblems, hidden, regionName, selectField } from './views.js';

/**
 * The signed-in buyer's addresses and cards. Reached from a flow (`next` is its page), the wallet
 * speaks the flow's language and goes back to it.
 */

async function requireBuyer(
  p: Page,
): Promise<{ buyer: BuyerRecord; next: string; lang: CheckoutLanguage; sandbox: boolean } | undefined> {
  const next = nextPage(p);
  const buyer = await currentBuyer(p);
  if (!buyer) return signInFirst(p, new PageError(403, 'formExpired', languageOf(p)));
  const flow = next === '/checkout/wallet' ? undefined : await flowOfNext(p, next);
  const profileLang = buyer.profile['language'];
  const lang = flow?.lang ?? (isCheckoutLanguage(profileLang) ? profileLang : languageOf(p));
  return { buyer, next, lang, sandbox: flow?.sandbox ?? true };
}

function walletUrl(next: string): string {
  return next === '/checkout/wallet' ? next : `/checkout/wallet?next=${encodeURIComponent(next)}`;
}

export async function walletPage(p: Page): Promise<void> {
  const w = await requireBuyer(p);
  if (!w) return;
  const { buyer, next, lang, sandbox } = w;
  const { addresses, cards } = await walletOf(p.ctx, buyer.buyerId);
  const self = walletUrl(next);
  const del = (
    kind: string,
    id: string,
  ) => html`<form method="post" action="/checkout/wallet/delete">${csrfField(p)}${hidden('kind', kind)}${hidden('id', id)}${hidden('next', next)}
      <button type="submit" class="secondary" aria-label="${t(lang, 'delete')} ${id}">${t(lang, 'delete')}</button></form>`;
  const body = html`
<h2>${t(lang, 'addresses')}</h2>
<ul class="plain">${addresses.map((a) => html`<li>${addressBlock(a.value, lang)}${del('address', a.id)}</li>`)}</ul>
${addresses.length === 0 ? html`<p>${t(lang, 'noAddresses')}</p>` : ''}
<p><a href="/checkout/wallet/address?next=${encodeURIComponent(next)}">${t(lang, 'addAddress')}</a></p>
<h2>${t(lang, 'cards')}</h2>
<ul class="plain">${cards.map((c) => html`<li>${cardLabel(c.value, lang, sandbox)}${del('paymentMethod', c.id)}</li>`)}</ul>
${cards.length === 0 ? html`<p>${t(lang, 'noPaymentMethods')}</p>` : ''}
<p><a href="/checkout/wallet/card?next=${encodeURIComponent(next)}">${t(lang, 'addCard')}</a></p>
${sandbox ? html`<p class="hint">${t(lang, 'simulatedCardsNote')}</p>` : ''}
${next !== '/checkout/wallet' ? html`<p><a class="button" href="${next}">${t(lang, 'backToCheckout')}</a></p>` : ''}`;
  renderPage(p, 200, lang, t(lang, 'walletTitle'), body, { sandbox, buyer, next: self });
}

export async function addressPage(p: Page, problems: Record<string, string> = {}, status = 200): Promise<void> {
  const w = await requireBuyer(p);
  if (!w) return;
  const { buyer, next, lang, sandbox } = w;
  const countries = ADDRESS_COUNTRIES[buyer.region as ApiRegion] ?? ['JP'];
  const v = (name: string) => p.form.get(name) ?? '';
  const problem = formProblems(lang, problems);
  const jp = countries.length === 1 && countries[0] === 'JP';
  const us = countries.length === 1 && countries[0] === 'US';
  const name = field({
    name: 'name',
    label: t(lang, 'fullName'),
    autocomplete: 'name',
    value: v('name') || (jp || us ? buyer.name : ''),
    required: true,
    problem: problem.of('name'),
  });
  const phone = field({
    name: 'phoneNumber',
    label: t(lang, 'phoneNumber'),
    type: 'tel',
    autocomplete: 'tel',
    value: v('phoneNumber') || (buyer.phoneNumber ?? ''),
    required: true,
    problem: problem.of('phoneNumber'),
  });
  // Japanese addresses are written from the largest unit down: 〒, prefecture, municipality + block, building.
  const fields = jp
    ? html`${hidden('countryCode', 'JP')}
  ${field({ name: 'postalCode', label: `〒 ${t(lang, 'postalCode')}`, autocomplete: 'postal-code', inputmode: 'numeric', value: v('postalCode'), required: true, hint: '100-0001', problem: problem.of('postalCode') })}
  ${selectField({ name: 'stateOrRegion', label: t(lang, 'prefecture'), options: JP_PREFECTURES.map((x) => ({ value: x, label: x })), value: v('stateOrRegion'), placeholder: t(lang, 'choosePrefecture'), problem: problem.of('stateOrRegion') })}
  ${field({ name: 'addressLine1', label: t(lang, 'jpLine1'), autocomplete: 'address-line1', value: v('addressLine1'), required: true, problem: problem.of('addressLine1') })}
  ${field({ name: 'addressLine2', label: t(lang, 'jpLine2'), autocomplete: 'address-line2', value: v('addressLine2'), problem: problem.of('addressLine2') })}
  ${name}${phone}`
    : html`${name}
  ${field({ name: 'addressLine1', label: t(lang, 'addressLine1'), autocomplete: 'address-line1', value: v('addressLine1'), required: true, problem: problem.of('addressLine1') })}
  ${field({ name: 'addressLine2', label: t(lang, 'addressLine2'), autocomplete: 'address-line2', value: v('addressLine2'), problem: problem.of('addressLine2') })}
  ${field({ name: 'city', label: t(lang, 'city'), autocomplete: 'address-level2', value: v('city'), required: true, problem: problem.of('city') })}
  ${field({ name: 'stateOrRegion', label: t(lang, 'state'), autocomplete: 'address-level1', value: v('stateOrRegion'), required: us, problem: problem.of('stateOrRegion') })}
  ${field({ name: 'postalCode', label: t(lang, 'postalCode'), autocomplete: 'postal-code', value: v('postalCode'), required: true, problem: problem.of('postalCode') })}
  ${countries.length === 1 ? hidden('countryCode', countries[0]!) : selectField({ name: 'countryCode', label: t(lang, 'country'), options: countries.map((c) => ({ value: c, label: regionName(c, lang) })), value: v('countryCode') || countries[0]!, problem: problem.of('countryCode') })}
  ${phone}`;
  const body = html`
${problem.alert}
<form method="post" action="/checkout/wallet/address" novalidate class="${jp ? 'address-jp' : 'address'}">
  ${csrfField(p)}${hidden('next', next)}
  ${fields}
  <div class="actions"><button type="submit" id="save-address">${t(lang, 'save')}</button> <a href="${walletUrl(next)}">${t(lang, 'back')}</a></div>
</form>`;
  renderPage(p, status, lang, t(lang, 'addAddressTitle'), body, { sandbox, buyer, next: walletUrl(next) });
}

export async function addressPost(p: Page): Promise<void> {
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
  const r = await addAddressFromPage(p.ctx, p.session, entry, languageOf(p));
  if ('refused' in r) throw refusalError(r.refused);
  if (!r.ok) return addressPage(p, r.problems, 400);
  redirectTo(p, nextPage(p));
}

export async function cardPage(p: Page, problems: Record<string, string> = {}, status = 200): Promise<void> {
  const w = await requireBuyer(p);
  if (!w) return;
  const { buyer, next, lang, sandbox } = w;
  const problem = formProblems(lang, problems);
  const body = html`
${problem.alert}
<form method="post" action="/checkout/wallet/card" novalidate>
  ${csrfField(p)}${hidden('next', next)}
  ${field({ name: 'number', label: t(lang, 'cardNumber'), autocomplete: 'cc-number', inputmode: 'numeric', required: true, problem: problem.of('number') })}
  ${field({ name: 'expiry', label: t(lang, 'expiry'), autocomplete: 'cc-exp', value: p.form.get('expiry') ?? '', required: true, problem: problem.of('expiry') })}
  ${field({ name: 'holderName', label: t(lang, 'cardholder'), autocomplete: 'cc-name', value: p.form.get('holderName') ?? buyer.name, required: true, problem: problem.of('holderName') })}
  <p class="hint">${t(lang, 'cardStorageNote')}</p>
  ${sandbox ? html`<p class="hint">${t(lang, 'simulatedCardsNote')}</p>` : ''}
  <div class="actions"><button type="submit" id="save-card">${t(lang, 'save')}</button> <a href="${walletUrl(next)}">${t(lang, 'back')}</a></div>
</form>`;
  renderPage(p, status, lang, t(lang, 'addCardTitle'), body, { sandbox, buyer, next: walletUrl(next) });
}

export async function cardPost(p: Page): Promise<void> {
  const entry = {
    number: p.form.get('number') ?? '',
    expiry: p.form.get('expiry') ?? '',
    holderName: p.form.get('holderName') ?? '',
  };
  const r = await addCardFromPage(p.ctx, p.session, entry, languageOf(p));
  if ('refused' in r) throw refusalError(r.refused);
  if (!r.ok) return cardPage(p, r.problems, 400);
  redirectTo(p, nextPage(p));
}

export async function deletePost(p: Page): Promise<void> {
  const item = {
    kind: p.form.get('kind') === 'address' ? 'address' : 'paymentMethod',
    id: p.form.get('id') ?? '',
  } as const;
  const r = await removeFromWalletPage(p.ctx, p.session, item, languageOf(p));
  if ('refused' in r) throw refusalError(r.refused);
  redirectTo(p, walletUrl(nextPage(p)));
}
