import type { AppContext } from '../app/context.js';
import { DEFAULT_CONSOLE_OPTIONS, type ConsoleOptions } from './console/access.js';
import { consolePages } from './console/pages.js';
import { hostedPages } from './hosted/checkout-pages.js';
import { ipnCertificatePage } from './ipn-certificate-page.js';
import type { PageHandler } from './server.js';

/** Every browser-facing handler reji serves beside the API, in the order they are tried. */
export function defaultPages(ctx: AppContext, console: ConsoleOptions = DEFAULT_CONSOLE_OPTIONS): PageHandler[] {
  return [ipnCertificatePage(ctx), hostedPages(ctx), consolePages(ctx, console)];
}
