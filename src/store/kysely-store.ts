import { type Kysely, sql, type Transaction } from 'kysely';
import { CredentialsCache, type Freshness } from './credentials-cache.js';
import { KyselyBuyerReads, KyselyBuyerTx, BuyerQueries } from './kysely-buyers.js';
import { DocumentQueries, KyselyDocumentReads, KyselyDocumentTx } from './kysely-documents.js';
import { KyselyFileReads, KyselyFileTx } from './kysely-files.js';
import { KyselyHostedReads, KyselyHostedTx } from './kysely-hosted.js';
import { IdempotencyQueries, KyselyIdempotencyTx } from './kysely-idempotency.js';
import { KyselyLedgerReads, KyselyLedgerTx } from './kysely-ledger.js';
import {
  KyselyDeliveryTrackerReads,
  KyselyDeliveryTrackerTx,
  KyselyReportReads,
  KyselyReportTx,
} from './kysely-reports.js';
import { KyselyInStoreReads, KyselyInStoreTx } from './kysely-in-store.js';
import { KyselyMerchantReads, KyselyMerchantTx, MerchantQueries } from './kysely-merchants.js';
import { KyselyNotificationReads, KyselyNotificationTx, NotificationQueries } from './kysely-notifications.js';
import { KyselyRequestLogReads, KyselyRequestLogTx, RequestLogQueries } from './kysely-request-log.js';
import { KyselyTimerReads, KyselyTimerTx, TimerQueries } from './kysely-timers.js';
import type { DialectName } from './migrations.js';
import type { Database } from './schema.js';
import type { PoolStats, Store, StoreReads, StoreTx } from './store.js';

/** Every aggregate's prepared queries, compiled once per store (see PreparedQuery). */
class Queries {
  readonly documents: DocumentQueries;
  readonly merchants = new MerchantQueries();
  readonly buyers: BuyerQueries;
  readonly idempotency = new IdempotencyQueries();
  readonly timers = new TimerQueries();
  readonly notifications = new NotificationQueries();
  readonly requestLog = new RequestLogQueries();

  constructor(dialect: DialectName) {
    this.documents = new DocumentQueries(dialect);
    this.buyers = new BuyerQueries(dialect);
  }
}

/** One transaction over all aggregates; each aggregate is made when the use case first touches it. */
class KyselyTx implements StoreTx {
  #savepoints = 0;
  /** A merchant, key or store was written: the credentials cache is cleared when the transaction ends. */
  merchantsWritten = false;
  #documents: KyselyDocumentTx | undefined;
  #merchants: KyselyMerchantTx | undefined;
  #buyers: KyselyBuyerTx | undefined;
  #hosted: KyselyHostedTx | undefined;
  #idempotency: KyselyIdempotencyTx | undefined;
  #timers: KyselyTimerTx | undefined;
  #notifications: KyselyNotificationTx | undefined;
  #files: KyselyFileTx | undefined;
  #ledger: KyselyLedgerTx | undefined;
  #reports: KyselyReportTx | undefined;
  #deliveryTrackers: KyselyDeliveryTrackerTx | undefined;
  #inStore: KyselyInStoreTx | undefined;
  #requestLog: KyselyRequestLogTx | undefined;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly q: Queries,
  ) {}

  get documents(): KyselyDocumentTx {
    this.#documents ??= new KyselyDocumentTx(this.trx, this.q.documents);
    return this.#documents;
  }
  get merchants(): KyselyMerchantTx {
    this.#merchants ??= new KyselyMerchantTx(this.trx, this.q.merchants, () => {
      this.merchantsWritten = true;
    });
    return this.#merchants;
  }
  get buyers(): KyselyBuyerTx {
    this.#buyers ??= new KyselyBuyerTx(this.trx, this.q.buyers);
    return this.#buyers;
  }
  get hosted(): KyselyHostedTx {
    this.#hosted ??= new KyselyHostedTx(this.trx, this.dialect);
    return this.#hosted;
  }
  get idempotency(): KyselyIdempotencyTx {
    this.#idempotency ??= new KyselyIdempotencyTx(this.trx, this.q.idempotency);
    return this.#idempotency;
  }
  get timers(): KyselyTimerTx {
    this.#timers ??= new KyselyTimerTx(this.trx, this.dialect, this.q.timers);
    return this.#timers;
  }
  get notifications(): KyselyNotificationTx {
    this.#notifications ??= new KyselyNotificationTx(this.trx, this.dialect, this.q.notifications);
    return this.#notifications;
  }
  get files(): KyselyFileTx {
    this.#files ??= new KyselyFileTx(this.trx);
    return this.#files;
  }
  get ledger(): KyselyLedgerTx {
    this.#ledger ??= new KyselyLedgerTx(this.trx);
    return this.#ledger;
  }
  get reports(): KyselyReportTx {
    this.#reports ??= new KyselyReportTx(this.trx, this.dialect);
    return this.#reports;
  }
  get deliveryTrackers(): KyselyDeliveryTrackerTx {
    this.#deliveryTrackers ??= new KyselyDeliveryTrackerTx(this.trx);
    return this.#deliveryTrackers;
  }

  get inStore(): KyselyInStoreTx {
    this.#inStore ??= new KyselyInStoreTx(this.trx, this.dialect);
    return this.#inStore;
  }

  get requestLog(): KyselyRequestLogTx {
    this.#requestLog ??= new KyselyRequestLogTx(this.trx, this.q.requestLog);
    return this.#requestLog;
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
  /** The connection pool's state (PostgreSQL); SQLite has one connection and no pool. */
  readonly poolStats?: () => PoolStats;
  /** Whether other processes changed merchants or keys (credentials-cache.ts); without it nothing is cached. */
  readonly credentialsFreshness?: Freshness;
}

