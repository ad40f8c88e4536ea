import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, dialectCases, POSTGRES_ADMIN_URL } from '../support/dialects.js';
import { checkoutUntilComplete } from '../support/flows.js';
import { officialClient } from '../support/official-sdk.js';
import { cliMerchant, spawnReji, type RejiProcess } from '../support/processes.js';
import { signedRequest, type RawResponse } from '../support/raw.js';
import type { TestMerchant } from '../support/reji.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const postgres = (await dialectCases()).find((c) => c.dialect === 'postgres')!;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Process `a` reaches PostgreSQL through a TCP proxy the test cuts and restores; process `b` reaches it
 * directly. Raw signed requests (the official SDK would retry 503s by itself and hide them).
 */
describe('the database goes away under a running reji, and comes back', {
  skip: postgres.skip,
  timeout: 300_000,
}, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let a: RejiProcess;
  let b: RejiProcess;
  let merchant: TestMerchant;
  let db: pg.Client;

  const call = (
    p: RejiProcess,
    req: { method: string; path: string; body?: unknown; key?: string },
  ): Promise<RawResponse> =>
    signedRequest(
      p.httpUrl,
      { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem },
      {
        method: req.method,
        path: req.path,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        ...(req.key ? { headers: { 'x-amz-pay-idempotency-key': req.key } } : {}),
      },
    );
  const createBody = () => ({
    webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
    storeId: merchant.storeId,
  });
  const create = (p: RejiProcess, key: string) =>
    call(p, { method: 'POST', path: '/v2/checkoutSessions', body: createBody(), key });
  const ready = async (p: RejiProcess) => (await fetch(`${p.httpUrl}/readyz`)).status;
  const untilReady = async (p: RejiProcess) => {
    for (let i = 0; (await ready(p)) !== 200; i++) {
      assert.ok(i < 100, `${p.name} is ready again`);
      await tick(100);
    }
  };
  /** The proxy swallowed a COMMIT's answer (or the test fails instead of waiting for ever). */
  const swallowed = (lost: Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      lost,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('no COMMIT answer was lost')), 10_000)),
      ),
    ]).finally(() => clearTimeout(timer));
  };
  const assertUnavailable = (r: RawResponse) => {
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.reasonCode, 'ServiceUnavailable');
  };
  /** The session a key created, as the database has it (undefined: the key was never committed). */
  const sessionOfKey = async (key: string): Promise<string | undefined> => {
    const row = (
      await db.query('select status, response from idempotency_keys where merchant_id = $1 and idem_key = $2', [
        merchant.merchantId,
        key,
      ])
    ).rows[0] as { status: number; response: string } | undefined;
    return row ? (JSON.parse(row.response) as { checkoutSessionId: string }).checkoutSessionId : undefined;
  };

  before(async () => {
    database = await createTestDatabase();
    const target = new URL(POSTGRES_ADMIN_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const short = [
      '--database-connect-timeout-ms',
      '1000',
      '--database-statement-timeout-ms',
      '2000',
      '--timer-interval-ms',
      '100',
    ];
    [a, b] = await Promise.all([
      spawnReji({ name: 'a', databaseUrl: proxy.url(database.url), args: short }),
      spawnReji({ name: 'b', databaseUrl: database.url, args: short }),
    ]);
    merchant = await cliMerchant(database.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  beforeEach(async () => {
    // Each test starts with the database reachable again, whatever the one before left behind.
    proxy.set('up');
    await untilReady(a);
  });
  after(async () => {
    proxy?.set('up');
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await db?.end();
    await proxy?.close();
    await database?.drop();
  });

  test('cut during a burst of creates: each answer is a 201 that happened or a 503 ServiceUnavailable; after the restore, retries with the same keys make each session once', async () => {
    const keys: string[] = [];
    const sent: Promise<RawResponse>[] = [];
    // The database goes away once a few creates have succeeded, with others in flight and more to come.
    let created = 0;
    let afterCut = 0;
    while (afterCut < 15) {
      const key = `outage-${keys.length}-${Date.now()}`;
      keys.push(key);
      sent.push(
        create(a, key).then((r) => {
          if (r.status === 201 && ++created === 5) proxy.set('down');
          return r;
        }),
      );
      if (created >= 5) afterCut++;
      await tick(10);
    }
    const answers = await Promise.all(sent);
    const statuses = answers.map((r) => r.status);
    assert.ok(
      statuses.every((s) => s === 201 || s === 503),
      JSON.stringify(statuses),
    );
    assert.ok(statuses.includes(201) && statuses.includes(503), JSON.stringify(statuses));
    for (const [i, r] of answers.entries()) {
      if (r.status === 201) assert.equal(await sessionOfKey(keys[i]!), r.json.checkoutSessionId, 'a 201 was committed');
      else assertUnavailable(r);
    }

    // While a's database is gone: a says so, b (its own connection) goes on.
    assert.equal((await fetch(`${a.httpUrl}/healthz`)).status, 200, 'a is alive');
    assert.equal(await ready(a), 503);
    assert.deepEqual(await (await fetch(`${a.httpUrl}/readyz`)).json(), {
      status: 'unavailable',
      database: 'unreachable',
    });
    assertUnavailable(
      await call(a, { method: 'GET', path: `/v2/checkoutSessions/${answers[0]!.json.checkoutSessionId}` }),
    );
    assert.equal(await ready(b), 200);
    assert.equal((await create(b, `outage-b-${Date.now()}`)).status, 201);

    // Back: the same process, without a restart, serves again; every key ends with exactly one session.
    proxy.set('up');
    await untilReady(a);
    const again = await Promise.all(keys.map((key, i) => create(i % 2 === 0 ? a : b, key)));
    for (const [i, r] of again.entries()) {
      assert.equal(r.status, 201, r.text);
      if (answers[i]!.status === 201) assert.equal(r.text, answers[i]!.text, 'a replay of the first answer');
      assert.equal(await sessionOfKey(keys[i]!), r.json.checkoutSessionId);
    }
    const sessions = (
      await db.query('select count(*)::int as n from checkout_sessions where merchant_id = $1', [merchant.merchantId])
    ).rows[0].n;
    assert.equal(sessions, keys.length + 1);
    assert.ok(a.alive() && b.alive());
  });

  test('the answer to a COMMIT is lost: 503, and the retry with the same key returns what was committed', async () => {
    const key = `lost-commit-${Date.now()}`;
    const lost = proxy.loseCommitAnswer('insert into "idempotency_keys"');
    const first = await create(a, key);
    await swallowed(lost);
    assertUnavailable(first);
    const committed = await sessionOfKey(key);
    assert.ok(committed, 'PostgreSQL committed the session although reji could not know it');
    for (const p of [b, a]) {
      const retry = await create(p, key);
      assert.equal(retry.status, 201, retry.text);
      assert.equal(retry.json.checkoutSessionId, committed);
    }
    assert.equal(
      (await db.query('select count(*)::int as n from idempotency_keys where idem_key = $1', [key])).rows[0].n,
      1,
    );
  });

  test('Complete without a key whose COMMIT answer is lost: 503, the retry is refused as already completed, and nothing is charged twice', async () => {
    const { id } = await checkoutUntilComplete(officialClient(b, merchant), merchant, {
      intent: 'Authorize',
      amount: '2500',
    });
    const lost = proxy.loseCommitAnswer('insert into "charge_permissions"');
    const first = await call(a, {
      method: 'POST',
      path: `/v2/checkoutSessions/${id}/complete`,
      body: { chargeAmount: { amount: '2500', currencyCode: 'JPY' } },
    });
    await swallowed(lost);
    assertUnavailable(first);
    const retry = await call(b, {
      method: 'POST',
      path: `/v2/checkoutSessions/${id}/complete`,
      body: { chargeAmount: { amount: '2500', currencyCode: 'JPY' } },
    });
    assert.equal(retry.status, 422);
    assert.equal(retry.json.reasonCode, 'InvalidCheckoutSessionStatus');
    const session = await call(a, { method: 'GET', path: `/v2/checkoutSessions/${id}` });
    assert.equal(session.json.statusDetails.state, 'Completed');
    const permissions = (await db.query('select id from charge_permissions where checkout_session_id = $1', [id])).rows;
    assert.deepEqual(
      permissions.map((r: { id: string }) => r.id),
      [session.json.chargePermissionId],
    );
    assert.equal(
      (
        await db.query('select count(*)::int as n from charges where charge_permission_id = $1', [
          session.json.chargePermissionId,
        ])
      ).rows[0].n,
      1,
    );
  });

  test('a partition (nothing answers, nothing closes): 503 within the timeouts, then recovery', async () => {
    proxy.set('blackhole');
    const started = Date.now();
    const answer = await create(a, `partition-${Date.now()}`);
    const took = Date.now() - started;
    assertUnavailable(answer);
    assert.ok(took < 8_000, `answered after ${took} ms`);
    assert.equal(await ready(a), 503);
    proxy.set('up');
    await untilReady(a);
    assert.equal((await create(a, `after-partition-${Date.now()}`)).status, 201);
  });

  test('through all of it the process kept running; it reported the outage as warnings and never answered 500', () => {
    assert.ok(a.alive());
    const lines = a
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'database unavailable'));
    assert.deepEqual(
      lines.filter((l) => l.level === 'error'),
      [],
    );
  });
});
