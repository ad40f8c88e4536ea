import type { ReasonCode } from '../domain/errors.js';
import { ApiError } from './api-error.js';
import { verifyButtonSignature } from './button-signature.js';
import {
  checkCheckoutStart,
  checkSignInStart,
  callerFor,
  SIGN_IN_SCOPES,
  type SignInPayload,
  type StartOptions,
} from './hosted-checkout.js';
import type { AppContext, Caller } from './context.js';
import { merchantStoreOf } from './merchants.js';
import type { CheckoutSessionCreateInput } from '../domain/checkout-session.js';
import { isOwnMerchantPage } from '../domain/redirects.js';
import { formatAmount, type Money } from '../domain/money.js';
import { isCheckoutLanguage, type CheckoutLanguage } from '../domain/regions.js';
import { firstUnstorable } from '../domain/text.js';
import { createCheckoutSessionRequest } from '../wire/requests.js';
import { array, literal, object, optional, price, string, url } from '../wire/schema.js';

/**
 * What checkout.js submits for a button (renderButton / initCheckout options plus the signed payload),
 * checked the way Amazon Pay checks it: signature first, then the payload, the store and its URLs.
 */
export interface ButtonFields {
  readonly merchantId?: string | undefined;
  readonly ledgerCurrency?: string | undefined;
  readonly checkoutLanguage?: string | undefined;
  readonly productType?: string | undefined;
  readonly placement?: string | undefined;
  readonly sandbox?: string | boolean | undefined;
  readonly estimatedOrderAmount?: string | { amount?: unknown; currencyCode?: unknown } | undefined;
  readonly payloadJSON?: string | undefined;
  readonly signature?: string | undefined;
  readonly publicKeyId?: string | undefined;
  readonly algorithm?: string | undefined;
  /** The merchant page the button was on (location.href). */
  readonly startedFrom?: string | undefined;
}

export const PRODUCT_TYPES = ['PayAndShip', 'PayOnly', 'SignIn'] as const;
export const PLACEMENTS = ['Home', 'Product', 'Cart', 'Checkout', 'Other'] as const;

export const signInPayloadSchema = object({
  signInReturnUrl: url(1024),
  storeId: string({ max: 100, min: 1 }),
  signInScopes: optional(array(literal(SIGN_IN_SCOPES), { max: SIGN_IN_SCOPES.length })),
});

export type PreparedButton =
  | {
      readonly ok: true;
      readonly kind: 'checkout';
      readonly caller: Caller;
      readonly input: CheckoutSessionCreateInput;
      readonly options: StartOptions;
      readonly language: CheckoutLanguage | undefined;
      readonly estimatedOrderAmount: { amount: string; currencyCode: string } | null;
      readonly startedFrom: string | null;
    }
  | {
      readonly ok: true;
      readonly kind: 'signIn';
      readonly caller: Caller;
      readonly payload: SignInPayload;
      readonly language: CheckoutLanguage | undefined;
      readonly startedFrom: string | null;
    }
  | {
      readonly ok: false;
      readonly reasonCode: ReasonCode;
      readonly message: string;
      readonly language: CheckoutLanguage | undefined;
    };

function problem(reasonCode: ReasonCode, message: string, language: CheckoutLanguage | undefined): PreparedButton {
  return { ok: false, reasonCode, message, language };
}

