import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { Environment } from '../domain/environment.js';
import { newMerchantId, newPublicKeyId, newStoreId } from '../domain/ids.js';
import { isValidOriginPattern, type Merchant, type MerchantStore } from '../domain/merchant.js';
import { REGION_INFO, type Region } from '../domain/regions.js';
import type { Credentials } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { AppContext } from './context.js';
import { inTransaction } from './transactions.js';

/** Merchant accounts, their stores and their API keys: what Seller Central does for Amazon Pay. */

/** The public key `publicKeyId` with its merchant: what authenticating an API call needs. */
export function credentialsOf(ctx: AppContext, publicKeyId: string): Promise<Credentials | undefined> {
  return ctx.store.reader.merchants.credentials(publicKeyId);
}

export function merchantOf(ctx: AppContext, merchantId: string): Promise<Merchant | undefined> {
  return ctx.store.reader.merchants.get(merchantId);
}

export function merchantStoreOf(ctx: AppContext, storeId: string): Promise<MerchantStore | undefined> {
  return ctx.store.reader.merchants.store(storeId);
}

export async function createMerchant(
  ctx: AppContext,
  input: { region: Region; name?: string; allowedOrigins?: readonly string[] },
): Promise<{ merchant: Merchant; store: MerchantStore }> {
  for (const origin of input.allowedOrigins ?? []) {
    if (!isValidOriginPattern(origin))
      throw new ApiError(
        'InvalidParameterValue',
        `${origin} is not an origin such as https://shop.example or http://127.0.0.1:*`,
      );
  }
  const now = ctx.clock.now();
  const merchant: Merchant = {
    merchantId: newMerchantId(ctx.random),
    name: input.name ?? `${input.region.toUpperCase()} merchant`,
    region: input.region,
    ledgerCurrency: REGION_INFO[input.region].ledgerCurrency,
    createdAt: now,
    sandboxClockOffsetMs: 0,
  };
  const store: MerchantStore = {
    storeId: newStoreId(ctx.random),
    merchantId: merchant.merchantId,
    name: merchant.name,
    allowedOrigins: [...(input.allowedOrigins ?? [])],
  };
  await inTransaction(ctx, async (tx) => {
    await tx.merchants.insert(merchant);
    await tx.merchants.insertStore(store, now);
  });
  return { merchant, store };
}

export interface KeySpec {
  readonly merchantId: string;
  readonly environment: Environment;
  /** Legacy keys have no SANDBOX-/LIVE- prefix; the path (`/sandbox/v2`, `/live/v2`) chooses the environment. */
  readonly legacy: boolean;
}

/** Checks and registers a merchant's RSA public key (2048 bits or more). */
export async function registerPublicKey(
  ctx: AppContext,
  spec: KeySpec,
  publicKeyPem: string,
): Promise<{ publicKeyId: string }> {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (error) {
    throw new ApiError(
      'InvalidParameterValue',
      `The public key is not a PEM RSA public key: ${(error as Error).message}`,
    );
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048) {
    throw new ApiError('InvalidParameterValue', 'The public key must be an RSA key of at least 2048 bits.');
  }
  const merchant = await ctx.store.reader.merchants.get(spec.merchantId);
  if (!merchant) throw new ApiError('ResourceNotFound', `Merchant ${spec.merchantId} does not exist.`);
  const publicKeyId = newPublicKeyId(ctx.random, spec.legacy ? 'legacy' : spec.environment);
  await inTransaction(ctx, (tx) =>
    tx.merchants.insertPublicKey({
      publicKeyId,
      merchantId: spec.merchantId,
      environment: spec.legacy ? null : spec.environment,
      publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
      createdAt: ctx.clock.now(),
    }),
  );
  return { publicKeyId };
}

/** Makes an RSA-2048 key pair, registers the public half and hands back the private half (once). */
export async function createKeyPair(
  ctx: AppContext,
  spec: KeySpec,
): Promise<{ publicKeyId: string; privateKeyPem: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { publicKeyId } = await registerPublicKey(
    ctx,
    spec,
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  return { publicKeyId, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * Flags a merchant as a payment service provider (Update Charge, Create and Update Dispute), or back. A flag on
 * the merchant account, kept apart from partner accounts (docs/decisions.md, "Payment service providers").
 */
export async function setPaymentServiceProvider(ctx: AppContext, merchantId: string, on: boolean): Promise<void> {
  const found = await inTransaction(ctx, (tx) => tx.merchants.setPaymentServiceProvider(merchantId, on));
  if (!found) throw new ApiError('ResourceNotFound', `Merchant ${merchantId} does not exist.`);
}

export async function setAllowedOrigins(
  ctx: AppContext,
  storeId: string,
  origins: readonly string[],
): Promise<MerchantStore> {
  for (const origin of origins) {
    if (!isValidOriginPattern(origin))
      throw new ApiError(
        'InvalidParameterValue',
        `${origin} is not an origin such as https://shop.example or http://127.0.0.1:*`,
      );
  }
  const store = await ctx.store.reader.merchants.store(storeId);
  if (!store) throw new ApiError('ResourceNotFound', `Store ${storeId} does not exist.`);
  await inTransaction(ctx, (tx) => tx.merchants.updateAllowedOrigins(storeId, origins));
  return { ...store, allowedOrigins: [...origins] };
}
