import type { Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { InStoreCharge, InStoreRecord, InStoreRefund, InStoreScan } from '../domain/in-store.js';
import type { InStoreTx } from './in-store.js';
import type { DialectName } from './migrations.js';
import { rowLock } from './prepared.js';
import type { Database } from './schema.js';

function idOf(r: InStoreRecord): string {
  return r.kind === 'scan' ? r.chargePermissionId : r.kind === 'charge' ? r.chargeId : r.refundId;
}

function parentOf(r: InStoreRecord): string | null {
  return r.kind === 'scan' ? null : r.kind === 'charge' ? r.chargePermissionId : r.chargeId;
}

export class KyselyInStoreTx implements InStoreTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
  ) {}

  async #locked(kind: string, merchantId: string, environment: Environment, id: string) {
    const r = await rowLock(this.dialect)(
      this.trx
        .selectFrom('in_store_transactions')
        .select('doc')
        .where('id', '=', id)
        .where('kind', '=', kind)
        .where('merchant_id', '=', merchantId)
        .where('environment', '=', environment),
    ).executeTakeFirst();
    return r && JSON.parse(r.doc);
  }
  async scanForUpdate(merchantId: string, environment: Environment, id: string): Promise<InStoreScan | undefined> {
    return this.#locked('scan', merchantId, environment, id);
  }
  async chargeForUpdate(merchantId: string, environment: Environment, id: string): Promise<InStoreCharge | undefined> {
    return this.#locked('charge', merchantId, environment, id);
  }
  async #children(kind: string, parentId: string) {
    const rows = await this.trx
      .selectFrom('in_store_transactions')
      .select('doc')
      .where('parent_id', '=', parentId)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => JSON.parse(r.doc));
  }
  chargesOf(chargePermissionId: string): Promise<InStoreCharge[]> {
    return this.#children('charge', chargePermissionId);
  }
  refundsOf(chargeId: string): Promise<InStoreRefund[]> {
    return this.#children('refund', chargeId);
  }
  async refundForUpdate(
    refundId: string,
  ): Promise<{ refund: InStoreRefund; merchantId: string; environment: Environment } | undefined> {
    const r = await rowLock(this.dialect)(
      this.trx
        .selectFrom('in_store_transactions')
        .select(['doc', 'merchant_id', 'environment'])
        .where('id', '=', refundId)
        .where('kind', '=', 'refund'),
    ).executeTakeFirst();
    return r && { refund: JSON.parse(r.doc), merchantId: r.merchant_id, environment: r.environment as Environment };
  }
  async charge(chargeId: string): Promise<InStoreCharge | undefined> {
    const r = await this.trx
      .selectFrom('in_store_transactions')
      .select('doc')
      .where('id', '=', chargeId)
      .where('kind', '=', 'charge')
      .executeTakeFirst();
    return r && JSON.parse(r.doc);
  }
  async updateRefund(refund: InStoreRefund): Promise<void> {
    await this.trx
      .updateTable('in_store_transactions')
      .set({ doc: JSON.stringify(refund) })
      .where('id', '=', refund.refundId)
      .where('kind', '=', 'refund')
      .execute();
  }
  async insert(merchantId: string, environment: Environment, record: InStoreRecord): Promise<void> {
    await this.trx
      .insertInto('in_store_transactions')
      .values({
        id: idOf(record),
        merchant_id: merchantId,
        environment,
        kind: record.kind,
        parent_id: parentOf(record),
        created_at: record.createdAt,
        doc: JSON.stringify(record),
      })
      .execute();
  }
}
