import { ConcurrentUpdateError, StoreUnavailableError } from '../store/store.js';
import type { AppContext } from './context.js';
import { settleInStoreRefund } from './in-store.js';
import { settleReport, settleReportSchedule } from './reports.js';
import { settleDue } from './settle.js';
import { inTransaction } from './transactions.js';

/** A worker that died holding timers releases them after this long. */
const LEASE_MS = 30_000;
const BATCH = 50;

/**
 * Fires every due timer once, each by its merchant's clock. Several processes may run this at the same
 * time: claiming skips timers another worker holds, and settling is idempotent.
 * Returns how many timers fired.
 */
export async function runDueTimers(ctx: AppContext, merchantId?: string): Promise<number> {
  let fired = 0;
  for (;;) {
    const claimedAt = ctx.clock.now();
    const due = await inTransaction(ctx, (tx) => tx.timers.claimDue(claimedAt, BATCH, LEASE_MS, merchantId));
    for (const timer of due) {
      // By the clock the claim used (or later): another process may move a sandbox clock meanwhile, and
      // settling by an older reading would find nothing due and leave the timer to be claimed again.
      const now = Math.max(claimedAt, ctx.clock.now()) + timer.clockOffsetMs;
      try {
        await inTransaction(ctx, (tx) => {
          switch (timer.objectType) {
            case 'report':
              return settleReport(ctx, tx, timer.objectId, now);
            case 'reportSchedule':
              return settleReportSchedule(ctx, tx, timer.objectId, now);
            case 'inStoreRefund':
              return settleInStoreRefund(tx, timer.objectId, now);
            default:
              return settleDue(ctx, tx, timer.objectType, timer.objectId, now);
          }
        });
        fired++;
        // Yield to the event loop: SQLite's calls are synchronous, and without this a clock move over
        // thousands of timers would answer no other tenant's request until it is done (issue 17).
        await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        // Left leased: another try after the lease. A lost database is an outage to report, not a bug.
        const transient = error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError;
        ctx.log[transient ? 'warn' : 'error']('timer failed', {
          objectType: timer.objectType,
          objectId: timer.objectId,
          error: String(error),
        });
      }
    }
    if (due.length < BATCH) return fired;
  }
}

/** Runs `runDueTimers` every `intervalMs` until stopped; a tick that is due while the last one still runs is skipped. */
export function startTimerWorker(ctx: AppContext, intervalMs = 1000): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const handle = setInterval(() => {
    if (stopped || running) return;
    running = runDueTimers(ctx)
      .catch((error) => ctx.log.warn('timer worker tick failed', { error: String(error) }))
      .finally(() => (running = undefined));
  }, intervalMs);
  handle.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(handle);
      await running;
    },
  };
}
