import type { AppContext } from '../app/context.js';
import { filePages } from './file-pages.js';
import { hostedPages, type HostedPagesOptions } from './hosted/checkout-pages.js';
import { ipnCertificatePage } from './ipn-certificate-page.js';
import { openApiPage } from './openapi.js';
import { reportDocumentPage } from './report-document-page.js';
import { API_ROUTES } from './routes.js';
import type { PageHandler } from './server.js';

/** Every browser-facing handler reji serves beside the API, in the order they are tried. */
export function defaultPages(ctx: AppContext, options: HostedPagesOptions = {}): PageHandler[] {
  return [
    openApiPage(API_ROUTES),
    ipnCertificatePage(ctx),
    reportDocumentPage(ctx),
    filePages(ctx),
    hostedPages(ctx, options),
  ];
}
