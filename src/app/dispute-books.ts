import { disputeMoneyMovement, type Dispute } from '../domain/dispute.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import type { AppContext } from './context.js';
import { save } from './transactions.js';

/**
 * Saves a dispute (its CHARGEBACK notification comes with `save`) together with the money it moves: the
 * chargeback debit when it opens, the reversal when the merchant wins (docs/decisions.md, "Disputes").
 */
export async function saveDispute(
  ctx: AppContext,
  tx: StoreTx,
  before: Dispute | undefined,
  after: Dispute,
  now: Instant,
): Promise<Dispute> {
  const movement = disputeMoneyMovement(before, after);
  const saved = await save(ctx, tx, 'dispute', before, after, now);
  if (movement !== null) {
    ctx.log.debug?.('dispute money movement', {
      disputeId: after.disputeId,
      movement,
      amount: after.disputeAmount.minor,
      currency: after.disputeAmount.currency,
    });
  }
  return saved;
}
