import type { Environment } from '../domain/environment.js';
import type { AttemptOutcome, NotificationStatus } from '../domain/ipn-delivery.js';
import type { Region } from '../domain/regions.js';
import type { Instant } from '../domain/time.js';

// Payment notification delivery (IPN): the outbox, endpoints, claiming from the outbox, the delivery log
// and the signing certificate. Written by the use cases (enqueue), delivered by src/app/ipn/ (docs/notifications.md).

export interface NewNotification {
  readonly notificationId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly objectType: string;
  readonly objectId: string;
  readonly chargePermissionId: string;
  readonly notificationType: string;
  readonly createdAt: Instant;
  /** The CV2 message, a JSON string. */
  readonly payload: string;
}

export interface IpnEndpoint {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly url: string;
  readonly updatedAt: Instant;
}

/** A row of the outbox. Times are in the notification's environment clock. */
export interface NotificationRecord extends NewNotification {
  readonly seq: number;
  readonly status: NotificationStatus;
  /** Attempts in the current delivery (since creation or the last replay). */
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  /** When the current delivery began: creation or the last replay. */
  readonly deliveryStartedAt: Instant;
}

/** A notification a worker holds until `claimedUntil` (real time), with what delivering it needs. */
export interface ClaimedNotification extends NotificationRecord {
  readonly claimToken: string;
  readonly claimedUntil: Instant;
  /** The merchant's endpoint for the notification's environment; null when none is set. */
  readonly endpointUrl: string | null;
  /** The merchant's region (the envelope's TopicArn names an AWS region after it). */
  readonly merchantRegion: Region;
  /** The notification's environment clock at the moment of the claim. */
  readonly claimedAt: Instant;
}

export interface IpnAttempt {
  readonly notificationId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly objectType: string;
  readonly objectId: string;
  /** 1 for the first attempt of a delivery; 0 for a notification found without an endpoint. */
  readonly attempt: number;
  /** When the attempt started, in the environment clock. */
  readonly attemptedAt: Instant;
  /** Real time when the attempt was written. */
  readonly recordedAt: Instant;
  readonly url: string | null;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  readonly outcome: AttemptOutcome;
  readonly nextAttemptAt: Instant | null;
}

/** What recording an attempt does to its notification, if the worker still holds it. */
export interface NotificationAfterAttempt {
  readonly claimToken: string;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
}

export interface IpnCertificate {
  readonly fingerprint: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly createdAt: Instant;
}

export interface NotificationReads {
  endpoint(merchantId: string, environment: Environment): Promise<IpnEndpoint | undefined>;
  endpointsOf(merchantId: string): Promise<IpnEndpoint[]>;
  get(notificationId: string): Promise<NotificationRecord | undefined>;
  /** A merchant's notifications, oldest first (optionally of one object). */
  ofMerchant(merchantId: string, options?: { objectId?: string; limit?: number }): Promise<NotificationRecord[]>;
  /** A merchant's delivery log, newest first (optionally of one notification). */
  attemptsOf(merchantId: string, options?: { notificationId?: string; limit?: number }): Promise<IpnAttempt[]>;
  /** The certificate with this fingerprint, or the active one. */
  certificate(fingerprint?: string): Promise<IpnCertificate | undefined>;
  /** How many notifications the outbox holds in each status (the /metrics backlog). */
  countByStatus(): Promise<Partial<Record<NotificationStatus, number>>>;
}

export interface NotificationTx extends NotificationReads {
  /** Adds a notification to the outbox, in the transaction that changed its object. */
  enqueue(n: NewNotification): Promise<void>;
  setEndpoint(endpoint: IpnEndpoint): Promise<void>;
  /**
   * Takes up to `limit` notifications that are due (by each merchant's clock) for `leaseMs`: never one
   * another worker holds, and never one with an earlier undelivered notification of the same object.
   * Notifications whose endpoint URL is in `skipEndpoints` (busy or failing endpoints) are left alone.
   */
  claimDue(
    realNow: Instant,
    limit: number,
    leaseMs: number,
    claimToken: string,
    skipEndpoints?: readonly string[],
  ): Promise<ClaimedNotification[]>;
  /** Gives claims back (not attempted) while `claimToken` still holds them: another pass may take them at once. */
  releaseClaims(notificationIds: readonly string[], claimToken: string): Promise<void>;
  /** Logs the attempt; updates the notification and releases it only while `after.claimToken` still holds it. */
  recordAttempt(attempt: IpnAttempt, after: NotificationAfterAttempt): Promise<boolean>;
  /** Starts a new delivery of the notification at `now` (its environment clock); false when unknown. */
  replay(notificationId: string, now: Instant): Promise<boolean>;
  /** Keeps the first certificate written as the active one; later ones are ignored. */
  insertCertificateIfNone(certificate: IpnCertificate): Promise<void>;
}
