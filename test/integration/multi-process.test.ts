import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { TEST_BUYERS } from '../../src/app/test-buyers.js';
import { heldAmount, type Charge } from '../../src/domain/charge.js';
import type { ChargePermission } from '../../src/domain/charge-permission.js';
import { overRefundAllowance } from '../../src/domain/limits.js';
import { money } from '../../src/domain/money.js';
import type { Refund } from '../../src/domain/refund.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { checkout, checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { cliMerchant, spawnReji, type RejiProcess } from '../support/processes.js';
import { signedRequest, type RawResponse } from '../support/raw.js';
import type { TestMerchant } from '../support/reji.js';

const postgres = (await dialectCases()).find((c) => c.dialect === 'postgres')!;
const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

describe('several reji processes on one PostgreSQL database: races end as one process would end them', {
  skip: postgres.skip,
  timeout: 300_000,
}, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let procs: RejiProcess[] = [];
  let merchant: TestMerchant;
  /** One official client per process; `on(i)` spreads calls over the processes. */
  let clients: OfficialClient[];
  const on = (i: number) => clients[i % clients.length]!;
  let db: pg.Client;

  const raw = (
    i: number,
    req: { method: string; path: string; body?: string; headers?: Record<string, string> },
  ): Promise<RawResponse> =>
    signedRequest(
      procs[i % procs.length]!.httpUrl,
      { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem },
      req,
    );
  const docs = async <T>(table: string): Promise<T[]> =>
    (await db.query(`select doc from ${table} where merchant_id = $1`, [merchant.merchantId])).rows.map(
      (r: { doc: string }) => JSON.parse(r.doc) as T,
    );
  /** STATE_CHANGE notifications in the outbox, by object id. */
  const stateChanges = async (): Promise<Map<string, number>> => {
    const rows = (
      await db.query(
        `select object_id, count(*)::int as n from notifications where merchant_id = $1 and notification_type = 'STATE_CHANGE' group by object_id`,
        [merchant.merchantId],
      )
    ).rows as { object_id: string; n: number }[];
    return new Map(rows.map((r) => [r.object_id, r.n]));
  };

  before(async () => {
    database = await createTestDatabase();
    // Three processes start at the same moment on an empty database: migrations and seeding race.
    // Timer workers tick every 50 ms so that they compete for every due timer.
    procs = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        spawnReji({
          name,
          databaseUrl: database.url,
          args: ['--timer-interval-ms', '50', '--database-pool-size', '6'],
        }),
      ),
    );
    merchant = await cliMerchant(database.url);
    clients = procs.map((p) => officialClient(p, merchant));
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  after(async () => {
    const stopped = await Promise.allSettled(procs.map((p) => p.stop()));
    await db?.end();
    await database?.drop();
    assert.deepEqual(
      stopped.map((s) => (s.status === 'fulfilled' ? s.value : String(s.reason))),
      procs.map(() => 0),
      'every process stopped cleanly on SIGTERM',
    );
  });

  test('three processes started at once on an empty database: one migration run, one set of test buyers, all ready', async () => {
    const migrations = (await db.query('select name from kysely_migration order by name')).rows.map(
      (r: { name: string }) => r.name,
    );
    assert.deepEqual(migrations, Object.keys(await migrationProvider('postgres').getMigrations()).sort());
    assert.equal((await db.query('select count(*)::int as n from buyers')).rows[0].n, TEST_BUYERS.length);
    for (const p of procs) {
      const ready = await fetch(`${p.httpUrl}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ok', database: 'ok' });
    }
  });

  test('one idempotency key sent to every process at once: one checkout session, byte-identical responses', async () => {
    const key = `mp-create-${Date.now()}`;
    const body = JSON.stringify({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: merchant.storeId,
    });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        raw(i, { method: 'POST', path: '/v2/checkoutSessions', body, headers: { 'x-amz-pay-idempotency-key': key } }),
      ),
    );
    for (const r of results) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(results.map((r) => r.text)).size, 1, 'every process answered the same bytes');
    const id = results[0]!.json.checkoutSessionId as string;
    const rows = (
      await db.query(
        "select id from checkout_sessions where merchant_id = $1 and doc::jsonb -> 'webCheckoutDetails' ->> 'checkoutReviewReturnUrl' = $2",
        [merchant.merchantId, 'https://shop.example/review'],
      )
    ).rows;
    assert.deepEqual(rows.filter((r: { id: string }) => r.id === id).length, 1);
    const keys = (await db.query('select status from idempotency_keys where idem_key = $1', [key])).rows;
    assert.deepEqual(keys, [{ status: 201 }]);
  });

  test('racing Complete calls across processes: exactly one completes, with one charge permission and one charge', async () => {
    const { id } = await checkoutUntilComplete(on(0), merchant, { amount: '2000', intent: 'Authorize' });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => settle(on(i).completeCheckoutSession(id, { chargeAmount: JPY('2000') }))),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 200))
      assert.equal(r.data.reasonCode, 'InvalidCheckoutSessionStatus');
    const cps = (await db.query('select id from charge_permissions where checkout_session_id = $1', [id])).rows;
    assert.deepEqual(
      cps.map((r: { id: string }) => r.id),
      [ok[0]!.data.chargePermissionId],
    );
    const charges = (
      await db.query('select id from charges where charge_permission_id = $1', [ok[0]!.data.chargePermissionId])
    ).rows;
    assert.deepEqual(
      charges.map((r: { id: string }) => r.id),
      [ok[0]!.data.chargeId],
    );
  });

  test('Complete with one idempotency key on every process: one completion, every caller gets its response', async () => {
    const { id } = await checkoutUntilComplete(on(1), merchant, { amount: '1500', intent: 'Authorize' });
    const key = `mp-complete-${Date.now()}`;
    const body = JSON.stringify({ chargeAmount: JPY('1500') });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        raw(i, {
          method: 'POST',
          path: `/v2/checkoutSessions/${id}/complete`,
          body,
          headers: { 'x-amz-pay-idempotency-key': key },
        }),
      ),
    );
    for (const r of results) assert.equal(r.status, 200, r.text);
    assert.equal(new Set(results.map((r) => r.text)).size, 1);
    assert.equal(
      (await db.query('select count(*)::int as n from charge_permissions where checkout_session_id = $1', [id])).rows[0]
        .n,
      1,
    );
  });

  test('racing captures on one charge across processes: exactly one captures', async () => {
    const done = await checkout(on(2), merchant, { intent: 'Authorize', amount: '3000' });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        settle(on(i).captureCharge(done.data.chargeId, { captureAmount: JPY('3000') }, idem())),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 200)) assert.equal(r.data.reasonCode, 'InvalidChargeStatus');
    const charge = (await on(0).getCharge(done.data.chargeId)).data;
    assert.equal(charge.statusDetails.state, 'Captured');
    assert.deepEqual(charge.captureAmount, JPY('3000'));
  });

  let refundedChargeId = '';
  test('racing refunds across processes never pass captured + allowance; one key makes one refund', async () => {
    const done = await checkout(on(0), merchant, { intent: 'AuthorizeWithCapture', amount: '10000' });
    refundedChargeId = done.data.chargeId;
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        settle(on(i).createRefund({ chargeId: done.data.chargeId, refundAmount: JPY('3000') }, idem())),
      ),
    );
    // 10000 captured + 1500 allowance = 11500: three refunds of 3000 fit, a fourth does not.
    assert.equal(results.filter((r) => r.status === 201).length, 3, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 201))
      assert.equal(r.data.reasonCode, 'TransactionAmountExceeded');
    const key = `mp-refund-${Date.now()}`;
    const body = JSON.stringify({ chargeId: done.data.chargeId, refundAmount: JPY('500') });
    const same = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        raw(i, { method: 'POST', path: '/v2/refunds', body, headers: { 'x-amz-pay-idempotency-key': key } }),
      ),
    );
    for (const r of same) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(same.map((r) => r.json.refundId)).size, 1);
    assert.equal(
      (await db.query('select count(*)::int as n from refunds where charge_id = $1', [done.data.chargeId])).rows[0].n,
      4,
    );
  });

  test('racing Create Charge across processes never passes the permission limit; one key makes one charge', async () => {
    const done = await checkout(on(1), merchant, { intent: 'Confirm', amount: '10000' });
    const cpId = done.data.chargePermissionId as string;
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        settle(on(i).createCharge({ chargePermissionId: cpId, chargeAmount: JPY('3000') }, idem())),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 3, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 201))
      assert.equal(r.data.reasonCode, 'TransactionAmountExceeded');
    const key = `mp-charge-${Date.now()}`;
    const body = JSON.stringify({ chargePermissionId: cpId, chargeAmount: JPY('1000') });
    const same = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        raw(i, { method: 'POST', path: '/v2/charges', body, headers: { 'x-amz-pay-idempotency-key': key } }),
      ),
    );
    for (const r of same) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(same.map((r) => r.text)).size, 1);
    const cp = await on(2).getChargePermission(cpId);
    assert.deepEqual(cp.data.limits.amountBalance, JPY('0'));
    assert.equal(
      (await db.query('select count(*)::int as n from charges where charge_permission_id = $1', [cpId])).rows[0].n,
      4,
    );
  });

  test('timers fire once whichever process takes them: pending authorizations, refunds, then authorization expiry', async () => {
    const approved = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        checkout(on(i), merchant, {
          intent: 'Authorize',
          amount: '1200',
          paymentMethodId: 'jp-taro-0701',
          canHandlePendingAuthorization: true,
        }),
      ),
    );
    const declined = await Promise.all(
      [0, 1].map((i) =>
        checkout(on(i), merchant, {
          intent: 'Authorize',
          amount: '1300',
          paymentMethodId: 'jp-taro-4354',
          canHandlePendingAuthorization: true,
        }),
      ),
    );
    for (const d of [...approved, ...declined]) assert.equal(d.status, 202);
    const pendingIds = [...approved, ...declined].map((d) => d.data.chargeId as string);

    // The clock moves on one process while reads on the others settle the same objects and every
    // process's timer worker claims what became due.
    const reads = pendingIds.flatMap((id, n) => [1, 2].map((i) => settle(on(n + i).getCharge(id))));
    await Promise.all([testing(on(0)).advanceClock(31), ...reads]);
    for (const d of approved)
      assert.equal((await on(1).getCharge(d.data.chargeId)).data.statusDetails.state, 'Authorized');
    for (const d of declined) {
      assert.equal((await on(2).getCharge(d.data.chargeId)).data.statusDetails.state, 'Declined');
      assert.equal(
        (await on(0).getChargePermission(d.data.chargePermissionId)).data.statusDetails.state,
        'NonChargeable',
      );
    }
    const refunds = (await db.query('select id from refunds where charge_id = $1', [refundedChargeId])).rows.map(
      (r: { id: string }) => r.id as string,
    );
    for (const id of refunds) assert.equal((await on(1).getRefund(id)).data.statusDetails.state, 'Refunded');

    let changes = await stateChanges();
    for (const id of pendingIds) assert.equal(changes.get(id), 2, `charge ${id}: created pending, then settled once`);
    for (const d of approved)
      assert.equal(changes.get(d.data.chargePermissionId), 1, 'no state change for its permission');
    for (const d of declined)
      assert.equal(changes.get(d.data.chargePermissionId), 2, 'Chargeable, then NonChargeable once');
    for (const id of refunds) assert.equal(changes.get(id), 2, `refund ${id}: initiated, then refunded once`);

    // 31 days on (from another process): every open authorization of the merchant lapses at once.
    const before = await docs<Charge>('charges');
    const open = before.filter((c) => c.state === 'Authorized');
    assert.ok(open.length >= 8, `${open.length} open authorizations`);
    await Promise.all([
      testing(on(1)).advanceClock(31 * 24 * 3600),
      ...open.map((c, n) => settle(on(n).getCharge(c.chargeId))),
    ]);
    for (const c of open) {
      const now = (await on(2).getCharge(c.chargeId)).data;
      assert.equal(now.statusDetails.state, 'Canceled');
      assert.equal(now.statusDetails.reasonCode, 'ExpiredUnused');
    }
    changes = await stateChanges();
    for (const c of open) {
      // Created Authorized, then Canceled; or created AuthorizationInitiated, Authorized, then Canceled.
      const expected = c.authorizedAt === c.createdAt ? 2 : 3;
      assert.equal(changes.get(c.chargeId), expected, `charge ${c.chargeId}: one notification per state`);
    }
  });

  test('every invariant holds over everything the processes did, and no process logged an unexpected error', async () => {
    const charges = await docs<Charge>('charges');
    const permissions = await docs<ChargePermission>('charge_permissions');
    const refunds = await docs<Refund>('refunds');
    assert.ok(
      charges.length >= 14 && permissions.length >= 10 && refunds.length >= 4,
      `${charges.length} charges, ${permissions.length} permissions, ${refunds.length} refunds`,
    );
    for (const c of charges) {
      const captured = c.capturedAmount?.minor ?? 0;
      assert.ok(
        captured <= c.chargeAmount.minor,
        `charge ${c.chargeId}: captured ${captured} <= authorized ${c.chargeAmount.minor}`,
      );
      const mine = refunds.filter((r) => r.chargeId === c.chargeId);
      const settled = mine.filter((r) => r.state === 'Refunded').reduce((s, r) => s + r.refundAmount.minor, 0);
      const pending = mine.filter((r) => r.state === 'RefundInitiated').reduce((s, r) => s + r.refundAmount.minor, 0);
      assert.equal(c.refundedMinor, settled, `charge ${c.chargeId}: refunded books match its refunds`);
      assert.equal(c.refundPendingMinor, pending);
      const ceiling = captured + overRefundAllowance(money(captured, c.chargeAmount.currency)).minor;
      assert.ok(settled + pending <= ceiling, `charge ${c.chargeId}: refunded ${settled + pending} <= ${ceiling}`);
    }
    for (const cp of permissions) {
      const mine = charges.filter((c) => c.chargePermissionId === cp.chargePermissionId);
      const held = mine.reduce((s, c) => s + heldAmount(c).minor, 0);
      const captured = mine
        .filter((c) => c.state === 'Captured')
        .reduce((s, c) => s + (c.capturedAmount ?? c.chargeAmount).minor, 0);
      assert.equal(cp.reservedMinor, held, `permission ${cp.chargePermissionId}: reserved books match its charges`);
      assert.equal(cp.capturedMinor, captured);
      if (cp.amountLimit)
        assert.ok(
          held <= cp.amountLimit.minor,
          `permission ${cp.chargePermissionId}: ${held} <= limit ${cp.amountLimit.minor}`,
        );
    }
    const twice = (await db.query('select checkout_session_id from charge_permissions group by 1 having count(*) > 1'))
      .rows;
    assert.deepEqual(twice, [], 'no checkout session completed twice');
    for (const p of procs) {
      assert.ok(p.alive(), `${p.name} is running`);
      const errors = p
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":"error"'));
      assert.deepEqual(errors, [], `${p.name} logged errors`);
    }
  });
});
