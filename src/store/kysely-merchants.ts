import { type Selectable, sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { CurrencyCode } from '../domain/money.js';
import type { Region } from '../domain/regions.js';
import type { Instant } from '../domain/time.js';
import type { Credentials, MerchantReads, MerchantTx } from './merchants.js';
import { type Executor, PreparedQuery } from './prepared.js';
import type { Database, MerchantRow, PublicKeyRow, StoreRow } from './schema.js';

function toMerchant(r: Selectable<MerchantRow>): Merchant {
  return {
    merchantId: r.merchant_id,
    name: r.name,
    region: r.region as Region,
    ledgerCurrency: r.ledger_currency as CurrencyCode,
    createdAt: Number(r.created_at),
    sandboxClockOffsetMs: Number(r.sandbox_clock_offset_ms),
    ...(Number(r.payment_service_provider) === 1 ? { paymentServiceProvider: true } : {}),
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

/** The merchants' queries of every request, compiled once per store (see PreparedQuery). */
export class MerchantQueries {
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
        'm.payment_service_provider as m_payment_service_provider',
      ])
      .where('k.public_key_id', '=', publicKeyId),
  );
}

export class KyselyMerchantReads implements MerchantReads {
  constructor(
    protected readonly db: Executor,
    protected readonly q: MerchantQueries,
  ) {}

  async get(merchantId: string): Promise<Merchant | undefined> {
    const r = await this.q.merchant.first(this.db, merchantId);
    return r && toMerchant(r);
  }
  async store(storeId: string): Promise<MerchantStore | undefined> {
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
            payment_service_provider: r.m_payment_service_provider!,
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
}

export class KyselyMerchantTx extends KyselyMerchantReads implements MerchantTx {
  constructor(
    private readonly trx: Transaction<Database>,
    q: MerchantQueries,
  ) {
    super(trx, q);
  }

  async insert(m: Merchant): Promise<void> {
    await this.trx
      .insertInto('merchants')
      .values({
        merchant_id: m.merchantId,
        name: m.name,
        region: m.region,
        ledger_currency: m.ledgerCurrency,
        created_at: m.createdAt,
        sandbox_clock_offset_ms: m.sandboxClockOffsetMs,
        payment_service_provider: m.paymentServiceProvider ? 1 : 0,
      })
      .execute();
  }
  async setPaymentServiceProvider(merchantId: string, on: boolean): Promise<boolean> {
    const r = await this.trx
      .updateTable('merchants')
      .set({ payment_service_provider: on ? 1 : 0 })
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async insertStore(s: MerchantStore, createdAt: Instant): Promise<void> {
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
    const m = await this.get(merchantId);
    if (!m) throw new Error(`merchant ${merchantId} vanished`);
    return m;
  }
}
