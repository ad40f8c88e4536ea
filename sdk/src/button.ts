import {
  signButtonPayload,
  toPrivateKey,
  type PrivateKeyInput,
  type SigningAlgorithm,
} from '../../src/signing/index.js';
import type { CreateCheckoutSessionRequest, SignInPayload } from '../../src/wire/types.js';

/** The algorithm the SDK uses when none is configured: the recommended one (the official SDKs still default to the legacy one). */
export const DEFAULT_ALGORITHM: SigningAlgorithm = 'AMZN-PAY-RSASSA-PSS-V2';

/** A button payload: a Create Checkout Session body, a Sign-in payload, or the exact JSON text of one. */
export type ButtonPayload = CreateCheckoutSessionRequest | SignInPayload | string;

export interface ButtonSignatureOptions {
  readonly privateKey: PrivateKeyInput;
  /** Default `AMZN-PAY-RSASSA-PSS-V2`; pass the same value to checkout.js. */
  readonly algorithm?: SigningAlgorithm;
}

/** `createCheckoutSessionConfig` / `signInConfig` for `amazon.Pay.renderButton`. */
export interface ButtonConfig {
  readonly payloadJSON: string;
  readonly signature: string;
  readonly publicKeyId: string;
  readonly algorithm: SigningAlgorithm;
}

/**
 * The exact JSON text that is signed and handed to checkout.js: a string is kept byte for byte.
 *
 * @example
 * payloadJson({ storeId: 'amzn1.application-oa2-client.x', webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' } });
 */
export function payloadJson(payload: ButtonPayload): string {
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

/**
 * Signs a button payload (RSASSA-PSS over `<algorithm>\n<hex SHA-256 of payloadJSON>`).
 * Sign exactly the text you give to checkout.js: pass a string, or use `buttonConfig`, which returns both.
 *
 * @example
 * const payload = JSON.stringify({
 *   webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
 *   storeId: 'amzn1.application-oa2-client.0123456789abcdef',
 * });
 * const signature = generateButtonSignature(payload, { privateKey: readFileSync('private.pem'), algorithm: 'AMZN-PAY-RSASSA-PSS-V2' });
 */
export function generateButtonSignature(payload: ButtonPayload, options: ButtonSignatureOptions): string {
  return signButtonPayload(
    payloadJson(payload),
    toPrivateKey(options.privateKey),
    options.algorithm ?? DEFAULT_ALGORITHM,
  );
}

/**
 * Everything `createCheckoutSessionConfig` (or `signInConfig`) needs, with the algorithm spelled out so
 * checkout.js verifies with the one that signed.
 *
 * @example
 * const config = buttonConfig({
 *   webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
 *   storeId: 'amzn1.application-oa2-client.0123456789abcdef',
 * }, { publicKeyId: 'SANDBOX-AFVX7ULWSGBZ5535PCUQOY7B', privateKey: readFileSync('private.pem') });
 * // in the page: amazon.Pay.renderButton('#AmazonPayButton', { merchantId, ledgerCurrency: 'JPY', placement: 'Cart',
 * //   createCheckoutSessionConfig: config });
 */
export function buttonConfig(
  payload: ButtonPayload,
  options: ButtonSignatureOptions & { readonly publicKeyId: string },
): ButtonConfig {
  const algorithm = options.algorithm ?? DEFAULT_ALGORITHM;
  const json = payloadJson(payload);
  return {
    payloadJSON: json,
    signature: generateButtonSignature(json, { privateKey: options.privateKey, algorithm }),
    publicKeyId: options.publicKeyId,
    algorithm,
  };
}
