import { ConcurrentUpdateError, StoreUnavailableError } from '../store/store.js';
import type { AppContext } from './context.js';

/** Whether the database answers, for readiness checks; rejects when it cannot be reached. */
export function pingDatabase(ctx: AppContext): Promise<void> {
  return ctx.store.ping();
}

/**
 * Why a request failed for a reason that is not the request's: the database is unreachable, or the
 * transaction lost to other writers every time it was retried. Undefined for any other error.
 */
export function storeTrouble(error: unknown): { readonly log: string; readonly message: string } | undefined {
  if (error instanceof StoreUnavailableError) return { log: 'database unavailable', message: error.message };
  if (error instanceof ConcurrentUpdateError) return { log: 'too much contention', message: error.message };
  return undefined;
}
