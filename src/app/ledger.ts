import type { Charge } from '../domain/charge.js';
import type { Dispute } from '../domain/dispute.js';
import { chargeLedgerEntries, disputeLedgerEntries, refundLedgerEntries } from '../domain/ledger.js';
import type { Refund } from '../domain/refund.js';
import type { DocumentKind, Documents, StoreTx } from '../store/store.js';

/**
 * Books the money a document's change moves (a capture and its fee, a refund and the fee it returns, a chargeback and its reversal) into
 * the ledger, in the transaction that saves the change: a crash keeps both or neither. `save` calls it for
 * every write, so every path that captures or refunds (API, hosted pages, timers) is booked.
 */
export async function bookLedger<K extends DocumentKind>(
  tx: StoreTx,
  kind: K,
  before: Documents[K] | undefined,
  after: Documents[K],
): Promise<void> {
  if (kind === 'charge') {
    await tx.ledger.append(chargeLedgerEntries(before as Charge | undefined, after as Charge));
  } else if (kind === 'refund') {
    const refund = after as Refund;
    if (refund.state !== 'Refunded' || (before as Refund | undefined)?.state === 'Refunded') return;
    const charge = await tx.documents.get('charge', refund.chargeId);
    if (!charge) return;
    const earlier = await tx.ledger.entriesOfCharge(charge.chargeId);
    await tx.ledger.append(refundLedgerEntries(before as Refund | undefined, refund, charge, earlier));
  } else if (kind === 'dispute') {
    const dispute = after as Dispute;
    const charge = await tx.documents.get('charge', dispute.chargeId);
    if (!charge) return;
    await tx.ledger.append(disputeLedgerEntries(before as Dispute | undefined, dispute, charge));
  }
}
