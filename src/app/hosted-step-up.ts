import { resolveStepUp, type Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import { ID_PATTERNS } from '../domain/ids.js';
import type { Merchant } from '../domain/merchant.js';
import { REGION_INFO, type ApiRegion, type CheckoutLanguage } from '../domain/regions.js';
import { isRightOneTimeCode } from '../domain/sca.js';
import type { BuyerRecord } from '../store/store.js';
import { applyChargeChange } from './accounting.js';
import { unwrap } from './api-error.js';
import type { BrowserSession } from './buyer-sessions.js';
import { signedInBuyer } from './buyer-wallet.js';
import type { PageOutcome, PageRefusal } from './checkout-access.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { lockOwned } from './loading.js';
import { inTransaction, save } from './transactions.js';

/**
 * Strong customer authentication for a saved-wallet charge (EU/UK sandbox): Create Charge answered with
 * `webCheckoutDetails.amazonPayRedirectUrl` (this page); the buyer, signed in as the charge permission's buyer,
 * enters the one-time code; the charge is authorized (right code) or declined with MFAFailed (wrong code), and
 * the buyer goes to the merchant's `checkoutResultReturnUrl` with `chargeId` added.
 */

export interface StepUpAccess {
  readonly charge: Charge;
  readonly cp: ChargePermission;
  readonly merchant: Merchant;
  readonly marketplace: ApiRegion;
  readonly lang: CheckoutLanguage;
  readonly buyer: BuyerRecord;
}

/** The merchant's result page for the charge, `chargeId` added. */
export function stepUpReturnUrl(charge: Charge): string | undefined {
  const target = charge.webCheckoutDetails?.checkoutResultReturnUrl;
  if (!target) return undefined;
  const u = new URL(target);
  u.searchParams.set('chargeId', charge.chargeId);
  return u.toString();
}

export function waitsForStepUp(charge: Charge): boolean {
  return charge.state === 'AuthorizationInitiated' && Boolean(charge.webCheckoutDetails?.amazonPayRedirectUrl);
}

export async function stepUpAccess(
  ctx: AppContext,
  session: BrowserSession | undefined,
  chargeId: string | null,
  fallbackLang: CheckoutLanguage,
): Promise<{ readonly access: StepUpAccess } | { readonly refused: PageRefusal; readonly marketplace?: ApiRegion }> {
  const notFound = { refused: { status: 404, reason: 'sessionNotFound', lang: fallbackLang } } as const;
  if (!chargeId || !ID_PATTERNS.charge.test(chargeId)) return notFound;
  const charge = await ctx.store.reader.documents.get('charge', chargeId);
  if (!charge?.webCheckoutDetails?.amazonPayRedirectUrl) return notFound;
  const cp = await ctx.store.reader.documents.get('chargePermission', charge.chargePermissionId);
  const merchant = await ctx.store.reader.merchants.get(charge.merchantId);
  if (!cp || !merchant) return notFound;
  const marketplace = REGION_INFO[merchant.region].apiRegion;
  const lang = REGION_INFO[merchant.region].defaultLanguage;
  const buyer = await signedInBuyer(ctx, session?.buyerId, marketplace);
  if (!buyer) return { refused: { status: 403, reason: 'formExpired', lang, signInFirst: true }, marketplace };
  if (cp.buyer?.buyerId !== buyer.buyerId) return { refused: { status: 403, reason: 'notYourCheckout', lang } };
  return { access: { charge, cp, merchant, marketplace, lang, buyer } };
}

/** The step-up form's post: authorizes or declines the waiting charge, then back to the merchant. */
export async function stepUpFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  chargeId: string | null,
  oneTimeCode: string,
  fallbackLang: CheckoutLanguage,
): Promise<PageOutcome> {
  const found = await stepUpAccess(ctx, session, chargeId, fallbackLang);
  if ('refused' in found) return found;
  const { merchant, lang } = found.access;
  const caller: Caller = { merchant, environment: found.access.charge.environment, publicKeyId: '' };
  const passed = isRightOneTimeCode(oneTimeCode);
  const after = await inTransaction(ctx, async (tx) => {
    const now = nowFor(ctx, merchant, caller.environment);
    const cp = await lockOwned(ctx, tx, caller, 'chargePermission', found.access.cp.chargePermissionId, now);
    const charge = await lockOwned(ctx, tx, caller, 'charge', found.access.charge.chargeId, now);
    // Answered twice, or the window closed meanwhile: the charge stays as it is.
    if (!waitsForStepUp(charge)) return charge;
    const next = unwrap(resolveStepUp(charge, passed, now));
    await save(ctx, tx, 'chargePermission', cp, applyChargeChange(cp, charge, next, now), now);
    return save(ctx, tx, 'charge', charge, next, now);
  });
  const target = stepUpReturnUrl(after);
  return target ? { redirect: target } : { refused: { status: 409, reason: 'sessionClosed', lang } };
}
