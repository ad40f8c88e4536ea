import type { Environment } from '../domain/environment.js';
import type { InStoreCharge, InStoreRecord, InStoreRefund, InStoreScan } from '../domain/in-store.js';

/** A stored in-store record with the merchant and environment it belongs to. */
export interface InStoreEntry {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly record: InStoreRecord;
}

export interface InStoreSearch {
  readonly merchantId?: string | undefined;
  readonly environment?: Environment | undefined;
  /** The scan's charge permission id, the charge's or the refund's id. */
  readonly id?: string | undefined;
  readonly kinds?: readonly InStoreRecord['kind'][] | undefined;
  /** scanReferenceId, chargeReferenceId or refundReferenceId, exactly. */
  readonly referenceId?: string | undefined;
  /** `createdAt` range, inclusive start and exclusive end. */
  readonly createdFrom?: number | undefined;
  readonly createdTo?: number | undefined;
  readonly limit: number;
}

/** In-store records: reads that need no transaction (the console's object browser). */
export interface InStoreReads {
  /** Newest first; every given criterion must hold. */
  search(filter: InStoreSearch): Promise<InStoreEntry[]>;
}

/** In-store scans, charges and refunds: written and read inside the transaction of the operation. */
export interface InStoreTx extends InStoreReads {
  /** A scan of this merchant and environment, its row locked (PostgreSQL) against concurrent charges. */
  scanForUpdate(
    merchantId: string,
    environment: Environment,
    chargePermissionId: string,
  ): Promise<InStoreScan | undefined>;
  /** A charge of this merchant and environment, its row locked against concurrent refunds. */
  chargeForUpdate(merchantId: string, environment: Environment, chargeId: string): Promise<InStoreCharge | undefined>;
  chargesOf(chargePermissionId: string): Promise<InStoreCharge[]>;
  refundsOf(chargeId: string): Promise<InStoreRefund[]>;
  insert(merchantId: string, environment: Environment, record: InStoreRecord): Promise<void>;
  /** A refund by id alone (the timer that completes it), its row locked, with its merchant and environment. */
  refundForUpdate(
    refundId: string,
  ): Promise<{ refund: InStoreRefund; merchantId: string; environment: Environment } | undefined>;
  /** A charge by id alone (its merchant and environment are the refund's). */
  charge(chargeId: string): Promise<InStoreCharge | undefined>;
  /** Replaces a refund's stored state (its row is locked by refundForUpdate). */
  updateRefund(refund: InStoreRefund): Promise<void>;
}
