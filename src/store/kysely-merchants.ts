import { type Selectable, sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { ArmedFault } from '../domain/faults.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { CurrencyCode } from '../domain/money.js';
import type { Region } from '../domain/regions.js';
import type { Instant } from '../domain/time.js';
import type { Credentials, MerchantReads, MerchantTx } from './merchants.js';
import type { CredentialsCache } from './credentials-cache.js';
import { type Executor, PreparedQuery } from './prepared.js';
import type { Database, DelegationRow, MerchantAccountRow, MerchantRow, PublicKeyRow, StoreRow } from './schema.js';
import type { AccountKind, Delegation, MerchantAccount, MerchantAccountState } from '../domain/partners.js';
import { ConcurrentUpdateError } from './store.js';

type MerchantColumns = Omit<Selectable<MerchantRow>, 'kind'> & { kind: string };

function toMerchant(r: MerchantColumns): Merchant {
  return {
    merchantId: r.merchant_id,
    name: r.name,
    region: r.region as Region,
    ledgerCurrency: r.ledger_currency as CurrencyCode,
    createdAt: Number(r.created_at),
    sandboxClockOffsetMs: Number(r.sandbox_clock_offset_ms),
    ...(Number(r.payment_service_provider) === 1 ? { paymentServiceProvider: true } : {}),
    throttling: Number(r.throttling) === 1,
    armedFaults: JSON.parse(r.armed_faults) as ArmedFault[],
    faultsVersion: Number(r.faults_version),
    kind: r.kind as AccountKind,
    onboarding:
      r.partner_id === null
        ? null
        : {
            partnerId: r.partner_id,
            state: r.account_state as MerchantAccountState,
            reviewDueAt: Number(r.review_due_at),
          },
  };
}

function toMerchantAccount(r: MerchantAccountRow): MerchantAccount & { version: number } {
  const doc = JSON.parse(r.doc) as Omit<MerchantAccount, 'merchantAccountId' | 'partnerId' | 'environment'>;
  return {
    ...doc,
    merchantAccountId: r.merchant_account_id,
    partnerId: r.partner_id,
    environment: r.environment as Environment,
    uniqueReferenceId: r.unique_reference_id,
    version: Number(r.version),
  };
}

function accountDoc(a: MerchantAccount): string {
  const { merchantAccountId: _id, partnerId: _p, environment: _e, ...doc } = a;
  return JSON.stringify(doc);
}

function toDelegation(r: DelegationRow): Delegation {
  return {
    mwsAuthToken: r.mws_auth_token,
    partnerId: r.partner_id,
    merchantId: r.merchant_id,
    secret: r.secret,
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
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
  readonly delegation = new PreparedQuery((db, token: string) =>
    db.selectFrom('delegations').selectAll().where('mws_auth_token', '=', token),
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
        'm.throttling as m_throttling',
        'm.armed_faults as m_armed_faults',
        'm.faults_version as m_faults_version',
        'm.kind as m_kind',
        'm.partner_id as m_partner_id',
        'm.account_state as m_account_state',
        'm.review_due_at as m_review_due_at',
      ])
      .where('k.public_key_id', '=', publicKeyId),
  );
}

export class KyselyMerchantReads implements MerchantReads {
  constructor(
    protected readonly db: Executor,
    protected readonly q: MerchantQueries,
    private readonly cache?: CredentialsCache,
  ) {}