export async function prepareButton(ctx: AppContext, f: ButtonFields): Promise<PreparedButton> {
  const language = isCheckoutLanguage(f.checkoutLanguage) ? f.checkoutLanguage : undefined;
  const unstorable = firstUnstorable(f);
  if (unstorable !== undefined)
    return problem('InvalidParameterValue', `${unstorable} contains a NUL character or invalid Unicode.`, language);
  for (const name of ['merchantId', 'payloadJSON', 'signature', 'publicKeyId'] as const) {
    if (typeof f[name] !== 'string' || f[name] === '') {
      return problem(
        'MissingParameterValue',
        `${name} is missing. Pass merchantId and createCheckoutSessionConfig (or signInConfig) { payloadJSON, signature, publicKeyId } to amazon.Pay.renderButton.`,
        language,
      );
    }
  }
  if (f.checkoutLanguage !== undefined && f.checkoutLanguage !== '' && !language) {
    return problem(
      'InvalidParameterValue',
      `checkoutLanguage "${f.checkoutLanguage}" is not supported; use en_US, en_GB, de_DE, fr_FR, it_IT, es_ES or ja_JP.`,
      undefined,
    );
  }
  const productType = f.productType === undefined || f.productType === '' ? 'PayAndShip' : f.productType;
  if (!(PRODUCT_TYPES as readonly string[]).includes(productType)) {
    return problem(
      'InvalidParameterValue',
      `productType "${productType}" is not supported; use PayAndShip, PayOnly or SignIn.`,
      language,
    );
  }
  if (f.placement !== undefined && f.placement !== '' && !(PLACEMENTS as readonly string[]).includes(f.placement)) {
    return problem(
      'InvalidParameterValue',
      `placement "${f.placement}" is not supported; use Home, Product, Cart, Checkout or Other.`,
      language,
    );
  }
  const sandbox = f.sandbox === undefined || f.sandbox === '' ? undefined : f.sandbox === true || f.sandbox === 'true';
  const verdict = await verifyButtonSignature(ctx, {
    merchantId: f.merchantId!,
    publicKeyId: f.publicKeyId!,
    signature: f.signature!,
    algorithm: f.algorithm === '' ? undefined : f.algorithm,
    payloadJSON: f.payloadJSON!,
    sandbox,
  });
  if (!verdict.ok) return problem(verdict.reasonCode, verdict.message, language);
  const caller = callerFor(verdict.merchant, verdict.environment);
  if (
    f.ledgerCurrency !== undefined &&
    f.ledgerCurrency !== '' &&
    f.ledgerCurrency !== verdict.merchant.ledgerCurrency
  ) {
    return problem(
      'CurrencyMismatch',
      `ledgerCurrency ${f.ledgerCurrency} does not match merchant ${verdict.merchant.merchantId}, whose ledger currency is ${verdict.merchant.ledgerCurrency}.`,
      language,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(f.payloadJSON!);
  } catch (error) {
    return problem('InvalidRequestFormat', `payloadJSON is not valid JSON: ${(error as Error).message}.`, language);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return problem('InvalidRequestFormat', 'payloadJSON must be a JSON object.', language);
  const unstorablePayload = firstUnstorable(payload, 'payloadJSON');
  if (unstorablePayload !== undefined)
    return problem(
      'InvalidParameterValue',
      `${unstorablePayload} contains a NUL character or invalid Unicode.`,
      language,
    );

  let storeId: string;
  try {
    if (productType === 'SignIn') {
      const parsed = signInPayloadSchema.parse(payload, 'payloadJSON');
      if (!parsed.ok) return problem(parsed.error.reasonCode, parsed.error.message, language);
      const signIn: SignInPayload = {
        signInReturnUrl: parsed.value.signInReturnUrl,
        storeId: parsed.value.storeId,
        signInScopes: parsed.value.signInScopes ?? ['name', 'email'],
      };
      await checkSignInStart(ctx, caller, signIn);
      storeId = signIn.storeId;
      return {
        ok: true,
        kind: 'signIn',
        caller,
        payload: signIn,
        language,
        startedFrom: await startedFromOf(ctx, f.startedFrom, storeId, caller, [signIn.signInReturnUrl]),
      };
    }
    const parsed = createCheckoutSessionRequest.parse(payload, 'payloadJSON');
    if (!parsed.ok) return problem(parsed.error.reasonCode, parsed.error.message, language);
    const options: StartOptions = { productType: productType as 'PayAndShip' | 'PayOnly', checkoutLanguage: language };
    await checkCheckoutStart(ctx, caller, parsed.value, options);
    let estimated: { amount: string; currencyCode: string } | null = null;
    if (f.estimatedOrderAmount !== undefined && f.estimatedOrderAmount !== '') {
      let rawAmount: unknown = f.estimatedOrderAmount;
      if (typeof rawAmount === 'string') {
        try {
          rawAmount = JSON.parse(rawAmount);
        } catch {
          return problem('InvalidParameterValue', 'estimatedOrderAmount must be { amount, currencyCode }.', language);
        }
      }
      const money = price().parse(rawAmount, 'estimatedOrderAmount');
      if (!money.ok) return problem('InvalidParameterValue', money.error.message, language);
      estimated = wirePrice(money.value);
    }
    return {
      ok: true,
      kind: 'checkout',
      caller,
      input: parsed.value,
      options,
      language,
      estimatedOrderAmount: estimated,
      startedFrom: await startedFromOf(ctx, f.startedFrom, parsed.value.storeId, caller, [
        parsed.value.webCheckoutDetails?.checkoutReviewReturnUrl,
        parsed.value.webCheckoutDetails?.checkoutResultReturnUrl,
        parsed.value.webCheckoutDetails?.checkoutCancelUrl,
      ]),
    };
  } catch (error) {
    if (error instanceof ApiError) return problem(error.reasonCode, error.message, language);
    throw error;
  }
}

function wirePrice(m: Money): { amount: string; currencyCode: string } {
  return { amount: formatAmount(m), currencyCode: m.currency };
}

/** The page the button was on, kept only if the store allows its origin (it may become a cancel target). */
async function startedFromOf(
  ctx: AppContext,
  raw: string | undefined,
  storeId: string,
  caller: Caller,
  signedUrls: readonly (string | null | undefined)[],
): Promise<string | null> {
  if (!raw || raw.length > 2048) return null;
  const store = await merchantStoreOf(ctx, storeId);
  if (!store) return null;
  return isOwnMerchantPage(raw, store, caller.environment, signedUrls) ? raw : null;
}
