import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { countRoundTrips } from '../../bench/lib/round-trips.js';
import type { Merchant } from '../../src/domain/merchant.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { inline } from '../../src/store/postgres-pipeline.js';
import { ConcurrentUpdateError } from '../../src/store/store.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';

const merchant = (id: string): Merchant => ({
  merchantId: id,
  name: id,
  region: 'jp',
  ledgerCurrency: 'JPY',
  createdAt: 1_700_000_000_000,
  sandboxClockOffsetMs: 0,
});

/** A merchant with one Sandbox key, written through `store`. */
async function insertMerchantWithKey(store: KyselyStore, merchantId: string, publicKeyId: string): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.merchants.insert(merchant(merchantId));
    await tx.merchants.insertPublicKey({
      publicKeyId,
      merchantId,
      environment: 'Sandbox',
      publicKeyPem: 'pem',
      createdAt: 1,
    });
  });
}

/** Waits (bounded) for something another process's commit makes true: a notification is asynchronous. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setImmediate(r));
    if (i > 20) await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('not seen in time');
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`credentials cache and pipelined writes (${dialect})`, { skip }, () => {
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c().catch(() => {});
    });
    /** Two stores on one database: two processes, as far as the cache can tell. */
    async function twoStores(): Promise<[KyselyStore, KyselyStore]> {
      const dataDir = mkdtempSync(join(tmpdir(), 'reji-trips-'));
      cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      let databaseUrl: string | undefined;
      if (dialect === 'postgres') {
        const db = await createTestDatabase();
        cleanup.push(() => db.drop());
        databaseUrl = db.url;
      }
      const a = await openStore({ dataDir, databaseUrl });
      const b = await openStore({ dataDir, databaseUrl });
      cleanup.push(
        () => a.close(),
        () => b.close(),
      );
      return [a, b];
    }

    test("another process's change to a merchant or a key is seen by the next lookup; own changes at once", async () => {
      const [a, b] = await twoStores();
      await insertMerchantWithKey(a, 'm-cache', 'SANDBOX-CACHE');
      const offset = async (s: KyselyStore) =>
        (await s.reader.merchants.credentials('SANDBOX-CACHE'))?.merchant?.sandboxClockOffsetMs;
      // Cached (PostgreSQL: once the listener listens), then changed by the other store.
      await eventually(async () => (await offset(a)) === 0 && (await offset(a)) === 0);
      await b.transaction((tx) => tx.merchants.advanceSandboxClock('m-cache', 5_000));
      await eventually(async () => (await offset(a)) === 5_000);
      // Own write: no waiting at all.
      await a.transaction((tx) => tx.merchants.advanceSandboxClock('m-cache', 1_000));
      assert.equal(await offset(a), 6_000);
      const cached = await a.reader.merchants.credentials('SANDBOX-CACHE');
      assert.throws(() => {
        (cached!.merchant as { name: string }).name = 'changed';
      }, TypeError);
    });

    test('a compare-and-set that lost fails the transaction (ConcurrentUpdateError), even when held back', async () => {
      const [a] = await twoStores();
      const cs = { checkoutSessionId: 'cs-race', merchantId: 'm', environment: 'Sandbox', state: 'Open', createdAt: 1 };
      await a.transaction((tx) => tx.documents.insert('checkoutSession', cs as never));
      const stale = (await a.reader.documents.get('checkoutSession', 'cs-race'))!;
      await a.transaction((tx) => tx.documents.update('checkoutSession', stale));
      await assert.rejects(
        a.transaction(async (tx) => {
          await tx.documents.update('checkoutSession', stale);
          await tx.documents.insert('checkoutSession', { ...cs, checkoutSessionId: 'cs-after' } as never);
        }),
        ConcurrentUpdateError,
      );
      // Nothing of the failed transaction stayed.
      assert.equal(await a.reader.documents.get('checkoutSession', 'cs-after'), undefined);
      assert.equal((await a.reader.documents.get('checkoutSession', 'cs-race'))?.version, 2);
    });
  });
}

const postgres = (await dialectCases()).find((c) => c.dialect === 'postgres')!;

test('PostgreSQL: round trips of a transaction, counted on the wire', { skip: postgres.skip }, async (t) => {
  const db = await createTestDatabase();
  const relay = await countRoundTrips(db.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'reji-trips-'));
  const store = await openStore({ dataDir, databaseUrl: relay.url, poolSize: 1 });
  t.after(async () => {
    await store.close();
    await relay.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const trips = async (fn: () => Promise<unknown>) => {
    const before = relay.count();
    await fn();
    return relay.count() - before;
  };
  const cs = { checkoutSessionId: 'cs-trips', merchantId: 'm', environment: 'Sandbox', state: 'Open', createdAt: 1 };
  await store.ping(); // the pool's connection is open before counting
  // BEGIN, the insert, its timer and COMMIT: one.
  assert.equal(
    await trips(() =>
      store.transaction(async (tx) => {
        await tx.documents.insert('checkoutSession', cs as never);
        await tx.timers.set('checkoutSession', cs as never, 'cs-trips', 5);
      }),
    ),
    1,
  );
  // A locked read (with BEGIN), then the compare-and-set with COMMIT: two.
  assert.equal(
    await trips(() =>
      store.transaction(async (tx) => {
        const doc = await tx.documents.getForUpdate('checkoutSession', 'cs-trips');
        await tx.documents.update('checkoutSession', doc!);
      }),
    ),
    2,
  );
  // Three reads sent together: one.
  assert.equal(await trips(() => store.reader.buyers.wallet('nobody')), 1);
  // Credentials: read once, then from memory (once this process listens for changes).
  await insertMerchantWithKey(store, 'm-trips', 'SANDBOX-TRIPS');
  await eventually(async () => (await trips(() => store.reader.merchants.credentials('SANDBOX-TRIPS'))) === 0);
  // --database-listen-url off: no cache, every lookup reads.
  const uncached = await openStore({ dataDir, databaseUrl: relay.url, poolSize: 1, listenUrl: 'off' });
  try {
    await uncached.ping();
    for (let i = 0; i < 3; i++)
      assert.equal(await trips(() => uncached.reader.merchants.credentials('SANDBOX-TRIPS')), 1);
  } finally {
    await uncached.close();
  }
  // A transaction that asks nothing of the database sends nothing.
  assert.equal(await trips(() => store.transaction(async () => {})), 0);
});

test('pipelined statements carry their parameters as escaped literals', () => {
  assert.equal(
    inline(`select "a$1" from t where x = $1 and y = $2 and z = 'it''s $1' and w = $10`, [
      "o'brien\\",
      5,
      null,
      4,
      5,
      6,
      7,
      8,
      9,
      true,
    ]),
    `select "a$1" from t where x =  E'o''brien\\\\' and y = '5' and z = 'it''s $1' and w = 'true'`,
  );
  assert.throws(() => inline('select $2', [1]));
  assert.throws(() => inline('select $1', [[1, 2]]));
});
