import { newMerchantId, newStoreId } from '../domain/ids.js';
import { isValidOriginPattern, type Merchant, type MerchantStore } from '../domain/merchant.js';
import type { CurrencyCode } from '../domain/money.js';
import {
  accountStateAt,
  changeAccountState,
  mergeDetails,
  SANDBOX_REVIEW_DELAY_MS,
  type MerchantAccount,
  type MerchantAccountType,
} from '../domain/partners.js';
import { REGION_INFO, type Region } from '../domain/regions.js';
import { issueClaimLink } from './account-claim.js';
import { ApiError } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { grantDelegation } from './delegation.js';
import { inTransaction } from './transactions.js';

/**
 * JP merchant onboarding by partners (spec 12 §12.6): Register / Create (`POST /v2/merchantAccounts`), Update,
 * Delete, Claim, Create / Update Store. docs/decisions.md, "Partners and delegation", says how reji tells the two
 * generations apart and what each step does.
 */

/** Fields that name the legal entity: an update may not change them (spec 12 §12.6.1). */
const LEGAL_ENTITY_FIELDS = ['businessType', 'businessLegalName', 'countryOfEstablishment'] as const;

/** Fields only the loginable "merchant account" generation sends. */
const LOGINABLE_FIELDS = ['stores', 'defaultStore', 'beneficiaryOwners', 'integrationInfo', 'merchantStatus'] as const;

export interface AccountBody {
  readonly uniqueReferenceId: string;
  readonly ledgerCurrency: CurrencyCode;
  readonly businessInfo: Readonly<Record<string, unknown>> & {
    readonly countryOfEstablishment: string;
    readonly businessLegalName: string;
    readonly email?: string;
  };
  readonly stores?: readonly StoreInput[];
  readonly defaultStore?: StoreInput;
  readonly [field: string]: unknown;
}

export interface StoreInput {
  readonly domainUrls?: readonly string[];
  readonly storeName?: string;
}

function typeOf(body: AccountBody): MerchantAccountType {
  const loginable = body.businessInfo.email !== undefined || LOGINABLE_FIELDS.some((f) => body[f] !== undefined);
  return loginable ? 'MerchantAccount' : 'AmazonPayAccount';
}

function regionOf(currency: CurrencyCode, country: string): Region {
  if (currency === 'JPY') return 'jp';
  if (currency === 'USD') return 'us';
  if (currency === 'GBP') return 'uk';
  return country === 'DE' ? 'de' : 'eu';
}

