import { DEFERRED } from './deferred.js';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { LedgerEntry, LedgerEntryKind } from '../domain/ledger.js';
import type { CurrencyCode } from '../domain/money.js';
import type { Instant } from '../domain/time.js';
import type { LedgerReads, LedgerTx } from './ledger.js';
import type { Database, LedgerEntryRow } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** What an entry keeps beside its columns. */
interface EntryDoc {
  relatesTo: string | null;
  percentageFee: number;
  fixedFee: number;
  sellerOrderId: string | null;
  storeName: string | null;
}

function fromRow(r: Selectable<LedgerEntryRow>): LedgerEntry {
  const doc = JSON.parse(r.doc) as EntryDoc;
  return {
    entryId: r.entry_id,
    merchantId: r.merchant_id,
    environment: r.environment as Environment,
    kind: r.kind as LedgerEntryKind,
    amount: Number(r.amount),
    currencyCode: r.currency_code as CurrencyCode,
    chargePermissionId: r.charge_permission_id,
    chargeId: r.charge_id,
    refundId: r.refund_id,
    disputeId: r.dispute_id,
    occurredAt: Number(r.occurred_at),
    relatesTo: doc.relatesTo,
    percentageFee: doc.percentageFee,
    fixedFee: doc.fixedFee,
    sellerOrderId: doc.sellerOrderId,
    storeName: doc.storeName,
  };
}

export class KyselyLedgerReads implements LedgerReads {
  constructor(protected readonly db: Executor) {}

  async entries(merchantId: string, environment: Environment, from: Instant, to: Instant): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', to)
      .orderBy('occurred_at')
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
  }

  async entriesOfCharge(chargeId: string): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('charge_id', '=', chargeId)
      .orderBy('occurred_at')
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
  }
}

export class KyselyLedgerTx extends KyselyLedgerReads implements LedgerTx {
  constructor(trx: Transaction<Database>) {
    super(trx);
  }

  async append(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = this.db
      .insertInto('ledger_entries')
      .values(
        entries.map((e) => ({
          entry_id: e.entryId,
          merchant_id: e.merchantId,
          environment: e.environment,
          kind: e.kind,
          amount: e.amount,
          currency_code: e.currencyCode,
          charge_permission_id: e.chargePermissionId,
          charge_id: e.chargeId,
          refund_id: e.refundId,
          dispute_id: e.disputeId,
          occurred_at: e.occurredAt,
          doc: JSON.stringify({
            relatesTo: e.relatesTo,
            percentageFee: e.percentageFee,
            fixedFee: e.fixedFee,
            sellerOrderId: e.sellerOrderId,
            storeName: e.storeName,
          } satisfies EntryDoc),
        })),
      )
      .compile();
    // Nobody reads the answer: on PostgreSQL it travels with the transaction's next statement (deferred.ts).
    await this.db.executeQuery({ ...insert, sql: DEFERRED + insert.sql });
  }
}
