import { html, raw, type HtmlValue, type SafeHtml } from '../html.js';
import { CONSOLE_MESSAGES, type ConsoleLanguage, type ConsoleMessageKey } from './i18n.js';

/** The console's building blocks; every value goes through `html` and is escaped. */

export interface ViewContext {
  readonly lang: ConsoleLanguage;
  readonly csrf: string;
  /** The current path with its query, for the language switch and "back" targets. */
  readonly here: string;
  readonly assets: { readonly css: string; readonly js: string };
}

export function tr(v: ViewContext, key: ConsoleMessageKey): string {
  return CONSOLE_MESSAGES[v.lang][key];
}

export function when(at: number): string {
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

function otherLanguageHref(v: ViewContext): string {
  const u = new URL(v.here, 'http://console');
  u.searchParams.set('lang', v.lang === 'ja' ? 'en' : 'ja');
  return `${u.pathname}${u.search}`;
}

export function layout(v: ViewContext, title: string, body: SafeHtml, options: { signedIn?: boolean } = {}): SafeHtml {
  return html`<!doctype html>
<html lang="${v.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title} – ${tr(v, 'title')}</title>
<link rel="stylesheet" href="${v.assets.css}">
<script src="${v.assets.js}" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">reji <small>console</small></a>
  <nav>
    <a href="/">${tr(v, 'navHome')}</a>
    <a href="/console/objects">${tr(v, 'navObjects')}</a>
    <a href="/console/requests">${tr(v, 'navRequests')}</a>
    <a href="/console/partners">${tr(v, 'partners')}</a>
    <a href="/openapi.json">${tr(v, 'navApi')}</a>
    <a href="${otherLanguageHref(v)}" hreflang="${v.lang === 'ja' ? 'en' : 'ja'}" id="lang-switch">${tr(v, 'otherLanguage')}</a>
    ${options.signedIn ? html`<form method="post" action="/console/logout" class="inline">${csrfField(v)}<button class="link" type="submit">↩</button></form>` : ''}
  </nav>
</header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

export function csrfField(v: ViewContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
}

/** A POST form with its CSRF token. */
export function form(
  v: ViewContext,
  action: string,
  content: HtmlValue,
  attrs: { id?: string; cls?: string } = {},
): SafeHtml {
  return html`<form method="post" action="${action}"${attrs.id ? html` id="${attrs.id}"` : ''}${attrs.cls ? html` class="${attrs.cls}"` : ''}>${csrfField(v)}${content}</form>`;
}

export function notice(text: HtmlValue, kind: 'error' | 'info' = 'info'): SafeHtml {
  return html`<div class="alert ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

export function table(
  headers: readonly string[],
  rows: readonly SafeHtml[],
  attrs: { id?: string; tail?: string } = {},
): SafeHtml {
  return html`<table${attrs.id ? html` id="${attrs.id}"` : ''}${attrs.tail ? html` data-tail="${attrs.tail}"` : ''}>
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

export function pre(text: string, attrs: { id?: string; cls?: string } = {}): SafeHtml {
  return html`<pre${attrs.id ? html` id="${attrs.id}"` : ''} class="${attrs.cls ?? 'code'}">${text}</pre>`;
}

export function option(value: string, label: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? raw(' selected') : ''}>${label}</option>`;
}

/**
 * The two canonical requests line by line; the first line that differs is marked, and within it the first
 * differing character onwards.
 */
export function diffView(ours: string, theirs: string, labels: { ours: string; theirs: string }): SafeHtml {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  let line = 0;
  while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
  const mark = (lines: string[], other: string[]) =>
    lines.map((text, i) => {
      if (i !== line) return html`<span class="line">${text}</span>\n`;
      const o = other[i] ?? '';
      let c = 0;
      while (c < text.length && text[c] === o[c]) c++;
      return html`<span class="line diff" data-first-difference="true">${text.slice(0, c)}<mark>${text.slice(c) || '⏎'}</mark></span>\n`;
    });
  return html`<div class="diff-pair">
<div><h3>${labels.ours}</h3><pre class="code" id="canonical-ours">${mark(a, b)}</pre></div>
<div><h3>${labels.theirs}</h3><pre class="code" id="canonical-theirs">${mark(b, a)}</pre></div>
</div>`;
}