function originsOf(urls: readonly string[] | undefined, path: string): string[] {
  const out: string[] = [];
  for (const u of urls ?? []) {
    // A bare domain (`shop.example`) means its https origin; a URL gives its origin.
    let origin: string | undefined;
    try {
      const url = new URL(/^https?:\/\//i.test(u) ? u : `https://${u}`);
      if (url.username === '' && url.password === '' && url.pathname === '/') origin = url.origin;
    } catch {}
    if (origin === undefined || !isValidOriginPattern(origin))
      throw new ApiError('InvalidParameterValue', `The value provided for ${path} is invalid. ${u} is not a domain.`);
    out.push(origin);
  }
  return out;
}

/**
 * Register Amazon Pay Account or Create Merchant Account: a new reji merchant under review, one store, and a grant
 * of delegated access to the partner. Answers `{uniqueReferenceId, merchantAccountId}` (201).
 */
export async function registerMerchantAccount(
  ctx: AppContext,
  caller: Caller,
  body: AccountBody,
): Promise<{ uniqueReferenceId: string; merchantAccountId: string }> {
  const partner = partnerOf(caller);
  if (body.stores && body.defaultStore)
    throw new ApiError('InvalidParameterCombination', 'Send the store as stores[] or as defaultStore, not both.');
  const storeInput = body.stores?.[0] ?? body.defaultStore;
  const origins = originsOf(storeInput?.domainUrls, body.stores ? 'stores[0].domainUrls' : 'defaultStore.domainUrls');
  const region = regionOf(body.ledgerCurrency, body.businessInfo.countryOfEstablishment);
  const now = ctx.clock.now();
  const merchantId = newMerchantId(ctx.random);
  // The new merchant's clock starts at real time: its review ends SANDBOX_REVIEW_DELAY_MS from now.
  const reviewDueAt = now + SANDBOX_REVIEW_DELAY_MS;
  const { uniqueReferenceId, ...details } = body;
  const account: MerchantAccount = {
    merchantAccountId: merchantId,
    partnerId: partner.merchantId,
    environment: caller.environment,
    uniqueReferenceId,
    type: typeOf(body),
    state: 'UnderReview',
    reviewDueAt,
    claimedAt: null,
    details,
    createdAt: now,
    updatedAt: now,
  };
  const merchant: Merchant = {
    merchantId,
    name: body.businessInfo.businessLegalName,
    region,
    ledgerCurrency: REGION_INFO[region].ledgerCurrency,
    createdAt: now,
    sandboxClockOffsetMs: 0,
    kind: 'merchant',
    onboarding: { partnerId: partner.merchantId, state: 'UnderReview', reviewDueAt },
  };
  const store: MerchantStore = {
    storeId: newStoreId(ctx.random),
    merchantId,
    name: storeInput?.storeName ?? body.businessInfo.businessLegalName,
    allowedOrigins: origins,
  };
  await inTransaction(ctx, async (tx) => {
    const taken = await tx.merchants.merchantAccountByReference(
      partner.merchantId,
      caller.environment,
      uniqueReferenceId,
    );
    if (taken)
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for uniqueReferenceId is invalid. It already names merchant account ${taken.merchantAccountId}.`,
      );
    await tx.merchants.insert(merchant);
    await tx.merchants.insertStore(store, now);
    await tx.merchants.insertMerchantAccount(account);
    await grantDelegation(ctx, { merchantId, partnerId: partner.merchantId }, tx);
  });
  return { uniqueReferenceId, merchantAccountId: merchantId };
}

function partnerOf(caller: Caller): Merchant {
  if (!caller.partner) throw new ApiError('UnauthorizedAccess', 'Only partners (solution providers) may do this.');
  return caller.partner;
}

/**
 * The partner's own account in this environment, not deleted. After a claim the merchant owns it: the partner then
 * needs the merchant's authorization token.
 */
async function ownedAccount(ctx: AppContext, caller: Caller, merchantAccountId: string) {
  const partner = partnerOf(caller);
  const account = await ctx.store.reader.merchants.merchantAccount(merchantAccountId);
  if (!account || account.partnerId !== partner.merchantId || account.environment !== caller.environment)
    throw new ApiError('ResourceNotFound', `Merchant account ${merchantAccountId} was not found.`);
  if (caller.merchant.kind !== 'partner' && caller.merchant.merchantId !== merchantAccountId)
    throw new ApiError(
      'InvalidAuthorizationToken',
      `The x-amz-pay-authtoken acts for ${caller.merchant.merchantId}, not for merchant account ${merchantAccountId}.`,
    );
  const now = nowFor(ctx, caller.merchant, caller.environment);
  if (accountStateAt(account, now) === 'Deleted')
    throw new ApiError('InvalidAccountStatus', `Merchant account ${merchantAccountId} was deleted.`);
  if (account.claimedAt !== null && caller.merchant.merchantId !== merchantAccountId)
    throw new ApiError(
      'UnauthorizedAccess',
      `Merchant account ${merchantAccountId} was claimed by its merchant: send the merchant's x-amz-pay-authtoken.`,
    );
  return account;
}

/** Update Amazon Pay Account (204) or Update Merchant Account (200): legal-entity fields stay as registered. */
export async function updateMerchantAccount(
  ctx: AppContext,
  caller: Caller,
  merchantAccountId: string,
  body: Readonly<Record<string, unknown>>,
): Promise<{ type: MerchantAccountType; uniqueReferenceId: string; merchantAccountId: string }> {
  const account = await ownedAccount(ctx, caller, merchantAccountId);
  const { uniqueReferenceId, ledgerCurrency, ...update } = body;
  if (uniqueReferenceId !== undefined && uniqueReferenceId !== account.uniqueReferenceId)
    throw new ApiError(
      'InvalidParameterValue',
      'The value provided for uniqueReferenceId is invalid. It cannot change.',
    );
  if (ledgerCurrency !== undefined && ledgerCurrency !== account.details.ledgerCurrency)
    throw new ApiError('InvalidParameterValue', 'The value provided for ledgerCurrency is invalid. It cannot change.');
  const info = (update.businessInfo ?? {}) as Record<string, unknown>;
  const stored = (account.details.businessInfo ?? {}) as Record<string, unknown>;
  for (const field of LEGAL_ENTITY_FIELDS) {
    if (info[field] !== undefined && info[field] !== stored[field])
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for businessInfo.${field} is invalid. It names the legal entity and cannot be updated.`,
      );
  }
  const now = ctx.clock.now();
  const changed: MerchantAccount = { ...account, details: mergeDetails(account.details, update), updatedAt: now };
  await inTransaction(ctx, (tx) => tx.merchants.updateMerchantAccount(changed, account.version));
  return { type: account.type, uniqueReferenceId: account.uniqueReferenceId, merchantAccountId };
}

/** Delete Amazon Pay Account (202): the merchant's calls, its keys' and delegated ones, are refused from now on. */
export async function deleteMerchantAccount(ctx: AppContext, caller: Caller, merchantAccountId: string): Promise<void> {
  const account = await ownedAccount(ctx, caller, merchantAccountId);
  const merchant = await ctx.store.reader.merchants.get(merchantAccountId);
  const r = changeAccountState(account, 'Deleted', nowFor(ctx, merchant ?? caller.merchant, caller.environment));
  if (!r.ok) throw ApiError.from(r.error);
  await inTransaction(ctx, (tx) => tx.merchants.updateMerchantAccount(r.value, account.version));
}

/**
 * Merchant Account Claim: answers 303 with a one-time link the merchant follows to take the account over
 * (app/account-claim.ts). The partner keeps acting alone until the merchant confirms on that page.
 */
export async function claimMerchantAccount(
  ctx: AppContext,
  caller: Caller,
  merchantAccountId: string,
  uniqueReferenceId: string,
): Promise<{ merchantAccountId: string; claimUrl: string }> {
  const account = await ownedAccount(ctx, caller, merchantAccountId);
  if (account.type !== 'MerchantAccount')
    throw new ApiError(
      'InvalidRequest',
      `Merchant account ${merchantAccountId} was registered as a non-loginable Amazon Pay Account; it cannot be claimed.`,
    );
  if (uniqueReferenceId !== account.uniqueReferenceId)
    throw new ApiError('InvalidParameterValue', 'The value provided for uniqueReferenceId is invalid.');
  if (account.claimedAt !== null)
    throw new ApiError('InvalidRequest', `Merchant account ${merchantAccountId} was already claimed by its merchant.`);
  return { merchantAccountId, claimUrl: await issueClaimLink(ctx, merchantAccountId, account.partnerId) };
}

export interface StoreBody {
  readonly allowedOriginDomains?: readonly string[];
  readonly storeName?: string;
}

/** Create Store (201 `{storeId}`): a store of the merchant account, with the origins its button may use. */
export async function createAccountStore(
  ctx: AppContext,
  caller: Caller,
  merchantAccountId: string,
  body: StoreBody & { readonly storeName: string },
): Promise<{ storeId: string }> {
  await ownedAccount(ctx, caller, merchantAccountId);
  const store: MerchantStore = {
    storeId: newStoreId(ctx.random),
    merchantId: merchantAccountId,
    name: body.storeName,
    allowedOrigins: originsOf(body.allowedOriginDomains, 'allowedOriginDomains'),
  };
  await inTransaction(ctx, (tx) => tx.merchants.insertStore(store, ctx.clock.now()));
  return { storeId: store.storeId };
}

/** Update Store (200 `{storeId}`): name and origins; fields left out stay. */
export async function updateAccountStore(
  ctx: AppContext,
  caller: Caller,
  merchantAccountId: string,
  storeId: string,
  body: StoreBody,
): Promise<{ storeId: string }> {
  await ownedAccount(ctx, caller, merchantAccountId);
  const store = await ctx.store.reader.merchants.store(storeId);
  if (!store || store.merchantId !== merchantAccountId)
    throw new ApiError('ResourceNotFound', `Store ${storeId} of merchant account ${merchantAccountId} was not found.`);
  const changed: MerchantStore = {
    ...store,
    name: body.storeName ?? store.name,
    allowedOrigins:
      body.allowedOriginDomains === undefined
        ? store.allowedOrigins
        : originsOf(body.allowedOriginDomains, 'allowedOriginDomains'),
  };
  await inTransaction(ctx, (tx) => tx.merchants.updateStore(changed));
  return { storeId };
}

/** A partner's merchant accounts with their state now (for the CLI and the console). */
export async function merchantAccountsOf(ctx: AppContext, partnerId: string) {
  const accounts = await ctx.store.reader.merchants.merchantAccountsOf(partnerId);
  const out = [];
  for (const a of accounts) {
    const merchant = await ctx.store.reader.merchants.get(a.merchantAccountId);
    const now = merchant ? nowFor(ctx, merchant, a.environment) : ctx.clock.now();
    out.push({ ...a, state: accountStateAt(a, now) });
  }
  return out;
}
