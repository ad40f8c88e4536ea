import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { Instant } from '../domain/time.js';
import type { DocumentKind, Documents, StoreTx } from '../store/store.js';
import { notFound } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { isOverdue, settleDue } from './settle.js';
import { inTransaction } from './transactions.js';

const LABELS: Readonly<Record<DocumentKind, string>> = {
  checkoutSession: 'Checkout Session',
  chargePermission: 'Charge Permission',
  charge: 'Charge',
  refund: 'Refund',
  dispute: 'Dispute',
};

/** Objects of another merchant or of the other environment do not exist for the caller. */
function owned<K extends DocumentKind>(doc: Documents[K] | undefined, caller: Caller): doc is Documents[K] {
  return doc !== undefined && doc.merchantId === caller.merchant.merchantId && doc.environment === caller.environment;
}

/** Reads an object of the caller's, first applying any timer that is already due (so reads never show stale states). */
export async function readOwned<K extends DocumentKind>(
  ctx: AppContext,
  caller: Caller,
  kind: K,
  id: string,
): Promise<{ doc: Documents[K]; now: Instant }> {
  const doc = await ctx.store.reader.documents.get(kind, id);
  if (!owned(doc, caller)) throw notFound(LABELS[kind], id);
  const now = nowFor(ctx, caller.merchant, caller.environment);
  if (!isOverdue(kind, doc, now)) return { doc, now };
  await inTransaction(ctx, (tx) => settleDue(ctx, tx, kind, id, now));
  const settled = await ctx.store.reader.documents.get(kind, id);
  if (!owned(settled, caller)) throw notFound(LABELS[kind], id);
  return { doc: settled, now };
}

/** Loads and (on PostgreSQL) locks an object of the caller's, with due timers applied. */
export async function lockOwned<K extends DocumentKind>(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  kind: K,
  id: string,
  now: Instant,
): Promise<Documents[K]> {
  const doc = await tx.documents.getForUpdate(kind, id);
  if (!owned(doc, caller)) throw notFound(LABELS[kind], id);
  if (!isOverdue(kind, doc, now)) return doc;
  await settleDue(ctx, tx, kind, id, now);
  const settled = await tx.documents.getForUpdate(kind, id);
  if (!owned(settled, caller)) throw notFound(LABELS[kind], id);
  return settled;
}

/** Reads an object of the caller's inside a transaction without locking it (to learn what to lock first). */
export async function peekOwned<K extends DocumentKind>(
  tx: StoreTx,
  caller: Caller,
  kind: K,
  id: string,
): Promise<Documents[K]> {
  const doc = await tx.documents.get(kind, id);
  if (!owned(doc, caller)) throw notFound(LABELS[kind], id);
  return doc;
}

/**
 * A charge of the caller's and its permission, both locked (the permission first), with due timers applied:
 * one read when nothing is due; otherwise each is settled in the lock order, the permission read again last.
 */
export async function lockChargeWithPermission(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  chargeId: string,
  now: Instant,
): Promise<{ cp: ChargePermission; charge: Charge }> {
  const { charge, chargePermission: cp } = await tx.documents.chargeWithPermissionForUpdate(chargeId);
  if (!owned(charge, caller)) throw notFound(LABELS.charge, chargeId);
  if (!owned(cp, caller)) throw notFound(LABELS.chargePermission, charge.chargePermissionId);
  if (!isOverdue('chargePermission', cp, now) && !isOverdue('charge', charge, now)) return { cp, charge };
  await lockOwned(ctx, tx, caller, 'chargePermission', cp.chargePermissionId, now);
  const settled = await lockOwned(ctx, tx, caller, 'charge', chargeId, now);
  return { cp: await lockOwned(ctx, tx, caller, 'chargePermission', cp.chargePermissionId, now), charge: settled };
}
