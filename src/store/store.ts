import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { CheckoutSession } from '../domain/checkout-session.js';
import type { Environment } from '../domain/environment.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { Refund } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';
import type { DialectName } from './migrations.js';

/** The versioned documents reji keeps, by kind. */
export interface Documents {
  checkoutSession: CheckoutSession;
  chargePermission: ChargePermission;
  charge: Charge;
  refund: Refund;
}
export type DocumentKind = keyof Documents;

/** Another writer changed the row since it was read: the whole transaction is retried. */
export class ConcurrentUpdateError extends Error {
  constructor(kind: string, id: string) {
    super(`${kind} ${id} was changed by another request`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** The database cannot be reached: the API answers 503 ServiceUnavailable. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}

export interface IdempotencyClaim {
  readonly claimed: boolean;
  /** Set when the key was used before (claimed is false). */
  readonly previous?: { readonly fingerprint: string; readonly status: number; readonly response: string };
}

export interface TimerDue {
  readonly objectType: DocumentKind;
  readonly objectId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly dueAt: Instant;
}

export interface NewNotification {
  readonly notificationId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly objectType: string;
  readonly objectId: string;
  readonly chargePermissionId: string;
  readonly notificationType: string;
  readonly createdAt: Instant;
  readonly payload: string;
}

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

/** A public key and the merchant it belongs to, read together to authenticate a request. */
export interface Credentials {
  readonly key: PublicKeyRecord;
  readonly merchant: Merchant | undefined;
}

/** Reads that need no transaction. */
export interface StoreReads {
  merchant(merchantId: string): Promise<Merchant | undefined>;
  merchantStore(storeId: string): Promise<MerchantStore | undefined>;
  storesOf(merchantId: string): Promise<MerchantStore[]>;
  publicKey(publicKeyId: string): Promise<PublicKeyRecord | undefined>;
  /** The key with its merchant in one query: every API call needs both. */
  credentials(publicKeyId: string): Promise<Credentials | undefined>;
  publicKeysOf(merchantId: string): Promise<PublicKeyRecord[]>;
  get<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermission(chargePermissionId: string): Promise<Charge[]>;
  refundsOfCharge(chargeId: string): Promise<Refund[]>;
  buyer(buyerId: string): Promise<BuyerRecord | undefined>;
  buyerByEmail(region: string, email: string): Promise<BuyerRecord | undefined>;
  buyersOfRegion(region: string, onlyTest: boolean): Promise<BuyerRecord[]>;
  buyerItems<T>(kind: BuyerItemKind, buyerId: string): Promise<BuyerItem<T>[]>;
  buyerItem<T>(kind: BuyerItemKind, id: string): Promise<BuyerItem<T> | undefined>;
}

/** Everything a use case may do inside one transaction. */
export interface StoreTx extends StoreReads {
  /** Reads a document and, on PostgreSQL, locks its row until the transaction ends. */
  getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]>;
  insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Compare-and-set on `doc.version`; returns the document with its new version. */
  update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  remove(kind: DocumentKind, id: string): Promise<void>;
  setTimer(kind: DocumentKind, doc: { merchantId: string; environment: Environment }, id: string, dueAt: Instant | null): Promise<void>;

  insertMerchant(merchant: Merchant): Promise<void>;
  insertMerchantStore(store: MerchantStore, createdAt: Instant): Promise<void>;
  updateAllowedOrigins(storeId: string, origins: readonly string[]): Promise<void>;
  insertPublicKey(key: PublicKeyRecord): Promise<void>;
  advanceSandboxClock(merchantId: string, byMs: number): Promise<Merchant>;

  claimIdempotencyKey(merchantId: string, environment: Environment, key: string, fingerprint: string, now: Instant): Promise<IdempotencyClaim>;
  saveIdempotentResponse(merchantId: string, environment: Environment, key: string, status: number, response: string): Promise<void>;

  /**
   * Takes up to `limit` due timers (by each merchant's clock) for `leaseMs`, skipping ones another
   * worker holds; settling them is idempotent, the lease only keeps workers from doing it twice.
   */
  claimDueTimers(realNow: Instant, limit: number, leaseMs: number, merchantId?: string): Promise<TimerDue[]>;

  enqueueNotification(n: NewNotification): Promise<void>;

  insertBuyer(buyer: BuyerRecord): Promise<void>;
  updateBuyer(buyer: BuyerRecord): Promise<void>;
  insertBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  updateBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  deleteBuyerItem(kind: BuyerItemKind, id: string, at: Instant): Promise<void>;

  /** Runs `fn` so that a failure undoes only what `fn` did. */
  savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

export interface Store {
  readonly dialect: DialectName;
  readonly reader: StoreReads;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Raw access for the notification worker and benchmarks; use cases go through the methods above. */
  close(): Promise<void>;
}
