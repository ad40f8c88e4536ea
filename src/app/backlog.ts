import type { PoolStats } from '../store/store.js';
import type { AppContext } from './context.js';

/** What is waiting to be done, for operators (/metrics): deadlines, the notification outbox, the database pool. */
export interface Backlog {
  readonly timers: { readonly scheduled: number; readonly due: number };
  /** Notifications in the outbox by status (pending, retrying, delivered, failed, no_endpoint...). */
  readonly notifications: Readonly<Record<string, number>>;
  readonly pool: PoolStats | undefined;
}

export async function readBacklog(ctx: AppContext): Promise<Backlog> {
  const [timers, notifications] = await Promise.all([
    ctx.store.reader.timers.backlog(ctx.clock.now()),
    ctx.store.reader.notifications.countByStatus(),
  ]);
  return { timers, notifications, pool: ctx.store.poolStats() };
}
