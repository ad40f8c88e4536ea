import {
  addressFromEntry,
  ADDRESS_COUNTRIES,
  type AddressEntry,
  type AddressField,
  type AddressProblem,
} from '../domain/address-entry.js';
import { randomUpperAlnum } from '../domain/random.js';
import type { ApiRegion } from '../domain/regions.js';
import type { Address } from '../domain/shared-types.js';
import { cardFromEntry, type CardProblem, type WalletCard } from '../domain/wallet.js';
import type { BuyerItem, BuyerItemKind, BuyerRecord } from '../store/store.js';
import type { AppContext } from './context.js';
import { inTransaction } from './transactions.js';

/** The buyer's own wallet pages: add and delete addresses and cards. */

/** The signed-in buyer `buyerId`, if it (still) exists and, when `marketplace` is given, belongs to it. */
export async function signedInBuyer(
  ctx: AppContext,
  buyerId: string | null | undefined,
  marketplace?: ApiRegion,
): Promise<BuyerRecord | undefined> {
  if (!buyerId) return undefined;
  const buyer = await ctx.store.reader.buyers.get(buyerId);
  if (!buyer || (marketplace && buyer.region !== marketplace)) return undefined;
  return buyer;
}

export interface Wallet {
  readonly addresses: BuyerItem<Address>[];
  readonly cards: BuyerItem<WalletCard>[];
}

/** The buyer's addresses and cards, in the order the wallet shows them. */
export async function walletOf(ctx: AppContext, buyerId: string): Promise<Wallet> {
  const addresses = await addressesOf(ctx, buyerId);
  const cards = await ctx.store.reader.buyers.items<WalletCard>('paymentMethod', buyerId);
  return { addresses, cards };
}

export function addressesOf(ctx: AppContext, buyerId: string): Promise<BuyerItem<Address>[]> {
  return ctx.store.reader.buyers.items<Address>('address', buyerId);
}

async function nextPosition(ctx: AppContext, kind: BuyerItemKind, buyerId: string): Promise<number> {
  const items = await ctx.store.reader.buyers.items(kind, buyerId);
  return items.reduce((max, i) => Math.max(max, i.position + 1), 0);
}

export async function addAddress(
  ctx: AppContext,
  buyer: { buyerId: string; region: string },
  entry: AddressEntry,
): Promise<{ ok: true; id: string } | { ok: false; problems: Partial<Record<AddressField, AddressProblem>> }> {
  const checked = addressFromEntry(entry, ADDRESS_COUNTRIES[buyer.region as ApiRegion] ?? []);
  if (!checked.ok) return checked;
  const id = `addr-${randomUpperAlnum(ctx.random, 16)}`;
  const position = await nextPosition(ctx, 'address', buyer.buyerId);
  await inTransaction(ctx, (tx) =>
    tx.buyers.insertItem<Address>('address', {
      id,
      buyerId: buyer.buyerId,
      position,
      value: checked.address,
      createdAt: ctx.clock.now(),
    }),
  );
  return { ok: true, id };
}

export async function addCard(
  ctx: AppContext,
  buyerId: string,
  entry: { number: string; expiry: string; holderName: string },
): Promise<
  { ok: true; id: string } | { ok: false; problems: Partial<Record<'number' | 'expiry' | 'holderName', CardProblem>> }
> {
  const today = new Date(ctx.clock.now());
  const checked = cardFromEntry(entry, { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1 });
  if (!checked.ok) return checked;
  const id = `card-${randomUpperAlnum(ctx.random, 16)}`;
  const position = await nextPosition(ctx, 'paymentMethod', buyerId);
  await inTransaction(ctx, (tx) =>
    tx.buyers.insertItem<WalletCard>('paymentMethod', {
      id,
      buyerId,
      position,
      value: checked.card,
      createdAt: ctx.clock.now(),
    }),
  );
  return { ok: true, id };
}

/** Deletes one of the buyer's own items; someone else's id is ignored (false). */
export async function deleteWalletItem(
  ctx: AppContext,
  buyerId: string,
  kind: BuyerItemKind,
  id: string,
): Promise<boolean> {
  const item = await ctx.store.reader.buyers.item(kind, id);
  if (!item || item.buyerId !== buyerId) return false;
  await inTransaction(ctx, (tx) => tx.buyers.deleteItem(kind, id, ctx.clock.now()));
  return true;
}
