import { ID_PATTERNS } from '../domain/ids.js';
import { REGION_INFO, isCheckoutLanguage, type ApiRegion, type CheckoutLanguage } from '../domain/regions.js';
import { checkoutLanguage, signInLanguage } from './checkout-access.js';
import type { AppContext } from './context.js';
import { loadHostedCheckout, loadSignInRequest, type HostedCheckout } from './hosted-checkout.js';
import type { CancelStage } from './hosted-cancel.js';

/** Outside a flow (a wallet reached directly): the marketplace's own language. */
const MARKETPLACE_LANGUAGE: Readonly<Record<ApiRegion, CheckoutLanguage>> = { jp: 'ja_JP', na: 'en_US', eu: 'en_GB' };

/** The store name the buyer sees: the session's merchantStoreName, else the store's. */
export function merchantName(h: HostedCheckout): string {
  return h.checkoutSession.merchantMetadata.merchantStoreName ?? h.store.name;
}

export interface FlowOfNext {
  readonly lang: CheckoutLanguage;
  readonly marketplace: ApiRegion;
  readonly sandbox: boolean;
  readonly merchant?: string;
  /** The flow's cancel button, for the pages (sign-in, register) that come before it. */
  readonly cancel?: {
    readonly idName: 'amazonCheckoutSessionId' | 'signInRequestId';
    readonly id: string;
    readonly stage: CancelStage;
  };
}

/** What the page knows besides `next`: `region` and `lang` of its query or form, the browser's language. */
export interface FlowHints {
  readonly region: string | null;
  readonly lang: string | null;
  readonly browserLang: CheckoutLanguage | undefined;
}

/** The flow a `next` path (one of reji's own, already checked) belongs to: its marketplace, language and merchant. */
export async function flowOfNext(ctx: AppContext, next: string, hints: FlowHints): Promise<FlowOfNext> {
  const q = new URL(next, 'http://reji.invalid').searchParams;
  const csId = q.get('amazonCheckoutSessionId');
  if (csId && ID_PATTERNS.checkoutSession.test(csId)) {
    const h = await loadHostedCheckout(ctx, csId);
    if (h) {
      const stage = next.startsWith('/checkout/change') || q.has('action') ? 'change' : 'checkout';
      return {
        lang: checkoutLanguage(h),
        marketplace: h.marketplace,
        sandbox: h.checkoutSession.environment === 'Sandbox',
        merchant: merchantName(h),
        cancel: { idName: 'amazonCheckoutSessionId', id: csId, stage },
      };
    }
  }
  const requestId = q.get('signInRequestId');
  if (requestId) {
    const r = await loadSignInRequest(ctx, requestId);
    if (r) {
      return {
        lang: signInLanguage(r),
        marketplace: REGION_INFO[r.merchant.region].apiRegion,
        sandbox: r.request.environment === 'Sandbox',
        merchant: r.store.name,
        cancel: { idName: 'signInRequestId', id: requestId, stage: 'signIn' },
      };
    }
  }
  const marketplace: ApiRegion = hints.region === 'na' || hints.region === 'eu' ? hints.region : 'jp';
  const lang = isCheckoutLanguage(hints.lang) ? hints.lang : (hints.browserLang ?? MARKETPLACE_LANGUAGE[marketplace]);
  return { lang, marketplace, sandbox: true };
}
