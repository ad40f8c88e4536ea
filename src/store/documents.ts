import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { CheckoutSession } from '../domain/checkout-session.js';
import type { Dispute } from '../domain/dispute.js';
import type { Refund } from '../domain/refund.js';
import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';

/** The versioned documents reji keeps, by kind. */
export interface Documents {
  checkoutSession: CheckoutSession;
  chargePermission: ChargePermission;
  charge: Charge;
  refund: Refund;
  dispute: Dispute;
}
export type DocumentKind = keyof Documents;

/** Checkout sessions, charge permissions, charges and refunds: reads that need no transaction. */
export interface DocumentReads {
  get<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermission(chargePermissionId: string): Promise<Charge[]>;
  refundsOfCharge(chargeId: string): Promise<Refund[]>;
  disputesOfCharge(chargeId: string): Promise<Dispute[]>;
  /** The console's object browser: newest first, every given criterion must hold. */
  search<K extends DocumentKind>(kind: K, filter: DocumentFilter): Promise<Documents[K][]>;
}

export interface DocumentFilter {
  readonly merchantId?: string | undefined;
  readonly environment?: Environment | undefined;
  readonly id?: string | undefined;
  readonly state?: string | undefined;
  /** Matches the document's `merchantReferenceId` exactly (wherever the document keeps it). */
  readonly merchantReferenceId?: string | undefined;
  /** `createdAt` range, inclusive start and exclusive end. */
  readonly createdFrom?: Instant | undefined;
  readonly createdTo?: Instant | undefined;
  readonly limit: number;
}

/** The documents inside a transaction. */
export interface DocumentTx extends DocumentReads {
  /** Reads a document and, on PostgreSQL, locks its row until the transaction ends. */
  getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]>;
  /**
   * A charge and its permission, both locked like getForUpdate, the permission first (every writer's lock
   * order); one round trip on PostgreSQL.
   */
  chargeWithPermissionForUpdate(
    chargeId: string,
  ): Promise<{ charge: Charge | undefined; chargePermission: ChargePermission | undefined }>;
  insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Compare-and-set on `doc.version`; returns the document with its new version. */
  update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Deletes the document and its timer. */
  remove(kind: DocumentKind, id: string): Promise<void>;
  /** Deletes every document (and timer) of a merchant's environment (the console's sandbox reset). */
  removeAllOf(merchantId: string, environment: Environment): Promise<void>;
}
