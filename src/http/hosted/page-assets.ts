import { readFileSync } from 'node:fs';
import { CHECKOUT_LANGUAGES } from '../../domain/regions.js';
import { MESSAGES } from './i18n.js';
import { asset, sendAsset, type StaticAsset } from './web.js';
import type { Page } from './page-context.js';

/** The files reji serves beside its pages: checkout.js for the merchant's page, hosted.css and hosted.js for its own. */
export interface PageAssets {
  readonly checkoutJs: StaticAsset;
  readonly css: StaticAsset;
  readonly js: StaticAsset;
  /** Versioned URLs, so that a changed file is never served from a stale cache. */
  readonly urls: { readonly css: string; readonly js: string };
}

function readAsset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

export function buildAssets(): PageAssets {
  const labels: Record<string, { pay: string; signIn: string }> = {};
  for (const lang of CHECKOUT_LANGUAGES)
    labels[lang] = { pay: MESSAGES[lang].payWithAmazon, signIn: MESSAGES[lang].signInWithAmazon };
  // JSON inside a script: `<` escaped so that no label can end the script.
  const checkoutJs = readAsset('checkout.js').replace(
    '/*REJI_LABELS*/ {}',
    JSON.stringify(labels).replace(/</g, '\\u003c'),
  );
  const css = asset(readAsset('hosted.css'), 'text/css; charset=utf-8');
  const js = asset(readAsset('hosted.js'), 'text/javascript; charset=utf-8');
  return {
    checkoutJs: asset(checkoutJs, 'text/javascript; charset=utf-8'),
    css,
    js,
    urls: {
      css: `/checkout/assets/hosted.css?v=${css.etag.slice(1, 11)}`,
      js: `/checkout/assets/hosted.js?v=${js.etag.slice(1, 11)}`,
    },
  };
}

export async function hostedCss(p: Page): Promise<void> {
  sendAsset(p.req, p.res, p.assets.css);
}

export async function hostedJs(p: Page): Promise<void> {
  sendAsset(p.req, p.res, p.assets.js);
}
