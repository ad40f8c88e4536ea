import type { CheckoutLanguage } from '../../domain/regions.js';
import type { Address } from '../../domain/shared-types.js';
import { SANDBOX_ONE_TIME_CODE } from '../../domain/sca.js';
import { isSimulatedCard, type WalletCard } from '../../domain/wallet.js';
import { html, raw, type HtmlValue, type SafeHtml } from '../html.js';
import { bcp47, t, type MessageKey } from './i18n.js';

/** The building blocks of every hosted page; all text goes through `html` and is escaped. */

export interface LayoutInput {
  readonly lang: CheckoutLanguage;
  readonly title: string;
  readonly sandbox: boolean;
  readonly body: SafeHtml;
  /** Shown in the header with a sign-out form. */
  readonly signedIn?: { readonly name: string; readonly csrf: string; readonly next: string } | undefined;
  readonly assets: { readonly css: string; readonly js: string };
}

export function layout(p: LayoutInput): SafeHtml {
  return html`<!doctype html>
<html lang="${bcp47(p.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${p.title} – ${t(p.lang, 'pageTitle')}</title>
<link rel="stylesheet" href="${p.assets.css}">
<script src="${p.assets.js}" defer></script>
</head>
<body>
<header class="top">
  <span class="brand">amazon pay <small>reji</small></span>
  ${
    p.signedIn
      ? html`<form class="signout" method="post" action="/checkout/signout">
        <span>${t(p.lang, 'signedInAs', { name: p.signedIn.name })}</span>
        ${hidden('_csrf', p.signedIn.csrf)}${hidden('next', p.signedIn.next)}
        <button type="submit" class="link">${t(p.lang, 'notYou')} ${t(p.lang, 'signOut')}</button>
      </form>`
      : ''
  }
</header>
${p.sandbox ? html`<p class="sandbox" role="note">${t(p.lang, 'sandboxBanner')}</p>` : ''}
<main id="main">
<h1>${p.title}</h1>
${p.body}
</main>
</body>
</html>`;
}

export function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

export interface FieldInput {
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly type?: string;
  readonly autocomplete?: string;
  readonly required?: boolean;
  readonly problem?: string | undefined;
  readonly hint?: string;
  readonly inputmode?: string;
}

/** A labelled input whose problem is announced to screen readers. */
export function field(f: FieldInput): SafeHtml {
  const id = `f-${f.name}`;
  const describedBy = [f.hint ? `${id}-hint` : '', f.problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return html`<div class="field${f.problem ? ' invalid' : ''}">
  <label for="${id}">${f.label}</label>
  <input id="${id}" name="${f.name}" type="${f.type ?? 'text'}" value="${f.value ?? ''}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.inputmode ? html` inputmode="${f.inputmode}"` : ''}${f.required ? raw(' required') : ''}${f.problem ? raw(' aria-invalid="true"') : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
  ${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}
  ${f.problem ? html`<p class="problem" id="${id}-problem">${f.problem}</p>` : ''}
</div>`;
}

/** The one-time code of an authentication challenge (SCA on checkout, step-up on a charge) and its button. */
export function oneTimeCodeInput(lang: CheckoutLanguage): SafeHtml {
  return html`${field({
    name: 'oneTimeCode',
    label: t(lang, 'scaCode'),
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    required: true,
    hint: t(lang, 'scaSandboxHint', { code: SANDBOX_ONE_TIME_CODE }),
  })}
  <div class="actions"><button type="submit" id="verify-code">${t(lang, 'scaButton')}</button></div>`;
}

export function selectField(f: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value: string;
  problem?: string | undefined;
  placeholder?: string;
}): SafeHtml {
  const id = `f-${f.name}`;
  return html`<div class="field${f.problem ? ' invalid' : ''}">
  <label for="${id}">${f.label}</label>
  <select id="${id}" name="${f.name}"${f.problem ? html` aria-invalid="true" aria-describedby="${id}-problem"` : ''}>
    ${f.placeholder !== undefined ? html`<option value="">${f.placeholder}</option>` : ''}
    ${f.options.map((o) => html`<option value="${o.value}"${o.value === f.value ? raw(' selected') : ''}>${o.label}</option>`)}
  </select>
  ${f.problem ? html`<p class="problem" id="${id}-problem">${f.problem}</p>` : ''}
</div>`;
}

