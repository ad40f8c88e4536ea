import type { AppContext } from '../app/context.js';
import { filePages } from './file-pages.js';
import { hostedPages } from './hosted/checkout-pages.js';
import { ipnCertificatePage } from './ipn-certificate-page.js';
import { reportDocumentPage } from './report-document-page.js';
import type { PageHandler } from './server.js';

/** Every browser-facing handler reji serves beside the API, in the order they are tried. */
export function defaultPages(ctx: AppContext): PageHandler[] {
  return [ipnCertificatePage(ctx), reportDocumentPage(ctx), filePages(ctx), hostedPages(ctx)];
}
