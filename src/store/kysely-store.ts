import { type Kysely, sql, type Transaction } from 'kysely';
import type { Charge } from '../domain/charge.js';
import type { Environment } from '../domain/environment.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { CurrencyCode } from '../domain/money.js';
import type { Region } from '../domain/regions.js';
import type { Refund } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';
import * as ipn from './kysely-ipn.js';
import type { DialectName } from './migrations.js';
import { PreparedQuery } from './prepared.js';
import type {
  BuyerRow,
  BuyerSessionRow,
  Database,
  DocumentRow,
  HostedTokenRow,
  MerchantRow,
  PublicKeyRow,
  StoreRow,
} from './schema.js';
import {
  ConcurrentUpdateError,
  type BuyerItem,
  type BuyerItemKind,
  type BuyerRecord,
  type ClaimedNotification,
  type BuyerSessionRecord,
  type SignInThrottleRecord,
  type Credentials,
  type DocumentKind,
  type HostedTokenKind,
  type HostedTokenRecord,
  type Documents,
  type IdempotencyClaim,
  type IpnAttempt,
  type IpnCertificate,
  type IpnEndpoint,
  type NewNotification,
  type NotificationAfterAttempt,
  type NotificationRecord,
  type Store,
  type StoreReads,
  type StoreTx,
  type TimerDue,
} from './store.js';

const TABLES = {
  checkoutSession: 'checkout_sessions',
  chargePermission: 'charge_permissions',
  charge: 'charges',
  refund: 'refunds',
} as const satisfies Record<DocumentKind, keyof Database>;

const ID_FIELDS = {
  checkoutSession: 'checkoutSessionId',
  chargePermission: 'chargePermissionId',
  charge: 'chargeId',
  refund: 'refundId',
} as const satisfies Record<DocumentKind, string>;

/** The document tables share the columns these queries touch, so one of them stands for all in the types. */
function docTable(kind: DocumentKind): 'checkout_sessions' {
  return TABLES[kind] as 'checkout_sessions';
}

const ITEM_TABLES = { address: 'buyer_addresses', paymentMethod: 'buyer_payment_methods' } as const satisfies Record<
  BuyerItemKind,
  keyof Database
>;

type Executor = Kysely<Database> | Transaction<Database>;

function toMerchant(r: MerchantRow): Merchant {
  return {
    merchantId: r.merchant_id,
    name: r.name,
    region: r.region as Region,
    ledgerCurrency: r.ledger_currency as CurrencyCode,
    createdAt: Number(r.created_at),
    sandboxClockOffsetMs: Number(r.sandbox_clock_offset_ms),
  };
}

function toStore(r: StoreRow): MerchantStore {
  return {
    storeId: r.store_id,
    merchantId: r.merchant_id,
    name: r.name,
    allowedOrigins: JSON.parse(r.allowed_origins) as string[],
  };
}

function toKey(r: PublicKeyRow): PublicKeyRecord {
  return {
    publicKeyId: r.public_key_id,
    merchantId: r.merchant_id,
    environment: r.environment as Environment | null,
    publicKeyPem: r.public_key_pem,
    createdAt: Number(r.created_at),
  };
}