  async get(merchantId: string): Promise<Merchant | undefined> {
    const r = await this.q.merchant.first(this.db, merchantId);
    return r && toMerchant(r);
  }
  async store(storeId: string): Promise<MerchantStore | undefined> {
    const r = await this.q.merchantStore.first(this.db, storeId);
    return r && toStore(r);
  }
  async list(limit: number): Promise<Merchant[]> {
    const rows = await this.db.selectFrom('merchants').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toMerchant);
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
  credentials(publicKeyId: string): Promise<Credentials | undefined> {
    return this.cache ? this.cache.get(publicKeyId, (id) => this.#credentials(id)) : this.#credentials(publicKeyId);
  }
  async #credentials(publicKeyId: string): Promise<Credentials | undefined> {
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
            throttling: r.m_throttling!,
            armed_faults: r.m_armed_faults!,
            faults_version: r.m_faults_version!,
            kind: r.m_kind!,
            partner_id: r.m_partner_id,
            account_state: r.m_account_state,
            review_due_at: r.m_review_due_at,
          });
    return { key: toKey(r), merchant };
  }
  async merchantAccount(id: string): Promise<(MerchantAccount & { version: number }) | undefined> {
    const r = await this.db
      .selectFrom('merchant_accounts')
      .selectAll()
      .where('merchant_account_id', '=', id)
      .executeTakeFirst();
    return r && toMerchantAccount(r);
  }
  async merchantAccountByReference(
    partnerId: string,
    environment: Environment,
    uniqueReferenceId: string,
  ): Promise<(MerchantAccount & { version: number }) | undefined> {
    const r = await this.db
      .selectFrom('merchant_accounts')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .where('environment', '=', environment)
      .where('unique_reference_id', '=', uniqueReferenceId)
      .executeTakeFirst();
    return r && toMerchantAccount(r);
  }
  async merchantAccountsOf(partnerId: string): Promise<MerchantAccount[]> {
    const rows = await this.db
      .selectFrom('merchant_accounts')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .orderBy('created_at')
      .execute();
    return rows.map(toMerchantAccount);
  }
  async delegation(mwsAuthToken: string): Promise<Delegation | undefined> {
    const r = await this.q.delegation.first(this.db, mwsAuthToken);
    return r && toDelegation(r);
  }
  async delegationsOf(who: { partnerId: string } | { merchantId: string }): Promise<Delegation[]> {
    const rows = await this.db
      .selectFrom('delegations')
      .selectAll()
      .$call((q) =>
        'partnerId' in who ? q.where('partner_id', '=', who.partnerId) : q.where('merchant_id', '=', who.merchantId),
      )
      .orderBy('created_at')
      .execute();
    return rows.map(toDelegation);
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
  /** `wrote` is told of every write: merchants and keys are cached outside transactions (credentials-cache.ts). */
  constructor(
    private readonly trx: Transaction<Database>,
    q: MerchantQueries,
    private readonly wrote: () => void,
  ) {
    super(trx, q);
  }

  async insert(m: Merchant): Promise<void> {
    this.wrote();
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
        throttling: m.throttling ? 1 : 0,
        armed_faults: JSON.stringify(m.armedFaults ?? []),
        faults_version: m.faultsVersion ?? 0,
        kind: m.kind ?? 'merchant',
        partner_id: m.onboarding?.partnerId ?? null,
        account_state: m.onboarding?.state ?? null,
        review_due_at: m.onboarding?.reviewDueAt ?? null,
      })
      .execute();
  }
  async insertMerchantAccount(a: MerchantAccount): Promise<void> {
    this.wrote();
    await this.trx
      .insertInto('merchant_accounts')
      .values({
        merchant_account_id: a.merchantAccountId,
        partner_id: a.partnerId,
        environment: a.environment,
        unique_reference_id: a.uniqueReferenceId,
        version: 1,
        created_at: a.createdAt,
        doc: accountDoc(a),
      })
      .execute();
  }
  async updateMerchantAccount(a: MerchantAccount, version: number): Promise<void> {
    this.wrote();
    const r = await this.trx
      .updateTable('merchant_accounts')
      .set({ doc: accountDoc(a), version: version + 1 })
      .where('merchant_account_id', '=', a.merchantAccountId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ConcurrentUpdateError('merchant account', a.merchantAccountId);
    await this.trx
      .updateTable('merchants')
      .set({ account_state: a.state, review_due_at: a.reviewDueAt })
      .where('merchant_id', '=', a.merchantAccountId)
      .execute();
  }
  async updateStore(s: MerchantStore): Promise<void> {
    this.wrote();
    await this.trx
      .updateTable('stores')
      .set({ name: s.name, allowed_origins: JSON.stringify(s.allowedOrigins) })
      .where('store_id', '=', s.storeId)
      .execute();
  }
  async insertDelegation(d: Delegation): Promise<void> {
    this.wrote();
    await this.trx
      .insertInto('delegations')
      .values({
        mws_auth_token: d.mwsAuthToken,
        partner_id: d.partnerId,
        merchant_id: d.merchantId,
        secret: d.secret,
        created_at: d.createdAt,
        revoked_at: d.revokedAt,
      })
      .execute();
  }
  async revokeDelegation(mwsAuthToken: string, at: Instant): Promise<boolean> {
    this.wrote();
    const r = await this.trx
      .updateTable('delegations')
      .set({ revoked_at: at })
      .where('mws_auth_token', '=', mwsAuthToken)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async setPaymentServiceProvider(merchantId: string, on: boolean): Promise<boolean> {
    this.wrote();
    const r = await this.trx
      .updateTable('merchants')
      .set({ payment_service_provider: on ? 1 : 0 })
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async insertStore(s: MerchantStore, createdAt: Instant): Promise<void> {
    this.wrote();
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
    this.wrote();
    await this.trx
      .updateTable('stores')
      .set({ allowed_origins: JSON.stringify(origins) })
      .where('store_id', '=', storeId)
      .execute();
  }
  async insertPublicKey(k: PublicKeyRecord): Promise<void> {
    this.wrote();
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
    this.wrote();
    await this.trx
      .updateTable('merchants')
      .set({ sandbox_clock_offset_ms: sql<number>`sandbox_clock_offset_ms + ${byMs}` })
      .where('merchant_id', '=', merchantId)
      .execute();
    const m = await this.get(merchantId);
    if (!m) throw new Error(`merchant ${merchantId} vanished`);
    return m;
  }
  async setThrottling(merchantId: string, on: boolean): Promise<void> {
    this.wrote();
    await this.trx
      .updateTable('merchants')
      .set({ throttling: on ? 1 : 0 })
      .where('merchant_id', '=', merchantId)
      .execute();
  }
  async replaceArmedFaults(
    merchantId: string,
    expectedVersion: number,
    faults: readonly ArmedFault[],
  ): Promise<boolean> {
    this.wrote();
    const r = await this.trx
      .updateTable('merchants')
      .set({ armed_faults: JSON.stringify(faults), faults_version: expectedVersion + 1 })
      .where('merchant_id', '=', merchantId)
      .where('faults_version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
