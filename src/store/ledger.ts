import type { Environment } from '../domain/environment.js';
import type { LedgerEntry } from '../domain/ledger.js';
import type { Instant } from '../domain/time.js';

export type { LedgerEntry } from '../domain/ledger.js';

/** The merchant's books (append-only): reads that need no transaction. */
export interface LedgerReads {
  /** Entries of one merchant and environment with `from <= occurredAt < to`, oldest first (booking order on ties). */
  entries(merchantId: string, environment: Environment, from: Instant, to: Instant): Promise<LedgerEntry[]>;
  /** Every entry booked for one charge (its capture, fees, refunds, chargebacks), oldest first. */
  entriesOfCharge(chargeId: string): Promise<LedgerEntry[]>;
}

/** Inside a transaction: entries are appended with the money movement they record; there is no update or delete. */
export interface LedgerTx extends LedgerReads {
  append(entries: readonly LedgerEntry[]): Promise<void>;
}
