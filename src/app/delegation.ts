import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Environment } from '../domain/environment.js';
import { newMerchantId } from '../domain/ids.js';
import type { Merchant } from '../domain/merchant.js';
import {
  AUTHORIZATION_TOKEN_LIFETIME_MS,
  checkAuthorization,
  MWS_AUTH_TOKEN,
  newDelegationSecret,
  newMwsAuthToken,
  type AuthorizationClaims,
  type Delegation,
} from '../domain/partners.js';
import { REGION_INFO, type Region } from '../domain/regions.js';
import { ApiError } from './api-error.js';
import { nowFor, type AppContext } from './context.js';
import { inTransaction } from './transactions.js';
import type { StoreTx } from '../store/store.js';

/**
 * Partners and delegated access (docs/decisions.md, "Partners and delegation"): a partner account, a merchant's
 * grant (named by an MWS auth token), the token exchange and the check of `x-amz-pay-authtoken` on every call.
 */

/** A partner (solution provider) account; its keys are made like a merchant's (`reji keys create`). */
export async function createPartner(ctx: AppContext, input: { region: Region; name?: string }): Promise<Merchant> {
  const partner: Merchant = {
    merchantId: newMerchantId(ctx.random),
    name: input.name ?? `${input.region.toUpperCase()} partner`,
    region: input.region,
    ledgerCurrency: REGION_INFO[input.region].ledgerCurrency,
    createdAt: ctx.clock.now(),
    sandboxClockOffsetMs: 0,
    kind: 'partner',
    onboarding: null,
  };
  await inTransaction(ctx, (tx) => tx.merchants.insert(partner));
  return partner;
}

async function accountOf(reads: StoreTx['merchants'], id: string, kind: 'merchant' | 'partner'): Promise<Merchant> {
  const account = await reads.get(id);
  if (!account || (account.kind ?? 'merchant') !== kind)
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for ${kind}Id is invalid. There is no ${kind} ${id}.`,
    );
  return account;
}

/** The merchant grants the partner delegated access (a partner that already holds a live grant gets it back). */
export async function grantDelegation(
  ctx: AppContext,
  input: { merchantId: string; partnerId: string },
  tx?: StoreTx,
): Promise<Delegation> {
  const write = async (t: StoreTx) => {
    // Inside the caller's transaction: a merchant it has just written is visible, and SQLite's one writer is not waited on.
    await accountOf(t.merchants, input.merchantId, 'merchant');
    await accountOf(t.merchants, input.partnerId, 'partner');
    const existing = (await t.merchants.delegationsOf({ merchantId: input.merchantId })).find(
      (d) => d.partnerId === input.partnerId && d.revokedAt === null,
    );
    if (existing) return existing;
    const delegation: Delegation = {
      mwsAuthToken: newMwsAuthToken(ctx.random),
      partnerId: input.partnerId,
      merchantId: input.merchantId,
      secret: newDelegationSecret(ctx.random),
      createdAt: ctx.clock.now(),
      revokedAt: null,
    };
    await t.merchants.insertDelegation(delegation);
    return delegation;
  };
  return tx ? write(tx) : inTransaction(ctx, write);
}

/** Ends a grant: its authorization tokens stop working at once. `merchantId` limits it to that merchant's grants. */
export async function revokeDelegation(
  ctx: AppContext,
  mwsAuthToken: string,
  merchantId?: string,
): Promise<Delegation> {
  const d = await ctx.store.reader.merchants.delegation(mwsAuthToken);
  if (!d || (merchantId !== undefined && d.merchantId !== merchantId))
    throw new ApiError('ResourceNotFound', `Delegation ${mwsAuthToken} was not found.`);
  const at = ctx.clock.now();
  await inTransaction(ctx, (tx) => tx.merchants.revokeDelegation(mwsAuthToken, at));
  return { ...d, revokedAt: d.revokedAt ?? at };
}

/** The grants a partner holds or a merchant gave. */
export function delegationsOf(ctx: AppContext, who: { partnerId: string } | { merchantId: string }) {
  return ctx.store.reader.merchants.delegationsOf(who);
}

/** The token exchange (`GET /v2/authorizationTokens/{mwsAuthToken}?merchantId=`): a JWT for the partner's calls. */
export async function exchangeAuthorizationToken(
  ctx: AppContext,
  partner: Merchant,
  environment: Environment,
  mwsAuthToken: string,
  merchantId: string | undefined,
): Promise<{ authorizationToken: string }> {
  if (merchantId === undefined || merchantId === '')
    throw new ApiError('MissingParameterValue', 'The request is missing the required parameter merchantId.');
  if (!MWS_AUTH_TOKEN.test(mwsAuthToken))
    throw new ApiError('InvalidParameterValue', `The value provided for mwsAuthToken is invalid.`);
  const d = await ctx.store.reader.merchants.delegation(mwsAuthToken);
  if (!d || d.partnerId !== partner.merchantId)
    throw new ApiError(
      'InvalidParameterValue',
      'The value provided for mwsAuthToken is invalid. No grant of that name was given to this partner.',
    );
  if (d.merchantId !== merchantId)
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for merchantId is invalid. The grant is not ${merchantId}'s.`,
    );
  if (d.revokedAt !== null)
    throw new ApiError(
      'InvalidParameterValue',
      'The value provided for mwsAuthToken is invalid. The merchant revoked it.',
    );
  const merchant = await ctx.store.reader.merchants.get(merchantId);
  if (!merchant) throw new ApiError('InvalidParameterValue', 'The value provided for merchantId is invalid.');
  const iat = Math.floor(nowFor(ctx, merchant, environment) / 1000);
  const claims: AuthorizationClaims = {
    sub: merchantId,
    aud: partner.merchantId,
    jti: mwsAuthToken,
    env: environment,
    iat,
    exp: iat + AUTHORIZATION_TOKEN_LIFETIME_MS / 1000,
  };
  return { authorizationToken: signJwt(claims, d.secret) };
}

