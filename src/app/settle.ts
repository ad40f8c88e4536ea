import { settleChargeIfDue, type Charge } from '../domain/charge.js';
import { expirePermissionIfDue } from '../domain/charge-permission.js';
import { expireIfDue, retentionEndsAt } from '../domain/checkout-session.js';
import { settleDisputeIfDue } from '../domain/dispute.js';
import { settleRefundIfDue } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';
import type { DocumentKind, Documents, StoreTx } from '../store/store.js';
import { applyChargeChange, applyRefundChange } from './accounting.js';
import type { AppContext } from './context.js';
import { nextDeadline } from './deadlines.js';
import { save } from './transactions.js';

/**
 * Applies every time-driven change that is due for one object at `now` (the object's own clock), with
 * its effects on related objects. Idempotent: settling twice changes nothing the second time, so a
 * timer that two workers both took still fires once. Locks in the order permission, charge, refund.
 */
export async function settleDue(
  ctx: AppContext,
  tx: StoreTx,
  kind: DocumentKind,
  id: string,
  now: Instant,
): Promise<void> {
  switch (kind) {
    case 'checkoutSession':
      return settleCheckoutSession(ctx, tx, id, now);
    case 'chargePermission':
      return settlePermission(ctx, tx, id, now);
    case 'charge': {
      const peek = await tx.documents.get('charge', id);
      if (!peek) return tx.timers.set('charge', { merchantId: '', environment: 'Sandbox' }, id, null);
      return settleCharges(ctx, tx, peek.chargePermissionId, [id], now);
    }
    case 'refund':
      return settleRefund(ctx, tx, id, now);
    case 'dispute':
      return settleDispute(ctx, tx, id, now);
  }
}

/** A dispute the merchant did not answer in time is lost. */
async function settleDispute(ctx: AppContext, tx: StoreTx, id: string, now: Instant): Promise<void> {
  const dispute = await tx.documents.getForUpdate('dispute', id);
  if (!dispute) return tx.timers.set('dispute', { merchantId: '', environment: 'Sandbox' }, id, null);
  const settled = settleDisputeIfDue(dispute, now);
  if (settled) await save(ctx, tx, 'dispute', dispute, settled, now);
  else await refreshTimer(tx, 'dispute', dispute, id);
}

async function settleCheckoutSession(ctx: AppContext, tx: StoreTx, id: string, now: Instant): Promise<void> {
  const cs = await tx.documents.getForUpdate('checkoutSession', id);
  if (!cs) return tx.timers.set('checkoutSession', { merchantId: '', environment: 'Sandbox' }, id, null);
  if (now >= retentionEndsAt(cs)) return tx.documents.remove('checkoutSession', id);
  const expired = expireIfDue(cs, now);
  if (expired) await save(ctx, tx, 'checkoutSession', cs, expired, now);
  else await refreshTimer(tx, 'checkoutSession', cs, id);
}

async function settlePermission(ctx: AppContext, tx: StoreTx, id: string, now: Instant): Promise<void> {
  const cp = await tx.documents.getForUpdate('chargePermission', id);
  if (!cp) return tx.timers.set('chargePermission', { merchantId: '', environment: 'Sandbox' }, id, null);
  const expired = expirePermissionIfDue(cp, now);
  if (expired) await save(ctx, tx, 'chargePermission', cp, expired, now);
  else await refreshTimer(tx, 'chargePermission', cp, id);
}

/** Settles the given charges of one permission (all of them when `ids` is undefined). */
export async function settleCharges(
  ctx: AppContext,
  tx: StoreTx,
  chargePermissionId: string,
  ids: readonly string[] | undefined,
  now: Instant,
): Promise<void> {
  const cp = await tx.documents.getForUpdate('chargePermission', chargePermissionId);
  if (!cp) return;
  let nextCp = cp;
  const changes: { before: Charge; after: Charge }[] = [];
  for (const id of ids ?? (await tx.documents.chargesOfPermission(chargePermissionId)).map((c) => c.chargeId)) {
    const charge = await tx.documents.getForUpdate('charge', id);
    if (!charge) continue;
    const settled = settleChargeIfDue(charge, now);
    if (!settled) {
      await refreshTimer(tx, 'charge', charge, id);
      continue;
    }
    nextCp = applyChargeChange(nextCp, charge, settled, now);
    changes.push({ before: charge, after: settled });
  }
  await save(ctx, tx, 'chargePermission', cp, nextCp, now);
  for (const { before, after } of changes) await save(ctx, tx, 'charge', before, after, now);
}

async function settleRefund(ctx: AppContext, tx: StoreTx, id: string, now: Instant): Promise<void> {
  const peek = await tx.documents.get('refund', id);
  if (!peek) return tx.timers.set('refund', { merchantId: '', environment: 'Sandbox' }, id, null);
  // Lock order: the permission, then the charge, then the refund.
  await tx.documents.getForUpdate('chargePermission', peek.chargePermissionId);
  const charge = await tx.documents.getForUpdate('charge', peek.chargeId);
  const refund = await tx.documents.getForUpdate('refund', id);
  if (!charge || !refund) return;
  const settled = settleRefundIfDue(refund, now);
  if (!settled) return refreshTimer(tx, 'refund', refund, id);
  await save(ctx, tx, 'charge', charge, applyRefundChange(charge, refund, settled), now);
  await save(ctx, tx, 'refund', refund, settled, now);
}

/** A timer that fired without changing anything is moved to the object's real next deadline. */
async function refreshTimer<K extends DocumentKind>(
  tx: StoreTx,
  kind: K,
  doc: Documents[K],
  id: string,
): Promise<void> {
  await tx.timers.set(
    kind,
    doc as { merchantId: string; environment: 'Sandbox' | 'Live' },
    id,
    nextDeadline(kind, doc),
  );
}

/** Whether an object read outside a transaction has a deadline that has already passed. */
export function isOverdue<K extends DocumentKind>(kind: K, doc: Documents[K], now: Instant): boolean {
  const deadline = nextDeadline(kind, doc);
  return deadline !== null && deadline <= now;
}
