import type { Environment } from '../domain/environment.js';
import { checkChange } from '../domain/state-machines.js';
import type { Instant } from '../domain/time.js';
import { ConcurrentUpdateError, type DocumentKind, type Documents, type StoreTx } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { AppContext } from './context.js';
import { nextDeadline } from './deadlines.js';
import { bookLedger } from './ledger.js';
import { notificationFor } from './notifications.js';

const MAX_ATTEMPTS = 8;

/**
 * Runs `fn` in one transaction, again from the start when another writer won a compare-and-set.
 * An ApiError with keepChanges commits what was written, then reaches the caller.
 */
export async function inTransaction<T>(ctx: AppContext, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let deferred: ApiError | undefined;
    try {
      const result = await ctx.store.transaction(async (tx) => {
        try {
          return await fn(tx);
        } catch (error) {
          if (error instanceof ApiError && error.keepChanges) {
            deferred = error;
            return undefined as T;
          }
          throw error;
        }
      });
      if (deferred) throw deferred;
      return result;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      throw error;
    }
  }
}

/** A write the domain's state tables forbid: a bug. It rolls the transaction back and answers a logged 500. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
}

/**
 * Saves a document (insert when `before` is undefined, compare-and-set otherwise), keeps its timer row
 * in step with its next deadline, books the money it moves into the ledger, and writes the notification
 * the change produces into the outbox, all in the caller's transaction. A status change the domain's table forbids throws IllegalTransitionError.
 */
export async function save<K extends DocumentKind>(
  ctx: AppContext,
  tx: StoreTx,
  kind: K,
  before: Documents[K] | undefined,
  after: Documents[K],
  now: Instant,
): Promise<Documents[K]> {
  if (before !== undefined && JSON.stringify(before) === JSON.stringify(after)) return before;
  const transition = checkChange(kind, before, after);
  if (!transition.ok) throw new IllegalTransitionError(transition.error.message);
  const saved = before === undefined ? await tx.documents.insert(kind, after) : await tx.documents.update(kind, after);
  const id = idOf(kind, saved);
  const deadline = nextDeadline(kind, saved);
  const previousDeadline = before === undefined ? null : nextDeadline(kind, before);
  if (before === undefined ? deadline !== null : deadline !== previousDeadline) {
    await tx.timers.set(kind, saved as { merchantId: string; environment: Environment }, id, deadline);
  }
  await bookLedger(tx, kind, before, saved);
  const notification = notificationFor(kind, before, saved, ctx.random, now);
  if (notification) await tx.notifications.enqueue(notification);
  return saved;
}

export function idOf<K extends DocumentKind>(kind: K, doc: Documents[K]): string {
  switch (kind) {
    case 'checkoutSession':
      return (doc as Documents['checkoutSession']).checkoutSessionId;
    case 'chargePermission':
      return (doc as Documents['chargePermission']).chargePermissionId;
    case 'charge':
      return (doc as Documents['charge']).chargeId;
    case 'refund':
      return (doc as Documents['refund']).refundId;
    case 'dispute':
      return (doc as Documents['dispute']).disputeId;
    default:
      throw new Error(`unknown document kind ${String(kind)}`);
  }
}
