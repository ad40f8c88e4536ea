import type { AppContext } from '../../app/context.js';
import { t } from './i18n.js';
import { languageOf, renderPage, type Page } from './page-context.js';
import { DEFAULT_ANONYMOUS_LIMITS, RateLimiter, type AnonymousLimits } from './rate-limits.js';
import { errorBody } from './views.js';
import { sendJson } from './web.js';

/** The limiters of one hosted-pages handler (one per process) and the 429 answers (issue 17). */
export interface HostedLimiters {
  /** Page views and form posts of browsers not signed in, per client address. */
  readonly pages: RateLimiter;
  /** The button's endpoints, per client address. */
  readonly button: RateLimiter;
  /** Flows started per signed payload. */
  readonly payloadStarts: RateLimiter;
}

export function hostedLimiters(ctx: AppContext, limits: AnonymousLimits = DEFAULT_ANONYMOUS_LIMITS): HostedLimiters {
  return {
    pages: new RateLimiter(limits.pagesPerMinute, ctx.clock),
    button: new RateLimiter(limits.buttonPerMinute, ctx.clock),
    payloadStarts: new RateLimiter(limits.payloadStartsPerMinute, ctx.clock),
  };
}

/** 429 as a small page in the browser's language, with Retry-After. */
export function tooManyRequests(p: Page, retryAfterSeconds: number): void {
  const lang = languageOf(p);
  p.res.setHeader('retry-after', String(retryAfterSeconds));
  renderPage(p, 429, lang, t(lang, 'tooManyRequestsTitle'), errorBody(lang, t(lang, 'tooManyRequestsText')));
}

/** 429 for checkout.js's JSON call: Amazon's error shape (reasonCode, message) beside verify-payload's `ok`. */
export function tooManyRequestsJson(p: Page, retryAfterSeconds: number, headers: Record<string, string>): void {
  sendJson(
    p.res,
    429,
    { ok: false, reasonCode: 'TooManyRequests', message: 'Too many requests from this client. Retry later.' },
    { ...headers, 'retry-after': String(retryAfterSeconds) },
  );
}
