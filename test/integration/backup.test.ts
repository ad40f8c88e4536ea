import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sqlitePath } from '../../src/store/open-store.js';
import { restoreSqlite } from '../../src/store/sqlite-backup.js';
import { dialectCases } from '../support/dialects.js';
import { merchantDocuments, moneyInvariantViolations } from '../support/money-invariants.js';
import { runCli, seedMerchant, spawnReji, type RejiProcess } from '../support/processes.js';
import { acknowledgementMark, missingAcknowledged, runWriteLoad } from '../support/write-load.js';

const postgres = (await dialectCases()).find((c) => c.dialect === 'postgres')!;
/** Waits for `n` acknowledgements in all, or for the load to end (when it failed, awaiting it throws). */
const untilMark = async (n: number, load: Promise<unknown>) => {
  let ended = false;
  void load.finally(() => (ended = true)).catch(() => {});
  while (acknowledgementMark() < n && !ended) await new Promise((r) => setTimeout(r, 20));
};

describe('reji backup and reji restore (SQLite)', { timeout: 180_000 }, () => {
  let dir: string;
  const running: RejiProcess[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'reji-backup-'));
  });
  after(async () => {
    await Promise.allSettled(running.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a backup taken under a load of signed writes restores into a new data file with every write acknowledged before it', async (t) => {
    const live = join(dir, 'live');
    const merchant = await seedMerchant({ dataDir: live });
    const server = await spawnReji({ name: 'live', dataDir: live, args: ['--https-port', '0'] });
    running.push(server);
    let stopping = false;
    const load = runWriteLoad({
      merchant,
      targets: () => [server.httpUrl],
      workers: 3,
      stop: () => stopping,
      tag: `b${Date.now().toString(36)}`,
    });
    const file = join(dir, 'reji-backup.sqlite');
    let mark: number;
    try {
      await untilMark(acknowledgementMark() + 20, load);
      mark = acknowledgementMark();
      const backup = await runCli(['backup', '--out', file, '--data-dir', live, '--json']);
      assert.equal(backup.code, 0, backup.stderr);
      const report = JSON.parse(backup.stdout);
      assert.equal(report.file, file);
      assert.deepEqual(report.pending, []);
      // The load went on while the copy was made.
      await untilMark(acknowledgementMark() + 5, load);
    } finally {
      stopping = true;
    }
    const result = await load;
    assert.deepEqual(result.serverErrors, []);
    assert.deepEqual(
      result.flows.filter((f) => f.abandoned).map((f) => f.abandoned),
      [],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the backup is readable by its owner only');
    t.diagnostic(`${mark} writes acknowledged before the backup, ${acknowledgementMark()} in all`);

    // Restoring over the data file of a running reji is refused, --force or not (the CLI's own code, in this process).
    await assert.rejects(restoreSqlite(file, sqlitePath(live), { force: true }), /in use by a running reji/);

    const restoredDir = join(dir, 'restored');
    const restore = await runCli(['restore', file, '--data-dir', restoredDir, '--json']);
    assert.equal(restore.code, 0, restore.stderr);
    const restored = await spawnReji({ name: 'restored', dataDir: restoredDir, args: ['--https-port', '0'] });
    running.push(restored);
    assert.deepEqual(await missingAcknowledged(restored.httpUrl, merchant, result.flows, mark), []);
    const docs = await merchantDocuments({ dataDir: restoredDir }, merchant.merchantId);
    assert.deepEqual(moneyInvariantViolations(docs), []);

    assert.match(restore.stdout, /"migrations":\["0001_core"/);
    // A data file is replaced only with --force, and only once no process has it open.
    await assert.rejects(
      restoreSqlite(file, sqlitePath(restoredDir), { force: false }),
      /exists; stop reji and pass --force/,
    );
    assert.equal(await restored.stop(), 0);
    const forced = await restoreSqlite(file, sqlitePath(restoredDir), { force: true });
    assert.deepEqual(forced.pending, []);
  });

  test('restore refuses what is not a reji backup, and leaves the data directory alone', async () => {
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'not a database at all');
    const target = join(dir, 'untouched');
    await assert.rejects(
      restoreSqlite(junk, sqlitePath(target), { force: true }),
      /not a SQLite database reji can read/,
    );
    assert.equal(existsSync(sqlitePath(target)), false);
    await assert.rejects(
      restoreSqlite(join(dir, 'nothing.sqlite'), sqlitePath(target), { force: true }),
      /no backup file/,
    );
    // A SQLite file that is not one of reji's.
    const other = join(dir, 'other.sqlite');
    new BetterSqlite3(other).exec('create table t (x)');
    await assert.rejects(restoreSqlite(other, sqlitePath(target), { force: true }), /not one of reji's/);
    assert.equal(existsSync(sqlitePath(target)), false);
  });
});

describe('reji backup on PostgreSQL', { skip: postgres.skip }, () => {
  test('names PostgreSQL’s own tools instead of copying', async () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    const [backup, restore] = await Promise.all([
      runCli(['backup', '--out', join(tmpdir(), 'never.dump'), '--database-url', url]),
      runCli(['restore', join(tmpdir(), 'never.dump'), '--database-url', url]),
    ]);
    assert.equal(backup.code, 2);
    assert.match(backup.stderr, /pg_dump --format=custom/);
    assert.equal(restore.code, 2);
    assert.match(restore.stderr, /pg_restore/);
  });
});