/** A form's problems (field name -> problem key): the alert above the form, and each field's text. */
export function formProblems(
  lang: CheckoutLanguage,
  problems: Readonly<Record<string, string>>,
): { readonly alert: SafeHtml | ''; readonly of: (name: string) => string | undefined } {
  return {
    alert: Object.keys(problems).length > 0 ? alert(t(lang, 'formHasErrors')) : '',
    of: (name) => (problems[name] ? t(lang, `problem_${problems[name]}` as MessageKey) : undefined),
  };
}

export function alert(text: HtmlValue, kind: 'error' | 'info' = 'error'): SafeHtml {
  return html`<div class="alert ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

/**
 * An address as people of its country write it. Japan: 〒 postal code, prefecture + line 1, building,
 * then the name with 様; elsewhere: name, street lines, city / state / postal code, country.
 */
export function addressBlock(a: Address, lang: CheckoutLanguage): SafeHtml {
  if (a.countryCode === 'JP') {
    return html`<address class="jp">
  <span class="postal">〒${a.postalCode}</span><br>
  <span>${a.stateOrRegion}${a.city ?? ''}${a.addressLine1}</span>${a.addressLine2 ? html`<br><span>${a.addressLine2}</span>` : ''}${a.addressLine3 ? html`<br><span>${a.addressLine3}</span>` : ''}<br>
  <span class="name">${a.name}${lang === 'ja_JP' ? ' 様' : ''}</span>${a.phoneNumber ? html`<br><span class="phone">${a.phoneNumber}</span>` : ''}
</address>`;
  }
  const cityLine =
    a.countryCode === 'US'
      ? `${a.city ?? ''}${a.stateOrRegion ? `, ${a.stateOrRegion}` : ''} ${a.postalCode ?? ''}`.trim()
      : `${a.postalCode ?? ''} ${a.city ?? ''}${a.stateOrRegion ? ` (${a.stateOrRegion})` : ''}`.trim();
  return html`<address>
  <span class="name">${a.name}</span><br>
  <span>${a.addressLine1}</span>${a.addressLine2 ? html`<br><span>${a.addressLine2}</span>` : ''}${a.addressLine3 ? html`<br><span>${a.addressLine3}</span>` : ''}<br>
  <span>${cityLine}</span><br>
  <span>${regionName(a.countryCode ?? '', lang)}</span>${a.phoneNumber ? html`<br><span class="phone">${a.phoneNumber}</span>` : ''}
</address>`;
}

export function regionName(code: string, lang: CheckoutLanguage): string {
  try {
    return new Intl.DisplayNames([bcp47(lang)], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** `Visa ****1111 (expires 12/30)`, sandbox cards marked with * and what they simulate. */
export function cardLabel(card: WalletCard, lang: CheckoutLanguage, sandbox: boolean): SafeHtml {
  const simulated = sandbox && isSimulatedCard(card.last4);
  return html`<span class="card"><span class="brand-name">${card.brand}</span> <span class="digits">****${card.last4}</span>${simulated ? html`<span class="simulated" title="${t(lang, 'simulatedCard')}">*</span>` : ''}
  <span class="muted">${t(lang, 'cardExpires', { expiry: card.expiry })}</span>${
    simulated
      ? html` <span class="muted sim-note">(${t(lang, 'simulatedCard')}: ${t(lang, `behaviour_${card.behaviour}` as MessageKey)})</span>`
      : ''
  }</span>`;
}

export function errorBody(
  lang: CheckoutLanguage,
  text: string,
  details?: string,
  back?: { href: string; label: string },
): SafeHtml {
  return html`${alert(text)}
${details ? html`<details class="developer" open><summary>${t(lang, 'developerDetails')}</summary><pre>${details}</pre></details>` : ''}
${back ? html`<p><a class="button secondary" href="${back.href}">${back.label}</a></p>` : ''}`;
}
