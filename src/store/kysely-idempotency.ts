import type { Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';
import type { IdempotencyClaim, IdempotencyTx } from './idempotency.js';
import { PreparedQuery } from './prepared.js';
import type { Database } from './schema.js';

/** The operation of idempotency keys stored before migration 0004 (they did not record one). */
const LEGACY_OPERATION = '';

/** The idempotency queries of every POST, compiled once per store (see PreparedQuery). */
export class IdempotencyQueries {
  /**
   * Whether keys from before migration 0004 may exist; undefined until the first claim looks. Nothing writes
   * such keys after the migration, so once none is found the per-request lookup for them is skipped for good.
   */
  legacyKeysMayExist: boolean | undefined;
  readonly anyLegacy = new PreparedQuery((db) =>
    db.selectFrom('idempotency_keys').select('idem_key').where('operation', '=', LEGACY_OPERATION).limit(1),
  );
  readonly claim = new PreparedQuery(
    (
      db,
      merchantId: string,
      environment: string,
      operation: string,
      key: string,
      fingerprint: string,
      createdAt: number,
    ) =>
      db
        .insertInto('idempotency_keys')
        .values({
          merchant_id: merchantId,
          environment,
          operation,
          idem_key: key,
          fingerprint,
          status: 0,
          response: '',
          created_at: createdAt,
        })
        .onConflict((oc) => oc.columns(['merchant_id', 'environment', 'idem_key', 'operation']).doNothing()),
  );
  readonly find = new PreparedQuery((db, merchantId: string, environment: string, key: string, operation: string) =>
    db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'response'])
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .where('idem_key', '=', key)
      .where('operation', '=', operation),
  );
  readonly saveResponse = new PreparedQuery(
    (db, status: number, response: string, merchantId: string, environment: string, key: string, operation: string) =>
      db
        .updateTable('idempotency_keys')
        .set({ status, response })
        .where('merchant_id', '=', merchantId)
        .where('environment', '=', environment)
        .where('idem_key', '=', key)
        .where('operation', '=', operation),
  );
}

function previousOf(row: { fingerprint: string; status: number; response: string }): IdempotencyClaim['previous'] {
  return { fingerprint: row.fingerprint, status: Number(row.status), response: row.response };
}

export class KyselyIdempotencyTx implements IdempotencyTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly q: IdempotencyQueries,
  ) {}

  async claim(
    merchantId: string,
    environment: Environment,
    operation: string,
    key: string,
    fingerprint: string,
    now: Instant,
  ): Promise<IdempotencyClaim> {
    // A key stored before keys had an operation (migration 0004) still answers for every operation.
    this.q.legacyKeysMayExist ??= (await this.q.anyLegacy.first(this.trx)) !== undefined;
    if (this.q.legacyKeysMayExist) {
      const legacy = await this.q.find.first(this.trx, merchantId, environment, key, LEGACY_OPERATION);
      if (legacy) return { claimed: false, previous: previousOf(legacy) };
    }
    // On PostgreSQL a concurrent insert of the same key waits here until the first transaction ends.
    const inserted = await this.q.claim.changed(this.trx, merchantId, environment, operation, key, fingerprint, now);
    if (inserted === 1) return { claimed: true };
    const row = await this.q.find.first(this.trx, merchantId, environment, key, operation);
    if (!row) throw new Error(`idempotency key ${key} neither inserted nor found`);
    return { claimed: false, previous: previousOf(row) };
  }
  async saveResponse(
    merchantId: string,
    environment: Environment,
    operation: string,
    key: string,
    status: number,
    response: string,
  ): Promise<void> {
    await this.q.saveResponse.defer(this.trx, status, response, merchantId, environment, key, operation);
  }

  async removeAllOf(merchantId: string, environment: Environment): Promise<void> {
    await this.trx
      .deleteFrom('idempotency_keys')
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .execute();
  }
}
