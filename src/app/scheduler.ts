import type { Merchant } from '../domain/merchant.js';
import { nowFor, type AppContext } from './context.js';
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
  const merchants = new Map<string, Merchant | undefined>();
  for (;;) {
    const due = await inTransaction(ctx, (tx) => tx.claimDueTimers(ctx.clock.now(), BATCH, LEASE_MS, merchantId));
    if (due.length === 0) return fired;
    for (const timer of due) {
      if (!merchants.has(timer.merchantId)) merchants.set(timer.merchantId, await ctx.store.reader.merchant(timer.merchantId));
      const merchant = merchants.get(timer.merchantId);
      const now = merchant ? nowFor(ctx, merchant, timer.environment) : ctx.clock.now();
      try {
        await inTransaction(ctx, (tx) => settleDue(ctx, tx, timer.objectType, timer.objectId, now));
        fired++;
      } catch (error) {
        ctx.log.error('timer failed', { objectType: timer.objectType, objectId: timer.objectId, error: String(error) });
      }
    }
    if (due.length < BATCH) return fired;
  }
}

/** Runs `runDueTimers` every `intervalMs` until stopped; never two runs at once in this process. */
export function startTimerWorker(ctx: AppContext, intervalMs = 1000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = runDueTimers(ctx).catch((error) => ctx.log.warn('timer worker tick failed', { error: String(error) }));
  };
  const handle = setInterval(() => {
    if (!stopped) running = running.then(tick);
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
