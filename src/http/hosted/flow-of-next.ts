import { loadHostedCheckout, loadSignInRequest } from '../../app/hosted-checkout.js';
import { ID_PATTERNS } from '../../domain/ids.js';
import { REGION_INFO, isCheckoutLanguage, type ApiRegion, type CheckoutLanguage } from '../../domain/regions.js';
import type { SafeHtml } from '../html.js';
import { cancelForm } from './cancel-pages.js';
import { checkoutLanguage, merchantName, signInLanguage } from './flow-access.js';
import { languageFromHeader } from './i18n.js';
import type { Page } from './page-context.js';

/** Outside a flow (a wallet reached directly): the marketplace's own language. */
const MARKETPLACE_LANGUAGE: Readonly<Record<ApiRegion, CheckoutLanguage>> = { jp: 'ja_JP', na: 'en_US', eu: 'en_GB' };

export interface FlowOfNext {
  readonly lang: CheckoutLanguage;
  readonly marketplace: ApiRegion;
  readonly sandbox: boolean;
  readonly merchant?: string;
  /** The flow's cancel button, for the pages (sign-in, register) that come before it. */
  readonly cancel?: SafeHtml;
}

/** The flow a `next` path belongs to: its marketplace, language and merchant. */
export async function flowOfNext(p: Page, next: string): Promise<FlowOfNext> {
  const q = new URL(next, p.origin).searchParams;
  const csId = q.get('amazonCheckoutSessionId');
  if (csId && ID_PATTERNS.checkoutSession.test(csId)) {
    const h = await loadHostedCheckout(p.ctx, csId);
    if (h) {
      const lang = checkoutLanguage(h);
      const stage = next.startsWith('/checkout/change') || q.has('action') ? 'change' : 'checkout';
      const merchant = merchantName(h);
      return {
        lang,
        marketplace: h.marketplace,
        sandbox: h.checkoutSession.environment === 'Sandbox',
        merchant,
        cancel: cancelForm(p, lang, 'amazonCheckoutSessionId', csId, stage, merchant),
      };
    }
  }
  const requestId = q.get('signInRequestId');
  if (requestId) {
    const r = await loadSignInRequest(p.ctx, requestId);
    if (r) {
      const lang = signInLanguage(r);
      return {
        lang,
        marketplace: REGION_INFO[r.merchant.region].apiRegion,
        sandbox: r.request.environment === 'Sandbox',
        merchant: r.store.name,
        cancel: cancelForm(p, lang, 'signInRequestId', requestId, 'signIn', r.store.name),
      };
    }
  }
  const region = p.url.searchParams.get('region') ?? p.form.get('region');
  const marketplace: ApiRegion = region === 'na' || region === 'eu' ? region : 'jp';
  const explicit = p.url.searchParams.get('lang') ?? p.form.get('lang');
  const lang = isCheckoutLanguage(explicit)
    ? explicit
    : (languageFromHeader(p.req.headers['accept-language']) ?? MARKETPLACE_LANGUAGE[marketplace]);
  return { lang, marketplace, sandbox: true };
}
