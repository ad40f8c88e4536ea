import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { Dispute } from '../domain/dispute.js';
import { randomUpperAlnum, type RandomSource } from '../domain/random.js';
import type { Refund } from '../domain/refund.js';
import type { Instant } from '../domain/time.js';
import type { DocumentKind, Documents, NewNotification } from '../store/store.js';
import type { IpnMessage, IpnNotificationType, IpnObjectType } from '../wire/types.js';

export type NotificationObjectType = IpnObjectType;
export type NotificationType = IpnNotificationType;

function changeOf<K extends DocumentKind>(
  kind: K,
  before: Documents[K] | undefined,
  after: Documents[K],
): NotificationType | null {
  switch (kind) {
    case 'checkoutSession':
      return null; // Checkout sessions are not an IPN object type.
    case 'charge':
    case 'refund':
    case 'dispute': {
      const b = before as Charge | Refund | Dispute | undefined;
      const a = after as Charge | Refund | Dispute;
      return !b || b.state !== a.state || b.reasonCode !== a.reasonCode ? 'STATE_CHANGE' : null;
    }
    case 'chargePermission': {
      const b = before as ChargePermission | undefined;
      const a = after as ChargePermission;
      if (!b || b.state !== a.state || JSON.stringify(b.reasons) !== JSON.stringify(a.reasons)) return 'STATE_CHANGE';
      const attributes = (cp: ChargePermission) =>
        JSON.stringify([cp.paymentMethod, cp.shippingAddress, cp.billingAddress, cp.recurringMetadata, cp.buyer]);
      return attributes(b) !== attributes(a) ? 'ATTRIBUTE_CHANGE' : null;
    }
    default:
      throw new Error(`unknown document kind ${String(kind)}`);
  }
}

const OBJECT_TYPES: Readonly<Record<Exclude<DocumentKind, 'checkoutSession'>, NotificationObjectType>> = {
  chargePermission: 'CHARGE_PERMISSION',
  charge: 'CHARGE',
  refund: 'REFUND',
  dispute: 'CHARGEBACK',
};

/**
 * The notification a saved change produces, if any: creation and every state change of a charge,
 * refund, charge permission or dispute (CHARGEBACK, its ObjectId the dispute id), and attribute changes
 * of a charge permission.
 */
export function notificationFor<K extends DocumentKind>(
  kind: K,
  before: Documents[K] | undefined,
  after: Documents[K],
  random: RandomSource,
  now: Instant,
): NewNotification | null {
  if (kind === 'checkoutSession') return null;
  const type = changeOf(kind, before, after);
  if (type === null) return null;
  const objectType = OBJECT_TYPES[kind as Exclude<DocumentKind, 'checkoutSession'>];
  const doc = after as Charge | Refund | ChargePermission | Dispute;
  const objectId =
    kind === 'charge'
      ? (doc as Charge).chargeId
      : kind === 'refund'
        ? (doc as Refund).refundId
        : kind === 'dispute'
          ? (doc as Dispute).disputeId
          : (doc as ChargePermission).chargePermissionId;
  const notificationId = randomUpperAlnum(random, 32);
  const message: IpnMessage = {
    MerchantID: doc.merchantId,
    ObjectType: objectType,
    ObjectId: objectId,
    ChargePermissionId: doc.chargePermissionId,
    NotificationType: type,
    NotificationId: notificationId,
    NotificationVersion: 'V2',
  };
  return {
    notificationId,
    merchantId: doc.merchantId,
    environment: doc.environment,
    objectType,
    objectId,
    chargePermissionId: doc.chargePermissionId,
    notificationType: type,
    createdAt: now,
    payload: JSON.stringify(message),
  };
}
