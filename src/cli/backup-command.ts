import { resolve } from 'node:path';
import { dialectOf, sqlitePath } from '../store/open-store.js';
import { backupSqlite, restoreSqlite, type SqliteCopyReport } from '../store/sqlite-backup.js';
import { parseCommand, print, required, UsageError, type Values } from './command-support.js';
import { readServeConfig } from './config.js';

export const BACKUP_USAGE = `  reji backup --out FILE [--json]
  reji restore FILE [--force] [--json]`;

/** PostgreSQL has its own tools; reji does not wrap them (docs/deploy.md, docs/decisions.md). */
const POSTGRES_TOOLS = {
  backup: 'on PostgreSQL use its own tools: pg_dump --format=custom --file FILE "$REJI_DATABASE_URL" (docs/deploy.md)',
  restore:
    'on PostgreSQL use its own tools: pg_restore --clean --if-exists --dbname "$REJI_DATABASE_URL" FILE (docs/deploy.md)',
} as const;

/** The SQLite file the data directory (or a `sqlite:` URL) names; PostgreSQL is refused with the tool to use. */
function sqliteTarget(values: Values, command: keyof typeof POSTGRES_TOOLS): string {
  const config = readServeConfig({
    'data-dir': values['data-dir'] as string | undefined,
    'database-url': values['database-url'] as string | undefined,
  });
  if (dialectOf(config.databaseUrl) === 'postgres')
    throw new UsageError(`reji ${command} copies reji's SQLite file; ${POSTGRES_TOOLS[command]}`);
  return resolve(sqlitePath(config.dataDir, config.databaseUrl));
}

function describe(report: SqliteCopyReport): string {
  const level = report.migrations.at(-1) ?? 'none';
  const pending = report.pending.length > 0 ? `; reji serve will apply ${report.pending.join(', ')}` : '';
  return `${report.bytes} bytes, integrity ok, migration level ${level}${pending}`;
}

export async function backupCommand(args: string[]): Promise<void> {
  const values = parseCommand(args, { out: { type: 'string' } }).values;
  const out = resolve(required(values, 'out'));
  const source = sqliteTarget(values, 'backup');
  const report = await backupSqlite(source, out);
  print(values, { file: out, ...report }, `backup of ${source} written to ${out} (${describe(report)})`);
}

export async function restoreCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, { force: { type: 'boolean' } }, 1);
  const file = positionals[0];
  if (file === undefined) throw new UsageError('usage: reji restore FILE [--data-dir DIR] [--force]');
  const target = sqliteTarget(values, 'restore');
  const report = await restoreSqlite(resolve(file), target, { force: values['force'] === true });
  print(values, { file: target, ...report }, `restored ${resolve(file)} into ${target} (${describe(report)})`);
}
