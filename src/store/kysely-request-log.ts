import { sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';
import { type Executor, PreparedQuery } from './prepared.js';
import type {
  NewRequestLogEntry,
  RequestLogEntry,
  RequestLogFilter,
  RequestLogReads,
  RequestLogTx,
} from './request-log.js';
import type { Database, RequestLogRow } from './schema.js';

function toEntry(r: RequestLogRow & { seq: number }): RequestLogEntry {
  return {
    seq: Number(r.seq),
    requestId: r.request_id,
    merchantId: r.merchant_id,
    environment: r.environment as Environment | null,
    at: Number(r.at),
    method: r.method,
    path: r.path,
    operation: r.operation,
    status: Number(r.status),
    reasonCode: r.reason_code,
    latencyMs: Number(r.latency_ms),
    objectIds: r.object_ids.split(' ').filter((s) => s !== ''),
    detail: JSON.parse(r.doc),
  };
}

/** LIKE's own wildcards in an id match only themselves. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class KyselyRequestLogReads implements RequestLogReads {
  constructor(protected readonly db: Executor) {}

  async list(filter: RequestLogFilter): Promise<RequestLogEntry[]> {
    let q = this.db.selectFrom('request_log').selectAll();
    if (filter.merchantId !== undefined) q = q.where('merchant_id', '=', filter.merchantId);
    if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
    if (filter.failedOnly) q = q.where('status', '>=', 400);
    if (filter.objectId !== undefined) {
      q = q.where(sql<boolean>`object_ids like ${`% ${likeEscape(filter.objectId)} %`} escape '\\'`);
    }
    const rows = await q.orderBy('seq', 'desc').limit(filter.limit).execute();
    return rows.map((r) => toEntry(r as RequestLogRow & { seq: number }));
  }

  async get(seq: number): Promise<RequestLogEntry | undefined> {
    const r = await this.db.selectFrom('request_log').selectAll().where('seq', '=', seq).executeTakeFirst();
    return r && toEntry(r as RequestLogRow & { seq: number });
  }
}

const COLUMNS = [
  'request_id',
  'merchant_id',
  'environment',
  'at',
  'method',
  'path',
  'operation',
  'status',
  'reason_code',
  'latency_ms',
  'object_ids',
  'doc',
] as const;
/** Rows per compiled insert: fewer statements per batch, one compilation each. */
const CHUNK = 32;

function rowValues(e: NewRequestLogEntry): unknown[] {
  return [
    e.requestId,
    e.merchantId,
    e.environment,
    e.at,
    e.method,
    e.path,
    e.operation,
    e.status,
    e.reasonCode,
    e.latencyMs,
    e.objectIds.length === 0 ? ' ' : ` ${e.objectIds.join(' ')} `,
    JSON.stringify(e.detail),
  ];
}

function insertOf(rows: number): PreparedQuery<unknown[], unknown> {
  return new PreparedQuery((db, ...values: unknown[]) =>
    db
      .insertInto('request_log')
      .values(
        Array.from(
          { length: rows },
          (_, r) => Object.fromEntries(COLUMNS.map((c, i) => [c, values[r * COLUMNS.length + i]])) as never,
        ),
      ),
  );
}

/** The request log's inserts (one row, and CHUNK rows), compiled once per store (see PreparedQuery). */
export class RequestLogQueries {
  readonly insertOne = insertOf(1);
  readonly insertChunk = insertOf(CHUNK);
}

export class KyselyRequestLogTx extends KyselyRequestLogReads implements RequestLogTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly q: RequestLogQueries,
  ) {
    super(trx);
  }

  async append(entries: readonly NewRequestLogEntry[]): Promise<void> {
    // Compiled statements (building a many-row insert anew costs more than writing the rows). Nobody reads
    // their answers: on PostgreSQL a batch travels with its COMMIT, one round trip (deferred.ts).
    let i = 0;
    for (; i + CHUNK <= entries.length; i += CHUNK) {
      await this.q.insertChunk.defer(this.trx, ...entries.slice(i, i + CHUNK).flatMap(rowValues));
    }
    for (; i < entries.length; i++) await this.q.insertOne.defer(this.trx, ...rowValues(entries[i]!));
  }

  async prune(before: Instant | undefined, keepPerMerchant: number, merchantIds: readonly string[]): Promise<number> {
    let removed =
      before === undefined
        ? 0
        : Number((await this.trx.deleteFrom('request_log').where('at', '<', before).executeTakeFirst()).numDeletedRows);
    for (const merchantId of merchantIds) {
      const edge = await this.trx
        .selectFrom('request_log')
        .select('seq')
        .where('merchant_id', '=', merchantId)
        .orderBy('seq', 'desc')
        .offset(keepPerMerchant)
        .limit(1)
        .executeTakeFirst();
      if (!edge) continue;
      const r = await this.trx
        .deleteFrom('request_log')
        .where('merchant_id', '=', merchantId)
        .where('seq', '<=', Number(edge.seq))
        .executeTakeFirst();
      removed += Number(r.numDeletedRows);
    }
    return removed;
  }

  async removeOf(merchantId: string, environment: Environment): Promise<void> {
    await this.trx
      .deleteFrom('request_log')
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .execute();
  }
}
