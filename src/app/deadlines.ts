import { nextChargeDeadline } from '../domain/charge.js';
import { retentionEndsAt } from '../domain/checkout-session.js';
import { nextDisputeDeadline } from '../domain/dispute.js';
import { nextRefundDeadline } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';
import type { DocumentKind, Documents } from '../store/store.js';

/** The next moment a timer may change the object; stored as its timer row each time the object is saved. */
export function nextDeadline<K extends DocumentKind>(kind: K, doc: Documents[K]): Instant | null {
  switch (kind) {
    case 'checkoutSession': {
      const cs = doc as Documents['checkoutSession'];
      return cs.state === 'Open' ? Math.min(cs.expiresAt, retentionEndsAt(cs)) : retentionEndsAt(cs);
    }
    case 'chargePermission': {
      const cp = doc as Documents['chargePermission'];
      return cp.state === 'Closed' ? null : cp.expiresAt;
    }
    case 'charge':
      return nextChargeDeadline(doc as Documents['charge']);
    case 'refund':
      return nextRefundDeadline(doc as Documents['refund']);
    case 'dispute':
      return nextDisputeDeadline(doc as Documents['dispute']);
    default:
      throw new Error(`unknown document kind ${String(kind)}`);
  }
}
