import type { BuyerReads, BuyerTx } from './buyers.js';
import type { DocumentReads, DocumentTx } from './documents.js';
import type { FileReads, FileTx } from './files.js';
import type { HostedReads, HostedTx } from './hosted.js';
import type { IdempotencyTx } from './idempotency.js';
import type { LedgerReads, LedgerTx } from './ledger.js';
import type { InStoreReads, InStoreTx } from './in-store.js';
import type { MerchantReads, MerchantTx } from './merchants.js';
import type { DialectName } from './migrations.js';
import type { NotificationReads, NotificationTx } from './notifications.js';
import type { DeliveryTrackerReads, DeliveryTrackerTx, ReportReads, ReportTx } from './reports.js';
import type { RequestLogReads, RequestLogTx } from './request-log.js';
import type { TimerReads, TimerTx } from './timers.js';

// The store is split by aggregate (one interface per file beside this one); the facade composes them so
// that one transaction spans all. The records' types are re-exported here for the store's users.
export type * from './buyers.js';
export type * from './documents.js';
export type * from './files.js';
export type * from './hosted.js';
export type * from './idempotency.js';
export type * from './ledger.js';
export type * from './in-store.js';
export type * from './merchants.js';
export type * from './notifications.js';
export type * from './reports.js';
export type * from './request-log.js';
export type * from './timers.js';

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

export interface PoolStats {
  /** Connections open. */
  readonly total: number;
  /** Open connections not in use. */
  readonly idle: number;
  /** Requests waiting for a connection. */
  readonly waiting: number;
  /** The pool's size limit. */
  readonly max: number;
}

/** Reads that need no transaction, by aggregate. */
export interface StoreReads {
  readonly documents: DocumentReads;
  readonly merchants: MerchantReads;
  readonly buyers: BuyerReads;
  readonly hosted: HostedReads;
  readonly notifications: NotificationReads;
  readonly requestLog: RequestLogReads;
  readonly timers: TimerReads;
  readonly files: FileReads;
  readonly ledger: LedgerReads;
  readonly reports: ReportReads;
  readonly deliveryTrackers: DeliveryTrackerReads;
  readonly inStore: InStoreReads;
}

/** Everything a use case may do inside one transaction, by aggregate; a transaction spans them all. */
export interface StoreTx extends StoreReads {
  readonly documents: DocumentTx;
  readonly merchants: MerchantTx;
  readonly buyers: BuyerTx;
  readonly hosted: HostedTx;
  readonly idempotency: IdempotencyTx;
  readonly timers: TimerTx;
  readonly notifications: NotificationTx;
  readonly files: FileTx;
  readonly ledger: LedgerTx;
  readonly reports: ReportTx;
  readonly deliveryTrackers: DeliveryTrackerTx;
  readonly inStore: InStoreTx;
  readonly requestLog: RequestLogTx;
  /** Runs `fn` so that a failure undoes only what `fn` did. */
  savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

export interface Store {
  readonly dialect: DialectName;
  readonly reader: StoreReads;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** One round trip to the database (readiness checks); throws StoreUnavailableError when it cannot be reached. */
  ping(): Promise<void>;
  /** The connection pool's state, where there is a pool (PostgreSQL). */
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}
