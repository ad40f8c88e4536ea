import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';
import type { DocumentKind } from './documents.js';

/**
 * What a timer row belongs to: a document, a report (its processing end), a report schedule (its next run) or an
 * in-store refund (its completion).
 */
export type TimerKind = DocumentKind | 'report' | 'reportSchedule' | 'inStoreRefund';

export interface TimerDue {
  readonly objectType: TimerKind;
  readonly objectId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly dueAt: Instant;
  /** The merchant's sandbox clock offset the claim saw (0 for Live): the timer is settled by that clock or later. */
  readonly clockOffsetMs: number;
}

/** What operators watch: how many deadlines are waiting (the /metrics backlog). */
export interface TimerReads {
  /** Timers set and not yet settled, and of those the ones already due by real time (sandbox clocks may run ahead). */
  backlog(realNow: Instant): Promise<{ readonly scheduled: number; readonly due: number }>;
}

/** A document's next deadline (expiry, pending settle); only used inside a transaction. */
export interface TimerTx extends TimerReads {
  /** Sets (or with null clears) the timer of the document `id`. */
  set(
    kind: TimerKind,
    doc: { merchantId: string; environment: Environment },
    id: string,
    dueAt: Instant | null,
  ): Promise<void>;
  /**
   * Takes up to `limit` due timers (by each merchant's clock) for `leaseMs`, skipping ones another
   * worker holds; settling them is idempotent, the lease only keeps workers from doing it twice.
   * A lease ends early only when `set` moves the timer's due time.
   */
  claimDue(realNow: Instant, limit: number, leaseMs: number, merchantId?: string): Promise<TimerDue[]>;
}