function toBuyer(r: BuyerRow): BuyerRecord {
  return {
    buyerId: r.buyer_id,
    region: r.region,
    email: r.email,
    name: r.name,
    phoneNumber: r.phone_number,
    passwordHash: r.password_hash,
    isTest: Number(r.is_test) === 1,
    createdAt: Number(r.created_at),
    profile: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

// ---- hosted pages ----

function toBuyerSession(r: BuyerSessionRow): BuyerSessionRecord {
  return {
    sessionHash: r.session_hash,
    buyerId: r.buyer_id,
    csrfToken: r.csrf_token,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    data: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

function toHostedToken(r: HostedTokenRow): HostedTokenRecord {
  return {
    tokenHash: r.token_hash,
    kind: r.kind as HostedTokenKind,
    subject: r.subject,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null ? null : Number(r.used_at),
    data: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

function fromDocRow<K extends DocumentKind>(row: Pick<DocumentRow, 'doc' | 'version'>): Documents[K] {
  const doc = JSON.parse(row.doc) as Documents[K];
  return { ...doc, version: Number(row.version) };
}

/** Columns beside the document that other queries look documents up by. */
const LINK_COLUMNS = {
  checkoutSession: [],
  chargePermission: ['checkout_session_id'],
  charge: ['charge_permission_id'],
  refund: ['charge_id', 'charge_permission_id'],
} as const satisfies Record<DocumentKind, readonly string[]>;

function linkValues(kind: DocumentKind, doc: Documents[DocumentKind]): string[] {
  switch (kind) {
    case 'chargePermission':
      return [(doc as Documents['chargePermission']).checkoutSessionId];
    case 'charge':
      return [(doc as Documents['charge']).chargePermissionId];
    case 'refund':
      return [(doc as Documents['refund']).chargeId, (doc as Documents['refund']).chargePermissionId];
    case 'checkoutSession':
      return [];
  }
}

function byKind<K extends string, V>(keys: readonly K[], make: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, make(k)])) as Record<K, V>;
}

const DOCUMENT_KINDS = Object.keys(TABLES) as DocumentKind[];
const ITEM_KINDS = Object.keys(ITEM_TABLES) as BuyerItemKind[];

/** The queries of every request, compiled once per store (see PreparedQuery). */
class Queries {
  readonly merchant = new PreparedQuery((db, merchantId: string) =>
    db.selectFrom('merchants').selectAll().where('merchant_id', '=', merchantId),
  );
  readonly merchantStore = new PreparedQuery((db, storeId: string) =>
    db.selectFrom('stores').selectAll().where('store_id', '=', storeId),
  );
  readonly publicKey = new PreparedQuery((db, publicKeyId: string) =>
    db.selectFrom('public_keys').selectAll().where('public_key_id', '=', publicKeyId),
  );
  readonly credentials = new PreparedQuery((db, publicKeyId: string) =>
    db
      .selectFrom('public_keys as k')
      .leftJoin('merchants as m', 'm.merchant_id', 'k.merchant_id')
      .select([
        'k.public_key_id',
        'k.merchant_id',
        'k.environment',
        'k.public_key_pem',
        'k.created_at',
        'm.merchant_id as m_merchant_id',
        'm.name as m_name',
        'm.region as m_region',
        'm.ledger_currency as m_ledger_currency',
        'm.created_at as m_created_at',
        'm.sandbox_clock_offset_ms as m_sandbox_clock_offset_ms',
      ])
      .where('k.public_key_id', '=', publicKeyId),
  );
  readonly get = byKind(
    DOCUMENT_KINDS,
    (kind) =>
      new PreparedQuery((db, id: string) =>
        db.selectFrom(docTable(kind)).select(['doc', 'version']).where('id', '=', id),
      ),
  );
  readonly getForUpdate: Record<DocumentKind, PreparedQuery<[string], Pick<DocumentRow, 'doc' | 'version'>>>;
  readonly chargesOfPermission = new PreparedQuery((db, chargePermissionId: string) =>
    db
      .selectFrom('charges')
      .select(['doc', 'version'])
      .where('charge_permission_id', '=', chargePermissionId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  readonly chargesOfPermissionForUpdate: PreparedQuery<[string], Pick<DocumentRow, 'doc' | 'version'>>;
  readonly refundsOfCharge = new PreparedQuery((db, chargeId: string) =>
    db
      .selectFrom('refunds')
      .select(['doc', 'version'])
      .where('charge_id', '=', chargeId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  readonly buyer = new PreparedQuery((db, buyerId: string) =>
    db.selectFrom('buyers').selectAll().where('buyer_id', '=', buyerId),
  );
  readonly buyerByEmail = new PreparedQuery((db, region: string, email: string) =>
    db.selectFrom('buyers').selectAll().where('region', '=', region).where('email', '=', email),
  );
  readonly buyersOfRegion = new PreparedQuery((db, region: string) =>
    db.selectFrom('buyers').selectAll().where('region', '=', region).orderBy('created_at').orderBy('email'),
  );
  readonly testBuyersOfRegion = new PreparedQuery((db, region: string) =>
    db
      .selectFrom('buyers')
      .selectAll()
      .where('region', '=', region)
      .where('is_test', '=', 1)
      .orderBy('created_at')
      .orderBy('email'),
  );
  readonly buyerItems = byKind(
    ITEM_KINDS,
    (kind) =>
      new PreparedQuery((db, buyerId: string) =>
        db
          .selectFrom(ITEM_TABLES[kind])
          .selectAll()
          .where('buyer_id', '=', buyerId)
          .where('deleted_at', 'is', null)
          .orderBy('position')
          .orderBy('created_at'),
      ),
  );
  readonly buyerItem = byKind(
    ITEM_KINDS,
    (kind) =>
      new PreparedQuery((db, id: string) =>
        db.selectFrom(ITEM_TABLES[kind]).selectAll().where('id', '=', id).where('deleted_at', 'is', null),
      ),
  );

  readonly insert = byKind(DOCUMENT_KINDS, (kind) => {
    const columns = ['id', 'merchant_id', 'environment', 'state', 'created_at', 'doc', ...LINK_COLUMNS[kind]];
    return new PreparedQuery((db, ...values: unknown[]) =>
      db
        .insertInto(TABLES[kind])
        .values({ version: 1, ...Object.fromEntries(columns.map((c, i) => [c, values[i]])) } as never),
    );
  });
  readonly update = byKind(
    DOCUMENT_KINDS,
    (kind) =>
      new PreparedQuery((db, state: string, version: number, doc: string, id: string, previousVersion: number) =>
        db
          .updateTable(docTable(kind))
          .set({ state, version, doc })
          .where('id', '=', id)
          .where('version', '=', previousVersion),
      ),
  );
  readonly deleteTimer = new PreparedQuery((db, objectType: string, objectId: string) =>
    db.deleteFrom('timers').where('object_type', '=', objectType).where('object_id', '=', objectId),
  );
  readonly upsertTimer = new PreparedQuery(
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
  readonly claimIdempotencyKey = new PreparedQuery(
    (db, merchantId: string, environment: string, key: string, fingerprint: string, createdAt: number) =>
      db
        .insertInto('idempotency_keys')
        .values({
          merchant_id: merchantId,
          environment,
          idem_key: key,
          fingerprint,
          status: 0,
          response: '',
          created_at: createdAt,
        })
        .onConflict((oc) => oc.columns(['merchant_id', 'environment', 'idem_key']).doNothing()),
  );
  readonly idempotencyKey = new PreparedQuery((db, merchantId: string, environment: string, key: string) =>
    db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'response'])
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .where('idem_key', '=', key),
  );
  readonly saveIdempotentResponse = new PreparedQuery(
    (db, status: number, response: string, merchantId: string, environment: string, key: string) =>
      db
        .updateTable('idempotency_keys')
        .set({ status, response })
        .where('merchant_id', '=', merchantId)
        .where('environment', '=', environment)
        .where('idem_key', '=', key),
  );
  readonly enqueueNotification = new PreparedQuery(
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

  constructor(dialect: DialectName) {
    // Only PostgreSQL locks rows; SQLite's write transactions (BEGIN IMMEDIATE) already exclude each other.
    const lock = <Q extends { forUpdate(): Q }>(q: Q): Q => (dialect === 'postgres' ? q.forUpdate() : q);
    this.getForUpdate = byKind(
      DOCUMENT_KINDS,
      (kind) =>
        new PreparedQuery((db, id: string) =>
          lock(db.selectFrom(docTable(kind)).select(['doc', 'version']).where('id', '=', id)),
        ),
    );
    this.chargesOfPermissionForUpdate = new PreparedQuery((db, chargePermissionId: string) =>
      lock(
        db
          .selectFrom('charges')
          .select(['doc', 'version'])
          .where('charge_permission_id', '=', chargePermissionId)
          .orderBy('created_at')
          .orderBy('id'),
      ),
    );
  }
}

/** Reads shared by the pool and by transactions. */
class KyselyReads implements StoreReads {
  constructor(
    protected readonly db: Executor,
    protected readonly dialect: DialectName,
    protected readonly q: Queries,
  ) {}

  async merchant(merchantId: string): Promise<Merchant | undefined> {
    const r = await this.q.merchant.first(this.db, merchantId);
    return r && toMerchant(r);
  }
  async merchantStore(storeId: string): Promise<MerchantStore | undefined> {
    const r = await this.q.merchantStore.first(this.db, storeId);
    return r && toStore(r);
  }
  async storesOf(merchantId: string): Promise<MerchantStore[]> {
    const rows = await this.db
      .selectFrom('stores')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .orderBy('created_at')
      .execute();
    return rows.map(toStore);
  }
  async publicKey(publicKeyId: string): Promise<PublicKeyRecord | undefined> {
    const r = await this.q.publicKey.first(this.db, publicKeyId);
    return r && toKey(r);
  }
  async credentials(publicKeyId: string): Promise<Credentials | undefined> {
    const r = await this.q.credentials.first(this.db, publicKeyId);
    if (!r) return undefined;
    const merchant =
      r.m_merchant_id === null
        ? undefined
        : toMerchant({
            merchant_id: r.m_merchant_id,
            name: r.m_name!,
            region: r.m_region!,
            ledger_currency: r.m_ledger_currency!,
            created_at: r.m_created_at!,
            sandbox_clock_offset_ms: r.m_sandbox_clock_offset_ms!,
          });
    return { key: toKey(r), merchant };
  }
  async publicKeysOf(merchantId: string): Promise<PublicKeyRecord[]> {
    const rows = await this.db
      .selectFrom('public_keys')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .orderBy('created_at')
      .execute();
    return rows.map(toKey);
  }
  async get<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined> {
    const r = await this.q.get[kind].first(this.db, id);
    return r && fromDocRow<K>(r);
  }
  async chargesOfPermission(chargePermissionId: string): Promise<Charge[]> {
    const { rows } = await this.q.chargesOfPermission.execute(this.db, chargePermissionId);
    return rows.map((r) => fromDocRow<'charge'>(r));
  }
  async refundsOfCharge(chargeId: string): Promise<Refund[]> {
    const { rows } = await this.q.refundsOfCharge.execute(this.db, chargeId);
    return rows.map((r) => fromDocRow<'refund'>(r));
  }
  async buyer(buyerId: string): Promise<BuyerRecord | undefined> {
    const r = await this.q.buyer.first(this.db, buyerId);
    return r && toBuyer(r);
  }
  async buyerByEmail(region: string, email: string): Promise<BuyerRecord | undefined> {
    const r = await this.q.buyerByEmail.first(this.db, region, email.toLowerCase());
    return r && toBuyer(r);
  }
  async buyersOfRegion(region: string, onlyTest: boolean): Promise<BuyerRecord[]> {
    const { rows } = await (onlyTest ? this.q.testBuyersOfRegion : this.q.buyersOfRegion).execute(this.db, region);
    return rows.map(toBuyer);
  }
  async buyerItems<T>(kind: BuyerItemKind, buyerId: string): Promise<BuyerItem<T>[]> {
    const { rows } = await this.q.buyerItems[kind].execute(this.db, buyerId);
    return rows.map((r) => ({
      id: r.id,
      buyerId: r.buyer_id,
      position: Number(r.position),
      value: JSON.parse(r.doc) as T,
      createdAt: Number(r.created_at),
    }));
  }
  async buyerItem<T>(kind: BuyerItemKind, id: string): Promise<BuyerItem<T> | undefined> {
    const r = await this.q.buyerItem[kind].first(this.db, id);
    return (
      r && {
        id: r.id,
        buyerId: r.buyer_id,
        position: Number(r.position),
        value: JSON.parse(r.doc) as T,
        createdAt: Number(r.created_at),
      }
    );
  }

  // ---- hosted pages ----
  async buyerSession(sessionHash: string): Promise<BuyerSessionRecord | undefined> {
    const r = await this.db
      .selectFrom('buyer_sessions')
      .selectAll()
      .where('session_hash', '=', sessionHash)
      .executeTakeFirst();
    return r && toBuyerSession(r);
  }
  async hostedToken(tokenHash: string): Promise<HostedTokenRecord | undefined> {
    const r = await this.db
      .selectFrom('hosted_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r && toHostedToken(r);
  }
  async signInFailures(attemptKey: string, since: Instant): Promise<number> {
    const r = await this.db
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('attempt_key', '=', attemptKey)
      .where('at', '>=', since)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // --- Payment notification delivery (kysely-ipn.ts) ---
  ipnEndpoint(merchantId: string, environment: Environment): Promise<IpnEndpoint | undefined> {
    return ipn.ipnEndpoint(this.db, merchantId, environment);
  }
  ipnEndpointsOf(merchantId: string): Promise<IpnEndpoint[]> {
    return ipn.ipnEndpointsOf(this.db, merchantId);
  }
  notification(notificationId: string): Promise<NotificationRecord | undefined> {
    return ipn.notification(this.db, notificationId);
  }
  notificationsOf(merchantId: string, options?: { objectId?: string; limit?: number }): Promise<NotificationRecord[]> {
    return ipn.notificationsOf(this.db, merchantId, options);
  }
  ipnAttemptsOf(merchantId: string, options?: { notificationId?: string; limit?: number }): Promise<IpnAttempt[]> {
    return ipn.ipnAttemptsOf(this.db, merchantId, options);
  }
  ipnCertificate(fingerprint?: string): Promise<IpnCertificate | undefined> {
    return ipn.ipnCertificate(this.db, fingerprint);
  }
}

class KyselyTx extends KyselyReads implements StoreTx {
  #savepoints = 0;

  constructor(
    private readonly trx: Transaction<Database>,
    dialect: DialectName,
    q: Queries,
  ) {
    super(trx, dialect, q);
  }

  async getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined> {
    const r = await this.q.getForUpdate[kind].first(this.trx, id);
    return r && fromDocRow<K>(r);
  }
  async chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]> {
    const { rows } = await this.q.chargesOfPermissionForUpdate.execute(this.trx, chargePermissionId);
    return rows.map((r) => fromDocRow<'charge'>(r));
  }

  async insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]> {
    const saved = { ...doc, version: 1 };
    const id = (doc as unknown as Record<string, string>)[ID_FIELDS[kind]]!;
    await this.q.insert[kind].execute(
      this.trx,
      id,
      doc.merchantId,
      doc.environment,
      doc.state,
      doc.createdAt,
      JSON.stringify(saved),
      ...linkValues(kind, doc),
    );
    return saved;
  }

  async update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]> {
    const saved = { ...doc, version: doc.version + 1 };
    const id = (doc as unknown as Record<string, string>)[ID_FIELDS[kind]]!;
    const changed = await this.q.update[kind].changed(
      this.trx,
      doc.state,
      saved.version,
      JSON.stringify(saved),
      id,
      doc.version,
    );
    if (changed !== 1) throw new ConcurrentUpdateError(kind, id);
    return saved;
  }

  async remove(kind: DocumentKind, id: string): Promise<void> {
    await this.trx.deleteFrom(docTable(kind)).where('id', '=', id).execute();
    await this.trx.deleteFrom('timers').where('object_type', '=', kind).where('object_id', '=', id).execute();
  }

  async setTimer(
    kind: DocumentKind,
    owner: { merchantId: string; environment: Environment },
    id: string,
    dueAt: Instant | null,
  ): Promise<void> {
    if (dueAt === null) await this.q.deleteTimer.execute(this.trx, kind, id);
    else await this.q.upsertTimer.execute(this.trx, kind, id, owner.merchantId, owner.environment, dueAt);
  }

  async insertMerchant(m: Merchant): Promise<void> {
    await this.trx
      .insertInto('merchants')
      .values({
        merchant_id: m.merchantId,
        name: m.name,
        region: m.region,
        ledger_currency: m.ledgerCurrency,
        created_at: m.createdAt,
        sandbox_clock_offset_ms: m.sandboxClockOffsetMs,
      })
      .execute();
  }
  async insertMerchantStore(s: MerchantStore, createdAt: Instant): Promise<void> {
    await this.trx
      .insertInto('stores')
      .values({
        store_id: s.storeId,
        merchant_id: s.merchantId,
        name: s.name,
        allowed_origins: JSON.stringify(s.allowedOrigins),
        created_at: createdAt,
      })
      .execute();
  }
  async updateAllowedOrigins(storeId: string, origins: readonly string[]): Promise<void> {
    await this.trx
      .updateTable('stores')
      .set({ allowed_origins: JSON.stringify(origins) })
      .where('store_id', '=', storeId)
      .execute();
  }
  async insertPublicKey(k: PublicKeyRecord): Promise<void> {
    await this.trx
      .insertInto('public_keys')
      .values({
        public_key_id: k.publicKeyId,
        merchant_id: k.merchantId,
        environment: k.environment,
        public_key_pem: k.publicKeyPem,
        created_at: k.createdAt,
      })
      .execute();
  }
  async advanceSandboxClock(merchantId: string, byMs: number): Promise<Merchant> {
    await this.trx
      .updateTable('merchants')
      .set({ sandbox_clock_offset_ms: sql<number>`sandbox_clock_offset_ms + ${byMs}` })
      .where('merchant_id', '=', merchantId)
      .execute();
    const m = await this.merchant(merchantId);
    if (!m) throw new Error(`merchant ${merchantId} vanished`);
    return m;
  }

  async claimIdempotencyKey(
    merchantId: string,
    environment: Environment,
    key: string,
    fingerprint: string,
    now: Instant,
  ): Promise<IdempotencyClaim> {
    // On PostgreSQL a concurrent insert of the same key waits here until the first transaction ends.
    if ((await this.q.claimIdempotencyKey.changed(this.trx, merchantId, environment, key, fingerprint, now)) === 1)
      return { claimed: true };
    const row = await this.q.idempotencyKey.first(this.trx, merchantId, environment, key);
    if (!row) throw new Error(`idempotency key ${key} neither inserted nor found`);
    return {
      claimed: false,
      previous: { fingerprint: row.fingerprint, status: Number(row.status), response: row.response },
    };
  }
  async saveIdempotentResponse(
    merchantId: string,
    environment: Environment,
    key: string,
    status: number,
    response: string,
  ): Promise<void> {
    await this.q.saveIdempotentResponse.execute(this.trx, status, response, merchantId, environment, key);
  }

  async claimDueTimers(realNow: Instant, limit: number, leaseMs: number, merchantId?: string): Promise<TimerDue[]> {
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
      objectType: r.object_type as DocumentKind,
      objectId: r.object_id,
      merchantId: r.merchant_id,
      environment: r.environment as Environment,
      dueAt: Number(r.due_at),
      clockOffsetMs: Number(r.clock_offset_ms),
    }));
  }

  async enqueueNotification(n: NewNotification): Promise<void> {
    await this.q.enqueueNotification.execute(
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

  async insertBuyer(b: BuyerRecord, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    let q = this.trx.insertInto('buyers').values({
      buyer_id: b.buyerId,
      region: b.region,
      email: b.email.toLowerCase(),
      name: b.name,
      phone_number: b.phoneNumber,
      password_hash: b.passwordHash,
      is_test: b.isTest ? 1 : 0,
      created_at: b.createdAt,
      doc: JSON.stringify(b.profile),
    });
    // On PostgreSQL a concurrent insert of the same buyer waits here until the other transaction ends.
    if (options.ifAbsent) q = q.onConflict((oc) => oc.doNothing());
    const r = await q.executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  async updateBuyer(b: BuyerRecord): Promise<void> {
    await this.trx
      .updateTable('buyers')
      .set({
        name: b.name,
        phone_number: b.phoneNumber,
        password_hash: b.passwordHash,
        doc: JSON.stringify(b.profile),
      })
      .where('buyer_id', '=', b.buyerId)
      .execute();
  }
  async insertBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void> {
    await this.trx
      .insertInto(ITEM_TABLES[kind])
      .values({
        id: item.id,
        buyer_id: item.buyerId,
        position: item.position,
        doc: JSON.stringify(item.value),
        created_at: item.createdAt,
        deleted_at: null,
      })
      .execute();
  }
  async updateBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void> {
    await this.trx
      .updateTable(ITEM_TABLES[kind])
      .set({ position: item.position, doc: JSON.stringify(item.value) })
      .where('id', '=', item.id)
      .execute();
  }
  async deleteBuyerItem(kind: BuyerItemKind, id: string, at: Instant): Promise<void> {
    await this.trx.updateTable(ITEM_TABLES[kind]).set({ deleted_at: at }).where('id', '=', id).execute();
  }

  // ---- hosted pages ----
  async insertBuyerSession(b: BuyerSessionRecord): Promise<void> {
    await this.trx
      .insertInto('buyer_sessions')
      .values({
        session_hash: b.sessionHash,
        buyer_id: b.buyerId,
        csrf_token: b.csrfToken,
        created_at: b.createdAt,
        expires_at: b.expiresAt,
        doc: JSON.stringify(b.data),
      })
      .execute();
  }
  async updateBuyerSession(b: BuyerSessionRecord): Promise<void> {
    await this.trx
      .updateTable('buyer_sessions')
      .set({ buyer_id: b.buyerId, csrf_token: b.csrfToken, expires_at: b.expiresAt, doc: JSON.stringify(b.data) })
      .where('session_hash', '=', b.sessionHash)
      .execute();
  }
  async deleteBuyerSession(sessionHash: string): Promise<void> {
    await this.trx.deleteFrom('buyer_sessions').where('session_hash', '=', sessionHash).execute();
  }
  async insertHostedToken(t: HostedTokenRecord): Promise<void> {
    await this.trx
      .insertInto('hosted_tokens')
      .values({
        token_hash: t.tokenHash,
        kind: t.kind,
        subject: t.subject,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        used_at: t.usedAt,
        doc: JSON.stringify(t.data),
      })
      .execute();
  }
  async consumeHostedToken(
    tokenHash: string,
    kind: HostedTokenKind,
    now: Instant,
  ): Promise<HostedTokenRecord | undefined> {
    // The conditional update is what makes a token usable once, even with concurrent requests.
    const result = await this.trx
      .updateTable('hosted_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.hostedToken(tokenHash);
  }
  async recordSignInFailure(id: string, attemptKey: string, at: Instant): Promise<void> {
    await this.trx.insertInto('sign_in_failures').values({ id, attempt_key: attemptKey, at }).execute();
  }
  async lockSignInThrottle(attemptKey: string): Promise<SignInThrottleRecord> {
    await this.trx
      .insertInto('sign_in_throttle')
      .values({ attempt_key: attemptKey, failures: 0, last_at: 0, next_at: 0 })
      .onConflict((oc) => oc.column('attempt_key').doNothing())
      .execute();
    let q = this.trx.selectFrom('sign_in_throttle').selectAll().where('attempt_key', '=', attemptKey);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirstOrThrow();
    return { failures: Number(r.failures), lastAt: Number(r.last_at), nextAt: Number(r.next_at) };
  }
  async putSignInThrottle(attemptKey: string, state: SignInThrottleRecord): Promise<void> {
    await this.trx
      .updateTable('sign_in_throttle')
      .set({ failures: state.failures, last_at: state.lastAt, next_at: state.nextAt })
      .where('attempt_key', '=', attemptKey)
      .execute();
  }
  async clearSignInFailures(attemptKey: string): Promise<void> {
    await this.trx.deleteFrom('sign_in_failures').where('attempt_key', '=', attemptKey).execute();
  }
  async purgeHosted(now: Instant, failuresBefore: Instant): Promise<void> {
    await this.trx.deleteFrom('buyer_sessions').where('expires_at', '<=', now).execute();
    await this.trx.deleteFrom('hosted_tokens').where('expires_at', '<=', now).execute();
    await this.trx.deleteFrom('sign_in_failures').where('at', '<', failuresBefore).execute();
    await this.trx
      .deleteFrom('sign_in_throttle')
      .where('last_at', '<', failuresBefore)
      .where('next_at', '<=', now)
      .execute();
  }

  // --- Payment notification delivery (kysely-ipn.ts) ---
  setIpnEndpoint(endpoint: IpnEndpoint): Promise<void> {
    return ipn.setIpnEndpoint(this.trx, endpoint);
  }
  claimDueNotifications(
    realNow: Instant,
    limit: number,
    leaseMs: number,
    claimToken: string,
    skipEndpoints: readonly string[] = [],
  ): Promise<ClaimedNotification[]> {
    return ipn.claimDueNotifications(this.trx, this.dialect, realNow, limit, leaseMs, claimToken, skipEndpoints);
  }
  releaseNotificationClaims(notificationIds: readonly string[], claimToken: string): Promise<void> {
    return ipn.releaseNotificationClaims(this.trx, notificationIds, claimToken);
  }
  recordIpnAttempt(attempt: IpnAttempt, after: NotificationAfterAttempt): Promise<boolean> {
    return ipn.recordIpnAttempt(this.trx, attempt, after);
  }
  replayNotification(notificationId: string, now: Instant): Promise<boolean> {
    return ipn.replayNotification(this.trx, notificationId, now);
  }
  insertIpnCertificateIfNone(certificate: IpnCertificate): Promise<void> {
    return ipn.insertIpnCertificateIfNone(this.trx, certificate);
  }

  async savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // Named by depth: nested savepoints differ, and the same few statements serve every transaction.
    const name = sql.raw(`reji_sp_${++this.#savepoints}`);
    await sql`savepoint ${name}`.execute(this.trx);
    try {
      const result = await fn(this);
      await sql`release savepoint ${name}`.execute(this.trx);
      return result;
    } catch (error) {
      await sql`rollback to savepoint ${name}`.execute(this.trx);
      await sql`release savepoint ${name}`.execute(this.trx);
      throw error;
    } finally {
      this.#savepoints--;
    }
  }
}

export interface KyselyStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Turns driver errors into StoreUnavailableError / ConcurrentUpdateError where they mean that. */
  readonly classifyError: (error: unknown) => unknown;
  readonly onClose?: () => Promise<void>;
}

export class KyselyStore implements Store {
  readonly dialect: DialectName;
  readonly reader: StoreReads;
  readonly #db: Kysely<Database>;
  readonly #classify: (error: unknown) => unknown;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #queries: Queries;

  constructor(options: KyselyStoreOptions) {
    this.dialect = options.dialect;
    this.#db = options.db;
    this.#classify = options.classifyError;
    this.#onClose = options.onClose;
    this.#queries = new Queries(options.dialect);
    this.reader = wrapErrors(new KyselyReads(options.db, options.dialect, this.#queries), this.#classify);
  }

  /** Kysely access for migrations, the notification worker and benchmarks. */
  get kysely(): Kysely<Database> {
    return this.#db;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction().execute((trx) => fn(new KyselyTx(trx, this.dialect, this.#queries)));
    } catch (error) {
      throw this.#classify(error);
    }
  }

  async ping(): Promise<void> {
    try {
      // A write that touches no row: fails on a read-only database (SQLITE_READONLY, 25006) as any write would.
      await this.#db.transaction().execute((trx) => sql`update merchants set name = name where 1 = 0`.execute(trx));
    } catch (error) {
      throw this.#classify(error);
    }
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    await this.#onClose?.();
  }
}

/** Every read outside a transaction reports driver failures the same way transactions do. */
function wrapErrors<T extends object>(target: T, classify: (error: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        } catch (error) {
          throw classify(error);
        }
      };
    },
  });
}
