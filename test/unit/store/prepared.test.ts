import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { PreparedQuery } from '../../../src/store/prepared.js';
import type { Database } from '../../../src/store/schema.js';
import { SqliteDialectWithCache } from '../../../src/store/sqlite-dialect.js';

async function memoryDb(): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: new SqliteDialectWithCache(new BetterSqlite3(':memory:')) });
  await sql`create table merchants (merchant_id text primary key, name text not null, region text not null, ledger_currency text not null, created_at bigint not null, sandbox_clock_offset_ms bigint not null)`.execute(
    db,
  );
  return db;
}

test("a prepared query compiles once and runs with each call's arguments, constants kept", async () => {
  const db = await memoryDb();
  let builds = 0;
  const insert = new PreparedQuery((d, id: string, name: string, at: number) => {
    builds++;
    return d.insertInto('merchants').values({
      merchant_id: id,
      name,
      region: 'jp',
      ledger_currency: 'JPY',
      created_at: at,
      sandbox_clock_offset_ms: at,
    });
  });
  const byRegion = new PreparedQuery((d, region: string) =>
    d
      .selectFrom('merchants')
      .select(['merchant_id', 'name', 'sandbox_clock_offset_ms'])
      .where('region', '=', region)
      .orderBy('merchant_id'),
  );
  assert.equal(await insert.changed(db, 'A1', 'first', 5), 1);
  assert.equal(await insert.changed(db, 'A2', 'second', 7), 1);
  assert.equal(builds, 1);
  const rows = (await byRegion.execute(db, 'jp')).rows;
  // The argument used twice (created_at and the offset) fills both places.
  assert.deepEqual(rows, [
    { merchant_id: 'A1', name: 'first', sandbox_clock_offset_ms: 5 },
    { merchant_id: 'A2', name: 'second', sandbox_clock_offset_ms: 7 },
  ]);
  assert.equal(await byRegion.first(db, 'us'), undefined);
  await db.destroy();
});

test('a query that changes or drops an argument is refused instead of baking in the placeholder', async () => {
  const db = await memoryDb();
  const lowered = new PreparedQuery((d, name: string) =>
    d.selectFrom('merchants').selectAll().where('name', '=', name.toLowerCase()),
  );
  await assert.rejects(lowered.first(db, 'X'), /must use each argument unchanged/);
  const suffixed = new PreparedQuery((d, name: string) =>
    d.selectFrom('merchants').selectAll().where('name', 'like', `${name}%`),
  );
  await assert.rejects(suffixed.first(db, 'X'), /must use each argument unchanged/);
  const unused = new PreparedQuery((d, _name: string) => d.selectFrom('merchants').selectAll());
  await assert.rejects(unused.first(db, 'X'), /1 of 1 missing/);
  await db.destroy();
});
