import type { Environment } from './environment.js';
import { PRINCIPAL_KINDS, type LedgerEntry, type LedgerEntryKind } from './ledger.js';
import { formatAmount, money, type CurrencyCode } from './money.js';
import { DAY, type Instant } from './time.js';

/**
 * Settlements and the settlement report file, computed from the ledger. reji settles daily (one settlement
 * period per UTC day of the merchant's clock) and pays out each period's positive balance when it ends; a
 * negative balance is carried into the next period (docs/decisions.md, "Reports and disbursements").
 */

export const SETTLEMENT_PERIOD = DAY;

export function settlementPeriodStart(at: Instant): Instant {
  return Math.floor(at / SETTLEMENT_PERIOD) * SETTLEMENT_PERIOD;
}

/** A stable 10-digit settlement id for one merchant, environment and period (FNV-1a, no randomness needed). */
export function settlementIdOf(merchantId: string, environment: Environment, periodStart: Instant): string {
  let h = 0x811c9dc5;
  for (const ch of `${merchantId}:${environment}:${periodStart}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return String(1_000_000_000 + (h % 9_000_000_000)).padStart(10, '0');
}

/** `2015-05-18T15:48:50-0000`, the settlement file's date format. */
export function formatSettlementDate(at: Instant): string {
  return `${new Date(at).toISOString().slice(0, 19)}-0000`;
}

/** `2022-12-07T17:08:26.717Z`, the disbursement's transactionTime format (spec 12 §12.5). */
export function formatDisbursementTime(at: Instant): string {
  return new Date(at).toISOString();
}

/** One row of the settlement file: a money movement with the fees that belong to it. */
export interface SettlementRow {
  readonly postedAt: Instant;
  readonly settlementId: string;
  readonly amazonTransactionId: string | null;
  readonly transactionType: string;
  readonly amazonOrderReferenceId: string;
  readonly sellerOrderId: string | null;
  readonly storeName: string | null;
  readonly currencyCode: CurrencyCode;
  readonly description: string;
  readonly amount: number;
  readonly percentageFee: number;
  readonly fixedFee: number;
}

const TRANSACTION_TYPES: Readonly<Record<LedgerEntryKind, string>> = {
  Capture: 'Capture',
  CaptureFee: 'Capture',
  Refund: 'Refund',
  RefundFeeReturn: 'Refund',
  ChargebackDebit: 'Chargeback',
  ChargebackReversal: 'Chargeback',
  ChargebackFee: 'Chargeback',
};

const DESCRIPTIONS: Readonly<Record<LedgerEntryKind, string>> = {
  Capture: 'Payment captured',
  CaptureFee: 'Payment captured',
  Refund: 'Payment refunded',
  RefundFeeReturn: 'Payment refunded',
  ChargebackDebit: 'Chargeback debited',
  ChargebackReversal: 'Chargeback reversed',
  ChargebackFee: 'Chargeback fee',
};

function transactionIdOf(e: LedgerEntry): string | null {
  if (e.kind === 'Refund' || e.kind === 'RefundFeeReturn') return e.refundId;
  if (e.disputeId) return e.disputeId;
  return e.chargeId;
}

/** The rows of a set of entries: one per principal entry, its fees folded in; a fee without one is its own row. */
export function settlementRows(entries: readonly LedgerEntry[]): SettlementRow[] {
  const rows = new Map<string, SettlementRow>();
  const order: string[] = [];
  for (const e of entries) {
    const key = PRINCIPAL_KINDS.includes(e.kind) ? e.entryId : (e.relatesTo ?? e.entryId);
    const row = rows.get(key);
    if (row) {
      rows.set(key, {
        ...row,
        ...(PRINCIPAL_KINDS.includes(e.kind)
          ? { amount: row.amount + e.amount, transactionType: TRANSACTION_TYPES[e.kind] }
          : { percentageFee: row.percentageFee + e.percentageFee, fixedFee: row.fixedFee + e.fixedFee }),
      });
      continue;
    }
    order.push(key);
    const principal = PRINCIPAL_KINDS.includes(e.kind);
    rows.set(key, {
      postedAt: e.occurredAt,
      settlementId: settlementIdOf(e.merchantId, e.environment, settlementPeriodStart(e.occurredAt)),
      amazonTransactionId: transactionIdOf(e),
      transactionType: TRANSACTION_TYPES[e.kind],
      amazonOrderReferenceId: e.chargePermissionId,
      sellerOrderId: e.sellerOrderId,
      storeName: e.storeName,
      currencyCode: e.currencyCode,
      description: DESCRIPTIONS[e.kind],
      amount: principal ? e.amount : 0,
      percentageFee: principal ? 0 : e.percentageFee,
      fixedFee: principal ? 0 : e.fixedFee,
    });
  }
  return order.map((k) => rows.get(k) as SettlementRow);
}

/** The body's columns, in file order (spec 12 §12.4.3). */
export const SETTLEMENT_COLUMNS = [
  'TransactionPostedDate',
  'SettlementId',
  'AmazonTransactionId',
  'SellerReferenceId',
  'TransactionType',
  'AmazonOrderReferenceId',
  'SellerOrderId',
  'StoreName',
  'CurrencyCode',
  'TransactionDescription',
  'TransactionAmount',
  'TransactionPercentageFee',
  'TransactionFixedFee',
  'TotalTransactionFee',
  'NetTransactionAmount',
] as const;

/** The file's 6 preamble lines come before the body's header row (readers skip them; spec 12 §12.4.3). */
export const SETTLEMENT_PREAMBLE_LINES = 6;

/**
 * The settlement report file: comma-separated UTF-8 with CRLF line ends. Lines 1–2 the report header
 * (SellerId, SettlementStartDate, SettlementEndDate), 3 empty, 4–5 the totals, 6 empty, then the body's
 * header row and one row per money movement.
 */
export function settlementReportCsv(input: {
  sellerId: string;
  startTime: Instant;
  endTime: Instant;
  currencyCode: CurrencyCode;
  entries: readonly LedgerEntry[];
}): string {
  const rows = settlementRows(input.entries);
  const fmt = (minor: number) => formatAmount(money(minor, input.currencyCode));
  const totalAmount = rows.reduce((a, r) => a + r.amount, 0);
  const totalFee = rows.reduce((a, r) => a + r.percentageFee + r.fixedFee, 0);
  const lines: string[][] = [
    ['SellerId', 'SettlementStartDate', 'SettlementEndDate'],
    [input.sellerId, formatSettlementDate(input.startTime), formatSettlementDate(input.endTime)],
    [],
    ['CurrencyCode', 'TotalTransactionAmount', 'TotalTransactionFee', 'NetTransactionAmount'],
    [input.currencyCode, fmt(totalAmount), fmt(totalFee), fmt(totalAmount + totalFee)],
    [],
    [...SETTLEMENT_COLUMNS],
    ...rows.map((r) => [
      formatSettlementDate(r.postedAt),
      r.settlementId,
      r.amazonTransactionId ?? '',
      '',
      r.transactionType,
      r.amazonOrderReferenceId,
      textCell(r.sellerOrderId),
      textCell(r.storeName),
      r.currencyCode,
      r.description,
      fmt(r.amount),
      fmt(r.percentageFee),
      fmt(r.fixedFee),
      fmt(r.percentageFee + r.fixedFee),
      fmt(r.amount + r.percentageFee + r.fixedFee),
    ]),
  ];
  return `${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Merchant-given text: a leading = + - @ would run as a formula in a spreadsheet, so it gets a quote mark first. */
function textCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Reads a settlement file back (tests, the property test): the totals lines and the body rows by column. */
export function parseSettlementCsv(csv: string): {
  header: Record<string, string>;
  totals: Record<string, string>;
  rows: Record<string, string>[];
} {
  const lines = parseCsv(csv);
  const zip = (keys: readonly string[] = [], values: readonly string[] = []) =>
    Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
  const columns = lines[SETTLEMENT_PREAMBLE_LINES] ?? [];
  return {
    header: zip(lines[0], lines[1]),
    totals: zip(lines[3], lines[4]),
    rows: lines.slice(SETTLEMENT_PREAMBLE_LINES + 1).map((l) => zip(columns, l)),
  };
}

function parseCsv(csv: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i] as string;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      out.push(row.length === 1 && row[0] === '' ? [] : row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return out;
}

/** One payout to the merchant's bank (spec 12 §12.5). */
export interface Disbursement {
  readonly settlementId: string;
  readonly amazonDisbursementReferenceId: string;
  readonly amount: number;
  readonly currencyCode: CurrencyCode;
  readonly transactionTime: Instant;
}

/**
 * The payouts of every settlement period that ended by `now`, oldest first, from all of the merchant's entries
 * (oldest first, one currency). A period pays out its balance plus what earlier periods carried when that is
 * positive; otherwise nothing is paid and the balance carries on.
 */
export function disbursements(
  merchantId: string,
  environment: Environment,
  currencyCode: CurrencyCode,
  entries: readonly LedgerEntry[],
  now: Instant,
): Disbursement[] {
  const byPeriod = new Map<Instant, number>();
  for (const e of entries) {
    const p = settlementPeriodStart(e.occurredAt);
    byPeriod.set(p, (byPeriod.get(p) ?? 0) + e.amount);
  }
  const out: Disbursement[] = [];
  let carried = 0;
  for (const [start, net] of [...byPeriod.entries()].sort((a, b) => a[0] - b[0])) {
    const end = start + SETTLEMENT_PERIOD;
    if (end > now) break;
    const balance = carried + net;
    if (balance <= 0) {
      carried = balance;
      continue;
    }
    carried = 0;
    const settlementId = settlementIdOf(merchantId, environment, start);
    out.push({
      settlementId,
      amazonDisbursementReferenceId: `RJ${settlementId}`,
      amount: balance,
      currencyCode,
      transactionTime: end,
    });
  }
  return out;
}
