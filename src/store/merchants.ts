import type { ArmedFault } from '../domain/faults.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { Instant } from '../domain/time.js';
import type { Environment } from '../domain/environment.js';
import type { Delegation, MerchantAccount } from '../domain/partners.js';

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
  /** Merchant accounts partners onboarded, with their compare-and-set version. */
  merchantAccount(merchantAccountId: string): Promise<(MerchantAccount & { version: number }) | undefined>;
  merchantAccountByReference(
    partnerId: string,
    environment: Environment,
    uniqueReferenceId: string,
  ): Promise<(MerchantAccount & { version: number }) | undefined>;
  merchantAccountsOf(partnerId: string): Promise<MerchantAccount[]>;
  delegation(mwsAuthToken: string): Promise<Delegation | undefined>;
  delegationsOf(who: { partnerId: string } | { merchantId: string }): Promise<Delegation[]>;
  /** Every merchant, newest first (the console's list). */
  list(limit: number): Promise<Merchant[]>;
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
  setThrottling(merchantId: string, on: boolean): Promise<void>;
  /** Compare-and-set on `faultsVersion`: false when another call changed the list first. */
  replaceArmedFaults(merchantId: string, expectedVersion: number, faults: readonly ArmedFault[]): Promise<boolean>;
  insertMerchantAccount(account: MerchantAccount): Promise<void>;
  /** Compare-and-set on `version`; also copies the state to the merchant row that authentication reads. */
  updateMerchantAccount(account: MerchantAccount, version: number): Promise<void>;
  updateStore(store: MerchantStore): Promise<void>;
  insertDelegation(delegation: Delegation): Promise<void>;
  /** False when the grant was already revoked (or does not exist). */
  revokeDelegation(mwsAuthToken: string, at: Instant): Promise<boolean>;
}
