import { sql, type Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { Dispute } from '../domain/dispute.js';
import type { Refund } from '../domain/refund.js';
import type { DocumentFilter, DocumentKind, DocumentReads, Documents, DocumentTx } from './documents.js';
import type { DialectName } from './migrations.js';
import { byKind, type Executor, PreparedQuery, readMany, rowLock } from './prepared.js';
import type { Database, DocumentRow } from './schema.js';
import { ConcurrentUpdateError } from './store.js';

const TABLES = {
  checkoutSession: 'checkout_sessions',
  chargePermission: 'charge_permissions',
  charge: 'charges',
  refund: 'refunds',
  dispute: 'disputes',
} as const satisfies Record<DocumentKind, keyof Database>;

const ID_FIELDS = {
  checkoutSession: 'checkoutSessionId',
  chargePermission: 'chargePermissionId',
  charge: 'chargeId',
  refund: 'refundId',
  dispute: 'disputeId',
} as const satisfies Record<DocumentKind, string>;

/** The document tables share the columns these queries touch, so one of them stands for all in the types. */
function docTable(kind: DocumentKind): 'checkout_sessions' {
  return TABLES[kind] as 'checkout_sessions';
}

function fromDocRow<K extends DocumentKind>(row: Pick<DocumentRow, 'doc' | 'version'>): Documents[K] {
  const doc = JSON.parse(row.doc) as Documents[K];
  return { ...doc, version: Number(row.version) };
}

/** Columns beside the document that other queries look documents up by. */
const LINK_COLUMNS = {
  checkoutSession: [],
  chargePermission: ['checkout_session_id'],
  charge: ['charge_permission_id'],
  refund: ['charge_id', 'charge_permission_id'],
  dispute: ['charge_id', 'charge_permission_id'],
} as const satisfies Record<DocumentKind, readonly string[]>;

function linkValues(kind: DocumentKind, doc: Documents[DocumentKind]): string[] {
  switch (kind) {
    case 'chargePermission':
      return [(doc as Documents['chargePermission']).checkoutSessionId];
    case 'charge':
      return [(doc as Documents['charge']).chargePermissionId];
    case 'refund':
      return [(doc as Documents['refund']).chargeId, (doc as Documents['refund']).chargePermissionId];
    case 'dispute':
      return [(doc as Documents['dispute']).chargeId, (doc as Documents['dispute']).chargePermissionId];
    case 'checkoutSession':
      return [];
  }
}

const DOCUMENT_KINDS = Object.keys(TABLES) as DocumentKind[];

type DocColumns = Pick<DocumentRow, 'doc' | 'version'>;

/** The documents' queries, compiled once per store (see PreparedQuery). */
export class DocumentQueries {
  readonly get = byKind(
    DOCUMENT_KINDS,
    (kind) =>
      new PreparedQuery((db, id: string) =>
        db.selectFrom(docTable(kind)).select(['doc', 'version']).where('id', '=', id),
      ),
  );
  readonly getForUpdate: Record<DocumentKind, PreparedQuery<[string], DocColumns>>;
  readonly chargesOfPermission = new PreparedQuery((db, chargePermissionId: string) =>
    db
      .selectFrom('charges')
      .select(['doc', 'version'])
      .where('charge_permission_id', '=', chargePermissionId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  readonly chargesOfPermissionForUpdate: PreparedQuery<[string], DocColumns>;
  readonly permissionOfChargeForUpdate: PreparedQuery<[string], DocColumns>;
  readonly refundsOfCharge = new PreparedQuery((db, chargeId: string) =>
    db
      .selectFrom('refunds')
      .select(['doc', 'version'])
      .where('charge_id', '=', chargeId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  readonly disputesOfCharge = new PreparedQuery((db, chargeId: string) =>
    db
      .selectFrom('disputes')
      .select(['doc', 'version'])
      .where('charge_id', '=', chargeId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  readonly insert = byKind(DOCUMENT_KINDS, (kind) => {
    const columns = ['id', 'merchant_id', 'environment', 'state', 'created_at', 'doc', ...LINK_COLUMNS[kind]];
    return new PreparedQuery((db, ...values: unknown[]) =>
      db
        .insertInto(TABLES[kind])
        .values({ version: 1, ...Object.fromEntries(columns.map((c, i) => [c, values[i]])) } as never),
    );
  });
  readonly update = byKind(
    DOCUMENT_KINDS,
    (kind) =>
      new PreparedQuery((db, state: string, version: number, doc: string, id: string, previousVersion: number) =>
        db
          .updateTable(docTable(kind))
          .set({ state, version, doc })
          .where('id', '=', id)
          .where('version', '=', previousVersion),
      ),
  );

  constructor(readonly dialect: DialectName) {
    const lock = rowLock(dialect);
    this.permissionOfChargeForUpdate = new PreparedQuery((db, chargeId: string) =>
      lock(
        db
          .selectFrom('charge_permissions')
          .select(['doc', 'version'])
          .where('id', '=', (eb) =>
            eb.selectFrom('charges').select('charges.charge_permission_id').where('charges.id', '=', chargeId),
          ),
      ),
    );
    this.getForUpdate = byKind(
      DOCUMENT_KINDS,
      (kind) =>
        new PreparedQuery((db, id: string) =>
          lock(db.selectFrom(docTable(kind)).select(['doc', 'version']).where('id', '=', id)),
        ),
    );
    this.chargesOfPermissionForUpdate = new PreparedQuery((db, chargePermissionId: string) =>
      lock(
        db
          .selectFrom('charges')
          .select(['doc', 'version'])
          .where('charge_permission_id', '=', chargePermissionId)
          .orderBy('created_at')
          .orderBy('id'),
      ),
    );
  }
}

export class KyselyDocumentReads implements DocumentReads {
  constructor(
    protected readonly db: Executor,
    protected readonly q: DocumentQueries,
  ) {}

  async get<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined> {
    const r = await this.q.get[kind].first(this.db, id);
    return r && fromDocRow<K>(r);
  }
  async chargesOfPermission(chargePermissionId: string): Promise<Charge[]> {
    const { rows } = await this.q.chargesOfPermission.execute(this.db, chargePermissionId);
    return rows.map((r) => fromDocRow<'charge'>(r));
  }
  async refundsOfCharge(chargeId: string): Promise<Refund[]> {
    const { rows } = await this.q.refundsOfCharge.execute(this.db, chargeId);
    return rows.map((r) => fromDocRow<'refund'>(r));
  }
  async disputesOfCharge(chargeId: string): Promise<Dispute[]> {
    const { rows } = await this.q.disputesOfCharge.execute(this.db, chargeId);
    return rows.map((r) => fromDocRow<'dispute'>(r));
  }

  async search<K extends DocumentKind>(kind: K, f: DocumentFilter): Promise<Documents[K][]> {
    let q = this.db.selectFrom(docTable(kind)).select(['doc', 'version']);
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.environment !== undefined) q = q.where('environment', '=', f.environment);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    // The reference lives inside the JSON document; the LIKE narrows, the exact check below decides.
    if (f.merchantReferenceId !== undefined) {
      const needle = JSON.stringify(f.merchantReferenceId).replace(/[\\%_]/g, (c) => `\\${c}`);
      q = q.where(sql<boolean>`doc like ${`%"merchantReferenceId":${needle}%`} escape '\\'`);
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    const docs = rows.map((r) => fromDocRow<K>(r));
    if (f.merchantReferenceId === undefined) return docs;
    return docs.filter((d) =>
      JSON.stringify(d).includes(`"merchantReferenceId":${JSON.stringify(f.merchantReferenceId)}`),
    );
  }
}

export class KyselyDocumentTx extends KyselyDocumentReads implements DocumentTx {
  constructor(
    private readonly trx: Transaction<Database>,
    q: DocumentQueries,
  ) {
    super(trx, q);
  }

  async getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined> {
    const r = await this.q.getForUpdate[kind].first(this.trx, id);
    return r && fromDocRow<K>(r);
  }
  async chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]> {
    const { rows } = await this.q.chargesOfPermissionForUpdate.execute(this.trx, chargePermissionId);
    return rows.map((r) => fromDocRow<'charge'>(r));
  }

  async chargeWithPermissionForUpdate(
    chargeId: string,
  ): Promise<{ charge: Charge | undefined; chargePermission: ChargePermission | undefined }> {
    const [permissions, charges] = (await readMany(this.trx, this.q.dialect, [
      this.q.permissionOfChargeForUpdate.with(this.trx, chargeId),
      this.q.getForUpdate.charge.with(this.trx, chargeId),
    ])) as DocColumns[][];
    const cp = permissions?.[0];
    const charge = charges?.[0];
    return {
      charge: charge && fromDocRow<'charge'>(charge),
      chargePermission: cp && fromDocRow<'chargePermission'>(cp),
    };
  }

  async insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]> {
    const saved = { ...doc, version: 1 };
    const id = (doc as unknown as Record<string, string>)[ID_FIELDS[kind]]!;
    await this.q.insert[kind].defer(
      this.trx,
      id,
      doc.merchantId,
      doc.environment,
      doc.state,
      doc.createdAt,
      JSON.stringify(saved),
      ...linkValues(kind, doc),
    );
    return saved;
  }

  async update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]> {
    const saved = { ...doc, version: doc.version + 1 };
    const id = (doc as unknown as Record<string, string>)[ID_FIELDS[kind]]!;
    const changed = await this.q.update[kind].changedOne(
      this.trx,
      doc.state,
      saved.version,
      JSON.stringify(saved),
      id,
      doc.version,
    );
    if (!changed) throw new ConcurrentUpdateError(kind, id);
    return saved;
  }

  async remove(kind: DocumentKind, id: string): Promise<void> {
    await this.trx.deleteFrom(docTable(kind)).where('id', '=', id).execute();
    // A removed document's timer goes with it (the timers table is keyed by the document).
    await this.trx.deleteFrom('timers').where('object_type', '=', kind).where('object_id', '=', id).execute();
  }

  async removeAllOf(merchantId: string, environment: Environment): Promise<void> {
    for (const kind of DOCUMENT_KINDS) {
      await this.trx
        .deleteFrom(docTable(kind))
        .where('merchant_id', '=', merchantId)
        .where('environment', '=', environment)
        .execute();
    }
    await this.trx
      .deleteFrom('timers')
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .execute();
  }
}
