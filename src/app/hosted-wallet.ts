import type { AddressEntry } from '../domain/address-entry.js';
import type { CheckoutLanguage } from '../domain/regions.js';
import type { BuyerItemKind, BuyerRecord } from '../store/store.js';
import type { BrowserSession } from './buyer-sessions.js';
import { addAddress, addCard, deleteWalletItem, signedInBuyer } from './buyer-wallet.js';
import type { PageRefusal } from './checkout-access.js';
import type { AppContext } from './context.js';

/** The wallet pages' posts (add an address, add a card, delete either), each one use case for the signed-in buyer. */

export type WalletOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: Readonly<Record<string, string>> }
  | { readonly refused: PageRefusal };

async function forBuyer(
  ctx: AppContext,
  session: BrowserSession | undefined,
  fallbackLang: CheckoutLanguage,
  action: (buyer: BuyerRecord) => Promise<WalletOutcome>,
): Promise<WalletOutcome> {
  const buyer = await signedInBuyer(ctx, session?.buyerId);
  if (!buyer) return { refused: { status: 403, reason: 'formExpired', lang: fallbackLang } };
  return action(buyer);
}

/** POST /checkout/wallet/address. */
export function addAddressFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  entry: AddressEntry,
  fallbackLang: CheckoutLanguage,
): Promise<WalletOutcome> {
  return forBuyer(ctx, session, fallbackLang, async (buyer) => {
    const r = await addAddress(ctx, buyer, entry);
    return r.ok ? { ok: true } : { ok: false, problems: r.problems as Record<string, string> };
  });
}

/** POST /checkout/wallet/card. */
export function addCardFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  entry: { number: string; expiry: string; holderName: string },
  fallbackLang: CheckoutLanguage,
): Promise<WalletOutcome> {
  return forBuyer(ctx, session, fallbackLang, async (buyer) => {
    const r = await addCard(ctx, buyer.buyerId, entry);
    return r.ok ? { ok: true } : { ok: false, problems: r.problems as Record<string, string> };
  });
}

/** POST /checkout/wallet/delete: someone else's item is left alone. */
export function removeFromWalletPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  item: { kind: BuyerItemKind; id: string },
  fallbackLang: CheckoutLanguage,
): Promise<WalletOutcome> {
  return forBuyer(ctx, session, fallbackLang, async (buyer) => {
    await deleteWalletItem(ctx, buyer.buyerId, item.kind, item.id);
    return { ok: true };
  });
}