export class KyselyStore implements Store {
  readonly dialect: DialectName;
  readonly reader: StoreReads;
  readonly #db: Kysely<Database>;
  readonly #classify: (error: unknown) => unknown;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #queries: Queries;
  readonly #poolStats: (() => PoolStats) | undefined;
  readonly #credentials: CredentialsCache | undefined;

  constructor(options: KyselyStoreOptions) {
    this.dialect = options.dialect;
    this.#db = options.db;
    this.#classify = options.classifyError;
    this.#onClose = options.onClose;
    this.#queries = new Queries(options.dialect);
    this.#poolStats = options.poolStats;
    this.#credentials = options.credentialsFreshness && new CredentialsCache(options.credentialsFreshness);
    const db = options.db;
    const q = this.#queries;
    const classify = this.#classify;
    this.reader = Object.freeze({
      documents: wrapErrors(new KyselyDocumentReads(db, q.documents), classify),
      merchants: wrapErrors(new KyselyMerchantReads(db, q.merchants, this.#credentials), classify),
      buyers: wrapErrors(new KyselyBuyerReads(db, q.buyers), classify),
      hosted: wrapErrors(new KyselyHostedReads(db), classify),
      notifications: wrapErrors(new KyselyNotificationReads(db), classify),
      files: wrapErrors(new KyselyFileReads(db), classify),
      ledger: wrapErrors(new KyselyLedgerReads(db), classify),
      reports: wrapErrors(new KyselyReportReads(db), classify),
      deliveryTrackers: wrapErrors(new KyselyDeliveryTrackerReads(db), classify),
      requestLog: wrapErrors(new KyselyRequestLogReads(db), classify),
      timers: wrapErrors(new KyselyTimerReads(db), classify),
      inStore: wrapErrors(new KyselyInStoreReads(db), classify),
    });
  }

  poolStats(): PoolStats | undefined {
    return this.#poolStats?.();
  }

  /**
   * What every request would otherwise look up on its own, once, after migrating: whether idempotency keys from
   * before migration 0004 exist (looked up lazily, each of a pool's first concurrent claims ran it again).
   */
  async prepare(): Promise<void> {
    const q = this.#queries.idempotency;
    try {
      q.legacyKeysMayExist = (await q.anyLegacy.first(this.#db)) !== undefined;
    } catch (error) {
      throw this.#classify(error);
    }
  }

  /** Kysely access for migrations, the notification worker and benchmarks. */
  get kysely(): Kysely<Database> {
    return this.#db;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    let tx: KyselyTx | undefined;
    try {
      return await this.#db.transaction().execute((trx) => {
        tx = new KyselyTx(trx, this.dialect, this.#queries);
        return fn(tx);
      });
    } catch (error) {
      throw this.#classify(error);
    } finally {
      // This process's own writes are seen by its next request at once (other processes: the freshness check).
      if (tx?.merchantsWritten) this.#credentials?.clear();
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
