import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Merchant } from '../../src/domain/merchant.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore, type OpenStoreOptions } from '../../src/store/open-store.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { createTestDatabase, dialectCases, POSTGRES_ADMIN_URL } from '../support/dialects.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const postgres = (await dialectCases()).find((c) => c.dialect === 'postgres')!;

function merchant(id: string): Merchant {
  return {
    merchantId: id,
    name: id,
    region: 'jp',
    ledgerCurrency: 'JPY',
    createdAt: Date.now(),
    sandboxClockOffsetMs: 0,
  };
}

/** Ends every session on `database` but the caller's: what an administrator or a server restart does. */
async function terminateBackends(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    // Sessions waiting for a lock first: were the lock holder ended first, a waiter could take the lock and finish.
    let ended = 0;
    for (const waiting of [true, false]) {
      const r = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and coalesce(wait_event_type = 'Lock', false) = $2`,
        [database, waiting],
      );
      ended += r.rowCount ?? 0;
    }
    return ended;
  } finally {
    await admin.end();
  }
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise a transaction waits on while it holds its connection (and locks), until the test releases it. */
function gate(): { held: Promise<void>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  return { held, release };
}

describe('PostgreSQL connections: losses, limits and timeouts (store)', { skip: postgres.skip }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dbName: string;
  let proxy: TcpProxy;
  const stores: KyselyStore[] = [];
  const open = async (options: Partial<OpenStoreOptions> = {}) => {
    const store = await openStore({ dataDir: tmpdir(), databaseUrl: database.url, ...options });
    stores.push(store);
    return store;
  };

  before(async () => {
    database = await createTestDatabase();
    dbName = new URL(database.url).pathname.slice(1);
    const target = new URL(POSTGRES_ADMIN_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  });
  after(async () => {
    for (const s of stores) await s.close().catch(() => {});
    await proxy?.close();
    await database?.drop();
  });

  test('a session ended between two statements of a transaction is StoreUnavailableError, not a crash; the pool recovers', async () => {
    const store = await open();
    await store.transaction((tx) => tx.merchants.insert(merchant('m-terminate')));
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.merchants.get('m-terminate');
        assert.ok((await terminateBackends(dbName)) >= 1);
        // The server's "terminating connection" arrives while the connection sits idle in the transaction.
        await tick(200);
        await tx.merchants.advanceSandboxClock('m-terminate', 1000);
      }),
      StoreUnavailableError,
    );
    assert.equal(
      (await store.reader.merchants.get('m-terminate'))?.sandboxClockOffsetMs,
      0,
      'the lost transaction left nothing behind',
    );
    await store.transaction((tx) => tx.merchants.advanceSandboxClock('m-terminate', 1000));
    assert.equal((await store.reader.merchants.get('m-terminate'))?.sandboxClockOffsetMs, 1000);
  });

  test('a statement in flight when the server ends the session (57P01) is StoreUnavailableError', async () => {
    const store = await open();
    await store.transaction((tx) => tx.merchants.insert(merchant('m-inflight')));
    const { held, release } = gate();
    const holder = store
      .transaction(async (tx) => {
        await tx.merchants.advanceSandboxClock('m-inflight', 1);
        await held;
      })
      .catch((e: unknown) => e);
    await tick(50);
    // This one waits for the row lock, so its statement is running when the session ends.
    const waiter = store
      .transaction((tx) => tx.merchants.advanceSandboxClock('m-inflight', 1))
      .catch((e: unknown) => e);
    await tick(100);
    await terminateBackends(dbName);
    release();
    assert.ok((await waiter) instanceof StoreUnavailableError, JSON.stringify(await waiter));
    assert.ok((await holder) instanceof StoreUnavailableError, String(await holder));
    await store.transaction((tx) => tx.merchants.advanceSandboxClock('m-inflight', 5));
    assert.equal((await store.reader.merchants.get('m-inflight'))?.sandboxClockOffsetMs, 5);
  });

  test('a full pool: waiting longer than the connect timeout is StoreUnavailableError', async () => {
    const store = await open({ poolSize: 1, connectTimeoutMs: 200 });
    const { held, release } = gate();
    const holder = store.transaction(async (tx) => {
      await tx.merchants.get('nobody');
      await held;
    });
    await tick(50);
    await assert.rejects(
      store.reader.merchants.get('nobody'),
      (e: unknown) => e instanceof StoreUnavailableError && /timeout exceeded when trying to connect/.test(e.message),
    );
    release();
    await holder;
    assert.equal(await store.reader.merchants.get('nobody'), undefined);
  });

  test('a lock held past the statement timeout is StoreUnavailableError (57014) for the waiter; the holder commits', async () => {
    const store = await open({ statementTimeoutMs: 300 });
    await store.transaction((tx) => tx.merchants.insert(merchant('m-lock')));
    const { held, release } = gate();
    const holder = store.transaction(async (tx) => {
      await tx.merchants.advanceSandboxClock('m-lock', 10);
      await held;
    });
    await tick(50);
    await assert.rejects(
      store.transaction((tx) => tx.merchants.advanceSandboxClock('m-lock', 1)),
      (e: unknown) => e instanceof StoreUnavailableError && (e.cause as { code?: string }).code === '57014',
    );
    release();
    await holder;
    assert.equal((await store.reader.merchants.get('m-lock'))?.sandboxClockOffsetMs, 10);
  });

  test('the database going away and coming back behind a proxy: 503-class errors, then the same store works again', async () => {
    proxy.set('up');
    const store = await open({ databaseUrl: proxy.url(database.url), connectTimeoutMs: 500, statementTimeoutMs: 500 });
    await store.transaction((tx) => tx.merchants.insert(merchant('m-proxy')));
    proxy.set('down');
    await assert.rejects(store.reader.merchants.get('m-proxy'), StoreUnavailableError);
    await assert.rejects(
      store.transaction((tx) => tx.merchants.advanceSandboxClock('m-proxy', 1)),
      StoreUnavailableError,
    );
    await assert.rejects(store.ping(), StoreUnavailableError);
    // A partition: nothing answers and nothing is closed; the client-side timeout gives up.
    proxy.set('up');
    await store.ping();
    proxy.set('blackhole');
    const started = Date.now();
    await assert.rejects(store.reader.merchants.get('m-proxy'), StoreUnavailableError);
    assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
    proxy.set('up');
    await store.transaction((tx) => tx.merchants.advanceSandboxClock('m-proxy', 7));
    assert.equal((await store.reader.merchants.get('m-proxy'))?.sandboxClockOffsetMs, 7);
  });

  test('a process that starts while the database is down waits for it, then migrates', async () => {
    const fresh = await createTestDatabase();
    try {
      proxy.set('down');
      const opening = openStore({
        dataDir: tmpdir(),
        databaseUrl: proxy.url(fresh.url),
        connectTimeoutMs: 500,
        waitForDatabaseMs: 20_000,
      });
      await tick(600);
      proxy.set('up');
      const store = await opening;
      stores.push(store);
      await store.transaction((tx) => tx.merchants.insert(merchant('m-late')));
      assert.ok(await store.reader.merchants.get('m-late'));
    } finally {
      proxy.set('up');
      for (const s of stores.splice(0)) await s.close().catch(() => {});
      await fresh.drop();
    }
  });

  test('without a wait, an unreachable database fails the start with StoreUnavailableError', async () => {
    proxy.set('down');
    try {
      await assert.rejects(
        openStore({ dataDir: tmpdir(), databaseUrl: proxy.url(database.url), connectTimeoutMs: 300 }),
        StoreUnavailableError,
      );
    } finally {
      proxy.set('up');
    }
  });
});
