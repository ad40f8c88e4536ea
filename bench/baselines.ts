import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sha256Hex, signString, verifyString } from '../src/signing/index.js';
import { serveRpc } from './lib/ipc.js';

/** Baselines measured in their own process: what one core and the databases do without reji around them. */

/** RSA-PSS (2048-bit key, SHA-256, salt 32: AMZN-PAY-RSASSA-PSS-V2) verifications on one core. */
/** The process's CPU time per operation since `before` (steadier than the rate on a shared machine). */
function cpuUsPer(before: NodeJS.CpuUsage, count: number): number {
  const used = process.cpuUsage(before);
  return count > 0 ? (used.user + used.system) / count : Number.NaN;
}

function verify({ ms }: { ms: number }): { perSecond: number; count: number; cpuUsPerOp: number } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const text = `AMZN-PAY-RSASSA-PSS-V2\n${sha256Hex('a canonical request')}`;
  const signature = signString('AMZN-PAY-RSASSA-PSS-V2', privateKey, text);
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while ((elapsed = performance.now() - started) < ms) {
    for (let i = 0; i < 50; i++) if (verifyString('AMZN-PAY-RSASSA-PSS-V2', publicKey, text, signature)) count++;
  }
  return { perSecond: (count / elapsed) * 1000, count, cpuUsPerOp: cpuUsPer(cpu, count) };
}

/** Single-row transactions (begin immediate, insert, commit) with reji's pragmas: WAL, synchronous NORMAL. */
function sqliteWrites({ ms, dir, docBytes }: { ms: number; dir: string; docBytes: number }): {
  perSecond: number;
  count: number;
  cpuUsPerOp: number;
} {
  const db = new BetterSqlite3(join(dir, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table if not exists writes (id text primary key, doc text not null)');
  const begin = db.prepare('begin immediate');
  const insert = db.prepare('insert into writes (id, doc) values (?, ?)');
  const commit = db.prepare('commit');
  const doc = 'x'.repeat(docBytes);
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while ((elapsed = performance.now() - started) < ms) {
    begin.run();
    insert.run(randomUUID(), doc);
    commit.run();
    count++;
  }
  const cpuUsPerOp = cpuUsPer(cpu, count);
  db.close();
  return { perSecond: (count / elapsed) * 1000, count, cpuUsPerOp };
}

/** Single-row transactions (begin, insert, commit) from `connections` clients at once. */
async function postgresWrites({
  ms,
  url,
  connections,
  docBytes,
}: {
  ms: number;
  url: string;
  connections: number;
  docBytes: number;
}): Promise<{ perSecond: number; count: number }> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('create table if not exists bench_writes (id text primary key, doc text not null)');
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const doc = 'x'.repeat(docBytes);
  let count = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() - started < ms) {
        await c.query('begin');
        await c.query('insert into bench_writes (id, doc) values ($1, $2)', [randomUUID(), doc]);
        await c.query('commit');
        count++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  await Promise.all(clients.map((c) => c.end()));
  return { perSecond: (count / elapsed) * 1000, count };
}

serveRpc({ verify, sqliteWrites, postgresWrites });
