import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { CheckoutSession } from '../domain/checkout-session.js';
import type { Dispute } from '../domain/dispute.js';
import type { Refund } from '../domain/refund.js';

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
}

/** The documents inside a transaction. */
export interface DocumentTx extends DocumentReads {
  /** Reads a document and, on PostgreSQL, locks its row until the transaction ends. */
  getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]>;
  insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Compare-and-set on `doc.version`; returns the document with its new version. */
  update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Deletes the document and its timer. */
  remove(kind: DocumentKind, id: string): Promise<void>;
}
