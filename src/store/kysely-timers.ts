import { sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';
import type { DialectName } from './migrations.js';
import { type Executor, PreparedQuery } from './prepared.js';
import type { Database } from './schema.js';
import type { TimerDue, TimerKind, TimerReads, TimerTx } from './timers.js';

/** The timer queries of every save, compiled once per store (see PreparedQuery). */
export class TimerQueries {
  readonly delete = new PreparedQuery((db, objectType: string, objectId: string) =>
    db.deleteFrom('timers').where('object_type', '=', objectType).where('object_id', '=', objectId),
  );
  readonly upsert = new PreparedQuery(
    (db, objectType: string, objectId: string, merchantId: string, environment: string, dueAt: number) =>
      db
        .insertInto('timers')
        .values({
          object_type: objectType,
          object_id: objectId,
          merchant_id: merchantId,
          environment,
          due_at: dueAt,
          claimed_until: null,
        })
        // A timer that fired without moving keeps its lease: no worker takes it again at once (and again, and again).
        .onConflict((oc) =>
          oc.columns(['object_type', 'object_id']).doUpdateSet({
            due_at: dueAt,
            claimed_until: sql<
              number | null
            >`case when timers.due_at = ${dueAt} then timers.claimed_until else null end`,
          }),
        ),
  );
}

export class KyselyTimerReads implements TimerReads {
  constructor(protected readonly db: Executor) {}

  async backlog(realNow: Instant): Promise<{ scheduled: number; due: number }> {
    const row = await this.db
      .selectFrom('timers')
      .innerJoin('merchants', 'merchants.merchant_id', 'timers.merchant_id')
      .select(sql<number>`count(*)`.as('scheduled'))
      .select(
        sql<number>`coalesce(sum(case when timers.due_at <= ${realNow} + (case when timers.environment = 'Sandbox' then merchants.sandbox_clock_offset_ms else 0 end) then 1 else 0 end), 0)`.as(
          'due',
        ),
      )
      .executeTakeFirstOrThrow();
    return { scheduled: Number(row.scheduled), due: Number(row.due) };
  }
}

export class KyselyTimerTx extends KyselyTimerReads implements TimerTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly q: TimerQueries,
  ) {
    super(trx);
  }

  async set(
    kind: TimerKind,
    owner: { merchantId: string; environment: Environment },
    id: string,
    dueAt: Instant | null,
  ): Promise<void> {
    if (dueAt === null) await this.q.delete.defer(this.trx, kind, id);
    else await this.q.upsert.defer(this.trx, kind, id, owner.merchantId, owner.environment, dueAt);
  }

  async claimDue(realNow: Instant, limit: number, leaseMs: number, merchantId?: string): Promise<TimerDue[]> {
    let q = this.trx
      .selectFrom('timers')
      .innerJoin('merchants', 'merchants.merchant_id', 'timers.merchant_id')
      .select(['timers.object_type', 'timers.object_id', 'timers.merchant_id', 'timers.environment', 'timers.due_at'])
      .select(
        sql<number>`case when timers.environment = 'Sandbox' then merchants.sandbox_clock_offset_ms else 0 end`.as(
          'clock_offset_ms',
        ),
      )
      .where(
        sql<boolean>`timers.due_at <= ${realNow} + (case when timers.environment = 'Sandbox' then merchants.sandbox_clock_offset_ms else 0 end)`,
      )
      // Implied by the line above (clocks only move forward), but a range the timers_by_due index can
      // stop at: without it every tick walked all timers, 0.3 s on SQLite and 1 s on PostgreSQL at 1M.
      .where(
        'timers.due_at',
        '<=',
        sql<number>`${realNow} + coalesce((select max(sandbox_clock_offset_ms) from merchants), 0)`,
      )
      .where((eb) => eb.or([eb('timers.claimed_until', 'is', null), eb('timers.claimed_until', '<', realNow)]))
      .orderBy('timers.due_at')
      .limit(limit);
    if (merchantId !== undefined) q = q.where('timers.merchant_id', '=', merchantId);
    if (this.dialect === 'postgres') q = q.forUpdate(['timers']).skipLocked();
    const rows = await q.execute();
    for (const r of rows) {
      await this.trx
        .updateTable('timers')
        .set({ claimed_until: realNow + leaseMs })
        .where('object_type', '=', r.object_type)
        .where('object_id', '=', r.object_id)
        .execute();
    }
    return rows.map((r) => ({
      objectType: r.object_type as TimerKind,
      objectId: r.object_id,
      merchantId: r.merchant_id,
      environment: r.environment as Environment,
      dueAt: Number(r.due_at),
      clockOffsetMs: Number(r.clock_offset_ms),
    }));
  }
}