/**
 * The merchant a partner's call acts for, from its `x-amz-pay-authtoken` (403 InvalidAuthorizationToken when the
 * token is malformed, forged, of another partner or environment, revoked or expired on the merchant's clock).
 */
export async function delegatedMerchant(
  ctx: AppContext,
  partner: Merchant,
  environment: Environment,
  token: string,
): Promise<Merchant> {
  const claims = readJwt(token);
  const delegation = await ctx.store.reader.merchants.delegation(claims.jti);
  if (!delegation || !verifyJwt(token, delegation.secret))
    throw new ApiError(
      'InvalidAuthorizationToken',
      'The x-amz-pay-authtoken is not valid: its signature does not match.',
    );
  const merchant = await ctx.store.reader.merchants.get(claims.sub);
  if (!merchant)
    throw new ApiError('InvalidAuthorizationToken', 'The x-amz-pay-authtoken is not valid: no such merchant.');
  const r = checkAuthorization(
    claims,
    delegation,
    { partnerId: partner.merchantId, environment },
    nowFor(ctx, merchant, environment),
  );
  if (!r.ok) throw ApiError.from(r.error);
  return merchant;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const JWT_HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function hmac(input: string, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(input).digest();
}

function signJwt(claims: AuthorizationClaims, secret: string): string {
  const body = `${JWT_HEADER}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(hmac(body, secret))}`;
}

function verifyJwt(token: string, secret: string): boolean {
  const cut = token.lastIndexOf('.');
  const expected = hmac(token.slice(0, cut), secret);
  const given = Buffer.from(token.slice(cut + 1), 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readJwt(token: string): AuthorizationClaims {
  const bad = () => new ApiError('InvalidAuthorizationToken', 'The x-amz-pay-authtoken is not a token reji issued.');
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== JWT_HEADER) throw bad();
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const c = claims as Partial<Record<keyof AuthorizationClaims, unknown>>;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.sub !== 'string' ||
    typeof c.aud !== 'string' ||
    typeof c.jti !== 'string' ||
    !MWS_AUTH_TOKEN.test(c.jti) ||
    (c.env !== 'Sandbox' && c.env !== 'Live') ||
    typeof c.iat !== 'number' ||
    typeof c.exp !== 'number'
  )
    throw bad();
  return c as AuthorizationClaims;
}
