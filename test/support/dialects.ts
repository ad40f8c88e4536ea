import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the PostgreSQL tests run; CI has it at 127.0.0.1:5432 (trust auth, database `test`). */
export const POSTGRES_ADMIN_URL = process.env['REJI_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export const IN_CI = process.env['CI'] === 'true';

let postgresReachable: Promise<boolean> | undefined;

export function isPostgresReachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

export type TestDialect = 'sqlite' | 'postgres';

export interface DialectCase {
  readonly dialect: TestDialect;
  /** A reason to skip (never in CI, where a missing service fails the run instead). */
  readonly skip: string | false;
}

/** Every store and API suite runs once per dialect (Kysely's loop over DIALECTS). */
export async function dialectCases(): Promise<DialectCase[]> {
  const reachable = await isPostgresReachable();
  if (!reachable && IN_CI) throw new Error(`PostgreSQL is required in CI but not reachable at ${POSTGRES_ADMIN_URL}`);
  return [
    { dialect: 'sqlite', skip: false },
    { dialect: 'postgres', skip: reachable ? false : `PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}` },
  ];
}

/** A fresh, empty PostgreSQL database for one test file; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reji_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
