import type { Environment } from '../domain/environment.js';
import type { InStoreCharge, InStoreRecord, InStoreRefund, InStoreScan } from '../domain/in-store.js';

/** In-store scans, charges and refunds: written and read inside the transaction of the operation. */
export interface InStoreTx {
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
}
