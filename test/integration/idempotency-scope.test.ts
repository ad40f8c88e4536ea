import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { fingerprint } from '../../src/app/idempotency.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { sqlitePath } from '../../src/store/open-store.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { officialClient, settle, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });
const LEGACY_MERCHANT = 'LEGACYMERCHANT0001';
const LEGACY_KEY = 'key-from-before-0004';
const LEGACY_RESPONSE = '{"checkoutSessionId":"stored-before-the-migration"}';

/** Migrates an empty database only up to the schema before keys had an operation, and stores a key there. */
async function writeKeyWithOldSchema(where: { dataDir: string; databaseUrl: string | undefined }) {
  const dialect = where.databaseUrl ? 'postgres' : 'sqlite';
  const db = new Kysely<any>({
    dialect: where.databaseUrl
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: where.databaseUrl, max: 1 }) })
      : new SqliteDialect({ database: new BetterSqlite3(sqlitePath(where.dataDir)) }),
  });
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider(dialect) }).migrateTo('0003_ipn');
    if (error) throw error;
    await db
      .insertInto('idempotency_keys')
      .values({
        merchant_id: LEGACY_MERCHANT,
        environment: 'Sandbox',
        idem_key: LEGACY_KEY,
        fingerprint: 'replaced once the merchant exists',
        status: 201,
        response: LEGACY_RESPONSE,
        created_at: Date.now(),
      })
      .execute();
  } finally {
    await db.destroy();
  }
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`idempotency keys are scoped to the operation (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect, beforeOpen: writeKeyWithOldSchema });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    const sessionBody = () => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: merchant.storeId,
    });

    test('one key on Create Checkout Session, Create Charge and Capture: each succeeds; a second Capture replays', async () => {
      const headers = { 'x-amz-pay-idempotency-key': `one-key-${dialect}` };
      const created = await client.createCheckoutSession(sessionBody(), headers);
      assert.equal(created.status, 201);
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '5000' });
      assert.equal(done.status, 200, JSON.stringify(done.data));
      const charge = await client.createCharge(
        { chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('1000'), captureNow: false },
        headers,
      );
      assert.equal(charge.status, 201, JSON.stringify(charge.data));
      const captureBody = { captureAmount: JPY('1000') };
      const capture = await client.captureCharge(charge.data.chargeId, captureBody, headers);
      assert.equal(capture.status, 200, JSON.stringify(capture.data));
      const again = await client.captureCharge(charge.data.chargeId, captureBody, headers);
      assert.equal(again.status, 200);
      assert.deepEqual(again.data, capture.data);
      // Within one operation the rule stands: a different request with the key is refused.
      const changed = await settle(
        client.createCheckoutSession({ ...sessionBody(), merchantMetadata: { merchantReferenceId: 'x' } }, headers),
      );
      assert.equal(changed.status, 400);
      assert.equal(changed.data.reasonCode, 'DuplicateIdempotencyKey');
    });

    test('a key stored with the schema before the migration still replays its response', async () => {
      const body = JSON.stringify(sessionBody());
      const db = (reji.ctx.store as unknown as { kysely: Kysely<any> }).kysely;
      await db
        .updateTable('idempotency_keys')
        .set({
          merchant_id: merchant.merchantId,
          fingerprint: fingerprint({
            method: 'POST',
            path: '/v2/checkoutSessions',
            simulationCode: undefined,
            body: Buffer.from(body),
          }),
        })
        .where('merchant_id', '=', LEGACY_MERCHANT)
        .execute();
      const row = await db
        .selectFrom('idempotency_keys')
        .select('operation')
        .where('idem_key', '=', LEGACY_KEY)
        .executeTakeFirstOrThrow();
      assert.equal(row.operation, '');
      const replay = await client.apiCall({
        method: 'POST',
        urlFragment: 'checkoutSessions',
        payload: body,
        headers: { 'x-amz-pay-idempotency-key': LEGACY_KEY },
      });
      assert.equal(replay.status, 201);
      assert.deepEqual(replay.data, JSON.parse(LEGACY_RESPONSE));
      // It answers as before the migration: a different request with the key is refused.
      const other = await settle(
        client.createCheckoutSession(
          { ...sessionBody(), merchantMetadata: { merchantReferenceId: 'y' } },
          { 'x-amz-pay-idempotency-key': LEGACY_KEY },
        ),
      );
      assert.equal(other.status, 400);
      assert.equal(other.data.reasonCode, 'DuplicateIdempotencyKey');
    });
  });
}
