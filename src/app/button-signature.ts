import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Environment } from '../domain/environment.js';
import type { ReasonCode } from '../domain/errors.js';
import type { Merchant, PublicKeyRecord } from '../domain/merchant.js';
import { isSigningAlgorithm, payloadStringToSign, verifyString, type SigningAlgorithm } from '../signing/index.js';
import { usableMerchant } from '../domain/partners.js';
import { nowFor, type AppContext } from './context.js';

/** What checkout.js sends for a button: the signed payload and who signed it. */
export interface ButtonSignatureInput {
  readonly merchantId: string;
  readonly publicKeyId: string;
  readonly signature: string;
  readonly algorithm: string | undefined;
  readonly payloadJSON: string;
  /** The button's `sandbox` option; only legacy keys need it. */
  readonly sandbox: boolean | undefined;
}

export type ButtonSignatureVerdict =
  | {
      readonly ok: true;
      readonly merchant: Merchant;
      readonly environment: Environment;
      readonly key: PublicKeyRecord;
      readonly algorithm: SigningAlgorithm;
    }
  | { readonly ok: false; readonly reasonCode: ReasonCode; readonly message: string };

const TRY_ORDER: readonly SigningAlgorithm[] = ['AMZN-PAY-RSASSA-PSS-V2', 'AMZN-PAY-RSASSA-PSS'];

/** PHP's SDK hashes the payload after `stripcslashes`; accept that variant too (spec 05 §5.5). */
export function unescapedVariant(payloadJson: string): string {
  const simple: Readonly<Record<string, string>> = {
    n: '\n',
    t: '\t',
    r: '\r',
    f: '\f',
    v: '\v',
    b: '\b',
    a: '\x07',
    '0': '\0',
  };
  return payloadJson.replace(/\\(.)/gs, (_m, c: string) => simple[c] ?? c);
}

function bad(reasonCode: ReasonCode, message: string): ButtonSignatureVerdict {
  return { ok: false, reasonCode, message };
}

let keyCache = new Map<string, KeyObject>();

/**
 * Verifies a button's payload signature like Amazon Pay: with the merchant's registered public key for
 * `publicKeyId`, which must belong to `merchantId` and fit the environment (Sandbox key, Live key with
 * `sandbox` not true, or a legacy key whose environment the `sandbox` option picks). Without `algorithm`,
 * V2 is tried first, then the legacy one.
 */
export async function verifyButtonSignature(
  ctx: AppContext,
  input: ButtonSignatureInput,
): Promise<ButtonSignatureVerdict> {
  if (input.algorithm !== undefined && !isSigningAlgorithm(input.algorithm)) {
    return bad(
      'InvalidParameterValue',
      `algorithm "${input.algorithm}" is not supported; use AMZN-PAY-RSASSA-PSS-V2 or AMZN-PAY-RSASSA-PSS.`,
    );
  }
  const key = await ctx.store.reader.merchants.publicKey(input.publicKeyId);
  if (!key) return bad('UnauthorizedAccess', `publicKeyId ${input.publicKeyId} is not registered with reji.`);
  if (key.merchantId !== input.merchantId) {
    return bad(
      'UnauthorizedAccess',
      `publicKeyId ${input.publicKeyId} does not belong to merchantId ${input.merchantId}.`,
    );
  }
  let environment: Environment;
  if (key.environment === 'Live') {
    if (input.sandbox === true)
      return bad(
        'UnauthorizedAccess',
        `publicKeyId ${input.publicKeyId} is a Live key but the button has sandbox: true; use a SANDBOX- key for the sandbox.`,
      );
    environment = 'Live';
  } else if (key.environment === 'Sandbox') {
    environment = 'Sandbox';
  } else {
    environment = input.sandbox === true ? 'Sandbox' : 'Live';
  }
  const merchant = await ctx.store.reader.merchants.get(key.merchantId);
  if (!merchant) return bad('UnauthorizedAccess', `merchantId ${input.merchantId} does not exist.`);
  // A partner's account takes no payments; an onboarded merchant only once reviewed (and not deleted).
  const usable = usableMerchant(merchant, nowFor(ctx, merchant, environment));
  if (!usable.ok) return bad(usable.error.reasonCode, usable.error.message);
  let publicKey = keyCache.get(key.publicKeyPem);
  if (!publicKey) {
    if (keyCache.size > 1000) keyCache = new Map();
    publicKey = createPublicKey(key.publicKeyPem);
    keyCache.set(key.publicKeyPem, publicKey);
  }
  const algorithms = input.algorithm === undefined ? TRY_ORDER : [input.algorithm as SigningAlgorithm];
  const payloads = [input.payloadJSON];
  const unescaped = unescapedVariant(input.payloadJSON);
  if (unescaped !== input.payloadJSON) payloads.push(unescaped);
  for (const algorithm of algorithms) {
    for (const payload of payloads) {
      if (verifyString(algorithm, publicKey, payloadStringToSign(algorithm, payload), input.signature)) {
        return { ok: true, merchant, environment, key, algorithm };
      }
    }
  }
  const shown = algorithms[0]!;
  return bad(
    'InvalidRequestSignature',
    `The signature does not match payloadJSON for publicKeyId ${input.publicKeyId} (tried ${algorithms.join(' and ')}). ` +
      `Sign exactly the payloadJSON string you pass to the button; reji verified the string to sign ` +
      `${JSON.stringify(payloadStringToSign(shown, input.payloadJSON))}.`,
  );
}
