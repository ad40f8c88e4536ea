import { sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import { UNDELIVERED_STATUSES, type AttemptOutcome, type NotificationStatus } from '../domain/ipn-delivery.js';
import type { Region } from '../domain/regions.js';
import type { Instant } from '../domain/time.js';
import type { DialectName } from './migrations.js';
import type {
  ClaimedNotification,
  IpnAttempt,
  IpnCertificate,
  IpnEndpoint,
  NewNotification,
  NotificationAfterAttempt,
  NotificationReads,
  NotificationRecord,
  NotificationTx,
} from './notifications.js';
import { type Executor, PreparedQuery } from './prepared.js';
import type { Database, IpnAttemptRow, NotificationRow } from './schema.js';

const ACTIVE_SLOT = 'active';

function toNotification(r: Omit<NotificationRow, 'claimed_until' | 'claim_token'>): NotificationRecord {
  return {
    seq: Number(r.seq),
    notificationId: r.notification_id,
    merchantId: r.merchant_id,
    environment: r.environment as Environment,
    objectType: r.object_type,
    objectId: r.object_id,
    chargePermissionId: r.charge_permission_id,
    notificationType: r.notification_type,
    createdAt: Number(r.created_at),
    payload: r.payload,
    status: r.status as NotificationStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    deliveryStartedAt: Number(r.delivery_started_at ?? r.created_at),
  };
}

function toAttempt(r: Omit<IpnAttemptRow, 'seq'>): IpnAttempt {
  return {
    notificationId: r.notification_id,
    merchantId: r.merchant_id,
    environment: r.environment as Environment,
    objectType: r.object_type,
    objectId: r.object_id,
    attempt: Number(r.attempt),
    attemptedAt: Number(r.attempted_at),
    recordedAt: Number(r.recorded_at),
    url: r.url,
    statusCode: r.status_code === null ? null : Number(r.status_code),
    error: r.error,
    latencyMs: Number(r.latency_ms),
    outcome: r.outcome as AttemptOutcome,
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
  };
}

const NOTIFICATION_COLUMNS = [
  'notifications.seq',
  'notifications.notification_id',
  'notifications.merchant_id',
  'notifications.environment',
  'notifications.object_type',
  'notifications.object_id',
  'notifications.charge_permission_id',
  'notifications.notification_type',
  'notifications.created_at',
  'notifications.payload',
  'notifications.status',
  'notifications.attempts',
  'notifications.next_attempt_at',
  'notifications.delivery_started_at',
] as const;

/** The outbox insert of every state change, compiled once per store (see PreparedQuery). */
export class NotificationQueries {
  readonly enqueue = new PreparedQuery(
    (
      db,
      notificationId: string,
      merchantId: string,
      environment: string,
      objectType: string,
      objectId: string,
      chargePermissionId: string,
      notificationType: string,
      createdAt: number,
      payload: string,
    ) =>
      db.insertInto('notifications').values({
        notification_id: notificationId,
        merchant_id: merchantId,
        environment,
        object_type: objectType,
        object_id: objectId,
        charge_permission_id: chargePermissionId,
        notification_type: notificationType,
        created_at: createdAt,
        payload,
        status: 'pending',
        attempts: 0,
        next_attempt_at: createdAt,
      } as never),
  );
}

export class KyselyNotificationReads implements NotificationReads {
  constructor(protected readonly db: Executor) {}

  async endpoint(merchantId: string, environment: Environment): Promise<IpnEndpoint | undefined> {
    const r = await this.db
      .selectFrom('ipn_endpoints')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return (
      r && {
        merchantId: r.merchant_id,
        environment: r.environment as Environment,
        url: r.url,
        updatedAt: Number(r.updated_at),
      }
    );
  }

  async endpointsOf(merchantId: string): Promise<IpnEndpoint[]> {
    const rows = await this.db
      .selectFrom('ipn_endpoints')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .orderBy('environment')
      .execute();
    return rows.map((r) => ({
      merchantId: r.merchant_id,
      environment: r.environment as Environment,
      url: r.url,
      updatedAt: Number(r.updated_at),
    }));
  }

  async get(notificationId: string): Promise<NotificationRecord | undefined> {
    const r = await this.db
      .selectFrom('notifications')
      .select(NOTIFICATION_COLUMNS)
      .where('notification_id', '=', notificationId)
      .executeTakeFirst();
    return r && toNotification(r);
  }

  async ofMerchant(
    merchantId: string,
    options: { objectId?: string; limit?: number } = {},
  ): Promise<NotificationRecord[]> {
    let q = this.db.selectFrom('notifications').select(NOTIFICATION_COLUMNS).where('merchant_id', '=', merchantId);
    if (options.objectId !== undefined) q = q.where('object_id', '=', options.objectId);
    const rows = await q
      .orderBy('seq')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.map(toNotification);
  }

  async attemptsOf(
    merchantId: string,
    options: { notificationId?: string; limit?: number } = {},
  ): Promise<IpnAttempt[]> {
    let q = this.db.selectFrom('ipn_attempts').selectAll().where('merchant_id', '=', merchantId);
    if (options.notificationId !== undefined) q = q.where('notification_id', '=', options.notificationId);
    const rows = await q
      .orderBy('seq', 'desc')
      .limit(options.limit ?? 50)
      .execute();
    return rows.map(toAttempt);
  }

  async certificate(fingerprint?: string): Promise<IpnCertificate | undefined> {
    let q = this.db.selectFrom('ipn_certificates').selectAll();
    q = fingerprint === undefined ? q.where('slot', '=', ACTIVE_SLOT) : q.where('fingerprint', '=', fingerprint);
    const r = await q.executeTakeFirst();
    return r && { fingerprint: r.fingerprint, certPem: r.cert_pem, keyPem: r.key_pem, createdAt: Number(r.created_at) };
  }

  async countByStatus(): Promise<Partial<Record<NotificationStatus, number>>> {
    const rows = await this.db
      .selectFrom('notifications')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    const out: Partial<Record<NotificationStatus, number>> = {};
    for (const r of rows) out[r.status as NotificationStatus] = Number(r.n);
    return out;
  }
}

export class KyselyNotificationTx extends KyselyNotificationReads implements NotificationTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly q: NotificationQueries,
  ) {
    super(trx);
  }

  async enqueue(n: NewNotification): Promise<void> {
    await this.q.enqueue.defer(
      this.trx,
      n.notificationId,
      n.merchantId,
      n.environment,
      n.objectType,
      n.objectId,
      n.chargePermissionId,
      n.notificationType,
      n.createdAt,
      n.payload,
    );
  }

  async setEndpoint(e: IpnEndpoint): Promise<void> {
    await this.trx
      .insertInto('ipn_endpoints')
      .values({ merchant_id: e.merchantId, environment: e.environment, url: e.url, updated_at: e.updatedAt })
      .onConflict((oc) =>
        oc.columns(['merchant_id', 'environment']).doUpdateSet({ url: e.url, updated_at: e.updatedAt }),
      )
      .execute();
  }

  async releaseClaims(notificationIds: readonly string[], claimToken: string): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.trx
      .updateTable('notifications')
      .set({ claimed_until: null, claim_token: null })
      .where('notification_id', 'in', [...notificationIds])
      .where('claim_token', '=', claimToken)
      .execute();
  }

  async claimDue(
    realNow: Instant,
    limit: number,
    leaseMs: number,
    claimToken: string,
    skipEndpoints: readonly string[] = [],
  ): Promise<ClaimedNotification[]> {
    const undelivered = [...UNDELIVERED_STATUSES];
    let q = this.trx
      .selectFrom('notifications')
      .innerJoin('merchants', 'merchants.merchant_id', 'notifications.merchant_id')
      .leftJoin('ipn_endpoints', (j) =>
        j
          .onRef('ipn_endpoints.merchant_id', '=', 'notifications.merchant_id')
          .onRef('ipn_endpoints.environment', '=', 'notifications.environment'),
      )
      .select([
        ...NOTIFICATION_COLUMNS,
        'ipn_endpoints.url as endpoint_url',
        'merchants.sandbox_clock_offset_ms',
        'merchants.region',
      ])
      .where('notifications.status', 'in', undelivered)
      .where(
        sql<boolean>`notifications.next_attempt_at <= ${realNow} + (case when notifications.environment = 'Sandbox' then merchants.sandbox_clock_offset_ms else 0 end)`,
      )
      .where((eb) =>
        eb.or([eb('notifications.claimed_until', 'is', null), eb('notifications.claimed_until', '<', realNow)]),
      )
      // Head-of-line per object: a later notification waits while an earlier one of its object is undelivered.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notifications as earlier')
              .select(sql`1`.as('one'))
              .whereRef('earlier.object_id', '=', 'notifications.object_id')
              .whereRef('earlier.seq', '<', 'notifications.seq')
              .where('earlier.status', 'in', undelivered),
          ),
        ),
      )
      .$if(skipEndpoints.length > 0, (qb) =>
        qb.where((eb) =>
          eb.or([eb('ipn_endpoints.url', 'is', null), eb('ipn_endpoints.url', 'not in', [...skipEndpoints])]),
        ),
      )
      .orderBy('notifications.next_attempt_at')
      .orderBy('notifications.seq')
      .limit(limit);
    if (this.dialect === 'postgres') q = q.forUpdate(['notifications']).skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const claimedUntil = realNow + leaseMs;
    await this.trx
      .updateTable('notifications')
      .set({ claimed_until: claimedUntil, claim_token: claimToken })
      .where(
        'seq',
        'in',
        rows.map((r) => r.seq),
      )
      .execute();
    return rows.map((r) => {
      const offset = r.environment === 'Sandbox' ? Number(r.sandbox_clock_offset_ms) : 0;
      return {
        ...toNotification(r),
        claimToken,
        claimedUntil,
        endpointUrl: r.endpoint_url ?? null,
        merchantRegion: r.region as Region,
        claimedAt: realNow + offset,
      };
    });
  }

  async recordAttempt(a: IpnAttempt, after: NotificationAfterAttempt): Promise<boolean> {
    await this.trx
      .insertInto('ipn_attempts')
      .values({
        notification_id: a.notificationId,
        merchant_id: a.merchantId,
        environment: a.environment,
        object_type: a.objectType,
        object_id: a.objectId,
        attempt: a.attempt,
        attempted_at: a.attemptedAt,
        recorded_at: a.recordedAt,
        url: a.url,
        status_code: a.statusCode,
        error: a.error,
        latency_ms: a.latencyMs,
        outcome: a.outcome,
        next_attempt_at: a.nextAttemptAt,
      })
      .execute();
    const result = await this.trx
      .updateTable('notifications')
      .set({
        status: after.status,
        attempts: after.attempts,
        next_attempt_at: after.nextAttemptAt,
        claimed_until: null,
        claim_token: null,
      })
      .where('notification_id', '=', a.notificationId)
      .where('claim_token', '=', after.claimToken)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async replay(notificationId: string, now: Instant): Promise<boolean> {
    const result = await this.trx
      .updateTable('notifications')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        delivery_started_at: now,
        claimed_until: null,
        claim_token: null,
      })
      .where('notification_id', '=', notificationId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertCertificateIfNone(c: IpnCertificate): Promise<void> {
    await this.trx
      .insertInto('ipn_certificates')
      .values({
        slot: ACTIVE_SLOT,
        fingerprint: c.fingerprint,
        cert_pem: c.certPem,
        key_pem: c.keyPem,
        created_at: c.createdAt,
      })
      .onConflict((oc) => oc.column('slot').doNothing())
      .execute();
  }

  async removeAllOf(merchantId: string, environment: Environment): Promise<void> {
    for (const table of ['notifications', 'ipn_attempts'] as const) {
      await this.trx
        .deleteFrom(table)
        .where('merchant_id', '=', merchantId)
        .where('environment', '=', environment)
        .execute();
    }
  }
}
