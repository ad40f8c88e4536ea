import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrationProvider } from './migrations.js';

/** A backup or restore that cannot be done as asked; the message says why and what to do. */
export class BackupError extends Error {}

export interface SqliteCopyReport {
  /** Size of the copy in bytes (pages × page size). */
  readonly bytes: number;
  /** The migrations the copy has, oldest first. */
  readonly migrations: readonly string[];
  /** The migrations this reji has and the copy lacks (`reji serve` applies them at start-up). */
  readonly pending: readonly string[];
}

/** The rest of a file SQLite keeps beside the database (write-ahead log and its index). */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/**
 * Copies a live SQLite database to `out` while reji serves from it: SQLite's online backup API, all pages in one
 * step (one read transaction, so one consistent moment; WAL writers are not blocked). The copy is written next
 * to `out`, checked, switched to a plain rollback journal (one self-contained file) and then renamed into place.
 */
export async function backupSqlite(source: string, out: string): Promise<SqliteCopyReport> {
  if (!existsSync(source)) throw new BackupError(`no SQLite database at ${source}`);
  const db = new BetterSqlite3(source, { fileMustExist: true });
  const partial = `${out}.partial`;
  removeDatabaseFiles(partial);
  try {
    db.pragma('busy_timeout = 5000');
    // The first step only counts the pages; the second copies them all (a write in between restarts it).
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    removeDatabaseFiles(partial);
    throw error;
  } finally {
    db.close();
  }
  try {
    const report = await checkMigrationLevel(inspect(partial, { makeStandalone: true }));
    // Buyers' data and password hashes: readable by the operator only.
    chmodSync(partial, 0o600);
    renameSync(partial, out);
    return report;
  } finally {
    removeDatabaseFiles(partial);
  }
}

/**
 * Puts a backup in place as the data file `target`. Refuses a file that fails SQLite's integrity check or that
 * a newer reji wrote (migrations this one does not know), an existing data file unless `force`, and always a
 * data file some process has open (a running reji would go on writing to the file it replaced).
 */
export async function restoreSqlite(
  backup: string,
  target: string,
  options: { force: boolean },
): Promise<SqliteCopyReport> {
  if (!existsSync(backup)) throw new BackupError(`no backup file at ${backup}`);
  const staged = `${target}.restoring`;
  mkdirSync(dirname(target), { recursive: true });
  removeDatabaseFiles(staged);
  try {
    const copy = new BetterSqlite3(backup, { readonly: true, fileMustExist: true });
    try {
      // A copy of the file, not of its bytes: a backup left in WAL mode could otherwise lose its log on the way.
      copy.exec(`vacuum into '${staged.replaceAll("'", "''")}'`);
    } catch (error) {
      throw new BackupError(`${backup} is not a SQLite database reji can read: ${(error as Error).message}`);
    } finally {
      copy.close();
    }
    const report = await checkMigrationLevel(inspect(staged, { makeStandalone: false }));
    if (existsSync(target)) {
      if (!options.force)
        throw new BackupError(`${target} exists; stop reji and pass --force to replace it with the backup`);
      assertUnused(target);
    }
    removeDatabaseFiles(target);
    renameSync(staged, target);
    return report;
  } finally {
    removeDatabaseFiles(staged);
  }
}

/** Integrity and migration level of a copy; `makeStandalone` also leaves it as one file (no WAL). */
function inspect(path: string, options: { makeStandalone: boolean }): SqliteCopyReport {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.join() !== 'ok')
      throw new BackupError(`${path} fails SQLite's integrity check: ${problems.slice(0, 5).join('; ')}`);
    const hasTable = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!hasTable) throw new BackupError(`${path} is a SQLite database but not one of reji's (no migrations table)`);
    const migrations = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    if (options.makeStandalone) db.pragma('journal_mode = DELETE');
    const pageCount = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { bytes: pageCount * pageSize, migrations, pending: [] };
  } finally {
    db.close();
  }
}

/** The copy's migration level against this reji's: newer is refused, older is migrated by `reji serve`. */
async function checkMigrationLevel(report: SqliteCopyReport): Promise<SqliteCopyReport> {
  const known = Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
  const unknown = report.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new BackupError(`the backup was made by a newer reji (migrations ${unknown.join(', ')}); upgrade reji first`);
  return { ...report, pending: known.filter((m) => !report.migrations.includes(m)) };
}

/** A process with the database open holds a shared lock on it for as long as it is open (WAL mode). */
function assertUnused(target: string): void {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(target, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('commit');
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY'))
      throw new BackupError(`${target} is in use by a running reji (or another process); stop it before restoring`);
    // A damaged data file is what a restore is for: go ahead.
  } finally {
    db?.close();
  }
}

function removeDatabaseFiles(path: string): void {
  rmSync(path, { force: true });
  for (const suffix of SIDE_FILES) rmSync(`${path}${suffix}`, { force: true });
}
