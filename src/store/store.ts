import type { Charge } from '../domain/charge.js';
import type { ChargePermission } from '../domain/charge-permission.js';
import type { CheckoutSession } from '../domain/checkout-session.js';
import type { Environment } from '../domain/environment.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import type { Refund } from '../domain/refund.js';
import type { Region } from '../domain/regions.js';
import type { Instant } from '../domain/time.js';
import type { AttemptOutcome, NotificationStatus } from '../domain/ipn-delivery.js';
import type { DialectName } from './migrations.js';

/** The versioned documents reji keeps, by kind. */
export interface Documents {
  checkoutSession: CheckoutSession;
  chargePermission: ChargePermission;
  charge: Charge;
  refund: Refund;
}
export type DocumentKind = keyof Documents;

/** Another writer changed the row since it was read: the whole transaction is retried. */
export class ConcurrentUpdateError extends Error {
  constructor(kind: string, id: string) {
    super(`${kind} ${id} was changed by another request`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** The database cannot be reached: the API answers 503 ServiceUnavailable. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}

export interface IdempotencyClaim {
  readonly claimed: boolean;
  /** Set when the key was used before (claimed is false). */
  readonly previous?: { readonly fingerprint: string; readonly status: number; readonly response: string };
}

export interface TimerDue {
  readonly objectType: DocumentKind;
  readonly objectId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly dueAt: Instant;
  /** The merchant's sandbox clock offset the claim saw (0 for Live): the timer is settled by that clock or later. */
  readonly clockOffsetMs: number;
}

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

export interface BuyerRecord {
  readonly buyerId: string;
  readonly region: string;
  readonly email: string;
  readonly name: string;
  readonly phoneNumber: string | null;
  readonly passwordHash: string | null;
  readonly isTest: boolean;
  readonly createdAt: Instant;
  /** Everything else about the buyer (prime status, preferred language...). */
  readonly profile: Readonly<Record<string, unknown>>;
}

export interface BuyerItem<T> {
  readonly id: string;
  readonly buyerId: string;
  readonly position: number;
  readonly value: T;
  readonly createdAt: Instant;
}

export type BuyerItemKind = 'address' | 'paymentMethod';

// ---- hosted pages: browser sessions, one-time tokens, sign-in failures ----

/** A browser's session with the hosted pages (the cookie value itself is never stored). */
export interface BuyerSessionRecord {
  readonly sessionHash: string;
  readonly buyerId: string | null;
  readonly csrfToken: string;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
  readonly data: Readonly<Record<string, unknown>>;
}

export type HostedTokenKind = 'claim' | 'signInRequest' | 'buyerToken';

export interface HostedTokenRecord {
  readonly tokenHash: string;
  readonly kind: HostedTokenKind;
  /** What the token is about: a checkout session id, a sign-in request id or a buyer id. */
  readonly subject: string;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
  readonly usedAt: Instant | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A public key and the merchant it belongs to, read together to authenticate a request. */
export interface Credentials {
  readonly key: PublicKeyRecord;
  readonly merchant: Merchant | undefined;
}

/** Reads that need no transaction. */
export interface StoreReads extends IpnReads {
  merchant(merchantId: string): Promise<Merchant | undefined>;
  merchantStore(storeId: string): Promise<MerchantStore | undefined>;
  storesOf(merchantId: string): Promise<MerchantStore[]>;
  publicKey(publicKeyId: string): Promise<PublicKeyRecord | undefined>;
  /** The key with its merchant in one query: every API call needs both. */
  credentials(publicKeyId: string): Promise<Credentials | undefined>;
  publicKeysOf(merchantId: string): Promise<PublicKeyRecord[]>;
  get<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermission(chargePermissionId: string): Promise<Charge[]>;
  refundsOfCharge(chargeId: string): Promise<Refund[]>;
  buyer(buyerId: string): Promise<BuyerRecord | undefined>;
  buyerByEmail(region: string, email: string): Promise<BuyerRecord | undefined>;
  buyersOfRegion(region: string, onlyTest: boolean): Promise<BuyerRecord[]>;
  buyerItems<T>(kind: BuyerItemKind, buyerId: string): Promise<BuyerItem<T>[]>;
  buyerItem<T>(kind: BuyerItemKind, id: string): Promise<BuyerItem<T> | undefined>;

  // hosted pages
  buyerSession(sessionHash: string): Promise<BuyerSessionRecord | undefined>;
  hostedToken(tokenHash: string): Promise<HostedTokenRecord | undefined>;
  /** Failed sign-ins recorded under `attemptKey` at or after `since`. */
  signInFailures(attemptKey: string, since: Instant): Promise<number>;
}

/** Everything a use case may do inside one transaction. */
export interface StoreTx extends StoreReads, IpnTx {
  /** Reads a document and, on PostgreSQL, locks its row until the transaction ends. */
  getForUpdate<K extends DocumentKind>(kind: K, id: string): Promise<Documents[K] | undefined>;
  chargesOfPermissionForUpdate(chargePermissionId: string): Promise<Charge[]>;
  insert<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  /** Compare-and-set on `doc.version`; returns the document with its new version. */
  update<K extends DocumentKind>(kind: K, doc: Documents[K]): Promise<Documents[K]>;
  remove(kind: DocumentKind, id: string): Promise<void>;
  setTimer(
    kind: DocumentKind,
    doc: { merchantId: string; environment: Environment },
    id: string,
    dueAt: Instant | null,
  ): Promise<void>;

  insertMerchant(merchant: Merchant): Promise<void>;
  insertMerchantStore(store: MerchantStore, createdAt: Instant): Promise<void>;
  updateAllowedOrigins(storeId: string, origins: readonly string[]): Promise<void>;
  insertPublicKey(key: PublicKeyRecord): Promise<void>;
  advanceSandboxClock(merchantId: string, byMs: number): Promise<Merchant>;

  claimIdempotencyKey(
    merchantId: string,
    environment: Environment,
    key: string,
    fingerprint: string,
    now: Instant,
  ): Promise<IdempotencyClaim>;
  saveIdempotentResponse(
    merchantId: string,
    environment: Environment,
    key: string,
    status: number,
    response: string,
  ): Promise<void>;

  /**
   * Takes up to `limit` due timers (by each merchant's clock) for `leaseMs`, skipping ones another
   * worker holds; settling them is idempotent, the lease only keeps workers from doing it twice.
   * A lease ends early only when `setTimer` moves the timer's due time.
   */
  claimDueTimers(realNow: Instant, limit: number, leaseMs: number, merchantId?: string): Promise<TimerDue[]>;

  enqueueNotification(n: NewNotification): Promise<void>;

  /**
   * With `ifAbsent`, a buyer whose id or email is taken is left as it is (and false returned) instead
   * of failing: seeding from several processes at once.
   */
  insertBuyer(buyer: BuyerRecord, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
  updateBuyer(buyer: BuyerRecord): Promise<void>;
  insertBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  updateBuyerItem<T>(kind: BuyerItemKind, item: BuyerItem<T>): Promise<void>;
  deleteBuyerItem(kind: BuyerItemKind, id: string, at: Instant): Promise<void>;

  // hosted pages
  insertBuyerSession(session: BuyerSessionRecord): Promise<void>;
  updateBuyerSession(session: BuyerSessionRecord): Promise<void>;
  deleteBuyerSession(sessionHash: string): Promise<void>;
  insertHostedToken(token: HostedTokenRecord): Promise<void>;
  /** Marks an unused, unexpired token used and returns it; undefined when it was used, expired or unknown. */
  consumeHostedToken(tokenHash: string, kind: HostedTokenKind, now: Instant): Promise<HostedTokenRecord | undefined>;
  recordSignInFailure(id: string, attemptKey: string, at: Instant): Promise<void>;
  /** The throttle row of a sign-in key, locked until the transaction ends (created empty when missing). */
  lockSignInThrottle(attemptKey: string): Promise<SignInThrottleRecord>;
  putSignInThrottle(attemptKey: string, state: SignInThrottleRecord): Promise<void>;
  clearSignInFailures(attemptKey: string): Promise<void>;
  /** Deletes expired browser sessions, tokens and old sign-in failures. */
  purgeHosted(now: Instant, failuresBefore: Instant): Promise<void>;

  /** Runs `fn` so that a failure undoes only what `fn` did. */
  savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

export interface SignInThrottleRecord {
  readonly failures: number;
  readonly lastAt: Instant;
  readonly nextAt: Instant;
}

export interface Store {
  readonly dialect: DialectName;
  readonly reader: StoreReads;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** A write that changes nothing (readiness checks); throws StoreUnavailableError when the database cannot be reached or written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Payment notification delivery (IPN): endpoints, claiming from the outbox, the delivery log and
// the signing certificate. Used by src/app/ipn/ only (docs/notifications.md).
// ---------------------------------------------------------------------------------------------

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

export interface IpnReads {
  ipnEndpoint(merchantId: string, environment: Environment): Promise<IpnEndpoint | undefined>;
  ipnEndpointsOf(merchantId: string): Promise<IpnEndpoint[]>;
  notification(notificationId: string): Promise<NotificationRecord | undefined>;
  /** A merchant's notifications, oldest first (optionally of one object). */
  notificationsOf(merchantId: string, options?: { objectId?: string; limit?: number }): Promise<NotificationRecord[]>;
  /** A merchant's delivery log, newest first (optionally of one notification). */
  ipnAttemptsOf(merchantId: string, options?: { notificationId?: string; limit?: number }): Promise<IpnAttempt[]>;
  /** The certificate with this fingerprint, or the active one. */
  ipnCertificate(fingerprint?: string): Promise<IpnCertificate | undefined>;
}

export interface IpnTx {
  setIpnEndpoint(endpoint: IpnEndpoint): Promise<void>;
  /**
   * Takes up to `limit` notifications that are due (by each merchant's clock) for `leaseMs`: never one
   * another worker holds, and never one with an earlier undelivered notification of the same object.
   * Notifications whose endpoint URL is in `skipEndpoints` (busy or failing endpoints) are left alone.
   */
  claimDueNotifications(
    realNow: Instant,
    limit: number,
    leaseMs: number,
    claimToken: string,
    skipEndpoints?: readonly string[],
  ): Promise<ClaimedNotification[]>;
  /** Gives claims back (not attempted) while `claimToken` still holds them: another pass may take them at once. */
  releaseNotificationClaims(notificationIds: readonly string[], claimToken: string): Promise<void>;
  /** Logs the attempt; updates the notification and releases it only while `after.claimToken` still holds it. */
  recordIpnAttempt(attempt: IpnAttempt, after: NotificationAfterAttempt): Promise<boolean>;
  /** Starts a new delivery of the notification at `now` (its environment clock); false when unknown. */
  replayNotification(notificationId: string, now: Instant): Promise<boolean>;
  /** Keeps the first certificate written as the active one; later ones are ignored. */
  insertIpnCertificateIfNone(certificate: IpnCertificate): Promise<void>;
}
