import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { Instant } from '../domain/time.js';

/** A public key and the merchant it belongs to, read together to authenticate a request. */
export interface Credentials {
  readonly key: PublicKeyRecord;
  readonly merchant: Merchant | undefined;
}

/** Merchants, their stores (with allowed origins) and public keys: reads that need no transaction. */
export interface MerchantReads {
  get(merchantId: string): Promise<Merchant | undefined>;
  store(storeId: string): Promise<MerchantStore | undefined>;
  storesOf(merchantId: string): Promise<MerchantStore[]>;
  publicKey(publicKeyId: string): Promise<PublicKeyRecord | undefined>;
  /** The key with its merchant in one query: every API call needs both. */
  credentials(publicKeyId: string): Promise<Credentials | undefined>;
  publicKeysOf(merchantId: string): Promise<PublicKeyRecord[]>;
}

/** Merchants inside a transaction. */
export interface MerchantTx extends MerchantReads {
  insert(merchant: Merchant): Promise<void>;
  insertStore(store: MerchantStore, createdAt: Instant): Promise<void>;
  updateAllowedOrigins(storeId: string, origins: readonly string[]): Promise<void>;
  insertPublicKey(key: PublicKeyRecord): Promise<void>;
  advanceSandboxClock(merchantId: string, byMs: number): Promise<Merchant>;
  /** Flags (or unflags) a merchant as a payment service provider; false when there is no such merchant. */
  setPaymentServiceProvider(merchantId: string, on: boolean): Promise<boolean>;
}
