import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { createKeyPair, createMerchant } from '../../src/app/merchants.js';
import { inTransaction } from '../../src/app/transactions.js';
import { jsonLogger } from '../../src/cli/logger.js';
import { openApp, type AppHandle } from '../../src/cli/runtime.js';
import { sqlitePath } from '../../src/store/open-store.js';
import type { DialectName } from '../../src/store/migrations.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { createTestDatabase } from '../../test/support/dialects.js';

/** The bench's databases: a fresh SQLite directory or PostgreSQL database each, set up and seeded directly. */

export interface BenchDatabase {
  readonly dialect: DialectName;
  /** The data directory (SQLite file, and for both dialects reji's TLS and demo files). */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export async function createBenchDatabase(dialect: DialectName): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reji-bench-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      databaseUrl: undefined,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  // The same throw-away PostgreSQL databases the integration tests use.
  const database = await createTestDatabase();
  return {
    dialect,
    dataDir,
    databaseUrl: database.url,
    async drop() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function openBenchApp(db: BenchDatabase): Promise<AppHandle> {
  return openApp({
    dataDir: db.dataDir,
    databaseUrl: db.databaseUrl,
    poolSize: 2,
    publicUrl: 'http://127.0.0.1',
    log: jsonLogger('silent'),
  });
}

export interface BenchMerchant {
  readonly merchantId: string;
  readonly storeId: string;
  readonly publicKeyId: string;
  readonly privateKeyPem: string;
}

/** A JP merchant with a sandbox key, made through the same use cases as `reji merchant create` / `reji keys create`. */
export async function createBenchMerchant(db: BenchDatabase): Promise<BenchMerchant> {
  const app = await openBenchApp(db);
  try {
    const { merchant, store } = await createMerchant(app.ctx, { region: 'jp', name: 'bench' });
    const key = await createKeyPair(app.ctx, {
      merchantId: merchant.merchantId,
      environment: 'Sandbox',
      legacy: false,
    });
    return {
      merchantId: merchant.merchantId,
      storeId: store.storeId,
      publicKeyId: key.publicKeyId,
      privateKeyPem: key.privateKeyPem,
    };
  } finally {
    await app.close();
  }
}

/** Registers the same merchant, store and public key in another database, so one signing key serves both. */
export async function copyMerchant(from: BenchDatabase, to: BenchDatabase, merchant: BenchMerchant): Promise<void> {
  const source = await openBenchApp(from);
  const target = await openBenchApp(to);
  try {
    const m = await source.ctx.store.reader.merchants.get(merchant.merchantId);
    const s = await source.ctx.store.reader.merchants.store(merchant.storeId);
    const k = await source.ctx.store.reader.merchants.publicKey(merchant.publicKeyId);
    if (!m || !s || !k) throw new Error('the merchant to copy is incomplete');
    await inTransaction(target.ctx, async (tx) => {
      await tx.merchants.insert(m);
      await tx.merchants.insertStore(s, m.createdAt);
      await tx.merchants.insertPublicKey(k);
    });
  } finally {
    await source.close();
    await target.close();
  }
}

/** A checkout session row (and its timer) written by reji itself, cloned under new ids when seeding. */
export interface SessionTemplate {
  readonly id: string;
  readonly merchantId: string;
  readonly environment: string;
  readonly state: string;
  readonly createdAt: number;
  readonly doc: string;
  readonly timerDueAt: number | null;
}

function kyselyOf(app: AppHandle) {
  return (app.ctx.store as KyselyStore).kysely;
}

export async function readTemplate(db: BenchDatabase, id: string): Promise<SessionTemplate> {
  const app = await openBenchApp(db);
  try {
    const k = kyselyOf(app);
    const row = await k.selectFrom('checkout_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const timer = await k
      .selectFrom('timers')
      .select('due_at')
      .where('object_type', '=', 'checkoutSession')
      .where('object_id', '=', id)
      .executeTakeFirst();
    return {
      id,
      merchantId: row.merchant_id,
      environment: row.environment,
      state: row.state,
      createdAt: Number(row.created_at),
      doc: row.doc,
      timerDueAt: timer ? Number(timer.due_at) : null,
    };
  } finally {
    await app.close();
  }
}

export async function countSessions(db: BenchDatabase): Promise<number> {
  const app = await openBenchApp(db);
  try {
    const r = await kyselyOf(app)
      .selectFrom('checkout_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await app.close();
  }
}

/** The n-th seeded checkout session id: an md5 in UUID layout, computed the same way in SQL for PostgreSQL. */
export function seededId(tag: string, n: number): string {
  const h = createHash('md5').update(`${tag}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Inserts seeded sessions number `from` to `to - 1` (clones of `template` with their own ids, plus
 * their timer rows, as reji would have written them). The server must not be running. Rows go in
 * id order, which builds the indexes about twice as fast as random order and leaves them denser.
 * The data is on disk when this returns, so that measurements do not share the disk with the flush.
 */
export async function seedSessions(
  db: BenchDatabase,
  template: SessionTemplate,
  tag: string,
  from: number,
  to: number,
): Promise<void> {
  if (to <= from) return;
  if (db.dialect === 'sqlite') seedSqlite(db, template, tag, from, to);
  else await seedPostgres(db, template, tag, from, to);
}

function seedSqlite(db: BenchDatabase, t: SessionTemplate, tag: string, from: number, to: number): void {
  const file = new BetterSqlite3(sqlitePath(db.dataDir));
  try {
    // One writer and no readers while seeding: no journal, no fsync, a big cache; reji switches back to WAL.
    file.pragma('journal_mode = OFF');
    file.pragma('synchronous = OFF');
    file.pragma('cache_size = -262144');
    const docParts = t.doc.split(t.id);
    const ids = Array.from({ length: to - from }, (_, i) => seededId(tag, from + i)).sort();
    const BATCH = 500;
    const statements = (rows: number) => ({
      sessions: file.prepare(
        `insert into checkout_sessions (id, merchant_id, environment, state, version, created_at, doc) values ${Array(rows).fill('(?,?,?,?,1,?,?)').join(',')}`,
      ),
      timers: file.prepare(
        `insert into timers (object_type, object_id, merchant_id, environment, due_at, claimed_until) values ${Array(rows).fill("('checkoutSession',?,?,?,?,null)").join(',')}`,
      ),
    });
    const full = statements(BATCH);
    file.transaction(() => {
      for (let start = 0; start < ids.length; start += BATCH) {
        const rows = Math.min(BATCH, ids.length - start);
        const s = rows === BATCH ? full : statements(rows);
        const sessionValues: unknown[] = [];
        const timerValues: unknown[] = [];
        for (let i = start; i < start + rows; i++) {
          const id = ids[i]!;
          sessionValues.push(id, t.merchantId, t.environment, t.state, t.createdAt, docParts.join(id));
          timerValues.push(id, t.merchantId, t.environment, t.timerDueAt);
        }
        s.sessions.run(sessionValues);
        if (t.timerDueAt !== null) s.timers.run(timerValues);
      }
    })();
    file.pragma('journal_mode = WAL');
  } finally {
    file.close();
  }
  const fd = openSync(sqlitePath(db.dataDir), 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function seedPostgres(
  db: BenchDatabase,
  t: SessionTemplate,
  tag: string,
  from: number,
  to: number,
): Promise<void> {
  const app = await openBenchApp(db);
  try {
    const k = kyselyOf(app);
    const BATCH = 100_000;
    for (let start = from; start < to; start += BATCH) {
      const last = Math.min(to, start + BATCH) - 1;
      // Ids are generated in the server, the same way seededId does it in JavaScript.
      const ids = sql`(select substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12) as id
        from (select md5(${tag} || ':' || g) as h from generate_series(${start}::int, ${last}::int) as g) hashes order by 1) seeded`;
      await sql`insert into checkout_sessions (id, merchant_id, environment, state, version, created_at, doc)
        select id, ${t.merchantId}, ${t.environment}, ${t.state}, 1, ${t.createdAt}, replace(${t.doc}, ${t.id}, id) from ${ids}`.execute(
        k,
      );
      if (t.timerDueAt !== null) {
        await sql`insert into timers (object_type, object_id, merchant_id, environment, due_at, claimed_until)
          select 'checkoutSession', id, ${t.merchantId}, ${t.environment}, ${t.timerDueAt}, null from ${ids}`.execute(
          k,
        );
      }
    }
    // What autovacuum and the checkpointer would soon do on their own: planner statistics, data on disk.
    await sql`analyze checkout_sessions, timers`.execute(k);
    await sql`checkpoint`.execute(k);
  } finally {
    await app.close();
  }
}

/** PostgreSQL's own buffer cache: block hits and reads so far, the database's size and `shared_buffers`. */
export interface PostgresCache {
  readonly blocksHit: number;
  readonly blocksRead: number;
  readonly databaseBytes: number;
  readonly sharedBuffersBytes: number;
}

/** Read with the server stopped: a backend reports its block counts when it exits. */
export async function postgresCache(db: BenchDatabase): Promise<PostgresCache> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ hit: string; read: string; size: string; buffers: string }>(
      `select blks_hit as hit, blks_read as read, pg_database_size(current_database()) as size,
         (select setting::bigint * 8192 from pg_settings where name = 'shared_buffers') as buffers
       from pg_stat_database where datname = current_database()`,
    );
    const row = r.rows[0]!;
    return {
      blocksHit: Number(row.hit),
      blocksRead: Number(row.read),
      databaseBytes: Number(row.size),
      sharedBuffersBytes: Number(row.buffers),
    };
  } finally {
    await client.end();
  }
}
