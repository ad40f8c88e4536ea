import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { heldAmount, type Charge } from '../../src/domain/charge.js';
import type { ChargePermission } from '../../src/domain/charge-permission.js';
import { overRefundAllowance } from '../../src/domain/limits.js';
import { money } from '../../src/domain/money.js';
import type { Refund } from '../../src/domain/refund.js';
import { sqlitePath } from '../../src/store/open-store.js';

export interface MerchantDocuments {
  readonly charges: Charge[];
  readonly permissions: ChargePermission[];
  readonly refunds: Refund[];
  /** Checkout sessions' review URLs (the write load makes each unique per flow). */
  readonly reviewUrls: string[];
}

const TABLES = { charges: 'charges', permissions: 'charge_permissions', refunds: 'refunds' } as const;

/** One merchant's stored documents, read straight from the database (SQLite data directory or PostgreSQL URL). */
export async function merchantDocuments(
  database: { dataDir: string } | { databaseUrl: string },
  merchantId: string,
): Promise<MerchantDocuments> {
  const rows: Record<string, string[]> = {};
  const all = { ...TABLES, sessions: 'checkout_sessions' };
  if ('dataDir' in database) {
    const db = new BetterSqlite3(sqlitePath(database.dataDir), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      for (const [name, table] of Object.entries(all))
        rows[name] = (
          db.prepare(`select doc from ${table} where merchant_id = ?`).all(merchantId) as { doc: string }[]
        ).map((r) => r.doc);
    } finally {
      db.close();
    }
  } else {
    const db = new pg.Client({ connectionString: database.databaseUrl });
    await db.connect();
    try {
      for (const [name, table] of Object.entries(all))
        rows[name] = (await db.query(`select doc from ${table} where merchant_id = $1`, [merchantId])).rows.map(
          (r: { doc: string }) => r.doc,
        );
    } finally {
      await db.end();
    }
  }
  const parse = <T>(name: string) => (rows[name] ?? []).map((d) => JSON.parse(d) as T);
  return {
    charges: parse<Charge>('charges'),
    permissions: parse<ChargePermission>('permissions'),
    refunds: parse<Refund>('refunds'),
    reviewUrls: parse<{ webCheckoutDetails: { checkoutReviewReturnUrl?: string } }>('sessions').map(
      (s) => s.webCheckoutDetails.checkoutReviewReturnUrl ?? '',
    ),
  };
}

/**
 * The money rules over everything stored: per charge captured <= authorized and refunded <= captured + the
 * over-refund allowance, its refund books equal to its refunds; per permission, the books equal to its charges and
 * what it holds within its limit. Returns each violation (empty: all hold).
 */
export function moneyInvariantViolations({ charges, permissions, refunds }: MerchantDocuments): string[] {
  const found: string[] = [];
  for (const c of charges) {
    const captured = c.capturedAmount?.minor ?? 0;
    if (captured > c.chargeAmount.minor)
      found.push(`charge ${c.chargeId}: captured ${captured} > authorized ${c.chargeAmount.minor}`);
    const mine = refunds.filter((r) => r.chargeId === c.chargeId);
    const settled = mine.filter((r) => r.state === 'Refunded').reduce((s, r) => s + r.refundAmount.minor, 0);
    const pending = mine.filter((r) => r.state === 'RefundInitiated').reduce((s, r) => s + r.refundAmount.minor, 0);
    if (c.refundedMinor !== settled)
      found.push(`charge ${c.chargeId}: refunded books ${c.refundedMinor} != ${settled}`);
    if (c.refundPendingMinor !== pending)
      found.push(`charge ${c.chargeId}: pending refund books ${c.refundPendingMinor} != ${pending}`);
    const ceiling = captured + overRefundAllowance(money(captured, c.chargeAmount.currency)).minor;
    if (settled + pending > ceiling) found.push(`charge ${c.chargeId}: refunded ${settled + pending} > ${ceiling}`);
  }
  for (const cp of permissions) {
    const mine = charges.filter((c) => c.chargePermissionId === cp.chargePermissionId);
    const held = mine.reduce((s, c) => s + heldAmount(c).minor, 0);
    const captured = mine
      .filter((c) => c.state === 'Captured')
      .reduce((s, c) => s + (c.capturedAmount ?? c.chargeAmount).minor, 0);
    if (cp.reservedMinor !== held)
      found.push(`permission ${cp.chargePermissionId}: reserved books ${cp.reservedMinor} != ${held}`);
    if (cp.capturedMinor !== captured)
      found.push(`permission ${cp.chargePermissionId}: captured books ${cp.capturedMinor} != ${captured}`);
    if (cp.amountLimit && held > cp.amountLimit.minor)
      found.push(`permission ${cp.chargePermissionId}: holds ${held} > limit ${cp.amountLimit.minor}`);
  }
  const perSession = new Map<string, number>();
  for (const cp of permissions) perSession.set(cp.checkoutSessionId, (perSession.get(cp.checkoutSessionId) ?? 0) + 1);
  for (const [session, n] of perSession) if (n > 1) found.push(`checkout session ${session} completed ${n} times`);
  return found;
}
