import type { Instant } from '../domain/time.js';

export interface BuyerRecord {
  readonly buyerId: string;
  readonly region: string;
  readonly email: string;
  readonly name: string;
  readonly phoneNumber: string | null;
  readonly passwordHash: string | null;
  readonly isTest: boolean;
  readonly createdAt: Instant;
  /** Everything else about the buyer (prime status, preferred language...). */
  readonly profile: Readonly<Record<string, unknown>>;
}

export interface BuyerItem<T> {
  readonly id: string;
  readonly buyerId: string;
  readonly position: number;
  readonly value: T;
  readonly createdAt: Instant;
}

export type BuyerItemKind = 'address' | 'paymentMethod';

/** Buyer accounts and their wallets (addresses, payment methods): reads that need no transaction. */
export interface Wallet<A, M> {
  readonly buyer: BuyerRecord | undefined;
  readonly addresses: BuyerItem<A>[];
  readonly paymentMethods: BuyerItem<M>[];
}

export interface BuyerReads {
  get(buyerId: string): Promise<BuyerRecord | undefined>;
  byEmail(region: string, email: string): Promise<BuyerRecord | undefined>;
  ofRegion(region: string, onlyTest: boolean): Promise<BuyerRecord[]>;
  items<T>(kind: BuyerItemKind, buyerId: string): Promise<BuyerItem<T>[]>;
  /** The buyer with its addresses and payment methods (as `items`): one round trip on PostgreSQL. */
  wallet<A, M>(buyerId: string): Promise<Wallet<A, M>>;
  /** The same for a test buyer: the region's first (as `ofRegion(region, true)[0]`), or by e-mail. */
  testWallet<A, M>(region: string, email: string | undefined): Promise<Wallet<A, M>>;
  item<T>(kind: BuyerItemKind, id: string): Promise<BuyerItem<T> | undefined>;
}

/** Buyers inside a transaction. */
export interface BuyerTx extends BuyerReads {
  /**
   * With `ifAbsent`, a buyer whose id or email is taken is left as it is (and false returned) instead
   * of failing: seeding from several processes at once.
   */
  insert(buyer: BuyerRecord, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
  update(buyer: BuyerRecord): Promise<void>;
  insertItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  updateItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  deleteItem(kind: BuyerItemKind, id: string, at: Instant): Promise<void>;
}
