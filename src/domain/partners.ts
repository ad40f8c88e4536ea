import type { Environment } from './environment.js';
import { fail, ok, type Result } from './errors.js';
import type { Merchant } from './merchant.js';
import { randomHex, type RandomSource } from './random.js';
import { HOUR, MINUTE, type Instant } from './time.js';

/**
 * Partners (solution providers) and what they do for merchants: JP onboarding (merchant accounts they register
 * or create), delegated access (a merchant's grant, exchanged for an authorization token), docs/decisions.md
 * ("Partners and delegation").
 */

/** A reji account is a merchant (takes payments) or a partner (onboards merchants and acts for them). */
export const ACCOUNT_KINDS = ['merchant', 'partner'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Amazon Pay Account (non-loginable, `registerAmazonPayAccount`) or merchant account (loginable, `createMerchantAccount`). */
export const MERCHANT_ACCOUNT_TYPES = ['AmazonPayAccount', 'MerchantAccount'] as const;
export type MerchantAccountType = (typeof MERCHANT_ACCOUNT_TYPES)[number];

/** The states of an onboarded merchant account: reviewed after registration, usable once Active. */
export const MERCHANT_ACCOUNT_STATES = ['UnderReview', 'Active', 'Deleted'] as const;
export type MerchantAccountState = (typeof MERCHANT_ACCOUNT_STATES)[number];

/** Allowed changes of the stored state (the review's end is read from the clock, see `accountStateAt`). */
export const MERCHANT_ACCOUNT_TRANSITIONS: Record<MerchantAccountState, readonly MerchantAccountState[]> = {
  UnderReview: ['Active', 'Deleted'],
  Active: ['Deleted'],
  Deleted: [],
};

/** How long the sandbox "review" of a newly onboarded account takes, on the onboarded merchant's clock. */
export const SANDBOX_REVIEW_DELAY_MS = 15 * MINUTE;
/** How long an authorization token from the token exchange is valid, on the merchant's clock. */
export const AUTHORIZATION_TOKEN_LIFETIME_MS = HOUR;

/** What a merchant that a partner onboarded carries beside the merchant record (read on every call). */
export interface Onboarding {
  readonly partnerId: string;
  readonly state: MerchantAccountState;
  /** When the review ends; the account is Active from then on (the merchant's clock in the account's environment). */
  readonly reviewDueAt: Instant;
}

/** The account's state at `now`: UnderReview turns Active by itself once the review is due. */
export function accountStateAt(onboarding: Onboarding, now: Instant): MerchantAccountState {
  if (onboarding.state === 'UnderReview' && now >= onboarding.reviewDueAt) return 'Active';
  return onboarding.state;
}

/** Whether a merchant may take payments: always for merchants made by the operator, after review for onboarded ones. */
export function usableMerchant(merchant: Merchant, now: Instant): Result<Merchant> {
  if (merchant.kind === 'partner')
    return fail('UnauthorizedAccess', `${merchant.merchantId} is a partner account; it takes no payments itself.`);
  const onboarding = merchant.onboarding;
  if (!onboarding) return ok(merchant);
  const state = accountStateAt(onboarding, now);
  if (state === 'Active') return ok(merchant);
  return fail(
    'InvalidAccountStatus',
    state === 'Deleted'
      ? `Merchant account ${merchant.merchantId} was deleted by its partner.`
      : `Merchant account ${merchant.merchantId} is still under review; it becomes usable after ${new Date(onboarding.reviewDueAt).toISOString()} (move the sandbox clock with POST /v2/testing/clock).`,
  );
}

/** A merchant account as its partner registered or created it: the wire body is kept as given. */
export interface MerchantAccount {
  readonly merchantAccountId: string;
  readonly partnerId: string;
  readonly environment: Environment;
  readonly uniqueReferenceId: string;
  readonly type: MerchantAccountType;
  readonly state: MerchantAccountState;
  readonly reviewDueAt: Instant;
  readonly claimedAt: Instant | null;
  /** businessInfo, primaryContactPerson, beneficiaryOwners, integrationInfo, … as last sent. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/** Merges an update into the stored details: objects field by field (a partial businessAddress keeps the rest). */
export function mergeDetails(
  stored: Readonly<Record<string, unknown>>,
  update: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(update)) {
    const before = out[key];
    out[key] =
      isRecord(before) && isRecord(value) && !Array.isArray(value) ? mergeDetails(before, value) : (value as unknown);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The stored state may change only along MERCHANT_ACCOUNT_TRANSITIONS. */
export function changeAccountState(
  account: MerchantAccount,
  to: MerchantAccountState,
  now: Instant,
): Result<MerchantAccount> {
  const from = accountStateAt(account, now);
  if (!MERCHANT_ACCOUNT_TRANSITIONS[from].includes(to))
    return fail(
      'InvalidAccountStatus',
      `Merchant account ${account.merchantAccountId} is ${from}; it cannot become ${to}.`,
    );
  return ok({ ...account, state: to, updatedAt: now });
}

/** A merchant's grant of delegated access to a partner, named by its MWS auth token. */
export interface Delegation {
  readonly mwsAuthToken: string;
  readonly partnerId: string;
  readonly merchantId: string;
  /** HMAC key of the authorization tokens issued for this grant (never leaves the store). */
  readonly secret: string;
  readonly createdAt: Instant;
  readonly revokedAt: Instant | null;
}

/** `amzn.mws.` + a UUID-like suffix, as Seller Central shows MWS auth tokens. */
export function newMwsAuthToken(random: RandomSource): string {
  const h = randomHex(random, 32);
  return `amzn.mws.${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newDelegationSecret(random: RandomSource): string {
  return randomHex(random, 64);
}

export const MWS_AUTH_TOKEN = /^amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The claims of an authorization token (a JWT, HS256): who acts, for whom, where, until when. */
export interface AuthorizationClaims {
  /** The merchant the token acts for. */
  readonly sub: string;
  /** The partner it was issued to. */
  readonly aud: string;
  /** The grant (MWS auth token) it came from: revoking the grant ends the token. */
  readonly jti: string;
  readonly env: Environment;
  /** Seconds, on the merchant's clock of `env`. */
  readonly iat: number;
  readonly exp: number;
}

/** Checks a token's claims against the grant, the calling partner, the environment and the merchant's clock. */
export function checkAuthorization(
  claims: AuthorizationClaims,
  delegation: Delegation | undefined,
  caller: { readonly partnerId: string; readonly environment: Environment },
  now: Instant,
): Result<Delegation> {
  const bad = (why: string) => fail('InvalidAuthorizationToken', `The x-amz-pay-authtoken is not valid: ${why}.`);
  if (!delegation || delegation.mwsAuthToken !== claims.jti || delegation.merchantId !== claims.sub)
    return bad('no such grant');
  if (claims.aud !== caller.partnerId || delegation.partnerId !== caller.partnerId)
    return bad('it was issued to another partner');
  if (claims.env !== caller.environment) return bad(`it was issued for ${claims.env}, not ${caller.environment}`);
  if (delegation.revokedAt !== null) return bad('the merchant revoked the grant');
  if (now >= claims.exp * 1000) return bad(`it expired at ${new Date(claims.exp * 1000).toISOString()}`);
  return ok(delegation);
}
