import type { Instant } from '../domain/time.js';

/** A browser's session with the hosted pages (the cookie value itself is never stored). */
export interface BuyerSessionRecord {
  readonly sessionHash: string;
  readonly buyerId: string | null;
  readonly csrfToken: string;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * `reportDownload`: a Get Report Document URL (app/reports.ts), valid 30 s on the merchant's clock.
 * `accountClaim`: a Merchant Account Claim link (app/account-claim.ts), one use.
 */
export type HostedTokenKind = 'claim' | 'signInRequest' | 'buyerToken' | 'reportDownload' | 'accountClaim';

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

/** The hosted pages' browser sessions, one-time tokens and sign-in failures: reads without a transaction. */
export interface HostedReads {
  session(sessionHash: string): Promise<BuyerSessionRecord | undefined>;
  token(tokenHash: string): Promise<HostedTokenRecord | undefined>;
}

/** The hosted pages' records inside a transaction. */
export interface HostedTx extends HostedReads {
  insertSession(session: BuyerSessionRecord): Promise<void>;
  updateSession(session: BuyerSessionRecord): Promise<void>;
  deleteSession(sessionHash: string): Promise<void>;
  insertToken(token: HostedTokenRecord): Promise<void>;
  /** Marks an unused, unexpired token used and returns it; undefined when it was used, expired or unknown. */
  consumeToken(tokenHash: string, kind: HostedTokenKind, now: Instant): Promise<HostedTokenRecord | undefined>;
  /** The throttle row of a sign-in key, locked until the transaction ends (created empty when missing). */
  lockSignInThrottle(attemptKey: string): Promise<SignInThrottleRecord>;
  putSignInThrottle(attemptKey: string, state: SignInThrottleRecord): Promise<void>;
  /** Deletes expired browser sessions, tokens, old sign-in failures and idle throttle rows. */
  purge(now: Instant, failuresBefore: Instant): Promise<void>;
}

export interface SignInThrottleRecord {
  readonly failures: number;
  readonly lastAt: Instant;
  readonly nextAt: Instant;
}
